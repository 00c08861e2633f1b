"""The course's trusted implementation of each assignment, taken from its master.

Later notebooks need the code of earlier ones (04 trains networks made of the 03 layers).
Their hidden tests must not depend on a student's earlier mistakes, so they use this trusted
implementation instead, and it is not a copy: it is the master's own solution code, executed
into a module. Only instructors have it; the student bundle holds no `autograder`.
"""

import ast
import functools
import types

import nbformat

from autograder.course import master_path
from autograder.submissions import solutions

SETUP_CELL = "setup"


@functools.cache
def load(assignment):
    """The solution code of an assignment's master, executed into a module.

    It runs the master's `setup` cell (its imports) and then every solution code cell, in
    notebook order, with the solution markers removed.

    Returns:
    - module: e.g. load("03_vectorized_backprop").Linear.
    """
    master = nbformat.read(master_path(assignment), as_version=4)
    setup = [cell.source for cell in master.cells
             if cell.metadata.get("nbgrader", {}).get("grade_id") == SETUP_CELL]
    code_cells = {cell.metadata.nbgrader["grade_id"] for cell in master.cells
                  if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")}
    sources = setup + [source for grade_id, source in solutions(assignment).items()
                       if grade_id in code_cells]
    module = types.ModuleType(f"reference_{assignment}",
                              f"The master solution of {assignment}, executed.")
    for source in sources:
        exec(compile(source, f"<{assignment} master>", "exec"), module.__dict__)
    return module


def locate(value):
    """Which loaded trusted module defines the function or class `value`, and its name there:
    (assignment, name), or None."""
    module = getattr(value, "__module__", None) or ""
    if not isinstance(value, (type, types.FunctionType)) or not module.startswith("reference_"):
        return None
    assignment = module.removeprefix("reference_")
    name = getattr(value, "__name__", "")
    return (assignment, name) if vars(load(assignment)).get(name) is value else None


@functools.cache
def definitions(assignment):
    """The source of each top-level function and class of an assignment's solution code.

    Returns:
    - dict name -> source.
    """
    found = {}
    for source in _solution_sources(assignment):
        for node in ast.parse(source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                found[node.name] = ast.get_source_segment(source, node)
    return found


def _solution_sources(assignment):
    master = nbformat.read(master_path(assignment), as_version=4)
    code_cells = {cell.metadata.nbgrader["grade_id"] for cell in master.cells
                  if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")}
    return [source for grade_id, source in solutions(assignment).items() if grade_id in code_cells]


def _setup(assignment):
    master = nbformat.read(master_path(assignment), as_version=4)
    return "\n".join(cell.source for cell in master.cells
                     if cell.metadata.get("nbgrader", {}).get("grade_id") == SETUP_CELL)


def shipment(assignment, name, shipped):
    """The code a student process needs to run the trusted `name` of `assignment` itself: that
    definition and the trusted definitions it uses, never the rest of the solution (not the
    exercise being graded, in particular).

    Inputs:
    - shipped: set of (assignment, name) pairs already sent; updated in place.

    Returns:
    - list of requests, each {"assignment", "setup", "aliases", "sources"}: run the setup (once
      per assignment), bind the aliases [name, other assignment, other name], run the sources.
    """
    if (assignment, name) in shipped:
        return []
    shipped.add((assignment, name))
    value = vars(load(assignment))[name]
    home = locate(value)
    if home and home[0] != assignment:  # a name this solution took from an earlier one
        return shipment(*home, shipped) + [_request(assignment, aliases=[[name, *home]])]
    source = definitions(assignment)[name]
    used = {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
    requests = []
    for other in sorted(used - {name}):
        if other in definitions(assignment) or locate(vars(load(assignment)).get(other)):
            requests += shipment(assignment, other, shipped)
    return requests + [_request(assignment, sources=[source])]


def _request(assignment, *, aliases=(), sources=()):
    return {"assignment": assignment, "setup": _setup(assignment), "aliases": list(aliases),
            "sources": list(sources)}
