"""The course's own code, as the benchmarks use it: the 03 and 04 masters' solutions
(through autograder.reference) plus the given `to_float32` cell of the 04 master.

Nothing here is rewritten for speed: the benchmarks time the code students read.
"""

import functools

import nbformat

from autograder.course import master_path
from autograder.reference import load


@functools.cache
def layers():
    """The 03 master's solution module: Linear, ReLU, CrossEntropyLoss, Sequential, SGD..."""
    return load("03_vectorized_backprop")


@functools.cache
def mlp():
    """The 04 master's solution module (build_mlp, train, predict, accuracy...), with the
    master's given `to_float32` cell added: it is not a solution cell, so reference.load
    leaves it out, but the MNIST recipe calls it."""
    module = load("04_mlp")
    master = nbformat.read(master_path("04_mlp"), as_version=4)
    source = next(cell.source for cell in master.cells
                  if cell.metadata.get("nbgrader", {}).get("grade_id") == "to_float32")
    exec(compile(source, "<04_mlp master: to_float32>", "exec"), module.__dict__)
    return module


def mnist_model(sizes=(784, 256, 10), seed=0):
    """The 04 recipe's float32 MLP: to_float32(build_mlp(sizes, "relu", rng=seed))."""
    return mlp().to_float32(mlp().build_mlp(list(sizes), "relu", rng=seed))


def n_params(sizes):
    """Weights and biases of an MLP with these layer sizes: sum of n_in * n_out + n_out."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
