"""The judge's cell ordering: which cells the student's process runs, and which must have run
before each of the master's fixtures and tests."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.boundary.judge import Judge, is_test, student_program


def _cell(kind, grade_id, source="pass", points=1):
    meta = {"grade_id": grade_id, "locked": kind in ("setup", "fixture", "test"),
            "solution": kind in ("answer", "manual"), "grade": kind in ("test", "manual")}
    if meta["grade"]:
        meta["points"] = points
    return new_code_cell(source, metadata={"nbgrader": meta})


def _master():
    return new_notebook(cells=[
        _cell("setup", "setup", "import numpy as np"),
        _cell("fixture", "given", "x = np.ones(3)"),
        new_markdown_cell("Exercise 1"),
        _cell("answer", "square", "def square(x):\n    return x * x"),
        _cell("test", "test_square", "assert square(2) == 4"),
        _cell("answer", "cube", "def cube(x):\n    return x ** 3"),
        _cell("test", "test_cube", "assert cube(2) == 8"),
    ])


def _labels(program):
    return [cell["label"] for cell in program]


def test_the_student_runs_its_own_code_and_the_masters_given_cells():
    submission = _master()
    submission.cells[1].source = "x = 'edited by the student'"
    submission.cells.insert(4, new_code_cell("print('scratch')"))
    program, marks = student_program(_master(), submission)
    assert _labels(program) == ["setup", "given", "square", "cell 5", "cube"]
    assert program[1]["source"] == "x = np.ones(3)" and program[1]["fixture"]
    assert "assert" not in "".join(cell["source"] for cell in program)  # no test runs there
    assert marks == {"test_square": 4, "test_cube": 5}


def test_given_cells_the_student_deleted_run_first():
    submission = _master()
    del submission.cells[1]
    program, marks = student_program(_master(), submission)
    assert _labels(program) == ["given", "setup", "square", "cube"]
    assert marks == {"test_square": 3, "test_cube": 4}


def test_duplicated_answers_all_run_as_in_a_kernel():
    submission = _master()
    submission.cells.insert(4, _cell("answer", "square", "def square(x):\n    return 0"))
    program, _ = student_program(_master(), submission)
    assert _labels(program).count("square") == 2


def _positions(master, submission):
    judge = Judge.__new__(Judge)  # the ordering needs no student process
    judge.master = master
    judge.program, judge.marks = student_program(master, submission)
    return judge.positions()


def test_each_test_runs_after_the_cells_the_master_puts_before_it():
    assert _positions(_master(), _master()) == {"setup": 1, "given": 2, "test_square": 3,
                                                "test_cube": 4}


def test_a_test_moved_up_still_waits_for_its_answer():
    submission = _master()
    test = submission.cells.pop(4)
    submission.cells.insert(1, test)  # the test of square above everything
    positions = _positions(_master(), submission)
    assert positions["test_square"] == 3  # setup, given, square


def test_a_deleted_test_runs_where_the_next_kept_cell_is():
    submission = _master()
    del submission.cells[4]  # test_square gone
    positions = _positions(_master(), submission)
    assert positions["test_square"] == 3 and positions["test_cube"] == 4


def test_a_manually_graded_code_answer_is_not_a_test():
    manual = _cell("manual", "explain", "answer = 42")
    assert not is_test(manual)
    master = _master()
    master.cells.insert(3, manual)
    program, _ = student_program(master, nbformat.from_dict(master))
    assert "explain" in _labels(program)
