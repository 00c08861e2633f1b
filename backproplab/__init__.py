"""Backprop Lab's helper package: data loaders, gradient checks, test assertions and plots.

It holds infrastructure only; the layers, losses and networks are what the notebooks teach
you to write.
"""
