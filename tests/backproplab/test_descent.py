import matplotlib.pyplot as plt
import numpy as np
import pytest

from backproplab.descent import (grid_around, plot_decision_boundary, plot_descent,
                                 plot_loss_curve, plot_loss_surface)

X = np.array([[-0.1, 0.2], [0.1, 0.8], [0.9, -0.2], [0.8, 0.8]])
Y = np.array([0, 0, 0, 1])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_loss_curve_draws_one_point_per_step():
    ax = plot_loss_curve([0.5, 0.4, 0.2], label="lr = 1", logy=True)
    (line,) = ax.lines
    assert list(line.get_xdata()) == [0, 1, 2]
    assert list(line.get_ydata()) == [0.5, 0.4, 0.2]
    assert ax.get_yscale() == "log" and ax.get_legend() is not None
    with pytest.raises(ValueError, match="1-D"):
        plot_loss_curve(np.zeros((2, 2)))


def test_plot_decision_boundary_draws_the_line_where_the_score_is_zero():
    w, b = np.array([1.0, 1.0]), -1.2
    ax = plot_decision_boundary(X, Y, w, b, title="after training")
    boundary = ax.collections[-3]  # the contour a = 0, drawn before the two scatter plots
    vertices = np.concatenate([p.vertices for p in boundary.get_paths()])
    assert np.allclose(vertices @ w + b, 0.0, atol=1e-2)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    assert ax.get_title() == "after training"


def test_plot_decision_boundary_accepts_zero_weights_and_checks_shapes():
    plot_decision_boundary(X, Y, np.zeros(2), 0.0)  # no line to draw, still the points
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plot_decision_boundary(np.zeros((4, 3)), Y, np.zeros(2), 0.0)
    with pytest.raises(ValueError, match="match X"):
        plot_decision_boundary(X, Y[:3], np.zeros(2), 0.0)
    with pytest.raises(ValueError, match=r"w must"):
        plot_decision_boundary(X, Y, np.zeros(3), 0.0)


def test_grid_around_covers_the_points_with_a_margin_and_a_minimum_span():
    u, v = grid_around([[0.0, 0.0], [10.0, 1.0]], margin=1.0, min_span=4.0, num=11)
    assert u.shape == v.shape == (11,)
    assert (u[0], u[-1]) == (-1.0, 11.0)
    assert (v[0], v[-1]) == pytest.approx((-1.5, 2.5))


def test_plot_loss_surface_checks_the_grid_layout_and_draws_the_path():
    w1s, w2s = np.linspace(-1, 1, 5), np.linspace(-2, 2, 7)
    grid = np.add.outer(w2s ** 2, w1s ** 2)  # (len(w2s), len(w1s)), as np.meshgrid lays it out
    path = [[0.8, 1.5], [0.4, 0.7], [0.1, 0.2]]
    ax = plot_loss_surface(w1s, w2s, grid, path=path, title="a bowl")
    assert np.allclose(np.c_[ax.lines[0].get_xdata(), ax.lines[0].get_ydata()], path)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["start", "end"]
    with pytest.raises(ValueError, match="len\\(w2s\\), len\\(w1s\\)"):
        plot_loss_surface(w1s, w2s, grid.T)


def test_plot_loss_surface_shows_a_flat_surface_as_flat():
    w1s, w2s = np.linspace(-1, 1, 5), np.linspace(-2, 2, 7)
    nearly_flat = 0.5 + 1e-9 * np.add.outer(w2s, w1s)
    ax = plot_loss_surface(w1s, w2s, nearly_flat)
    levels = ax.collections[0].levels
    assert levels[0] == 0.0 and levels[-1] == pytest.approx(0.5)
    plot_loss_surface(w1s, w2s, np.zeros((7, 5)))  # a constant surface still draws


def test_plot_descent_draws_three_panels_and_checks_the_path():
    path_w = np.array([[0.5, 0.7], [0.6, 0.6], [0.8, 0.7]])
    path_b = np.array([0.0, -0.2, -0.5])
    w1s, w2s = grid_around(path_w, num=9)
    surface = (w1s, w2s, np.add.outer(w2s ** 2, w1s ** 2))
    axes = plot_descent([0.55, 0.5], X, Y, path_w, path_b, surface)
    assert len(axes) == 3
    assert axes[0].get_title() == "loss: 0.550 -> 0.500"
    assert "b = -0.50" in axes[1].get_title() and "b = -0.50" in axes[2].get_title()
    with pytest.raises(ValueError, match="path_w"):
        plot_descent([0.5], X, Y, path_w, path_b[:2], surface)
