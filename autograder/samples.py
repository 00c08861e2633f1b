"""Sample submissions built from the masters: solved, blank, or solved with one mistake.

A solved submission is what a student who typed the master's solutions would hand in: the
student release, with each solution cell holding the master's solution (markers removed).
The demo, the mistake catalog and the tests build their sample classes from these, so a
change to a master is reflected in every sample submission. (Real submissions are read by
`inbox`.)
"""

import re
from pathlib import Path

import nbformat

from autograder.course import release_path
from autograder.master import ANSWER, WRITTEN, cell_id, kind, master


def blank(assignment):
    """The student release of `assignment`, as handed out: a NotebookNode."""
    return nbformat.read(release_path(assignment), as_version=4)


def solutions(assignment):
    """The master's solution of each solution cell: dict grade_id -> source."""
    return dict(master(assignment).solutions)


def pasted(assignment):
    """The master's solution code as a student would paste it into a later notebook's "bring
    your code" cell: the imports of its setup cell, then its solution code cells in order.

    A master's own "bring your code" cell loads earlier solutions with
    `autograder.reference.load`, which only instructors have; in a submission that cell holds
    the pasted code instead, so it runs wherever the student's notebook runs.
    """
    course = master(assignment)
    return "\n\n".join([course.setup, *(_brought(course.solutions[answer])
                                        for answer in course.code_answers)])


def _brought(source):
    """A solution, with any loading of earlier solutions replaced by their pasted code."""
    loaded = re.findall(r"load\(\"(\w+)\"\)", source)
    if "from autograder.reference import load" not in source or not loaded:
        return source
    return "\n\n".join(pasted(assignment) for assignment in dict.fromkeys(loaded))


def solved(assignment, replacements=None):
    """The release with every solution cell filled in from the master.

    Inputs:
    - replacements: optional dict grade_id -> source that overrides the master's solution
      of those cells (how a submission with a mistake is made).

    Returns:
    - notebook: NotebookNode.
    """
    answers = {**{cell: _brought(source) for cell, source in solutions(assignment).items()},
               **(replacements or {})}
    notebook = blank(assignment)
    for cell in notebook.cells:
        if kind(cell) in (ANSWER, WRITTEN):
            cell.source = answers[cell_id(cell)]
    return notebook


def write(notebook, folder, student, assignment):
    """Save `notebook` as folder/<student>/<assignment>/<assignment>.ipynb; return the path."""
    path = Path(folder) / student / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path
