"""Tests compute with a student's objects (06: `a + b` for two Values): the operator runs the
student's own method in the student's process, and a student's operator that misbehaves costs
only the tests that use it."""

from autograder import samples
from autograder.boundary import wire
from autograder.grade import grade

A = "06_autograd"


def _graded(tmp_path, replacements):
    answers = samples.solutions(A)
    changed = {}
    for cell, (find, replace) in replacements.items():
        assert answers[cell].count(find) == 1
        changed[cell] = answers[cell].replace(find, replace)
    samples.write(samples.solved(A, changed), tmp_path / "s", "student", A)
    result, = grade(tmp_path / "s", out=tmp_path / "g", quiet=True)
    return {c.cell: c for c in result.cells if not c.manual}


def test_only_arithmetic_operators_cross():
    assert {"add", "radd", "mul", "rmul", "pow", "neg", "matmul"} <= wire.OPERATORS
    assert not {"getattribute", "setattr", "reduce", "del", "init", "call"} & wire.OPERATORS


def test_an_operator_that_returns_not_implemented_fails_with_a_type_error(tmp_path):
    cells = _graded(tmp_path, {"value": ('        out = Value(self.data * other.data, (self, other), "*")',
                                         "        return NotImplemented")})
    assert cells["test_value_mul"].points == 0
    assert "TypeError" in cells["test_value_mul"].message
    assert all(cells[cell].points == cells[cell].max_points
               for cell in ("test_exp_log", "test_sum_to_shape", "test_tensor_matmul"))
