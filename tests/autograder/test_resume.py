"""Grading is idempotent and resumable: a rerun keeps what was graded, finishes what was cut
short, replaces a resubmission's grade only on request, and never touches a manual grade."""

import json

import pytest
from nbgrader.api import Gradebook

from autograder import samples
from autograder.course import gradebook_url
from autograder.grade import Settings, grade
from autograder.gradebook import scores

A = "01_derivations"


def _journal(out, student):
    return out / "journal" / student / f"{A}.jsonl"


def _score(results, student):
    return next(r.score for r in results if r.student == student)


def _autograded(results, student):
    result = next(r for r in results if r.student == student)
    return sum(c.points for c in result.cells if not c.manual)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    folder, out = root / "submissions", root / "grading"
    samples.write(samples.solved(A), folder, "solution", A)
    samples.write(samples.blank(A), folder, "blank", A)
    first = grade(folder, out=out, quiet=True)
    return folder, out, first


def test_a_rerun_grades_nothing_again(graded):
    folder, out, first = graded
    journals = {s: _journal(out, s).read_text() for s in ("solution", "blank")}
    stamps = {s: _journal(out, s).stat().st_mtime_ns for s in journals}
    again = grade(folder, out=out, quiet=True)
    assert [(r.student, r.score, r.status) for r in again] == \
        [(r.student, r.score, r.status) for r in first]
    for student, text in journals.items():
        assert _journal(out, student).read_text() == text
        assert _journal(out, student).stat().st_mtime_ns == stamps[student]


def test_an_interrupted_submission_is_graded_to_the_end(graded):
    folder, out, first = graded
    journal = _journal(out, "solution")
    lines = journal.read_text().splitlines()
    journal.write_text("\n".join(lines[:3]) + '\n{"cell": "test_')  # cut short mid-line
    again = grade(folder, out=out, quiet=True)
    assert _score(again, "solution") == _score(first, "solution")
    assert json.loads(journal.read_text().splitlines()[-1])["done"]


def test_a_manual_grade_survives_regrading(graded):
    folder, out, _ = graded
    course = out / "course"
    written = next(c for c, s in scores(course, A, "solution").items() if s.manual)
    with Gradebook(gradebook_url(course), "backproplab") as gradebook:
        cell = gradebook.find_grade(written, A, A, "solution")
        cell.manual_score, cell.needs_manual_grade = 1.0, False  # as formgrader saves it
        gradebook.db.commit()
    _journal(out, "solution").unlink()  # graded afresh, as after a lost journal
    results = grade(folder, out=out, quiet=True)
    assert scores(course, A, "solution")[written].points == 1.0
    result = next(r for r in results if r.student == "solution")
    assert next(c for c in result.cells if c.cell == written).status == "graded by hand"


def test_a_resubmission_replaces_the_grade_only_on_request(graded):
    folder, out, first = graded
    notebook = samples.solved(A)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            cell.source = "raise RuntimeError('I changed my mind')"
            break
    samples.write(notebook, folder, "solution", A)

    kept = grade(folder, out=out, quiet=True)
    result = next(r for r in kept if r.student == "solution")
    assert result.score == _score(first, "solution") + 1.0  # the manual point given above
    assert "resubmitted: the recorded grade is kept" in result.status

    replaced = grade(folder, out=out, settings=Settings(replace=True), quiet=True)
    result = next(r for r in replaced if r.student == "solution")
    assert _autograded(replaced, "solution") < _autograded(first, "solution")
    assert "resubmitted" not in result.status
    assert next(c for c in result.cells if c.manual and c.points == 1.0)
    assert _score(replaced, "blank") == _score(first, "blank")
