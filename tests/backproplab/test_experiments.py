import json
import linecache

import numpy as np
import pandas as pd
import pytest
from tqdm.auto import tqdm

from backproplab.experiments import (COLUMNS, METRICS, RunCache, fingerprint, mean_pm_std,
                                     plot_curves, plot_study, quiet_progress)

_cells = {"n": 0}


def cell(source):
    """Run source as a notebook cell does: in a namespace named __main__, with its text in
    linecache (where IPython keeps the source of cells); returns the namespace."""
    _cells["n"] += 1
    filename = f"<test-cell-{_cells['n']}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__name__": "__main__"}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def exec_only(source):
    """Run source like the autograder's reference code: exec'd, with no source text anywhere."""
    namespace = {"__name__": "reference_test_module"}
    exec(compile(source, "<no source>", "exec"), namespace)
    return namespace


HELPER = """
def helper(x):
    return x + {step}

class Layer:
    scale = {scale}

    def forward(self, x):
        return helper(x) * self.scale

def run(x):
    return Layer().forward(x) + OFFSET

OFFSET = {offset}
"""


def code(step=1, scale=2, offset=3, runner=cell):
    return runner(HELPER.format(step=step, scale=scale, offset=offset))


# ---------------------------------------------------------------------------------------------
# fingerprint


def test_fingerprint_is_stable_for_the_same_code():
    assert fingerprint(code()["run"]) == fingerprint(code()["run"])
    assert len(fingerprint(code()["run"])) == 64


@pytest.mark.parametrize("change", [{"step": 2}, {"scale": 5}, {"offset": 4}])
def test_fingerprint_follows_the_functions_classes_and_constants_a_function_uses(change):
    assert fingerprint(code()["run"]) != fingerprint(code(**change)["run"])


def test_fingerprint_ignores_globals_that_share_a_name_with_an_attribute():
    # a notebook's loop variable `lr` must not key runs whose code only reads `self.lr`
    namespace = cell("class SGD:\n    def step(self):\n        return self.lr\n")
    before = fingerprint(namespace["SGD"])
    namespace["lr"] = 3.0
    assert fingerprint(namespace["SGD"]) == before


def test_fingerprint_falls_back_to_the_compiled_code_when_there_is_no_source():
    first, again = code(runner=exec_only), code(runner=exec_only)
    assert fingerprint(first["run"]) == fingerprint(again["run"])
    assert fingerprint(first["run"]) != fingerprint(code(step=7, runner=exec_only)["run"])


def test_fingerprint_ignores_library_code_and_rejects_other_objects():
    namespace = cell("import numpy as np\ndef f(x):\n    return np.sum(x) + len(x)\n")
    assert fingerprint(namespace["f"]) == fingerprint(namespace["f"])
    with pytest.raises(TypeError, match="functions and classes"):
        fingerprint(3)


def test_fingerprint_survives_recursion():
    namespace = cell("def f(n):\n    return 0 if n == 0 else f(n - 1)\n")
    assert fingerprint(namespace["f"])


# ---------------------------------------------------------------------------------------------
# RunCache

def counting_run():
    namespace = cell(
        "calls = []\n"
        "def run(factor, value, seed, *, baseline, data):\n"
        "    calls.append((factor, value, seed))\n"
        "    loss = np.float64(0.5) + seed\n"
        "    return {'factor': factor, 'value': value, 'seed': seed, 'loss': loss}\n"
        "import numpy as np\n")
    return namespace["run"], namespace["calls"]


def test_cache_trains_once_then_reads(tmp_path):
    run, calls = counting_run()
    data = {"X": np.arange(6.0).reshape(3, 2)}
    cache = RunCache(tmp_path / "runs")
    assert not (tmp_path / "runs").exists() and len(cache) == 0
    first = cache.wrap(run)("lr", 0.1, 0, baseline={"lr": 0.05}, data=data)
    again = RunCache(tmp_path / "runs").wrap(run)("lr", 0.1, 0, baseline={"lr": 0.05}, data=data)
    assert calls == [("lr", 0.1, 0)]
    assert first == again == {"factor": "lr", "value": 0.1, "seed": 0, "loss": 0.5}
    assert type(first["loss"]) is float and len(cache) == 1 and (cache.hits, cache.misses) == (0, 1)
    stored = json.loads(next((tmp_path / "runs").glob("*.json")).read_text())
    assert stored["row"] == first and stored["call"] == ["lr", 0.1, 0]


@pytest.mark.parametrize("change", ["value", "seed", "baseline", "data", "int_for_float", "bool"])
def test_cache_keys_on_every_argument(tmp_path, change):
    run, calls = counting_run()
    cached = RunCache(tmp_path).wrap(run)
    args = dict(factor="lr", value=1.0, seed=0, baseline={"lr": 0.05}, data=np.zeros(3))
    cached(args["factor"], args["value"], args["seed"], baseline=args["baseline"],
           data=args["data"])
    other = dict(args)
    if change == "value":
        other["value"] = 2.0
    elif change == "seed":
        other["seed"] = 1
    elif change == "baseline":
        other["baseline"] = {"lr": 0.5}
    elif change == "data":
        other["data"] = np.ones(3)
    elif change == "int_for_float":
        other["value"] = 1
    else:
        other["value"] = True
    cached(other["factor"], other["value"], other["seed"], baseline=other["baseline"],
           data=other["data"])
    assert len(calls) == 2


def test_cache_keys_on_the_code_of_the_run_and_of_classes_passed_in(tmp_path):
    for step in (1, 2):
        namespace = code(step=step)
        namespace["calls"] = []
        exec("def study_run(factor, value, seed, *, baseline, data):\n"
             "    calls.append(seed)\n"
             "    return {'loss': run(value)}\n", namespace)
        row = RunCache(tmp_path).wrap(namespace["study_run"])("x", 1, 0, baseline={}, data=None)
        assert namespace["calls"] == [0] and row == {"loss": (1 + step) * 2 + 3}
    run, calls = counting_run()
    cached = RunCache(tmp_path).wrap(run)
    for step in (1, 1, 5):
        cached("x", 1, 0, baseline={}, data=code(step=step)["Layer"])
    assert len(calls) == 2


def test_cache_explains_what_it_cannot_store(tmp_path):
    cached = RunCache(tmp_path).wrap(cell("def run(x):\n    return {'model': object()}\n")["run"])
    with pytest.raises(TypeError, match="numbers, strings"):
        cached(1)
    cached = RunCache(tmp_path).wrap(cell("def run(x):\n    return {'x': 1}\n")["run"])
    with pytest.raises(TypeError, match="cannot key"):
        cached(object())


def test_cache_reruns_an_unreadable_file_and_clears(tmp_path):
    run, calls = counting_run()
    cache = RunCache(tmp_path)
    cached = cache.wrap(run)
    cached("a", 1, 0, baseline={}, data=None)
    next(tmp_path.glob("*.json")).write_text("{not json")
    assert cached("a", 1, 0, baseline={}, data=None)["seed"] == 0 and len(calls) == 2
    assert "1 runs stored" in repr(cache)
    cache.clear()
    assert len(cache) == 0


# ---------------------------------------------------------------------------------------------
# quiet_progress


def test_quiet_progress_hides_bars_made_inside_only():
    outer = tqdm(range(2), disable=False)
    with quiet_progress():
        inner = tqdm(range(2))
        with quiet_progress():
            nested = tqdm(range(2))
        after_nested = tqdm(range(2))
    after = tqdm(range(2), disable=False)
    assert not outer.disable and inner.disable and nested.disable and after_nested.disable
    assert not after.disable
    for bar in (outer, inner, nested, after_nested, after):
        bar.close()


def test_quiet_progress_restores_tqdm_after_an_error():
    with pytest.raises(RuntimeError):
        with quiet_progress():
            raise RuntimeError
    bar = tqdm(range(1), disable=False)
    assert not bar.disable
    bar.close()


# ---------------------------------------------------------------------------------------------
# plots and tables


def study_table():
    rows = []
    for factor, values in {"lr": [0.01, 1.0], "inputs": ["standardized", "raw"],
                           "depth": [0, 1]}.items():
        for value in values:
            for seed in range(3):
                rows.append({"factor": factor, "value": value, "seed": seed,
                             **{m: 0.1 * (seed + 1) for m in METRICS}, "seconds": 0.01})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def summary_of(study):
    groups = study.groupby(["factor", "value"], sort=False)
    summary = groups[list(METRICS)].agg(["mean", "std"])
    summary.columns = [f"{m}_{s}" for m, s in summary.columns]
    summary.insert(0, "runs", groups.size())
    return summary


def test_plot_study_draws_a_panel_per_factor_and_marks_the_baseline():
    study = study_table()
    summary = summary_of(study)  # factor and value in the index: accepted too
    axes = plot_study(summary, study=study, baseline={"lr": 1.0, "inputs": "raw", "depth": 5},
                      logy=("lr",), ncols=2, title="a study")
    assert [ax.get_title() for ax in axes] == ["lr", "inputs", "depth"]
    assert [t.get_text() for t in axes[1].get_xticklabels()] == ["standardized", "raw"]
    assert axes[0].get_xticklabels()[1].get_fontweight() == "bold"
    assert axes[0].get_yscale() == "log" and axes[1].get_yscale() == "linear"
    assert len(axes[0].collections) >= 2  # the runs as dots, per metric
    with pytest.raises(ValueError, match="no column"):
        plot_study(summary.reset_index(), metrics=("test_loss",))


def test_plot_curves_draws_mean_and_band_per_label():
    history = pd.DataFrame({"epoch": [1, 2, 3], "val_loss": [1.0, 0.5, 0.4]})
    ax = plot_curves({"a": [history, history.assign(val_loss=[1.2, 0.7, 0.6])], "b": [history]})
    assert [line.get_label() for line in ax.lines] == ["a (2 runs)", "b (1 runs)"]
    assert np.allclose(ax.lines[0].get_ydata(), [1.1, 0.6, 0.5])


def test_mean_pm_std_formats_a_summary():
    table = mean_pm_std(summary_of(study_table()).reset_index(), ("val_loss",), digits=2)
    assert table.loc[("lr", "0.01"), "val_loss"] == "0.20 ± 0.10"
    assert table.loc[("inputs", "raw"), "runs"] == 3
