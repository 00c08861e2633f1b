"""The sandbox a student process runs in.

Where Linux allows it (root, `unshare`), the student's process gets:
- a new network namespace with no interface up: no network;
- a new PID namespace: when the grader stops it, every process it started stops too;
- a new mount namespace in which the course (the repository, the grading folder with the
  gradebook and the other submissions, /tmp, the home folder) is covered by empty file
  systems, and only the Python installation, a read-only copy of the data and its own small
  working folder remain;
- its own unprivileged user id, and limits on memory, processes and file size.

Elsewhere it still runs in its own process with the resource limits, and `warning()` says
what is missing.
"""

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.course import REPO

SERVER_FILES = ("wire.py", "student.py")


@dataclass(frozen=True)
class Limits:
    """What one student process may use."""

    memory: int = 3 << 30  # bytes of address space (RLIMIT_AS)
    processes: int = 64  # processes and threads of its user (RLIMIT_NPROC)
    file_size: int = 16 << 20  # bytes in any file it writes, its output included
    disk: int = 128 << 20  # bytes of its working folder


ENTER = r"""#!/bin/sh
# Runs as root in fresh mount, network and PID namespaces: build the student's view of the
# file system, then drop to an unprivileged user and start the student process.
set -eu
box=$1; keep=$2; hide=$3; data=$4; uid=$5; disk=$6; shift 6
mount --make-rprivate /
mount -t proc proc /proc
stage=$(mktemp -d /dev/shm/keep.XXXXXX)
mount -t tmpfs tmpfs "$stage"
i=0; IFS=:
for path in $keep; do i=$((i+1)); mkdir -p "$stage/$i"; mount --bind "$path" "$stage/$i"; done
mkdir -p "$stage/data"; mount --bind "$data" "$stage/data"
for path in $hide; do if [ -d "$path" ]; then mount -t tmpfs -o mode=755 tmpfs "$path"; fi; done
i=0
for path in $keep; do i=$((i+1)); mkdir -p "$path"; mount --bind "$stage/$i" "$path"; done
unset IFS
mkdir -p "$box/data" "$box/work"
mount --bind "$stage/data" "$box/data"
mount -o remount,bind,ro "$box/data"
mount -t tmpfs -o "size=$disk,mode=700,uid=$uid,gid=$uid" tmpfs "$box/work"
umount -l "$stage"
# shared scratch folders would let two sandboxes talk: give this one empty ones
for path in /dev/shm /var/tmp /run/lock; do
    if [ -d "$path" ]; then mount -t tmpfs -o mode=1777,size=16m tmpfs "$path"; fi
done
ip link set lo up 2>/dev/null || true
cd "$box/work"
exec setpriv --reuid="$uid" --regid="$uid" --clear-groups --no-new-privs \
    --bounding-set=-all --inh-caps=-all "$@"
"""


@functools.cache
def isolation_available():
    """Whether this machine can build the full sandbox (namespaces, mounts, other users)."""
    if os.name != "posix" or os.geteuid() != 0:
        return False
    if not all(shutil.which(tool) for tool in ("unshare", "setpriv", "prlimit", "mount")):
        return False
    probe = subprocess.run(["unshare", "--mount", "--net", "--pid", "--fork", "true"],
                           capture_output=True)
    return probe.returncode == 0


def warning():
    """What the sandbox cannot do on this machine, or None."""
    if isolation_available():
        return None
    return ("warning: this machine cannot isolate student code (it needs Linux, root and "
            "`unshare`): submissions run with resource limits only, and can read files and "
            "use the network")


def prepare(hidden=()):
    """Make a sandbox folder holding the student server and the helper package.

    Inputs:
    - hidden: extra folders the student must not see (e.g. the grading output folder).

    Returns:
    - Sandbox.
    """
    box = Path(tempfile.mkdtemp(prefix="backproplab-sandbox-"))
    os.chmod(box, 0o755)
    server = box / "server"
    server.mkdir()
    for name in SERVER_FILES:
        shutil.copy2(Path(__file__).parent / name, server / name)
    shutil.copytree(REPO / "backproplab", box / "lib" / "backproplab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (box / "enter.sh").write_text(ENTER)
    return Sandbox(box, tuple(str(Path(h).resolve()) for h in hidden))


@dataclass(frozen=True)
class Sandbox:
    """A prepared sandbox folder and how to start a student process in it."""

    box: Path
    hidden: tuple

    def command(self, slot=0, limits=Limits()):
        """The command that starts the student server (it appends its two pipe fds).

        Inputs:
        - slot: which parallel worker this is; each gets its own user id, so one student's
          processes never count against another's limit.
        """
        bootstrap = (f"import sys; sys.path[:0] = [{str(self.box / 'server')!r}, "
                     f"{str(self.box / 'lib')!r}]; import student; student.main()")
        python = [sys.executable, "-I", "-c", bootstrap]
        prlimit = ["prlimit", f"--as={limits.memory}", f"--fsize={limits.file_size}",
                   f"--nproc={limits.processes}", "--core=0", "--"]
        if not isolation_available():
            return prlimit + python
        keep = [sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent.parent),
                str(self.box)]
        hide = [str(REPO), tempfile.gettempdir(), str(Path.home()), *self.hidden]
        return ["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child",
                "sh", str(self.box / "enter.sh"), str(self.box), ":".join(dict.fromkeys(keep)),
                ":".join(dict.fromkeys(hide)), str(REPO / "data"), str(61000 + slot),
                str(limits.disk), *prlimit, *python]

    def environment(self):
        """Environment variables of the student process."""
        work = self.box / ("work" if isolation_available() else "")
        return {"PATH": "/usr/bin:/bin", "HOME": str(work), "MPLBACKEND": "Agg",
                "MPLCONFIGDIR": str(work / ".matplotlib"), "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TQDM_DISABLE": "1",
                "BACKPROPLAB_GRADING": "1",
                "BACKPROPLAB_DATA": str(self.box / "data" if isolation_available()
                                        else REPO / "data")}

    def cwd(self):
        return None if isolation_available() else str(self.box)

    def remove(self):
        shutil.rmtree(self.box, ignore_errors=True)
