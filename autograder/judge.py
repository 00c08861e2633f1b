"""Judge: read what happened in each graded cell of an autograded notebook.

nbgrader's gradebook holds the points; this module adds the why: for each test cell, whether
it passed, and the first line of teaching the student needs when it did not (the assertion
message, or the exception's name and message). Tracebacks are never passed on: they show the
hidden tests' source.
"""

import re
from dataclasses import dataclass

import nbformat

from autograder.mistakes import catalog

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
MAX_MESSAGE = 1200


@dataclass(frozen=True)
class Outcome:
    """What happened in one graded cell: a status word and a message for the student."""

    status: str  # passed, failed, not implemented, error, timeout, written answer
    message: str = ""


_FRAME = re.compile(r"^Cell In\[(\d+)\], line (\d+)(?:, in ([\w.<>]+))?")
_CURRENT_LINE = re.compile(r"^-+> *\d+ (.*)$", re.M)


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


def _describe(error, test_cell_count):
    name, value = error.get("ename", "Error"), _ANSI.sub("", error.get("evalue", "")).strip()
    if name == "AssertionError":
        return Outcome("failed", value or "a test assertion failed")
    if name == "NotImplementedError":
        return Outcome("not implemented", "this exercise still raises NotImplementedError")
    if name == "CellTimeoutError":
        return Outcome("timeout", "the cell ran past the time limit and was interrupted")
    message = f"{name}: {value}" if value else name
    where = _student_frame(error.get("traceback", []), test_cell_count)
    return Outcome("error", f"{message}\n  raised {where}" if where else message)


def judge_cell(cell):
    """The Outcome of one graded cell of an executed notebook."""
    if cell.cell_type != "code":
        return Outcome("written answer", "graded by hand")
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            outcome = _describe(output, cell.get("execution_count"))
            return Outcome(outcome.status, outcome.message[:MAX_MESSAGE])
        if output.output_type == "stream" and output.name == "stderr":
            return Outcome("error", "the cell wrote to stderr: " + output.text.strip()[:200])
    return Outcome("passed")


def judge(path):
    """Outcomes of every graded cell of the autograded notebook at `path`.

    Returns:
    - outcomes: dict grade_id -> Outcome, in notebook order.
    - timeouts: list of ids (or indices) of any cells, graded or not, that timed out.
    """
    notebook = nbformat.read(path, as_version=4)
    outcomes, timeouts = {}, []
    for index, cell in enumerate(notebook.cells):
        meta = cell.metadata.get("nbgrader", {})
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if any(o.get("ename") == "CellTimeoutError" for o in errors):
            timeouts.append(meta.get("grade_id", f"cell {index + 1}"))
        if meta.get("grade"):
            outcomes[meta["grade_id"]] = judge_cell(cell)
    return outcomes, timeouts


def diagnose(assignment, cell, message):
    """The catalog mistakes that explain a failure of test cell `cell` with `message`.

    Returns:
    - list of Mistake (usually one; empty when no known mistake matches).
    """
    return [m for m in catalog().values()
            if m.assignment == assignment and m.explains(cell, message)]
