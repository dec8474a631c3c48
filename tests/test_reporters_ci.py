"""The CI output formats: SARIF (validated against the official 2.1.0 schema), GitHub workflow commands
and JUnit XML. Each is checked against the JSON report of the same run, finding by finding."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest

from helpers import run_cli

SCHEMA_PATH = Path(__file__).parent / "sarif-schema-2.1.0.json"
DRAFTS = ("spieler.txt", "checking-in.txt", "good-follow-up.txt")
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
ANNOTATION_RE = re.compile(
    r"^::(?P<level>error|warning|notice) file=(?P<file>[^,]*),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"endLine=(?P<end_line>\d+),endColumn=(?P<end_col>\d+),title=(?P<title>[^:,]*)::(?P<message>.*)$"
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, root) -> Path:
    """A folder of drafts to lint from: the examples, plus one with a suppressed finding."""
    folder = tmp_path_factory.mktemp("ci-formats")
    for name in DRAFTS:
        shutil.copy(root / "examples" / name, folder / name)
    (folder / "suppressed.txt").write_text(
        "Hi Kevin,\n\nfollowup-lint: disable-next-line=no-value\nJust checking in on the proposal.\n"
        "Does Tuesday at 2pm work for a call?\n\nMaria\n", encoding="utf-8")
    return folder


def run_format(workdir: Path, output_format: str, *names: str):
    return run_cli(*(names or (*DRAFTS, "suppressed.txt")), "--format", output_format, cwd=workdir)


@pytest.fixture(scope="module")
def json_report(workdir) -> dict:
    return json.loads(run_format(workdir, "json").stdout)


@pytest.fixture(scope="module")
def sarif(workdir) -> dict:
    result = run_format(workdir, "sarif")
    assert result.returncode == 1, result.stderr.decode()
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=jsonschema.FormatChecker())


def schema_errors(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


def all_findings(json_report: dict) -> list[tuple[str, dict]]:
    return [(file["path"], finding) for file in json_report["files"] for finding in file["findings"]]


# ---- SARIF -----------------------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(sarif, sarif_validator):
    assert schema_errors(sarif_validator, sarif) == []
    assert sarif["version"] == "2.1.0"


def test_schema_check_is_strict_enough_to_catch_mistakes(sarif, sarif_validator):
    broken = json.loads(json.dumps(sarif))
    result = broken["runs"][0]["results"][0]
    result["level"] = "warn"
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "not a uri"
    errors = schema_errors(sarif_validator, broken)
    assert any("'warn'" in error for error in errors)
    assert any("startLine" in error for error in errors)
    assert any("not a uri" in error for error in errors)


def test_sarif_describes_every_rule_in_effect(sarif, root):
    rules = {rule["id"]: rule for rule in json.loads(run_cli("rules", "--format", "json", cwd=root).stdout)}
    described = {d["id"]: d for d in sarif["runs"][0]["tool"]["driver"]["rules"]}
    enabled = {rule_id for rule_id, rule in rules.items() if rule["enabled"]}
    assert enabled <= set(described)
    for rule_id in enabled:
        descriptor = described[rule_id]
        assert descriptor["shortDescription"]["text"] == rules[rule_id]["title"]
        assert descriptor["defaultConfiguration"]["level"] == LEVELS[rules[rule_id]["severity"]]
        assert rules[rule_id]["category"] in descriptor["properties"]["tags"]
        assert f"followup-lint explain {rule_id}" in descriptor["help"]["markdown"]
        passage = rules[rule_id]["source"].get("passage")
        if passage:
            assert passage in descriptor["help"]["text"]


def test_sarif_results_match_the_json_findings(sarif, json_report, workdir):
    run = sarif["runs"][0]
    descriptors = run["tool"]["driver"]["rules"]
    active = [r for r in run["results"] if "suppressions" not in r]
    expected = all_findings(json_report)
    assert len(active) == len(expected) > 0
    for result, (path, finding) in zip(active, expected, strict=True):
        location = result["locations"][0]["physicalLocation"]
        region = location["region"]
        assert location["artifactLocation"] == {"uri": path, "uriBaseId": "%SRCROOT%"}
        assert descriptors[result["ruleIndex"]]["id"] == result["ruleId"] == finding["rule"]
        assert result["level"] == LEVELS[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (
            finding["line"], finding["column"], finding["end_line"], finding["end_column"])
        source = (workdir / path).read_text(encoding="utf-8")
        assert region["snippet"]["text"] == source[finding["start"]:finding["end"]]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == workdir.resolve().as_uri() + "/"
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_marks_findings_hidden_by_a_directive_as_suppressed(sarif):
    hidden = [r for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in hidden] == [
        ("no-value", "suppressed.txt")]
    assert hidden[0]["suppressions"][0]["kind"] == "inSource"


def apply_sarif_fixes(text: str, results: list[dict]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    replacements = [(starts[r["deletedRegion"]["startLine"] - 1] + r["deletedRegion"]["startColumn"] - 1,
                     starts[r["deletedRegion"]["endLine"] - 1] + r["deletedRegion"]["endColumn"] - 1,
                     r.get("insertedContent", {}).get("text", ""))
                    for result in results for fix in result.get("fixes", [])
                    for change in fix["artifactChanges"] for r in change["replacements"]]
    for start, end, inserted in sorted(replacements, reverse=True):
        text = text[:start] + inserted + text[end:]
    return text


def test_sarif_fixes_make_the_same_change_as_fix(workdir):
    source = (workdir / "checking-in.txt").read_text(encoding="utf-8")
    results = json.loads(run_format(workdir, "sarif", "checking-in.txt").stdout)["runs"][0]["results"]
    assert any("fixes" in result for result in results)
    fixed = run_cli("-", "--fix", "--stdin-filename", "checking-in.txt", input=source, cwd=workdir).stdout.decode()
    assert fixed != source
    assert apply_sarif_fixes(source, results) == fixed


def test_sarif_paths_are_relative_uris_and_escaped(tmp_path, sarif_validator):
    folder = tmp_path / "team drafts"
    folder.mkdir()
    (folder / "naïve #1.md").write_text("Hi Jo, just checking in. Any update?\n", encoding="utf-8")
    log = json.loads(run_cli(str(folder), "--format", "sarif", cwd=tmp_path).stdout)
    assert schema_errors(sarif_validator, log) == []
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"team%20drafts/na%C3%AFve%20%231.md"}
    assert unquote(uris.pop()) == "team drafts/naïve #1.md"
    outside = json.loads(run_cli(str(folder), "--format", "sarif", cwd=tmp_path / "team drafts").stdout)
    location = outside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "na%C3%AFve%20%231.md", "uriBaseId": "%SRCROOT%"}


def test_sarif_reports_unreadable_files_as_notifications(tmp_path, sarif_validator):
    from followup_lint.api import available_rules, lint_paths
    from followup_lint.reporters import ReportOptions, get_reporter

    (tmp_path / "ok.txt").write_text("Hi Jo, just checking in.\n", encoding="utf-8")
    reports = lint_paths([str(tmp_path / "ok.txt"), str(tmp_path / "missing.txt")])
    log = json.loads(get_reporter("sarif")(reports, ReportOptions(version="1", rules=available_rules())))
    assert schema_errors(sarif_validator, log) == []
    [invocation] = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert "no such file" in notification["message"]["text"]
    assert log["runs"][0]["results"]


# ---- GitHub workflow commands -------------------------------------------------------------------------


def unescape(value: str) -> str:
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_github_annotations_match_the_json_findings(workdir, json_report):
    result = run_format(workdir, "github")
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    expected = all_findings(json_report)
    assert len(lines) == len(expected) > 0
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    for line, (path, finding) in zip(lines, expected, strict=True):
        match = ANNOTATION_RE.match(line)
        assert match, line
        assert unescape(match["file"]) == path
        assert match["level"] == levels[finding["severity"]]
        assert match["title"] == finding["rule"]
        assert tuple(int(match[key]) for key in ("line", "col", "end_line", "end_col")) == (
            finding["line"], finding["column"], finding["end_line"], finding["end_column"])
        assert unescape(match["message"]) == finding["message"]
    assert any("%25" in line for line in lines), "a message with a percent sign must be escaped"


def test_github_escapes_property_separators_in_paths(tmp_path):
    (tmp_path / "q3, final: v2.txt").write_text("Hi Jo, just checking in. Any update?\n", encoding="utf-8")
    lines = run_cli("q3, final: v2.txt", "--format", "github", cwd=tmp_path).stdout.decode().splitlines()
    assert lines
    for line in lines:
        match = ANNOTATION_RE.match(line)
        assert match, line
        assert match["file"] == "q3%2C final%3A v2.txt"


def test_github_clean_file_prints_nothing(workdir):
    result = run_format(workdir, "github", "good-follow-up.txt")
    assert (result.returncode, result.stdout) == (0, b"")


# ---- JUnit XML ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fail_on", ["info", "warning", "never"])
def test_junit_fails_the_cases_that_fail_the_run_and_passes_the_rest(workdir, json_report, fail_on):
    """One case per finding; it fails when its severity reaches --fail-on, as the exit code does, and
    otherwise passes with the finding in its output. A clean file is one passing case."""
    result = run_cli(*DRAFTS, "suppressed.txt", "--format", "junit", "--fail-on", fail_on, cwd=workdir)
    rank = {"info": 0, "warning": 1, "error": 2, "never": 3}
    failing = [f for _, f in all_findings(json_report) if rank[f["severity"]] >= rank[fail_on]]
    assert result.returncode == (1 if failing else 0)
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    assert int(root.get("failures")) == len(failing)
    if fail_on == "warning":
        assert 0 < len(failing) < len(all_findings(json_report))  # both kinds of case are exercised
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {file["path"] for file in json_report["files"]}
    for file in json_report["files"]:
        suite = suites[file["path"]]
        cases = suite.findall("testcase")
        if not file["findings"]:
            assert len(cases) == 1 and cases[0].find("failure") is None
            continue
        assert int(suite.get("tests")) == len(cases) == len(file["findings"])
        assert int(suite.get("failures")) == sum(1 for f in file["findings"] if rank[f["severity"]] >= rank[fail_on])
        for case, finding in zip(cases, file["findings"], strict=True):
            assert case.get("name") == finding["rule"]
            assert case.get("classname") == file["path"]
            failure, output = case.find("failure"), case.find("system-out")
            if rank[finding["severity"]] >= rank[fail_on]:
                assert output is None
                assert failure.get("type") == finding["severity"]
                assert failure.get("message") == finding["message"]
                text = failure.text
            else:
                assert failure is None
                text = output.text
            assert text.startswith(f"{file['path']}:{finding['line']}:{finding['column']}: {finding['severity']} ")


def test_junit_stays_well_formed_with_control_characters_in_a_path(tmp_path):
    name = "draft\x01.txt"
    (tmp_path / name).write_text("Hi Jo, just checking in. Any update?\n", encoding="utf-8")
    result = run_cli(name, "--format", "junit", cwd=tmp_path)
    suite = ET.fromstring(result.stdout).find("testsuite")
    assert suite.get("name") == "draft\ufffd.txt"
    assert int(suite.get("failures")) > 0
