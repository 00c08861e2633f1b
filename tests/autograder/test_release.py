import json
import re

import nbformat
import pytest

from autograder.course import REPO, available_assignments, master_path, release_path
from autograder.master import master
from autograder.release import release

ASSIGNMENTS = available_assignments()


def _cells(path):
    return json.loads(path.read_text())["cells"]


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    folder = tmp_path_factory.mktemp("release")
    release(into=folder)
    return folder


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_is_what_nbgrader_generates(assignment, fresh_release):
    generated = fresh_release / assignment / f"{assignment}.ipynb"
    assert generated.read_text() == release_path(assignment).read_text(), (
        f"notebooks/{assignment} is stale: run `python -m autograder release {assignment}`")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_leaks_no_solution_and_no_hidden_test(assignment):
    secret = master(assignment).secret_lines
    assert secret, "the master has no solution or hidden-test lines to protect"
    released = {line.strip() for cell in _cells(release_path(assignment))
                for line in "".join(cell["source"]).splitlines()}
    assert not released & secret, f"leaked into the release: {sorted(released & secret)[:5]}"
    text = release_path(assignment).read_text()
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text


def test_written_answers_count_as_secret():
    """The leak scan covers the model answers of written questions, which are markdown."""
    for assignment in ASSIGNMENTS:
        course = master(assignment)
        for cell, kind in zip(course.notebook.cells, course.kinds):
            if cell.cell_type == "markdown" and kind == "written":
                first = next(line.strip() for line in cell.source.splitlines() if line.strip())
                assert first in course.secret_lines, (assignment, first)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_speaks_to_students_only(assignment):
    """No note addressed to instructors in a student's notebook."""
    for cell in _cells(release_path(assignment)):
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            assert not re.search(r"(?i)\bfor instructors\b|\binstructors?:|note to (the )?instructor",
                                 text), f"{assignment} {cell['id']} addresses instructors: {text[:200]}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebooks_are_committed_without_outputs(assignment):
    for path in (master_path(assignment), release_path(assignment)):
        for cell in _cells(path):
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, (
                    f"{path} has outputs: clear them before committing")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_table_matches_the_graded_cells(assignment):
    master = nbformat.read(master_path(assignment), as_version=4)
    points = {cell.metadata.nbgrader["grade_id"]: cell.metadata.nbgrader["points"]
              for cell in master.cells if cell.metadata.get("nbgrader", {}).get("grade")}
    table = {}
    for row in re.findall(r"^\|(.+)\|\s*$", master.cells[0].source, re.M):
        columns = [c.strip() for c in row.split("|")]
        names = re.findall(r"`(test_\w+|\w+_answer)`", columns[-2]) if len(columns) > 2 else []
        values = [float(v) for v in re.findall(r"[\d.]+", columns[-1])] if names else []
        table.update(zip(names, values))
        if "Total" in columns[0]:
            total = float(re.findall(r"[\d.]+", columns[-1])[0])
    assert table == points, "the points table at the top disagrees with the cells' metadata"
    assert total == sum(points.values())


def _table_rows(assignment):
    """The rows of a master's points table: (exercise column, graded cells, points)."""
    source = nbformat.read(master_path(assignment), as_version=4).cells[0].source
    for row in re.findall(r"^\|(.+)\|\s*$", source, re.M):
        columns = [c.strip() for c in row.split("|")]
        cells = re.findall(r"`(test_\w+|\w+_answer)`", columns[-2]) if len(columns) > 2 else []
        if cells:
            yield columns[0], cells, [float(v) for v in re.findall(r"[\d.]+", columns[-1])]


def _student_row(assignment):
    """The README's row for one notebook, computed from its own points table."""
    names, tested, written = [], 0.0, 0.0
    for exercise, cells, values in _table_rows(assignment):
        for cell, value in zip(cells, values):
            tested, written = (tested + value, written) if cell.startswith("test_") else (
                tested, written + value)
        if any(cell.startswith("test_") for cell in cells):
            names += re.findall(r"`([^`]+)`", exercise)
    number, title = assignment.split("_", 1)
    written_text = f"{written:g}" if written else "—"
    return (f"| {number} | {', '.join(f'`{n}`' for n in names)} | {tested:g} | {written_text} | "
            f"{tested + written:g} |")


def test_readme_lists_every_notebooks_exercises_and_points():
    """The README's student table agrees with each notebook's own table of points."""
    readme = (REPO / "README.md").read_text()
    missing = [_student_row(a) for a in ASSIGNMENTS if _student_row(a) not in readme]
    assert not missing, "update the README's table of exercises and points:\n" + "\n".join(missing)


def test_every_notebook_first_runs_the_same_install_cell():
    """Hosted Jupyter: the first code cell of every notebook installs the helper package where
    it is missing (tests/autograder/test_bundle.py runs it), and it is the same cell in each."""
    firsts = {}
    for assignment in ASSIGNMENTS:
        for path in (master_path(assignment), release_path(assignment)):
            cells = nbformat.read(path, as_version=4).cells
            firsts[path] = next(cell.source for cell in cells if cell.cell_type == "code")
    assert len(set(firsts.values())) == 1, "the notebooks' install cells differ"
    assert 'find_spec("backproplab") is None' in next(iter(firsts.values()))
