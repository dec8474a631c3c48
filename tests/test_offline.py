"""No network at run time: linting, lemmas and reading grade work with sockets blocked."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

DRAFT = "Hi Sam,\n\nJust checking in on the proposal. Any update?\n\nThanks,\nJo\n"


def test_lint_in_a_fresh_process_with_sockets_blocked(tmp_path):
    code = textwrap.dedent(
        f"""
        import socket
        attempts = []
        def refuse(*args, **kwargs):
            attempts.append(args)
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from followup_lint.api import lint_text
        report = lint_text({DRAFT!r})
        assert not attempts, attempts
        assert report.metrics["reading_grade"] > 0
        print(sorted({{f.rule for f in report.findings}}))
        """
    )
    # A fresh HOME: no cached NLTK or model data can hide a download on first use.
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no-value" in result.stdout


@pytest.mark.disable_socket
def test_lint_in_process_with_pytest_socket():
    import socket

    with pytest.raises(Exception):
        socket.socket()
    from followup_lint import parse
    from followup_lint.api import _rules, linter_for, lint_text

    parse.get_pipeline.cache_clear()
    _rules.cache_clear()
    linter_for.cache_clear()
    report = lint_text(DRAFT)
    assert {"no-value", "no-next-step"} <= {f.rule for f in report.findings}
