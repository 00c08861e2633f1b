import numpy as np
import pandas as pd
import pytest

from backproplab.plots import image_grid, plot_history


def test_plot_history_draws_one_panel_per_metric_present():
    history = pd.DataFrame({"epoch": [1, 2, 3], "train_loss": [1.0, 0.5, 0.2],
                            "val_loss": [1.1, 0.7, 0.4], "train_accuracy": [0.5, 0.7, 0.9]})
    axes = plot_history(history)
    assert len(axes) == 2
    assert [line.get_label() for line in axes[0].lines] == ["train", "validation"]


def test_plot_history_explains_a_table_without_metrics():
    with pytest.raises(ValueError, match="none of the columns"):
        plot_history(pd.DataFrame({"epoch": [1]}))


def test_image_grid_accepts_flat_images_and_rejects_other_shapes():
    figure = image_grid(np.zeros((12, 784)), labels=list(range(12)), ncols=5)
    assert len(figure.axes) == 15
    with pytest.raises(ValueError, match="must be"):
        image_grid(np.zeros(5))
