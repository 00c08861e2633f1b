"""The course's own code, as the benchmarks use it: the 03 and 04 masters' solutions
(through autograder.reference) plus the given cells of the 04 master that its MNIST recipe calls.

Nothing here is rewritten for speed: the benchmarks time the code students read.
"""

import functools
import time

import nbformat

from autograder.course import master_path
from autograder.reference import load


@functools.cache
def layers():
    """The 03 master's solution module: Linear, ReLU, CrossEntropyLoss, Sequential, SGD..."""
    return load("03_vectorized_backprop")


GIVEN_04 = ("to_float32", "skip_input_gradient")  # given cells of the 04 master the recipe calls


@functools.cache
def mlp():
    """The 04 master's solution module (build_mlp, train, predict, accuracy, InputLinear...),
    with the master's given `to_float32` and `skip_input_gradient` cells added: they are not
    solution cells, so reference.load leaves them out, but the MNIST recipe calls them."""
    module = load("04_mlp")
    master = nbformat.read(master_path("04_mlp"), as_version=4)
    for cell in master.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in GIVEN_04:
            exec(compile(cell.source, f"<04_mlp master: {grade_id}>", "exec"), module.__dict__)
    return module


def mnist_model(sizes=(784, 256, 10), seed=0):
    """The 04 recipe's float32 MLP, its first layer an InputLinear:
    skip_input_gradient(to_float32(build_mlp(sizes, "relu", rng=seed)))."""
    return mlp().skip_input_gradient(mlp().to_float32(mlp().build_mlp(list(sizes), "relu", rng=seed)))


def course_epoch(model, X, y, order, batch_size, lr):
    """SGD over the examples in `order` with the course's layers, in minibatches: the inner
    loop of the 04 master's `train`.

    X: (N, D) float32; y: (N,) int labels; order: (M,) indices into X, M <= N.
    Returns: seconds.
    """
    loss, optimizer = layers().CrossEntropyLoss(), layers().SGD(model, lr)
    started = time.perf_counter()
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        loss.forward(model.forward(X[batch]), y[batch])
        model.backward(loss.backward())
        optimizer.step()
    return time.perf_counter() - started


def n_params(sizes):
    """Weights and biases of an MLP with these layer sizes: sum of n_in * n_out + n_out."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def epoch_flops(sizes, examples):
    """Floating-point operations of the matrix products in one training epoch of the recipe's
    model: x @ W and x.T @ dout in every Linear, dx = dout @ W.T in every Linear but the first
    (an InputLinear: the images need no gradient); 2 per multiply-add."""
    products = [n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return 2 * examples * (3 * sum(products) - products[0])
