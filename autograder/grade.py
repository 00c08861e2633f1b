"""The ``grade`` command: autograde a class of submissions, record and report the grades.

SUBMISSIONS holds nbgrader's submitted layout, ``<student_id>/<assignment_id>/<notebook>.ipynb``.
Every submission gets a row, whatever it does: a notebook that is missing, is not valid JSON,
raises, or never finishes is graded zero for what failed, with a status that says why, and the
rest of the class is graded as usual.
"""

import hashlib
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from tqdm import tqdm

from autograder import judge, record, report
from autograder.course import (DEFAULT_TIMEOUT, SOURCE, available_assignments, check_assignments,
                               graded_cells, nbgrader_config, run_nbgrader,
                               write_nbgrader_config)
from autograder.execute import autograde
from autograder.mistakes import catalog
from autograder.record import CellResult, SubmissionResult


class GradingError(ValueError):
    """The grade command was asked something it cannot do; the message says how to fix it."""


def grade(submissions, *, assignments=None, out="grading", timeout=DEFAULT_TIMEOUT,
          notebook_timeout=None, workers=1, quiet=False):
    """Grade every student and assignment found in `submissions`.

    Inputs:
    - submissions: folder of <student_id>/<assignment_id>/<assignment_id>.ipynb.
    - assignments: assignment ids to grade; None grades every known one found in submissions.
    - out: output folder: grades.csv, cells.csv, cells.json, summary.md,
      feedback/<student>/<assignment>.html, and course/, the nbgrader course directory with
      the gradebook.
    - timeout: seconds per cell; notebook_timeout: seconds per notebook (default 10 x timeout).
    - workers: submissions graded at the same time (each in its own processes).
    - quiet: hide the progress bar.

    Returns:
    - results: list of SubmissionResult, one per student and assignment.
    """
    submissions, out = Path(submissions), Path(out)
    students = _students(submissions)
    assignments = _assignments(submissions, students, assignments)
    course = _prepare_course(out / "course", assignments, timeout)
    notebook_timeout = notebook_timeout or 10 * timeout

    pairs = [(student, assignment) for student in students for assignment in assignments]

    def grade_pair(pair):
        result = _grade_one(submissions, course, *pair, timeout, notebook_timeout)
        report.write_feedback(out / "feedback", result)
        return result

    with ThreadPoolExecutor(max_workers=workers) as pool:
        # map keeps the class order, whatever order the submissions finish in
        results = list(tqdm(pool.map(grade_pair, pairs), total=len(pairs), desc="grading",
                            unit="notebook", disable=quiet, file=sys.stderr))

    report.write_grades_csv(out / "grades.csv", results)
    report.write_cells_csv(out / "cells.csv", results)
    report.write_cells_json(out / "cells.json", results)
    descriptions = {i: m.description for i, m in catalog().items()}
    (out / "summary.md").write_text(report.class_summary(results, descriptions))
    return results


def _students(submissions):
    if not submissions.is_dir():
        raise GradingError(f"{submissions} is not a folder. Expected a folder of submissions "
                           "laid out as <student_id>/<assignment_id>/<assignment_id>.ipynb")
    students = sorted(p.name for p in submissions.iterdir()
                      if p.is_dir() and not p.name.startswith("."))
    if not students:
        raise GradingError(f"{submissions} holds no student folders. Expected "
                           "<student_id>/<assignment_id>/<assignment_id>.ipynb")
    return students


def _assignments(submissions, students, requested):
    if requested:
        try:
            return check_assignments(requested)
        except ValueError as error:
            raise GradingError(str(error)) from None
    found = {p.name for student in students for p in (submissions / student).iterdir()
             if p.is_dir()}
    assignments = [a for a in available_assignments() if a in found]
    if not assignments:
        raise GradingError(f"no folder in {submissions}/<student_id>/ is named after an "
                           f"assignment; the assignments are: "
                           f"{', '.join(available_assignments())}")
    return assignments


def _prepare_course(course, assignments, timeout):
    """An nbgrader course directory with fresh copies of the masters and their gradebook."""
    course.mkdir(parents=True, exist_ok=True)
    config = nbgrader_config(course.resolve(), timeout=timeout)
    write_nbgrader_config(course, config)
    for assignment in assignments:
        target = course / "source" / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(SOURCE / assignment, target)
        run_nbgrader("generate_assignment", config, assignment_id=assignment)
    return course.resolve()


def _stage(submissions, course, student, assignment):
    """Copy a submission into the course directory; return (problem, note).

    problem is why it cannot be graded (None if it can); note says what was done about
    a notebook saved under another name.
    """
    folder = submissions / student / assignment
    target = course / "submitted" / student / assignment
    if target.exists():
        shutil.rmtree(target)
    if not folder.is_dir():
        return "not submitted", ""
    expected = f"{assignment}.ipynb"
    notebooks = sorted(p.name for p in folder.glob("*.ipynb"))
    if expected in notebooks:
        name, note = expected, ""
    elif len(notebooks) == 1:
        name, note = notebooks[0], f"renamed notebook {notebooks[0]} graded as {expected}"
    elif not notebooks:
        return f"missing notebook: no {expected} in the submission", ""
    else:
        return f"missing notebook: no {expected}; found {', '.join(notebooks)}", ""
    try:
        nbformat.validate(nbformat.read(folder / name, as_version=4))
    except Exception as error:  # any unreadable file gets the same verdict
        summary = str(error).strip().splitlines()[0][:160] if str(error).strip() else ""
        return f"invalid notebook: {type(error).__name__} {summary}".strip(), ""
    target.mkdir(parents=True)
    shutil.copyfile(folder / name, target / expected)
    return None, note


def test_seed(student, assignment):
    """The hidden tests' seed offset for one submission: fresh for every student and
    assignment, the same on every rerun."""
    digest = hashlib.sha256(f"{student}/{assignment}".encode()).hexdigest()
    return int(digest[:6], 16)


def _grade_one(submissions, course, student, assignment, timeout, notebook_timeout):
    problem, note = _stage(submissions, course, student, assignment)
    outcomes = {}
    seed = test_seed(student, assignment)
    if problem is None:
        execution = autograde(course, assignment, student, timeout=timeout,
                              notebook_timeout=notebook_timeout, seed=seed)
        problem = None if execution.ok else execution.reason
    if problem is None:
        outcomes, timeouts = judge.judge(course / "autograded" / student / assignment /
                                         f"{assignment}.ipynb")
        scores = record.scores(course, assignment, student)
        status = "; ".join(filter(None, [
            "graded", note,
            f"timeout after {timeout} s in {', '.join(timeouts)}" if timeouts else ""]))
    else:
        scores = record.record_zero(course, assignment, student)
        status = problem

    cells = []
    for cell, _ in graded_cells(assignment):
        score = scores[cell]
        outcome = outcomes.get(cell, judge.Outcome("not graded", status))
        if score.manual:
            outcome = judge.Outcome("pending manual grade" if score.pending else "graded by hand")
        explained = ()
        if score.points < score.max_points and outcome.message:
            explained = tuple((m.id, m.diagnosis)
                              for m in judge.diagnose(assignment, cell, outcome.message))
        cells.append(CellResult(cell, score.points, score.max_points, outcome.status,
                                outcome.message, explained))
    return SubmissionResult(student, assignment, status, tuple(cells), seed)
