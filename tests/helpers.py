"""Shared helpers for tests: run the CLI as a user would, in a subprocess; judge a rule's own example."""

from __future__ import annotations

import os
import subprocess
import sys


def run_cli(*args: str, input: str | bytes | None = None, cwd=None, env=None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    data = input.encode() if isinstance(input, str) else input
    return subprocess.run(
        [sys.executable, "-m", "followup_lint", *args], input=data, capture_output=True, cwd=cwd,
        env=environment, timeout=120,
    )


def assert_example_outcome(rule, group: str, index: int, example, fired) -> None:
    """A rule's own example as a test: a good one must not fire; a bad one must, at its «mark» if it has one."""
    if group == "good":
        assert not fired, f"{rule.id} fired on good example {index}: {[f.message for f in fired]}"
        return
    assert fired, f"{rule.id} did not fire on bad example {index}"
    if example.marked:
        spans = [(f.start, f.end) for f in fired]
        assert example.marked in spans, f"{rule.id} pointed at {spans}, the example marks {example.marked}"
