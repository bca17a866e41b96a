"""Speed of the Python package (docs/python.md, "Speed"): a policy written in Python, and the
built-in policies called from Python against the `dysta` command for the same run.

    .venv-or-any/bin/python tools/bench-python/bench.py --cli .build/release/dysta [--repeat 3]

Prints a markdown table; every time is the fastest of --repeat runs (whole call, loading
included). Uses the installed dysta package (the wheel) or DYSTA_LIBRARY.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

import dysta
from dysta.policies import Dysta, ShortestJobFirst


def fastest(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True, help="the dysta command to compare with (release build)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--requests", type=int, default=100_000)
    options = parser.parse_args()
    n = options.requests
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for workload in ("attention", "cnn"):
            for name in ("sjf", "dysta", "lax-srpt"):
                def cli():
                    subprocess.run([options.cli, "simulate", "--workload", workload, "--load", "0.9", "--schedulers", name,
                                    "--seeds", "1", "--requests", str(n), "--format", "csv", "-o", f"{folder}/s.csv",
                                    "--per-request", f"{folder}/r.csv", "--per-model", "--quiet"], check=True)

                def python():
                    dysta.simulate(workload, load=0.9, schedulers=[name], seeds=1, requests=n)

                a, b = fastest(cli, options.repeat), fastest(python, options.repeat)
                rows.append((workload, name, "built-in", a, b))
            for policy in (ShortestJobFirst, Dysta):
                seconds = fastest(lambda: dysta.simulate(workload, load=0.9, schedulers=[policy], seeds=1, requests=n),
                                  options.repeat)
                rows.append((workload, policy.name, "Python", None, seconds))
    print(f"| workload | policy | written in | `dysta simulate` (s) | `dysta.simulate` (s) | ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    for workload, name, kind, cli_seconds, python_seconds in rows:
        ratio = f"{python_seconds / cli_seconds:.2f}" if cli_seconds else ""
        cli_text = f"{cli_seconds:.2f}" if cli_seconds else ""
        print(f"| {workload} | {name} | {kind} | {cli_text} | {python_seconds:.2f} | {ratio} |")


if __name__ == "__main__":
    main()
