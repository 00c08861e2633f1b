"""The hidden tests, tested: every catalog mistake is caught on exactly the right cells, and
its feedback carries the catalog's diagnosis (and no other)."""

import pytest

from autograder import samples
from autograder.course import REPO
from autograder.grade import Settings, grade
from autograder.mistakes import catalog, matrix

MISTAKES = catalog()


@pytest.fixture(scope="module")
def verdicts():
    return {v.mistake.id: v for v in matrix.grade_catalog()}


def test_catalog_entries_are_complete():
    for mistake in MISTAKES.values():
        assert mistake.breaks and mistake.description and mistake.diagnosis and mistake.symptom


@pytest.mark.parametrize("mistake_id", sorted(MISTAKES))
def test_mistake_loses_points_only_where_it_should(verdicts, mistake_id):
    verdict = verdicts[mistake_id]
    messages = "; ".join(f"{c.cell}: {c.message}" for c in verdict.cells
                         if c.points < c.max_points)
    assert verdict.lost == set(verdict.mistake.breaks), messages


@pytest.mark.parametrize("mistake_id", sorted(MISTAKES))
def test_feedback_carries_the_diagnosis_and_no_other(verdicts, mistake_id):
    verdict = verdicts[mistake_id]
    assert verdict.diagnosed
    named = {i for c in verdict.result.cells for i, _ in c.mistakes}
    assert named == {mistake_id}


def test_readme_shows_the_measured_summary(verdicts):
    readme = (REPO / "README.md").read_text()
    assert matrix.summary(list(verdicts.values())) in readme, (
        "update the README with the summary line of `python -m autograder mistakes`")


def test_every_mistake_at_once_grades_cleanly(tmp_path):
    """A submission with every exercise wrong (one catalog mistake per solution cell) is
    graded, and loses points on every cell that one of its mistakes breaks."""
    chosen = {}
    for mistake in MISTAKES.values():
        chosen.setdefault(mistake.assignment, {}).setdefault(mistake.cell, mistake)
    for assignment, by_cell in chosen.items():
        answers = samples.solutions(assignment)
        wrong = {cell: answers[cell].replace(m.find, m.replace) for cell, m in by_cell.items()}
        samples.write(samples.solved(assignment, wrong), tmp_path / "s", "all_wrong",
                          assignment)
    for result in grade(tmp_path / "s", out=tmp_path / "g", quiet=True):
        assert result.status == "graded"
        lost = {c.cell for c in result.cells if c.points < c.max_points and not c.manual}
        expected = {cell for m in chosen[result.assignment].values() for cell in m.breaks}
        assert expected <= lost, f"not caught: {expected - lost}"


def test_slow_but_correct_keeps_its_points(tmp_path):
    slow = samples.solutions("03_vectorized_backprop")["relu"].replace(
        "self.mask = x > 0", "import time\n        time.sleep(0.05)\n        self.mask = x > 0")
    assert slow != samples.solutions("03_vectorized_backprop")["relu"]
    samples.write(samples.solved("03_vectorized_backprop", {"relu": slow}),
                      tmp_path / "s", "slow", "03_vectorized_backprop")
    result, = grade(tmp_path / "s", out=tmp_path / "g", settings=Settings(timeout=30), quiet=True)
    assert result.score == result.max_score
