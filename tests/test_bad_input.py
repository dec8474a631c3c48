"""Bad input gets a clear one-line answer, never a traceback and never a hang."""

from __future__ import annotations

import json
import os
import sys

import pytest
from click.testing import CliRunner

from helpers import run_cli

from followup_lint.cli import main

CLEAN = "Hi Jo,\n\nThanks for the call. Would Tuesday at 10 work to walk your team through the numbers?\n"


def one_line_error(result) -> str:
    err = result.stderr.decode()
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def test_empty_file_has_no_findings_and_a_note(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run_cli(str(path))
    assert result.returncode == 0
    assert f"{path}: note: empty file, nothing to lint" in result.stdout.decode()
    data = json.loads(run_cli(str(path), "--format", "json").stdout)
    assert data["files"][0]["findings"] == []


def test_binary_file_named_directly_is_an_error(tmp_path):
    path = tmp_path / "logo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    result = run_cli(str(path))
    assert result.returncode == 2 and "binary file" in one_line_error(result)


def test_binary_file_found_in_a_walk_is_skipped_with_a_warning(tmp_path):
    (tmp_path / "logo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (tmp_path / "draft.txt").write_text(CLEAN)
    result = run_cli(str(tmp_path), "--format", "json")
    assert result.returncode == 0
    assert "warning:" in one_line_error(result) and "logo.html" in result.stderr.decode()
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == [str(tmp_path / "draft.txt")]


def test_file_over_max_bytes_is_a_clear_error(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(CLEAN * 10)
    result = run_cli(str(path), "--max-bytes", "100")
    assert result.returncode == 2 and "over the limit of 100" in one_line_error(result)
    assert run_cli(str(path), "--max-bytes", "100000").returncode == 0


def test_malformed_eml_is_linted_as_text_with_a_note(tmp_path):
    path = tmp_path / "broken.eml"
    path.write_text("Hi Jo, just checking in. Any update?\n")
    result = run_cli(str(path), "--format", "json")
    assert result.returncode == 1
    [report] = json.loads(result.stdout)["files"]
    assert any("not a well-formed email message" in note for note in report["notes"])
    assert "no-value" in {f["rule"] for f in report["findings"]}


def test_html_bomb_finishes_and_still_reads_the_text(tmp_path):
    depth = 100_000
    bomb = "<div>" * depth + "<p>Hi Jo, just checking in.</p>" + "</div>" * depth + "<b>x</b>" * 100_000
    path = tmp_path / "bomb.html"
    path.write_text(bomb)
    result = run_cli(str(path), "--format", "json", "--select", "no-value", "--max-bytes", "5000000")
    assert result.returncode == 1, result.stderr.decode()
    [finding] = json.loads(result.stdout)["files"][0]["findings"]
    assert bomb[finding["start"]:finding["end"]] == "just checking in"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="root reads files whatever their mode; the FIFO test covers an unopenable path")
def test_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(CLEAN)
    path.chmod(0)
    result = run_cli(str(path))
    assert result.returncode == 2 and "permission denied" in one_line_error(result)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_not_read_forever(tmp_path):
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    result = run_cli(str(path))  # run_cli has a timeout: reading the pipe would hang
    assert result.returncode == 2 and "not a regular file" in one_line_error(result)


def test_symlink_loops_in_a_walk_end(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "draft.txt").write_text(CLEAN)
    os.symlink(tmp_path, tmp_path / "sub" / "loop")  # a folder that contains itself
    os.symlink(tmp_path / "a.txt", tmp_path / "b.txt")
    os.symlink(tmp_path / "b.txt", tmp_path / "a.txt")  # two files pointing at each other
    result = run_cli(str(tmp_path), "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == [str(tmp_path / "sub" / "draft.txt")]
    assert "symbolic link loop" in result.stderr.decode() and "Traceback" not in result.stderr.decode()


def test_file_deleted_mid_run(tmp_path, monkeypatch):
    import followup_lint.discover as discover

    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(CLEAN)
    walk = discover.iter_paths

    def iter_paths_deleting(paths):
        for path, named in walk(paths):
            yield path, named
            if path.endswith("a.txt"):
                os.remove(tmp_path / "b.txt")  # deleted after the walk listed it, before it is read

    monkeypatch.setattr(discover, "iter_paths", iter_paths_deleting)
    found = CliRunner().invoke(main, ["check", str(tmp_path), "--format", "json"])
    assert found.exit_code == 0, found.output
    assert "b.txt: no such file (skipped)" in found.stderr
    assert [f["path"] for f in json.loads(found.stdout)["files"]] == [str(tmp_path / "a.txt")]
    named = CliRunner().invoke(main, ["check", str(tmp_path / "b.txt")])
    assert named.exit_code == 2 and "no such file" in named.stderr and "Traceback" not in named.output


SET_NAMES_NOT_A_LIST = b"""\
id: x
title: A set that names another as a string, not a list
severity: warning
category: style
message: "Found {match}."
rationale: A user's rule, written for this test.
patterns:
  letters:
    phrases: [aaa]
  either:
    any_of: letters
detect:
  kind: existence
  match: either
examples:
  bad: [aaa, "aaa b", "b aaa", "Hi, aaa"]
  good: [bbb, "Hi Sam", b, cc]
"""

# Every kind of bad input, through the real command, in one table: (files to create, arguments, exit code,
# what stderr says). Errors are one line; the run never prints a traceback.
BAD_INPUTS = {
    "binary": ({"binary.txt": b"\x00\x01\x02\xff"}, ["binary.txt"], 2,
               "followup-lint: error: binary.txt: binary file (contains NUL bytes), not a text draft"),
    "too-big": ({"big.txt": b"word " * 300}, ["big.txt", "--max-bytes", "100"], 2,
                "followup-lint: error: big.txt: file is 1,500 bytes, over the limit of 100 (--max-bytes)"),
    "bad-front-matter": ({"front.txt": b"---\ntouch: [1\n---\nHi Sam, any update?\n"}, ["front.txt"], 2,
                         "followup-lint: error: front.txt: front matter is not valid YAML (line 3)"),
    "missing": ({}, ["missing.txt"], 2, "followup-lint: error: missing.txt: no such file"),
    "broken-plan": ({"broken.sequence.yaml": b"name: x\ntrigger: demo\nsteps: []\n"}, ["broken.sequence.yaml"], 2,
                    "followup-lint: error: broken.sequence.yaml:3: steps: must be a non-empty list of steps"),
    "broken-mbox": ({"thread.mbox": b"From nobody\n\n"}, ["thread.mbox"], 2,
                    "followup-lint: error: thread.mbox: message 1: From: missing or not an address"),
    "bad-config": ({"ok.txt": CLEAN.encode(), "bad.toml": b"select = 3\n"}, ["ok.txt", "--config", "bad.toml"], 2,
                   "bad.toml: select: must be a list of strings"),
    "missing-config": ({"ok.txt": CLEAN.encode()}, ["ok.txt", "--config", "nowhere.toml"], 2,
                       "followup-lint: error: nowhere.toml: no such config file"),
    "unknown-rule": ({"ok.txt": CLEAN.encode()}, ["ok.txt", "--select", "nosuch"], 2,
                     "followup-lint: error: command line: select/ignore: unknown rule or category 'nosuch'"),
    "bad-meta": ({"ok.txt": CLEAN.encode()}, ["ok.txt", "--meta", "touch"], 2, "'touch' is not key=value"),
    "bad-jobs": ({"ok.txt": CLEAN.encode()}, ["ok.txt", "--jobs", "-1"], 2, "-1 is not in the range x>=0"),
    "missing-rules-dir": ({"ok.txt": CLEAN.encode()}, ["ok.txt", "--rules-dir", "nowhere"], 2,
                          "followup-lint: error: nowhere: not a folder of rule files"),
    "broken-rule-file": ({"ok.txt": CLEAN.encode(), "mine/x.yaml": b"id: [\n"}, ["ok.txt", "--rules-dir", "mine"], 2,
                         "x.yaml"),
    "set-names-not-a-list": ({"ok.txt": CLEAN.encode(), "mine/x.yaml": SET_NAMES_NOT_A_LIST},
                             ["ok.txt", "--rules-dir", "mine"], 2,
                             "x.yaml: patterns.either.any_of: must be a list of pattern set names"),
    "empty": ({"empty.txt": b""}, ["empty.txt"], 0, ""),
    "no-paths": ({}, [], 2, "followup-lint: error: no files given (use - for standard input)"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_every_bad_input_through_the_cli(tmp_path, case):
    files, arguments, exit_code, message = BAD_INPUTS[case]
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    result = run_cli("check", *arguments, "--no-cache", cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == exit_code, err
    assert "Traceback" not in err
    if exit_code == 2 and err.startswith("followup-lint: error:"):
        one_line_error(result)
    assert message in err
