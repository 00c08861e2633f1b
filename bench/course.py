"""Benchmark 2: execute each master notebook top to bottom as a student would, timing every
cell and recording the kernel's peak memory.

Each notebook runs in a fresh kernel started from its own folder, without
BACKPROPLAB_GRADING (the student's experience: full-length training), with the kernel's own
thread settings (the 04 notebook asks OpenBLAS for one thread itself).
"""

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from tqdm import tqdm

from autograder.course import available_assignments, master_path
from bench.results import summarize, table, verdict

TARGET_TOTAL, TARGET_CELL, TARGET_MEMORY = 120.0, 60.0, 2 * 1024 ** 3


@dataclass
class Run:
    """One execution of one notebook."""

    assignment: str
    seconds: float = 0.0  # wall time, kernel start-up included
    cells: dict = field(default_factory=dict)  # cell index -> seconds
    peak_bytes: int = 0  # the kernel's VmHWM (resident high-water mark)
    error: str = ""


def _vmhwm(pid):
    """Peak resident memory of process `pid` so far, bytes (0 if unknown)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, TypeError):
        pass
    return 0


def execute(assignment, timeout=600):
    """Execute one master with a per-cell timer; returns a Run (error set if a cell failed).

    It runs in a fresh copy of the master's folder: the working directory a student's
    notebook has, without touching source/ (05 keeps a run cache in .cache/ next to the
    notebook, and a cache left from an earlier run would hide the first run's cost).
    """
    scratch = tempfile.TemporaryDirectory(prefix=f"bench-course-{assignment}-")
    folder = Path(scratch.name) / assignment
    shutil.copytree(master_path(assignment).parent, folder,
                    ignore=shutil.ignore_patterns(".cache", ".ipynb_checkpoints"))
    path = folder / master_path(assignment).name
    try:
        return _execute(assignment, path, timeout)
    finally:
        scratch.cleanup()


def _execute(assignment, path, timeout):
    notebook = nbformat.read(path, as_version=4)
    run = Run(assignment)
    started = {}

    def on_cell_start(cell, cell_index):
        started[cell_index] = time.perf_counter()

    def on_cell_executed(cell, cell_index, execute_reply):
        run.cells[cell_index] = time.perf_counter() - started[cell_index]
        # VmHWM only grows, so reading it after every cell and at the end finds the peak
        run.peak_bytes = max(run.peak_bytes, _vmhwm(client.km.provisioner.pid))

    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_start=on_cell_start, on_cell_executed=on_cell_executed)
    begun = time.perf_counter()
    try:
        client.execute()
    except Exception as error:  # a failing master is reported, the others still run
        lines = str(error).strip().splitlines()
        last = next((l for l in reversed(lines) if l.strip()), type(error).__name__)
        failed = max(started, default=-1)  # the last cell started is the one that failed
        run.error = f"cell {failed}: {type(error).__name__}: {last[:200]}"
    run.seconds = time.perf_counter() - begun
    return run


def execute_course(repeats):
    """Execute every master `repeats` times, without BACKPROPLAB_GRADING in the kernels'
    environment. Returns: dict assignment -> list of Run."""
    saved = os.environ.pop("BACKPROPLAB_GRADING", None)
    try:
        runs = {a: [] for a in available_assignments()}
        jobs = [(r, a) for r in range(repeats) for a in runs]
        for _, assignment in tqdm(jobs, desc="course: notebooks", unit="notebook"):
            runs[assignment].append(execute(assignment))
        return runs
    finally:
        if saved is not None:
            os.environ["BACKPROPLAB_GRADING"] = saved


def run(quick=False):
    """Run benchmark 2; returns (markdown section, rows of the targets table)."""
    repeats = 1 if quick else 2
    runs = execute_course(repeats)
    rows, slow_cells, errors = [], [], []
    totals = [sum(runs[a][r].seconds for a in runs) for r in range(repeats)]
    peaks = []
    for assignment, done in runs.items():
        seconds = summarize([r.seconds for r in done])
        slowest = max(((max(r.cells.values(), default=0.0), max(r.cells, key=r.cells.get, default=-1))
                       for r in done), default=(0.0, -1))
        peak = max(r.peak_bytes for r in done)
        peaks.append(peak)
        rows.append([assignment, seconds.fmt(1, " s"), seconds.n,
                     f"{slowest[0]:.1f} s (cell {slowest[1]})", f"{peak / 2 ** 20:.0f} MiB",
                     "; ".join(sorted({r.error for r in done if r.error})) or "ok"])
        for r in done:
            slow_cells += [(s, assignment, i) for i, s in r.cells.items() if s > TARGET_CELL]
            if r.error:
                errors.append(f"{assignment}: {r.error}")
    total = summarize(totals)
    rows.append(["**all together**", total.fmt(1, " s"), total.n, "", "", ""])
    longest = max((s for r in runs.values() for x in r for s in x.cells.values()), default=0.0)
    targets = [
        ["all masters top to bottom", total.fmt(1, " s"), f"≤ {TARGET_TOTAL:.0f} s",
         verdict(total.median, TARGET_TOTAL)],
        ["longest cell", f"{longest:.1f} s", f"≤ {TARGET_CELL:.0f} s", verdict(longest, TARGET_CELL)],
        ["peak kernel memory (VmHWM, any notebook)", f"{max(peaks) / 2 ** 30:.2f} GiB", "≤ 2 GiB",
         verdict(max(peaks), TARGET_MEMORY)],
    ]
    if errors:
        targets.append(["every master runs without error", f"{len(errors)} failed run(s)",
                        "0", "**not met**"])
    slowest_each = {}  # (notebook, cell) -> its slowest repetition
    for a, r in runs.items():
        for x in r:
            for i, s in x.cells.items():
                slowest_each[(a, i)] = max(s, slowest_each.get((a, i), 0.0))
    top = sorted(((s, a, i) for (a, i), s in slowest_each.items()), reverse=True)[:8]
    md = ["## 2. Course execution", "",
          f"Each master (source/<id>/<id>.ipynb) executed with nbclient in a fresh `python3` "
          f"kernel from a fresh copy of its own folder (no run cache from earlier runs), BACKPROPLAB_GRADING unset, {repeats} repetition(s); "
          "seconds are wall time including kernel start-up; memory is the kernel's resident "
          "high-water mark (/proc/<pid>/status VmHWM).", "",
          table(["notebook", "seconds", "reps", "slowest cell", "peak memory", "status"], rows),
          "", table(["target", "measured", "target", "result"], targets), "",
          "Slowest cells (slowest repetition; seconds, notebook[cell index]): "
          + ", ".join(f"{s:.1f} s {a}[{i}]" for s, a, i in top) + "."]
    if slow_cells:
        md += ["", "Cells over 60 s: " + ", ".join(f"{a}[{i}] {s:.1f} s" for s, a, i in slow_cells)]
    if errors:
        md += ["", "Failures: " + "; ".join(errors)]
    return "\n".join(md), targets
