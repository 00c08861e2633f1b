import subprocess
import sys
from pathlib import Path

from autograder.master import master

FULL = master("03_vectorized_backprop").max_score


def test_demo_command_grades_the_sample_class_as_promised_and_keeps_it(tmp_path):
    run = subprocess.run([sys.executable, "-m", "autograder", "demo"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("solution ") and f"{FULL:g} / {FULL:g}" in line for line in lines)
    assert any(line.startswith("blank ") and f" 0 / {FULL:g}" in line for line in lines)
    assert sum(line.startswith("mistake_") for line in lines) >= 4
    assert "As expected" in run.stdout
    feedback = Path("demo/grading/feedback/solution/03_vectorized_backprop.html")
    for kept in (feedback, Path("demo/grading/summary.md"), Path("demo/grading/grades.csv")):
        assert (tmp_path / kept).is_file(), kept
        assert str(kept) in run.stdout, f"the demo does not say where {kept} is"
