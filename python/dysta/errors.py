"""Exceptions of the dysta package.

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
