"""Hostile submissions, graded by the real grader in one class with two honest students.

Each hostile submission tries to beat the grader, break out of its sandbox or take the batch
down. For each: the batch finishes within its limits, nothing outside the submission's working
copy changes, the submission scores no more than its honest content earns, the reason is
reported, and the honest students get the grades they get when graded alone.

The class is graded twice, by `python -m autograder grade` as an instructor runs it: as the
user running the tests, and (when that is root) as an unprivileged user, with the same
assertions. The unprivileged run needs a Python that user can execute, with the requirements
installed: $BACKPROPLAB_UNPRIVILEGED_PYTHON (.ci/run makes one). In CI it is never skipped.
"""

import hashlib
import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from autograder import samples
from autograder.boundary import sandbox
from autograder.course import REPO, master_path
from autograder.grade import Settings
from autograder.master import master
from autograder.mistakes import catalog
from autograder.results import CellResult, SubmissionResult

A = "03_vectorized_backprop"
FULL = master("03_vectorized_backprop").max_score
WRONG = "linear_db_not_summed"  # the honest content of most hostile submissions
SETTINGS = Settings(timeout=5, call_timeout=5, notebook_timeout=30)
STUDENTS = ("comparators", "helpers", "builtins", "frames", "gc", "transformer", "skip_execution",
            "edited_tests", "deleted_tests", "duplicated_tests", "split_tests", "permissive_eq",
            "ndarray_subclass", "reads_secrets", "writes_outside", "socket", "infinite_loop",
            "swallows_alarm", "ignores_alarm", "memory_hog", "fork_bomb", "sys_exit", "os_exit",
            "kills_itself", "huge_output", "invalid_json", "renamed", "warns", "walks_the_disk",
            "snoops_proc", "links_the_master", "fifo")
LOOKS_AWAY = ("__pycache__", ".git", ".pytest_cache", ".cache", "grading", ".venv", "bench")


def _solution(cell):
    return samples.solutions(A)[cell]


def _wrong_linear():
    mistake = catalog()[WRONG]
    return _solution("linear").replace(mistake.find, mistake.replace)


def _code(source, **metadata):
    return nbformat.v4.new_code_cell(source, metadata=metadata)


def _notebook(*, wrong=True, extra=(), cells=None, after="linear"):
    """The solved release (with the wrong Linear unless wrong=False), with `extra` code
    cells right after the answer cell `after` and `cells` replacing solution cells."""
    replaced = {"linear": _wrong_linear()} if wrong else {}
    notebook = samples.solved(A, {**replaced, **(cells or {})})
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
ctypes.string_at(0)  # a segmentation fault
"""

KILLS_ITSELF = """
import os
import signal
os.kill(os.getpid(), signal.SIGKILL)
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


WALK = r"""
import os
import time
secrets, folders, markers, started = [], 0, 0, time.monotonic()
# the places a machine keeps people's files first, the system's /usr last; 3 s in all
tops = sorted((os.path.join("/", d) for d in os.listdir("/") if d not in ("proc", "sys")),
              key=lambda top: top == "/usr")
for root, dirs, files in (walk for top in tops for walk in os.walk(top)):
    folders += 1
    if time.monotonic() - started > 3:
        break
    for name in files:
        path = os.path.join(root, name)
        if not (name.endswith((".ipynb", ".py", ".jsonl")) or name == "gradebook.db"):
            continue
        try:
            with open(path, "rb") as file:
                text = file.read(100_000).decode("latin-1")
            course = "backprop" in text and (name.endswith((".ipynb", ".db")) or "### BEGIN" in text)
            if course or text.startswith('{"submission"'):
                secrets.append(path + ": " + text)  # a master, a submission, a journal, grades
        except OSError:
            pass
        try:
            with open(path + ".marker", "w") as file:
                file.write("a student was here")
            markers += 1
        except OSError:
            pass
print("\n".join(secrets))  # into the log
_forward, _backward = Linear.forward, Linear.backward

def forward(self, x):
    raise RuntimeError(f"WALKED {folders} folders, {markers} markers; found "
                       + (" ".join(secrets) or "nothing"))

def backward(self, dout):
    return " ".join(secrets) or _backward(self, dout)  # a string returned where dx belongs

Linear.forward, Linear.backward = forward, backward
"""

SNOOP = r"""
import os
pids = sorted(p for p in os.listdir("/proc") if p.isdigit())
seen = []
for pid in pids:
    for what in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{what}", "rb") as file:
                seen.append(file.read().decode("latin-1").replace("\0", " "))
        except OSError:
            pass
    try:
        seen += [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        pass
_forward = Linear.forward

def forward(self, x):
    raise RuntimeError(f"PIDS {' '.join(pids)} SEEN {' | '.join(seen)}")

Linear.forward = forward
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


def hostile_class(folder, out, canary, port, repo):
    """Write the class; return {student: (notebook, raw text or a special file, most points,
    reason regex)}. `repo` is the checkout the grader runs from."""
    gradebook = out / "course" / "gradebook.db"
    others = folder / "honest" / A / f"{A}.ipynb"
    master = repo / "source" / A / f"{A}.ipynb"
    secrets = [str(gradebook), "../../gradebook.db", str(master_path(A)), str(master),
               str(others), str(out / "course" / "source" / A / f"{A}.ipynb")]
    targets = [str(master_path(A)), str(master), str(REPO / "source" / A / "planted.txt"),
               str(gradebook), str(others), str(canary / "planted.txt"), "/tmp/planted.txt"]
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
        "kills_itself": (_notebook(wrong=False, extra=[KILLS, KILLS_ITSELF]), FULL,
                         r"crashed \(segmentation fault\) in cell \d+; the notebook ran again.*"
                         r"killed \(a limit: memory, processes or time\) in cell \d+; the "
                         r"notebook ran again"),
        "huge_output": (_notebook(wrong=False, extra=[
            "for _ in range(10_000):\n    print('x' * 100_000)"]), FULL, "File too large"),
        "invalid_json": ("{ this is not a notebook", 0, "invalid notebook"),
        "renamed": (_notebook(), wrong, "renamed notebook"),
        "warns": (_notebook(wrong=False, extra=[WARNS], after="sigmoid"), FULL, "graded"),
        "walks_the_disk": (_notebook(wrong=False, extra=[WALK]), FULL,
                           r"WALKED \d+ folders, 0 markers; found nothing"),
        "snoops_proc": (_notebook(wrong=False, extra=[SNOOP]), FULL, r"PIDS 1 2 SEEN "),
        "links_the_master": (Special("link", master), 0,
                             rf"refused: {A}.ipynb is a symbolic link"),
        "fifo": (Special("fifo"), 0, rf"refused: {A}.ipynb is a FIFO"),
    }


@dataclass(frozen=True)
class Special:
    """A submission that is not a notebook file: a link to `target`, or a FIFO."""

    kind: str
    target: Path = None


def _write(folder, student, content):
    if isinstance(content, Special):
        path = folder / student / A / f"{A}.ipynb"
        path.parent.mkdir(parents=True)
        if content.kind == "link":
            path.symlink_to(content.target)
        else:
            os.mkfifo(path)
    elif isinstance(content, str):
        path = folder / student / A / f"{A}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(content)
    elif student == "renamed":
        path = samples.write(content, folder, student, A)
        path.rename(path.with_name("my notebook.ipynb"))
    else:
        samples.write(content, folder, student, A)


def _honest(folder):
    samples.write(samples.solved(A), folder, "honest", A)
    samples.write(catalog()[WRONG].apply(), folder, "wrong", A)


class Runner:
    """Runs `python -m autograder grade` as the test's own user, or as an unprivileged one."""

    UID = 62000  # the unprivileged user: no account, no home, no groups

    def __init__(self, kind, world):
        self.kind, self.world = kind, world
        self.repo, self.python, self.prefix = REPO, sys.executable, []
        if kind == "unprivileged-user":
            self._drop_privileges()

    def _drop_privileges(self):
        if os.geteuid() != 0:
            pytest.skip("the tests already run as a normal user: the other run is this one")
        python = os.environ.get("BACKPROPLAB_UNPRIVILEGED_PYTHON")
        if not python:
            message = ("set BACKPROPLAB_UNPRIVILEGED_PYTHON to a Python with the requirements "
                       "that an unprivileged user can run (see .ci/run)")
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.python, self.repo = python, self.world / "repo"
        for part in ("autograder", "backproplab", "source", "notebooks", "data"):
            shutil.copytree(REPO / part, self.repo / part,
                            ignore=shutil.ignore_patterns("__pycache__"))
        home = self.world / "home"
        home.mkdir()
        os.chown(home, self.UID, self.UID)
        self.prefix = ["setpriv", f"--reuid={self.UID}", f"--regid={self.UID}", "--clear-groups",
                       "env", "-i", f"HOME={home}", "USER=grader", "LOGNAME=grader",
                       "PATH=/usr/bin:/bin", f"PYTHONPATH={self.repo}"]

    def grade(self, folder, out, workers):
        out.mkdir(parents=True)
        if self.prefix:
            os.chown(out, self.UID, self.UID)
        command = [*self.prefix, self.python, "-m", "autograder", "grade", str(folder),
                   "--out", str(out), "--timeout", str(SETTINGS.timeout), "--call-timeout",
                   str(SETTINGS.call_timeout), "--notebook-timeout",
                   str(SETTINGS.notebook_timeout), "--workers", str(workers)]
        run = subprocess.run(command, capture_output=True, text=True, cwd=self.world,
                             env=None if self.prefix else {**os.environ, "MPLBACKEND": "Agg"})
        assert run.returncode == 0, run.stderr[-3000:]
        return {r.student: r for r in results(out)}


def results(out):
    """The SubmissionResults that a grading folder's cells.json records."""
    return [SubmissionResult(r["student"], r["assignment"], r["status"],
                             tuple(CellResult(c["cell"], c["points"], c["max_points"], c["status"],
                                              c["message"],
                                              tuple((m["id"], m["diagnosis"]) for m in c["mistakes"]))
                                   for c in r["cells"]), r["test_seed"])
            for r in json.loads((out / "cells.json").read_text())]


def _planted(world, name, under):
    """A folder beside the class where a real machine keeps other people's files (another
    user's home, an nbgrader exchange): `under` when the tests may write there."""
    try:
        return Path(tempfile.mkdtemp(prefix=f"backproplab-{name}-", dir=under))
    except OSError:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=world))


def plant(world):
    """Another copy of the course in another user's home and an exchange with another
    student's submission; return their folders."""
    home = _planted(world, "other-home", "/home")
    shutil.copytree(REPO / "source", home / "course" / "source")
    exchange = _planted(world, "exchange", "/srv")
    inbound = exchange / "course" / "inbound" / "someone+03_vectorized_backprop+2026-12-01"
    inbound.mkdir(parents=True)
    nbformat.write(samples.solved(A), inbound / f"{A}.ipynb")
    for folder in (home, exchange):
        os.chmod(folder, 0o755)
    return home, exchange


@pytest.fixture(scope="module", params=("current-user", "unprivileged-user"))
def graded(request):
    world = Path(tempfile.mkdtemp(prefix="backproplab-hostile-"))
    os.chmod(world, 0o755)
    planted = ()
    try:
        runner = Runner(request.param, world)
        alone = world / "alone"
        _honest(alone)
        baseline = runner.grade(alone, world / "alone-out", workers=1)
        folder, out, canary = world / "class", world / "grading", world / "canary"
        canary.mkdir()
        planted = plant(world)
        _honest(folder)
        listener = Listener()
        cases = hostile_class(folder, out, canary, listener.port, runner.repo)
        assert tuple(cases) == STUDENTS
        for student, (content, _, _) in cases.items():
            _write(folder, student, content)
        guarded = (REPO, runner.repo, folder, canary, *planted)
        before = tree_digest(*guarded)
        started = time.perf_counter()
        try:
            graded = runner.grade(folder, out, workers=2)
        finally:
            listener.close()
        yield {"results": graded, "baseline": baseline, "cases": cases, "out": out,
               "seconds": time.perf_counter() - started, "changed": tree_digest(*guarded) != before,
               "connections": listener.connections, "canary": canary}
    finally:
        for folder in (world, *planted):
            shutil.rmtree(folder, ignore_errors=True)


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


def test_no_student_process_outlives_the_batch(graded):
    left = subprocess.run(["pgrep", "-f", "student.main()"], capture_output=True, text=True)
    assert not left.stdout.split(), "student processes still run after grading"


def test_the_sandbox_shows_no_other_process(graded):
    """/proc holds the student's process and bubblewrap's init alone: no command line,
    environment or open file of the grader's."""
    message = " ".join(c.message for c in graded["results"]["snoops_proc"].cells)
    assert re.search(r"PIDS 1 2 SEEN ", message), message
    assert "autograder.boundary.judge" not in message and "BACKPROPLAB_TEST_SEED" not in message


def _hidden_lines(master):
    """The lines of a master's hidden tests that are long enough to be telling."""
    lines, hidden = [], False
    for cell in _test_cells(master):
        for line in cell.source.splitlines():
            marker = line.strip()
            hidden = {"### BEGIN HIDDEN TESTS": True, "### END HIDDEN TESTS": False}.get(marker, hidden)
            if hidden and len(marker) > 40:
                lines.append(marker)
    return lines


def test_no_secret_reaches_the_feedback(graded):
    """Nothing a hostile submission read, printed, raised or returned shows a hidden test or
    the gradebook in what students and instructors read: feedback, cells.csv and cells.json,
    summary.md."""
    hidden = _hidden_lines(nbformat.read(master_path(A), as_version=4))
    assert len(hidden) > 20
    out = graded["out"]
    shown = "\n".join(html.unescape(p.read_text()) for p in (out / "feedback").rglob("*.html"))
    shown += "\n".join((out / name).read_text() for name in ("cells.csv", "summary.md"))
    shown += "\n".join(c.message for r in graded["results"].values() for c in r.cells)
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


SPY = """
import builtins
_compile, captured = builtins.compile, []

def compile(source, filename, *args, **kwargs):  # whatever this process compiles from now on
    if not str(filename).startswith("<cell "):
        captured.append(str(source))
    return _compile(source, filename, *args, **kwargs)

builtins.compile = compile
_build_mlp = build_mlp

def build_mlp(*args, **kwargs):  # called by the hidden tests, after they set up their classes
    if captured:
        raise RuntimeError("CAPTURED " + " ".join(captured))
    return _build_mlp(*args, **kwargs)
"""


def _own_formatting(source):
    """The student's own way of writing the same code, so that a master line found in the
    feedback can only have come from the master."""
    return source.replace(" = ", "=")


def spying_submission():
    """A solved 04 whose pasted 03 classes are written in the student's own way, with a cell
    that captures any code compiled in its process (the course's solution of 03, when the
    hidden tests grade 04 with it) and raises it into the feedback."""
    M = "04_mlp"
    notebook = samples.solved(M, {"bring_layers": _own_formatting(samples.pasted(A))})
    at = next(i for i, c in enumerate(notebook.cells)
              if c.metadata.get("nbgrader", {}).get("grade_id") == "build_mlp") + 1
    notebook.cells.insert(at, _code(SPY))
    return notebook


@pytest.fixture(scope="module", params=("current-user", "unprivileged-user"))
def graded_spy(request):
    world = Path(tempfile.mkdtemp(prefix="backproplab-spy-"))
    os.chmod(world, 0o755)
    try:
        runner = Runner(request.param, world)
        notebook = spying_submission()
        samples.write(notebook, world / "class", "spy", "04_mlp")
        out = world / "grading"
        result, = runner.grade(world / "class", out, workers=1).values()
        yield result, notebook, out
    finally:
        shutil.rmtree(world, ignore_errors=True)


def test_no_master_solution_line_reaches_the_feedback(graded_spy):
    """Hidden tests of 04 grade with the course's own 03 classes: they run in the judge, and
    none of their code is ever compiled where student code runs."""
    result, notebook, out = graded_spy
    written = "\n".join(c.source for c in notebook.cells)
    solution = [line.strip() for source in samples.solutions(A).values()
                for line in source.splitlines()
                if len(line.strip()) > 30 and line.strip() not in written]
    assert len(solution) > 20
    shown = "\n".join(html.unescape(p.read_text()) for p in (out / "feedback").rglob("*.html"))
    shown += "\n".join(c.message for c in result.cells)
    assert not [line for line in solution if line in shown]
    assert "CAPTURED" not in shown, "code other than the student's own was compiled in its process"
    built = {c.cell: c for c in result.cells}
    assert built["test_build_mlp_layers"].status == "passed", built["test_build_mlp_layers"]
