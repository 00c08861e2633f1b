"""RunCache with NumPy numbers, in the arguments and in the rows (the study tests of
test_experiments.py, which imports RunCache from backproplab.experiments as the notebooks do,
pass Python numbers only)."""

import json

import numpy as np

from backproplab.runcache import RunCache

calls = []


def run(value, data=None):
    calls.append(value)
    return {"value": value, "count": np.int64(3), "ok": np.bool_(True)}


def test_numpy_numbers_key_like_the_python_numbers_they_equal(tmp_path):
    calls.clear()
    cached = RunCache(tmp_path).wrap(run)
    cached(np.int64(2))
    cached(2)
    cached(np.float32(0.5))
    cached(0.5)
    assert calls == [np.int64(2), np.float32(0.5)]


def test_numpy_numbers_in_a_row_come_back_as_python_numbers(tmp_path):
    calls.clear()
    row = RunCache(tmp_path).wrap(run)(1, data=np.zeros(2))
    assert row == {"value": 1, "count": 3, "ok": True}
    assert type(row["count"]) is int and type(row["ok"]) is bool
    stored = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert stored["call"] == [1] and stored["row"] == row
    assert RunCache(tmp_path).wrap(run)(np.int64(5))["value"] == 5
    shown = [json.loads(p.read_text())["call"] for p in tmp_path.glob("*.json")]
    assert sorted(shown, key=str) == [["int64"], [1]]  # an argument not plain: its type
