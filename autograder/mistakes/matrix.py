"""The mistake matrix: every catalog mistake graded by the real grader, against every test cell.

A mistake is caught when its submission loses points on exactly the cells it should break
(no more, no fewer) and the feedback of each of those cells carries its diagnosis.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder import samples
from autograder.grade import grade
from autograder.mistakes import catalog

LOST, MISSED, COLLATERAL, KEPT = "●", "○", "✗", "·"


@dataclass(frozen=True)
class Detection:
    """How the grader did on one mistake."""

    mistake: object
    result: object

    @property
    def cells(self):
        """The autograded cells (written answers wait for the instructor)."""
        return [c for c in self.result.cells if not c.manual]

    @property
    def lost(self):
        return {c.cell for c in self.cells if c.points < c.max_points}

    @property
    def diagnosed(self):
        return all(any(i == self.mistake.id for i, _ in c.mistakes)
                   for c in self.result.cells if c.cell in self.mistake.breaks)

    @property
    def caught(self):
        return self.lost == set(self.mistake.breaks) and self.diagnosed


def grade_catalog(out=None, *, quiet=True):
    """Grade one submission per catalog mistake; return a list of Detection, catalog order.

    Inputs:
    - out: folder for the submissions and grades; None uses a temporary folder.
    """
    mistakes = catalog()
    with tempfile.TemporaryDirectory(prefix="backproplab-mistakes-") as scratch:
        root = Path(out) if out else Path(scratch)
        for mistake in mistakes.values():
            samples.write(mistake.apply(), root / "submissions", mistake.id,
                              mistake.assignment)
        results = {r.student: r for r in grade(root / "submissions", out=root / "grading",
                                               workers=2, quiet=quiet)
                   if r.student in mistakes and r.assignment == mistakes[r.student].assignment}
    return [Detection(m, results[m.id]) for m in mistakes.values()]


def summary(verdicts):
    """One line: how many mistakes were caught."""
    caught = sum(v.caught for v in verdicts)
    return (f"{caught} of {len(verdicts)} catalog mistakes caught: points lost on exactly "
            f"the right cells, with the diagnosis in the feedback")


def matrix(verdicts):
    """The matrix as text: per assignment, a row per mistake and a column per test cell."""
    lines = []
    for assignment in dict.fromkeys(v.mistake.assignment for v in verdicts):
        rows = [v for v in verdicts if v.mistake.assignment == assignment]
        cells = [c.cell for c in rows[0].cells]
        width = max(len(v.mistake.id) for v in rows)
        lines += [f"{assignment}: {len(rows)} mistakes × {len(cells)} graded cells", ""]
        lines += [f"  {i + 1:>2} {cell}" for i, cell in enumerate(cells)]
        numbers = " ".join(f"{i + 1:>2}" for i in range(len(cells)))
        lines += ["", f"{'':<{width}}  {numbers}  diagnosis  caught"]
        for v in rows:
            marks = " ".join(f"{_mark(cell, v):>2}" for cell in cells)
            lines.append(f"{v.mistake.id:<{width}}  {marks}  "
                         f"{'yes' if v.diagnosed else 'NO':<9}  {'yes' if v.caught else 'NO'}")
        lines.append("")
    lines += [f"{LOST} lost points, as it should   {MISSED} should have lost points   "
              f"{COLLATERAL} lost points it should not   {KEPT} kept its points", "",
              summary(verdicts)]
    return "\n".join(lines)


def _mark(cell, verdict):
    expected, lost = cell in verdict.mistake.breaks, cell in verdict.lost
    return {(True, True): LOST, (True, False): MISSED, (False, True): COLLATERAL,
            (False, False): KEPT}[expected, lost]
