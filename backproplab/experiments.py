"""Running a study of many training runs: an on-disk cache of finished runs, one progress bar
for the whole study, and plots of its results as mean ± spread over seeds.

A study is a tidy table with one row per training run (see `COLUMNS`). Finished runs are
stored as small JSON files, keyed by the arguments of the run and by a fingerprint of the code
that trained it: reopening a notebook redraws its figures without training again, and an edit
to any function or class the run uses gives new keys, so old results are never shown as new.
"""

import hashlib
import inspect
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tqdm.std

from backproplab.codenames import global_names

__all__ = ["COLUMNS", "METRICS", "RunCache", "fingerprint", "quiet_progress", "plot_study",
           "plot_curves", "mean_pm_std"]

#: The final losses and accuracies a run reports.
METRICS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy")

#: The columns of a study table: one row per run.
COLUMNS = ("factor", "value", "seed", *METRICS, "seconds")

# Plain values whose repr may enter a fingerprint when code refers to them by a global name.
_PLAIN = (bool, int, float, str, bytes, type(None))


# ----------------------------------------------------------------------------------------------
# Fingerprints of code


def _is_user_code(obj):
    """Functions and classes defined in a notebook (module __main__) or in code run with exec
    (a module that was never imported): the code a study's results depend on. Library code,
    imported from installed modules, is not followed."""
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return False
    module = getattr(obj, "__module__", None)
    return module == "__main__" or (module is not None and module not in sys.modules)


def _code_digest(code):
    """The compiled code itself, for functions whose source text is not available (code run
    with exec). Line numbers are left out: moving a function does not change what it does."""
    consts = [_code_digest(c) if inspect.iscode(c) else repr(c) for c in code.co_consts]
    return repr((code.co_name, code.co_code.hex(), consts, code.co_names, code.co_varnames,
                 code.co_freevars))


def _plain(value):
    """Whether a global's value is a small constant worth including in a fingerprint: a number,
    string or tuple of them. Lists and dicts are left out, since code may fill them as it runs
    (a list of calls, say), which would change the fingerprint from one call to the next."""
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (tuple, frozenset)):
        return len(value) <= 100 and all(_plain(v) for v in value)
    return False


def _function_text(function, found):
    """Source (or compiled code) of a function, and the user code and constants it refers to,
    added to `found`."""
    try:
        text = inspect.getsource(function)
    except (OSError, TypeError):
        text = _code_digest(function.__code__)
    namespace = function.__globals__
    for name in sorted(global_names(function.__code__)):
        if name not in namespace:
            continue
        value = namespace[name]
        if _is_user_code(value):
            _collect(value, found)
        elif _plain(value) and not name.startswith("__"):
            found.setdefault(("constant", function.__module__, name), f"{name} = {value!r}")
    for cell in function.__closure__ or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if _is_user_code(value):
            _collect(value, found)
    return text


def _members(cls):
    """The functions held by a class: methods, static and class methods, property accessors."""
    for name, member in sorted(vars(cls).items()):
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if isinstance(member, property):
            for accessor in (member.fget, member.fset, member.fdel):
                if inspect.isfunction(accessor):
                    yield f"{name}.{accessor.__name__}", accessor
        elif inspect.isfunction(member):
            yield name, member
        elif _plain(member) and not name.startswith("__"):
            yield name, member


def _collect(obj, found):
    """Add obj (a function or class) and the user code it reaches to `found`: key -> text."""
    key = ("code", getattr(obj, "__module__", ""), getattr(obj, "__qualname__", repr(obj)),
           id(obj))
    if key in found:
        return
    found[key] = None  # placed first, so that recursive references stop here
    if inspect.isclass(obj):
        lines = [f"class {obj.__qualname__}({', '.join(b.__qualname__ for b in obj.__bases__)})"]
        for base in obj.__bases__:
            if _is_user_code(base):
                _collect(base, found)
        for name, member in _members(obj):
            body = _function_text(member, found) if inspect.isfunction(member) else repr(member)
            lines.append(f"  {name}: {body}")
        found[key] = "\n".join(lines)
    else:
        found[key] = _function_text(obj, found)


def fingerprint(*objects):
    """A hash of the code of functions and classes, and of all the code they use.

    Starting from `objects`, it follows every global name their code looks up to the functions
    and classes defined in the notebook (or run with exec), and to small constants (numbers,
    strings, tuples of them; not lists or dicts, which code may fill as it runs). Source text
    is hashed where Python has it; for code whose source is unavailable (run with exec), the
    compiled code is hashed instead. Library code (NumPy, pandas, backproplab) is not included.

    Inputs:
    - objects: functions and classes.

    Returns:
    - str: 64 hexadecimal digits; any edit to the code reached changes it.
    """
    found = {}
    for obj in objects:
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            raise TypeError(f"fingerprint takes functions and classes, got {type(obj).__name__}")
        _collect(obj, found)
    roots = [f"{getattr(o, '__qualname__', '')}" for o in objects]
    texts = sorted(f"{key[0]} {key[2]}\n{text}" for key, text in found.items())
    return hashlib.sha256("\n\n".join(roots + texts).encode()).hexdigest()


# ----------------------------------------------------------------------------------------------
# The cache


def _canonical(value, memo):
    """A JSON-able description of an argument, identical for equal arguments.

    Arrays are described by a hash of their bytes, functions and classes by their fingerprint
    (both computed once per object: `memo` maps id -> (object, hash)); floats by repr, so that
    1, 1.0 and True stay apart.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return [type(value).__name__, value]
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, np.generic):
        return _canonical(value.item(), memo)
    if isinstance(value, np.ndarray):
        if id(value) not in memo:
            data = np.ascontiguousarray(value)
            memo[id(value)] = (value, hashlib.sha256(data.view(np.uint8)).hexdigest())
        return ["array", str(value.dtype), list(value.shape), memo[id(value)][1]]
    if isinstance(value, dict):
        items = [[_canonical(k, memo), _canonical(v, memo)] for k, v in value.items()]
        return ["dict", sorted(items, key=json.dumps)]
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, [_canonical(v, memo) for v in value]]
    if inspect.isfunction(value) or inspect.isclass(value):
        if id(value) not in memo:
            memo[id(value)] = (value, fingerprint(value))
        return ["code", value.__qualname__, memo[id(value)][1]]
    raise TypeError(f"the cache cannot key a run on an argument of type {type(value).__name__}; "
                    "use numbers, strings, booleans, None, arrays, lists, tuples, dicts, "
                    "functions and classes")


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"a run's row must hold numbers, strings, booleans or None to be cached; "
                    f"got {type(value).__name__}")


class RunCache:
    """Finished runs on disk, so that a study is trained once and then only read.

    Each run is one JSON file in `folder`, named by a hash of
    - the run function's fingerprint: its code and all the notebook code it uses (see
      `fingerprint`), taken when the function is wrapped;
    - every argument of the call: numbers and strings as they are, arrays by a hash of their
      bytes, functions and classes (a loss class, say) by their fingerprint.

    So a change to the code or the data gives new keys and new runs, never stale results. The
    folder is created on demand; delete it (or call `clear`) to start over. Two people whose
    code is identical share entries, which is harmless: their runs would give the same rows.

    Usage:
        cached_run = RunCache(".cache/heart").wrap(run_experiment)
        row = cached_run("lr", 0.1, 0, baseline=baseline, data=data)   # trains, stores
        row = cached_run("lr", 0.1, 0, baseline=baseline, data=data)   # reads the file
    """

    def __init__(self, folder):
        """folder: str or Path, relative to the working directory (the notebook's folder)."""
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0

    def wrap(self, run):
        """A function that calls `run` once per distinct call and then reads its result.

        Inputs:
        - run: a function returning a dict of JSON-able values (a row of a study table).

        Returns:
        - cached_run: same arguments and result as `run`; results come back as stored in
          JSON (NumPy numbers become Python numbers). Wrap again after editing code: the
          fingerprint is taken now.
        """
        code = fingerprint(run)
        memo = {}  # id -> (object, hash): each array and class is hashed once per wrapper

        @wraps(run)
        def cached_run(*args, **kwargs):
            description = {"run": run.__qualname__, "code": code,
                           "args": _canonical(list(args), memo),
                           "kwargs": _canonical(kwargs, memo)}
            key = hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()
            path = self.folder / f"{key}.json"
            if path.is_file():
                try:
                    row = json.loads(path.read_text())["row"]
                except (ValueError, KeyError):  # an unreadable file: run again
                    pass
                else:
                    self.hits += 1
                    return row
            row = run(*args, **kwargs)
            text = json.dumps({"run": run.__qualname__, "code": code,
                               "call": [_readable(a) for a in args], "row": row},
                              default=_jsonable, indent=1)
            self._write(path, text)
            self.misses += 1
            return json.loads(text)["row"]

        return cached_run

    def _write(self, path, text):
        # write to a temporary file and rename it, so a file is never seen half written
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "w") as file:
            file.write(text)
        os.replace(temporary, path)

    def __len__(self):
        """The number of runs stored."""
        return len(list(self.folder.glob("*.json"))) if self.folder.is_dir() else 0

    def clear(self):
        """Delete every stored run."""
        for path in self.folder.glob("*.json") if self.folder.is_dir() else ():
            path.unlink()

    def __repr__(self):
        return (f"RunCache({str(self.folder)!r}: {len(self)} runs stored; "
                f"{self.hits} read, {self.misses} trained since it was made)")


def _readable(value):
    return value if isinstance(value, _PLAIN) else type(value).__name__


# ----------------------------------------------------------------------------------------------
# Progress bars


@contextmanager
def quiet_progress():
    """Silence every tqdm progress bar created inside the `with` block.

    A study trains hundreds of models, and `train` shows a bar for each. Create the study's
    own bar first, outside the block, and train inside it:

        for factor, value, seed in tqdm(runs):      # the one bar of the study
            with quiet_progress():
                row = run(factor, value, seed, ...)  # the bars of train stay hidden

    It works for any bar made with tqdm (tqdm.auto, tqdm.notebook, tqdm.std), whatever name
    the code that makes it uses, by setting disable=True for bars created in the block.
    """
    saved = vars(tqdm.std.tqdm)["__init__"]  # a partialmethod in recent tqdm: put back as is
    original = tqdm.std.tqdm.__init__

    def silent_init(self, *args, **kwargs):
        original(self, *args, **{**kwargs, "disable": True})

    tqdm.std.tqdm.__init__ = silent_init
    try:
        yield
    finally:  # blocks nest: each puts back what it found
        tqdm.std.tqdm.__init__ = saved


# ----------------------------------------------------------------------------------------------
# Plots and tables


def _summary_frame(summary):
    if "factor" not in summary.columns and "factor" in (summary.index.names or []):
        summary = summary.reset_index()
    missing = [c for c in ("factor", "value") if c not in summary.columns]
    if missing:
        raise ValueError(f"the summary needs the columns factor and value; it has "
                         f"{list(summary.columns)}")
    return summary


def _label(value):
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
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
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
