"""What each cell of a course notebook is, and each assignment's master, read once.

nbgrader keeps a cell's role in its metadata. `kind` is the one place the grader reads it, by
nbgrader's own rules (``nbgrader/utils.py``: ``is_grade``, ``is_solution``, ``is_locked``).
They are restated here rather than imported because importing nbgrader takes about a second,
once in every judge process; `tests/autograder/test_master.py` proves that the two agree on
every cell of every master and release.

A cell is one of:

- ANSWER: a solution cell, which the student fills in and the tests grade;
- WRITTEN: a solution cell that has points of its own: an answer an instructor grades by hand
  (prose, or code graded by reading it);
- TEST: a graded code cell that is not an answer (its hidden tests live only in the master);
- GIVEN: a read-only cell that is neither (the imports, a test fixture, the text);
- OTHER: anything else (a cell without nbgrader metadata, an unlocked given cell).
"""

import functools
import re
from dataclasses import dataclass
from types import MappingProxyType

import nbformat

from autograder.course import master_path

ANSWER, WRITTEN, TEST, GIVEN, OTHER = "answer", "written", "test", "given", "other"

SETUP = "setup"  # the grade_id of each master's cell of imports, which the tests run first
_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
_REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def kind(cell):
    """The role of one cell of any course notebook (a master, a release, a submission)."""
    meta = _meta(cell)
    if meta.get("solution", False):
        return WRITTEN if meta.get("grade", False) else ANSWER
    if meta.get("grade", False):
        return TEST if cell.cell_type == "code" else WRITTEN
    return GIVEN if meta.get("locked", False) else OTHER


def cell_id(cell):
    """The cell's grade_id (nbgrader's name for it), or None."""
    return _meta(cell).get("grade_id")


def points(cell):
    """The points a graded cell is worth (0 for any other cell)."""
    return float(_meta(cell).get("points", 0))


def without_markers(source):
    """A solution's source without its BEGIN/END SOLUTION lines."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in _MARKERS)


@dataclass(frozen=True)
class Master:
    """An assignment's master notebook and what its cells are.

    - assignment: its id; notebook: the parsed master (read it, never change it);
    - kinds: the kind of each cell, in notebook order.
    """

    assignment: str
    notebook: nbformat.NotebookNode
    kinds: tuple

    def _cells(self, *kinds):
        return [(cell, kind) for cell, kind in zip(self.notebook.cells, self.kinds)
                if kind in kinds]

    @property
    def graded(self):
        """Every cell that has points (tests and written answers), in notebook order: a list
        of (grade_id, points)."""
        return [(cell_id(cell), points(cell)) for cell, _ in self._cells(TEST, WRITTEN)]

    @property
    def max_score(self):
        """Full marks: the points of every graded cell, written answers included."""
        return sum(points for _, points in self.graded)

    @property
    def solutions(self):
        """The master's solution of each answer and written answer, without its markers: a
        read-only dict grade_id -> source."""
        return MappingProxyType({cell_id(cell): without_markers(cell.source)
                                 for cell, _ in self._cells(ANSWER, WRITTEN)})

    @property
    def code_answers(self):
        """The grade_ids of the solution cells that hold code, in notebook order."""
        return [cell_id(cell) for cell, _ in self._cells(ANSWER, WRITTEN)
                if cell.cell_type == "code"]

    @property
    def setup(self):
        """The source of the cell of imports that every test relies on."""
        return next(cell.source for cell in self.notebook.cells if cell_id(cell) == SETUP)

    @property
    def secret_lines(self):
        """The lines a student must never see: those that occur only inside a solution
        region, a hidden-test block or a written answer in markdown (which the release
        replaces whole), stripped of indentation. A set of str."""
        inside, outside = set(), set()
        for cell, kind in zip(self.notebook.cells, self.kinds):
            if cell.cell_type == "markdown" and kind in (ANSWER, WRITTEN):
                secret, rest = cell.source, ""
            else:
                secret = "".join(body for _, body in _REGION.findall(cell.source))
                rest = _REGION.sub("", cell.source)
            inside |= {line.strip() for line in secret.splitlines() if line.strip()}
            outside |= {line.strip() for line in rest.splitlines()}
        return inside - outside


@functools.cache
def master(assignment):
    """The Master of `assignment`, read from source/ once per process."""
    notebook = nbformat.read(master_path(assignment), as_version=4)
    return Master(assignment, notebook, tuple(kind(cell) for cell in notebook.cells))
