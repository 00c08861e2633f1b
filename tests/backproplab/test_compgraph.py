import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from backproplab.compgraph import (OPS, Node, add_mul_graph, draw_add_mul_example, draw_graph,
                                   draw_notation, draw_sigmoid_neuron, evaluate,
                                   sigmoid_neuron_graph)


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _numerical(graph, inputs, name, h=1e-6):
    output = graph[-1].name
    plus = evaluate(graph, {**inputs, name: inputs[name] + h})[0][output]
    minus = evaluate(graph, {**inputs, name: inputs[name] - h})[0][output]
    return (plus - minus) / (2 * h)


def test_add_mul_worked_example():
    values, grads = evaluate(add_mul_graph(), {"x": -2, "y": 5, "z": -4})
    assert values["q"] == 3 and values["f"] == -12
    assert grads == {"x": -4, "y": -4, "z": 3, "q": -4, "f": 1}


def test_sigmoid_neuron_matches_the_formula_and_finite_differences():
    rng = np.random.default_rng(0)
    graph = sigmoid_neuron_graph()
    for _ in range(5):
        inputs = dict(zip(["w0", "w1", "w2", "x0", "x1"], rng.normal(size=5)))
        values, grads = evaluate(graph, inputs)
        a = inputs["w0"] * inputs["x0"] + inputs["w1"] * inputs["x1"] + inputs["w2"]
        sigma = 1 / (1 + math.exp(-a))
        assert values["a"] == pytest.approx(a) and values["f"] == pytest.approx(sigma)
        assert grads["a"] == pytest.approx(sigma * (1 - sigma))
        for name in inputs:
            assert grads[name] == pytest.approx(_numerical(graph, inputs, name), rel=1e-6)


def test_sigmoid_neuron_worked_example():
    values, grads = evaluate(sigmoid_neuron_graph(),
                             {"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2})
    assert values["a"] == 1 and values["f"] == pytest.approx(0.7310585786)
    assert [round(grads[n], 2) for n in ("w0", "w1", "w2", "x0", "x1")] == [
        -0.20, -0.39, 0.20, 0.39, -0.59]


def test_every_gate_and_fan_out_against_finite_differences():
    # f = 1 / (2 + exp(0.5 (x y + x))): x is used twice, so its gradient is a sum
    graph = (Node("x"), Node("y"), Node("xy", "mul", ("x", "y")), Node("s", "add", ("xy", "x")),
             Node("h", "scale", ("s",), const=0.5), Node("e", "exp", ("h",)),
             Node("d", "offset", ("e",), const=2.0), Node("f", "inv", ("d",)))
    inputs = {"x": 0.7, "y": -1.3}
    _, grads = evaluate(graph, inputs)
    for name in inputs:
        assert grads[name] == pytest.approx(_numerical(graph, inputs, name), rel=1e-7)


def test_bad_graphs_are_refused():
    with pytest.raises(ValueError, match="unknown op"):
        evaluate((Node("x"), Node("f", "sin", ("x",))), {"x": 1})
    with pytest.raises(ValueError, match="not defined before"):
        evaluate((Node("f", "exp", ("x",)), Node("x")), {"x": 1})
    with pytest.raises(ValueError, match="takes 2"):
        evaluate((Node("x"), Node("f", "mul", ("x",))), {"x": 1})
    with pytest.raises(KeyError, match="'y'"):
        evaluate(add_mul_graph(), {"x": 1, "z": 2})


def test_draw_graph_shows_values_above_and_gradients_below():
    graph = add_mul_graph()
    values, grads = evaluate(graph, {"x": -2, "y": 5, "z": -4})
    ax = draw_graph(graph, values, grads)
    texts = _texts(ax)
    for label in ("3.00", "-12.00", "-4.00", "1.00"):
        assert label in texts
    above = next(t for t in ax.texts if t.get_text() == "3.00").get_position()[1]
    below = next(t for t in ax.texts if t.get_text() == "-4.00" and
                 t.get_position()[0] > 2.6).get_position()[1]
    assert above > below  # on the edge q -> f: value above, gradient below
    plt.close(ax.figure)


def test_draw_graph_without_values_draws_the_structure_only():
    ax = draw_graph(sigmoid_neuron_graph())
    assert not any(t.get_text().replace("-", "").replace(".", "").isdigit() for t in ax.texts)
    assert "exp" in _texts(ax) and "1/x" in _texts(ax)
    plt.close(ax.figure)


def test_widget_drawing_function_and_figures():
    ax = draw_sigmoid_neuron(1.0, 0.5, -0.5, 2.0, -1.0)
    values, _ = evaluate(sigmoid_neuron_graph(), {"w0": 1.0, "w1": 0.5, "w2": -0.5,
                                                 "x0": 2.0, "x1": -1.0})
    assert f"{values['f']:.2f}" in _texts(ax)
    assert f"{values['f']:.3f}" in ax.get_title()
    plt.close(ax.figure)
    for draw in (draw_add_mul_example, draw_sigmoid_neuron, draw_notation):
        ax = draw()
        assert ax.texts
        plt.close(ax.figure)
    _, ax = plt.subplots()
    assert draw_notation(ax=ax) is ax
    plt.close(ax.figure)


@pytest.mark.parametrize("op", sorted(set(OPS) - {"input"}))
def test_every_gate_of_the_table_against_finite_differences(op):
    # a gate added to OPS is checked here without a test of its own
    arity = OPS[op].arity or 3
    inputs = {f"x{i}": 0.4 + 0.3 * i for i in range(arity)}
    gate = Node("f", op, tuple(inputs), const=0.7)
    graph = (*(Node(name) for name in inputs), gate)
    _, grads = evaluate(graph, inputs)
    for name in inputs:
        assert grads[name] == pytest.approx(_numerical(graph, inputs, name), rel=1e-6)
    assert isinstance(gate.symbol, str) and gate.symbol != gate.name
