"""One submission graded behind the boundary: the judge process and its journal.

The judge (judge.py) runs in a process of its own and appends each test cell's result to a
journal the moment it is known. The journal starts with the submission's hash, so a rerun of
`grade` knows what it already graded: the same submission is not graded again (grading is
idempotent and resumable), an interrupted one is graded again, and a changed one (a
resubmission) replaces the recorded grade only on request.
"""

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.processes import kill_tree
from autograder.results import Judgement, Outcome


@dataclass
class Journal:
    """What a judge's journal holds: per test cell, points and outcome; notes on the run;
    whether the judge finished, and the hash of the submission it judged; where its time
    went (judge.Timings: seconds per phase, and per cell)."""

    points: dict = field(default_factory=dict)
    outcomes: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    complete: bool = False
    digest: str = ""
    timings: dict = field(default_factory=dict)
    cell_timings: dict = field(default_factory=dict)

    def judgement(self, *notes):
        """The Judgement it records, with `notes` added to its own."""
        return Judgement(dict(self.outcomes), dict(self.points), (*self.notes, *notes))


def digest(path):
    """The sha256 of a submitted notebook file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_journal(path):
    """The Journal at `path`, complete or not; None if there is none."""
    path = Path(path)
    if not path.is_file():
        return None
    recorded = Journal()
    for line in path.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            break  # a line cut short when the grader was stopped
        if "submission" in entry:
            recorded.digest = entry["submission"]
        elif entry.get("done"):
            recorded.complete = True
            recorded.notes = list(entry.get("notes", []))
        elif "timings" in entry:
            recorded.timings, recorded.cell_timings = entry["timings"], entry.get("cells", {})
        elif "cell" in entry:
            recorded.points[entry["cell"]] = float(entry["points"])
            recorded.outcomes[entry["cell"]] = Outcome(entry["status"], entry["message"])
    return recorded


def run(notebook, assignment, *, journal, log, slot, seed, cell_timeout, call_timeout,
        notebook_timeout, hidden=(), isolate=True):
    """Judge `notebook` (a file) for `assignment` in a new judge process; return its Journal.

    The journal is started afresh. Whatever stops the judge (its time limit, a crash), the
    cells judged before stay recorded, and the Journal says why the rest are missing.
    """
    journal, log = Path(journal), Path(log)
    journal.parent.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(json.dumps({"submission": digest(notebook)}) + "\n")
    command = [sys.executable, "-m", "autograder.boundary.judge", assignment, str(notebook),
               str(journal), "--log", str(log), "--slot", str(slot),
               "--cell-timeout", str(cell_timeout), "--call-timeout", str(call_timeout),
               "--notebook-timeout", str(notebook_timeout)]
    for folder in hidden:
        command += ["--hide", str(folder)]
    if not isolate:
        command.append("--unsafe-no-sandbox")
    environment = {**os.environ, "BACKPROPLAB_TEST_SEED": str(seed), "MPLBACKEND": "Agg"}
    with open(log, "ab") as judge_log:
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                                   stderr=judge_log)
        try:
            process.wait(timeout=notebook_timeout + 60)
            stopped = (None if process.returncode == 0
                       else f"the judge failed (exit {process.returncode})")
        except subprocess.TimeoutExpired:
            kill_tree(process.pid)
            stopped = f"timeout: grading took longer than {notebook_timeout} s"
    recorded = read_journal(journal)
    if stopped and not recorded.complete:
        recorded.notes.append(stopped)
    return recorded
