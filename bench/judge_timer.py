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

_started = time.perf_counter()
from autograder.boundary import judge  # noqa: E402  (import time is one of the phases)
from autograder.boundary.remote import Student  # noqa: E402

TIMES = {"import the grader": time.perf_counter() - _started}


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


def _per_cell(owner, name, phase):
    """Time each call of owner.name(self, cell) by the cell's nbgrader grade_id."""
    method = getattr(owner, name)

    @functools.wraps(method)
    def wrapper(self, cell, *args, **kwargs):
        started = time.perf_counter()
        try:
            return method(self, cell, *args, **kwargs)
        finally:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "?")
            TIMES.setdefault(phase, {})[grade_id] = time.perf_counter() - started

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
    _timed(judge.Judge, "__init__", "judge set-up (master, sandbox)")
    _timed(Student, "start", "student process start-up")
    _timed(judge.Judge, "run_fixture", "master fixtures")
    _timed(judge.Judge, "run_test", "hidden tests")
    _timed(judge.Judge, "run", "judge run")
    _timed(judge.Judge, "close", "stop student, remove sandbox")
    _per_cell(judge.Judge, "run_test", "per test cell")  # innermost: wraps the timed one
    if hasattr(judge.Judge, "_run_cell"):  # the judge runs the notebook cell by cell
        _program_cells(judge.Judge, "_run_cell")
    started = time.perf_counter()
    code = judge.main(judge_argv)
    TIMES["judge main"] = time.perf_counter() - started
    with open(out, "w") as handle:
        json.dump(TIMES, handle)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
