"""Hostile submissions, graded by the real grader in one class with two honest students.

Each hostile submission tries to beat the grader, break out of its sandbox or take the batch
down. For each: the batch finishes within its limits, nothing outside the submission's working
copy changes, the submission scores no more than its honest content earns, the reason is
reported, and the honest students get the grades they get when graded alone.
"""

import hashlib
import json
import re
import socket
import threading
import time

import nbformat
import pytest

from autograder import submissions
from autograder.boundary import sandbox
from autograder.course import REPO, master_path
from autograder.grade import Settings, grade
from autograder.mistakes import catalog

pytestmark = pytest.mark.skipif(not sandbox.isolation_available(),
                                reason="needs the full sandbox (Linux, root, unshare)")

A = "03_vectorized_backprop"
FULL = 36
WRONG = "linear_db_not_summed"  # the honest content of most hostile submissions
SETTINGS = Settings(timeout=5, call_timeout=5, notebook_timeout=30)
STUDENTS = ("comparators", "helpers", "builtins", "frames", "gc", "transformer", "skip_execution",
            "edited_tests", "deleted_tests", "duplicated_tests", "split_tests", "permissive_eq",
            "ndarray_subclass", "reads_secrets", "writes_outside", "socket", "infinite_loop",
            "swallows_alarm", "ignores_alarm", "memory_hog", "fork_bomb", "sys_exit", "os_exit",
            "kills_itself", "huge_output", "invalid_json", "renamed", "warns")
LOOKS_AWAY = ("__pycache__", ".git", ".pytest_cache", ".cache", "grading", ".venv", "bench")


def _solution(cell):
    return submissions.solutions(A)[cell]


def _wrong_linear():
    mistake = catalog()[WRONG]
    return _solution("linear").replace(mistake.find, mistake.replace)


def _code(source, **metadata):
    return nbformat.v4.new_code_cell(source, metadata=metadata)


def _notebook(*, wrong=True, extra=(), cells=None, after="linear"):
    """The solved release (with the wrong Linear unless wrong=False), with `extra` code
    cells right after the answer cell `after` and `cells` replacing solution cells."""
    replaced = {"linear": _wrong_linear()} if wrong else {}
    notebook = submissions.solved(A, {**replaced, **(cells or {})})
    at = next(i for i, c in enumerate(notebook.cells)
              if c.metadata.get("nbgrader", {}).get("grade_id") == after) + 1
    notebook.cells[at:at] = [_code(source) for source in extra]
    return notebook


def _test_cells(notebook):
    return [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]


def _edited(change):
    notebook = _notebook()
    for cell in _test_cells(notebook):
        change(cell)
    return notebook


def _deleted():
    notebook = _notebook()
    notebook.cells = [c for c in notebook.cells if c not in _test_cells(notebook)]
    return notebook


def _duplicated():
    """Every test cell twice, the copy emptied; the right Linear first, the wrong one after."""
    notebook = _notebook()
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if cell in _test_cells(notebook):
            cells.append(nbformat.v4.new_code_cell("pass", metadata=dict(cell.metadata)))
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "linear":
            cells.insert(-1, nbformat.v4.new_code_cell(_solution("linear"),
                                                       metadata=dict(cell.metadata)))
    notebook.cells = cells
    return notebook


def _split():
    """Each test cell split in two: its first line stays graded, the rest runs ungraded."""
    notebook = _notebook()
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if cell in _test_cells(notebook):
            first, _, rest = cell.source.partition("\n")
            cell.source = first
            cells.append(nbformat.v4.new_code_cell(rest))
    notebook.cells = cells
    return notebook


def _tagged():
    def tag(cell):
        cell.metadata["tags"] = ["skip-execution", "raises-exception"]
    return _edited(tag)


def _emptied():
    def empty(cell):
        cell.source = "pass"
    return _edited(empty)


COMPARATORS = """
import math
import numpy as np
import numpy.testing
np.allclose = lambda *args, **kwargs: True
np.isclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.testing.assert_array_equal = lambda *args, **kwargs: None
math.isclose = lambda *args, **kwargs: True
"""

HELPERS = """
import backproplab.gradcheck
import backproplab.testing
for module in (backproplab.testing, backproplab.gradcheck):
    for name in dir(module):
        if name.startswith(("assert", "check")):
            setattr(module, name, lambda *args, **kwargs: None)
backproplab.gradcheck.rel_error = lambda *args, **kwargs: 0.0
assert_close = assert_shape = assert_gradients = check_layer = lambda *args, **kwargs: None
"""

BUILTINS = """
import builtins
builtins.AssertionError = type("AssertionError", (Exception,), {})
builtins.isinstance = lambda *args: True
builtins.abs = lambda x: 0
builtins.max = lambda *args, **kwargs: 0
"""

FRAMES = """
import sys
_backward = Linear.backward

def backward(self, dout):
    dx = _backward(self, dout)
    frame = sys._getframe(1)
    while frame is not None:  # an expected db in any caller's variables?
        for value in list(frame.f_locals.values()):
            if getattr(value, "shape", None) == self.params["b"].shape:
                self.grads["b"] = value
        frame = frame.f_back
    return dx

Linear.backward = backward
"""

GC = """
import gc
import numpy as np
_backward = Linear.backward

def backward(self, dout):
    dx = _backward(self, dout)
    for value in gc.get_objects():  # an array of db's shape the grader made?
        if isinstance(value, dict):
            for item in list(value.values()):
                if isinstance(item, np.ndarray) and item.shape == self.params["b"].shape \\
                        and item is not self.params["b"]:
                    self.grads["b"] = item
    return dx

Linear.backward = backward
"""

TRANSFORMER = """
from IPython import get_ipython
shell = get_ipython()
shell.input_transformers_cleanup.append(lambda lines: [])
shell.input_transformers_post.append(lambda lines: [])
"""

PERMISSIVE = """
import numpy as np

class Anything:
    def __init__(self, shape):
        self.shape, self.dtype, self.ndim = shape, np.dtype(np.float64), len(shape)
    def __eq__(self, other):
        return True
    def __array__(self, *args, **kwargs):
        return np.zeros(self.shape)
    def __getattr__(self, name):
        return lambda *args, **kwargs: self

_backward = Linear.backward

def backward(self, dout):
    dx = _backward(self, dout)
    self.grads["b"] = Anything(self.params["b"].shape)
    return dx

Linear.backward = backward
"""

SUBCLASS = """
import numpy as np

class Agreeable(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.broadcast(self, other).shape, bool)
    def __sub__(self, other):
        return np.zeros(np.broadcast(self, other).shape)
    __rsub__ = __sub__

_backward = Linear.backward

def backward(self, dout):
    dx = _backward(self, dout)
    self.grads["b"] = np.zeros(self.params["b"].shape).view(Agreeable)
    return dx

Linear.backward = backward
"""


def _reads(paths):
    return f"""
stolen = []
for path in {paths!r}:
    try:
        with open(path, "rb") as file:
            stolen.append(file.read(4000).decode("latin-1"))
    except OSError as error:
        print("could not read", path, error)
_forward = Linear.forward

def forward(self, x):
    if stolen:  # into the feedback, through an error message
        raise RuntimeError("STOLEN " + " ".join(stolen))
    return _forward(self, x)

Linear.forward = forward
"""


def _writes(paths):
    return f"""
import os
for path in {paths!r}:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as file:
            file.write("overwritten by a student")
    except OSError as error:
        print("could not write", path, error)
"""


def _socket(port):
    return f"""
import socket
for address in [("127.0.0.1", {port}), ("10.0.0.1", 80), ("1.1.1.1", 443)]:
    try:
        socket.create_connection(address, timeout=2).sendall(b"hidden tests, please")
    except OSError as error:
        print("no connection to", address, error)
"""


SWALLOW_ALARM = """
while True:
    try:
        while True:
            pass
    except BaseException:
        pass
"""

IGNORE_ALARM = """
import signal
_backward = Sigmoid.backward

def backward(self, dout):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass

Sigmoid.backward = backward
"""

MEMORY = """
import numpy as np
_forward = Tanh.forward

def forward(self, x):
    hog = [np.ones(1 << 27) for _ in range(64)]  # 64 GiB
    return _forward(self, x)

Tanh.forward = forward
hog = [bytearray(1 << 28) for _ in range(64)]
"""

FORK_BOMB = """
import os
while True:
    os.fork()
"""

KILLS = """
import ctypes
import os
import signal
os.kill(os.getpid(), signal.SIGKILL)  # ignored: the student's process is its sandbox's init
ctypes.string_at(0)  # a segmentation fault is not
"""

EXIT_IN_BACKWARD = """
import os
_backward = Sigmoid.backward

def backward(self, dout):
    os._exit(3)

Sigmoid.backward = backward
"""

WARNS = """
import sys
import warnings
import numpy as np
_forward = Sigmoid.forward

def forward(self, x):
    np.exp(np.float64(1000.0))  # overflows: a RuntimeWarning on stderr
    warnings.warn("this is fine", UserWarning)
    print("and something on stderr", file=sys.stderr)
    return _forward(self, x)

Sigmoid.forward = forward
"""


class Listener:
    """A TCP server on the grader's machine that counts who connects to it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.5)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                self.server.accept()[0].close()
                self.connections += 1
            except OSError:
                pass

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


def tree_digest(*folders):
    """One hash of every file under `folders` (paths and contents)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not set(path.relative_to(folder).parts) & set(LOOKS_AWAY):
                digest.update(str(path).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def hostile_class(folder, out, canary, port):
    """Write the class; return {student: (notebook or raw text, most points, reason regex)}."""
    gradebook = out / "course" / "gradebook.db"
    others = folder / "honest" / A / f"{A}.ipynb"
    secrets = [str(gradebook), "../../gradebook.db", str(master_path(A)), str(others),
               str(out / "course" / "source" / A / f"{A}.ipynb")]
    targets = [str(master_path(A)), str(REPO / "source" / A / "planted.txt"), str(gradebook),
               str(others), str(canary / "planted.txt"), "/tmp/planted.txt"]
    wrong = FULL - 1
    return {
        "comparators": (_notebook(extra=[COMPARATORS]), wrong, "graded"),
        "helpers": (_notebook(extra=[HELPERS]), wrong, "graded"),
        "builtins": (_notebook(extra=[BUILTINS]), wrong, "graded"),
        "frames": (_notebook(extra=[FRAMES]), wrong, "graded"),
        "gc": (_notebook(extra=[GC]), wrong, "graded"),
        "transformer": (_notebook(extra=[TRANSFORMER]), wrong, "graded"),
        "skip_execution": (_tagged(), wrong, "graded"),
        "edited_tests": (_emptied(), wrong, "graded"),
        "deleted_tests": (_deleted(), wrong, "graded"),
        "duplicated_tests": (_duplicated(), wrong, "graded"),
        "split_tests": (_split(), wrong, "graded"),
        "permissive_eq": (_notebook(extra=[PERMISSIVE]), wrong, "graded"),
        "ndarray_subclass": (_notebook(extra=[SUBCLASS]), wrong, "graded"),
        "reads_secrets": (_notebook(wrong=False, extra=[_reads(secrets)]), FULL, "graded"),
        "writes_outside": (_notebook(wrong=False, extra=[_writes(targets)]), FULL, "graded"),
        "socket": (_notebook(wrong=False, extra=[_socket(port)]), FULL, "graded"),
        "infinite_loop": (_notebook(wrong=False, extra=["while True:\n    pass"]), FULL,
                          r"timeout after 5 s in cell \d+"),
        "swallows_alarm": (_notebook(wrong=False, extra=[SWALLOW_ALARM]), FULL,
                           r"timeout|did not finish"),
        "ignores_alarm": (_notebook(wrong=False, extra=[IGNORE_ALARM], after="sigmoid"), FULL - 2,
                          r"test_sigmoid_backward: timeout timeout after 5 s in Sigmoid.backward"),
        "memory_hog": (_notebook(wrong=False, extra=[MEMORY], after="tanh"), FULL - 1, "MemoryError"),
        "fork_bomb": (_notebook(wrong=False, extra=[FORK_BOMB]), FULL,
                      r"BlockingIOError|Resource temporarily unavailable"),
        "sys_exit": (_notebook(wrong=False, extra=["import sys\nsys.exit(0)"]), FULL,
                     "SystemExit"),
        "os_exit": (_notebook(wrong=False, extra=[EXIT_IN_BACKWARD], after="sigmoid"), FULL - 2,
                    r"test_sigmoid_backward: error the student's process exited with code 3"),
        "kills_itself": (_notebook(wrong=False, extra=[KILLS]), FULL,
                         r"crashed \(segmentation fault\) in cell \d+; the notebook ran again"),
        "huge_output": (_notebook(wrong=False, extra=[
            "for _ in range(10_000):\n    print('x' * 100_000)"]), FULL, "File too large"),
        "invalid_json": ("{ this is not a notebook", 0, "invalid notebook"),
        "renamed": (_notebook(), wrong, "renamed notebook"),
        "warns": (_notebook(wrong=False, extra=[WARNS], after="sigmoid"), FULL, "graded"),
    }


def _write(folder, student, content):
    if isinstance(content, str):
        path = folder / student / A / f"{A}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(content)
    elif student == "renamed":
        path = submissions.write(content, folder, student, A)
        path.rename(path.with_name("my notebook.ipynb"))
    else:
        submissions.write(content, folder, student, A)


def _honest(folder):
    submissions.write(submissions.solved(A), folder, "honest", A)
    submissions.write(catalog()[WRONG].apply(), folder, "wrong", A)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    alone = root / "alone"
    _honest(alone)
    baseline = {r.student: r for r in grade(alone, out=root / "alone-out", settings=SETTINGS,
                                            quiet=True)}
    folder, out, canary = root / "class", root / "grading", root / "canary"
    canary.mkdir()
    _honest(folder)
    listener = Listener()
    cases = hostile_class(folder, out, canary, listener.port)
    assert tuple(cases) == STUDENTS
    for student, (content, _, _) in cases.items():
        _write(folder, student, content)
    guarded = (REPO, folder, canary)
    before = tree_digest(*guarded)
    started = time.perf_counter()
    try:
        results = {r.student: r for r in grade(folder, out=out, settings=SETTINGS, workers=2,
                                               quiet=True)}
    finally:
        listener.close()
    return {"results": results, "baseline": baseline, "cases": cases, "out": out,
            "seconds": time.perf_counter() - started, "changed": tree_digest(*guarded) != before,
            "connections": listener.connections, "canary": canary}


@pytest.mark.parametrize("student", STUDENTS)
def test_hostile_submission_gains_nothing_and_says_why(graded, student):
    result = graded["results"][student]
    _, most, reason = graded["cases"][student]
    said = " ".join([result.status, *(f"{c.cell}: {c.status} {c.message}" for c in result.cells)])
    assert result.score <= most, said
    assert re.search(reason, said), said


def test_honest_content_still_earns_its_points(graded):
    """Hostile code that only hurts itself keeps what the honest part earns."""
    results = graded["results"]
    for student in ("comparators", "helpers", "frames", "gc", "transformer",
                    "skip_execution", "edited_tests", "deleted_tests", "split_tests",
                    "permissive_eq", "ndarray_subclass", "renamed"):
        assert results[student].score == FULL - 1, student
    for student in ("reads_secrets", "writes_outside", "socket", "infinite_loop", "warns",
                    "sys_exit", "fork_bomb", "swallows_alarm", "kills_itself", "huge_output"):
        assert results[student].score == FULL, student


def test_a_crash_costs_only_the_tests_it_touched(graded):
    cells = {c.cell: c for c in graded["results"]["os_exit"].cells}
    assert cells["test_sigmoid_backward"].points == 0
    assert all(c.points == c.max_points for name, c in cells.items()
               if name != "test_sigmoid_backward")


def test_the_other_students_grades_are_unchanged(graded):
    for student in ("honest", "wrong"):
        alone, together = graded["baseline"][student], graded["results"][student]
        assert [(c.cell, c.points) for c in together.cells] == \
            [(c.cell, c.points) for c in alone.cells]
        assert together.status == alone.status == "graded"


def test_nothing_outside_the_sandbox_changed(graded):
    assert not graded["changed"], "a file of the course or another submission changed"
    assert not list(graded["canary"].iterdir())
    assert graded["connections"] == 0


def test_no_secret_reaches_the_feedback(graded):
    master = nbformat.read(master_path(A), as_version=4)
    hidden = [line.strip() for cell in _test_cells(master)
              for line in cell.source.split("### BEGIN HIDDEN TESTS")[-1].splitlines()
              if len(line.strip()) > 40]
    assert hidden
    shown = "\n".join(p.read_text() for p in (graded["out"] / "feedback").rglob("*.html"))
    shown += (graded["out"] / "cells.csv").read_text()
    assert "SQLite format" not in shown and "BEGIN HIDDEN TESTS" not in shown
    assert not [line for line in hidden if line in shown]


def test_the_batch_stays_within_its_limits(graded):
    results = graded["results"]
    assert len(results) == len(graded["cases"]) + 2
    # every submission is bounded by its notebook limit plus a minute for the judge itself
    bound = len(results) * (SETTINGS.notebook_timeout + 60) / 2
    assert graded["seconds"] < bound
    logs = graded["out"] / "logs"
    assert max(p.stat().st_size for p in logs.rglob("*.log")) <= sandbox.Limits().file_size
    json.loads((graded["out"] / "cells.json").read_text())
