"""The ``grade`` command: autograde a class of submissions, record and report the grades.

SUBMISSIONS holds nbgrader's submitted layout, ``<student_id>/<assignment_id>/<notebook>.ipynb``.
Every submission gets a row, whatever it does: a notebook that is missing, is not valid JSON,
raises, or never finishes is graded zero for what failed, with a status that says why, and the
rest of the class is graded as usual.
"""

import hashlib
import queue
import shutil
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat
from tqdm import tqdm

from autograder import cluster, gradebook, inbox, report
from autograder.boundary import sandbox
from autograder.course import (DEFAULT_CALL_TIMEOUT, DEFAULT_TIMEOUT, SOURCE,
                               available_assignments, check_assignments, nbgrader_config,
                               run_nbgrader, write_nbgrader_config)
from autograder.engines import ENGINES, Job
from autograder.lateness import LatePolicy, PolicyError, parse_time
from autograder.master import master
from autograder.matching import restore
from autograder.mistakes import catalog, diagnose
from autograder.results import Judgement, Outcome, SubmissionResult
UNSAFE = ("UNSAFE: graded without a sandbox (--unsafe-no-sandbox); student code ran as the "
          "grader's user and could read and change its files")


class GradingError(ValueError):
    """The grade command was asked something it cannot do; the message says how to fix it."""


@dataclass(frozen=True)
class Settings:
    """How to grade: the engine, its time limits, and whether resubmissions replace grades.

    - engine: "boundary" (student code in a sandboxed process, tests in a clean one) or
      "nbgrader" (nbgrader's autograde: tests in the student's own kernel).
    - timeout: seconds per notebook cell; call_timeout: seconds per call into student code
      (boundary); notebook_timeout: seconds for one whole submission.
    - replace: regrade a submission that changed since it was graded (otherwise the recorded
      grade stays and the status says so).
    - sandbox: run student code in the sandbox (boundary engine); False is
      --unsafe-no-sandbox, and every status then says so.
    - late: the due date and the late policy (lateness.LatePolicy). Without a due date
      there, each assignment's comes from `gradebook`.
    - gradebook: an instructor's nbgrader gradebook.db to read due dates from; None reads the
      one beside SUBMISSIONS (nbgrader's course directory, when SUBMISSIONS is its
      `submitted` folder), if there is one.
    - cluster: the address of a Dask scheduler whose workers run the judges (boundary
      engine); None grades on this machine.
    """

    engine: str = "boundary"
    timeout: int = DEFAULT_TIMEOUT
    call_timeout: int = DEFAULT_CALL_TIMEOUT
    notebook_timeout: int = 0
    replace: bool = False
    sandbox: bool = True
    late: LatePolicy = LatePolicy()
    gradebook: Path = None
    cluster: str = None

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise GradingError(f"engine must be one of {', '.join(ENGINES)}; got {self.engine!r}")
        if not self.notebook_timeout:
            object.__setattr__(self, "notebook_timeout", 10 * self.timeout)


def grade(submissions, *, assignments=None, out="grading", settings=Settings(), workers=None,
          quiet=False):
    """Grade every student and assignment found in `submissions`.

    Inputs:
    - submissions: folder of <student_id>/<assignment_id>/<assignment_id>.ipynb.
    - assignments: assignment ids to grade; None grades every known one found in submissions.
    - out: output folder: grades.csv, cells.csv, cells.json, summary.md,
      feedback/<student>/<assignment>.html, journal/ and logs/ (boundary engine), and
      course/, the nbgrader course directory with the gradebook.
    - settings: Settings.
    - workers: submissions graded at the same time (each in its own processes); None: 1,
      or with a cluster as many as its workers have threads.
    - quiet: hide the progress bar.

    Returns:
    - results: list of SubmissionResult, one per student and assignment.
    """
    submissions, out = Path(submissions), Path(out)
    students = _students(submissions)
    assignments = _assignments(submissions, students, assignments)
    workers = _check_where(settings, workers)  # before anything is written
    policies = _late_policies(submissions, assignments, settings, quiet)
    with _warnings_logged(out / "logs" / "grade.log"):
        results = _grade_class(submissions, out, students, policies, settings, workers, quiet)
    return results


def _check_where(settings, workers):
    """Check that grading can run where it is asked to (a sandbox here, or a cluster whose
    workers run this course and can build one); return how many submissions to grade at once."""
    if settings.cluster:
        if settings.engine != "boundary":
            raise GradingError("--cluster grades with the boundary engine only")
        try:
            threads = cluster.threads(settings.cluster)
        except cluster.ClusterError as error:
            raise GradingError(str(error)) from None
        return workers or threads
    if settings.engine == "boundary" and settings.sandbox:
        try:
            sandbox.check()
        except sandbox.SandboxUnavailable as error:
            raise GradingError(str(error)) from None
    return workers or 1


def _late_policies(submissions, assignments, settings, quiet):
    """{assignment: LatePolicy}: the command line's due date, or else the gradebook's."""
    policy, instructors = settings.late, settings.gradebook
    if instructors is None and (submissions.parent / "gradebook.db").is_file():
        instructors = submissions.parent / "gradebook.db"
    due = {}
    if policy.due is None and instructors is not None:
        if not Path(instructors).is_file():
            raise GradingError(f"--gradebook {instructors}: no such file")
        try:
            due = gradebook.due_dates(instructors, assignments)
        except ValueError as error:
            raise GradingError(str(error)) from None
    if policy.charges and policy.due is None and not due:
        raise GradingError("--late-penalty, --late-cap and --cutoff need a due date: give it "
                           "with --due, or set it in nbgrader's gradebook (nbgrader db "
                           "assignment add ID --duedate=...) and name it with --gradebook")
    if not quiet:
        for assignment, moment in due.items():
            print(f"{assignment} is due {moment:%Y-%m-%d %H:%M} UTC (from {instructors})",
                  file=sys.stderr)
    return {a: policy if policy.due is not None else replace(policy, due=due.get(a))
            for a in assignments}


def _grade_class(submissions, out, students, policies, settings, workers, quiet):
    """Grade every (student, assignment) pair with `workers` at a time; write the reports."""
    assignments = list(policies)
    course = prepare_course(out / "course", assignments, settings.timeout)
    gradebook.add_students(course, students)
    for assignment, policy in policies.items():
        if policy.due is not None:
            gradebook.record_due_date(course, assignment, policy.due)
    slots = queue.Queue()
    for slot in range(workers):
        slots.put(slot)

    def grade_pair(pair):
        slot = slots.get()  # each worker's student processes run as their own user
        try:
            result = _grade_one(submissions, out.resolve(), course, *pair,
                                replace(settings, late=policies[pair[1]]), slot)
        finally:
            slots.put(slot)
        report.write_feedback(out / "feedback", result)
        report.write_nbgrader_feedback(course, result)
        return result

    pairs = [(student, assignment) for student in students for assignment in assignments]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # map keeps the class order, whatever order the submissions finish in
        results = list(tqdm(pool.map(grade_pair, pairs), total=len(pairs), desc="grading",
                            unit="notebook", disable=quiet, file=sys.stderr))

    report.write_grades_csv(out / "grades.csv", results)
    report.write_cells_csv(out / "cells.csv", results)
    report.write_cells_json(out / "cells.json", results)
    descriptions = {i: m.description for i, m in catalog().items()}
    summary = report.class_summary(results, descriptions)
    if settings.engine == "boundary" and not settings.sandbox:
        summary = f"> **{UNSAFE}.**\n\n{summary}"
    (out / "summary.md").write_text(summary)
    return results


@contextmanager
def _warnings_logged(path):
    """Warnings raised while grading (by the libraries, in every worker) go to the log at
    `path`, not to the instructor's terminal. Set once, around all the workers: Python's
    warning filters are shared by every thread."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as log, warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = (lambda message, category, filename, lineno, file=None,
                                line=None: log.write(warnings.formatwarning(
                                    message, category, filename, lineno, line)))
        yield


def _students(submissions):
    if not submissions.is_dir():
        raise GradingError(f"{submissions} is not a folder. Expected a folder of submissions "
                           "laid out as <student_id>/<assignment_id>/<assignment_id>.ipynb")
    # a student folder that is a link is listed, so that its row can say it was refused
    students = sorted(p.name for p in submissions.iterdir()
                      if (p.is_symlink() or p.is_dir()) and not p.name.startswith("."))
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
    found = {p.name for student in students if not (submissions / student).is_symlink()
             for p in (submissions / student).iterdir() if p.is_dir()}
    assignments = [a for a in available_assignments() if a in found]
    if not assignments:
        raise GradingError(f"no folder in {submissions}/<student_id>/ is named after an "
                           f"assignment; the assignments are: "
                           f"{', '.join(available_assignments())}")
    return assignments


def prepare_course(course, assignments, timeout):
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


def _file_receipt(course, student, assignment, submission):
    """Start the submission's folder in the course directory (nbgrader's submitted folder)
    with the timestamp and secret nbgrader's collect brought, where it did: the feedback is
    filed by them, so they are always the latest submission's, even when a recorded grade is
    kept or the notebook cannot be read."""
    target = course / "submitted" / student / assignment
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name, text in (("timestamp.txt", submission.timestamp),
                       ("submission_secret.txt", submission.secret)):
        if text is not None:
            (target / name).write_text(text)


def _matched(submission, assignment):
    """The submission with the nbgrader metadata its cells lost matched back by content, and
    what the status says about it: (bytes, note)."""
    matching = restore(submission.notebook, assignment)
    if matching.matched:
        return nbformat.writes(submission.notebook).encode("utf-8"), matching.note()
    return submission.content, matching.note()


def test_seed(student, assignment):
    """The hidden tests' seed offset for one submission: fresh for every student and
    assignment, the same on every rerun."""
    digest = hashlib.sha256(f"{student}/{assignment}".encode()).hexdigest()
    return int(digest[:6], 16)


def _grade_one(submissions, out, course, student, assignment, settings, slot):
    seed = test_seed(student, assignment)
    submission = inbox.read(submissions, student, assignment)
    _file_receipt(course, student, assignment, submission)
    if submission.problem is not None:
        judgement, notes = Judgement(problem=submission.problem), []
    else:
        content, matched = _matched(submission, assignment)
        job = Job(student, assignment, content, seed, course, out, slot,
                  hidden=(out, submissions.resolve()))
        judgement = ENGINES[settings.engine](job, master(assignment), settings)
        notes = [submission.note, matched, *judgement.notes]
    problem = judgement.problem
    recorded = gradebook.record_scores(course, assignment, student,
                                       None if problem else judgement.points)
    status = problem or "; ".join(["graded", *filter(None, notes)])
    if settings.engine == "boundary" and not settings.sandbox:
        status += f"; {UNSAFE}"
    cells = tuple(_cell_result(recorded[cell], judgement.outcomes, status, assignment)
                  for cell, _ in master(assignment).graded)
    submitted, late_hours, penalty, late_note = _lateness(submission, settings.late, cells,
                                                          problem)
    if late_note:
        status += f"; {late_note}"
    if penalty or late_hours:
        gradebook.record_late(course, assignment, student, submitted, penalty)
    return SubmissionResult(student, assignment, status, cells, seed, late_hours, penalty)


def _cell_result(recorded, outcomes, status, assignment):
    """A graded cell's result: its points as recorded; for a test cell, what happened in it
    (the submission's status where it was not judged) and the catalog mistakes that explain
    a loss."""
    if recorded.manual:
        return recorded
    outcome = outcomes.get(recorded.cell, Outcome("not graded", status))
    explained = ()
    if recorded.points < recorded.max_points and outcome.message:
        explained = tuple((m.id, m.diagnosis)
                          for m in diagnose(assignment, recorded.cell, outcome.message))
    return replace(recorded, status=outcome.status, message=outcome.message,
                   mistakes=explained)


def _lateness(submission, policy, cells, problem):
    """(when it was submitted, hours late, penalty, what the status says) of a submission
    under `policy`."""
    if problem is not None or (policy.due is None and not policy.charges):
        return None, 0.0, 0.0, ""
    if policy.due is None:
        return None, 0.0, 0.0, "no due date (--due, or the gradebook's): lateness not checked"
    if submission.timestamp is None:
        return None, 0.0, 0.0, "no timestamp.txt: lateness not checked"
    try:
        submitted = parse_time(submission.timestamp, "timestamp.txt")
    except PolicyError as error:
        return None, 0.0, 0.0, f"{error}: lateness not checked"
    points = sum(c.points for c in cells)
    penalty = policy.penalty(submitted, points, sum(c.max_points for c in cells))
    return submitted, policy.hours_late(submitted), penalty, policy.describe(submitted, penalty)

