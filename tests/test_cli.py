from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import run_cli

SPIEL = "examples/spieler.txt"
GOOD = "examples/good-follow-up.txt"
NUDGE = "examples/checking-in.txt"


def test_spieler_example_is_flagged_with_source_excerpt(root):
    result = run_cli(SPIEL, cwd=root)
    out = result.stdout.decode()
    assert result.returncode == 1
    assert "examples/spieler.txt:5:56: warning spieler" in out
    assert "^^^" in out
    finding_lines = [line for line in out.splitlines() if line.startswith("examples/spieler.txt:")]
    assert out.rstrip().splitlines()[-1].startswith(f"Found {len(finding_lines)} findings")


def test_good_example_exits_zero(root):
    result = run_cli(GOOD, cwd=root)
    assert result.returncode == 0, result.stdout.decode()
    assert "All clean" in result.stdout.decode()


def test_stdin_json_is_valid_and_complete(root):
    draft = (root / NUDGE).read_text()
    result = run_cli("-", "--format", "json", "--stdin-filename", "draft.txt", input=draft)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    [file] = data["files"]
    assert file["path"] == "draft.txt"
    for key in ("words", "sentences", "questions", "first_person", "second_person", "reading_grade", "score"):
        assert key in file["metrics"]
    rules = {f["rule"] for f in file["findings"]}
    assert {"no-value", "no-next-step", "no-permission"} <= rules
    nudge = next(f for f in file["findings"] if f["rule"] == "no-value")
    assert draft[nudge["start"]:nudge["end"]] == "Just checking in"
    assert (nudge["line"], nudge["column"], nudge["end_line"], nudge["end_column"]) == (5, 1, 5, 17)
    assert nudge["remedies"][0] == "value-add"


def test_directory_walk_skips_hidden_and_non_drafts(tmp_path):
    (tmp_path / "a.txt").write_text("Hi Jo, just checking in. Any update?\n")
    (tmp_path / "notes.py").write_text("print('not a draft')\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "b.txt").write_text("Hi Jo, just checking in.\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.md").write_text("Hi Jo, thanks for the call. Does Tuesday at 2pm work?\n")
    result = run_cli(str(tmp_path), "--format", "json")
    paths = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert paths == [str(tmp_path / "a.txt"), str(tmp_path / "sub" / "c.md")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"\xff\xfe\xfa" + b"\x00\xd8" * 10, "not valid utf-16"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, content, expected):
    path = tmp_path / "draft.txt"
    if content is not None:
        path.write_bytes(content)
    result = run_cli(str(path))
    err = result.stderr.decode()
    assert result.returncode == 2
    assert expected in err.lower()
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_select_ignore_and_fail_on(root):
    only = json.loads(run_cli(NUDGE, "--select", "no-value", "--format", "json", cwd=root).stdout)
    assert {f["rule"] for f in only["files"][0]["findings"]} == {"no-value"}
    ignored = json.loads(run_cli(NUDGE, "--select", "no-value,no-permission,no-next-step", "--ignore",
                                 "no-value,no-permission", "--format", "json", cwd=root).stdout)
    assert {f["rule"] for f in ignored["files"][0]["findings"]} == {"no-next-step"}
    assert run_cli(NUDGE, "--fail-on", "error", cwd=root).returncode == 0
    unknown = run_cli(NUDGE, "--select", "no-such-rule", cwd=root)
    assert unknown.returncode == 2 and "no-such-rule" in unknown.stderr.decode()


def test_usage_error_exits_2():
    assert run_cli("--format", "xml", "x.txt").returncode == 2
    assert run_cli("check").returncode == 2


def test_the_command_writes_all_of_a_long_report_before_it_exits(root):
    """The console entry point skips the interpreter's teardown: everything buffered must be out first."""
    drafts = sorted((root / "tests" / "corpus" / "core").glob("*.txt"))
    result = run_cli("tests/corpus/core", "--format", "json", "--no-cache", cwd=root)
    assert len(result.stdout) > 64 * 1024  # more than one pipe buffer
    data = json.loads(result.stdout)
    assert len(data["files"]) == len(drafts) and result.returncode == 1


def test_text_output_marks_exactly_the_findings_that_fix_can_change(root):
    """A finding says "(fixable)" when --fix has edits for it: in a thread, whose bodies may be encoded in
    the file, the same filler finding has none."""
    marked = 0
    for path in (NUDGE, "tests/threads/demo-thread.mbox"):
        lines = run_cli(path, "--no-cache", cwd=root).stdout.decode().splitlines()
        [report] = json.loads(run_cli(path, "--no-cache", "--format", "json", cwd=root).stdout)["files"]
        assert report["findings"]
        for finding in report["findings"]:
            prefix = f"{path}:{finding['line']}:{finding['column']}: {finding['severity']} {finding['rule']} "
            [line] = [line for line in lines if line.startswith(prefix) and finding["message"] in line]
            assert line.endswith(" (fixable)") == finding["fixable"], line
            marked += finding["fixable"]
        fixable = sum(finding["fixable"] for finding in report["findings"])
        assert lines[-1].endswith(f" {fixable} fixable with --fix.") == bool(fixable), lines[-1]
    assert marked


@pytest.mark.parametrize("under_coverage", [False, True])
def test_the_command_skips_exit_handlers_unless_coverage_needs_them(under_coverage):
    code = (
        "import atexit, sys, types\n"
        f"if {under_coverage}: sys.modules['coverage'] = types.ModuleType('coverage')\n"
        "atexit.register(lambda: print('exit handlers ran'))\n"
        "from followup_lint.cli import run\n"
        "run(['explain', 'nope'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 2 and "unknown rule 'nope'" in result.stderr.decode()
    assert ("exit handlers ran" in result.stdout.decode()) == under_coverage


def test_rules_and_explain():
    listing = run_cli("rules").stdout.decode()
    for rule_id in ("spieler", "me-me-me", "no-next-step", "no-value", "no-permission"):
        assert rule_id in listing
    rules = json.loads(run_cli("rules", "--format", "json").stdout)
    assert {"id", "title", "severity", "params", "remedies"} <= set(rules[0])
    explained = run_cli("explain", "spieler").stdout.decode()
    assert "001_0924cb10bb02b39f.txt" in explained and "Chamber event" in explained and "Bad:" in explained
    missing = run_cli("explain", "nope")
    assert missing.returncode == 2 and "unknown rule 'nope'" in missing.stderr.decode()


def test_quiet_and_commands_that_must_not_load_spacy():
    code = (
        "import sys; from followup_lint.cli import main\n"
        "try:\n    main(['rules'])\nexcept SystemExit:\n    pass\n"
        "assert 'spacy' not in sys.modules, 'spacy imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
