"""Execute: run nbgrader's autograde on one submission, in a child process with a time limit.

nbgrader interrupts a cell that runs longer than the per-cell timeout, but a submission can
still hang the grader (a kernel that ignores interrupts) or kill it (a crash in the kernel
or in nbgrader). Each autograde therefore runs in its own process; when it overruns the
notebook time limit the whole process tree, kernel included, is killed, and only this
submission is lost.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


from autograder.course import NbgraderError, nbgrader_config, run_nbgrader
from autograder.processes import kill_tree


@dataclass(frozen=True)
class Execution:
    """How an autograde run ended: ok, or the reason it produced no grades."""

    ok: bool
    reason: str = ""


def autograde(course, assignment, student, *, timeout, notebook_timeout, seed):
    """Autograde submitted/<student>/<assignment> of the course directory `course`.

    Inputs:
    - course: nbgrader course directory (its gradebook must know the assignment).
    - assignment, student: ids.
    - timeout: seconds per cell; notebook_timeout: seconds for the whole run.
    - seed: the hidden tests' seed offset (see backproplab.testing.seeds).

    Returns:
    - Execution; when ok, nbgrader has written the autograded notebook and the gradebook.
    """
    command = [sys.executable, "-m", "autograder.execute", str(course), assignment, student,
               str(timeout)]
    # BACKPROPLAB_GRADING asks the notebooks for their documented grading mode: the same
    # checks on a smaller training budget, so a class is graded in minutes.
    environment = {**os.environ, "BACKPROPLAB_TEST_SEED": str(seed), "BACKPROPLAB_GRADING": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=environment)
    try:
        stdout, stderr = process.communicate(timeout=notebook_timeout)
    except subprocess.TimeoutExpired:
        kill_tree(process.pid)
        process.communicate()
        return Execution(False, f"timeout: grading took longer than {notebook_timeout} s")
    if process.returncode != 0:
        return Execution(False, _failure_reason(stdout, stderr, process.returncode))
    return Execution(True)


def _failure_reason(stdout, stderr, returncode):
    try:
        return json.loads(stdout.strip().splitlines()[-1])["reason"]
    except (IndexError, ValueError, KeyError, TypeError):
        last = stderr.strip().splitlines()[-1:] or [f"exit code {returncode}"]
        return f"error: the grading process failed ({last[0]})"


def _explain(log):
    """Turn nbgrader's failure log into one line a person can act on."""
    if "DeadKernelError" in log or "Kernel died" in log:
        return "error: the kernel died while running the notebook (os._exit, a crash, or memory)"
    if "UnresponsiveKernelError" in log or "kernel became unresponsive" in log:
        return "error: the kernel stopped responding and could not be interrupted"
    if "CellTimeoutError" in log:
        return "timeout: a cell ran past the time limit and could not be interrupted"
    lines = [line for line in log.splitlines() if line.strip() and "Traceback" not in line]
    tail = next((line.strip() for line in reversed(lines) if "Error" in line), "unknown error")
    return f"error: nbgrader could not grade the notebook ({tail[:200]})"


def main(course, assignment, student, timeout):
    config = nbgrader_config(Path(course), timeout=int(timeout))
    try:
        run_nbgrader("autograde", config, assignment_id=assignment, student_id=student)
    except NbgraderError as error:
        print(json.dumps({"reason": _explain(str(error))}))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
