"""Submitted notebooks, read as untrusted files.

Students can leave anything in a folder an instructor grades (nbgrader's exchange inbound is
writable by every student): a symbolic link to the instructor's master, a FIFO that blocks a
reader forever, a device, a file of many gigabytes. So a submission is read one folder at a
time, each opened without following links, and the notebook only when it is a regular file of
at most MAX_BYTES; anything else is refused with a status that says what it is.
"""

import os
import stat
from dataclasses import dataclass

import nbformat

MAX_BYTES = 64 << 20  # far above any honest notebook of this course (outputs included)


@dataclass(frozen=True)
class Submission:
    """What a student handed in for one assignment.

    - content: the notebook's bytes, and notebook: the same parsed (None if it cannot be
      graded);
    - problem: why it cannot be graded (None if it can): the status of its row;
    - note: what was done about an odd but gradable submission (a renamed notebook).
    """

    content: bytes = None
    problem: str = None
    note: str = ""
    notebook: object = None
    timestamp: str = None  # nbgrader's timestamp.txt beside the notebook, if there is one
    secret: str = None  # and its submission_secret.txt, which names the student's feedback


def read(submissions, student, assignment):
    """The submission of `student` for `assignment` in the folder `submissions`
    (<student>/<assignment>/<notebook>.ipynb), checked as untrusted files."""
    expected = f"{assignment}.ipynb"
    folders = []
    try:
        for parent, name, label in ((submissions, student, f"the folder {student}"),
                                    (None, assignment, f"{student}/{assignment}")):
            folders.append(_open_folder(folders[-1] if folders else parent, name, label))
            if folders[-1] is None:
                return Submission(problem="not submitted")
        notebooks = sorted(n for n in os.listdir(folders[-1]) if n.endswith(".ipynb"))
        if expected in notebooks:
            name, note = expected, ""
        elif len(notebooks) == 1:
            name, note = notebooks[0], f"renamed notebook {notebooks[0]} graded as {expected}"
        elif not notebooks:
            return Submission(problem=f"missing notebook: no {expected} in the submission")
        else:
            return Submission(problem=f"missing notebook: no {expected}; found "
                                      f"{', '.join(notebooks)}")
        content = _read_file(folders[-1], name)
        timestamp = _small_file(folders[-1], "timestamp.txt")
        secret = _small_file(folders[-1], "submission_secret.txt")
    except Refused as refusal:
        return Submission(problem=f"refused: {refusal}")
    finally:
        for folder in filter(None, folders):
            os.close(folder)
    notebook, problem = _parsed(content)
    if problem:
        return Submission(problem=problem)
    return Submission(content, None, note, notebook, timestamp, secret)


class Refused(Exception):
    """A path of the submission is not what a submission may be; the message says what."""


def _kind(mode):
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def _open_folder(parent, name, label):
    """Open folder `name` of `parent` (a path or a folder fd) without following a link;
    None if it does not exist."""
    at = parent if isinstance(parent, int) else None
    path = name if at is not None else os.path.join(parent, name)
    try:
        mode = os.stat(path, dir_fd=at, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return None
    if not stat.S_ISDIR(mode):
        if stat.S_ISREG(mode):
            return None
        raise Refused(f"{label} is {_kind(mode)}, not a folder")
    try:
        return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=at)
    except OSError as error:  # it changed since, or cannot be read
        raise Refused(f"{label} cannot be opened ({error.strerror})") from None


def _open_regular(folder, name, what):
    """Regular file `name` of folder fd `folder`, opened without following a link or blocking
    on a FIFO; `what` it should be, for the refusal."""
    mode = os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
    if not stat.S_ISREG(mode):
        raise Refused(f"{name} is {_kind(mode)}, not {what}")
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError as error:
        raise Refused(f"{name} cannot be opened ({error.strerror})") from None
    file = os.fdopen(fd, "rb")
    info = os.fstat(file.fileno())
    if not stat.S_ISREG(info.st_mode):  # it changed between the look and the open
        file.close()
        raise Refused(f"{name} is {_kind(info.st_mode)}, not {what}")
    return file, info.st_size


def _read_file(folder, name):
    """The bytes of regular file `name` in folder fd `folder`, at most MAX_BYTES."""
    file, size = _open_regular(folder, name, "a notebook file")
    with file:
        if size > MAX_BYTES:
            raise Refused(f"{name} is {size / 2**20:.0f} MiB; a notebook may have "
                          f"{MAX_BYTES >> 20} MiB at most (clear its outputs)")
        content = file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise Refused(f"{name} grew past {MAX_BYTES >> 20} MiB while it was read")
    return content


def _small_file(folder, name):
    """The text of the small file `name` in folder fd `folder` (nbgrader's collect writes
    timestamp.txt and submission_secret.txt beside the notebook), or None."""
    try:
        file, _ = _open_regular(folder, name, "a file")
    except FileNotFoundError:
        return None
    with file:
        return file.read(256).decode("utf-8", errors="replace")  # as written: the secret is hashed


def _parsed(content):
    """(notebook, None) for a valid notebook (converted to nbformat 4), else (None, why)."""
    try:
        notebook = nbformat.reads(content.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # any unreadable file gets the same verdict
        summary = str(error).strip().splitlines()[0][:160] if str(error).strip() else ""
        return None, f"invalid notebook: {type(error).__name__} {summary}".strip()
    return notebook, None
