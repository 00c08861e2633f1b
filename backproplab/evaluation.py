"""Evaluating classifiers: stratified splits into training, validation and test sets, and
confusion matrices."""

import numpy as np

from backproplab.drawing import axis


def _labels(y, name):
    """y as a 1-D integer array; accepts (N,) labels or (N, 1) 0/1 targets."""
    y = np.asarray(y)
    if y.dtype == bool:
        y = y.astype(np.int64)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name} must hold one label per example, shape (N,) or (N, 1); "
                         f"got shape {y.shape}")
    if y.size and not np.all(y == np.round(y)):
        raise ValueError(f"{name} must hold integer class labels")
    return y.astype(np.int64)


def stratified_split(y, fractions, rng=None):
    """Split the examples into parts that keep the class proportions of the whole data set.

    Each class is shuffled on its own and cut at the cumulative fractions (rounded to whole
    examples), so every part gets its share of every class; a plain random split of a small
    data set can leave a part short of a rare class.

    Inputs:
    - y: (N,) integer class labels, or (N, 1) 0/1 targets.
    - fractions: P positive numbers that sum to 1, e.g. (0.6, 0.2, 0.2) for training,
      validation and test.
    - rng: a seed, None or a np.random.Generator; the same seed gives the same split.

    Returns:
    - parts: a tuple of P sorted int64 index arrays into y; they are disjoint and together
      hold every index 0 .. N - 1 once.
    """
    y = _labels(y, "y")
    fractions = np.asarray(fractions, dtype=np.float64)
    if fractions.ndim != 1 or len(fractions) == 0 or np.any(fractions <= 0):
        raise ValueError(f"fractions must be a sequence of positive numbers; got {fractions}")
    if abs(fractions.sum() - 1.0) > 1e-9:
        raise ValueError(f"fractions must sum to 1; they sum to {fractions.sum():g}")
    rng = np.random.default_rng(rng)
    parts = [[] for _ in fractions]
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        cuts = np.round(np.cumsum(fractions)[:-1] * len(members)).astype(int)
        for part, chunk in zip(parts, np.split(members, cuts)):
            part.append(chunk)
    return tuple(np.sort(np.concatenate(part)).astype(np.int64) for part in parts)


def confusion_matrix(y_true, y_pred, n_classes):
    """Count how often each class is predicted as each class.

    Inputs:
    - y_true: (N,) true labels in 0 .. n_classes - 1 (or (N, 1) 0/1 targets).
    - y_pred: (N,) predicted labels, same form.
    - n_classes: K, the number of classes.

    Returns:
    - matrix: (K, K) int64; matrix[i, j] is the number of examples of class i predicted as
      class j. The diagonal holds the correct predictions; each row sums to the size of its
      class.
    """
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length; got {len(y_true)} "
                         f"and {len(y_pred)}")
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            raise ValueError(f"{name} must hold labels in 0 .. {n_classes - 1}; found "
                             f"{labels.min()} .. {labels.max()}")
    counts = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes).astype(np.int64)


def plot_confusion_matrix(matrix, class_names=None, *, ax=None, cmap="Blues"):
    """Draw a confusion matrix as a grid of counts, true classes down, predictions across.

    The colour of a cell is its count divided by the size of its true class (its row), so
    rare classes show their mistakes as clearly as common ones.

    Inputs:
    - matrix: (K, K) counts, as returned by confusion_matrix.
    - class_names: optional K names for the ticks (default 0 .. K - 1).
    - ax: optional matplotlib Axes to draw on; cmap: matplotlib colormap.

    Returns:
    - ax: the Axes drawn on.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix must be square (K, K); got shape {matrix.shape}")
    K = len(matrix)
    names = [str(k) for k in range(K)] if class_names is None else [str(n) for n in class_names]
    if len(names) != K:
        raise ValueError(f"class_names has {len(names)} names for {K} classes")
    size = 1.2 + 0.45 * K  # inches: room for K rows of counts and the tick labels
    ax = axis(ax, figsize=(size + 0.6, size))
    rows = matrix.sum(axis=1, keepdims=True)
    shares = matrix / np.where(rows > 0, rows, 1)
    ax.imshow(shares, cmap=cmap, vmin=0.0, vmax=1.0)
    for i in range(K):
        for j in range(K):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if shares[i, j] > 0.5 else "black")
    ax.set_xticks(range(K), names)
    ax.set_yticks(range(K), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    return ax
