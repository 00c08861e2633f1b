"""Where the course lives, and the nbgrader configuration used to release and grade it."""

import os
import sys
from pathlib import Path

from traitlets.config import Config

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "source"
RELEASE = REPO / "notebooks"

#: Assignment ids in course order; a master for each lives in source/<id>/<id>.ipynb.
ASSIGNMENTS = ("01_derivations", "02_single_neuron", "03_vectorized_backprop", "04_mlp",
               "05_hyperparameters", "06_autograd")

#: Seconds a single cell may run while grading before it is interrupted.
DEFAULT_TIMEOUT = 60

#: Seconds one call into student code (a forward, a backward) may take while grading.
DEFAULT_CALL_TIMEOUT = 10

# The kernel prints Python warnings to stdout: nbgrader gives zero to any test cell that
# writes to stderr, and a correct answer that merely warns (an overflow on the way to a right
# value) must keep its points. Wrong values are caught by the tests, not by the warning.
WARNINGS_TO_STDOUT = (
    "import sys, warnings; warnings.showwarning = lambda message, category, filename, lineno, "
    "file=None, line=None: sys.stdout.write(warnings.formatwarning(message, category, "
    "filename, lineno, line))"
)


#: What replaces a code solution in the release: it says what to do, not only that it is missing.
CODE_STUB = ('# YOUR CODE HERE\n'
             'raise NotImplementedError("not done yet: replace this line with your code")')


def master_path(assignment):
    """Path of the master notebook of an assignment id."""
    return SOURCE / assignment / f"{assignment}.ipynb"


def release_path(assignment):
    """Path of the committed student notebook of an assignment id."""
    return RELEASE / assignment / f"{assignment}.ipynb"


def available_assignments():
    """Assignment ids, in course order, that have a master notebook in source/."""
    return [assignment for assignment in ASSIGNMENTS if master_path(assignment).is_file()]


def check_assignments(assignments):
    """Return `assignments` (or all available ones for None), or raise naming the unknown ones."""
    available = available_assignments()
    if not assignments:
        return available
    unknown = [a for a in assignments if a not in available]
    if unknown:
        raise ValueError(f"unknown assignment(s) {', '.join(unknown)}; the masters in "
                         f"{SOURCE} are: {', '.join(available)}")
    return list(assignments)


def gradebook_url(root):
    """The SQLAlchemy URL of the gradebook of course directory `root`.

    Parallel graders write to it at the same time; SQLite serializes the writes, and the
    timeout lets a writer wait for the lock instead of failing.
    """
    return f"sqlite:///{Path(root) / 'gradebook.db'}?timeout=60"


def nbgrader_config(root, *, timeout=DEFAULT_TIMEOUT):
    """The nbgrader configuration of a course directory.

    Inputs:
    - root: the course directory (nbgrader's CourseDirectory.root).
    - timeout: seconds one cell may run during autograde.

    Returns:
    - config: traitlets Config.
    """
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = "backproplab"
    config.CourseDirectory.db_url = gradebook_url(root)
    config.Execute.timeout = timeout
    config.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:",
                                      f"--IPKernelApp.exec_lines={[WARNINGS_TO_STDOUT]!r}"]
    config.NbGrader.logfile = ""
    config.ClearSolutions.code_stub = {"python": CODE_STUB}
    # The exchange (nbgrader's way of handing out and collecting notebooks) is not used, but
    # nbgrader looks for it on start-up and logs a critical error when it is missing.
    config.Exchange.root = str(Path(root) / "exchange")
    return config


# Left to the instructor's own nbgrader configuration: `nbgrader release_feedback`, run in
# the course directory, must use the class's exchange and course id, not this one's.
INSTRUCTOR_SETTINGS = {("Exchange", "root"), ("CourseDirectory", "course_id")}


def write_nbgrader_config(root, config):
    """Write `config` as root/nbgrader_config.py, so `nbgrader formgrader`, `nbgrader export`
    and `nbgrader release_feedback` run in the course directory see the same settings (but
    the exchange's: INSTRUCTOR_SETTINGS)."""
    lines = ["# Written by `python -m autograder grade`; edits are overwritten.", "c = get_config()"]
    for section, values in config.items():
        for name, value in values.items():
            if (section, name) not in INSTRUCTOR_SETTINGS:
                lines.append(f"c.{section}.{name} = {value!r}")
    (Path(root) / "nbgrader_config.py").write_text("\n".join(lines) + "\n")


def _put_console_scripts_on_path():
    # nbgrader runs its own console scripts (alembic) by name: make this environment's bin
    # folder findable even when the virtual environment was not activated.
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's own log and error."""


def run_nbgrader(step, config, **ids):
    """Run one nbgrader step ("generate_assignment", "autograde", ...) through its Python API.

    Inputs:
    - step: the name of an NbGraderAPI method.
    - config: the course's traitlets Config (see nbgrader_config).
    - ids: assignment_id=..., and student_id=... for autograde.

    Returns:
    - log: nbgrader's log output, a string. Raises NbgraderError if the step failed.
    """
    from nbgrader.apps import NbGraderAPI  # slow to import; only grading commands need it

    _put_console_scripts_on_path()
    Path(config.Exchange.root).mkdir(parents=True, exist_ok=True)
    api = NbGraderAPI(config=config)
    api.log.setLevel("ERROR")  # nbgrader's progress lines are captured in the result instead
    result = getattr(api, step)(**ids, force=True, create=True)
    if not result["success"]:
        raise NbgraderError(f"nbgrader {step} {' '.join(ids.values())} failed:\n"
                            f"{result.get('log', '')}{result.get('error', '')}")
    return result.get("log", "")

