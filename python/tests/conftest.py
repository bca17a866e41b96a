"""Shared fixtures: the `dysta` command the Python results are compared with."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


def _cli() -> Path | None:
    if os.environ.get("DYSTA_NO_CLI"):
        return None
    override = os.environ.get("DYSTA_CLI")
    if override:
        return Path(override)
    for configuration in ("release", "debug"):
        path = REPOSITORY / ".build" / configuration / "dysta"
        if path.is_file():
            return path
    return None


@pytest.fixture(scope="session")
def cli():
    """Runs the `dysta` command line (skips the test when no built `dysta` exists)."""
    path = _cli()
    if path is None:
        pytest.skip("no built dysta command (swift build) to compare with")

    def run(*arguments: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([str(path), *arguments], capture_output=True, text=True, check=check)

    return run
