"""The grade command on a class where every kind of broken submission shows up once."""

import csv

import pytest

from autograder import samples
from autograder.__main__ import main
from autograder.grade import GradingError, Settings, grade
from autograder.gradebook import scores
from autograder.master import master

A = "03_vectorized_backprop"
FULL = master(A).max_score


def _with_cell(cell, source):
    return samples.solved(A, {cell: source})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    folder = root / "submissions"
    samples.write(samples.solved(A), folder, "solution", A)
    samples.write(samples.blank(A), folder, "blank", A)
    invalid = samples.write(samples.solved(A), folder, "invalid_json", A)
    invalid.write_text(invalid.read_text()[:500])
    (folder / "missing" / A).mkdir(parents=True)
    (folder / "missing" / A / "notes.txt").write_text("I forgot to upload it")
    (folder / "not_submitted").mkdir()
    renamed = samples.write(samples.solved(A), folder, "renamed", A)
    renamed.rename(renamed.with_name("my copy.ipynb"))
    sgd = samples.solutions(A)["sgd"]
    samples.write(_with_cell("sgd", sgd + "\n\nraise RuntimeError('oops')"), folder,
                      "raises", A)
    samples.write(_with_cell("sgd", sgd + "\n\nwhile True:\n    pass"), folder, "loops", A)
    samples.write(_with_cell("sgd", "import os\nos._exit(1)"), folder, "exits", A)
    results = grade(folder, out=root / "grading", settings=Settings(timeout=5, notebook_timeout=120),
                    workers=2, quiet=True)
    return root / "grading", {r.student: r for r in results}


def test_every_student_gets_a_row(graded):
    _, results = graded
    assert sorted(results) == ["blank", "exits", "invalid_json", "loops", "missing",
                               "not_submitted", "raises", "renamed", "solution"]


def test_the_solution_gets_full_marks_and_the_blank_release_zero(graded):
    _, results = graded
    assert results["solution"].score == results["solution"].max_score == FULL
    assert results["blank"].score == 0
    assert {c.status for c in results["blank"].cells} == {"not implemented"}


@pytest.mark.parametrize("student, status", [
    ("invalid_json", "invalid notebook"),
    ("missing", "missing notebook"),
    ("not_submitted", "not submitted"),
])
def test_unrunnable_submissions_score_zero_and_say_why(graded, student, status):
    _, results = graded
    assert results[student].status.startswith(status), results[student].status
    assert results[student].score == 0
    assert results[student].max_score == FULL


def test_a_cell_that_kills_the_process_costs_only_what_depends_on_it(graded):
    _, results = graded
    assert ("the student's process exited with code 1 in sgd; the notebook ran again without "
            "that cell") in results["exits"].status
    lost = {c.cell for c in results["exits"].cells if c.points < c.max_points}
    assert lost == {"test_sgd"}


def test_a_renamed_notebook_is_graded(graded):
    _, results = graded
    assert results["renamed"].score == FULL
    assert "renamed notebook my copy.ipynb" in results["renamed"].status


def test_code_that_raises_or_loops_costs_only_what_depends_on_it(graded):
    _, results = graded
    for student in ("raises", "loops"):
        lost = {c.cell for c in results[student].cells if c.points < c.max_points}
        assert lost == set(), f"{student} lost {lost}: the classes were defined before the bug"
    assert "timeout after 5 s in sgd" in results["loops"].status


def test_gradebook_agrees_with_the_csv_files(graded):
    out, results = graded
    with open(out / "grades.csv") as file:
        rows = {row["student"]: row for row in csv.DictReader(file)}
    with open(out / "cells.csv") as file:
        cells = list(csv.DictReader(file))
    assert len(cells) == len(results) * len(results["solution"].cells)
    for student, result in results.items():
        assert float(rows[student]["score"]) == result.score
        recorded = scores(out / "course", A, student)
        assert sum(s.points for s in recorded.values()) == result.score
        assert not any(s.pending for s in recorded.values()), f"{student} left needing a grade"


def test_feedback_lists_every_cell_and_never_the_hidden_tests(graded):
    out, results = graded
    page = (out / "feedback" / "blank" / f"{A}.html").read_text()
    for cell in results["blank"].cells:
        assert cell.cell in page
    assert "not implemented" in page
    for student in results:
        page = (out / "feedback" / student / f"{A}.html").read_text()
        assert "HIDDEN" not in page and "seeds(" not in page and "Traceback" not in page


def test_feedback_says_what_is_wrong(tmp_path):
    bias = samples.solutions(A)["linear"].replace('dout.sum(axis=0)', 'dout')
    samples.write(_with_cell("linear", bias), tmp_path / "s", "student", A)
    result, = grade(tmp_path / "s", out=tmp_path / "g", quiet=True)
    db = next(c for c in result.cells if c.cell == "test_linear_db")
    assert db.points == 0 and db.status == "failed"
    assert "grads['b']" in db.message and "shape (5, 3), expected (3,)" in db.message
    assert "sum over the batch axis" in db.message
    assert {c.cell for c in result.cells if c.points < c.max_points} == {"test_linear_db"}


def test_warnings_from_a_correct_solution_cost_nothing(tmp_path):
    # A sigmoid written naively overflows for large negative inputs: NumPy warns on stderr,
    # and nbgrader would zero any test cell that writes to stderr.
    noisy = samples.solutions(A)["sigmoid"].replace(
        "self.out = 1.0 / (1.0 + np.exp(-x))",
        "self.out = 1.0 / (1.0 + np.exp(-x))\n"
        "        import warnings\n"
        "        warnings.warn('a harmless warning', RuntimeWarning)")
    samples.write(_with_cell("sigmoid", noisy), tmp_path / "s", "student", A)
    result, = grade(tmp_path / "s", out=tmp_path / "g", quiet=True)
    assert result.score == result.max_score


def test_bad_requests_get_clear_errors(tmp_path, capsys):
    with pytest.raises(GradingError, match="is not a folder"):
        grade(tmp_path / "nowhere")
    (tmp_path / "alice" / "homework").mkdir(parents=True)
    with pytest.raises(GradingError, match="named after an assignment"):
        grade(tmp_path)
    assert main(["grade", str(tmp_path), "--assignment", "99_unknown"]) == 2
    assert "unknown assignment" in capsys.readouterr().err


def test_two_workers_grade_exactly_like_one(tmp_path):
    folder = tmp_path / "s"
    samples.write(samples.solved(A), folder, "solution", A)
    samples.write(samples.blank(A), folder, "blank", A)
    bias = samples.solutions(A)["linear"].replace('dout.sum(axis=0)', 'dout')
    samples.write(_with_cell("linear", bias), folder, "bias", A)
    samples.write(_with_cell("sgd", "import os\nos._exit(1)"), folder, "exits", A)
    grade(folder, out=tmp_path / "one", workers=1, quiet=True)
    grade(folder, out=tmp_path / "two", workers=2, quiet=True)
    for name in ("grades.csv", "cells.csv"):
        assert (tmp_path / "one" / name).read_text() == (tmp_path / "two" / name).read_text()


def test_the_nbgrader_engine_still_grades(tmp_path):
    """nbgrader's own autograde (tests in the student's kernel) stays available, for
    comparison: same grades for honest submissions."""
    folder = tmp_path / "s"
    samples.write(samples.solved(A), folder, "solution", A)
    samples.write(samples.blank(A), folder, "blank", A)
    results = {r.student: r for r in grade(folder, out=tmp_path / "g", workers=2, quiet=True,
                                           settings=Settings(engine="nbgrader"))}
    assert results["solution"].score == results["solution"].max_score
    assert results["blank"].score == 0


def test_library_warnings_go_to_the_log_not_the_terminal(tmp_path, monkeypatch, capsys):
    import warnings

    from autograder import gradebook, report

    def warning_twice(original, text):
        def warns(*args, **kwargs):
            warnings.warn(text, DeprecationWarning)
            return original(*args, **kwargs)
        return warns

    monkeypatch.setattr(gradebook, "add_students", warning_twice(gradebook.add_students, "SAW main"))
    monkeypatch.setattr(report, "write_feedback",
                        warning_twice(report.write_feedback, "SAW worker"))
    (tmp_path / "class" / "forgot" / A).mkdir(parents=True)
    assert main(["grade", str(tmp_path / "class"), "--out", str(tmp_path / "out"),
                 "--workers", "2"]) == 0
    said = capsys.readouterr()
    assert "SAW" not in said.out + said.err
    log = (tmp_path / "out" / "logs" / "grade.log").read_text()
    assert "SAW main" in log and "SAW worker" in log
