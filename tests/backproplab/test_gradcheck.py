import numpy as np
import pytest

from backproplab.gradcheck import check_layer, check_loss, numerical_gradient, rel_error


class Affine:
    """A correct reference layer for these tests: out = x @ W + b."""

    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {}

    def forward(self, x):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dout):
        self.grads = {"W": self.x.T @ dout, "b": dout.sum(axis=0)}
        return dout @ self.params["W"].T


class WrongBias(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["b"] = dout.mean(axis=0)
        return dx


@pytest.fixture
def layer():
    rng = np.random.default_rng(0)
    return Affine(rng.normal(size=(4, 3)), rng.normal(size=3))


def test_numerical_gradient_of_a_square_is_twice_x():
    x = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(numerical_gradient(lambda v: v ** 2, x), 2 * x, atol=1e-8)


def test_numerical_gradient_weights_the_output_by_dout():
    rng = np.random.default_rng(1)
    x, W, dout = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=(5, 3))
    np.testing.assert_allclose(numerical_gradient(lambda x: x @ W, x, dout), dout @ W.T,
                               rtol=1e-7)


def test_numerical_gradient_restores_its_input_and_accepts_integers():
    x = np.array([1.0, 2.0, 3.0])
    numerical_gradient(np.sin, x)
    assert np.array_equal(x, [1.0, 2.0, 3.0])
    assert numerical_gradient(lambda v: 3 * v, [1, 2]).dtype == np.float64


def test_rel_error():
    assert rel_error(np.ones(3), np.ones(3)) == 0
    assert rel_error([1.0], [3.0]) == pytest.approx(0.5)
    assert rel_error(np.zeros(2), np.zeros(2)) == 0


def test_check_layer_passes_a_correct_layer_and_leaves_its_parameters(layer):
    W = layer.params["W"].copy()
    report = check_layer(layer, np.random.default_rng(2).normal(size=(6, 4)))
    assert report.passed
    assert [check.name for check in report.checks] == ["dx", "grads['W']", "grads['b']"]
    assert all(check.error < 1e-8 for check in report.checks)
    assert np.array_equal(layer.params["W"], W)


def test_check_layer_names_the_wrong_gradient():
    rng = np.random.default_rng(3)
    report = check_layer(WrongBias(rng.normal(size=(4, 3)), rng.normal(size=3)),
                         rng.normal(size=(6, 4)))
    assert not report.passed
    failed = [check.name for check in report.checks if not check.passed]
    assert failed == ["grads['b']"]
    assert "FAIL" in str(report) and "grads['b']" in str(report)


def test_check_layer_reports_a_shape_mismatch():
    class BiasNotSummed(Affine):
        def backward(self, dout):
            dx = super().backward(dout)
            self.grads["b"] = dout
            return dx

    rng = np.random.default_rng(4)
    report = check_layer(BiasNotSummed(rng.normal(size=(4, 3)), rng.normal(size=3)),
                         rng.normal(size=(6, 4)), wrt=["b"])
    assert not report.passed
    assert "shape (6, 3), expected (3,)" in str(report)


def test_check_layer_can_check_parameters_when_dx_fails():
    class BadDx(Affine):
        def backward(self, dout):
            super().backward(dout)
            raise ValueError("dx broke")

    rng = np.random.default_rng(5)
    layer = BadDx(rng.normal(size=(4, 3)), rng.normal(size=3))
    assert check_layer(layer, rng.normal(size=(2, 4)), wrt=["W", "b"]).passed
    with pytest.raises(ValueError, match="dx broke"):
        check_layer(layer, rng.normal(size=(2, 4)))


def test_check_layer_refuses_float32_parameters():
    layer = Affine(np.ones((2, 2), np.float32), np.zeros(2, np.float32))
    with pytest.raises(TypeError, match="float64"):
        check_layer(layer, np.ones((1, 2)))


def test_check_loss():
    class Half:
        def forward(self, pred, target):
            self.diff = pred - target
            return 0.5 * float(np.sum(self.diff ** 2))

        def backward(self):
            return self.diff

    class Wrong(Half):
        def backward(self):
            return 2 * self.diff

    rng = np.random.default_rng(6)
    pred, target = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    assert check_loss(Half(), pred, target).passed
    assert not check_loss(Wrong(), pred, target).passed


def test_a_reference_judges_backward_even_when_forward_is_wrong():
    class WrongForward(Affine):
        def forward(self, x):
            super().forward(x)
            return 2 * (x @ self.params["W"])

    rng = np.random.default_rng(7)
    layer = WrongForward(rng.normal(size=(3, 2)), rng.normal(size=2))
    x = rng.normal(size=(4, 3))
    assert not check_layer(layer, x).passed
    assert check_layer(layer, x, reference=lambda x, W, b: x @ W + b).passed
