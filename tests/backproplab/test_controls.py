import pytest

from backproplab.controls import (DESCRIPTION_WIDTH, WIDTH, choice_buttons, choice_menu,
                                  count_slider, decade_slider, decades, number_slider)


def test_decades_are_the_round_numbers_between_the_ends():
    assert decades(0.01, 100) == [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0,
                                  50.0, 100.0]
    assert decades(0.05, 0.2) == [0.05, 0.1, 0.2]


def test_a_decade_slider_shows_its_values_as_written():
    slider = decade_slider("learning rate", 0.05, 0.001, 1)
    assert slider.value == 0.05 and "0.05" in [label for label, _ in slider.options]
    with pytest.raises(ValueError, match="0.07 is not one of"):
        decade_slider("learning rate", 0.07, 0.001, 1)


def test_every_control_has_the_same_width_and_description_width():
    controls = [number_slider("w", 0.5, -1, 1, 0.1), count_slider("steps", 3, 1, 10),
                decade_slider("lr", 1.0, 0.1, 10), choice_buttons("inputs", ["a", "b"]),
                choice_menu("init", ["He", 0.1])]
    assert {c.layout.width for c in controls} == {WIDTH}
    assert {c.style.description_width for c in controls} == {DESCRIPTION_WIDTH}
    assert all(not c.continuous_update for c in controls[:3])  # redraw on release, not per pixel


def test_a_number_slider_reads_out_its_digits():
    assert number_slider("w", 0.5, -1, 1, 0.1, digits=1).readout_format == ".1f"
