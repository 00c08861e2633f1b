"""One judge process as grade runs it: its journal, read back, holds each test cell's result
and where the judge's time went."""

from autograder import samples
from autograder.boundary import session
from autograder.master import master

A = "02_single_neuron"


def test_the_journal_records_each_test_and_the_judges_own_timings(tmp_path):
    notebook = samples.write(samples.solved(A), tmp_path / "class", "ada", A)
    journal = tmp_path / "journal.jsonl"
    recorded = session.run(notebook, A, journal=journal, log=tmp_path / "judge.log", slot=0,
                           seed=0, cell_timeout=60, call_timeout=10, notebook_timeout=600,
                           hidden=[tmp_path / "class"])
    tests = [cell for cell, _ in master(A).graded if cell in recorded.outcomes]
    assert recorded.complete and tests and recorded.digest == session.digest(notebook)
    assert all(recorded.outcomes[cell].status == "passed" for cell in tests)
    assert session.read_journal(journal) == recorded

    phases = recorded.timings
    assert {"student process start-up", "student: given cells", "student: code cells",
            "hidden tests", "judge main"} <= set(phases)
    assert all(seconds >= 0 for seconds in phases.values())
    assert phases["judge main"] > phases["hidden tests"] + phases["student: code cells"]
    assert set(recorded.cell_timings["test cell"]) == set(tests)
    assert sum(recorded.cell_timings["test cell"].values()) <= phases["hidden tests"]
