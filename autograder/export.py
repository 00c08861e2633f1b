"""The ``export`` command: grades.csv in the shape an LMS imports.

- canvas: Canvas's gradebook import. The columns are Student, ID, SIS User ID, SIS Login ID
  and Section, taken from the roster (the gradebook CSV that Canvas exports). A "Points
  Possible" row follows the header, and then one column per assignment.
- moodle: Moodle's CSV grade import. It has an identifier column (the roster's column that
  Moodle maps to a user field, e.g. "Email address") and one column per grade item.
- csv: one row per student and one column per assignment, plus the total.

The roster says which of its columns holds the nbgrader student id (`id_column`). Students
graded but not in the roster, students in the roster but not graded, and ids the roster holds
twice are reported, never dropped silently. An existing file is not overwritten without
`force`.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("canvas", "moodle", "csv")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
DEFAULT_ID_COLUMN = {"canvas": "SIS Login ID", "moodle": "Email address"}


class ExportError(ValueError):
    """The export cannot be written; the message says why and how to fix it."""


@dataclass
class Export:
    """What was written, and what the instructor must look at."""

    path: Path
    rows: int
    not_in_roster: list = field(default_factory=list)  # graded, but the LMS does not know them
    not_graded: list = field(default_factory=list)  # in the roster, with no grade here


def read_grades(path):
    """grades.csv as {student: {assignment: (score, max_score)}} and the assignments in order."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path} does not exist: grade first (python -m autograder grade), "
                          "or name the file with --grades")
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    if rows and not {"student", "assignment", "score", "max_score"} <= set(rows[0]):
        raise ExportError(f"{path} is not a grades.csv of `grade`: it needs the columns "
                          "student, assignment, score, max_score")
    grades, assignments = {}, {}
    for row in rows:
        grades.setdefault(row["student"], {})[row["assignment"]] = (
            float(row["score"]), float(row["max_score"]))
        assignments[row["assignment"]] = float(row["max_score"])
    return grades, assignments


def read_roster(path, id_column):
    """The roster's rows by student id; raises on a missing column or a duplicate id."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"the roster {path} does not exist: export it from your LMS "
                          "(Canvas: Grades > Export; Moodle: Grades > Export > Plain text file)")
    with open(path, newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        if id_column not in (reader.fieldnames or []):
            raise ExportError(f"the roster {path} has no column {id_column!r} (its columns: "
                              f"{', '.join(reader.fieldnames or [])}); name the column that "
                              "holds the nbgrader student ids with --id-column")
        rows = [row for row in reader if (row.get(id_column) or "").strip()]
    roster, twice = {}, []
    for row in rows:
        student = row[id_column].strip()
        if student in roster:
            twice.append(student)
        roster[student] = row
    if twice:
        raise ExportError(f"the roster {path} holds these ids in {id_column!r} more than "
                          f"once: {', '.join(sorted(set(twice)))}; fix the roster first")
    return roster


def _number(value):
    return f"{value:g}"


def export(format, grades_path, out, *, roster_path=None, id_column=None, force=False):
    """Write grades in an LMS's import format; return an Export."""
    if format not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}; got {format!r}")
    out = Path(out)
    if out.exists() and not force:
        raise ExportError(f"{out} exists; pass --force to overwrite it")
    grades, assignments = read_grades(grades_path)
    if format != "csv" and roster_path is None:
        raise ExportError(f"a {format} export needs the roster that {format.title()} exports "
                          "(--roster FILE), to match its students to the nbgrader ids")
    id_column = id_column or DEFAULT_ID_COLUMN.get(format)
    roster = read_roster(roster_path, id_column) if roster_path else {s: {} for s in grades}
    students = [s for s in roster if s in grades]
    header, rows = _table(format, id_column, roster, students, grades, assignments)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return Export(out, len(students), sorted(set(grades) - set(roster)),
                  sorted(set(roster) - set(grades)))


def _table(format, id_column, roster, students, grades, assignments):
    """(header, rows) of the export."""
    def scores(student):
        return [_number(grades[student][a][0]) if a in grades[student] else ""
                for a in assignments]

    if format == "canvas":
        missing = [c for c in CANVAS_IDENTITY
                   if roster and c not in next(iter(roster.values()))]
        if missing:
            raise ExportError(f"the roster lacks Canvas's columns {', '.join(missing)}: use "
                              "the CSV that Canvas's gradebook exports")
        points = ["Points Possible", "", "", "", "", *map(_number, assignments.values())]
        return ([*CANVAS_IDENTITY, *assignments], [points] + [
            [roster[s][c] for c in CANVAS_IDENTITY] + scores(s) for s in students])
    if format == "moodle":
        return [id_column, *assignments], [[s, *scores(s)] for s in students]
    return (["student", *assignments, "total"],
            [[s, *scores(s), _number(sum(v[0] for v in grades[s].values()))] for s in students])
