"""Scheduling policies written in Python.

Subclass :class:`Policy` and implement :meth:`Policy.select`, or pass a plain function
``select(queue, now) -> index``; give it to :func:`dysta.simulate`, :func:`dysta.sweep` or
:func:`dysta.timeline` in ``schedulers`` next to built-in names. The engine calls it at every
decision with the whole ready queue (docs/python.md, "Policies written in Python").
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Dict, Optional, Sequence

import numpy as np


class Queue:
    """The ready queue at one decision: one numpy array per field, one entry per request.

    Times are in seconds. Floating-point fields: ``arrival``, ``deadline``, ``priority``,
    ``estimated_isolated`` (Σ of the policy's static layer estimates), ``estimated_remaining``
    (Σ over the layers still to run, without γ), ``estimated_next_layer``, ``real_isolated``
    and ``real_remaining`` (oracle information), ``last_run`` (end of the request's last layer;
    its arrival before it ran), ``gamma`` (the sparsity monitor's γ; 1 when the policy does
    not use the monitor), ``admitted_at`` and ``predicted_remaining`` (γ · estimated_remaining,
    computed by the engine). Integer fields: ``id``, ``position`` (index in the run's request
    stream), ``variant``, ``sample``, ``layer_count`` and ``next_layer``.

    The arrays are views into the engine's buffers, valid only during the call to ``select``:
    copy what you keep.
    """

    __slots__ = ("_doubles", "_integers", "count", "_double_index", "_integer_index")

    def __init__(self, doubles: np.ndarray, integers: np.ndarray, count: int,
                 double_index: Dict[str, int], integer_index: Dict[str, int]):
        self._doubles = doubles
        self._integers = integers
        self.count = count
        self._double_index = double_index
        self._integer_index = integer_index

    def __len__(self) -> int:
        return self.count

    def __getattr__(self, name: str) -> np.ndarray:
        index = self._double_index.get(name)
        if index is not None:
            return self._doubles[index, : self.count]
        index = self._integer_index.get(name)
        if index is not None:
            return self._integers[index, : self.count]
        raise AttributeError(f"the ready queue has no field '{name}'")

    def argmin(self, values: np.ndarray) -> int:
        """Index of the smallest value; ties go to the earlier arrival, then the lower id
        (the built-in policies' rule)."""
        best = values.min()
        candidates = np.flatnonzero(values == best)
        if len(candidates) == 1:
            return int(candidates[0])
        arrival = self.arrival[candidates]
        earliest = candidates[arrival == arrival.min()]
        if len(earliest) == 1:
            return int(earliest[0])
        return int(earliest[np.argmin(self.id[earliest])])

    def to_frame(self):
        """The queue as a pandas DataFrame (a copy), for inspection."""
        import pandas as pd

        data: Dict[str, Any] = {name: self._integers[i, : self.count].copy() for name, i in self._integer_index.items()}
        data.update({name: self._doubles[i, : self.count].copy() for name, i in self._double_index.items()})
        return pd.DataFrame(data)


class Policy:
    """Base class of a scheduling policy written in Python.

    Class attributes declare what the engine gives the policy and which shortcuts it may take:

    name : str
        The name the policy is selected and reported by (default: the class name, lower case).
    summary : str
        One line for :func:`dysta.schedulers`.
    estimates : {"pattern-aware", "pattern-unaware"}
        Which static latency table fills the ``estimated_*`` fields.
    uses_sparsity_monitor : bool
        Whether ``gamma`` comes from the sparsity monitor (else it is 1).
    skips_forced_decisions : bool
        True only when ``select`` has no state: the engine then skips the call when a single
        request is ready on one accelerator and nothing arrives before its layer ends.
    keeps_choice_until_arrival : bool
        True only when the request that just ran stays the choice until a new request arrives
        (FCFS, SJF without γ): the engine then runs its following layers without asking.

    Options written as ``name[key=value,…]`` in ``schedulers`` are passed to ``__init__`` as
    keyword arguments (numbers converted to int or float).
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = "a policy written in Python"
    estimates: ClassVar[str] = "pattern-aware"
    uses_sparsity_monitor: ClassVar[bool] = True
    skips_forced_decisions: ClassVar[bool] = False
    keeps_choice_until_arrival: ClassVar[bool] = False

    def select(self, queue: Queue, now: float) -> int:
        """Return the index in ``queue`` (0 … len(queue)−1) of the request whose next layer runs now.

        Parameters
        ----------
        queue : Queue
            The ready requests (non-empty).
        now : float
            The decision instant in seconds of simulated time.
        """
        raise NotImplementedError


class _Registered:
    """A Python policy as one call registers it with the engine."""

    def __init__(self, name: str, cls: type, summary: str, flags: Dict[str, Any], instance: Optional[Any] = None):
        self.name = name
        self.cls = cls
        self.summary = summary
        self.flags = flags
        self.instance = instance

    def factory(self, options: Dict[str, Any]) -> Any:
        if self.instance is not None:
            if options:
                raise ValueError(f"'{self.name}' was given as an instance: it takes no options")
            # One run at a time may use an instance: each run gets a fresh copy of its state.
            import copy

            policy = copy.deepcopy(self.instance)
        else:
            policy = self.cls(**options)
        policy.label = self.name + ("[" + ",".join(f"{k}={v}" for k, v in options.items()) + "]" if options else "")
        return policy

    def spec(self) -> Dict[str, Any]:
        return {"name": self.name, "summary": self.summary, **self.flags}


class _FunctionPolicy(Policy):
    def __init__(self, function: Callable[[Queue, float], int]):
        self.function = function

    def select(self, queue: Queue, now: float) -> int:
        return self.function(queue, now)


def _flags(source: Any) -> Dict[str, Any]:
    estimates = getattr(source, "estimates", "pattern-aware")
    if estimates not in ("pattern-aware", "pattern-unaware"):
        raise ValueError(f"estimates must be 'pattern-aware' or 'pattern-unaware', not {estimates!r}")
    return {
        "estimates": estimates,
        "uses_sparsity_monitor": bool(getattr(source, "uses_sparsity_monitor", True)),
        "skips_forced_decisions": bool(getattr(source, "skips_forced_decisions", False)),
        "keeps_choice_until_arrival": bool(getattr(source, "keeps_choice_until_arrival", False)),
    }


def register(item: Any) -> _Registered:
    """A Policy subclass, a Policy instance or a function, as the engine registers it."""
    if isinstance(item, type) and issubclass(item, Policy):
        name = item.name or item.__name__.lower()
        return _Registered(name, item, item.summary, _flags(item))
    if isinstance(item, Policy):
        name = type(item).name or type(item).__name__.lower()
        return _Registered(name, type(item), type(item).summary, _flags(item), instance=item)
    if callable(item):
        name = getattr(item, "policy_name", None) or getattr(item, "__name__", "python-policy")
        wrapper = _FunctionPolicy(item)
        for key in ("estimates", "uses_sparsity_monitor", "skips_forced_decisions", "keeps_choice_until_arrival"):
            if hasattr(item, key):
                setattr(wrapper, key, getattr(item, key))
        return _Registered(name, _FunctionPolicy, getattr(item, "summary", "a function written in Python"), _flags(wrapper), instance=wrapper)
    raise TypeError(f"a scheduler must be a name, a dysta.Policy subclass or instance, or a function; got {item!r}")
