"""Submissions whose cells lost their nbgrader metadata are graded as if they had it."""

import nbformat
import pytest

from autograder import samples
from autograder.grade import Settings, grade
from autograder.master import master
from autograder.matching import restore

A = "03_vectorized_backprop"


def _stripped(notebook):
    """The notebook as a student who copied every cell into a fresh notebook hands it in."""
    for cell in notebook.cells:
        cell.metadata = {}
    return notebook


def test_every_cell_is_matched_back_by_what_it_defines_or_holds():
    solved = samples.solved(A)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in solved.cells
           if c.cell_type == "code" and "nbgrader" in c.metadata]
    notebook = _stripped(samples.solved(A))
    matching = restore(notebook, A)
    assert matching.missing == ()
    assert [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells
            if "nbgrader" in c.metadata] == ids
    assert "linear" in matching.matched and "test_linear_dx" in matching.matched


def test_an_answer_that_is_gone_is_reported():
    notebook = _stripped(samples.solved(A))
    notebook.cells = [c for c in notebook.cells if "class Linear" not in c.source]
    assert "linear" in restore(notebook, A).missing


def test_a_notebook_with_its_metadata_is_left_alone():
    notebook = samples.solved(A)
    before = nbformat.writes(notebook)
    assert restore(notebook, A).matched == ()
    assert nbformat.writes(notebook) == before


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("matching")
    samples.write(_stripped(samples.solved(A)), root / "class", "copied", A)
    v3 = nbformat.convert(_stripped(samples.solved(A)), 3)
    path = root / "class" / "old_format" / A / f"{A}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(nbformat.writes(v3, version=3))
    results = grade(root / "class", out=root / "grading", quiet=True, workers=2,
                    settings=Settings(timeout=30))
    return {r.student: r for r in results}


@pytest.mark.parametrize("student", ["copied", "old_format"])
def test_a_correct_notebook_without_metadata_gets_full_marks(graded, student):
    result = graded[student]
    assert result.score == result.max_score == master(A).max_score, [(c.cell, c.message) for c in result.cells]
    assert "matched by content" in result.status
