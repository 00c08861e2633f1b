"""Diagrams of networks drawn by our own code: the layer contract and a fully connected
network; and `FIGURES`, every diagram the README shows (these two and the computational graphs
of `compgraph`).

The notebooks call these functions to draw a figure in place; ``python -m backproplab.diagrams``
writes the figures of `FIGURES` into ``figures/`` as deterministic SVG files for the README.
"""

import sys
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyBboxPatch

from backproplab import compgraph
from backproplab.drawing import BACKWARD, FORWARD, arrow, axis, frame


def _arrow(ax, start, end, color, text=None, text_offset=(0, 0.12)):
    """An arrow of the layer contract, with its text beside its middle."""
    arrow(ax, start, end, color=color, lw=1.6)
    if text:
        middle = ((start[0] + end[0]) / 2 + text_offset[0], (start[1] + end[1]) / 2 + text_offset[1])
        ax.text(*middle, text, color=color, ha="center", va="center", fontsize=11)


def draw_layer_contract(ax=None):
    """Draw one layer: forward maps x to out and caches; backward maps dout to dx.

    Inputs:
    - ax: optional matplotlib Axes.

    Returns:
    - ax: the Axes drawn on.
    """
    ax = axis(ax, figsize=(7, 2.6))
    ax.add_patch(FancyBboxPatch((2.6, 0.35), 1.8, 1.3, boxstyle="round,pad=0.05", fc="#f4f4f4",
                                ec="black"))
    ax.text(3.5, 1.35, "layer", ha="center", fontsize=12, weight="bold")
    ax.text(3.5, 0.95, "params, cache", ha="center", fontsize=9)
    ax.text(3.5, 0.6, "grads", ha="center", fontsize=9, color=BACKWARD)
    _arrow(ax, (0.6, 1.4), (2.6, 1.4), FORWARD, r"$x$  (N, D)")
    _arrow(ax, (4.4, 1.4), (6.4, 1.4), FORWARD, r"out  (N, M)")
    _arrow(ax, (6.4, 0.6), (4.4, 0.6), BACKWARD, r"dout $=\partial L/\partial$out",
           text_offset=(0, -0.18))
    _arrow(ax, (2.6, 0.6), (0.6, 0.6), BACKWARD, r"dx $=\partial L/\partial x$",
           text_offset=(0, -0.18))
    ax.text(3.5, 1.9, "forward(x) -> out", ha="center", color=FORWARD, fontsize=10)
    ax.text(3.5, 0.0, "backward(dout) -> dx", ha="center", color=BACKWARD, fontsize=10)
    frame(ax, (0.3, 6.7), (-0.2, 2.1))
    return ax


def draw_network(sizes, *, layer_names=None, ax=None):
    """Draw a fully connected network as columns of units joined by weights.

    Inputs:
    - sizes: units per layer, input first, e.g. [2, 2, 2].
    - layer_names: optional list of symbols per layer, e.g. ["x", "z", "y"]; units are
      labelled with the symbol and a 1-based index.
    - ax: optional matplotlib Axes.

    Returns:
    - ax: the Axes drawn on.
    """
    if layer_names is None:
        layer_names = ["x"] + [f"z^{{({l})}}" for l in range(1, len(sizes) - 1)] + ["y"]
    ax = axis(ax, figsize=(1.8 * len(sizes), 0.9 * max(sizes) + 0.6))
    positions = [[(2.0 * l, (size - 1) / 2 - i) for i in range(size)]
                 for l, size in enumerate(sizes)]
    for left, right in zip(positions, positions[1:]):
        for start in left:
            for end in right:
                ax.plot(*zip(start, end), color="gray", lw=1, zorder=1)
    for l, (column, name) in enumerate(zip(positions, layer_names)):
        for i, (px, py) in enumerate(column):
            ax.add_patch(Circle((px, py), 0.32, fc="white", ec=FORWARD, lw=1.5, zorder=2))
            ax.text(px, py, f"${name}_{{{i + 1}}}$", ha="center", va="center", zorder=3)
    half = (max(sizes) - 1) / 2
    frame(ax, (-0.6, 2.0 * (len(sizes) - 1) + 0.6), (-half - 0.6, half + 0.6))
    return ax


#: The figures of the README: file name -> function drawing it on a new figure.
FIGURES = {
    "layer_contract.svg": draw_layer_contract,
    "network_2_2_2.svg": lambda: draw_network([2, 2, 2]),
    "notation_network.svg": compgraph.draw_notation,
    "graph_add_mul.svg": compgraph.draw_add_mul_example,
    "graph_sigmoid_neuron.svg": compgraph.draw_sigmoid_neuron,
}


def write_figures(folder):
    """Write every figure in FIGURES into `folder` as SVG, byte-for-byte reproducible.

    Returns:
    - paths: list of the files written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with plt.rc_context({"svg.hashsalt": "backproplab", "svg.fonttype": "path"}):
        for name, draw in FIGURES.items():
            ax = draw()
            path = folder / name
            ax.figure.savefig(path, metadata={"Date": None}, bbox_inches="tight")
            plt.close(ax.figure)
            paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "figures"
    for written in write_figures(target):
        print(written)
