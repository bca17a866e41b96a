"""Exceptions of the dysta package (`str(error)` is the one-line message the command line prints).

Every error the engine reports arrives as a :class:`DystaError` (or a subclass) carrying the
same one-line message the ``dysta`` command prints, e.g.
``runs.csv:12: column 'arrival': not a number``.
"""

from __future__ import annotations


class DystaError(Exception):
    """An error caused by input or configuration, with the command line's one-line message."""


class PolicyError(DystaError):
    """A policy written in Python raised, or returned an index outside the ready queue.

    The message names the policy and the simulated time of the decision; the original
    exception, if any, is the ``__cause__``.
    """


class EngineNotFoundError(DystaError):
    """The engine library (``libDystaFFI.so``) could not be found or loaded."""


class ExtractError(DystaError):
    """The trace extractor refused a model, an input or an option.

    Parameters
    ----------
    path : str or path-like or None
        The file, folder or option the problem is about (``None``: the model file, filled in
        by :func:`dysta.extract.extract_onnx`).
    message : str
        What is wrong, one line.
    """

    def __init__(self, path, message):
        super().__init__(message)
        self.path = None if path is None else str(path)
        self.message = message

    def __str__(self):
        return self.message if self.path is None else f"{self.path}: {self.message}"
