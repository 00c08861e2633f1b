"""The boundary engine's judge, run exactly as `python -m autograder.boundary.judge` runs,
with timers around its phases: where one notebook's grading time goes.

    python -m bench.judge_timer TIMES.json ASSIGNMENT NOTEBOOK JOURNAL --log LOG ...

The judge's journal holds no timings, so the phases are measured from here by wrapping the
judge's own methods; nothing in the grader is changed. Writes TIMES.json: seconds per phase.
"""

import functools
import json
import sys
import time

from autograder.boundary import judge
from autograder.boundary.remote import Student

TIMES = {}


def _timed(owner, name, phase):
    method = getattr(owner, name)

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            TIMES[phase] = TIMES.get(phase, 0.0) + time.perf_counter() - started

    setattr(owner, name, wrapper)


def _test_cells(owner, name):
    """Time each call of owner.name(self, cell): in all, and by the cell's nbgrader grade_id."""
    method = getattr(owner, name)

    @functools.wraps(method)
    def wrapper(self, cell, *args, **kwargs):
        started = time.perf_counter()
        try:
            return method(self, cell, *args, **kwargs)
        finally:
            seconds = time.perf_counter() - started
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "?")
            TIMES["hidden tests"] = TIMES.get("hidden tests", 0.0) + seconds
            TIMES.setdefault("per test cell", {})[grade_id] = seconds

    setattr(owner, name, wrapper)


def _program_cells(owner, name):
    """Time each of the notebook's cells run in the student's process (owner.name(self,
    index)), split into the master's given cells (setup imports, fixtures: the start-up a
    kernel would have) and the student's own cells, and keep each cell's seconds."""
    method = getattr(owner, name)

    @functools.wraps(method)
    def wrapper(self, index, *args, **kwargs):
        started = time.perf_counter()
        try:
            return method(self, index, *args, **kwargs)
        finally:
            seconds = time.perf_counter() - started
            cell = self.program[index]
            phase = "student: given cells" if cell.get("fixture") else "student: code cells"
            TIMES[phase] = TIMES.get(phase, 0.0) + seconds
            TIMES.setdefault("per student cell", {})[f"{index}:{cell['label']}"] = seconds

    setattr(owner, name, wrapper)


def main(argv):
    out, judge_argv = argv[0], argv[1:]
    _timed(Student, "start", "student process start-up")
    _timed(judge.Judge, "run_fixture", "master fixtures")
    _test_cells(judge.Judge, "run_test")
    _program_cells(judge.Judge, "_run_cell")
    started = time.perf_counter()
    code = judge.main(judge_argv)
    TIMES["judge main"] = time.perf_counter() - started
    with open(out, "w") as handle:
        json.dump(TIMES, handle)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
