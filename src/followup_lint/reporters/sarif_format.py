"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run: the tool's rules (id, title, description, rationale with its source, default level), one result
per finding with its region (columns count Unicode code points) and its safe fixes, and findings hidden by
followup-lint directives as results carrying an in-source suppression. Files that could not be read are
tool execution notifications. Paths are relative to the current folder (``%SRCROOT%``) when they lie in it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..findings import FileReport, Finding
from ..fixes import safe_edits
from ..suppressions import INVALID_SUPPRESSION
from ..textmap import LineIndex
from . import ReportOptions, relative_path

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"
SNIPPET_LIMIT = 400  # characters of the flagged text quoted in a result

BUILTIN_DESCRIPTIONS = {
    INVALID_SUPPRESSION: ("An unknown rule id in a followup-lint directive",
                          ("A `followup-lint: disable=...` directive names a rule that does not exist, so it "
                           "suppresses nothing. Check the id with `followup-lint rules`.")),
}


def render(reports: Sequence[FileReport], options: ReportOptions) -> str:
    descriptors = rule_descriptors(options.rules, _rule_ids(reports))
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    results = [result(report, finding, index, suppressed)
               for report in reports if not report.error
               for finding, suppressed in _findings(report)]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "followup-lint", "version": options.version or "0", "rules": descriptors}},
        "invocations": [invocation(reports)],
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _findings(report: FileReport) -> Iterable[tuple[Finding, bool]]:
    yield from ((finding, False) for finding in report.findings)
    yield from ((finding, True) for finding in report.suppressed)


def _rule_ids(reports: Sequence[FileReport]) -> list[str]:
    return sorted({finding.rule for report in reports for finding, _ in _findings(report)})


def rule_descriptors(rules: Sequence, used_ids: Iterable[str]) -> list[dict[str, Any]]:
    """A reportingDescriptor per rule in effect, and a minimal one for any other rule a result names."""
    descriptors = [descriptor(rule) for rule in rules]
    described = {rule.id for rule in rules}
    for rule_id in used_ids:
        if rule_id not in described:
            title, text = BUILTIN_DESCRIPTIONS.get(rule_id, (rule_id, rule_id))
            descriptors.append({"id": rule_id, "shortDescription": {"text": title},
                                "fullDescription": {"text": text}, "help": {"text": text, "markdown": text}})
    return descriptors


def descriptor(rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": _one_paragraph(rule.description or rule.rationale)},
        "help": {"text": help_text(rule), "markdown": help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.category], "precision": "medium"},
    }


def help_text(rule) -> str:
    parts = [rule.title, "", _one_paragraph(rule.rationale)]
    if rule.source.get("passage"):
        parts += ["", f"Source ({rule.source.get('article', 'article')}): {rule.source['passage']}"]
    parts += ["", f"More: followup-lint explain {rule.id}"]
    return "\n".join(parts)


def help_markdown(rule) -> str:
    parts = [f"**{rule.title}**", "", _one_paragraph(rule.rationale)]
    if rule.description:
        parts += ["", "How it is detected: " + _one_paragraph(rule.description)]
    if rule.source.get("passage"):
        parts += ["", f"> {rule.source['passage']}", ">", f"> — {rule.source.get('article', 'source article')}"]
    if rule.examples_bad:
        example = rule.examples_bad[0].text.replace("«", "").replace("»", "")
        parts += ["", "Example that fires:", "", _quote_block(example)]
    if rule.examples_good:
        parts += ["", "Example that does not:", "", _quote_block(rule.examples_good[0].text)]
    parts += ["", f"Run `followup-lint explain {rule.id}` for the thresholds in effect."]
    return "\n".join(parts)


def _one_paragraph(text: str) -> str:
    return " ".join(text.split())


def _quote_block(text: str) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines())


def result(report: FileReport, finding: Finding, index: dict[str, int], suppressed: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(report.path),
                                            "region": region(finding, report.source_text)}}],
    }
    fixes = fix_objects(report, finding)
    if fixes:
        entry["fixes"] = fixes
    if suppressed:
        entry["suppressions"] = [{"kind": "inSource", "justification": "a followup-lint directive in the file"}]
    return entry


def artifact_location(path: str) -> dict[str, str]:
    shown = relative_path(path)
    if Path(shown).is_absolute():
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(shown, safe="/"), "uriBaseId": SRCROOT}


def region(finding: Finding, source_text: str) -> dict[str, Any]:
    area: dict[str, Any] = {"startLine": finding.line, "startColumn": finding.column,
                            "endLine": finding.end_line, "endColumn": finding.end_column}
    flagged = source_text[finding.start:finding.end]
    if flagged:
        area["snippet"] = {"text": flagged if len(flagged) <= SNIPPET_LIMIT else flagged[:SNIPPET_LIMIT] + "…"}
    return area


def fix_objects(report: FileReport, finding: Finding) -> list[dict[str, Any]]:
    """The finding's safe edits (those `--fix` would apply) as one SARIF fix."""
    if not finding.edits or not report.source_text:
        return []
    edits = safe_edits(report.source_text, finding.edits)
    if not edits:
        return []
    lines = LineIndex(report.source_text)
    replacements = []
    for edit in edits:
        (start_line, start_column), (end_line, end_column) = lines.position(edit.start), lines.position(edit.end)
        replacement: dict[str, Any] = {"deletedRegion": {"startLine": start_line, "startColumn": start_column,
                                                         "endLine": end_line, "endColumn": end_column}}
        if edit.replacement:
            replacement["insertedContent"] = {"text": edit.replacement}
        replacements.append(replacement)
    return [{"description": {"text": f"Apply the safe fix for {finding.rule}"},
             "artifactChanges": [{"artifactLocation": artifact_location(report.path), "replacements": replacements}]}]


def invocation(reports: Sequence[FileReport]) -> dict[str, Any]:
    failed = [report for report in reports if report.error]
    entry: dict[str, Any] = {"executionSuccessful": not failed}
    if failed:
        entry["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": report.error},
             "locations": [{"physicalLocation": {"artifactLocation": artifact_location(report.path)}}]}
            for report in failed
        ]
    return entry
