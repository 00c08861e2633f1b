"""The ``bundle`` command: the student distribution, as a folder and a zip.

It holds what a student needs and nothing an instructor keeps: the released notebooks, the
helper package, the data, the figures, a student README and the pinned requirements. Nothing
from ``source/`` (solutions, hidden tests) or ``autograder/`` goes in.
"""

import shutil
from pathlib import Path

from autograder.course import REPO

NAME = "backproplab-student"
COPIED = ("notebooks", "backproplab", "data", "figures", "requirements.txt")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")

# The bundle installs only the helper package: autograder stays with the instructor.
PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "backproplab"
version = "0.1.0"
description = "Backprop Lab: the helper package of the student notebooks"
requires-python = ">=3.11"

[tool.setuptools]
packages = ["backproplab"]
"""


def bundle(out="dist"):
    """Write <out>/backproplab-student/ and <out>/backproplab-student.zip.

    Returns:
    - (folder, archive): the two paths written.
    """
    out = Path(out)
    folder = out / NAME
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=IGNORED)
        else:
            shutil.copy2(source, folder / name)
    shutil.copy2(Path(__file__).parent / "STUDENT_README.md", folder / "README.md")
    (folder / "pyproject.toml").write_text(PYPROJECT)
    archive = shutil.make_archive(str(out / NAME), "zip", root_dir=out, base_dir=NAME)
    return folder, Path(archive)
