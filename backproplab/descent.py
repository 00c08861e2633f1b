"""Plots for gradient descent: the loss curve, a decision boundary and a loss surface with the
path the parameters took across it.

Every function only draws what it is given: the losses, parameters and loss values are
computed by the notebook that calls it.
"""

import matplotlib.pyplot as plt
import numpy as np

from backproplab.drawing import axes_row, axis

CLASS_COLORS = ("#1f77b4", "#d62728")  # class 0, class 1
PATH_COLOR = "white"
_PANEL = (4.5, 3.6)  # inches: a figure of one panel


def plot_loss_curve(losses, *, ax=None, label=None, logy=False):
    """Draw the loss at each step of gradient descent.

    Inputs:
    - losses: (S,) array-like, one loss per step (step 0 first).
    - ax: optional matplotlib Axes; label: optional legend label for the curve.
    - logy: draw the loss on a logarithmic axis.

    Returns:
    - ax: the Axes drawn on.
    """
    losses = np.asarray(losses, dtype=float)
    if losses.ndim != 1:
        raise ValueError(f"losses must be a 1-D sequence, one per step; got shape {losses.shape}")
    ax = axis(ax, figsize=_PANEL)
    ax.plot(np.arange(len(losses)), losses, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    if label is not None:
        ax.legend()
    return ax


def plot_decision_boundary(X, y, w, b, *, ax=None, limits=None, title=None):
    """Draw 2-D points by class and the line where a linear score changes sign.

    A single neuron with a monotone activation predicts class 1 exactly where its
    pre-activation a = x . w + b is positive, so this line, a = 0, is its decision boundary
    (where a sigmoid output crosses 0.5). The class-1 side is shaded.

    Inputs:
    - X: (N, 2) points; y: (N,) labels in {0, 1}.
    - w: (2,) weights; b: float bias.
    - ax: optional matplotlib Axes; title: optional title.
    - limits: optional ((x_min, x_max), (y_min, y_max)); by default the points' range plus a
      margin.

    Returns:
    - ax: the Axes drawn on.
    """
    X, y, w = np.asarray(X, dtype=float), np.asarray(y), np.asarray(w, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2); got {X.shape}")
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},) to match X; got {y.shape}")
    if w.shape != (2,):
        raise ValueError(f"w must have shape (2,); got {w.shape}")
    ax = axis(ax, figsize=_PANEL)
    if limits is None:
        margin = 0.3 * max(np.ptp(X[:, 0]), np.ptp(X[:, 1]), 1e-3)
        limits = ((X[:, 0].min() - margin, X[:, 0].max() + margin),
                  (X[:, 1].min() - margin, X[:, 1].max() + margin))
    (x_lo, x_hi), (y_lo, y_hi) = limits
    g0, g1 = np.meshgrid(np.linspace(x_lo, x_hi, 200), np.linspace(y_lo, y_hi, 200))
    score = g0 * w[0] + g1 * w[1] + b
    ax.contourf(g0, g1, score > 0, levels=[-0.5, 0.5, 1.5], colors=[CLASS_COLORS[0],
                                                                      CLASS_COLORS[1]],
                alpha=0.12)
    if np.any(w != 0):
        ax.contour(g0, g1, score, levels=[0.0], colors="black", linewidths=1.5)
    for label, (color, marker) in enumerate(zip(CLASS_COLORS, ("o", "s"))):
        mine = y == label
        ax.scatter(X[mine, 0], X[mine, 1], c=color, marker=marker, s=60, edgecolors="black",
                   label=f"class {label}", zorder=3)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal", adjustable="box")
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def grid_around(points, *, margin=1.0, min_span=4.0, num=61):
    """Two grid axes that cover a set of 2-D points with room around them.

    Inputs:
    - points: (S, 2) points, e.g. the (w1, w2) visited by gradient descent.
    - margin: added on every side; min_span: smallest width of each axis.
    - num: grid points per axis.

    Returns:
    - (u, v): two (num,) arrays, the grid values of the first and the second coordinate.
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    axes = []
    for column in points.T:
        lo, hi = column.min() - margin, column.max() + margin
        middle, half = (lo + hi) / 2, max(hi - lo, min_span) / 2
        axes.append(np.linspace(middle - half, middle + half, num))
    return tuple(axes)


def plot_loss_surface(w1s, w2s, losses, *, path=None, levels=None, ax=None, title=None):
    """Draw a loss surface over two weights as filled contours, with an optional path.

    Inputs:
    - w1s: (G1,) grid values of the first weight (horizontal axis).
    - w2s: (G2,) grid values of the second weight (vertical axis).
    - losses: (G2, G1) loss at every grid point, losses[i, j] at (w1s[j], w2s[i])
      (the layout of np.meshgrid(w1s, w2s)).
    - path: optional (S, 2) sequence of (w1, w2), drawn as a line from a circle (start) to a
      cross (end).
    - levels: optional increasing contour levels; by default 20 bands from 0 (or the smallest
      loss, if negative) to the largest loss, so that a flat region looks flat.
    - ax: optional matplotlib Axes; title: optional title.

    Returns:
    - ax: the Axes drawn on.
    """
    w1s, w2s, losses = (np.asarray(a, dtype=float) for a in (w1s, w2s, losses))
    if losses.shape != (len(w2s), len(w1s)):
        raise ValueError(f"losses must have shape (len(w2s), len(w1s)) = "
                         f"{(len(w2s), len(w1s))}; got {losses.shape}")
    if levels is None:
        low, high = min(float(losses.min()), 0.0), float(losses.max())
        levels = np.linspace(low, high if high > low else low + 1.0, 21)
    ax = axis(ax, figsize=_PANEL)
    filled = ax.contourf(w1s, w2s, losses, levels=levels, cmap="viridis")
    ax.contour(w1s, w2s, losses, levels=filled.levels[::2], colors="black", linewidths=0.3,
               alpha=0.5)
    ax.figure.colorbar(filled, ax=ax, label="loss")
    if path is not None:
        path = np.asarray(path, dtype=float).reshape(-1, 2)
        ax.plot(path[:, 0], path[:, 1], "-", color=PATH_COLOR, lw=1.2, marker=".", ms=3)
        ax.plot(*path[0], "o", color=PATH_COLOR, mec="black", ms=7, label="start")
        ax.plot(*path[-1], "X", color=PATH_COLOR, mec="black", ms=9, label="end")
        ax.legend(loc="upper left", fontsize=8)
    ax.set_xlim(w1s[0], w1s[-1])
    ax.set_ylim(w2s[0], w2s[-1])
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_descent(losses, X, y, path_w, path_b, surface, *, axes=None):
    """The three views of one run of gradient descent on a neuron with two weights.

    Left: the loss curve. Middle: the data and the decision boundary at the start (dashed)
    and at the end. Right: the loss surface over (w1, w2) with the path of the weights.

    Inputs:
    - losses: (S,) loss per step.
    - X: (N, 2) inputs; y: (N,) labels in {0, 1}.
    - path_w: (S + 1, 2) weights before each step and after the last; path_b: (S + 1,) biases.
    - surface: (w1s, w2s, grid) as for plot_loss_surface: the loss over a grid of (w1, w2)
      with the bias held at its final value path_b[-1] (the title says so).
    - axes: optional sequence of three Axes.

    Returns:
    - axes: list of the three Axes drawn on.
    """
    path_w, path_b = np.asarray(path_w, dtype=float), np.asarray(path_b, dtype=float)
    if path_w.ndim != 2 or path_w.shape[1] != 2 or path_b.shape != (len(path_w),):
        raise ValueError(f"path_w must be (S + 1, 2) and path_b (S + 1,); got {path_w.shape} "
                         f"and {path_b.shape}")
    axes = axes_row(axes, 3, figsize=(14, 4.0))
    loss_ax, data_ax, surface_ax = axes
    plot_loss_curve(losses, ax=loss_ax)
    loss_ax.set_title(f"loss: {losses[0]:.3f} -> {losses[-1]:.3f}" if len(losses) else "loss")
    plot_decision_boundary(X, y, path_w[-1], path_b[-1], ax=data_ax,
                           title=f"w = ({path_w[-1, 0]:.2f}, {path_w[-1, 1]:.2f}), "
                                 f"b = {path_b[-1]:.2f}")
    lims = (data_ax.get_xlim(), data_ax.get_ylim())
    if np.any(path_w[0] != 0):
        g0, g1 = np.meshgrid(np.linspace(*lims[0], 100), np.linspace(*lims[1], 100))
        data_ax.contour(g0, g1, g0 * path_w[0, 0] + g1 * path_w[0, 1] + path_b[0], levels=[0.0],
                        colors="gray", linestyles="--", linewidths=1)
    plot_loss_surface(*surface, path=path_w, ax=surface_ax,
                      title=f"loss over $(w_1, w_2)$ at b = {path_b[-1]:.2f}")
    plt.tight_layout()
    return axes
