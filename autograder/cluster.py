"""Grading on a Dask cluster: the same judge and the same sandbox, on machines of their own.

    python -m autograder grade SUBMISSIONS --cluster tcp://scheduler:8786

This process stays the coordinator and the one writer: it reads the submissions, decides what
is already graded (the journals), and writes the journals, the gradebook and the reports as
results come back. Each submission goes to the cluster as a self-contained task (its bytes,
the course's version hash, the time limits and the hidden tests' seed); a worker shares no
file system with the coordinator. On the worker the task starts the boundary engine's judge
process exactly as a local worker does, in a scratch folder of its own, and sends back the
journal and the log: student code runs in the judge's sandboxed student process, never in a
Dask process, and Dask's traffic carries only grading data.

A worker that dies mid-task has its task run again elsewhere (Dask does this); a task that
fails on every try comes back as an error, which `grade` records as that submission's status.
"""

import fcntl
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.boundary import sandbox, session
from autograder.course import REPO

CONNECT_TIMEOUT = "10s"
RETRIES = 2  # a task that raised is tried this many more times before its error counts
SLOTS = range(32, 96)  # sandbox users for cluster tasks; local pools use 0 .. workers - 1
# What must be the same on the coordinator and every worker for their grades to agree
VERSIONED = ("autograder", "backproplab", "source", "notebooks", "data")


class ClusterError(RuntimeError):
    """The cluster cannot grade: unreachable, without workers, or running another version."""


def course_version():
    """A hash of the course and the grader as this machine has them: the masters, the release,
    the data and the code of both packages."""
    digest = hashlib.sha256()
    for part in VERSIONED:
        for path in sorted((REPO / part).rglob("*")):
            # bytecode and Jupyter's checkpoints differ between machines that agree
            if path.is_file() and not any(part == "__pycache__" or part.startswith(".")
                                          for part in path.relative_to(REPO).parts):
                digest.update(str(path.relative_to(REPO)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Task:
    """One submission, self-contained: what a worker needs to judge it."""

    assignment: str
    content: bytes  # the notebook, cells matched
    seed: int
    version: str  # course_version() on the coordinator
    cell_timeout: int
    call_timeout: int
    notebook_timeout: int
    sandbox: bool

    @classmethod
    def of(cls, job, settings):
        """The task of an engine's Job under `settings` (connected to settings.cluster)."""
        return cls(job.assignment, job.content, job.seed, _clients[settings.cluster][1],
                   settings.timeout, settings.call_timeout, settings.notebook_timeout,
                   settings.sandbox)


@dataclass(frozen=True)
class Graded:
    """What a worker sends back: the judge's journal and log, and where it ran."""

    journal: str
    log: bytes
    worker: str


_clients = {}  # address -> (Client, the course version its workers run)


def connect(address):
    """A Client of the scheduler at `address`, once per process; ClusterError if it cannot be
    reached, has no workers, or a worker runs another version of the course or cannot build
    a sandbox."""
    if address in _clients:
        return _clients[address][0]
    from distributed import Client  # only --cluster needs Dask

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({error}). Start one "
                           "with `dask scheduler` and workers with `dask worker ADDRESS` (see "
                           "the README), or grade here without --cluster") from None
    try:
        version = _check_workers(client, address)
    except ClusterError:
        client.close()
        raise
    _clients[address] = client, version
    return client


def disconnect():
    """Close every connection to a scheduler."""
    for client, _ in _clients.values():
        client.close()
    _clients.clear()


def _check_workers(client, address):
    answers = client.run(_worker_state)
    if not answers:
        raise ClusterError(f"the Dask cluster at {address} has no workers: start some with "
                           f"`dask worker {address}`")
    mine = course_version()
    other = sorted(w for w, (version, _) in answers.items() if version != mine)
    if other:
        raise ClusterError(f"worker(s) {', '.join(other)} run another version of the course or "
                           "the grader than this machine: install the same checkout (the same "
                           "commit, `pip install -r requirements.txt`) on every worker")
    unsafe = {w: problem for w, (_, problem) in answers.items() if problem}
    if unsafe:
        worker, problem = next(iter(unsafe.items()))
        raise ClusterError(f"worker(s) {', '.join(sorted(unsafe))} cannot build the sandbox; "
                           f"{worker} says:\n{problem}")
    return mine


def _worker_state():
    """On a worker: its course version, and why it cannot build a sandbox ("" if it can)."""
    try:
        sandbox.check()
        problem = ""
    except sandbox.SandboxUnavailable as error:
        problem = str(error)
    return course_version(), problem


def threads(address):
    """How many tasks the cluster runs at once (its workers' threads)."""
    return sum(connect(address).nthreads().values())


def judge(address, task, key):
    """Judge `task` on the cluster; wait for what the worker sends back (Graded). Raises the
    task's error once every try has failed (a worker that died counts as a try)."""
    future = connect(address).submit(judge_here, task, key=key, pure=False, retries=RETRIES)
    return future.result()


def judge_here(task):
    """Run on a worker: judge one submission behind the boundary, in a scratch folder."""
    if task.version != course_version():
        raise ClusterError("this worker runs another version of the course or the grader than "
                           "the coordinator: install the same checkout on every worker")
    from distributed import get_worker

    with _slot() as slot, tempfile.TemporaryDirectory(prefix="backproplab-task-") as scratch:
        scratch = Path(scratch)
        notebook = scratch / "submission" / f"{task.assignment}.ipynb"
        notebook.parent.mkdir()
        notebook.write_bytes(task.content)
        journal, log = scratch / "journal.jsonl", scratch / "judge.log"
        session.run(notebook, task.assignment, journal=journal, log=log, slot=slot,
                    seed=task.seed, cell_timeout=task.cell_timeout,
                    call_timeout=task.call_timeout, notebook_timeout=task.notebook_timeout,
                    hidden=[scratch], isolate=task.sandbox)
        return Graded(journal.read_text(), log.read_bytes(), get_worker().address)


class _slot:
    """A sandbox slot no other task on this machine holds (a lock file per slot), so that the
    student processes of tasks that run at once never share a user."""

    def __enter__(self):
        # one folder per user: the workers of different users never share one
        folder = Path(tempfile.gettempdir()) / f"backproplab-slots-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
        if folder.stat().st_uid != os.getuid():
            raise ClusterError(f"{folder} belongs to another user: remove it")
        for slot in SLOTS:
            handle = os.open(folder / str(slot), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                continue
            self.handle = handle
            return slot
        raise ClusterError(f"more than {len(SLOTS)} tasks at once on one machine")

    def __exit__(self, *exc):
        os.close(self.handle)
