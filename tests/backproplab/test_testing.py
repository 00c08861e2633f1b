import numpy as np
import pytest

from backproplab.testing import (assert_close, assert_finite, assert_gradients, assert_shape,
                                 seeds, unchanged)


def message_of(check, *args, **kwargs):
    with pytest.raises(AssertionError) as caught:
        check(*args, **kwargs)
    return str(caught.value)


def test_assert_shape_passes_and_names_the_batch_axis():
    assert_shape(np.zeros((3,)), (3,), "grads['b']")
    message = message_of(assert_shape, np.zeros((7, 3)), (3,), "grads['b']")
    assert "grads['b'] has shape (7, 3), expected (3,)" in message
    assert "sum over the batch axis" in message


def test_assert_shape_spots_swapped_axes_and_the_wrong_axis():
    assert "swapped" in message_of(assert_shape, np.zeros((3, 4)), (4, 3), "dW")
    assert "axis 1 has length 5, expected 3" in message_of(assert_shape, np.zeros((2, 5)),
                                                          (2, 3), "dx")


def test_assert_close_passes_within_tolerance():
    expected = np.array([[1.0, -2.0], [3.0, 0.0]])
    assert_close(expected + 1e-9, expected, "out")
    assert_close(0.5, 0.5, "loss")


def test_assert_close_reports_the_worst_value_and_where():
    expected = np.arange(6.0).reshape(2, 3)
    got = expected.copy()
    got[1, 2] = 0.0
    message = message_of(assert_close, got, expected, "dx", seed=7)
    assert "dx is wrong in 1 of 6 value(s)" in message
    assert "at index (1, 2)" in message and "got 0, expected 5" in message
    assert "[test seed 7]" in message


@pytest.mark.parametrize("transform, hint", [
    (lambda e: -e, "wrong sign"),
    (lambda e: 4 * e, "4 times the right answer"),
    (lambda e: e.T, "transpose"),
    (lambda e: np.zeros_like(e), "all zeros"),
])
def test_assert_close_recognizes_common_patterns(transform, hint):
    expected = np.random.default_rng(0).normal(size=(3, 3))
    assert hint in message_of(assert_close, transform(expected), expected, "dW")


def test_assert_close_explains_none_lists_and_nan():
    assert "forget a `return`" in message_of(assert_close, None, np.ones(2), "dx")
    assert "should be a NumPy array, got list" in message_of(assert_close, [1.0, 2.0],
                                                             np.ones(2), "dx")
    assert "non-finite" in message_of(assert_close, np.array([1.0, np.nan]), np.ones(2), "dx")
    assert "non-finite" in message_of(assert_finite, np.array([np.inf]), "loss")


def test_unchanged_catches_an_in_place_change():
    x = np.ones(3)
    with unchanged(x=x):
        y = x + 1
    assert "x was modified in place" in message_of(lambda: _modify(x))
    assert y.sum() == 6


def _modify(x):
    with unchanged(x=x):
        x[0] = 5.0


def test_assert_gradients_fails_with_the_report():
    class Wrong:
        params, grads = {}, {}

        def forward(self, x):
            self.x = x
            return x ** 2

        def backward(self, dout):
            return self.x * dout

    assert "gradient check of Wrong" in message_of(assert_gradients, Wrong(), np.ones((2, 2)))


def test_seeds(monkeypatch):
    monkeypatch.delenv("BACKPROPLAB_TEST_SEED", raising=False)
    assert seeds(10) == [10, 11, 12]
    assert seeds(5, 1) == [5]
    monkeypatch.setenv("BACKPROPLAB_TEST_SEED", "1000")
    assert seeds(10) == [1010, 1011, 1012]


def test_assert_close_names_a_mask_built_from_the_wrong_array():
    rng = np.random.default_rng(1)
    x, dout = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    message = message_of(assert_close, np.where(dout > 0, dout, 0.0), np.where(x > 0, dout, 0.0),
                         "dx")
    assert "zero in the wrong places" in message


def test_assert_close_names_no_factor_for_a_single_number():
    assert "hint" not in message_of(assert_close, 7.25, 1.5, "loss")


def test_assert_gradients_spots_a_forgotten_upstream_gradient():
    class NoUpstream:
        params, grads = {}, {}

        def forward(self, x):
            self.out = np.tanh(x)
            return self.out

        def backward(self, dout):
            return 1 - self.out ** 2

    message = message_of(assert_gradients, NoUpstream(), np.ones((2, 3)))
    assert "does not scale with dout" in message


def test_a_failure_is_an_assertion_error_by_name_too():
    with pytest.raises(AssertionError) as caught:
        assert_close(np.ones(2), np.zeros(2), "y")
    assert type(caught.value).__name__ == "AssertionError"  # as Jupyter and the grader name it


def test_in_jupyter_a_failure_ends_at_the_test_cells_line():
    """The student sees their test cell's line and the message, not this package's frames."""
    import re

    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = new_notebook(cells=[new_code_cell("from backproplab.testing import assert_close"),
                                   new_code_cell("y = 1.0\nassert_close(y, 2.0, 'y')")])
    with pytest.raises(CellExecutionError):
        NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    error, = [o for o in notebook.cells[1].outputs if o.output_type == "error"]
    shown = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))
    assert error.ename == "AssertionError"
    assert "assert_close(y, 2.0, 'y')" in shown and "y is wrong in 1 of 1 value" in shown
    assert "testing.py" not in shown and "gradcheck.py" not in shown
