"""Due dates and late submissions: the penalty, and where it shows (grades.csv, feedback,
the gradebook)."""

import csv
from datetime import timedelta

import pytest
from nbgrader.api import Gradebook

from autograder import samples
from autograder.__main__ import main
from autograder.course import gradebook_url
from autograder.master import master
from autograder.lateness import LatePolicy, PolicyError, parse_fraction, parse_rate, parse_time

A = "03_vectorized_backprop"
FULL = master(A).max_score
# two started days late at 10%/day
PENALTY, LATE = f"{0.2 * FULL:g}", f"{FULL - 0.2 * FULL:g}"
DUE = "2026-12-08 23:59:00 UTC"


def test_times_rates_and_caps_are_read_as_written():
    assert parse_time("2026-12-08 23:59") == parse_time("2026-12-09T00:59+01:00")
    assert parse_time("2026-12-08 22:59:30.123456 UTC").tzinfo is not None
    assert parse_rate("10%/day") == (0.10, "day") and parse_rate("2.5 % / hour") == (0.025, "hour")
    assert parse_fraction("50%") == 0.5
    for bad, parse in (("next friday-ish", parse_time), ("10/day", parse_rate),
                       ("150%", parse_fraction)):
        with pytest.raises(PolicyError):
            parse(bad)


def test_the_penalty_counts_started_units_up_to_the_cap_and_zero_after_the_cutoff():
    due = parse_time(DUE)
    policy = LatePolicy(due, 0.10, "day", 0.5, due + timedelta(days=7))
    assert policy.penalty(due, 30, 36) == 0
    assert policy.penalty(due + timedelta(minutes=1), 30, 36) == pytest.approx(3.6)
    assert policy.penalty(due + timedelta(hours=26), 30, 36) == pytest.approx(7.2)
    assert policy.penalty(due + timedelta(days=6, hours=1), 30, 36) == pytest.approx(18)
    assert policy.penalty(due + timedelta(days=8), 30, 36) == 30
    assert policy.penalty(due + timedelta(minutes=1), 2, 36) == 2  # never below zero


def _submit(folder, student, when):
    path = samples.write(samples.solved(A), folder, student, A)
    if when is not None:
        (path.parent / "timestamp.txt").write_text(str(when))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("late")
    due = parse_time(DUE)
    _submit(root / "class", "on_time", due - timedelta(hours=1))
    _submit(root / "class", "a_day_late", due + timedelta(hours=26))
    _submit(root / "class", "too_late", due + timedelta(days=9))
    _submit(root / "class", "no_timestamp", None)
    out = root / "grading"
    assert main(["grade", str(root / "class"), "--out", str(out), "--workers", "2",
                 "--due", DUE, "--late-penalty", "10%/day", "--late-cap", "50%",
                 "--cutoff", "2026-12-15 23:59"]) == 0
    with open(out / "grades.csv") as file:
        return out, {row["student"]: row for row in csv.DictReader(file)}


def test_grades_csv_shows_the_lateness_and_the_penalty(graded):
    _, rows = graded
    assert (rows["on_time"]["score"], rows["on_time"]["penalty"]) == (f"{FULL:g}", "0")
    assert (rows["a_day_late"]["score"], rows["a_day_late"]["penalty"]) == (LATE, PENALTY)
    assert rows["a_day_late"]["late_hours"] == "26.00"
    assert f"late by 26.0 h: -{PENALTY} points (10%/day, at most 50%)" in rows["a_day_late"]["status"]
    assert rows["too_late"]["score"] == "0" and "after the cutoff" in rows["too_late"]["status"]
    assert "no timestamp.txt: lateness not checked" in rows["no_timestamp"]["status"]


def test_the_feedback_and_the_gradebook_show_it_too(graded):
    out, _ = graded
    feedback = (out / "feedback" / "a_day_late" / f"{A}.html").read_text()
    assert f"late by 26.0 h: -{PENALTY} points" in feedback and f"{LATE} /" in feedback
    with Gradebook(gradebook_url(out / "course"), "backproplab") as gradebook:
        notebook = gradebook.find_submission_notebook(A, A, "a_day_late")
        assert notebook.late_submission_penalty == pytest.approx(0.2 * FULL)
        assert gradebook.find_submission(A, "a_day_late").timestamp.isoformat() == \
            "2026-12-10T01:59:00"


def test_a_policy_without_a_due_date_is_refused(tmp_path, capsys):
    _submit(tmp_path / "class", "ada", parse_time(DUE))
    assert main(["grade", str(tmp_path / "class"), "--out", str(tmp_path / "grading"),
                 "--late-penalty", "10%/day"]) == 2
    assert "need a due date: give it with --due, or set it in nbgrader's gradebook" in \
        capsys.readouterr().err
    assert not (tmp_path / "grading").exists()


def _instructors_gradebook(course, due):
    """An nbgrader course directory's gradebook.db with A due at `due`, as `nbgrader db
    assignment add A --duedate=...` leaves it."""
    course.mkdir(parents=True, exist_ok=True)
    with Gradebook(gradebook_url(course), "ml101") as gradebook:
        gradebook.add_assignment(A, duedate=due.replace(tzinfo=None))


def test_the_due_date_comes_from_the_gradebook_beside_the_submissions(tmp_path, capsys):
    """Grading nbgrader's course/submitted: the due date is the one the instructor set in
    course/gradebook.db (read, never changed); --due, when given, wins."""
    due = parse_time(DUE)
    _instructors_gradebook(tmp_path / "course", due)
    before = (tmp_path / "course" / "gradebook.db").read_bytes()
    _submit(tmp_path / "course" / "submitted", "a_day_late", due + timedelta(hours=26))
    out = tmp_path / "grading"
    assert main(["grade", str(tmp_path / "course" / "submitted"), "--out", str(out),
                 "--late-penalty", "10%/day"]) == 0
    assert f"{A} is due 2026-12-08 23:59 UTC (from " in capsys.readouterr().err
    with open(out / "grades.csv") as file:
        row, = csv.DictReader(file)
    assert (row["score"], row["penalty"], row["late_hours"]) == (LATE, PENALTY, "26.00")
    with Gradebook(gradebook_url(out / "course"), "backproplab") as gradebook:
        assert gradebook.find_assignment(A).duedate == due.replace(tzinfo=None)
    assert (tmp_path / "course" / "gradebook.db").read_bytes() == before

    assert main(["grade", str(tmp_path / "course" / "submitted"), "--out", str(out),
                 "--due", "2026-12-12 00:00", "--late-penalty", "10%/day", "--replace"]) == 0
    with open(out / "grades.csv") as file:
        row, = csv.DictReader(file)
    assert (row["score"], row["penalty"]) == (f"{FULL:g}", "0")


def test_a_gradebook_that_is_not_one_is_refused(tmp_path, capsys):
    _submit(tmp_path / "class", "ada", None)
    (tmp_path / "notes.db").write_text("not a database")
    assert main(["grade", str(tmp_path / "class"), "--out", str(tmp_path / "grading"),
                 "--gradebook", str(tmp_path / "notes.db")]) == 2
    assert "notes.db is not an nbgrader gradebook" in capsys.readouterr().err


def test_feedback_lands_where_nbgrader_releases_it_from(tmp_path):
    """A submission collected through nbgrader's exchange (timestamp and secret beside it)
    gets its feedback in course/feedback/, and nbgrader's release_feedback publishes it under
    the name the student's fetch_feedback looks for."""
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
    from nbgrader.utils import notebook_hash

    from autograder.course import nbgrader_config

    path = samples.write(samples.solved(A), tmp_path / "submitted", "ada", A)
    (path.parent / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    (path.parent / "submission_secret.txt").write_text("a1b2c3")
    out = tmp_path / "grading"
    assert main(["grade", str(tmp_path / "submitted"), "--out", str(out)]) == 0
    course = out / "course"
    assert (course / "feedback" / "ada" / A / f"{A}.html").is_file()

    config = nbgrader_config(course)
    config.CourseDirectory.course_id = "backprop"
    config.CourseDirectory.assignment_id = A
    config.Exchange.root = str(tmp_path / "exchange")
    (tmp_path / "exchange").mkdir()
    ExchangeReleaseFeedback(coursedir=CourseDirectory(config=config), config=config).start()
    released = tmp_path / "exchange" / "backprop" / "feedback" / \
        f"{notebook_hash(secret='a1b2c3', notebook_id=A)}.html"
    assert "feedback for ada" in released.read_text()


def test_a_resubmissions_feedback_is_filed_under_the_new_submission(tmp_path):
    """`collect --update` brings a new timestamp and secret, even for the same notebook (its
    recorded grade is kept): fetch_feedback looks for the page under the new ones."""
    path = samples.write(samples.solved(A), tmp_path / "submitted", "ada", A)
    out = tmp_path / "grading"
    receipt = out / "course" / "feedback" / "ada" / A
    for timestamp, secret in (("2026-12-01 10:00:00.000000 UTC", "first"),
                              ("2026-12-02 10:00:00.000000 UTC", "second")):
        (path.parent / "timestamp.txt").write_text(timestamp)
        (path.parent / "submission_secret.txt").write_text(secret)
        assert main(["grade", str(tmp_path / "submitted"), "--out", str(out)]) == 0
        assert (receipt / "submission_secret.txt").read_text() == secret
        assert (receipt / "timestamp.txt").read_text() == timestamp
