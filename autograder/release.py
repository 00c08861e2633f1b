"""Release: generate the student notebooks from the masters with nbgrader.

nbgrader's generate_assignment replaces every solution region with a stub that raises
NotImplementedError, removes the hidden tests, clears outputs and records checksums.
"""

import shutil
import tempfile
from pathlib import Path

from autograder.course import REPO, RELEASE, check_assignments, nbgrader_config, run_nbgrader


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

