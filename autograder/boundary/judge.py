"""Judge one submission behind the boundary, in a clean grader process of its own.

Run as ``python -m autograder.boundary.judge ASSIGNMENT NOTEBOOK JOURNAL ...``: it starts the
student's process in a sandbox, has it run the submission's own code cells, then runs every
test cell of the *master* (taken by nbgrader cell id, never from the submission) here, where
the student's names are proxies. Each test cell's result is appended to JOURNAL (JSON lines)
the moment it is known, so whatever happens next, what was judged stays judged.
"""

import argparse
import ast
import contextlib
import io
import json
import os
import sys
import time
import types

# One judge process starts per student-notebook. nbformat imports jsonschema, which imports the
# optional IRI checker rfc3987_syntax if it can, and that builds a grammar for over a second. No
# notebook schema checks IRIs, so the judge declines the import (jsonschema skips the checker).
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402 (after the line above, on purpose)

from autograder.boundary import sandbox
from autograder.boundary.remote import Student, StudentDied, StudentError, StudentTimeout
from autograder.master import (ANSWER, GIVEN, SETUP, TEST, WRITTEN, cell_id, kind, master,
                               points)
from autograder.results import Outcome, outcome_of_error
from backproplab.codenames import global_names

RESTARTS = 4  # times a student process that died is started again for the remaining tests


def is_test(cell):
    """A graded code cell that is not also an answer (that one an instructor grades)."""
    return kind(cell) == TEST


def is_fixture(cell):
    """A read-only given code cell of the master (its imports and test fixtures)."""
    return kind(cell) == GIVEN and cell.cell_type == "code"


def is_code_answer(cell):
    return kind(cell) in (ANSWER, WRITTEN) and cell.cell_type == "code"


def student_program(master, submission):
    """The cells the student's process runs: the submission's code cells in its order, with
    the master's test cells left out and the master's read-only cells in their master
    version (a submission cannot edit them); read-only cells it deleted run first. Answer
    cells all run, duplicates included, as in the student's kernel: the last definition wins.

    Returns:
    - program: list of {"label", "source", "fixture"};
    - marks: dict grade_id -> how many program cells come before that test cell in the
      submission (for the test cells it kept).
    """
    tests = {cell_id(c) for c in master.cells if is_test(c)}
    fixtures = {cell_id(c): c.source for c in master.cells if is_fixture(c)}
    program, seen, marks = [], set(), {}
    for index, cell in enumerate(submission.cells):
        if cell.cell_type != "code":
            continue
        grade_id = cell_id(cell)
        if grade_id in tests or is_test(cell):
            marks.setdefault(grade_id, len(program))
            continue
        if grade_id in fixtures:
            if grade_id not in seen:
                seen.add(grade_id)
                program.append({"label": grade_id, "source": fixtures[grade_id], "fixture": True})
            continue
        program.append({"label": grade_id or f"cell {index + 1}", "source": cell.source,
                        "fixture": False})
    missing = [{"label": g, "source": s, "fixture": True} for g, s in fixtures.items()
               if g not in seen]
    return missing + program, {g: n + len(missing) for g, n in marks.items()}


_UNSET = object()
TESTS = "course_tests"  # the module name of everything the master's cells define here


def lendable(value):
    """Whether student code may be handed `value` to call back: the course's own functions,
    classes and objects (defined by the master's cells here, or the course's trusted code,
    which runs here and never crosses as code), never a library's, a module, or the grader's
    own machinery."""
    if isinstance(value, types.MethodType):
        return lendable(value.__self__)
    if isinstance(value, types.ModuleType):
        return False
    module = (value.__module__ if isinstance(value, (types.FunctionType, type))
              else type(value).__module__) or ""
    return module == TESTS or module.startswith("reference_")


def defined_names(source):
    """Names a cell binds at its top level (definitions, assignments, imports)."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        else:
            for target in ast.walk(node):
                if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store):
                    names.add(target.id)
    return names


class Timings:
    """Where a judge's time goes, recorded by the judge itself (in its journal, just before
    the line that says it is done; the bench reads it): seconds per phase, and per cell."""

    def __init__(self):
        self.started = time.perf_counter()
        self.phases = {}
        self.cells = {}  # "test cell" or "student cell" -> {label: seconds}

    @contextlib.contextmanager
    def __call__(self, phase, cell=None):
        started = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - started
            self.phases[phase] = self.phases.get(phase, 0.0) + seconds
            if cell is not None:
                self.cells.setdefault(cell[0], {})[cell[1]] = seconds

    def line(self):
        """The journal line, "judge main" being the time since the judge started."""
        return {"timings": {**self.phases, "judge main": time.perf_counter() - self.started},
                "cells": self.cells}


class Judge:
    """Runs a master's fixtures and tests against one student process."""

    def __init__(self, assignment, submission, journal, *, log, slot, cell_timeout,
                 call_timeout, notebook_timeout, hidden, isolate=True, timed=None):
        self.assignment = assignment
        self.master = master(assignment).notebook
        self.program, self.marks = student_program(self.master, submission)
        self.journal = journal
        self.notebook_timeout = notebook_timeout
        self.cell_timeout = cell_timeout
        self.box = sandbox.prepare(hidden, isolate)
        self.student = Student(self.box.command(slot), env=self.box.environment(),
                               cwd=self.box.cwd(), call_timeout=call_timeout, log=log)
        self.student.bindings = self._new_bindings
        self.student.lendable = lendable
        self.namespace = {"__name__": TESTS}
        self.grader_names = set()  # names the master's setup and fixtures define here
        self.mirror = {}  # student name -> the object last bound to it on both sides
        self.student_names = {}  # name -> "class", "function" or "value", once the cells ran
        self.in_notebook = False  # the notebook's own cells are running
        self.restarts = 0
        self.cursor = 0  # how many of the program's cells the student's process has run
        self.left_out = set()  # program indices of the cells that killed or hung the process
        self.fixture_classes = set()  # test doubles made on the student's side
        self.deadline = time.monotonic() + notebook_timeout  # for the notebook's own cells
        self.notes = []
        self.timed = timed or Timings()

    # -- the student process ----------------------------------------------------------------

    def start_student(self):
        """Start the student's process and bring it to where the judge is: run the notebook's
        cells up to the cursor, one at a time, leaving out those that killed or hung it."""
        with self.timed("student process start-up"):
            self.student.start()
        self.mirror.clear()
        self.student_names = {}
        with self._notebook_running():
            for index in range(self.cursor):
                self._run_cell(index)
        self._refresh()

    def advance(self, upto):
        """Run the notebook's cells before program index `upto`, as the student's kernel ran
        them before the test that comes next. A cell that kills the process (or hangs it past
        its limit) is left out, and the process started again without it, at most RESTARTS
        times in all; then StudentError is raised."""
        while True:
            try:
                if not self.student.alive:
                    self._count_start()
                    self.start_student()
                if self.cursor < upto:
                    self._run_cells(upto)
                self._refresh()
                return
            except (StudentDied, StudentTimeout) as error:
                self.student.stop()
                if self.restarts >= RESTARTS:
                    raise
                self.notes.append(f"{error}; the notebook ran again without that cell")

    def _run_cells(self, upto):
        """Run the program's cells up to `upto` with the notebook's own names: a test's
        bindings (the course's versions of earlier exercises) are for the tests alone, so the
        notebook's cells run the student's own code, as in their kernel, and at its speed."""
        with self._notebook_running():
            for name in self.student.request("unbind", label="the notebook's names"):
                self.mirror.pop(name, None)
            while self.cursor < upto:
                self.cursor += 1
                self._run_cell(self.cursor - 1)

    @contextlib.contextmanager
    def _notebook_running(self):
        """While the notebook's own cells run, the tests' bindings are not pushed."""
        self.in_notebook = True
        try:
            yield
        finally:
            self.in_notebook = False

    def _run_cell(self, index):
        """Run one of the program's cells, unless it was left out."""
        if index in self.left_out:
            return
        cell = self.program[index]
        left = self.deadline - time.monotonic()
        phase = "student: given cells" if cell["fixture"] else "student: code cells"
        try:
            if left <= 0:
                raise StudentTimeout(f"timeout after {self.notebook_timeout} s in the "
                                     "notebook's cells")
            with self.timed(phase, ("student cell", f"{index}:{cell['label']}")):
                status, = self.student.request("run", cells=[cell], timeout=self.cell_timeout,
                                               label=cell["label"],
                                               wait=max(1, int(min(left, self.cell_timeout))))
        except (StudentDied, StudentTimeout):
            self.left_out.add(index)
            raise
        note = _cell_note(status, self.cell_timeout)
        if note and note not in self.notes:
            self.notes.append(note)

    def _refresh(self):
        """Learn the student's names, and make the test doubles anew after a restart."""
        self.student_names = self.student.request("names", label="the notebook's names")
        for name in self.fixture_classes:
            self.namespace[name] = self.student.request("get_fixture", name=name, label=name)

    def _count_start(self):
        """Count a start of the student's process after the first; refuse past RESTARTS."""
        if self.student.process is None:
            return
        if self.restarts >= RESTARTS:
            raise StudentDied("the student's process kept dying")
        self.restarts += 1

    def _alive(self):
        """Whether the student's process runs, after starting it again if it died."""
        if self.student.alive:
            return True
        try:
            self._count_start()
            self.start_student()
            return True
        except StudentError:
            return False

    def positions(self):
        """For each fixture and test cell of the master (by grade_id), how many of the
        program's cells must have run before it: up to the last one that the master puts
        before it (its answers and given cells, wherever the submission moved them), and at
        least those before the submission's copy of a test cell (or, for a test cell it
        deleted, those before the next cell of the master it kept)."""
        first = {}
        for index, cell in enumerate(self.program):
            first.setdefault(cell["label"], index)
        kept = [first.get(cell_id(c), self.marks.get(cell_id(c))) for c in self.master.cells]
        before, upto = set(), {}
        for number, cell in enumerate(self.master.cells):
            grade_id = cell_id(cell)
            if is_fixture(cell) or is_code_answer(cell):
                before.add(grade_id)
            if is_fixture(cell) or is_test(cell):
                found = [i + 1 for i, c in enumerate(self.program) if c["label"] in before]
                here = kept[number] if is_test(cell) else None
                if here is None and is_test(cell):
                    here = next((k for k in kept[number + 1:] if k is not None),
                                len(self.program))
                upto[grade_id] = max(found + [here or 0])
        return upto

    # -- crossing the boundary --------------------------------------------------------------

    def _new_bindings(self):
        """The rebindings the tests made here since the last request (a hidden test that
        grades one exercise with the course's version of another), which the next request
        carries to the student's namespace: for the tests only, not while the notebook's own
        cells run. Returns: dict name -> value."""
        if self.in_notebook:
            return {}
        changed = {}
        for name in self.student_names:
            if name in self.grader_names or name not in self.namespace:
                continue
            current = self.namespace[name]
            if current is not self.mirror.get(name, _UNSET):
                self.mirror[name] = changed[name] = current
        return changed

    def _bind_student_names(self, code, defined=()):
        """Bind proxies for the student's classes and functions, and for the student's data
        that this code uses, except names it defines itself."""
        wanted = {name: value for name, value in self.student.request(
            "callables", label="the notebook's names").items()}
        for name in global_names(code):
            if self.student_names.get(name) == "value":
                wanted[name] = None
        for name, value in wanted.items():
            if name in self.grader_names or name in defined:
                continue
            if value is None:
                value = self.student.request("get", name=name, label=name)
            self.namespace[name] = value
            self.mirror[name] = value

    # -- running the master -----------------------------------------------------------------

    def _exec(self, cell, defined=()):
        code = compile(cell.source, f"<{cell_id(cell) or 'cell'}>", "exec")
        self.student.forget_shared()
        self.student.request("forget", label="a new cell")
        self._bind_student_names(code, defined)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(code, self.namespace)

    def run_fixture(self, cell):
        """Run a read-only given cell here too. Its functions and data stay on this side (they
        are oracles); its classes are test doubles that student code will call, so they are
        made on the student's side, from the master's code it ran there."""
        defined = defined_names(cell.source)
        try:
            self._exec(cell, defined=defined)
        except Exception:  # a demonstration inside a fixture may fail on wrong student code
            pass
        new = {name: self.namespace[name] for name in defined
               if name in self.namespace and not name.startswith("_")}
        self.grader_names |= set(new)
        for name, value in new.items():
            self.mirror.pop(name, None)
            if isinstance(value, type):
                self.fixture_classes.add(name)
                self.namespace[name] = self.student.request("get_fixture", name=name,
                                                            label=name)

    def run_test(self, cell):
        grade_id, worth = cell_id(cell), points(cell)
        if not self._alive():
            outcome = Outcome("error", "not run: the student's process kept dying")
        else:
            outcome = self._outcome(cell)
        self.record(grade_id, worth if outcome.status == "passed" else 0.0, worth, outcome)

    def _outcome(self, cell):
        try:
            self._exec(cell)
            return Outcome("passed")
        except StudentTimeout as error:
            return Outcome("timeout", str(error))
        except StudentDied as error:
            return Outcome("error", str(error))
        except StudentError as error:
            return _student_outcome(error)
        except Exception as error:  # the test's own assertion, or its own error
            return outcome_of_error(type(error).__name__, str(error))

    def record(self, grade_id, points, max_points, outcome):
        line = {"cell": grade_id, "points": points, "max_points": max_points,
                "status": outcome.status, "message": outcome.message}
        self.journal.write(json.dumps(line) + "\n")
        self.journal.flush()

    def run(self):
        """Judge the submission: the master's cells in order, each fixture and test after the
        notebook's cells that come before it. Cells after the last test (the student's and
        the given ones) cannot change a grade, and are not run."""
        exec(compile(master(self.assignment).setup, "<setup>", "exec"), self.namespace)
        self.grader_names = {n for n in self.namespace if not n.startswith("__")}
        positions = self.positions()
        finished = True  # the notebook's cells still run
        last_test = max(i for i, c in enumerate(self.master.cells) if is_test(c))
        for cell in self.master.cells[:last_test + 1]:
            grade_id = cell_id(cell)
            if grade_id == SETUP or not (is_fixture(cell) or is_test(cell)):
                continue
            if finished:
                try:
                    self.advance(positions[grade_id])
                except StudentError as error:
                    finished = False
                    self.notes.append(f"the notebook's cells did not finish: {error}")
            if is_fixture(cell) and self.student.alive:
                with self.timed("master fixtures"):
                    self.run_fixture(cell)
            elif is_test(cell):
                with self.timed("hidden tests", ("test cell", grade_id)):
                    self.run_test(cell)
        self.journal.write(json.dumps(self.timed.line()) + "\n")
        self.journal.write(json.dumps({"done": True, "notes": self.notes}) + "\n")
        self.journal.flush()

    def close(self):
        self.student.stop()
        self.box.remove()


# cell errors worth a note in the status: a limit reached, or an exit
LIMIT_ERRORS = ("MemoryError", "SystemExit", "BlockingIOError", "OSError: [Errno 27]")


def _cell_note(status, cell_timeout):
    """What the status column says about one of the notebook's cells, or "" (errors in
    exercises show up in their tests; running into a limit is said once, here)."""
    if status["status"] == "timeout":
        return f"timeout after {cell_timeout} s in {status['label']}"
    if status["status"] == "error" and status["error"].startswith(LIMIT_ERRORS):
        return f"{status['error'][:120]} in {status['label']}"
    return ""


def _student_outcome(error):
    """An error raised in the student's process, under its own class name."""
    return outcome_of_error(type(error).__name__, str(error), error.where)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("assignment")
    parser.add_argument("notebook")
    parser.add_argument("journal")
    parser.add_argument("--log", required=True)
    parser.add_argument("--slot", type=int, default=0)
    parser.add_argument("--cell-timeout", type=int, default=60)
    parser.add_argument("--call-timeout", type=int, default=10)
    parser.add_argument("--notebook-timeout", type=int, default=600)
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("--unsafe-no-sandbox", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    timed = Timings()
    submission = nbformat.read(args.notebook, as_version=4)
    with open(args.journal, "a") as journal, open(args.log, "ab") as log:
        judge = Judge(args.assignment, submission, journal, log=log, slot=args.slot,
                      cell_timeout=args.cell_timeout, call_timeout=args.call_timeout,
                      notebook_timeout=args.notebook_timeout, hidden=args.hide,
                      isolate=not args.unsafe_no_sandbox, timed=timed)
        try:
            judge.run()
        finally:
            judge.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
