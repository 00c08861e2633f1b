"""Report: the grade table, CSV exports and per-student HTML feedback."""

import csv
import html
import json
import shutil
import statistics
from collections import Counter
from pathlib import Path

GRADES_FIELDS = ["student", "assignment", "score", "max_score", "status", "test_seed",
                 "late_hours", "penalty"]
CELLS_FIELDS = ["student", "assignment", "cell", "points", "max_points", "status", "message",
                "diagnosis", "mistakes"]


def _number(value):
    return f"{value:g}"


def write_grades_csv(path, results):
    """Write a row per student and assignment: score (after any late penalty), max_score,
    status, the test seed, the hours late and the penalty."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(GRADES_FIELDS)
        for r in results:
            writer.writerow([r.student, r.assignment, _number(r.score), _number(r.max_score),
                             r.status, r.seed, f"{r.late_hours:.2f}", _number(r.penalty)])


def write_cells_csv(path, results):
    """Write a row per student, assignment and graded cell, with the feedback message."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CELLS_FIELDS)
        for r in results:
            for c in r.cells:
                writer.writerow([r.student, r.assignment, c.cell, _number(c.points),
                                 _number(c.max_points), c.status, c.message,
                                 _diagnosis(c), " ".join(i for i, _ in c.mistakes)])


def _diagnosis(cell):
    return " / ".join(diagnosis for _, diagnosis in cell.mistakes)


def write_cells_json(path, results):
    """Write every submission with its cells as JSON: a list of objects, one per submission."""
    records = [{"student": r.student, "assignment": r.assignment, "score": r.score,
                "max_score": r.max_score, "status": r.status, "test_seed": r.seed,
                "late_hours": round(r.late_hours, 2), "penalty": r.penalty,
                "cells": [{"cell": c.cell, "points": c.points, "max_points": c.max_points,
                           "status": c.status, "message": c.message,
                           "mistakes": [{"id": i, "diagnosis": d} for i, d in c.mistakes]}
                          for c in r.cells]}
               for r in results]
    Path(path).write_text(json.dumps(records, indent=1) + "\n")


def grade_table(results):
    """The grade table as text: one line per student and assignment."""
    rows = [("student", "assignment", "score", "status")]
    rows += [(r.student, r.assignment, f"{_number(r.score)} / {_number(r.max_score)}", r.status)
             for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join([row[0].ljust(widths[0]), row[1].ljust(widths[1]),
                        row[2].rjust(widths[2]), row[3]]) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; vertical-align: top; }
td.points { text-align: right; white-space: nowrap; }
tr.passed td.status { color: #1a7f37; } tr.lost td.status { color: #c62828; }
pre { white-space: pre-wrap; margin: 0; font-size: .9rem; }
p.hint { margin: .3rem 0 0; color: #6a4c00; }
"""


def _hint_html(cell):
    return "".join(f'<p class="hint"><b>Hint:</b> {html.escape(d)}</p>' for _, d in cell.mistakes)


def feedback_html(result):
    """HTML feedback for one submission: every graded cell, its points and what to fix."""
    rows = []
    for c in result.cells:
        kind = "passed" if c.points == c.max_points and c.status == "passed" else "lost"
        rows.append(
            f'<tr class="{kind}"><td><code>{html.escape(c.cell)}</code></td>'
            f'<td class="points">{_number(c.points)} / {_number(c.max_points)}</td>'
            f'<td class="status">{html.escape(c.status)}</td>'
            f"<td><pre>{html.escape(c.message)}</pre>{_hint_html(c)}</td></tr>")
    title = f"{result.assignment} — feedback for {result.student}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_STYLE}</style></head><body>
<h1>{html.escape(result.assignment)}</h1>
<p>Student <b>{html.escape(result.student)}</b> · score <b>{_number(result.score)} /
{_number(result.max_score)}</b> · {html.escape(result.status)}
· hidden-test seed {result.seed}</p>
<table><thead><tr><th>cell</th><th>points</th><th>result</th><th>what to look at</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""


def write_feedback(folder, result):
    """Write folder/<student>/<assignment>.html; return its path."""
    path = Path(folder) / result.student / f"{result.assignment}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feedback_html(result))
    return path


def write_nbgrader_feedback(course, result):
    """Where nbgrader's `release_feedback` looks, for a submission that came through its
    exchange: course/feedback/<student>/<assignment>/<assignment>.html, beside the timestamp
    and secret of the submission (by which the student's `fetch_feedback` finds it). Returns
    the path, or None for a submission that did not come through the exchange."""
    submitted = Path(course) / "submitted" / result.student / result.assignment
    if not (submitted / "submission_secret.txt").is_file():
        return None
    folder = Path(course) / "feedback" / result.student / result.assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("timestamp.txt", "submission_secret.txt"):
        if (submitted / name).is_file():
            shutil.copyfile(submitted / name, folder / name)
    path = folder / f"{result.assignment}.html"
    path.write_text(feedback_html(result))
    return path


def class_summary(results, descriptions):
    """A Markdown summary of the class: per graded cell, the mean, median and distribution
    of points; then the catalog mistakes found most often.

    Inputs:
    - results: list of SubmissionResult.
    - descriptions: dict mistake id -> one-line description.

    Returns:
    - text: Markdown.
    """
    lines = ["# Class summary", ""]
    graded = [r for r in results if r.cells]
    for assignment in dict.fromkeys(r.assignment for r in graded):
        rows = [r for r in graded if r.assignment == assignment]
        totals = [r.score for r in rows]
        lines += [f"## {assignment}", "",
                  f"{len(rows)} students · mean {statistics.mean(totals):.1f} · median "
                  f"{statistics.median(totals):g} of {rows[0].max_score:g} points", "",
                  "| cell | max | mean | median | full | partial | zero |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for i, cell in enumerate(rows[0].cells):
            points = [r.cells[i].points for r in rows]
            full = sum(p == cell.max_points for p in points)
            zero = sum(p == 0 for p in points)
            lines.append(f"| `{cell.cell}` | {cell.max_points:g} | {statistics.mean(points):.2f} "
                         f"| {statistics.median(points):g} | {full} | "
                         f"{len(points) - full - zero} | {zero} |")
        lines.append("")
    found = Counter(i for r in graded for c in r.cells for i, _ in c.mistakes)
    lines += ["## Most common mistakes (what to re-teach)", ""]
    if found:
        lines += ["| mistake | students | what it is |", "|---|---:|---|"]
        lines += [f"| `{i}` | {n} | {descriptions.get(i, '')} |" for i, n in found.most_common()]
    else:
        lines.append("No known mistake from the catalog was found.")
    return "\n".join(lines) + "\n"
