"""The ``bundle`` command: the helper package's wheel and the student distribution.

The wheel holds ``backproplab`` and the data sets (as package data, in
``backproplab/datasets/``), so ``pip install`` of it alone is enough for a release notebook in
any folder: a student's laptop, a JupyterHub image, Colab. Its metadata (name, version,
dependencies) is this checkout's ``pyproject.toml``; only the package list differs.

The student distribution, a folder and a zip, holds what a student needs and nothing an
instructor keeps: the released notebooks, that wheel, the figures, a student README, the data's
sources and licenses, and the pinned requirements, which install the wheel. Nothing from
``source/`` (solutions, hidden tests) or ``autograder/`` goes in.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from autograder.course import REPO

NAME = "backproplab-student"
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
# Wheels built from the same checkout are identical, byte for byte: zip entries carry this
# fixed date (2025-12-01) rather than the time the files were copied.
SOURCE_DATE_EPOCH = "1764547200"


class BundleError(RuntimeError):
    """The wheel could not be built."""


def helper_pyproject():
    """The pyproject.toml of the helper package alone: this checkout's, with only `backproplab`
    and its data sets as packages, and no extras (those are the grader's)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    dependencies = ", ".join(f'"{d}"' for d in project["dependencies"])
    return (f'[build-system]\nrequires = ["setuptools>=68"]\n'
            f'build-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "{project["name"]}"\nversion = "{project["version"]}"\n'
            f'description = "Backprop Lab: the helper package of the student notebooks, '
            f'with the course\'s data sets"\n'
            f'requires-python = "{project["requires-python"]}"\n'
            f'dependencies = [{dependencies}]\n\n'
            f'[tool.setuptools]\npackages = ["backproplab", "backproplab.datasets"]\n\n'
            f'[tool.setuptools.package-data]\n"backproplab.datasets" = ["*"]\n')


def build_wheel(out):
    """Build the helper package's wheel into the folder `out`; return its path.

    Built offline, with the setuptools of this environment (pinned in requirements.txt).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="backproplab-wheel-") as scratch:
        tree = Path(scratch) / "tree"
        shutil.copytree(REPO / "backproplab", tree / "backproplab", ignore=IGNORED)
        shutil.copytree(REPO / "data", tree / "backproplab" / "datasets")
        (tree / "pyproject.toml").write_text(helper_pyproject())
        built = Path(scratch) / "wheel"
        run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                              "--no-build-isolation", "--wheel-dir", str(built), str(tree)],
                             capture_output=True, text=True,
                             env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
        wheels = list(built.glob("backproplab-*.whl"))
        if run.returncode != 0 or len(wheels) != 1:
            raise BundleError("pip could not build the helper package's wheel (is setuptools "
                              "from requirements.txt installed?):\n" + run.stderr[-2000:])
        target = out / wheels[0].name
        shutil.copyfile(wheels[0], target)
    return target


def student_requirements(wheel):
    """requirements.txt with the checkout's install line replaced by the wheel's file."""
    lines = (REPO / "requirements.txt").read_text().splitlines()
    return "\n".join(f"./{wheel.name}" if line.startswith("-e ") else line
                     for line in lines) + "\n"


def bundle(out="dist"):
    """Write <out>/backproplab-<version>-py3-none-any.whl, <out>/backproplab-student/ and
    <out>/backproplab-student.zip.

    Returns:
    - (wheel, folder, archive): the three paths written.
    """
    out = Path(out)
    folder = out / NAME
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    wheel = build_wheel(out)
    shutil.copyfile(wheel, folder / wheel.name)
    for name in ("notebooks", "figures"):
        shutil.copytree(REPO / name, folder / name, ignore=IGNORED)
    shutil.copy2(Path(__file__).parent / "STUDENT_README.md", folder / "README.md")
    shutil.copy2(REPO / "data" / "README.md", folder / "DATA.md")
    (folder / "requirements.txt").write_text(student_requirements(wheel))
    archive = shutil.make_archive(str(out / NAME), "zip", root_dir=out, base_dir=NAME)
    return wheel, folder, Path(archive)
