"""Instructor tooling for Backprop Lab: release the student notebooks and grade a class.

The grader is a pipeline of small modules, each one step:

- ``course``: where things are, and the nbgrader configuration of a course directory;
- ``master``: what each cell of a notebook is (nbgrader's rules, in one place) and each
  assignment's master, read once;
- ``release``: masters in ``source/`` -> student notebooks in ``notebooks/`` (nbgrader);
- ``bundle``: the helper package's wheel and the student distribution;
- ``inbox``: submitted notebooks, read as untrusted files;
- ``matching``: cells that lost their nbgrader metadata, matched back by content;
- ``engines``: the two ways a submission is judged, behind one interface: ``boundary``
  (``boundary/``: student code sandboxed, tests in a clean process) and ``nbgrader``
  (``execute``: nbgrader's autograde, in a child process with a time limit);
- ``cluster``: the boundary engine's judges on a Dask cluster (``grade --cluster``), this
  process still the one writer;
- ``reference``: the masters' trusted solutions, for later notebooks' hidden tests;
- ``results``: the result model (Outcome, CellResult, SubmissionResult, Judgement);
- ``gradebook``: nbgrader's gradebook, written and read through its API;
- ``lateness``: due dates and late penalties;
- ``report``: CSV files, HTML feedback (also where nbgrader's release_feedback looks), the
  class summary and the grade table;
- ``grade``: the ``grade`` command, which runs the steps for a whole class;
- ``export``: grades in the shape Canvas or Moodle imports;
- ``samples``: sample submissions built from the masters (solved, blank, with a mistake);
- ``mistakes``: the catalog of realistic mistakes, and the matrix that grades it;
- ``demo``: a sample class graded end to end;
- ``processes``: stopping a process tree.

Run ``python -m autograder --help``.
"""
