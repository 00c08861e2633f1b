"""Instructor tooling for Backprop Lab: release the student notebooks and grade a class.

The grader is a pipeline of small modules, each one step:

- ``course``: where things are, and the nbgrader configuration of a course directory;
- ``release``: masters in ``source/`` -> student notebooks in ``notebooks/`` (nbgrader);
- ``submissions``: submission notebooks built from the masters (solved, blank, with a mistake);
- ``execute``: run nbgrader's autograde on one submission, surviving whatever it does;
- ``judge``: read an autograded notebook: each test cell's outcome and message;
- ``record``: read the scores back from nbgrader's gradebook;
- ``report``: CSV files, HTML feedback and the grade table;
- ``grade``: the ``grade`` command, which runs the steps for a whole class;
- ``demo``: a sample class graded end to end.

Run ``python -m autograder --help``.
"""
