"""Record: scores in nbgrader's gradebook, the course's system of record.

Autograde writes the scores of the submissions it could run. For those it could not (missing,
invalid, crashed, timed out), this module records zeros through the same gradebook API, so
`nbgrader export` and formgrader agree with our CSV files and nothing is left in nbgrader's
"needs manual grade" limbo.
"""

import sqlite3
from dataclasses import dataclass
from datetime import timezone

from nbgrader.api import Gradebook, MissingEntry

from autograder.course import gradebook_url


@dataclass(frozen=True)
class CellScore:
    """Points of one graded cell of one submission."""

    cell: str
    points: float
    max_points: float
    manual: bool  # a written answer graded by hand
    pending: bool  # still waiting for a manual grade


def _open(course):
    return Gradebook(gradebook_url(course), "backproplab")


def _notebook(gradebook, assignment, student):
    # Each assignment of the course has exactly one notebook, named like the assignment.
    return gradebook.find_submission_notebook(assignment, assignment, student)


def _graded_by_hand(gradebook, grade, assignment):
    """Whether a graded cell is an answer an instructor grades (a written answer, or code that
    is both an answer and graded), not a test."""
    if grade.cell_type == "markdown":
        return True
    try:
        gradebook.find_solution_cell(grade.name, assignment, assignment)
        return True
    except MissingEntry:
        return False


def scores(course, assignment, student):
    """Scores of every graded cell of a graded submission.

    Returns:
    - dict grade_id -> CellScore.
    """
    with _open(course) as gradebook:
        return {grade.name: CellScore(grade.name, float(grade.score), float(grade.max_score),
                                      _graded_by_hand(gradebook, grade, assignment),
                                      bool(grade.needs_manual_grade))
                for grade in _notebook(gradebook, assignment, student).grades}


def add_students(course, students):
    """Make sure every student has a row in the gradebook. Done once, before submissions are
    graded in parallel: two workers grading two assignments of one new student would both
    try to add them."""
    with _open(course) as gradebook:
        for student in students:
            gradebook.update_or_create_student(student)


def record_zero(course, assignment, student):
    """Record a score of zero on every graded cell of a submission that could not be run.

    Returns:
    - dict grade_id -> CellScore, all zero.
    """
    # nbgrader builds a new submission's rows outside its session; SQLAlchemy warns about
    # it, harmlessly (the rows are created and committed below). `grade` logs the warning.
    with _open(course) as gradebook:
        gradebook.update_or_create_student(student)
        gradebook.update_or_create_submission(assignment, student)
        for grade in _notebook(gradebook, assignment, student).grades:
            grade.auto_score = 0.0
            grade.needs_manual_grade = False
        gradebook.db.commit()
    return scores(course, assignment, student)


def record_autograded(course, assignment, student, points):
    """Record the points of the autograded cells of a submission graded outside nbgrader's
    autograde. Written answers keep whatever an instructor recorded; cells the judge could
    not reach get zero.

    Inputs:
    - points: dict grade_id -> points, for the test cells judged.

    Returns:
    - dict grade_id -> CellScore.
    """
    with _open(course) as gradebook:  # SQLAlchemy may warn: see record_zero
        gradebook.update_or_create_student(student)
        gradebook.update_or_create_submission(assignment, student)
        for grade in _notebook(gradebook, assignment, student).grades:
            if not _graded_by_hand(gradebook, grade, assignment):
                grade.auto_score = float(points.get(grade.name, 0.0))
                grade.needs_manual_grade = False
        gradebook.db.commit()
    return scores(course, assignment, student)


def due_dates(gradebook, assignments):
    """The due dates that an instructor's nbgrader gradebook (a gradebook.db file) sets, read
    without changing it: {assignment: aware UTC datetime}, for those that have one.

    Raises ValueError, saying which file, when it is not a gradebook nbgrader can read."""
    try:
        with sqlite3.connect(f"file:{gradebook}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT name, duedate FROM assignment").fetchall()
    except sqlite3.Error as error:
        raise ValueError(f"{gradebook} is not an nbgrader gradebook ({error}); name one with "
                         "--gradebook, or give the due date with --due") from None
    # nbgrader stores due dates in UTC, without a zone
    return {name: nbgrader_time(due) for name, due in rows if name in assignments and due}


def nbgrader_time(text):
    """An aware datetime from nbgrader's naive UTC text, "2026-12-08 22:59:00.000000"."""
    from datetime import datetime

    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def record_due_date(course, assignment, due):
    """Set the assignment's due date in our gradebook too, so nbgrader's own tools agree."""
    with _open(course) as gradebook:
        gradebook.find_assignment(assignment).duedate = (
            due.astimezone(timezone.utc).replace(tzinfo=None))
        gradebook.db.commit()


def record_late(course, assignment, student, submitted, penalty):
    """Record when a submission was made and its late penalty, where nbgrader keeps them."""
    with _open(course) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        submission.timestamp = submitted.astimezone(timezone.utc).replace(tzinfo=None)
        _notebook(gradebook, assignment, student).late_submission_penalty = penalty
        gradebook.db.commit()


@dataclass(frozen=True)
class CellResult:
    """One graded cell of one submission: its points and what happened in it."""

    cell: str
    points: float
    max_points: float
    status: str
    message: str = ""
    mistakes: tuple = ()  # catalog mistakes that explain the failure, as (id, diagnosis)

    @property
    def manual(self):
        """Whether this is a written answer, graded by hand."""
        return self.status in ("pending manual grade", "graded by hand")


@dataclass(frozen=True)
class SubmissionResult:
    """One student's grade on one assignment."""

    student: str
    assignment: str
    status: str  # "graded", or why it was not run, e.g. "missing notebook"
    cells: tuple
    seed: int  # the hidden tests' seed offset (BACKPROPLAB_TEST_SEED)
    late_hours: float = 0.0  # how long after the due date it was submitted
    penalty: float = 0.0  # points the late policy took off

    @property
    def score(self):
        """The cells' points, less the late penalty."""
        return max(0.0, sum(cell.points for cell in self.cells) - self.penalty)

    @property
    def max_score(self):
        return sum(cell.max_points for cell in self.cells)
