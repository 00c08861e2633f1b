"""The engines that judge a submission, behind one interface:

    ENGINES[name](job, master, settings) -> results.Judgement

- "boundary" (the default): the student's code runs in a sandboxed process and the master's
  tests in the judge's own (autograder/boundary/). Each test cell's result is journaled as it
  is known, so a rerun reuses what is already graded and an interrupted run resumes.
  With a cluster (settings.cluster, a Dask scheduler's address) the judge process runs on a
  worker (autograder/cluster.py); the journal and everything else is still written here.
- "nbgrader": nbgrader's own autograde, the hidden tests in the student's kernel. It stays a
  grading option for a course that wants nbgrader's semantics exactly, and it is the bench's
  comparison; it is not sandboxed.

Both map an error to what the student is told with results.outcome_of_error. Each returns
points for the test cells only; the gradebook keeps written answers' grades.
"""

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import cluster, gradebook
from autograder.boundary import session
from autograder.execute import autograde
from autograder.master import TEST, cell_id, kind
from autograder.results import Judgement, Outcome, outcome_of_error

KEPT = ("resubmitted: the recorded grade is kept (grade with --replace to grade the new "
        "submission)")


@dataclass(frozen=True)
class Job:
    """One submission to judge, and where its files go.

    - student, assignment: whose and which; content: the notebook's bytes (cells matched);
    - seed: the hidden tests' seed offset;
    - course: the nbgrader course directory; out: the grading folder (journals, logs);
    - slot: the worker's number (its student processes run as their own user);
    - hidden: folders the student's process must not see.
    """

    student: str
    assignment: str
    content: bytes
    seed: int
    course: Path
    out: Path
    slot: int = 0
    hidden: tuple = ()

    @property
    def folder(self):
        """The submission's folder in the course directory (nbgrader's submitted/)."""
        return self.course / "submitted" / self.student / self.assignment

    def stage(self):
        """Write the notebook into its folder (beside the receipt grade filed there)."""
        path = self.folder / f"{self.assignment}.ipynb"
        path.write_bytes(self.content)
        return path


def boundary(job, master, settings):
    """Judge behind the process boundary, or reuse what the submission's journal recorded."""
    journal = job.out / "journal" / job.student / f"{job.assignment}.jsonl"
    previous = session.read_journal(journal)
    if previous and previous.complete:
        if previous.digest == hashlib.sha256(job.content).hexdigest():
            return previous.judgement()
        if not settings.replace:
            return previous.judgement(KEPT)
    staged = job.stage()
    autograded = job.course / "autograded" / job.student / job.assignment
    autograded.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(staged, autograded / staged.name)  # where formgrader shows written answers
    log = job.out / "logs" / job.student / f"{job.assignment}.log"
    if settings.cluster:
        return _on_cluster(job, settings, journal, log)
    journaled = session.run(staged, job.assignment, journal=journal, log=log, slot=job.slot,
                            seed=job.seed, cell_timeout=settings.timeout,
                            call_timeout=settings.call_timeout,
                            notebook_timeout=settings.notebook_timeout, hidden=job.hidden,
                            isolate=settings.sandbox)
    return journaled.judgement()


def _on_cluster(job, settings, journal, log):
    """The judge process on a cluster worker; its journal and log written here."""
    key = f"{job.student}/{job.assignment}/{hashlib.sha256(job.content).hexdigest()[:12]}"
    try:
        graded = cluster.judge(settings.cluster, cluster.Task.of(job, settings), key)
    except Exception as error:  # every try failed: the status says why, the grade is zero
        return Judgement(problem=f"not graded: the cluster task failed on every try "
                                 f"({type(error).__name__}: {str(error)[:300]})")
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(graded.journal)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(f"judged on the Dask worker {graded.worker}\n".encode() + graded.log)
    return session.read_journal(journal).judgement()


def nbgrader(job, master, settings):
    """Judge with nbgrader's autograde, then read what happened in each test cell of the
    notebook it executed."""
    job.stage()
    execution = autograde(job.course, job.assignment, job.student, timeout=settings.timeout,
                          notebook_timeout=settings.notebook_timeout, seed=job.seed)
    if not execution.ok:
        return Judgement(problem=execution.reason)
    notebook = nbformat.read(job.course / "autograded" / job.student / job.assignment /
                             f"{job.assignment}.ipynb", as_version=4)
    outcomes, timeouts = executed_outcomes(notebook)
    scores = gradebook.scores(job.course, job.assignment, job.student)
    notes = (f"timeout after {settings.timeout} s in {', '.join(timeouts)}",) if timeouts else ()
    return Judgement(outcomes, {cell: scores[cell].points for cell in outcomes}, notes)


ENGINES = {"boundary": boundary, "nbgrader": nbgrader}


# -- what happened in the cells of a notebook nbgrader executed -------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_FRAME = re.compile(r"^Cell In\[(\d+)\], line (\d+)(?:, in ([\w.<>]+))?")
_CURRENT_LINE = re.compile(r"^-+> *\d+ (.*)$", re.M)


def executed_outcomes(notebook):
    """The Outcome of every test cell of an executed notebook.

    Returns:
    - outcomes: dict grade_id -> Outcome, in notebook order.
    - timeouts: the ids (or numbers) of the cells, tests or not, that timed out.
    """
    outcomes, timeouts = {}, []
    for index, cell in enumerate(notebook.cells):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if any(o.get("ename") == "CellTimeoutError" for o in errors):
            timeouts.append(cell_id(cell) or f"cell {index + 1}")
        if kind(cell) == TEST:
            outcomes[cell_id(cell)] = executed_outcome(cell)
    return outcomes, timeouts


def executed_outcome(cell):
    """The Outcome of one executed test cell: its first error, or a write to stderr
    (nbgrader gives such a cell zero), or a pass."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            value = _ANSI.sub("", output.get("evalue", "")).strip()
            where = _student_frame(output.get("traceback", []), cell.get("execution_count"))
            return outcome_of_error(output.get("ename", "Error"), value, where)
        if output.output_type == "stream" and output.name == "stderr":
            return Outcome("error", "the cell wrote to stderr: " + output.text.strip()[:200])
    return Outcome("passed")


def _student_frame(traceback, test_cell_count):
    """Where in the student's own cells an error was raised, or None.

    Frames in the test cell itself (its source holds hidden tests) and in library files are
    skipped; the deepest frame in another notebook cell is the student's (or given) code.
    """
    found = None
    for chunk in traceback:
        text = _ANSI.sub("", chunk).strip()
        frame = _FRAME.match(text)
        if frame and int(frame.group(1)) != test_cell_count:
            code = _CURRENT_LINE.search(text)
            if code:
                where = f"in {frame.group(3)}, " if frame.group(3) else ""
                found = f"{where}line {frame.group(2)} of your cell: {code.group(1).strip()}"
    return found
