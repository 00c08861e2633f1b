"""What every plot and diagram of the package draws with: the colours of the forward and the
backward pass, one way to get the Axes (or the row of Axes) to draw on, arrows, and the frame
of a diagram.

Each drawing function takes an optional ``ax``: given, it draws there (a panel of the caller's
figure); left out, :func:`axis` makes a new figure of the size that suits the drawing.
"""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch

#: Colour of what flows forward: inputs, weights, forward values.
FORWARD = "#1f77b4"
#: Colour of what flows backward: gradients and error signals.
BACKWARD = "#d62728"


def axis(ax=None, *, figsize):
    """The Axes to draw on: `ax` itself, or the one Axes of a new figure.

    Inputs:
    - ax: optional matplotlib Axes.
    - figsize: (width, height) in inches of the new figure, used only when ax is None.

    Returns:
    - ax: a matplotlib Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def axes_row(axes, count, *, figsize):
    """The Axes of a drawing made of `count` panels side by side.

    Inputs:
    - axes: optional sequence of `count` matplotlib Axes.
    - count: the number of panels.
    - figsize: (width, height) in inches of the new figure, used only when axes is None.

    Returns:
    - axes: list of `count` Axes, left to right.
    """
    if axes is None:
        _, grid = plt.subplots(1, count, figsize=figsize, squeeze=False)
        axes = grid[0]
    return list(axes)


def arrow(ax, start, end, *, color, lw, head=14, **style):
    """Draw an arrow from `start` to `end` (data coordinates) with a filled head.

    Inputs:
    - ax: matplotlib Axes; start, end: (x, y).
    - color, lw: colour and line width; head: size of the head (mutation_scale).
    - style: further FancyArrowPatch options (zorder, shrinkA, shrinkB, ...).

    Returns:
    - patch: the FancyArrowPatch added to ax.
    """
    return ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=head, lw=lw,
                                        color=color, **style))


def frame(ax, xlim, ylim):
    """Fix a diagram's view: the given limits, equal scales on both axes, no axis drawn.

    Inputs:
    - ax: matplotlib Axes; xlim, ylim: (low, high) in data coordinates.
    """
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
