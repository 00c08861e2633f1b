"""The course's trusted implementation of each assignment, taken from its master.

Later notebooks need the code of earlier ones (04 trains networks made of the 03 layers).
Their hidden tests must not depend on a student's earlier mistakes, so they use this trusted
implementation instead, and it is not a copy: it is the master's own solution code, executed
into a module. Only instructors have it; the student bundle holds no `autograder`. When grading,
it runs in the judge's process, never the student's: student code that uses it calls back
across the boundary, so no line of it is within a student's reach.
"""

import functools
import types

from autograder.master import master


@functools.cache
def load(assignment):
    """The solution code of an assignment's master, executed into a module.

    It runs the master's `setup` cell (its imports) and then every solution code cell, in
    notebook order, with the solution markers removed.

    Returns:
    - module: e.g. load("03_vectorized_backprop").Linear.
    """
    course = master(assignment)
    module = types.ModuleType(f"reference_{assignment}",
                              f"The master solution of {assignment}, executed.")
    for source in [course.setup, *(course.solutions[a] for a in course.code_answers)]:
        exec(compile(source, f"<{assignment} master>", "exec"), module.__dict__)
    return module
