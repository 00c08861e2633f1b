"""Every mistake in the catalog loses points exactly on the cells that grade what it broke."""

import pytest

from autograder import submissions
from autograder.grade import grade
from autograder.mistakes import catalog

MISTAKES = catalog()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("mistakes")
    for mistake in MISTAKES.values():
        submissions.write(mistake.apply(), root / "submissions", mistake.id, mistake.assignment)
    results = grade(root / "submissions", out=root / "grading", quiet=True)
    return {r.student: r for r in results}


def test_catalog_entries_are_complete():
    for mistake in MISTAKES.values():
        assert mistake.breaks and mistake.description and mistake.diagnosis


@pytest.mark.parametrize("mistake_id", sorted(MISTAKES))
def test_mistake_loses_points_only_where_it_should(graded, mistake_id):
    result = graded[mistake_id]
    lost = {c.cell for c in result.cells if c.points < c.max_points}
    assert lost == set(MISTAKES[mistake_id].breaks), (
        f"{mistake_id} should lose points on {MISTAKES[mistake_id].breaks}, lost {lost}: "
        + "; ".join(f"{c.cell}: {c.message}" for c in result.cells if c.points < c.max_points))
