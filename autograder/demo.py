"""The ``demo`` command: build a sample class from the masters, grade it, check the grades.

The class: the full solution, the blank release, and one submission per demo mistake (the
solution with one class replaced by a typical wrong version). The solution must get full
marks, the blank release zero, and each wrong submission must lose points on the cells that
grade the class it broke, and only there.
"""

from pathlib import Path

from autograder import samples
from autograder.grade import grade
from autograder.mistakes import catalog
from autograder.mistakes.vectorized_backprop import DEMO

ASSIGNMENT = "03_vectorized_backprop"


def build_class(folder):
    """Write the sample class into `folder`; return dict student -> expected lost cells.

    The expected value is None for "every cell" (the blank release) and a tuple of cell ids
    otherwise (empty for the full solution).
    """
    expected = {"solution": (), "blank": None}
    samples.write(samples.solved(ASSIGNMENT), folder, "solution", ASSIGNMENT)
    samples.write(samples.blank(ASSIGNMENT), folder, "blank", ASSIGNMENT)
    mistakes = catalog()
    for mistake_id in DEMO:
        mistake = mistakes[mistake_id]
        student = f"mistake_{mistake.id}"
        samples.write(mistake.apply(), folder, student, ASSIGNMENT)
        expected[student] = mistake.breaks
    return expected


def problems(results, expected):
    """Compare graded results with expectations; return a list of problems (empty if none)."""
    found = []
    for result in results:
        lost = tuple(c.cell for c in result.cells if c.points < c.max_points and not c.manual)
        want = expected[result.student]
        if want is None and result.score != 0:
            found.append(f"{result.student}: expected 0 points, got {result.score:g}")
        elif want is not None and set(lost) != set(want):
            found.append(f"{result.student}: expected to lose points on "
                         f"{', '.join(want) or 'no cell'}, lost them on "
                         f"{', '.join(lost) or 'no cell'}")
    return found


def run(out="demo", *, quiet=False):
    """Build and grade the sample class in `out` (its submissions/ and grading/ folders, kept
    for the instructor to open); return (results, problems)."""
    root = Path(out)
    expected = build_class(root / "submissions")
    results = grade(root / "submissions", out=root / "grading", workers=2, quiet=quiet)
    return results, problems(results, expected)
