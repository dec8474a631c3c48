"""--diff and --fix through the real CLI: nothing written without --fix; atomic, faithful, idempotent."""

from __future__ import annotations

import os

from helpers import run_cli

DRAFT = "Hi Sam,\r\n\r\nI just wanted to share the {{report_link}}. I hope this email finds you well.\r\nDoes Tuesday at 10 work?\r\n"


def test_diff_shows_fixes_and_writes_nothing(tmp_path):
    path = tmp_path / "d.txt"
    path.write_bytes(DRAFT.encode())
    result = run_cli(str(path), "--diff")
    out = result.stdout.decode()
    assert result.returncode == 1
    assert "-I just wanted to share the {{report_link}}. I hope this email finds you well." in out
    assert "+I wanted to share the {{report_link}}." in out
    assert path.read_bytes() == DRAFT.encode()


def test_fix_writes_once_keeps_crlf_bom_mode_and_placeholders(tmp_path):
    path = tmp_path / "d.txt"
    path.write_bytes(b"\xef\xbb\xbf" + DRAFT.encode())
    os.chmod(path, 0o640)
    run_cli(str(path), "--fix", "-q")
    fixed = path.read_bytes()
    assert fixed.startswith(b"\xef\xbb\xbf")
    assert fixed.decode("utf-8-sig") == "Hi Sam,\r\n\r\nI wanted to share the {{report_link}}.\r\nDoes Tuesday at 10 work?\r\n"
    assert os.stat(path).st_mode & 0o777 == 0o640
    run_cli(str(path), "--fix", "-q")
    assert path.read_bytes() == fixed
    assert run_cli(str(path), "--diff").stdout == b""


def test_fix_on_stdin_prints_the_fixed_text_and_reports_on_stderr():
    result = run_cli("-", "--fix", input=DRAFT)
    assert result.stdout.decode() == "Hi Sam,\r\n\r\nI wanted to share the {{report_link}}.\r\nDoes Tuesday at 10 work?\r\n"
    assert "unfilled-placeholder" in result.stderr.decode()


def test_fix_runs_passes_until_nothing_is_left_so_a_second_fix_changes_nothing(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("Hi Sam,\nI hope this email finds you well.,Just checking in. Can we talk Tuesday?\n")
    diff = run_cli(str(path), "--diff", "--no-cache").stdout.decode()
    run_cli(str(path), "--fix", "-q", "--no-cache")
    once = path.read_bytes()
    assert b"I hope" not in once and b"Just" not in once
    assert f"+{once.decode().splitlines()[1]}" in diff  # --diff shows what --fix does: every pass
    stat_after_first = os.stat(path)
    second = run_cli(str(path), "--fix", "-q", "--no-cache")
    assert path.read_bytes() == once and os.stat(path).st_mtime_ns == stat_after_first.st_mtime_ns
    assert run_cli(str(path), "--diff", "--no-cache").stdout == b"" and second.returncode in (0, 1)
