"""Submitted notebooks read as untrusted files: links, FIFOs, folders and huge files refused."""

import os

import nbformat
import pytest

from autograder import inbox, samples
from autograder.course import master_path

A = "03_vectorized_backprop"


@pytest.fixture
def folder(tmp_path):
    samples.write(samples.blank(A), tmp_path, "honest", A)
    return tmp_path


def _place(folder, student):
    path = folder / student / A / f"{A}.ipynb"
    path.parent.mkdir(parents=True)
    return path


def test_a_regular_notebook_is_read(folder):
    submission = inbox.read(folder, "honest", A)
    assert submission.problem is None and submission.note == ""
    assert nbformat.reads(submission.content.decode(), as_version=4).cells


def test_a_link_to_the_master_is_refused(folder):
    _place(folder, "linker").symlink_to(master_path(A))
    submission = inbox.read(folder, "linker", A)
    assert submission.content is None
    assert submission.problem == f"refused: {A}.ipynb is a symbolic link, not a notebook file"


def test_a_linked_folder_is_refused(folder):
    (folder / "linked").mkdir()
    (folder / "linked" / A).symlink_to(folder / "honest" / A)
    assert inbox.read(folder, "linked", A).problem == (
        f"refused: linked/{A} is a symbolic link, not a folder")
    (folder / "alias").symlink_to(folder / "honest")
    assert inbox.read(folder, "alias", A).problem == (
        "refused: the folder alias is a symbolic link, not a folder")


def test_a_fifo_is_refused_without_blocking(folder):
    os.mkfifo(_place(folder, "fifo"))
    assert inbox.read(folder, "fifo", A).problem == (
        f"refused: {A}.ipynb is a FIFO, not a notebook file")


def test_a_folder_named_like_the_notebook_is_refused(folder):
    _place(folder, "folder").mkdir()
    assert inbox.read(folder, "folder", A).problem == (
        f"refused: {A}.ipynb is a folder, not a notebook file")


def test_a_notebook_over_the_size_cap_is_refused_before_parsing(folder, monkeypatch):
    monkeypatch.setattr(inbox, "MAX_BYTES", 1000)
    problem = inbox.read(folder, "honest", A).problem
    assert problem.startswith(f"refused: {A}.ipynb is ") and "MiB at most" in problem
    assert "clear its outputs" in problem


def test_missing_renamed_and_invalid_submissions(folder):
    assert inbox.read(folder, "nobody", A).problem == "not submitted"
    (folder / "empty" / A).mkdir(parents=True)
    assert inbox.read(folder, "empty", A).problem == f"missing notebook: no {A}.ipynb in the submission"
    renamed = samples.write(samples.blank(A), folder, "renamed", A)
    renamed.rename(renamed.with_name("mine.ipynb"))
    assert inbox.read(folder, "renamed", A).note == f"renamed notebook mine.ipynb graded as {A}.ipynb"
    _place(folder, "broken").write_bytes(b"\xff\xfe not json")
    assert inbox.read(folder, "broken", A).problem.startswith("invalid notebook: ")
