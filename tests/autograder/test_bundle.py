"""The helper package's wheel and the student bundle: complete, free of solutions and hidden
tests, and installable where students are, in fresh virtual environments outside the checkout."""

import json
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder.bundle import bundle
from autograder.course import REPO, available_assignments
from autograder.master import master
from backproplab.data import SHA256

ASSIGNMENTS = available_assignments()
HOSTED = "03_vectorized_backprop"

RUN_TO_FIRST_EXERCISE = """
import sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

notebook = nbformat.read(sys.argv[1], as_version=4)
try:
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
except CellExecutionError as error:
    print(error.ename, error.evalue)
    sys.exit(0 if error.ename == "NotImplementedError" else 1)
sys.exit(2)
"""

LOAD_EVERY_DATA_SET = """
import backproplab.data as data
assert data.data_dir() == data._PACKAGED, data.data_dir()
print(data.load_heart().X.shape, data.load_iris().X.shape, data.load_mnist()[1].X.shape)
"""


@pytest.fixture(scope="module")
def student_bundle(tmp_path_factory):
    return bundle(tmp_path_factory.mktemp("dist"))


def _venv(folder):
    """A fresh virtual environment; return its python."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    return folder / "bin" / "python"


def _pip(python, *arguments, cwd):
    run = subprocess.run([str(python), "-m", "pip", "install", "--quiet", *arguments], cwd=cwd,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]


def _run_to_first_exercise(python, notebook):
    return subprocess.run([str(python), "-c", RUN_TO_FIRST_EXERCISE, str(notebook)],
                          cwd=notebook.parent, capture_output=True, text=True, timeout=900)


def test_bundle_holds_what_a_student_needs_and_nothing_else(student_bundle):
    wheel, folder, archive = student_bundle
    assert archive.is_file()
    names = {path.name for path in folder.iterdir()}
    assert {"notebooks", wheel.name, "figures", "README.md", "DATA.md",
            "requirements.txt"} == names
    for assignment in ASSIGNMENTS:
        assert (folder / "notebooks" / assignment / f"{assignment}.ipynb").is_file()
    assert f"./{wheel.name}" in (folder / "requirements.txt").read_text().splitlines()


def test_the_wheel_holds_the_helper_package_and_the_data_sets_only(student_bundle):
    wheel, _, _ = student_bundle
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names if not name.endswith(".dist-info/RECORD")}
    assert packages == {"backproplab", "backproplab-0.1.0.dist-info"}
    assert {f"backproplab/datasets/{name}" for name in SHA256} <= set(names)
    shipped = {name.removeprefix("backproplab/") for name in names
               if name.endswith(".py") and "/datasets/" not in name}
    assert shipped == {p.name for p in (REPO / "backproplab").glob("*.py")}


def test_the_wheel_is_the_same_every_time_it_is_built(student_bundle, tmp_path):
    wheel, _, _ = student_bundle
    again, _, _ = bundle(tmp_path)
    assert again.read_bytes() == wheel.read_bytes()


def _distinctive_hits(lines, secret):
    """Secret lines that cannot be a coincidence: 60 characters or more, or three in a row
    that are not trivially short (`try:`)."""
    hits = {i for i, line in enumerate(lines) if line in secret and len(line) >= 12}
    return [lines[i] for i in sorted(hits) if len(lines[i]) >= 60 or {i + 1, i + 2} <= hits]


def test_bundle_leaks_no_solution_and_no_hidden_test(student_bundle, tmp_path):
    """A release notebook may hold no line that its own master keeps inside a solution or
    hidden-test region. Anywhere else (other notebooks, the helper package in the wheel,
    READMEs) short generic lines such as `y = np.asarray(y)` can coincide with a master's, so
    there a leak is a distinctive one (see _distinctive_hits)."""
    wheel, folder, _ = student_bundle
    zipfile.ZipFile(wheel).extractall(tmp_path / "wheel")
    secrets = {a: master(a).secret_lines for a in ASSIGNMENTS}
    every_secret = set().union(*secrets.values())
    files = [*folder.rglob("*"), *(tmp_path / "wheel").rglob("*")]
    for path in files:
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


def test_the_wheel_alone_installs_and_loads_every_data_set(student_bundle, tmp_path):
    """`pip install backproplab-*.whl` into an empty environment (pip brings NumPy, pandas,
    Matplotlib and tqdm), then the data sets load, checksums verified, far from the checkout."""
    wheel, _, _ = student_bundle
    python = _venv(tmp_path / "venv")
    _pip(python, str(wheel), cwd=tmp_path)
    run = subprocess.run([str(python), "-c", LOAD_EVERY_DATA_SET], cwd=tmp_path,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == ["(297,", "13)", "(150,", "4)", "(10000,", "784)"]


def test_bundle_installs_and_runs_each_notebook_to_its_first_exercise(student_bundle, tmp_path):
    _, folder, _ = student_bundle
    python = _venv(tmp_path / "venv")
    _pip(python, "-r", "requirements.txt", cwd=folder)
    check = subprocess.run([str(python), "-c", "import autograder"], cwd=folder,
                           capture_output=True)
    assert check.returncode != 0, "the bundle must not install the autograder"
    for assignment in ASSIGNMENTS:
        notebook = folder / "notebooks" / assignment / f"{assignment}.ipynb"
        run = _run_to_first_exercise(python, notebook)
        assert run.returncode == 0, f"{assignment}: {run.stdout}{run.stderr}"


def test_the_first_cell_installs_the_helper_package_only_where_it_is_missing(student_bundle,
                                                                           tmp_path):
    """Hosted Jupyter (Colab, a JupyterHub image): an environment with everything but the
    helper package, and a release notebook copied into an empty folder. Without the wheel the
    first code cell says what to do; with the wheel beside the notebook it installs it, and the
    notebook runs. Nothing else is installed: the environment's other packages are unchanged."""
    wheel, _, _ = student_bundle
    python = _venv(tmp_path / "venv")
    lock = tmp_path / "requirements.txt"
    lock.write_text("".join(line for line in (REPO / "requirements.txt").open()
                            if not line.startswith("-e ")))
    _pip(python, "-r", str(lock), cwd=tmp_path)
    before = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True,
                            text=True).stdout.splitlines()

    alone = tmp_path / "alone"
    alone.mkdir()
    notebook = alone / f"{HOSTED}.ipynb"
    shutil.copy(REPO / "notebooks" / HOSTED / notebook.name, notebook)
    run = _run_to_first_exercise(python, notebook)
    assert run.returncode == 1 and "ModuleNotFoundError" in run.stdout, run.stdout + run.stderr
    assert "beside this notebook" in run.stdout

    shutil.copy(wheel, alone)
    run = _run_to_first_exercise(python, notebook)
    assert run.returncode == 0, run.stdout + run.stderr
    after = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True,
                           text=True).stdout.splitlines()
    installed = [line.split(" @ ")[0] for line in set(after) - set(before)]
    assert installed == ["backproplab"]
    assert set(before) <= set(after)


def test_the_leak_check_finds_a_pasted_solution():
    from autograder.samples import solutions

    pasted = [line.strip() for line in solutions("03_vectorized_backprop")["linear"].splitlines()]
    assert _distinctive_hits(pasted, master("03_vectorized_backprop").secret_lines)
