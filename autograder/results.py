"""The result model: what happened in a test cell (Outcome), what a graded cell scored
(CellResult), what a submission scored (SubmissionResult), and what an engine found
(Judgement).

`outcome_of_error` is the one mapping from an error to what the student is told, for both
engines. Tracebacks are never passed on: they show the hidden tests' source.
"""

from dataclasses import dataclass, field

MAX_MESSAGE = 1200  # characters of a message the feedback shows
# The status of a written answer, which an instructor grades
PENDING, BY_HAND = "pending manual grade", "graded by hand"


@dataclass(frozen=True)
class Outcome:
    """What happened in one graded cell: a status word and a message for the student."""

    status: str  # passed, failed, not implemented, error, timeout, written answer, not graded
    message: str = ""


def outcome_of_error(name, message="", where=None):
    """The Outcome of a test cell that raised the exception `name` with `message`.

    Inputs:
    - name: the exception's class name ("AssertionError", "ValueError", ...).
    - message: its message.
    - where: the line of the student's code that raised it, if known ("line 3 of your
      cell: ...").
    """
    if name == "AssertionError":
        return Outcome("failed", (message or "a test assertion failed")[:MAX_MESSAGE])
    if name == "NotImplementedError":
        return Outcome("not implemented", "this exercise still raises NotImplementedError")
    if name == "CellTimeoutError":
        return Outcome("timeout", "the cell ran past the time limit and was interrupted")
    text = f"{name}: {message}" if message else name
    if where:
        text += f"\n  raised {where}"
    return Outcome("error", text[:MAX_MESSAGE])


@dataclass(frozen=True)
class Judgement:
    """What an engine found in one submission.

    - outcomes: dict grade_id -> Outcome, for the test cells it judged;
    - points: dict grade_id -> points earned, for the same cells;
    - notes: what the status column says about the run (a timeout, a kept grade);
    - problem: why the submission could not be judged at all (None when it was).
    """

    outcomes: dict = field(default_factory=dict)
    points: dict = field(default_factory=dict)
    notes: tuple = ()
    problem: str = None


@dataclass(frozen=True)
class CellResult:
    """One graded cell of one submission: its points and what happened in it."""

    cell: str
    points: float
    max_points: float
    status: str
    message: str = ""
    mistakes: tuple = ()  # catalog mistakes that explain the failure, as (id, diagnosis)

    @property
    def manual(self):
        """Whether this is a written answer, graded by hand."""
        return self.status in (PENDING, BY_HAND)

    @property
    def pending(self):
        """Whether it is a written answer still waiting for its grade."""
        return self.status == PENDING


@dataclass(frozen=True)
class SubmissionResult:
    """One student's grade on one assignment."""

    student: str
    assignment: str
    status: str  # "graded", or why it was not run, e.g. "missing notebook"
    cells: tuple
    seed: int  # the hidden tests' seed offset (BACKPROPLAB_TEST_SEED)
    late_hours: float = 0.0  # how long after the due date it was submitted
    penalty: float = 0.0  # points the late policy took off

    @property
    def score(self):
        """The cells' points, less the late penalty."""
        return max(0.0, sum(cell.points for cell in self.cells) - self.penalty)

    @property
    def max_score(self):
        return sum(cell.max_points for cell in self.cells)
