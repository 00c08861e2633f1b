"""Finite-difference gradient checks: the oracle every test in the course trusts.

A layer's backward pass is checked against centered differences of its forward pass,
computed in float64::

    df/dx[i] ~ (f(x + h e_i) - f(x - h e_i)) / 2h

For an array-valued f we check the gradient of the scalar ``sum(f(x) * dout)``, which is
exactly what ``backward(dout)`` must return.
"""

from dataclasses import dataclass

import numpy as np


def numerical_gradient(f, x, dout=None, h=1e-5):
    """Centered finite-difference gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    Inputs:
    - f: callable taking an array shaped like x and returning a scalar or an array.
    - x: array of any shape. If it is float64 it is perturbed in place and restored, so f
      may also ignore its argument and read x through a closure (that is how parameters
      stored inside a layer are checked); otherwise a float64 copy is perturbed.
    - dout: upstream gradient, same shape as f(x); None means ones (f is summed).
    - h: step size.

    Returns:
    - grad: float64 array, same shape as x.
    """
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64):
        x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    weight = 1.0 if dout is None else np.asarray(dout, dtype=np.float64)
    with np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]]) as it:
        for value in it:
            original = float(value)
            value[...] = original + h
            plus = np.sum(np.asarray(f(x), dtype=np.float64) * weight)
            value[...] = original - h
            minus = np.sum(np.asarray(f(x), dtype=np.float64) * weight)
            value[...] = original
            grad[it.multi_index] = (plus - minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Largest elementwise relative error ``|a - b| / max(|a| + |b|, 1e-8)``.

    Inputs:
    - a, b: arrays of the same shape (or scalars).

    Returns:
    - error: float. Below about 1e-7 means "equal" for float64 gradient checks.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


@dataclass(frozen=True)
class ArrayCheck:
    """One line of a gradient-check report: an analytic gradient versus a numerical one."""

    name: str
    analytic: np.ndarray
    numerical: np.ndarray
    tol: float

    @property
    def shape_ok(self):
        return np.shape(self.analytic) == np.shape(self.numerical)

    @property
    def error(self):
        """Max relative error, or inf when the shapes differ."""
        return rel_error(self.analytic, self.numerical) if self.shape_ok else float("inf")

    @property
    def passed(self):
        return self.shape_ok and self.error <= self.tol

    def __str__(self):
        if self.analytic.dtype == object:
            return f"{self.name:<14} FAIL  missing (got {self.analytic.item()!r})"
        if not self.shape_ok:
            return (f"{self.name:<14} FAIL  shape {np.shape(self.analytic)}, "
                    f"expected {np.shape(self.numerical)}")
        status = "ok  " if self.passed else "FAIL"
        return (f"{self.name:<14} {status}  shape {str(np.shape(self.numerical)):<10} "
                f"max rel error {self.error:.1e}")


@dataclass(frozen=True)
class GradCheckReport:
    """The result of :func:`check_layer` or :func:`check_loss`: one :class:`ArrayCheck` per array."""

    title: str
    checks: tuple

    @property
    def passed(self):
        return all(check.passed for check in self.checks)

    def __str__(self):
        verdict = "all gradients match" if self.passed else "some gradients are wrong"
        lines = [f"{self.title}: {verdict}"] + [f"  {check}" for check in self.checks]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))


def _grad_name(name):
    return "dx" if name == "x" else f"grads[{name!r}]"


def check_layer(layer, x, dout=None, *, wrt=None, reference=None, h=1e-5, tol=1e-7, rng=0):
    """Compare a layer's backward pass with finite differences of a forward pass.

    By default the finite differences are taken of the layer's own forward: the classic
    gradient check, which tells whether backward is the derivative of forward. With
    `reference`, they are taken of that function instead, so backward is checked against the
    right math even while forward itself is still wrong.

    Inputs:
    - layer: an object with forward(x), backward(dout) and params/grads dicts of float64
      arrays (the course's layer API).
    - x: input, shape (N, D); it is used as a float64 copy.
    - dout: upstream gradient shaped like the output; None draws a standard normal one.
    - wrt: names to check, "x" for dx and parameter names such as "W"; None checks all.
    - reference: optional function reference(x, **params) -> out, the layer's math.
    - h, tol: finite-difference step and the largest relative error that passes.
    - rng: seed or np.random.Generator for dout.

    Returns:
    - report: GradCheckReport with lines for dx and every grads[name] checked; report.passed.
    """
    x = np.array(x, dtype=np.float64)
    for name, param in layer.params.items():
        if param.dtype != np.float64:
            raise TypeError(f"gradient checks need float64 parameters; params[{name!r}] "
                            f"is {param.dtype}")
    params = {name: p.copy() for name, p in layer.params.items()}
    if reference is None:
        def reference(x, **values):
            for name, value in values.items():
                layer.params[name][...] = value
            try:
                return layer.forward(x.copy())
            finally:
                for name, value in params.items():
                    layer.params[name][...] = value
    wrt = ["x", *layer.params] if wrt is None else list(wrt)
    if dout is None:
        shape = np.shape(reference(x.copy(), **params))
        dout = np.random.default_rng(rng).standard_normal(shape)

    numerical = {}
    for name in wrt:
        if name == "x":
            numerical[name] = numerical_gradient(lambda v: reference(v, **params), x.copy(),
                                                 dout, h)
        else:
            numerical[name] = numerical_gradient(
                lambda v: reference(x.copy(), **{**params, name: v}), params[name].copy(),
                dout, h)

    layer.forward(x.copy())
    try:
        dx = layer.backward(dout)
    except Exception:
        # A backward that writes the parameter gradients and then fails on dx can still
        # have them right; only a check of dx itself needs dx.
        if "x" in wrt:
            raise
        dx = None
    analytic = {"x": dx, **layer.grads}
    checks = [ArrayCheck(_grad_name(name), np.asarray(analytic.get(name)), numerical[name], tol)
              for name in wrt]
    return GradCheckReport(f"gradient check of {type(layer).__name__}", tuple(checks))


def check_loss(loss, pred, target, *, reference=None, h=1e-5, tol=1e-7):
    """Compare a loss's backward() with finite differences of a forward.

    Inputs:
    - loss: an object with forward(pred, target) -> float and backward() -> dpred.
    - pred: predictions or logits, e.g. (N, K); used as a float64 copy.
    - target: targets as the loss expects them (never perturbed).
    - reference: optional function reference(pred, target) -> float, the loss's math;
      None takes finite differences of loss.forward itself (see check_layer).

    Returns:
    - report: GradCheckReport with one line, for dpred.
    """
    pred = np.array(pred, dtype=np.float64)
    reference = reference or loss.forward
    numerical = numerical_gradient(lambda p: reference(p.copy(), target), pred.copy(), None, h)
    loss.forward(pred.copy(), target)
    check = ArrayCheck("dpred", np.asarray(loss.backward()), numerical, tol)
    return GradCheckReport(f"gradient check of {type(loss).__name__}", (check,))
