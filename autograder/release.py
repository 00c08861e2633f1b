"""Release: generate the student notebooks from the masters with nbgrader.

nbgrader's generate_assignment replaces every solution region with a stub that raises
NotImplementedError, removes the hidden tests, clears outputs and records checksums.
"""

import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from autograder.course import (REPO, RELEASE, check_assignments, master_path, nbgrader_config,
                               run_nbgrader)

_REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)


def release(assignments=None, *, into=RELEASE):
    """Regenerate student notebooks from source/ into `into` (by default notebooks/).

    Inputs:
    - assignments: assignment ids, or None for every master in source/.
    - into: the release folder; each assignment becomes into/<id>/<id>.ipynb.

    Returns:
    - paths: list of the release notebooks written.
    """
    assignments = check_assignments(assignments)
    into = Path(into).resolve()
    paths = []
    with tempfile.TemporaryDirectory(prefix="backproplab-release-") as scratch:
        config = nbgrader_config(REPO)
        config.CourseDirectory.release_directory = str(Path(scratch) / "release")
        config.CourseDirectory.db_url = f"sqlite:///{Path(scratch) / 'gradebook.db'}"
        config.Exchange.root = str(Path(scratch) / "exchange")
        for assignment in assignments:
            run_nbgrader("generate_assignment", config, assignment_id=assignment)
            target = into / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(Path(scratch) / "release" / assignment, target)
            paths.append(target / f"{assignment}.ipynb")
    return paths


def secret_lines(assignment):
    """The lines a student must never see: those that occur in the master only inside a
    solution region or a hidden-test block (stripped of indentation).

    Returns:
    - set of str.
    """
    master = nbformat.read(master_path(assignment), as_version=4)
    inside, outside = set(), set()
    for cell in master.cells:
        regions = "".join(body for _, body in _REGION.findall(cell.source))
        inside |= {line.strip() for line in regions.splitlines() if line.strip()}
        outside |= {line.strip() for line in _REGION.sub("", cell.source).splitlines()}
    return inside - outside
