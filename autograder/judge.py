"""Judge: read what happened in each graded cell of an autograded notebook.

nbgrader's gradebook holds the points; this module adds the why: for each test cell, whether
it passed, and the first line of teaching the student needs when it did not (the assertion
message, or the exception's name and message). Tracebacks are never passed on: they show the
hidden tests' source.
"""

import re
from dataclasses import dataclass

import nbformat

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
MAX_MESSAGE = 1200


@dataclass(frozen=True)
class Outcome:
    """What happened in one graded cell: a status word and a message for the student."""

    status: str  # passed, failed, not implemented, error, timeout, written answer
    message: str = ""


def _describe(error):
    name, value = error.get("ename", "Error"), _ANSI.sub("", error.get("evalue", "")).strip()
    if name == "AssertionError":
        return Outcome("failed", value or "a test assertion failed")
    if name == "NotImplementedError":
        return Outcome("not implemented", "this exercise still raises NotImplementedError")
    if name == "CellTimeoutError":
        return Outcome("timeout", "the cell ran past the time limit and was interrupted")
    return Outcome("error", f"{name}: {value}" if value else name)


def judge_cell(cell):
    """The Outcome of one graded cell of an executed notebook."""
    if cell.cell_type != "code":
        return Outcome("written answer", "graded by hand")
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            outcome = _describe(output)
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
