"""Studies of many training runs: the columns of a study table, its plots and its tables, as
mean ± spread over seeds.

A study is a tidy table with one row per training run (see `COLUMNS`). The tools to run one
live in their own modules and are importable from here too: `RunCache` (runcache: finished
runs on disk, keyed by their arguments and the `fingerprint` of their code) and
`quiet_progress` (progress: one bar for the whole study).
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from backproplab.drawing import axis
from backproplab.fingerprint import fingerprint
from backproplab.progress import quiet_progress
from backproplab.runcache import RunCache

__all__ = ["COLUMNS", "METRICS", "RunCache", "fingerprint", "quiet_progress", "plot_study",
           "plot_curves", "mean_pm_std"]

#: The final losses and accuracies a run reports.
METRICS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy")

#: The columns of a study table: one row per run.
COLUMNS = ("factor", "value", "seed", *METRICS, "seconds")


def _summary_frame(summary):
    """The summary with factor and value as columns (a groupby leaves them as index levels)."""
    if "factor" not in summary.columns and "factor" in (summary.index.names or []):
        summary = summary.reset_index()
    missing = [c for c in ("factor", "value") if c not in summary.columns]
    if missing:
        raise ValueError(f"the summary needs the columns factor and value; it has "
                         f"{list(summary.columns)}")
    return summary


def _label(value):
    """A factor's value as a tick label or table row shows it: floats short, None as default."""
    if isinstance(value, (float, np.floating)):
        return f"{value:g}"
    if value is None:
        return "default"
    return str(value)


def plot_study(summary, metrics=("train_loss", "val_loss"), *, study=None, baseline=None,
               logy=(), ncols=4, title=None):
    """Draw a study: one panel per factor, the mean of each metric over the seeds, ± one
    standard deviation as error bars, and (optionally) every single run as a dot.

    The values of a factor are placed at equal distances in the order of the summary, so
    numbers spread over decades, zeros and labels all fit; the baseline's value is marked.

    Inputs:
    - summary: DataFrame with one row per (factor, value): columns (or index levels) factor
      and value, and per metric m the columns m + "_mean" and m + "_std".
    - metrics: the metrics to draw in every panel, e.g. ("train_loss", "val_loss").
    - study: optional tidy table (a row per run, columns factor, value, seed and the metrics):
      its runs are drawn as faint dots.
    - baseline: optional dict factor -> baseline value; that value's tick is drawn in bold
      with a grey band behind it.
    - logy: factors whose panels get a logarithmic vertical axis (for metrics that span
      decades; the values must be positive).
    - ncols: panels per row.
    - title: optional title of the figure.

    Returns:
    - axes: list of the Axes drawn on, one per factor, in the summary's order.
    """
    summary = _summary_frame(summary)
    for metric in metrics:
        for part in ("_mean", "_std"):
            if metric + part not in summary.columns:
                raise ValueError(f"the summary has no column {metric + part!r}; its columns "
                                 f"are {list(summary.columns)}")
    factors = list(dict.fromkeys(summary["factor"]))
    ncols = min(ncols, len(factors))
    nrows = -(-len(factors) // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 2.9 * nrows), squeeze=False)
    for ax in grid.flat[len(factors):]:
        ax.set_visible(False)
    axes = list(grid.flat[:len(factors)])
    if title:
        fig.suptitle(title)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, factor in zip(axes, factors):
        rows = summary[summary["factor"] == factor]
        values = list(rows["value"])
        x = np.arange(len(values))
        for i, metric in enumerate(metrics):
            color = colors[i % len(colors)]
            shift = (i - (len(metrics) - 1) / 2) * 0.08
            if study is not None:
                runs = study[study["factor"] == factor]
                for j, value in enumerate(values):
                    ys = runs.loc[[v == value for v in runs["value"]], metric].to_numpy(float)
                    ax.scatter(np.full(len(ys), j + shift), ys, s=9, color=color, alpha=0.35,
                               linewidths=0)
            ax.errorbar(x + shift, rows[metric + "_mean"].to_numpy(float),
                        yerr=np.nan_to_num(rows[metric + "_std"].to_numpy(float)),
                        marker="o", markersize=4, capsize=3, color=color,
                        label=metric.replace("_", " "))
        ax.set_xticks(x, [_label(v) for v in values])
        if baseline is not None and factor in baseline:
            for j, value in enumerate(values):
                same_kind = isinstance(value, bool) == isinstance(baseline[factor], bool)
                if same_kind and value == baseline[factor]:
                    ax.axvspan(j - 0.4, j + 0.4, color="0.9", zorder=0)
                    ax.get_xticklabels()[j].set_fontweight("bold")
        if factor in logy:
            ax.set_yscale("log")
        ax.set_title(factor)
        ax.grid(alpha=0.3)
    if axes:
        axes[0].legend(fontsize=8)
    plt.tight_layout()
    return list(axes)


def plot_curves(runs, metric="val_loss", *, x="epoch", ax=None):
    """Training curves averaged over seeds: per label, the mean of a metric over its runs at
    each epoch, with a band of ± one standard deviation.

    Inputs:
    - runs: dict label -> list of histories (DataFrames with the columns x and metric), one
      per seed; the histories of one label have the same length.
    - metric: the column to draw; x: the column of the horizontal axis.
    - ax: optional matplotlib Axes.

    Returns:
    - ax: the Axes drawn on.
    """
    ax = axis(ax, figsize=(5, 3.2))
    for label, histories in runs.items():
        values = np.stack([np.asarray(h[metric], dtype=float) for h in histories])
        steps = np.asarray(histories[0][x])
        mean, spread = values.mean(axis=0), values.std(axis=0, ddof=1) if len(values) > 1 else 0
        line, = ax.plot(steps, mean, label=f"{label} ({len(values)} runs)")
        ax.fill_between(steps, mean - spread, mean + spread, color=line.get_color(), alpha=0.2,
                        linewidth=0)
    ax.set_xlabel(x)
    ax.set_ylabel(metric.replace("_", " "))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def mean_pm_std(summary, metrics=METRICS, digits=3):
    """The summary as text, "mean ± std" per metric, for printing.

    Inputs:
    - summary: as for plot_study. metrics: the metrics to show. digits: decimals.

    Returns:
    - DataFrame of strings indexed by (factor, value), one column per metric, plus runs when
      the summary has it.
    """
    summary = _summary_frame(summary)
    table = pd.DataFrame(index=pd.MultiIndex.from_arrays(
        [summary["factor"], [_label(v) for v in summary["value"]]], names=["factor", "value"]))
    if "runs" in summary.columns:
        table["runs"] = summary["runs"].to_numpy()
    for metric in metrics:
        means = summary[metric + "_mean"].to_numpy(float)
        spreads = summary[metric + "_std"].to_numpy(float)
        table[metric] = [f"{m:.{digits}f} ± {s:.{digits}f}" for m, s in zip(means, spreads)]
    return table
