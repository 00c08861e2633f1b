"""Submission notebooks built from the masters: solved, blank, or solved with one mistake.

A solved submission is what a student who typed the master's solutions would hand in: the
student release, with each solution cell holding the master's solution (markers removed).
The demo and the tests build their sample classes from these, so a change to a master is
reflected in every sample submission.
"""

from pathlib import Path

import nbformat

from autograder.course import master_path, release_path

_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def _is_solution(cell):
    return cell.metadata.get("nbgrader", {}).get("solution", False)


def _without_markers(source):
    return "\n".join(line for line in source.splitlines() if line.strip() not in _MARKERS)


def blank(assignment):
    """The student release of `assignment`, as handed out: a NotebookNode."""
    return nbformat.read(release_path(assignment), as_version=4)


def solutions(assignment):
    """The master's solution of each solution cell: dict grade_id -> source."""
    master = nbformat.read(master_path(assignment), as_version=4)
    return {cell.metadata.nbgrader["grade_id"]: _without_markers(cell.source)
            for cell in master.cells if _is_solution(cell)}


def solved(assignment, replacements=None):
    """The release with every solution cell filled in from the master.

    Inputs:
    - replacements: optional dict grade_id -> source that overrides the master's solution
      of those cells (how a submission with a mistake is made).

    Returns:
    - notebook: NotebookNode.
    """
    answers = {**solutions(assignment), **(replacements or {})}
    notebook = blank(assignment)
    for cell in notebook.cells:
        if _is_solution(cell):
            cell.source = answers[cell.metadata.nbgrader["grade_id"]]
    return notebook


def write(notebook, folder, student, assignment):
    """Save `notebook` as folder/<student>/<assignment>/<assignment>.ipynb; return the path."""
    path = Path(folder) / student / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path
