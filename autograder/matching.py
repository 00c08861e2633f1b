"""Submitted cells that lost their nbgrader metadata, matched to the release by content.

A student who copies their work into a fresh notebook, or whose editor drops cell metadata,
hands in the right code in cells that nbgrader cannot recognize, and the grader would run the
tests before the answers they test. So each code cell without nbgrader metadata gets it back
where its content says which cell it is: an answer by the functions and classes it defines
(the cell that defines `Linear` is the `linear` answer), a given or test cell by its source,
as the release has it. What still cannot be found is reported, never silently scored.
"""

import ast
from dataclasses import dataclass

from autograder.master import ANSWER, WRITTEN, cell_id, kind
from autograder.samples import blank


@dataclass(frozen=True)
class Matching:
    """What `restore` did: the grade_ids found by content, and the answers not found at all."""

    matched: tuple = ()
    missing: tuple = ()

    def note(self):
        """What the status column says, or ""."""
        parts = []
        if self.matched:
            parts.append(f"matched by content (their nbgrader metadata was missing): "
                         f"{', '.join(self.matched)}")
        if self.missing:
            parts.append(f"not found in the notebook: {', '.join(self.missing)}")
        return "; ".join(parts)


def _definitions(source):
    """The functions and classes a cell defines at its top level."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return set()
    return {node.name for node in body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def restore(notebook, assignment):
    """Give the code cells of `notebook` that have no nbgrader metadata the metadata of the
    release cell they hold (in place); return a Matching."""
    named = [c for c in blank(assignment).cells if cell_id(c)]
    present = {cell_id(c) for c in notebook.cells if cell_id(c)}
    wanted = [c for c in named if cell_id(c) not in present]
    if not wanted:
        return Matching()
    matched = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or cell.metadata.get("nbgrader") or not wanted:
            continue
        found = _which(cell, wanted)
        if found is not None:
            cell.metadata["nbgrader"] = dict(found.metadata["nbgrader"])
            wanted.remove(found)
            matched.append(cell_id(found))
    return Matching(tuple(matched), tuple(cell_id(c) for c in wanted
                                          if kind(c) in (ANSWER, WRITTEN)))


def _which(cell, wanted):
    """The release cell among `wanted` that `cell` holds, or None."""
    source = cell.source.strip()
    answers = (ANSWER, WRITTEN)
    for candidate in wanted:
        if kind(candidate) not in answers and candidate.source.strip() == source:
            return candidate  # a given or test cell, as released
    defined = _definitions(cell.source)
    for candidate in wanted:
        names = _definitions(candidate.source)
        if kind(candidate) in answers and candidate.cell_type == "code" and names \
                and names <= defined:
            return candidate  # an answer: it defines what the exercise asks for
    return None
