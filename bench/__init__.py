"""Benchmarks of the Backprop Lab course: training speed, course execution, grading, scaling.

Run them all with ``python -m bench`` from the repository root; see bench/README.md.
"""
