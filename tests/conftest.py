import os

# Plots in tests draw off screen.
os.environ.setdefault("MPLBACKEND", "Agg")
