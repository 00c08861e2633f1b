"""Each notebook of the series, graded by the real grader: the master's solution gets every
autograded point, the blank release none."""

import pytest

from autograder import samples
from autograder.course import available_assignments
from autograder.grade import grade

ASSIGNMENTS = available_assignments()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("series")
    for assignment in ASSIGNMENTS:
        samples.write(samples.solved(assignment), root / "s", "solution", assignment)
        samples.write(samples.blank(assignment), root / "s", "blank", assignment)
    results = grade(root / "s", out=root / "g", workers=2, quiet=True)
    return {(r.student, r.assignment): r for r in results}


def _autograded(result):
    return [c for c in result.cells if not c.manual]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_gets_every_autograded_point(graded, assignment):
    cells = _autograded(graded["solution", assignment])
    assert cells
    lost = [f"{c.cell}: {c.message}" for c in cells if c.points < c.max_points]
    assert not lost, lost


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_gets_zero(graded, assignment):
    assert graded["blank", assignment].score == 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_written_answers_wait_for_the_instructor(graded, assignment):
    manual = [c for c in graded["solution", assignment].cells if c not in
              _autograded(graded["solution", assignment])]
    assert all(c.status == "pending manual grade" and c.points == 0 for c in manual)
