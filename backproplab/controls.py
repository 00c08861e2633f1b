"""The sliders of the course's widgets, with one look in every notebook.

Every slider is as wide as the others and its description takes the same width, so the tracks
line up and a drag of a few pixels moves the value by a step or two, not across the range.
Numbers spread over decades (a learning rate) are offered as the round values 1, 2, 5 per
decade, so the readout shows 0.05 rather than the 0.0501 of a log-scale slider's grid.
"""

import math

import ipywidgets as widgets

#: The width of a whole control (description, track, readout) and of its description.
WIDTH, DESCRIPTION_WIDTH = "520px", "130px"


def _look(**more):
    # sliders add continuous_update=False: a plot redraws once, when the handle is let go
    return {"layout": widgets.Layout(width=WIDTH),
            "style": {"description_width": DESCRIPTION_WIDTH}, **more}


def number_slider(description, value, low, high, step, *, digits=2):
    """A slider over low, low + step, ..., high, its readout showing `digits` decimals."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               readout_format=f".{digits}f", **_look(continuous_update=False))


def count_slider(description, value, low, high, step=1):
    """A slider over the integers low, low + step, ..., high."""
    return widgets.IntSlider(value=value, min=low, max=high, step=step, description=description,
                             **_look(continuous_update=False))


def decades(low, high):
    """The round numbers 1, 2 and 5 times a power of ten from low to high, both included.

    low, high: positive numbers, each of that form (0.001, 0.05, 20, ...). Returns: a list of
    floats in increasing order.
    """
    values = []
    for exponent in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1):
        for mantissa in (1, 2, 5):
            value = float(f"{mantissa}e{exponent}")
            if low * (1 - 1e-9) <= value <= high * (1 + 1e-9):
                values.append(value)
    return values


def decade_slider(description, value, low, high):
    """A slider over decades(low, high), each shown as written (0.05, 2, 20); `value` must be
    one of them."""
    options = [(f"{v:g}", v) for v in decades(low, high)]
    if value not in [v for _, v in options]:
        raise ValueError(f"{description}: {value} is not one of {[label for label, _ in options]}")
    return widgets.SelectionSlider(options=options, value=value, description=description,
                                   **_look(continuous_update=False))


def choice_buttons(description, options, value=None):
    """Toggle buttons for a few named options, aligned with the sliders."""
    return widgets.ToggleButtons(options=options, value=value if value is not None else options[0],
                                 description=description, **_look())


def choice_menu(description, options, value=None):
    """A drop-down menu of options, aligned with the sliders."""
    return widgets.Dropdown(options=options, value=value if value is not None else options[0],
                            description=description, **_look())
