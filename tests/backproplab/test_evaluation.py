import matplotlib.pyplot as plt
import numpy as np
import pytest

from backproplab.evaluation import confusion_matrix, plot_confusion_matrix, stratified_split


def test_stratified_split_keeps_the_class_proportions_in_every_part():
    y = np.repeat([0, 1, 2], [50, 30, 20])
    parts = stratified_split(y, (0.6, 0.2, 0.2), rng=0)
    assert [len(p) for p in parts] == [60, 20, 20]
    for part, fraction in zip(parts, (0.6, 0.2, 0.2)):
        assert part.dtype == np.int64 and np.all(np.diff(part) > 0)
        assert np.array_equal(np.bincount(y[part], minlength=3),
                              np.round(fraction * np.array([50, 30, 20])))
    assert np.array_equal(np.sort(np.concatenate(parts)), np.arange(100))


def test_stratified_split_rounds_each_class_and_loses_no_example():
    y = np.array([0] * 7 + [1] * 5)
    train, test = stratified_split(y, (2 / 3, 1 / 3), rng=1)
    assert list(np.bincount(y[train])) == [5, 3] and list(np.bincount(y[test])) == [2, 2]
    assert set(train) | set(test) == set(range(12)) and not set(train) & set(test)


def test_stratified_split_is_reproducible_from_a_seed_and_random_otherwise():
    y = np.arange(200) % 2
    first = stratified_split(y, (0.5, 0.5), rng=3)
    again = stratified_split(y, (0.5, 0.5), rng=np.random.default_rng(3))
    other = stratified_split(y, (0.5, 0.5), rng=4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[0], other[0])


def test_stratified_split_accepts_column_targets():
    y = (np.arange(10) % 2).astype(float)[:, None]
    train, test = stratified_split(y, (0.8, 0.2), rng=0)
    assert len(train) == 8 and list(y[test, 0]) == [0.0, 1.0]


@pytest.mark.parametrize("fractions, message", [((0.5, 0.4), "sum to 1"),
                                                ((1.2, -0.2), "positive"), ((), "positive")])
def test_stratified_split_rejects_bad_fractions(fractions, message):
    with pytest.raises(ValueError, match=message):
        stratified_split(np.zeros(10, dtype=int), fractions)


def test_stratified_split_rejects_one_hot_targets():
    with pytest.raises(ValueError, match="one label per example"):
        stratified_split(np.eye(3), (0.5, 0.5))


def test_confusion_matrix_counts_true_classes_down_and_predictions_across():
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 0, 2])
    expected = np.zeros((3, 3), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        expected[t, p] += 1
    matrix = confusion_matrix(y_true, y_pred, 3)
    assert matrix.dtype == np.int64 and np.array_equal(matrix, expected)
    assert np.array_equal(matrix.sum(axis=1), np.bincount(y_true))


def test_confusion_matrix_keeps_classes_that_never_occur():
    matrix = confusion_matrix(np.array([[1.0], [0.0]]), np.array([True, True]), 4)
    assert matrix.shape == (4, 4) and matrix[1, 1] == 1 and matrix[0, 1] == 1 and matrix.sum() == 2


def test_confusion_matrix_explains_bad_labels():
    with pytest.raises(ValueError, match="same length"):
        confusion_matrix(np.zeros(3, int), np.zeros(4, int), 2)
    with pytest.raises(ValueError, match="labels in 0 .. 1"):
        confusion_matrix(np.array([0, 2]), np.array([0, 1]), 2)


def test_plot_confusion_matrix_writes_the_counts_with_class_names():
    matrix = np.array([[5, 1], [0, 4]])
    ax = plot_confusion_matrix(matrix, ["no", "yes"])
    assert sorted(t.get_text() for t in ax.texts) == ["1", "4", "5"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["no", "yes"]
    assert ax.get_ylabel() == "true class"
    plt.close(ax.figure)


def test_plot_confusion_matrix_rejects_a_non_square_matrix():
    with pytest.raises(ValueError, match="square"):
        plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="names"):
        plot_confusion_matrix(np.zeros((2, 2)), ["a"])
