"""fingerprint on the shapes of code the tests of test_experiments.py (which imports it from
backproplab.experiments, as the notebooks do) leave out: closures, class members other than
plain methods, base classes and constants that are not numbers."""

import pytest

from backproplab.fingerprint import fingerprint


def notebook(source):
    """Run source as notebook code with no source text to read (module __main__, exec'd)."""
    namespace = {"__name__": "__main__"}
    exec(compile(source, "<notebook>", "exec"), namespace)
    return namespace


def test_fingerprint_follows_the_code_a_closure_holds():
    source = ("def helper(x):\n    return x + {step}\n"
              "def make(h):\n    def run(x):\n        return h(x)\n    return run\n"
              "run = make(helper)\n")
    first, again = (notebook(source.format(step=1))["run"] for _ in range(2))
    assert fingerprint(first) == fingerprint(again)
    assert fingerprint(first) != fingerprint(notebook(source.format(step=2))["run"])


def test_fingerprint_passes_over_an_empty_closure_cell():
    # `later` is a cell of `run` that is never filled: there is nothing in it to follow
    run = notebook("def make():\n    def run():\n        return later\n    return run\n"
                   "    later = 1\n")["make"]()
    assert len(fingerprint(run)) == 64


@pytest.mark.parametrize("member", [
    "@property\n    def size(self):\n        return {n}\n",
    "@staticmethod\n    def size():\n        return {n}\n",
    "@classmethod\n    def size(cls):\n        return {n}\n",
])
def test_fingerprint_follows_properties_static_and_class_methods(member):
    source = "class Layer:\n    " + member
    assert fingerprint(notebook(source.format(n=1))["Layer"]) == fingerprint(
        notebook(source.format(n=1))["Layer"])
    assert fingerprint(notebook(source.format(n=1))["Layer"]) != fingerprint(
        notebook(source.format(n=2))["Layer"])


def test_fingerprint_follows_base_classes_defined_in_the_notebook():
    source = ("class Base:\n    def step(self):\n        return {n}\n"
              "class Layer(Base):\n    pass\n")
    assert fingerprint(notebook(source.format(n=1))["Layer"]) != fingerprint(
        notebook(source.format(n=2))["Layer"])


@pytest.mark.parametrize("before, after, changes", [
    ("(1, 2)", "(1, 3)", True),              # a small tuple of numbers is a constant
    ("tuple(range(200))", "tuple(range(1, 201))", False),  # too long to be one
    ("[1, 2]", "[1, 3]", False),             # code may fill a list as it runs
])
def test_fingerprint_includes_small_tuples_and_not_lists(before, after, changes):
    source = "SIZES = {value}\ndef run():\n    return SIZES\n"
    first = fingerprint(notebook(source.format(value=before))["run"])
    second = fingerprint(notebook(source.format(value=after))["run"])
    assert (first != second) is changes
