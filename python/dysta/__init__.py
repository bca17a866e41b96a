"""Dysta: scheduling sparse multi-DNN workloads on shared accelerators, from Python.

Importing the package has no side effects: the engine is loaded on first use.
See ``docs/python.md``.
"""

from ._version import __version__

__all__ = ["__version__"]
