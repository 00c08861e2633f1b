"""Grades exported in the shapes Canvas and Moodle import, checked against sample files made
from those formats' documentation."""

import csv

import pytest

from autograder.__main__ import main
from autograder.export import ExportError, export

GRADES = """student,assignment,score,max_score,status,test_seed
jdoe,03_vectorized_backprop,35,36,graded,1
jdoe,04_mlp,18,23,graded,2
rroe,03_vectorized_backprop,36,36,graded,3
rroe,04_mlp,0,23,not submitted,4
ghost,03_vectorized_backprop,12,36,graded,5
"""

# Canvas: Grades > Export. Identity columns, a "Points Possible" row, one column per assignment.
CANVAS_ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (101)
    Points Possible,,,,,10
"Doe, Jane",1001,S001,jdoe,Section A,8
"Roe, Rick",1002,S002,rroe,Section A,9
"Poe, Ann",1003,S003,apoe,Section B,7
"""

# Moodle: Grades > Export > Plain text file.
MOODLE_ROSTER = """First name,Last name,ID number,Institution,Department,Email address,Last downloaded from this course
Jane,Doe,S001,,,jdoe,1700000000
Rick,Roe,S002,,,rroe,1700000000
"""


def _rows(path):
    with open(path, newline="") as file:
        return list(csv.reader(file))


@pytest.fixture
def files(tmp_path):
    (tmp_path / "grades.csv").write_text(GRADES)
    (tmp_path / "canvas-roster.csv").write_text(CANVAS_ROSTER)
    (tmp_path / "moodle-roster.csv").write_text(MOODLE_ROSTER)
    return tmp_path


def test_canvas_gets_its_identity_columns_points_and_one_column_per_assignment(files):
    done = export("canvas", files / "grades.csv", files / "canvas.csv",
                  roster_path=files / "canvas-roster.csv")
    assert _rows(done.path) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "03_vectorized_backprop",
         "04_mlp"],
        ["Points Possible", "", "", "", "", "36", "23"],
        ["Doe, Jane", "1001", "S001", "jdoe", "Section A", "35", "18"],
        ["Roe, Rick", "1002", "S002", "rroe", "Section A", "36", "0"],
    ]
    assert done.not_in_roster == ["ghost"] and done.not_graded == ["apoe"]


def test_moodle_gets_an_identifier_column_and_one_column_per_grade_item(files):
    done = export("moodle", files / "grades.csv", files / "moodle.csv",
                  roster_path=files / "moodle-roster.csv")
    assert _rows(done.path) == [["Email address", "03_vectorized_backprop", "04_mlp"],
                                ["jdoe", "35", "18"], ["rroe", "36", "0"]]
    assert done.not_in_roster == ["ghost"]


def test_plain_csv_needs_no_roster(files):
    done = export("csv", files / "grades.csv", files / "plain.csv")
    assert _rows(done.path)[0] == ["student", "03_vectorized_backprop", "04_mlp", "total"]
    assert ["jdoe", "35", "18", "53"] in _rows(done.path)


def test_duplicate_ids_missing_columns_and_existing_files_are_refused(files):
    (files / "twice.csv").write_text(CANVAS_ROSTER + '"Doe, J.",1004,S004,jdoe,Section B,\n')
    with pytest.raises(ExportError, match="more than once: jdoe"):
        export("canvas", files / "grades.csv", files / "a.csv", roster_path=files / "twice.csv")
    with pytest.raises(ExportError, match="no column 'SIS Login ID'"):
        export("canvas", files / "grades.csv", files / "a.csv",
               roster_path=files / "moodle-roster.csv")
    (files / "kept.csv").write_text("the instructor's own file")
    with pytest.raises(ExportError, match="pass --force"):
        export("csv", files / "grades.csv", files / "kept.csv")
    assert (files / "kept.csv").read_text() == "the instructor's own file"
    export("csv", files / "grades.csv", files / "kept.csv", force=True)
    with pytest.raises(ExportError, match="needs the roster"):
        export("canvas", files / "grades.csv", files / "b.csv")


def test_the_command_reports_whom_it_could_not_match(files, capsys):
    assert main(["export", "--format", "canvas", "--grades", str(files / "grades.csv"),
                 "--roster", str(files / "canvas-roster.csv")]) == 0
    said = capsys.readouterr()
    assert "wrote" in said.out and (files / "canvas.csv").is_file()
    assert "graded but not in the roster, so not exported (1): ghost" in said.err
    assert "in the roster but not graded, left blank (1): apoe" in said.err
    assert main(["export", "--format", "canvas", "--grades", str(files / "grades.csv"),
                 "--roster", str(files / "canvas-roster.csv")]) == 2
    assert "pass --force" in capsys.readouterr().err
