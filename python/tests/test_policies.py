"""Policies written in Python run in the engine: same choices as the built-ins, named errors."""

from __future__ import annotations

import pandas as pd
import pytest

import dysta
from dysta.policies import Dysta, ShortestJobFirst

COLUMNS = ["seed", "id", "model", "sample", "priority", "arrival", "deadline", "finish", "isolated", "violated"]


@pytest.mark.parametrize("workload", ["attention", "cnn"])
@pytest.mark.parametrize("builtin, python", [("sjf", ShortestJobFirst), ("dysta", Dysta)])
def test_python_reimplementations_equal_the_builtins(workload, builtin, python):
    result = dysta.simulate(workload, load=0.95, schedulers=[builtin, python], seeds=[1, 2], requests=400)
    frames = {name: frame[COLUMNS].reset_index(drop=True) for name, frame in result.per_request.groupby("scheduler")}
    pd.testing.assert_frame_equal(frames[builtin], frames[python.name], check_exact=True)
    summary = result.summary.set_index("scheduler")
    assert summary.loc[builtin].drop("model").equals(summary.loc[python.name].drop("model"))


def test_options_in_brackets_reach_the_constructor():
    result = dysta.simulate("cnn", load=0.9, schedulers=["dysta", Dysta, "py-dysta[beta=0.5]"], seeds=1, requests=300)
    frames = {name: frame[COLUMNS].reset_index(drop=True) for name, frame in result.per_request.groupby("scheduler")}
    pd.testing.assert_frame_equal(frames["dysta"], frames["py-dysta"], check_exact=True)
    assert not frames["py-dysta[beta=0.5]"].equals(frames["py-dysta"])


def test_a_function_is_a_policy():
    def earliest_deadline(queue, now):
        return queue.argmin(queue.deadline)

    result = dysta.simulate("attention", load=0.8, schedulers=[earliest_deadline, "fcfs"], seeds=1, requests=200)
    assert list(result.summary["scheduler"]) == ["earliest_deadline", "fcfs"]


def test_a_policy_that_raises_is_a_named_error():
    class Broken(dysta.Policy):
        name = "broken"

        def select(self, queue, now):
            if now > 1.0:
                raise ValueError("no idea")
            return 0

    with pytest.raises(dysta.PolicyError, match=r"policy 'broken' at simulated time 1\.\d+ s: ValueError: no idea") as raised:
        dysta.simulate("cnn", load=0.9, schedulers=[Broken], seeds=1, requests=100)
    assert isinstance(raised.value.__cause__, ValueError)


@pytest.mark.parametrize("answer", [-1, 10**6, "zero", None])
def test_an_invalid_index_is_a_named_error(answer):
    def wrong(queue, now):
        return answer if now > 0.5 else 0

    with pytest.raises(dysta.PolicyError, match=r"policy 'wrong' at simulated time"):
        dysta.simulate("cnn", load=0.9, schedulers=[wrong], seeds=1, requests=100)


def test_the_interpreter_survives_and_the_next_call_works():
    with pytest.raises(dysta.PolicyError):
        dysta.simulate("cnn", schedulers=[lambda queue, now: -5], seeds=1, requests=20)
    assert len(dysta.simulate("cnn", schedulers=["fcfs"], seeds=1, requests=20).per_request) == 20
