"""Plots the notebooks share: training curves and image grids."""

import matplotlib.pyplot as plt
import numpy as np

from backproplab.drawing import axes_row


def plot_history(history, *, x="epoch", metrics=("loss", "accuracy"), axes=None):
    """Draw training curves from a history table, one panel per metric.

    Inputs:
    - history: pandas DataFrame with a column `x` and, per metric m, any of the columns
      m, "train_" + m and "val_" + m (missing ones are skipped).
    - x: the column for the horizontal axis, e.g. "epoch" or "step".
    - metrics: the metrics to draw, one panel each.
    - axes: optional sequence of matplotlib Axes, one per metric.

    Returns:
    - axes: list of the Axes drawn on.
    """
    metrics = [m for m in metrics if any(c in history for c in (m, f"train_{m}", f"val_{m}"))]
    if not metrics:
        raise ValueError(f"history has none of the columns for {metrics!r}; "
                         f"its columns are {list(history.columns)}")
    axes = axes_row(axes, len(metrics), figsize=(4.5 * len(metrics), 3.2))
    for ax, metric in zip(axes, metrics):
        for column, label in ((metric, metric), (f"train_{metric}", "train"),
                              (f"val_{metric}", "validation")):
            if column in history:
                ax.plot(history[x], history[column], label=label)
        ax.set_xlabel(x)
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0][1:]:
            ax.legend()
    plt.tight_layout()
    return axes


def image_grid(images, labels=None, *, ncols=10, shape=(28, 28), cmap="gray", axes_size=1.0):
    """Show images in a grid, optionally titled with labels.

    Inputs:
    - images: (N, H, W) array, or (N, H * W) flattened images reshaped to `shape`.
    - labels: optional sequence of N titles (numbers or strings).
    - ncols: images per row; shape: (H, W) for flattened images; cmap: matplotlib colormap.
    - axes_size: size of one image in inches.

    Returns:
    - fig: the matplotlib Figure.
    """
    images = np.asarray(images)
    if images.ndim == 2:
        images = images.reshape(len(images), *shape)
    if images.ndim != 3:
        raise ValueError(f"images must be (N, H, W) or (N, H*W); got shape {images.shape}")
    count = len(images)
    nrows = max(1, -(-count // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(axes_size * ncols, axes_size * 1.15 * nrows),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < count:
            ax.imshow(images[i], cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    fig.tight_layout()
    return fig
