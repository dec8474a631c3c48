"""Shared helpers for tests: run the CLI as a user would, in a subprocess."""

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
