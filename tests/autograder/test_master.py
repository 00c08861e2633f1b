"""The master model: cell kinds by nbgrader's rules, and what a master holds."""

import itertools

import nbformat
import pytest
from nbgrader import utils as nbgrader_utils

from autograder.course import available_assignments, master_path, release_path
from autograder.master import (ANSWER, GIVEN, OTHER, SETUP, TEST, WRITTEN, kind, master,
                               without_markers)

ASSIGNMENTS = available_assignments()


def _nbgrader_kind(cell):
    """The kind nbgrader's own helpers give a cell."""
    if nbgrader_utils.is_solution(cell):
        return WRITTEN if nbgrader_utils.is_grade(cell) else ANSWER
    if nbgrader_utils.is_grade(cell):
        return TEST if cell.cell_type == "code" else WRITTEN
    return GIVEN if nbgrader_utils.is_locked(cell) else OTHER


def _cell(cell_type, **flags):
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = make("x = 1")
    if flags:
        cell.metadata["nbgrader"] = {"grade_id": "c", "points": 1, **flags}
    return cell


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_kinds_agree_with_nbgrader_on_every_cell_of_the_course(assignment):
    for path in (master_path(assignment), release_path(assignment)):
        for cell in nbformat.read(path, as_version=4).cells:
            assert kind(cell) == _nbgrader_kind(cell), (path, cell.get("id"))


def test_kinds_agree_with_nbgrader_on_every_combination_of_flags():
    for cell_type, solution, grade, locked in itertools.product(
            ("code", "markdown"), (False, True), (False, True), (False, True)):
        cell = _cell(cell_type, solution=solution, grade=grade, locked=locked)
        assert kind(cell) == _nbgrader_kind(cell), (cell_type, solution, grade, locked)
    assert kind(_cell("code")) == OTHER  # no nbgrader metadata at all


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_master_knows_its_graded_cells_solutions_and_setup(assignment):
    course = master(assignment)
    notebook = nbformat.read(master_path(assignment), as_version=4)
    graded = [(c.metadata.nbgrader["grade_id"], float(c.metadata.nbgrader["points"]))
              for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert course.graded == graded
    for grade_id, source in course.solutions.items():
        assert "### BEGIN SOLUTION" not in source and source.strip(), grade_id
    assert set(course.code_answers) <= set(course.solutions)
    assert "import" in course.setup
    assert master(assignment) is course  # read once


def test_solutions_are_read_only():
    with pytest.raises(TypeError):
        master(ASSIGNMENTS[0]).solutions["x"] = "changed"


def test_markers_go_and_the_code_between_them_stays():
    source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"
    assert without_markers(source) == "def f():\n    return 1"


def test_every_master_has_a_setup_cell_of_imports():
    for assignment in ASSIGNMENTS:
        cells = master(assignment).notebook.cells
        assert sum(c.metadata.get("nbgrader", {}).get("grade_id") == SETUP for c in cells) == 1
