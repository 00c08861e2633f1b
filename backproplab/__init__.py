"""Backprop Lab's helper package: the infrastructure the notebooks import. The layers, losses and
networks are what the notebooks teach you to write, so none of them is here.

Modules:
- data: offline loaders of the course data sets (Heart Disease, Iris, MNIST), checked by SHA-256.
- gradcheck: finite-difference gradients and the checks of a layer's or a loss's backward pass.
- testing: the assertions of the notebooks' test cells, with messages that say what to fix.
- compgraph: small expression graphs (a table of gates), evaluated forward and backward, drawn.
- diagrams: drawings of a layer and of a network, and the figures written for the README.
- descent: plots of gradient descent (loss curve, decision boundary, loss surface with a path).
- evaluation: stratified splits and confusion matrices.
- plots: training curves and image grids.
- experiments: studies of many runs (the columns of a study table, its plots and tables).
- runcache: finished runs stored on disk, keyed by their arguments and the code's fingerprint.
- fingerprint: a hash of functions and classes and of all the notebook code they use.
- progress: `quiet_progress`, one progress bar for a whole study.
- drawing: what the plots share (colours, one way to get an Axes, arrows, a diagram's frame).
- codenames: which global names compiled code looks up (for fingerprints and the autograder).
"""
