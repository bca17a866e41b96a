"""Ctrl-C during a long call raises KeyboardInterrupt, the interpreter lives on and a sweep
keeps its finished runs."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

import dysta

GRID = dict(workloads=["cnn"], loads=[0.7, 0.8, 0.9, 1.0], slos=[5, 10, 20], schedulers=["sjf", "dysta", "lax-srpt"],
            seeds="1-4", requests=3000, threads=1, progress=False)


def _interrupt_after(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def _interrupt_when_journalled(journal, runs: int) -> threading.Thread:
    """Sends SIGINT once the sweep's journal holds `runs` finished runs (header excluded)."""

    def watch() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if journal.read_bytes().count(b"\n") > runs:
                    break
            except OSError:
                pass
            time.sleep(0.005)
        os.kill(os.getpid(), signal.SIGINT)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_ctrl_c_stops_a_sweep_which_then_resumes(tmp_path):
    started = time.monotonic()
    watcher = _interrupt_when_journalled(tmp_path / "out" / "runs.partial.csv", runs=3)
    with pytest.raises(KeyboardInterrupt):
        dysta.sweep(tmp_path / "out", **GRID)
    watcher.join()
    assert time.monotonic() - started < 60, "the engine did not stop between runs"
    journal = (tmp_path / "out" / "runs.partial.csv").read_text().splitlines()
    assert len(journal) > 1, "no finished run was kept"
    assert not (tmp_path / "out" / "runs.csv").exists()
    # The interpreter is alive and the same call finishes the missing runs.
    resumed = dysta.sweep(tmp_path / "out", **GRID)
    uninterrupted = dysta.sweep(tmp_path / "whole", **GRID)
    assert len(resumed.runs) == 4 * 3 * 3 * 4
    for name in ("runs.csv", "summary.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()


def test_ctrl_c_inside_a_python_policy():
    def slow(queue, now):
        time.sleep(0.0005)
        return queue.argmin(queue.deadline)

    timer = _interrupt_after(1.0)
    with pytest.raises(KeyboardInterrupt):
        dysta.simulate("cnn", load=0.9, schedulers=[slow], seeds=[1, 2, 3], requests=20000)
    timer.cancel()
    assert len(dysta.simulate("cnn", schedulers=["fcfs"], seeds=1, requests=10).summary) == 1
