"""Grading on a Dask cluster: a scheduler and two workers on 127.0.0.1, started and stopped
by these tests. The cluster gives exactly the grades, statuses and feedback of the local pool;
a worker killed mid-class costs nothing (every submission graded exactly once); a scheduler
that is not there, or workers that run another course, are refused before anything is
written."""

import csv
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from autograder import cluster, demo, samples
from autograder.__main__ import main
from autograder.course import REPO, available_assignments
from autograder.grade import grade

DASK = str(Path(sys.executable).parent / "dask")
STARTUP = 90  # seconds the scheduler and its workers may take to come up


@dataclass
class Cluster:
    address: str
    folder: Path
    workers: dict = field(default_factory=dict)  # name -> Popen
    processes: list = field(default_factory=list)

    def start(self, command, name):
        log = open(self.folder / f"{name}.log", "ab")
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=log,
                                   start_new_session=True,
                                   env={**os.environ, "MPLBACKEND": "Agg"})
        self.processes.append(process)
        return process

    def add_worker(self, name):
        self.workers[name] = self.start([DASK, "worker", self.address, "--name", name,
                                         "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                         "--death-timeout", "60"], name)
        _wait_for(lambda: name in _names(self.address), f"worker {name} to join")

    def kill(self, name):
        """SIGKILL a worker and everything it started (its judge and student processes)."""
        os.killpg(self.workers.pop(name).pid, signal.SIGKILL)

    def stop(self):
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()


def _wait_for(condition, what, seconds=STARTUP):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


_watchers = {}


def _watcher(address):
    """A plain client of the scheduler, for the tests to watch it."""
    from distributed import Client

    if address not in _watchers:
        _watchers[address] = Client(address, timeout="30s")
    return _watchers[address]


def _names(address):
    """The names of the workers the scheduler knows."""
    return {w["name"] for w in _watcher(address).scheduler_info()["workers"].values()}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster")
    running = Cluster(f"tcp://127.0.0.1:{_free_port()}", folder)
    try:
        running.start([DASK, "scheduler", "--host", "127.0.0.1", "--port",
                       running.address.rsplit(":", 1)[1], "--no-dashboard"], "scheduler")
        for name in ("w1", "w2"):
            running.add_worker(name)
        yield running
    finally:
        cluster.disconnect()
        for watcher in _watchers.values():
            watcher.close()
        _watchers.clear()
        running.stop()


def _rows(out, name="grades.csv"):
    with open(out / name, newline="") as file:
        return sorted(map(tuple, (row.values() for row in csv.DictReader(file))))


def _feedback(out):
    return {path.relative_to(out): path.read_text() for path in (out / "feedback").rglob("*.html")}


def _class(folder):
    """The demo class, and a student who hands in the whole course."""
    demo.build_class(folder)
    for assignment in available_assignments():
        samples.write(samples.solved(assignment), folder, "whole_course", assignment)
    return folder


def test_the_cluster_grades_exactly_as_the_local_pool(dask_cluster, tmp_path):
    folder = _class(tmp_path / "class")
    local = grade(folder, out=tmp_path / "local", workers=1, quiet=True)
    assert main(["grade", str(folder), "--out", str(tmp_path / "cluster"),
                 "--cluster", dask_cluster.address]) == 0
    assert _rows(tmp_path / "cluster") == _rows(tmp_path / "local")
    assert _rows(tmp_path / "cluster", "cells.csv") == _rows(tmp_path / "local", "cells.csv")
    assert _feedback(tmp_path / "cluster") == _feedback(tmp_path / "local")
    logs = {path: path.stat().st_mtime_ns for path in (tmp_path / "cluster" / "logs").rglob("*.log")
            if path.name != "grade.log"}
    assert main(["grade", str(folder), "--out", str(tmp_path / "cluster"),
                 "--cluster", dask_cluster.address]) == 0  # resumed: nothing sent again
    assert {path: path.stat().st_mtime_ns for path in logs} == logs
    assert _rows(tmp_path / "cluster") == _rows(tmp_path / "local")
    whole = [r for r in local if r.student == "whole_course"]
    assert len(whole) == len(available_assignments())
    assert all(c.points == c.max_points for r in whole for c in r.cells if not c.manual)


def test_a_worker_killed_mid_class_costs_no_grade(dask_cluster, tmp_path):
    """The class is graded on both workers; one is killed while it judges a submission. Its
    task runs again on the other: every submission is graded once, with full marks."""
    A = "04_mlp"
    for student in range(6):
        samples.write(samples.solved(A), tmp_path / "class", f"s{student}", A)
    results = {}
    grading = threading.Thread(target=lambda: results.update(done=grade(
        tmp_path / "class", out=tmp_path / "out", quiet=True, workers=2,
        settings=_settings(dask_cluster.address))))
    grading.start()
    client = _watcher(dask_cluster.address)
    _wait_for(lambda: any(client.processing().values()), "a task to start")
    busy, keys = next((address, keys) for address, keys in client.processing().items() if keys)
    name = client.scheduler_info()["workers"][busy]["name"]
    time.sleep(1.0)  # mid-task: the judge and the student's process are running
    dask_cluster.kill(name)
    interrupted = keys[0].split("/")[0]
    grading.join(timeout=600)
    assert not grading.is_alive()
    dask_cluster.add_worker(name)  # for the tests that follow

    graded = results["done"]
    assert sorted(r.student for r in graded) == [f"s{i}" for i in range(6)]
    assert all(r.status == "graded" for r in graded), [(r.student, r.status) for r in graded]
    assert all(c.points == c.max_points for r in graded for c in r.cells if not c.manual)
    rows = _rows(tmp_path / "out")
    assert len(rows) == 6 == len({row[:2] for row in rows})
    journals = list((tmp_path / "out" / "journal").rglob("*.jsonl"))
    assert len(journals) == 6
    log = (tmp_path / "out" / "logs" / interrupted / f"{A}.log").read_text()
    assert log.startswith("judged on the Dask worker ") and busy not in log.splitlines()[0]


def _settings(address):
    from autograder.grade import Settings

    return Settings(cluster=address)


def test_a_task_that_fails_on_every_try_is_recorded_with_its_reason(dask_cluster, tmp_path,
                                                                   monkeypatch):
    """Here every try fails on the worker (it refuses a task of another course version):
    the submission still gets its row, zero points, and a status that says what happened."""
    A = "02_single_neuron"
    samples.write(samples.solved(A), tmp_path / "class", "ada", A)
    real = cluster.Task.of
    monkeypatch.setattr(cluster.Task, "of", classmethod(
        lambda cls, job, settings: replace(real(job, settings), version="another")))
    result, = grade(tmp_path / "class", out=tmp_path / "out", quiet=True,
                    settings=_settings(dask_cluster.address))
    assert result.status.startswith("not graded: the cluster task failed on every try "
                                    "(ClusterError: this worker runs another version")
    assert result.score == 0 and len(_rows(tmp_path / "out")) == 1


def test_an_unreachable_scheduler_is_an_error_before_anything_is_written(tmp_path, capsys):
    samples.write(samples.solved("02_single_neuron"), tmp_path / "class", "ada",
                  "02_single_neuron")
    out = tmp_path / "grading"
    assert main(["grade", str(tmp_path / "class"), "--out", str(out), "--cluster",
                 f"tcp://127.0.0.1:{_free_port()}"]) == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:" in capsys.readouterr().err
    assert not out.exists()


def test_workers_that_run_another_course_are_refused(dask_cluster, tmp_path, monkeypatch,
                                                     capsys):
    """Here the coordinator's course differs from the workers' (as after a `git pull` on one
    machine only): grading refuses, naming the workers, before it writes anything."""
    samples.write(samples.solved("02_single_neuron"), tmp_path / "class", "ada",
                  "02_single_neuron")
    monkeypatch.setattr(cluster, "_clients", {})
    monkeypatch.setattr(cluster, "course_version", lambda: "a different checkout")
    out = tmp_path / "grading"
    assert main(["grade", str(tmp_path / "class"), "--out", str(out), "--cluster",
                 dask_cluster.address]) == 2
    said = capsys.readouterr().err
    assert "run another version of the course or the grader" in said
    assert dask_cluster.address.rsplit(":", 1)[0].removeprefix("tcp://") in said
    assert not out.exists()
