"""A week of the course through nbgrader's file-system exchange, with real Unix users.

The test makes an instructor and two students (real accounts, deleted afterwards) and an
exchange in a temporary folder, and runs every step as the user who takes it, with nbgrader's
own commands:

    instructor  nbgrader db assignment add A --duedate=...  (in the course directory)
                nbgrader release_assignment A
    students    nbgrader fetch_assignment A; fill it in; nbgrader submit A   (in their home)
    instructor  nbgrader collect A
                python -m autograder grade submitted --assignment A --out grading
                cd grading/course; nbgrader release_feedback A
    students    nbgrader fetch_feedback A

One student hands in the solved notebook, the other one with a mistake of the catalog. It
proves that the grader reads what `collect` leaves, that its feedback reaches each student by
`release_feedback` and `fetch_feedback` under their own account, that each student gets the
page of their own submission (their score, the catalog's hint for their mistake) and nobody
else's, that grades.csv holds both, and that the due date is the one the instructor set in
nbgrader's gradebook.

Everyone's Jupyter configuration (~/.jupyter/nbgrader_config.py) names the exchange and the
course, as a server-wide /etc/jupyter/nbgrader_config.py would; the test leaves /etc alone.
It needs root (to make the users) and $BACKPROPLAB_UNPRIVILEGED_PYTHON, a Python with the
requirements that other users can run (.ci/run makes one). In CI it is never skipped.
"""

import csv
import html
import os
import pwd
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from autograder import samples
from autograder.course import REPO
from autograder.master import master
from autograder.mistakes import catalog

A = "03_vectorized_backprop"
FULL = master("03_vectorized_backprop").max_score
MISTAKE = "linear_db_not_summed"
# Not the grader's own course id: release_feedback must use the instructor's exchange and id
COURSE_ID = "ml101"
DUE = "2099-06-01 12:00"
REPO_PARTS = ("autograder", "backproplab", "source", "notebooks", "data")


def _needed(message):
    """Skip a run that lacks what the test needs; in CI, where it must run, fail."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _checked(command, **options):
    run = subprocess.run(command, capture_output=True, text=True, **options)
    assert run.returncode == 0, (f"{' '.join(map(str, command))} exited with {run.returncode}:"
                                 f"\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}")
    return run


@dataclass(frozen=True)
class User:
    """A real account of the machine, and the Python it runs (which must not be root's)."""

    name: str
    uid: int
    gid: int
    home: Path
    python: str

    def command(self, *args, env=()):
        """The command `args` run as this user, with the environment a login gives (nbgrader's
        submit and fetch_feedback keep their cache in $HOME) plus `env`."""
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups",
                "env", "-i", f"HOME={self.home}", f"USER={self.name}", f"LOGNAME={self.name}",
                # nbgrader runs its own console scripts (alembic) by name
                f"PATH={Path(self.python).parent}:/usr/bin:/bin", *env, *args]

    def run(self, *args, cwd=None, env=()):
        """Run `python *args` as this user in `cwd` (the home by default); it must succeed."""
        return _checked(self.command(self.python, *args, env=env), cwd=cwd or self.home)

    def nbgrader(self, *args, cwd=None):
        return self.run("-m", "nbgrader", *args, cwd=cwd)

    def give(self, path):
        """Make `path` (a file or a whole folder) this user's."""
        for item in [path, *(path.rglob("*") if path.is_dir() else ())]:
            os.chown(item, self.uid, self.gid)

    def configure(self, exchange):
        config = self.home / ".jupyter" / "nbgrader_config.py"
        config.parent.mkdir()
        config.write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n"
                          f"c.CourseDirectory.course_id = {COURSE_ID!r}\n")
        self.give(config.parent)


def _add_user(role, suffix, python, made):
    name = f"bpl-{role}-{suffix}"
    _checked(["useradd", "--create-home", "--shell", "/usr/sbin/nologin", name])
    made.append(name)
    entry = pwd.getpwnam(name)
    return User(name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir), python)


def _remove_users(names):
    failed = []
    for name in names:
        run = subprocess.run(["userdel", "-r", name], capture_output=True, text=True)
        if run.returncode != 0 and name in {e.pw_name for e in pwd.getpwall()}:
            failed.append(f"{name}: {run.stderr.strip()}")
    assert not failed, "test users left on the machine:\n" + "\n".join(failed)


def _copy_repo(world):
    """The parts of the repository the grader needs, where other users can read them."""
    repo = world / "repo"
    for part in REPO_PARTS:
        shutil.copytree(REPO / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
    return repo


def _course_directory(instructor):
    """The instructor's nbgrader course directory, holding the master and the release."""
    course = instructor.home / COURSE_ID
    for folder, notebook in (("source", REPO / "source"), ("release", REPO / "notebooks")):
        (course / folder / A).mkdir(parents=True)
        shutil.copyfile(notebook / A / f"{A}.ipynb", course / folder / A / f"{A}.ipynb")
    instructor.give(course)
    return course


def _hand_in(student, notebook):
    """What a student does: fetch the release, fill it in, submit it."""
    student.nbgrader("fetch_assignment", A)
    fetched = student.home / A / f"{A}.ipynb"
    assert fetched.is_file(), f"fetch_assignment left no {fetched}"
    nbformat.write(notebook, fetched)
    student.give(fetched)
    student.nbgrader("submit", A)


@pytest.fixture(scope="module")
def week(request):
    if os.geteuid() != 0:
        _needed("making the instructor's and the students' accounts needs root")
    python = os.environ.get("BACKPROPLAB_UNPRIVILEGED_PYTHON")
    if not python:
        _needed("set BACKPROPLAB_UNPRIVILEGED_PYTHON to a Python with the requirements that an "
                "unprivileged user can run (see .ci/run)")
    world = Path(tempfile.mkdtemp(prefix="backproplab-exchange-"))
    os.chmod(world, 0o755)
    request.addfinalizer(lambda: shutil.rmtree(world, ignore_errors=True))
    made = []
    request.addfinalizer(lambda: _remove_users(made))  # runs first: finalizers go in reverse
    suffix = secrets.token_hex(2)
    instructor, solver, stumbler = (_add_user(role, suffix, python, made)
                                    for role in ("inst", "alice", "bob"))
    repo = _copy_repo(world)
    exchange = world / "exchange"
    exchange.mkdir()
    os.chmod(exchange, 0o777)  # nbgrader requires an exchange root everyone may write to
    for user in (instructor, solver, stumbler):
        user.configure(exchange)
    course = _course_directory(instructor)

    instructor.nbgrader("db", "assignment", "add", A, f"--duedate={DUE}:00 UTC", cwd=course)
    instructor.nbgrader("release_assignment", A, cwd=course)
    _hand_in(solver, samples.solved(A))
    _hand_in(stumbler, catalog()[MISTAKE].apply())
    instructor.nbgrader("collect", A, cwd=course)
    grading = instructor.run("-m", "autograder", "grade", "submitted", "--assignment", A,
                             "--out", "grading", "--workers", "2", cwd=course,
                             env=[f"PYTHONPATH={repo}"])
    graded = course / "grading" / "course"
    instructor.nbgrader("release_feedback", A, cwd=graded)
    for student in (solver, stumbler):
        student.nbgrader("fetch_feedback", A)

    with open(course / "grading" / "grades.csv", newline="") as file:
        grades = {row["student"]: row for row in csv.DictReader(file)}
    return {"solver": solver, "stumbler": stumbler, "course": course, "graded": graded,
            "exchange": exchange, "grades": grades, "grading": grading}


def _pages(student):
    """Every HTML page in a student's home."""
    return sorted(student.home.rglob("*.html"))


def _score(page):
    found = re.search(r"score <b>([\d.]+) /\s*([\d.]+)</b>", page)
    assert found, f"no score in the feedback page:\n{page}"
    return float(found[1]), float(found[2])


def _students(week):
    return week["solver"], week["stumbler"]


def test_each_student_fetches_the_feedback_of_their_own_submission(week):
    """One page each, where fetch_feedback puts it: under the timestamp of the submission
    that collect brought, and the very page the grader wrote for that student."""
    for student in _students(week):
        collected = week["course"] / "submitted" / student.name / A
        timestamp = (collected / "timestamp.txt").read_text()
        expected = student.home / A / "feedback" / timestamp / f"{A}.html"
        assert _pages(student) == [expected], f"{student.name} fetched {_pages(student)}"
        assert expected.stat().st_uid == student.uid
        written = week["graded"] / "feedback" / student.name / A / f"{A}.html"
        assert expected.read_text() == written.read_text()
        assert f"feedback for {student.name}" in expected.read_text()


def test_the_feedback_gives_each_student_their_score_and_what_to_fix(week):
    solver, stumbler = _students(week)
    assert _score(_pages(solver)[0].read_text()) == (FULL, FULL)
    page = _pages(stumbler)[0].read_text()
    score, most = _score(page)
    assert most == FULL and score < FULL
    assert html.escape(catalog()[MISTAKE].diagnosis) in page


def test_no_student_gets_another_students_feedback(week):
    """Nothing of the other student's page in a student's home, and the exchange's folder of
    released feedback cannot be listed by a student (a page is found by its secret name)."""
    solver, stumbler = _students(week)
    for student, other in ((solver, stumbler), (stumbler, solver)):
        for page in _pages(student):
            assert other.name not in page.read_text(), f"{student.name}'s {page} names {other.name}"
        released = week["exchange"] / COURSE_ID / "feedback"
        assert len(list(released.glob("*.html"))) == 2
        listing = subprocess.run(student.command("ls", str(released)), capture_output=True,
                                 text=True)
        assert listing.returncode != 0 and "Permission denied" in listing.stderr, \
            f"{student.name} lists {released}: {listing.stdout}{listing.stderr}"


def test_grades_csv_holds_both_students(week):
    solver, stumbler = _students(week)
    grades = week["grades"]
    assert sorted(grades) == sorted([solver.name, stumbler.name])
    assert all(row["assignment"] == A and row["status"] == "graded" for row in grades.values())
    assert float(grades[solver.name]["score"]) == FULL
    assert float(grades[stumbler.name]["score"]) < float(grades[solver.name]["score"])
    page = _pages(stumbler)[0].read_text()
    assert _score(page)[0] == float(grades[stumbler.name]["score"])


def test_the_due_date_is_the_one_set_in_the_instructors_gradebook(week):
    assert f"{A} is due {DUE} UTC" in week["grading"].stderr
    with sqlite3.connect(week["graded"] / "gradebook.db") as db:
        (due,), = db.execute("SELECT duedate FROM assignment WHERE name = ?", (A,)).fetchall()
    assert due.startswith(f"{DUE}:00")
