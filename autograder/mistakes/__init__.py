"""A catalog of realistic mistakes: wrong versions of the graded exercises.

Each entry changes one piece of a master's solution, the way a student gets it wrong, and names
the test cells that must catch it. The demo grades a few of them; the test suite grades them
all and checks that each loses points on exactly those cells.
"""

import re
from dataclasses import dataclass

from autograder import samples


@dataclass(frozen=True)
class Mistake:
    """One wrong implementation, written as a replacement inside a master's solution cell.

    - id: short unique name; assignment and cell: where it goes (a solution cell's grade_id).
    - find, replace: the exact solution text to change (it must occur once) and its wrong
      version.
    - breaks: the test cells that must lose points, and no others.
    - description: the mistake in a line; diagnosis: what the student should be told.
    - symptom: a regular expression that the failure message of a broken cell matches when
      this is the mistake; the grader then adds the diagnosis to that cell's feedback.
    """

    id: str
    assignment: str
    cell: str
    find: str
    replace: str
    breaks: tuple
    description: str
    diagnosis: str
    symptom: str = ""

    def explains(self, cell, message):
        """Whether this mistake explains a failure of test cell `cell` with `message`."""
        return bool(self.symptom) and cell in self.breaks and re.search(self.symptom, message)

    def apply(self):
        """The solved submission with this mistake in it: a NotebookNode."""
        source = samples.solutions(self.assignment)[self.cell]
        count = source.count(self.find)
        if count != 1:
            raise ValueError(f"mistake {self.id}: {self.find!r} occurs {count} times in the "
                             f"solution of {self.cell}; it must occur exactly once")
        return samples.solved(self.assignment,
                                  {self.cell: source.replace(self.find, self.replace)})


def catalog():
    """Every mistake of every assignment, in course order: a dict id -> Mistake."""
    from autograder.mistakes import (autograd, derivations, hyperparameters, mlp,
                                     single_neuron, vectorized_backprop)

    entries = [*derivations.MISTAKES, *single_neuron.MISTAKES, *vectorized_backprop.MISTAKES,
               *mlp.MISTAKES, *hyperparameters.MISTAKES, *autograd.MISTAKES]
    by_id = {m.id: m for m in entries}
    if len(by_id) != len(entries):
        raise ValueError("mistake ids must be unique")
    return by_id


def diagnose(assignment, cell, message):
    """The catalog mistakes that explain a failure of test cell `cell` with `message`.

    Returns:
    - list of Mistake (usually one; empty when no known mistake matches).
    """
    return [m for m in catalog().values()
            if m.assignment == assignment and m.explains(cell, message)]
