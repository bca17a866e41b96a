"""Dysta: scheduling sparse multi-DNN workloads on shared accelerators, from Python.

The same engine as the ``dysta`` command, in this process, with pandas results::

    import dysta
    result = dysta.simulate("attention", load=0.9, schedulers=["sjf", "dysta", "lax-srpt"])
    result.summary

Importing the package has no side effects: the engine is loaded on first use.
See ``docs/python.md``.
"""

from ._version import __version__
from .api import (
    SimulationResult, SweepResult, TimelineResult, accelerators, defaults, engine_version, predictors, reproduce,
    schedulers, simulate, sweep, timeline, workloads, write_workload,
)
from .errors import DystaError, EngineNotFoundError, ExtractError, PolicyError
from .extract import extract_onnx
from .policy import Policy, Queue

__all__ = [
    "__version__", "simulate", "sweep", "write_workload", "reproduce", "timeline", "workloads", "schedulers", "predictors",
    "accelerators", "defaults", "engine_version", "SimulationResult", "SweepResult", "TimelineResult", "Policy",
    "Queue", "DystaError", "PolicyError", "EngineNotFoundError", "ExtractError", "extract_onnx",
]
