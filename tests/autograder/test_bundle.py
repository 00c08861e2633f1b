"""The student bundle: complete, free of solutions and hidden tests, and installable."""

import json
import subprocess
import sys

import pytest

from autograder.bundle import bundle
from autograder.course import available_assignments
from autograder.release import secret_lines

ASSIGNMENTS = available_assignments()

RUN_TO_FIRST_EXERCISE = """
import sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

notebook = nbformat.read(sys.argv[1], as_version=4)
try:
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
except CellExecutionError as error:
    sys.exit(0 if error.ename == "NotImplementedError" else 1)
sys.exit(2)
"""


@pytest.fixture(scope="module")
def student_bundle(tmp_path_factory):
    return bundle(tmp_path_factory.mktemp("dist"))


def test_bundle_holds_what_a_student_needs_and_nothing_else(student_bundle):
    folder, archive = student_bundle
    assert archive.is_file()
    names = {path.name for path in folder.iterdir()}
    assert {"notebooks", "backproplab", "data", "figures", "README.md",
            "requirements.txt", "pyproject.toml"} == names
    for assignment in ASSIGNMENTS:
        assert (folder / "notebooks" / assignment / f"{assignment}.ipynb").is_file()


def _distinctive_hits(lines, secret):
    """Secret lines that cannot be a coincidence: 60 characters or more, or three in a row
    that are not trivially short (`try:`)."""
    hits = {i for i, line in enumerate(lines) if line in secret and len(line) >= 12}
    return [lines[i] for i in sorted(hits) if len(lines[i]) >= 60 or {i + 1, i + 2} <= hits]


def test_bundle_leaks_no_solution_and_no_hidden_test(student_bundle):
    """A release notebook may hold no line that its own master keeps inside a solution or
    hidden-test region. Anywhere else (other notebooks, the helper package, READMEs) short
    generic lines such as `y = np.asarray(y)` can coincide with a master's, so there a leak is
    a distinctive one (see _distinctive_hits)."""
    folder, _ = student_bundle
    secrets = {a: secret_lines(a) for a in ASSIGNMENTS}
    every_secret = set().union(*secrets.values())
    for path in folder.rglob("*"):
        if not path.is_file() or path.suffix not in {".ipynb", ".py", ".md", ".txt", ".toml"}:
            continue
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, path
        if path.suffix == ".ipynb":
            lines = [line.strip() for cell in json.loads(text)["cells"]
                     for line in "".join(cell["source"]).splitlines()]
            own = secrets.get(path.stem, set())
            assert not set(lines) & own, f"{path} holds {sorted(set(lines) & own)[:3]}"
        else:
            lines = [line.strip() for line in text.splitlines()]
        hits = _distinctive_hits(lines, every_secret)
        assert not hits, f"{path} holds {hits[:3]}"


def test_bundle_installs_and_runs_each_notebook_to_its_first_exercise(student_bundle, tmp_path):
    folder, _ = student_bundle
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"],
                   cwd=folder, check=True)
    check = subprocess.run([str(python), "-c", "import autograder"], cwd=folder,
                           capture_output=True)
    assert check.returncode != 0, "the bundle must not install the autograder"
    for assignment in ASSIGNMENTS:
        notebook = folder / "notebooks" / assignment / f"{assignment}.ipynb"
        run = subprocess.run([str(python), "-c", RUN_TO_FIRST_EXERCISE, str(notebook)],
                             cwd=notebook.parent, capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, f"{assignment}: {run.stdout}{run.stderr}"


def test_the_leak_check_finds_a_pasted_solution():
    from autograder.submissions import solutions

    pasted = [line.strip() for line in solutions("03_vectorized_backprop")["linear"].splitlines()]
    assert _distinctive_hits(pasted, secret_lines("03_vectorized_backprop"))
