"""Built-in policies re-written in Python: worked examples of :class:`dysta.Policy`.

They make the same choices as the engine's ``sjf`` and ``dysta`` (tested request by request on
the shipped ``attention`` and ``cnn`` workloads), so they are a starting point for your own.
"""

from __future__ import annotations

import numpy as np

from .policy import Policy, Queue


class ShortestJobFirst(Policy):
    """SJF: the request with the smallest estimated remaining latency runs (γ ≡ 1, pattern-unaware)."""

    name = "py-sjf"
    summary = "shortest estimated job first, in Python (the engine's sjf)"
    estimates = "pattern-unaware"
    uses_sparsity_monitor = False
    skips_forced_decisions = True
    keeps_choice_until_arrival = True

    def select(self, queue: Queue, now: float) -> int:
        return queue.argmin(queue.predicted_remaining)


class Dysta(Policy):
    """Dysta's score: R + β · (max(0, slack − R) + (idle / isolated) / n), smallest first.

    Parameters
    ----------
    beta : float
        Weight of urgency and of the preemption penalty (default 0.01, the paper's).
    """

    name = "py-dysta"
    summary = "Dysta's score, in Python (the engine's dysta)"
    estimates = "pattern-aware"
    uses_sparsity_monitor = True
    skips_forced_decisions = True

    def __init__(self, beta: float = 0.01):
        self.beta = float(beta)

    def select(self, queue: Queue, now: float) -> int:
        remaining = queue.predicted_remaining
        slack = queue.deadline - now
        urgency = np.maximum(0.0, slack - remaining)
        penalty = (now - queue.last_run) / queue.estimated_isolated / float(len(queue))
        return queue.argmin(remaining + self.beta * (urgency + penalty))
