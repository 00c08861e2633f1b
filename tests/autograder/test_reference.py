import numpy as np

from autograder import samples
from autograder.reference import load
from backproplab.gradcheck import check_layer, check_loss

A = "03_vectorized_backprop"


def test_reference_is_the_masters_solution_code():
    course = load(A)
    for name in ("Linear", "Sigmoid", "Tanh", "ReLU", "MSELoss", "BCEWithLogitsLoss",
                 "CrossEntropyLoss", "Sequential", "SGD", "two_layer_backprop"):
        assert hasattr(course, name), name
    assert "class Linear" in samples.solutions(A)["linear"]


def test_reference_layers_pass_gradient_checks():
    course = load(A)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3))
    for layer in (course.Linear(3, 2, rng=0), course.Sigmoid(), course.Tanh(), course.ReLU()):
        assert check_layer(layer, x).passed
    assert check_loss(course.CrossEntropyLoss(), rng.normal(size=(4, 3)),
                      np.array([0, 1, 2, 1])).passed
