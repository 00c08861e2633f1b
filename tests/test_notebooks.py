"""Execute the notebooks: every master passes all its tests; every release runs up to its
first exercise, which raises NotImplementedError."""

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from autograder.course import available_assignments, master_path, release_path

ASSIGNMENTS = available_assignments()


def execute(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    return notebook, client


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_master_passes_every_test_cell(assignment, tmp_path):
    notebook, client = execute(master_path(assignment), tmp_path)
    client.execute()
    graded = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    assert graded
    for cell in notebook.cells:
        assert not [o for o in cell.get("outputs", []) if o.output_type == "error"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_runs_until_the_first_exercise(assignment, tmp_path):
    notebook, client = execute(release_path(assignment), tmp_path)
    with pytest.raises(CellExecutionError) as caught:
        client.execute()
    assert caught.value.ename == "NotImplementedError"
    meta = [cell.metadata.get("nbgrader", {}) for cell in notebook.cells]
    first_exercise = next(i for i, m in enumerate(meta)
                          if m.get("solution") and notebook.cells[i].cell_type == "code")
    first_test = next(i for i, m in enumerate(meta)
                      if m.get("grade") and notebook.cells[i].cell_type == "code")
    failed = next(i for i, cell in enumerate(notebook.cells)
                  if any(o.output_type == "error" for o in cell.get("outputs", [])))
    assert first_exercise <= failed <= first_test, (
        "the release should run cleanly until the first exercise is used")
