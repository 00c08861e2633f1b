"""Assertions for notebook test cells, with messages that say what to fix.

Each check reads as one line in a test cell and fails with an ``AssertionError`` phrased in
the student's terms: which array, the shape it has and the shape it should have, the largest
error and where it is, and a hint when the error has a recognizable pattern (a transpose, a
sign, a constant factor such as a missing 1/N).
"""

import os
import types
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from backproplab.gradcheck import check_layer, check_loss

__all__ = ["assert_shape", "assert_close", "assert_finite", "unchanged", "assert_gradients",
           "assert_loss_gradient", "seeds"]

_PACKAGE = Path(__file__).resolve().parent


class _CheckFailed(AssertionError):
    """What a check raises: an AssertionError (Jupyter, nbgrader and the grader name it so)
    whose traceback, in Jupyter, ends at the test cell's line. The frames of this package
    are left out: the message already says what is wrong, and they are not the student's."""

    def _render_traceback_(self):
        # IPython's hook for showing an exception; if it fails, IPython shows the usual one
        from IPython import get_ipython

        shell = get_ipython()
        return shell.InteractiveTB.structured_traceback(type(self), self,
                                                        _outside_package(self.__traceback__))


_CheckFailed.__name__ = _CheckFailed.__qualname__ = "AssertionError"


def _outside_package(tb):
    """The traceback `tb` without its frames in this package."""
    entries = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    kept = None
    for entry in reversed(entries):
        if Path(entry.tb_frame.f_code.co_filename).resolve().parent != _PACKAGE:
            kept = types.TracebackType(kept, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return kept


def _where(seed):
    return f" [test seed {seed}]" if seed is not None else ""


def _fail(message, hint=None, seed=None):
    text = message + _where(seed)
    if hint:
        text += f"\n  hint: {hint}"
    raise _CheckFailed(text)


def seeds(base, count=3):
    """The seeds a randomized test runs on: ``offset + base, offset + base + 1, ...``.

    The offset is the environment variable BACKPROPLAB_TEST_SEED (0 when unset). The grader
    sets it per submission, so each student's hidden tests draw fresh shapes and values,
    reproducibly: the grade record keeps the offset, and every failure message names its seed.

    Inputs:
    - base: int, the first seed; count: how many draws.

    Returns:
    - list of `count` ints. Tests run every draw, so a wrong answer never passes on luck.
    """
    offset = int(os.environ.get("BACKPROPLAB_TEST_SEED", "0"))
    return [offset + base + i for i in range(count)]


def _join(*hints):
    """The hints that apply, most specific first: a recognized pattern, then the test's own."""
    return "; ".join(h for h in hints if h) or None


def _as_array(got, name, seed):
    if got is None:
        _fail(f"{name} is None", "did you forget a `return` statement?", seed)
    if isinstance(got, np.ndarray):
        return got
    if np.isscalar(got):
        return np.asarray(got)
    _fail(f"{name} should be a NumPy array, got {type(got).__name__}",
          "build it with NumPy operations (or np.asarray) rather than a list", seed)


def _shape_hint(got, expected):
    if got == expected[::-1] and len(got) > 1:
        return "the axes are swapped: is a transpose missing or extra?"
    if len(got) == len(expected) + 1 and got[1:] == expected:
        return "it has an extra leading (batch) axis: sum over the batch axis (axis=0)"
    if len(got) == len(expected) + 1 and got[:-1] == expected:
        return "it has an extra trailing axis of size 1? check keepdims and reshapes"
    if len(got) + 1 == len(expected) and got == expected[1:]:
        return "the batch axis is missing: keep one row per example"
    if len(got) == len(expected):
        axis = next(i for i, (g, e) in enumerate(zip(got, expected)) if g != e)
        return f"axis {axis} has length {got[axis]}, expected {expected[axis]}"
    return None


def assert_shape(got, expected_shape, name, *, hint=None, seed=None):
    """Check that ``got`` is an array of shape ``expected_shape``.

    Inputs:
    - got: the array to check; expected_shape: tuple; name: how to call it in a message.
    - hint: extra advice appended on failure; seed: the test seed to report.
    """
    got = _as_array(got, name, seed)
    expected_shape = tuple(int(n) for n in expected_shape)
    if got.shape != expected_shape:
        _fail(f"{name} has shape {got.shape}, expected {expected_shape}",
              _join(_shape_hint(got.shape, expected_shape), hint), seed)


def assert_finite(got, name, *, hint=None, seed=None):
    """Check that ``got`` holds no NaN or inf.

    Inputs:
    - got: array of any shape; name, hint, seed: as for assert_shape.
    """
    got = _as_array(got, name, seed)
    if np.issubdtype(got.dtype, np.number) and not np.all(np.isfinite(got)):
        bad = np.argwhere(~np.isfinite(got))
        where = tuple(int(i) for i in bad[0])
        _fail(f"{name} contains {len(bad)} non-finite value(s) (NaN or inf), the first at "
              f"index {where}: {got[where]}",
              hint or "exp or log of a large number? use the stable formulation", seed)


def _value_hint(got, expected):
    """Name a recognizable pattern in a wrong answer, or return None."""
    scale = np.max(np.abs(expected)) if expected.size else 0.0
    if scale == 0.0:
        return None
    if not np.any(got):
        return "it is all zeros: is something not computed or not stored?"
    if np.allclose(got, -expected, rtol=1e-4, atol=1e-7 * scale):
        return "it has the wrong sign"
    if got.ndim == 2 and got.shape == got.shape[::-1] and np.allclose(got, expected.T, rtol=1e-4,
                                                                      atol=1e-7 * scale):
        return "it is the transpose of the right answer"
    if got.size < 2:
        return None  # one number is a multiple of any other: no pattern to name
    ratio = float(np.sum(got * expected) / np.sum(expected * expected))
    if abs(ratio - 1) > 1e-3 and np.allclose(got, ratio * expected, rtol=1e-4, atol=1e-7 * scale):
        return (f"it is {ratio:.4g} times the right answer: a missing or extra factor "
                f"(1/N, a batch size, a 2 from a square)?")
    both = (got != 0) & (expected != 0)
    if np.any((got == 0) != (expected == 0)) and np.allclose(got[both], expected[both]):
        return "it is zero in the wrong places: is a mask built from the wrong array?"
    return None


def assert_close(got, expected, name, *, rtol=1e-5, atol=1e-8, hint=None, seed=None):
    """Check an array against the expected one: shape, finiteness, then every value.

    Inputs:
    - got: the student's array (or number); expected: the right answer, same shape.
    - name: how to call `got` in a message, e.g. "dx" or "grads['W']".
    - rtol, atol: as in np.allclose, with atol scaled by the largest |expected|.
    - hint: extra advice on failure; seed: the test seed to report.
    """
    expected = np.asarray(expected, dtype=np.float64)
    got = _as_array(got, name, seed)
    assert_shape(got, expected.shape, name, seed=seed)
    assert_finite(got, name, seed=seed)
    got = got.astype(np.float64)
    tolerance = atol * max(1.0, float(np.max(np.abs(expected), initial=0.0))) + rtol * np.abs(expected)
    error = np.abs(got - expected)
    if np.all(error <= tolerance):
        return
    where = np.unravel_index(np.argmax(error - tolerance), error.shape)
    location = f" at index {tuple(int(i) for i in where)}" if got.ndim else ""
    wrong = int(np.sum(error > tolerance))
    _fail(f"{name} is wrong in {wrong} of {got.size} value(s); the worst{location}: "
          f"got {got[where]:.6g}, expected {expected[where]:.6g}",
          _join(_value_hint(got, expected), hint), seed)


@contextmanager
def unchanged(**arrays):
    """Check that code inside the ``with`` block does not modify the given arrays.

    Usage: ``with unchanged(x=x): layer.forward(x)``.
    """
    before = {name: np.array(array, copy=True) for name, array in arrays.items()}
    yield
    for name, array in arrays.items():
        if not np.array_equal(before[name], array, equal_nan=True):
            _fail(f"the input {name} was modified in place",
                  "compute into a new array (x = x + 1, not x += 1; copy before masking)")


def assert_gradients(layer, x, *, wrt=None, reference=None, tol=1e-7, seed=0):
    """Gradient-check a layer (see gradcheck.check_layer) and fail with the report.

    Inputs:
    - layer: a layer of the course API with float64 parameters; x: input (N, D).
    - wrt: names to check ("x" for dx, parameter names); None checks all.
    - reference: optional function reference(x, **params) -> out to differentiate instead
      of layer.forward.
    - tol: largest relative error that passes; seed: seed for the random dout.
    """
    report = check_layer(layer, x, wrt=wrt, reference=reference, tol=tol, rng=seed)
    upstream_ignored = not report.passed and _ignores_upstream(layer, x, seed)
    _raise_for(report, upstream_ignored)
    print(report)


def _ignores_upstream(layer, x, seed):
    """Whether backward(dout) fails to scale with dout, as every backward must (it is linear)."""
    x = np.array(x, dtype=np.float64)
    try:
        dout = np.random.default_rng(seed).standard_normal(np.shape(layer.forward(x.copy())))
        once = np.array(layer.backward(dout), dtype=np.float64)
        layer.forward(x.copy())
        twice = np.array(layer.backward(2 * dout), dtype=np.float64)
        return once.shape == twice.shape and not np.allclose(twice, 2 * once)
    except Exception:  # the report already says what went wrong
        return False


def _raise_for(report, upstream_ignored=False):
    """Raise _CheckFailed with the report and a hint per failing array."""
    if report.passed:
        return
    hints = []
    for check in report.checks:
        if check.passed:
            continue
        if check.name == "dx" and upstream_ignored:
            hint = ("backward(dout) does not scale with dout: multiply the local derivative "
                    "by the upstream gradient dout (the chain rule)")
        elif check.analytic.dtype == object:
            hint = "it was not computed: does backward() return dx and fill grads?"
        elif not check.shape_ok:
            hint = (f"it has shape {check.analytic.shape}, expected {check.numerical.shape}: "
                    + (_shape_hint(check.analytic.shape, check.numerical.shape) or ""))
        else:
            hint = _value_hint(check.analytic.astype(np.float64), check.numerical) or (
                "compare this line of backward() with your derivation")
        hints.append(f"  hint for {check.name}: {hint}")
    raise _CheckFailed("\n".join([str(report), *hints]))


def assert_loss_gradient(loss, pred, target, *, reference=None, tol=1e-7):
    """Gradient-check a loss (see gradcheck.check_loss) and fail with the report.

    Inputs:
    - loss: an object with forward(pred, target) and backward(); pred: (N, K); target.
    - reference: optional function reference(pred, target) -> float to differentiate
      instead of loss.forward.
    """
    report = check_loss(loss, pred, target, reference=reference, tol=tol)
    _raise_for(report)
    print(report)
