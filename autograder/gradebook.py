"""The gradebook: nbgrader's record of the course, written and read through nbgrader's API.

Every submission's scores go here, whichever engine judged it and whether it could be run at
all, so `nbgrader export` and formgrader agree with our CSV files. Also the due dates and late
penalties, where nbgrader keeps them, and the due dates an instructor's own gradebook sets.
"""

import sqlite3
from datetime import datetime, timezone

from nbgrader.api import Gradebook, MissingEntry

from autograder.course import gradebook_url
from autograder.results import BY_HAND, PENDING, CellResult

AUTOGRADED = "autograded"  # a test cell's status until the grader says what happened in it


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
    - dict grade_id -> CellResult, whose status is PENDING or BY_HAND for a written answer
      and AUTOGRADED for a test cell (the grader adds what happened in it).
    """
    with _open(course) as gradebook:
        return {grade.name: CellResult(grade.name, float(grade.score), float(grade.max_score),
                                       _status(gradebook, grade, assignment))
                for grade in _notebook(gradebook, assignment, student).grades}


def _status(gradebook, grade, assignment):
    if not _graded_by_hand(gradebook, grade, assignment):
        return AUTOGRADED
    return PENDING if grade.needs_manual_grade else BY_HAND


def add_students(course, students):
    """Make sure every student has a row in the gradebook. Done once, before submissions are
    graded in parallel: two workers grading two assignments of one new student would both
    try to add them."""
    with _open(course) as gradebook:
        for student in students:
            gradebook.update_or_create_student(student)


def record_scores(course, assignment, student, points=None):
    """Record the points of a submission's autograded cells; return what the gradebook then
    holds, as scores() does.

    Inputs:
    - points: dict grade_id -> points, for the test cells judged; cells the judge could not
      reach get zero, and written answers keep whatever an instructor recorded. None for a
      submission that could not be run at all: every cell gets zero, written answers too,
      so nothing is left in nbgrader's "needs manual grade" limbo.
    """
    # nbgrader builds a new submission's rows outside its session; SQLAlchemy warns about
    # it, harmlessly (the rows are created and committed below). `grade` logs the warning.
    with _open(course) as gradebook:
        gradebook.update_or_create_student(student)
        gradebook.update_or_create_submission(assignment, student)
        for grade in _notebook(gradebook, assignment, student).grades:
            if points is not None and _graded_by_hand(gradebook, grade, assignment):
                continue
            grade.auto_score = float((points or {}).get(grade.name, 0.0))
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

