import matplotlib.pyplot as plt

from backproplab.drawing import arrow, axes_row, axis, frame


def test_axis_draws_on_the_given_axes_or_on_a_new_figure_of_the_given_size():
    _, given = plt.subplots()
    figures = plt.get_fignums()
    assert axis(given, figsize=(9, 9)) is given and plt.get_fignums() == figures
    ax = axis(figsize=(3, 2))
    assert tuple(ax.figure.get_size_inches()) == (3, 2) and ax.figure is not given.figure
    plt.close("all")


def test_axes_row_is_the_given_axes_or_a_new_row():
    axes = axes_row(None, 3, figsize=(6, 2))
    assert len(axes) == 3 and len({ax.figure for ax in axes}) == 1
    assert tuple(axes[0].figure.get_size_inches()) == (6, 2)
    assert axes_row(tuple(axes[:2]), 2, figsize=(1, 1)) == axes[:2]
    plt.close("all")


def test_arrow_and_frame():
    ax = axis(figsize=(3, 2))
    patch = arrow(ax, (0, 0), (1, 1), color="red", lw=2, zorder=5)
    assert patch in ax.patches and patch.get_zorder() == 5 and patch.get_linewidth() == 2
    frame(ax, (-1, 2), (0, 3))
    assert ax.get_xlim() == (-1, 2) and ax.get_ylim() == (0, 3)
    assert ax.get_aspect() == 1.0 and not ax.axison
    plt.close(ax.figure)
