"""Offline loaders for the course data sets: UCI Heart Disease (Cleveland), Iris and MNIST.

All files are bundled: in a checkout of the course they are its ``data/`` folder (see
``data/README.md`` for their sources, licenses and citations), and the wheel of this package carries
them as package data, in ``backproplab/datasets/``. Set the environment variable ``BACKPROPLAB_DATA``
to use another folder. Every file is checked against its SHA-256 in ``SHA256`` before it is parsed, so an edited or
truncated file fails loudly instead of silently changing results.

Labels are always ``np.int64`` (also for MNIST, stored as uint8), so arithmetic on them such as ``y - 1``
cannot wrap around.
"""

import gzip
import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SHA256 = {
    "processed.cleveland.data": "a74b7efa387bc9d108d7d0115d831fe9b414b29ae7124f331b622b4efa0427c8",
    "heart-disease.names": "ec7ed5aa4ed8321097808f47b836301c2a0c36f3bb09c40b8b43b622363e6b61",
    "bezdekIris.data": "0fed2a99db77ec533a62dc66894d3ec6df3b58b6a8f3cf4a6b47e4086b7f97dc",
    "iris.names": "71a09fb3ee237614cdb9c09d06e8ae1f610ce2a274c0d77272fea8a233e5eea3",
    "train-images-idx3-ubyte.gz": "0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a6835971",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

_HEART_URL = "https://archive.ics.uci.edu/dataset/45/heart+disease"
_IRIS_URL = "https://archive.ics.uci.edu/dataset/53/iris"
_MNIST_URL = "http://yann.lecun.com/exdb/mnist/"
_ORIGIN = {
    "processed.cleveland.data": _HEART_URL,
    "heart-disease.names": _HEART_URL,
    "bezdekIris.data": _IRIS_URL,
    "iris.names": _IRIS_URL,
    "train-images-idx3-ubyte.gz": _MNIST_URL,
    "train-labels-idx1-ubyte.gz": _MNIST_URL,
    "t10k-images-idx3-ubyte.gz": _MNIST_URL,
    "t10k-labels-idx1-ubyte.gz": _MNIST_URL,
}

_HEART_COLUMNS = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg",
                  "thalach", "exang", "oldpeak", "slope", "ca", "thal", "num"]
# Category sets documented in heart-disease.names, so one-hot columns never depend on which rows are present.
_HEART_CATEGORIES = {"cp": (1, 2, 3, 4), "restecg": (0, 1, 2), "slope": (1, 2, 3), "thal": (3, 6, 7)}
_MISSING_OPTIONS = ("drop", "mode", "keep")
_IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
_IRIS_CLASSES = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]

_HEART_DESCRIPTION = (
    "UCI Heart Disease, Cleveland subset (processed.cleveland.data), CC BY 4.0.\n"
    "Cite: Janosi, A., Steinbrunn, W., Pfisterer, M., & Detrano, R. (1988). Heart Disease [Dataset]. "
    "UCI Machine Learning Repository. https://doi.org/10.24432/C52P4X"
)
_IRIS_DESCRIPTION = (
    "UCI Iris, corrected copy (bezdekIris.data, same values as Fisher 1936 and scikit-learn), CC BY 4.0.\n"
    "Cite: Fisher, R. A. (1936). The use of multiple measurements in taxonomic problems. "
    "Annals of Eugenics, 7(2), 179-188."
)
_MNIST_DESCRIPTION = (
    "MNIST handwritten digits, {split} set (http://yann.lecun.com/exdb/mnist/), CC BY-SA 3.0.\n"
    "Cite: Y. LeCun, L. Bottou, Y. Bengio, and P. Haffner (1998). Gradient-based learning applied to document "
    "recognition. Proceedings of the IEEE, 86(11):2278-2324."
)


class DataFileError(OSError):
    """A bundled data file is missing, does not match its SHA-256, or is not in the expected format."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded data set, like scikit-learn's ``Bunch``.

    - X: (N, D) features (MNIST with ``flatten=False``: (N, 28, 28))
    - y: (N,) int64 labels in ``0 .. len(class_names) - 1``
    - feature_names: D column names for X
    - class_names: name of each label value
    - frame: DataFrame of the features plus a ``target`` column, or None
    - description: source and citation
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    class_names: list[str]
    frame: pd.DataFrame | None
    description: str

    def __repr__(self):
        # The default repr would print whole arrays and the frame.
        return (f"Dataset(X={self.X.shape} {self.X.dtype}, y={self.y.shape} {self.y.dtype}, "
                f"class_names={self.class_names})")


_PACKAGED = Path(__file__).resolve().parent / "datasets"  # where the wheel puts them
_CHECKOUT = Path(__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """Return the data folder: ``$BACKPROPLAB_DATA`` if set, else the data installed with the
    package (``backproplab/datasets/``, from the wheel), else the checkout's ``data/``."""
    if os.environ.get("BACKPROPLAB_DATA"):
        return Path(os.environ["BACKPROPLAB_DATA"])
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def _how_to_fix(name: str) -> str:
    if data_dir() == _PACKAGED:
        return ("Reinstall the helper package: `pip install --force-reinstall --no-deps "
                "backproplab-<version>-py3-none-any.whl`.")
    hint = f"Restore it with `git checkout -- data/{name}`, or re-download it from {_ORIGIN[name]}"
    if name == "train-images-idx3-ubyte.gz":
        # The bundled file is a re-compression of the original (see data/README.md), so a fresh download differs.
        hint += " and re-compress it with `gunzip train-images-idx3-ubyte.gz && gzip -n -9 train-images-idx3-ubyte`"
    return hint + "."


def verify(filename: str) -> Path:
    """Check that ``data_dir() / filename`` exists and matches ``SHA256[filename]``; return its path.

    Raises DataFileError (naming the path, the expected and actual hash, and how to fix it) otherwise,
    and KeyError if ``filename`` is not a bundled file.
    """
    expected = SHA256[filename]
    path = data_dir() / filename
    if not path.is_file():
        raise DataFileError(f"Data file {path} is missing (expected sha256 {expected}). {_how_to_fix(filename)}")
    with path.open("rb") as f:
        # file_digest reads in chunks, so hashing never holds a whole file in memory.
        actual = hashlib.file_digest(f, "sha256").hexdigest()
    if actual != expected:
        raise DataFileError(
            f"Data file {path} is corrupted or was modified: expected sha256 {expected}, got {actual}. "
            f"{_how_to_fix(filename)}"
        )
    return path


def load_heart(*, binary: bool = True, missing: str = "drop", one_hot: bool = False, as_frame: bool = False) -> Dataset:
    """Load the UCI Heart Disease data, Cleveland subset (303 patients, 13 features).

    Inputs:
    - binary: if True, y = (num > 0), class_names ``["no disease", "disease"]``;
      if False, y = num, class_names ``["0", "1", "2", "3", "4"]`` (0 = no disease).
    - missing: what to do with the 6 missing values (4 in ``ca``, 2 in ``thal``):
      ``"drop"`` removes the 6 rows that have one (297 rows remain);
      ``"mode"`` fills each with its column's most frequent value in all 303 rows (smallest on ties).
      This is a convenience: in a real study the fill value must come from the training data only,
      or information from the test rows leaks into it;
      ``"keep"`` leaves them as NaN.
    - one_hot: if True, replace ``cp``, ``restecg``, ``slope`` and ``thal`` with one 0/1 column per
      category documented in heart-disease.names, named ``cp=1`` .. ``cp=4``, ``restecg=0`` .. ``restecg=2``,
      ``slope=1`` .. ``slope=3``, ``thal=3``, ``thal=6``, ``thal=7`` (22 features instead of 13).
      A NaN category (``missing="keep"``) gives all zeros in that group.
    - as_frame: if True, also return ``frame``, a DataFrame of the features plus a ``target`` column.

    Returns a Dataset with:
    - X: (N, D) float64, N = 297 (drop) or 303, D = 13 or 22 (one_hot)
    - y: (N,) int64
    """
    if missing not in _MISSING_OPTIONS:
        raise ValueError(f"missing must be one of {', '.join(map(repr, _MISSING_OPTIONS))}; got {missing!r}")
    df = pd.read_csv(verify("processed.cleveland.data"), header=None, names=_HEART_COLUMNS, na_values="?")
    if missing == "drop":
        df = df.dropna().reset_index(drop=True)
    elif missing == "mode":
        df = df.fillna(df.mode().iloc[0])

    features = df.drop(columns="num").astype(np.float64)
    if one_hot:
        columns = {}
        for name, column in features.items():
            if name in _HEART_CATEGORIES:
                for value in _HEART_CATEGORIES[name]:
                    columns[f"{name}={value}"] = (column == value).astype(np.float64)
            else:
                columns[name] = column
        features = pd.DataFrame(columns)

    num = df["num"].to_numpy(np.int64)
    y = (num > 0).astype(np.int64) if binary else num
    return Dataset(
        X=features.to_numpy(np.float64),
        y=y,
        feature_names=list(features.columns),
        class_names=["no disease", "disease"] if binary else [str(k) for k in range(5)],
        frame=features.assign(target=y) if as_frame else None,
        description=_HEART_DESCRIPTION,
    )


def load_iris(*, as_frame: bool = False) -> Dataset:
    """Load Fisher's Iris data (the corrected UCI copy, bezdekIris.data).

    Inputs:
    - as_frame: if True, also return ``frame``, a DataFrame of the features plus a ``target`` column.

    Returns a Dataset with:
    - X: (150, 4) float64, sepal length, sepal width, petal length, petal width in cm
    - y: (150,) int64, 0 = setosa, 1 = versicolor, 2 = virginica (50 each)
    """
    df = pd.read_csv(verify("bezdekIris.data"), header=None, names=[*_IRIS_FEATURES, "class"])
    y = df["class"].map({name: k for k, name in enumerate(_IRIS_CLASSES)}).to_numpy(np.int64)
    features = df[_IRIS_FEATURES].astype(np.float64)
    return Dataset(
        X=features.to_numpy(np.float64),
        y=y,
        feature_names=list(_IRIS_FEATURES),
        class_names=[name.removeprefix("Iris-") for name in _IRIS_CLASSES],
        frame=features.assign(target=y) if as_frame else None,
        description=_IRIS_DESCRIPTION,
    )


def _read_idx(filename: str, magic: int, ndim: int) -> np.ndarray:
    """Read a gzipped IDX file of unsigned bytes; return a read-only uint8 array of the header's shape."""
    path = verify(filename)
    with gzip.open(path, "rb") as f:
        raw = f.read()
    header_size = 4 * (1 + ndim)
    if len(raw) < header_size:
        raise DataFileError(f"{path} is too short for an IDX header. {_how_to_fix(filename)}")
    found, *shape = struct.unpack(f">{1 + ndim}I", raw[:header_size])
    if found != magic:
        raise DataFileError(
            f"{path} is not the expected IDX file: magic number {found}, expected {magic}. {_how_to_fix(filename)}"
        )
    if len(raw) - header_size != np.prod(shape):
        raise DataFileError(
            f"{path}: the header announces shape {tuple(shape)} ({np.prod(shape)} bytes) but the payload has "
            f"{len(raw) - header_size} bytes. {_how_to_fix(filename)}"
        )
    return np.frombuffer(raw, np.uint8, offset=header_size).reshape(shape)


def _load_mnist_split(prefix: str, flatten: bool, normalize: bool) -> Dataset:
    labels = _read_idx(f"{prefix}-labels-idx1-ubyte.gz", 2049, 1)
    images = _read_idx(f"{prefix}-images-idx3-ubyte.gz", 2051, 3)
    if images.shape[1:] != (28, 28) or len(images) != len(labels):
        raise DataFileError(
            f"MNIST {prefix} files disagree: images {images.shape}, labels {labels.shape}; "
            f"expected (N, 28, 28) and (N,). {_how_to_fix(f'{prefix}-images-idx3-ubyte.gz')}"
        )
    if normalize:
        X = np.divide(images, np.float32(255), dtype=np.float32)  # one pass, never float64
    else:
        X = images.copy()  # frombuffer arrays are read-only; students expect to edit X in place
    if flatten:
        X = X.reshape(len(X), -1)
    return Dataset(
        X=X,
        y=labels.astype(np.int64),
        feature_names=[f"pixel_{i}" for i in range(X.shape[1])] if flatten else [],
        class_names=[str(d) for d in range(10)],
        frame=None,
        description=_MNIST_DESCRIPTION.format(split="training" if prefix == "train" else "test"),
    )


def load_mnist(*, flatten: bool = True, normalize: bool = True) -> tuple[Dataset, Dataset]:
    """Load the MNIST handwritten digits from the four bundled IDX files.

    Inputs:
    - flatten: if True, X is (N, 784) with feature names ``pixel_0`` .. ``pixel_783`` (row-major);
      if False, X is (N, 28, 28) and feature_names is empty.
    - normalize: if True, X is float32 in [0, 1] (pixel / 255); if False, the raw uint8 pixels 0..255.

    Returns (train, test), two Datasets with N = 60000 and N = 10000:
    - X: (N, 784) or (N, 28, 28), float32 or uint8
    - y: (N,) int64 digits 0..9, class_names ``["0", ..., "9"]``
    """
    return _load_mnist_split("train", flatten, normalize), _load_mnist_split("t10k", flatten, normalize)
