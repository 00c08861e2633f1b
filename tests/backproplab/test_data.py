"""Tests for backproplab.data: shapes, dtypes and counts of the bundled data sets, and the integrity checks.

Expected values are recomputed from the raw files with the csv module where possible; the remaining
constants (303 rows, 6 missing values, 139/164, MNIST class counts) are documented in data/README.md.
"""

import csv
import gzip
import hashlib
import shutil
import struct
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from backproplab import data
from backproplab.data import DataFileError

HEART_COLUMNS = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg",
                 "thalach", "exang", "oldpeak", "slope", "ca", "thal"]
HEART_ONE_HOT = {"cp": [1, 2, 3, 4], "restecg": [0, 1, 2], "slope": [1, 2, 3], "thal": [3, 6, 7]}
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def read_rows(filename):
    """The file's non-empty rows as lists of strings, parsed independently of the loader."""
    with open(data.data_dir() / filename, newline="") as f:
        return [row for row in csv.reader(f) if row]


def heart_matrix(rows):
    """(X, num) from raw heart rows, with NaN for '?'."""
    X = np.array([[np.nan if v == "?" else float(v) for v in row[:13]] for row in rows])
    return X, np.array([int(row[13]) for row in rows])


# ---------------------------------------------------------------- heart

def test_heart_keep_has_all_rows_and_the_documented_missing_values():
    ds = data.load_heart(missing="keep")
    X, num = heart_matrix(read_rows("processed.cleveland.data"))
    assert ds.X.shape == (303, 13) and ds.X.dtype == np.float64
    assert ds.y.shape == (303,) and ds.y.dtype == np.int64
    assert ds.feature_names == HEART_COLUMNS
    np.testing.assert_array_equal(ds.X, X)  # NaNs compare equal here
    missing = dict(zip(HEART_COLUMNS, np.isnan(ds.X).sum(axis=0)))
    assert missing["ca"] == 4 and missing["thal"] == 2 and sum(missing.values()) == 6
    assert np.bincount(ds.y).tolist() == [164, 139]
    np.testing.assert_array_equal(ds.y, num > 0)


def test_heart_drop_removes_the_rows_with_missing_values():
    ds = data.load_heart()
    rows = [row for row in read_rows("processed.cleveland.data") if "?" not in row]
    X, num = heart_matrix(rows)
    assert len(rows) == 297
    assert ds.X.shape == (297, 13) and not np.isnan(ds.X).any()
    np.testing.assert_array_equal(ds.X, X)
    assert ds.class_names == ["no disease", "disease"]
    assert np.bincount(ds.y).tolist() == [np.sum(num == 0), np.sum(num > 0)]


def test_heart_mode_fills_each_missing_value_with_its_column_mode():
    ds = data.load_heart(missing="mode")
    X, _ = heart_matrix(read_rows("processed.cleveland.data"))
    assert ds.X.shape == (303, 13) and not np.isnan(ds.X).any()
    for j, name in enumerate(HEART_COLUMNS):
        counts = Counter(X[~np.isnan(X[:, j]), j])
        top = max(counts.values())
        mode = min(v for v, c in counts.items() if c == top)
        gaps = np.isnan(X[:, j])
        assert (ds.X[gaps, j] == mode).all(), name
        np.testing.assert_array_equal(ds.X[~gaps, j], X[~gaps, j])


def test_heart_rejects_an_unknown_missing_option():
    with pytest.raises(ValueError, match="'drop', 'mode', 'keep'"):
        data.load_heart(missing="mean")


def test_heart_multiclass_target():
    ds = data.load_heart(binary=False)
    _, num = heart_matrix([row for row in read_rows("processed.cleveland.data") if "?" not in row])
    np.testing.assert_array_equal(ds.y, num)
    assert ds.y.dtype == np.int64
    assert ds.class_names == ["0", "1", "2", "3", "4"]


def test_heart_one_hot_columns():
    plain = data.load_heart()
    ds = data.load_heart(one_hot=True)
    expected_names = []
    for name in HEART_COLUMNS:
        expected_names += [f"{name}={v}" for v in HEART_ONE_HOT[name]] if name in HEART_ONE_HOT else [name]
    assert ds.feature_names == expected_names
    assert ds.X.shape == (297, 22) and ds.X.dtype == np.float64
    for name, values in HEART_ONE_HOT.items():
        group = [ds.feature_names.index(f"{name}={v}") for v in values]
        assert set(np.unique(ds.X[:, group])) == {0.0, 1.0}
        np.testing.assert_array_equal(ds.X[:, group].sum(axis=1), 1.0)
        original = plain.X[:, HEART_COLUMNS.index(name)]
        np.testing.assert_array_equal(ds.X[:, group], original[:, None] == np.array(values))


def test_heart_one_hot_with_missing_category_is_all_zero():
    plain = data.load_heart(missing="keep")
    ds = data.load_heart(missing="keep", one_hot=True)
    thal = [ds.feature_names.index(f"thal={v}") for v in HEART_ONE_HOT["thal"]]
    gaps = np.isnan(plain.X[:, HEART_COLUMNS.index("thal")])
    assert gaps.sum() == 2
    np.testing.assert_array_equal(ds.X[gaps][:, thal], 0.0)
    np.testing.assert_array_equal(ds.X[~gaps][:, thal].sum(axis=1), 1.0)


def test_heart_frame():
    assert data.load_heart().frame is None
    ds = data.load_heart(as_frame=True, one_hot=True)
    assert list(ds.frame.columns) == ds.feature_names + ["target"]
    np.testing.assert_array_equal(ds.frame[ds.feature_names].to_numpy(), ds.X)
    np.testing.assert_array_equal(ds.frame["target"].to_numpy(), ds.y)


# ---------------------------------------------------------------- iris

def test_iris():
    ds = data.load_iris()
    rows = read_rows("bezdekIris.data")
    assert ds.X.shape == (150, 4) and ds.X.dtype == np.float64
    assert ds.y.shape == (150,) and ds.y.dtype == np.int64
    np.testing.assert_array_equal(ds.X, [[float(v) for v in row[:4]] for row in rows])
    assert np.bincount(ds.y).tolist() == [50, 50, 50]
    assert ds.class_names == ["setosa", "versicolor", "virginica"]
    assert [ds.class_names[k] for k in ds.y] == [row[4].removeprefix("Iris-") for row in rows]
    assert ds.feature_names == ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
    # The two rows that differ between UCI's iris.data and the corrected bezdekIris.data (1-based rows 35, 38).
    assert ds.X[34].tolist() == [4.9, 3.1, 1.5, 0.2]
    assert ds.X[37].tolist() == [4.9, 3.6, 1.4, 0.1]
    assert ds.frame is None


def test_iris_frame():
    ds = data.load_iris(as_frame=True)
    assert list(ds.frame.columns) == ds.feature_names + ["target"]
    np.testing.assert_array_equal(ds.frame["target"].to_numpy(), ds.y)


# ---------------------------------------------------------------- mnist

@pytest.fixture(scope="module")
def mnist():
    return data.load_mnist()


@pytest.fixture(scope="module")
def mnist_raw():
    return data.load_mnist(flatten=False, normalize=False)


def test_mnist_default_is_flat_float32_in_unit_range(mnist):
    train, test = mnist
    assert train.X.shape == (60000, 784) and test.X.shape == (10000, 784)
    for ds in (train, test):
        assert ds.X.dtype == np.float32 and ds.y.dtype == np.int64
        assert ds.X.min() == 0.0 and ds.X.max() == 1.0
        assert ds.feature_names == [f"pixel_{i}" for i in range(784)]
        assert ds.class_names == [str(d) for d in range(10)]
        assert ds.frame is None
    assert np.bincount(train.y).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(test.y).tolist() == MNIST_TEST_COUNTS


def test_mnist_raw_is_unflattened_uint8(mnist, mnist_raw):
    for ds, raw, n in zip(mnist, mnist_raw, (60000, 10000)):
        assert raw.X.shape == (n, 28, 28) and raw.X.dtype == np.uint8
        assert raw.X.max() == 255 and raw.X.flags.writeable
        assert raw.feature_names == []
        np.testing.assert_array_equal(raw.y, ds.y)
        assert np.array_equal(ds.X, raw.X.reshape(n, 784) / np.float32(255))


# ---------------------------------------------------------------- integrity checks

@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of the data folder that the loaders read instead of the real one."""
    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    monkeypatch.setenv("BACKPROPLAB_DATA", str(copy))
    return copy


def test_data_dir_default_and_override(monkeypatch, tmp_path):
    monkeypatch.delenv("BACKPROPLAB_DATA", raising=False)
    assert data.data_dir() == Path(__file__).resolve().parents[2] / "data"
    monkeypatch.setenv("BACKPROPLAB_DATA", str(tmp_path))
    assert data.data_dir() == tmp_path


def test_data_installed_with_the_package_comes_before_the_checkouts(monkeypatch, tmp_path):
    """The wheel puts the data sets in backproplab/datasets/; a broken file there is fixed by
    reinstalling, not by git."""
    monkeypatch.delenv("BACKPROPLAB_DATA", raising=False)
    monkeypatch.setattr(data, "_PACKAGED", tmp_path)
    assert data.data_dir() == tmp_path
    (tmp_path / "iris.names").write_text("edited")
    with pytest.raises(data.DataFileError, match="pip install --force-reinstall"):
        data.verify("iris.names")


def test_every_bundled_file_is_registered_and_verifies():
    bundled = {p.name for p in data.data_dir().iterdir() if p.name != "README.md"}
    assert bundled == set(data.SHA256)
    for name in data.SHA256:
        assert data.verify(name) == data.data_dir() / name


@pytest.mark.parametrize("filename, load", [
    ("processed.cleveland.data", data.load_heart),
    ("bezdekIris.data", data.load_iris),
    ("train-labels-idx1-ubyte.gz", data.load_mnist),
    ("train-images-idx3-ubyte.gz", data.load_mnist),
])
def test_corrupted_file_raises_checksum_error(data_copy, filename, load):
    path = data_copy / filename
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(raw)
    with pytest.raises(DataFileError) as excinfo:
        load()
    message = str(excinfo.value)
    assert str(path) in message
    assert data.SHA256[filename] in message
    assert hashlib.sha256(raw).hexdigest() in message
    assert f"git checkout -- data/{filename}" in message
    assert isinstance(excinfo.value, OSError)


def test_missing_file_raises(data_copy):
    (data_copy / "bezdekIris.data").unlink()
    with pytest.raises(DataFileError, match="missing") as excinfo:
        data.load_iris()
    assert str(data_copy / "bezdekIris.data") in str(excinfo.value)
    assert data.SHA256["bezdekIris.data"] in str(excinfo.value)


def rewrite_idx(data_copy, monkeypatch, filename, edit):
    """Replace a gzipped IDX file by edit(its content) and register the new file's hash."""
    path = data_copy / filename
    content = edit(gzip.decompress(path.read_bytes()))
    path.write_bytes(gzip.compress(content))
    monkeypatch.setitem(data.SHA256, filename, hashlib.sha256(path.read_bytes()).hexdigest())
    return path


def test_wrong_idx_magic_number_raises(data_copy, monkeypatch):
    path = rewrite_idx(data_copy, monkeypatch, "train-labels-idx1-ubyte.gz",
                       lambda content: struct.pack(">I", 2051) + content[4:])
    with pytest.raises(DataFileError, match="magic number 2051, expected 2049") as excinfo:
        data.load_mnist()
    assert str(path) in str(excinfo.value)


def test_idx_payload_shorter_than_header_raises(data_copy, monkeypatch):
    rewrite_idx(data_copy, monkeypatch, "train-labels-idx1-ubyte.gz", lambda content: content[:-1])
    with pytest.raises(DataFileError, match="payload has 59999 bytes"):
        data.load_mnist()


def test_idx_label_count_must_match_image_count(data_copy, monkeypatch):
    rewrite_idx(data_copy, monkeypatch, "train-labels-idx1-ubyte.gz",
                lambda content: content[:4] + struct.pack(">I", 59999) + content[8:-1])
    with pytest.raises(DataFileError, match="disagree"):
        data.load_mnist()
