"""Report: the grade table, CSV exports and per-student HTML feedback."""

import csv
import html
from pathlib import Path

GRADES_FIELDS = ["student", "assignment", "score", "max_score", "status", "test_seed"]
CELLS_FIELDS = ["student", "assignment", "cell", "points", "max_points", "status", "message"]


def _number(value):
    return f"{value:g}"


def write_grades_csv(path, results):
    """Write a row per student and assignment: score, max_score, status and the test seed."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(GRADES_FIELDS)
        for r in results:
            writer.writerow([r.student, r.assignment, _number(r.score), _number(r.max_score),
                             r.status, r.seed])


def write_cells_csv(path, results):
    """Write a row per student, assignment and graded cell, with the feedback message."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CELLS_FIELDS)
        for r in results:
            for c in r.cells:
                writer.writerow([r.student, r.assignment, c.cell, _number(c.points),
                                 _number(c.max_points), c.status, c.message])


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
"""


def feedback_html(result):
    """HTML feedback for one submission: every graded cell, its points and what to fix."""
    rows = []
    for c in result.cells:
        kind = "passed" if c.points == c.max_points and c.status == "passed" else "lost"
        rows.append(
            f'<tr class="{kind}"><td><code>{html.escape(c.cell)}</code></td>'
            f'<td class="points">{_number(c.points)} / {_number(c.max_points)}</td>'
            f'<td class="status">{html.escape(c.status)}</td>'
            f"<td><pre>{html.escape(c.message)}</pre></td></tr>")
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
