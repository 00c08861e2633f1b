import subprocess
import sys

from autograder.course import REPO


def test_demo_command_grades_the_sample_class_as_promised():
    run = subprocess.run([sys.executable, "-m", "autograder", "demo"], cwd=REPO,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("solution ") and "36 / 36" in line for line in lines)
    assert any(line.startswith("blank ") and " 0 / 36" in line for line in lines)
    assert sum(line.startswith("mistake_") for line in lines) >= 4
    assert "As expected" in run.stdout
