"""Computational graphs: small expression graphs, evaluated forward and backward, and drawn.

A graph is a tuple of :class:`Node` in topological order (inputs first, the output last). Each
node that is not an input is a gate, one of `OPS`: the table holds, per gate, the number of
inputs it takes, its forward function, its local derivatives and the text drawn inside it, side
by side, so a new gate is one entry there.

:func:`evaluate` computes every node's forward value and, by reverse-mode accumulation of the
local derivatives of each gate, the derivative of the output with respect to every node.
:func:`draw_graph` draws a graph with the forward value of each node **above** the edges that
leave it and its gradient **below**. The values a drawing shows are always passed in by the
caller (usually straight from :func:`evaluate`).

Two graphs of notebook 01 are built in: :func:`add_mul_graph`, ``f = (x + y) z``, and
:func:`sigmoid_neuron_graph`, ``f = sigmoid(w0 x0 + w1 x1 + w2)`` staged through the gates
``exp``, ``a x``, ``1/x`` and ``c + x``. :func:`draw_notation` draws the notation of the course
on a piece of a network.
"""

import math
from dataclasses import dataclass
from typing import Callable, Optional

from matplotlib.patches import Circle, FancyBboxPatch

from backproplab.drawing import BACKWARD, FORWARD, arrow, axis, frame

_GATE_RADIUS = 0.34


@dataclass(frozen=True)
class Op:
    """One kind of node: what it computes from its inputs, and how its output changes with them.

    - arity: the number of inputs it takes; None: one or more.
    - forward: (args, const) -> out, from the list of input values and the node's const.
    - local: (args, const, out) -> [d out / d arg for each input], given the forward output.
    - symbol: const -> the text drawn inside the gate; None for an input, drawn by its name.
    """

    arity: Optional[int]
    forward: Optional[Callable] = None
    local: Optional[Callable] = None
    symbol: Optional[Callable] = None


def _number(value):
    return f"({value:g})" if value < 0 else f"{value:g}"


#: The kinds of node, by the name a Node's op gives: a leaf ("input") and the gates, each with
#: its forward function and local derivatives side by side.
OPS = {
    "input": Op(arity=0),
    # the sum of its inputs
    "add": Op(arity=None, forward=lambda args, c: sum(args),
              local=lambda args, c, out: [1.0] * len(args), symbol=lambda c: "$+$"),
    # the product of two
    "mul": Op(arity=2, forward=lambda args, c: args[0] * args[1],
              local=lambda args, c, out: [args[1], args[0]], symbol=lambda c: r"$\times$"),
    # c * x
    "scale": Op(arity=1, forward=lambda args, c: c * args[0],
                local=lambda args, c, out: [c], symbol=lambda c: rf"$\times{_number(c)}$"),
    # c + x
    "offset": Op(arity=1, forward=lambda args, c: c + args[0],
                 local=lambda args, c, out: [1.0],
                 symbol=lambda c: rf"$+{_number(c)}$" if c >= 0 else rf"${_number(c)}$"),
    # e ** x, which is its own derivative
    "exp": Op(arity=1, forward=lambda args, c: math.exp(args[0]),
              local=lambda args, c, out: [out], symbol=lambda c: "exp"),
    # 1 / x
    "inv": Op(arity=1, forward=lambda args, c: 1.0 / args[0],
              local=lambda args, c, out: [-1.0 / args[0] ** 2], symbol=lambda c: "1/x"),
}


@dataclass(frozen=True)
class Node:
    """One node of an expression graph.

    - name: unique name, the key of the node in the dicts `evaluate` returns.
    - op: its kind, a key of `OPS`: "input" for a leaf, otherwise the name of its gate.
    - inputs: names of the nodes it reads, which come earlier in the graph.
    - const: the c of the gates "scale" (c * x) and "offset" (c + x); unused otherwise.
    - pos: (x, y) where the node is drawn.
    """

    name: str
    op: str = "input"
    inputs: tuple = ()
    const: float = 0.0
    pos: tuple = (0.0, 0.0)

    @property
    def symbol(self):
        """The text drawn inside the gate (an input's, or an unknown op's, is its name)."""
        op = OPS.get(self.op)
        return self.name if op is None or op.symbol is None else op.symbol(self.const)


def _check(graph):
    """Refuse a graph that cannot be evaluated, saying which node is wrong and why."""
    seen = set()
    for node in graph:
        if node.op not in OPS:
            raise ValueError(f"node {node.name!r}: unknown op {node.op!r}; use one of {sorted(OPS)}")
        arity = OPS[node.op].arity
        if (arity is None and not node.inputs) or (arity is not None and len(node.inputs) != arity):
            raise ValueError(f"node {node.name!r}: op {node.op!r} takes "
                             f"{'one or more' if arity is None else arity} input(s), "
                             f"got {len(node.inputs)}")
        missing = [name for name in node.inputs if name not in seen]
        if missing:
            raise ValueError(f"node {node.name!r} reads {missing}, which are not defined before it")
        if node.name in seen:
            raise ValueError(f"two nodes are named {node.name!r}")
        seen.add(node.name)


def evaluate(graph, inputs):
    """Forward values and gradients of every node of an expression graph.

    Inputs:
    - graph: sequence of Node in topological order; the last node is the output f.
    - inputs: dict name -> number for every "input" node.

    Returns:
    - values: dict name -> float, the forward value of every node.
    - grads: dict name -> float, df/d(node) for every node (grads[output] = 1.0). A node used
      by several gates gets the sum of the gradients flowing back along each use.
    """
    graph = tuple(graph)
    _check(graph)
    values = {}
    for node in graph:
        if node.op == "input":
            if node.name not in inputs:
                raise KeyError(f"no value given for the input {node.name!r}")
            values[node.name] = float(inputs[node.name])
        else:
            args = [values[name] for name in node.inputs]
            values[node.name] = float(OPS[node.op].forward(args, node.const))
    grads = {node.name: 0.0 for node in graph}
    grads[graph[-1].name] = 1.0
    for node in reversed(graph):
        if node.op == "input":
            continue
        args = [values[name] for name in node.inputs]
        derivatives = OPS[node.op].local(args, node.const, values[node.name])
        for name, local in zip(node.inputs, derivatives):
            grads[name] += grads[node.name] * local  # the chain rule, summed over every use
    return values, grads


def add_mul_graph():
    """The graph of f(x, y, z) = (x + y) z, staged as q = x + y, f = q z.

    Returns:
    - graph: tuple of Node with inputs "x", "y", "z" and gates "q", "f".
    """
    return (Node("x", pos=(0.0, 2.6)), Node("y", pos=(0.0, 1.3)), Node("z", pos=(0.0, 0.0)),
            Node("q", "add", ("x", "y"), pos=(2.6, 1.95)),
            Node("f", "mul", ("q", "z"), pos=(5.0, 1.0)))


def sigmoid_neuron_graph():
    """The graph of f = 1 / (1 + exp(-(w0 x0 + w1 x1 + w2))), one gate per step.

    Stages: p0 = w0 x0, p1 = w1 x1, s = p0 + p1, a = s + w2, u = -a, e = exp(u), d = 1 + e,
    f = 1 / d.

    Returns:
    - graph: tuple of Node with inputs "w0", "x0", "w1", "x1", "w2".
    """
    return (Node("w0", pos=(0.0, 5.2)), Node("x0", pos=(0.0, 3.9)),
            Node("w1", pos=(0.0, 2.6)), Node("x1", pos=(0.0, 1.3)), Node("w2", pos=(0.0, 0.0)),
            Node("p0", "mul", ("w0", "x0"), pos=(2.6, 4.55)),
            Node("p1", "mul", ("w1", "x1"), pos=(2.6, 1.95)),
            Node("s", "add", ("p0", "p1"), pos=(4.8, 3.25)),
            Node("a", "add", ("s", "w2"), pos=(7.0, 1.6)),
            Node("u", "scale", ("a",), const=-1.0, pos=(9.0, 1.6)),
            Node("e", "exp", ("u",), pos=(11.0, 1.6)),
            Node("d", "offset", ("e",), const=1.0, pos=(13.0, 1.6)),
            Node("f", "inv", ("d",), pos=(15.0, 1.6)))


def _edge_labels(ax, start, end, value, grad, digits, where=0.5):
    # Labels at a fraction `where` along the edge (edges from inputs converge on their gate, so
    # their labels sit nearer the input), moved off the edge along its normal: further for a
    # slanted edge, which a horizontal label would otherwise cross.
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy) or 1.0
    normal = (-dy / length, dx / length) if dx >= 0 else (dy / length, -dx / length)
    offset = 0.17 + 0.3 * abs(dy) / length
    middle = (start[0] + where * dx, start[1] + where * dy)
    for number, sign, color in ((value, 1, FORWARD), (grad, -1, BACKWARD)):
        if number is not None:
            ax.text(middle[0] + sign * offset * normal[0], middle[1] + sign * offset * normal[1],
                    f"{number:.{digits}f}", color=color, ha="center", va="center", fontsize=10,
                    weight="bold")


def draw_graph(graph, values=None, grads=None, *, digits=2, title=None, ax=None):
    """Draw an expression graph, optionally with forward values and gradients on its edges.

    Inputs:
    - graph: sequence of Node in topological order (the last one is the output f).
    - values: optional dict name -> number, drawn above every edge leaving that node.
    - grads: optional dict name -> number (df/d node), drawn below every edge leaving it.
    - digits: decimals shown; title: optional title; ax: optional matplotlib Axes.

    Returns:
    - ax: the Axes drawn on.
    """
    graph = tuple(graph)
    _check(graph)
    values, grads = values or {}, grads or {}
    nodes = {node.name: node for node in graph}
    xs = [node.pos[0] for node in graph]
    ys = [node.pos[1] for node in graph]
    out_end = (max(xs) + 1.9, graph[-1].pos[1])
    width, height = max(xs) - min(xs) + 3.0, max(ys) - min(ys) + 1.6
    ax = axis(ax, figsize=(0.78 * width, 0.78 * height + (0.4 if title else 0.0)))

    def anchor(node, towards):
        # where an edge leaves (towards > x) or enters a node: the rim of a gate, beside a label
        if node.op == "input":
            return (node.pos[0] + 0.3, node.pos[1])
        dx, dy = towards[0] - node.pos[0], towards[1] - node.pos[1]
        norm = math.hypot(dx, dy) or 1.0
        return (node.pos[0] + _GATE_RADIUS * dx / norm, node.pos[1] + _GATE_RADIUS * dy / norm)

    for node in graph:
        for name in node.inputs:
            source = nodes[name]
            start, end = anchor(source, node.pos), anchor(node, source.pos)
            arrow(ax, start, end, color="0.35", lw=1.3, head=12, shrinkA=0, shrinkB=0)
            _edge_labels(ax, start, end, values.get(name), grads.get(name), digits,
                         where=0.4 if source.op == "input" else 0.5)
    output = graph[-1]
    start = anchor(output, out_end)
    arrow(ax, start, out_end, color="0.35", lw=1.3, head=12, shrinkA=0, shrinkB=0)
    _edge_labels(ax, start, out_end, values.get(output.name), grads.get(output.name), digits)
    ax.text(out_end[0] + 0.1, out_end[1], f"${output.name}$", ha="left", va="center", fontsize=13)

    for node in graph:
        if node.op == "input":
            ax.text(node.pos[0] + 0.2, node.pos[1], f"${node.name[0]}_{{{node.name[1:]}}}$"
                    if node.name[1:].isdigit() else f"${node.name}$",
                    ha="right", va="center", fontsize=13)
            continue
        ax.add_patch(Circle(node.pos, _GATE_RADIUS, fc="white", ec="black", lw=1.4, zorder=3))
        ax.text(*node.pos, node.symbol, ha="center", va="center", zorder=4,
                fontsize=10 if len(node.symbol) < 7 else 8)
        ax.text(node.pos[0], node.pos[1] + _GATE_RADIUS + 0.06, f"${node.name}$", color="0.4",
                ha="center", va="bottom", fontsize=10, style="italic", zorder=4)

    if values or grads:
        ax.text(min(xs) - 0.4, min(ys) - 0.75, "forward value (above an edge)", color=FORWARD,
                ha="left", va="center", fontsize=9)
        ax.text(min(xs) + 3.6, min(ys) - 0.75, r"gradient $\partial f/\partial\,\cdot$ "
                "(below an edge)", color=BACKWARD, ha="left", va="center", fontsize=9)
    if title:
        ax.set_title(title, fontsize=11)
    frame(ax, (min(xs) - 0.7, out_end[0] + 0.6), (min(ys) - 0.95, max(ys) + 0.75))
    return ax


def draw_add_mul_example(x=-2.0, y=5.0, z=-4.0, *, ax=None):
    """Draw f = (x + y) z with its forward values and gradients at (x, y, z).

    Inputs:
    - x, y, z: numbers (default: the worked example (-2, 5, -4)); ax: optional Axes.

    Returns:
    - ax: the Axes drawn on.
    """
    graph = add_mul_graph()
    values, grads = evaluate(graph, {"x": x, "y": y, "z": z})
    return draw_graph(graph, values, grads, ax=ax)


def draw_sigmoid_neuron(w0=2.0, w1=-3.0, w2=-3.0, x0=-1.0, x1=-2.0, *, ax=None):
    """Draw the sigmoid neuron f = sigmoid(w0 x0 + w1 x1 + w2) gate by gate, with its forward
    values and gradients at the given point (default: the worked example). The interactive
    graph of notebook 01 calls this with the values of its sliders.

    Inputs:
    - w0, w1, w2, x0, x1: numbers; ax: optional matplotlib Axes.

    Returns:
    - ax: the Axes drawn on.
    """
    graph = sigmoid_neuron_graph()
    values, grads = evaluate(graph, {"w0": w0, "w1": w1, "w2": w2, "x0": x0, "x1": x1})
    title = (rf"$f = {values['f']:.3f}$;   $\partial f/\partial w = ({grads['w0']:.3f}, "
             rf"{grads['w1']:.3f}, {grads['w2']:.3f})$,   $\partial f/\partial x = "
             rf"({grads['x0']:.3f}, {grads['x1']:.3f})$")
    return draw_graph(graph, values, grads, title=title, ax=ax)


def draw_notation(ax=None):
    """Draw the notation of the course on three layers of a network: unit j of layer l, the
    units i that feed it and the units k it feeds, with a, z, h, w_ji and the error signals.

    Inputs:
    - ax: optional matplotlib Axes.

    Returns:
    - ax: the Axes drawn on.
    """
    ax = axis(ax, figsize=(10, 5.6))
    columns = {0.0: [2.4, 0.9, -0.6], 5.0: [2.4, 0.9, -0.6], 10.0: [2.4, 0.9, -0.6]}
    unit_i, unit_j, unit_k = (0.0, 0.9), (5.0, 0.9), (10.0, 0.9)
    box_half = 1.45  # half width of unit j, drawn as a box a -> h -> z
    for (x0, ys0), (x1, ys1) in zip(list(columns.items())[:-1], list(columns.items())[1:]):
        for y0 in ys0:
            for y1 in ys1:
                ax.plot([x0, x1], [y0, y1], color="0.85", lw=0.8, zorder=1)
    for x, ys in columns.items():
        for y in ys:
            if (x, y) != unit_j:
                ax.add_patch(Circle((x, y), 0.3, fc="white", ec="0.5", lw=1.0, zorder=2))
    # the highlighted weights
    arrow(ax, (unit_i[0] + 0.3, unit_i[1]), (unit_j[0] - box_half, unit_j[1]), color=FORWARD,
          lw=2, zorder=3)
    arrow(ax, (unit_j[0] + box_half, unit_j[1]), (unit_k[0] - 0.3, unit_k[1]), color=FORWARD,
          lw=2, zorder=3)
    ax.text(1.75, 1.1, r"$w_{ji}^{(l)}$", color=FORWARD, fontsize=15, ha="center")
    ax.text(8.25, 1.1, r"$w_{kj}^{(l+1)}$", color=FORWARD, fontsize=15, ha="center")
    # the error signals flow back along the same weights
    arrow(ax, (unit_k[0] - 0.3, unit_k[1] - 0.35), (unit_j[0] + box_half, unit_j[1] - 0.35),
          color=BACKWARD, lw=1.6, zorder=3)
    ax.text(8.25, 0.2, r"$\delta_k^{(l+1)}$", color=BACKWARD, fontsize=14, ha="center")
    # unit j: a box a -> h -> z
    ax.add_patch(FancyBboxPatch((unit_j[0] - box_half, unit_j[1] - 0.38), 2 * box_half, 0.76,
                                boxstyle="round,pad=0.05", fc="#f4f4f4", ec="black", lw=1.4,
                                zorder=4))
    ax.text(unit_j[0] - 0.95, unit_j[1], r"$a_j^{(l)}$", fontsize=14, ha="center", va="center",
            zorder=5)
    ax.text(unit_j[0], unit_j[1], r"$\rightarrow\, h \,\rightarrow$", fontsize=14, ha="center",
            va="center", zorder=5)
    ax.text(unit_j[0] + 0.95, unit_j[1], r"$z_j^{(l)}$", fontsize=14, ha="center", va="center",
            zorder=5)
    ax.text(unit_j[0], unit_j[1] - 0.72, r"$\delta_j^{(l)} = \partial L / \partial a_j^{(l)}$",
            color=BACKWARD, fontsize=13, ha="center", va="center", zorder=5)
    ax.text(unit_i[0], unit_i[1], r"$i$", fontsize=13, ha="center", va="center", zorder=5)
    ax.text(unit_k[0], unit_k[1], r"$k$", fontsize=13, ha="center", va="center", zorder=5)
    ax.text(unit_i[0] - 0.45, unit_i[1], r"$z_i^{(l-1)}$", fontsize=14, ha="right", va="center")
    for x, name in ((0.0, "layer $l-1$"), (5.0, "layer $l$"), (10.0, "layer $l+1$")):
        ax.text(x, 3.15, name, fontsize=12, ha="center")
    equations = [
        (r"$a_j^{(l)} = \sum_i\, w_{ji}^{(l)} z_i^{(l-1)} + b_j^{(l)}, \qquad "
         r"z_j^{(l)} = h(a_j^{(l)}), \qquad z^{(0)} = x$", FORWARD),
        (r"$\delta_j^{(l)} = h'(a_j^{(l)}) \sum_k\, w_{kj}^{(l+1)} \delta_k^{(l+1)}, \qquad "
         r"\partial L / \partial w_{ji}^{(l)} = \delta_j^{(l)} z_i^{(l-1)}$", BACKWARD),
        (r"code (batch rows): a = z @ W + b with z (N, $M_{l-1}$), W ($M_{l-1}$, $M_l$), "
         r"W[i, j] $= w_{ji}$", "black"),
    ]
    for row, (text, color) in enumerate(equations):
        ax.text(5.0, -1.45 - 0.6 * row, text, color=color, fontsize=13, ha="center", va="center")
    frame(ax, (-1.6, 11.0), (-2.95, 3.5))
    return ax
