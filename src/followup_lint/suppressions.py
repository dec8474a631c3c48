"""Inline suppressions, in whatever comment syntax the file has (or a plain line):

    followup-lint: disable=rule-a,rule-b      ... until ...   followup-lint: enable=rule-a
    followup-lint: disable-next-line=rule-a
    followup-lint: disable-file=rule-a
    front matter:  followup-lint: {ignore: [rule-a]}

A directive without `=rules` applies to every rule. Unknown rule ids are reported as info findings
(`invalid-suppression`), never silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .directives import DIRECTIVE_RE
from .findings import Finding
from .textmap import LineIndex

ALL = "*"
INVALID_SUPPRESSION = "invalid-suppression"


@dataclass
class Suppressions:
    file_wide: set[str] = field(default_factory=set)
    by_line: dict[int, set[str]] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)

    def hides(self, finding: Finding) -> bool:
        rules = self.file_wide | self.by_line.get(finding.line, set())
        return ALL in rules or finding.rule in rules


def read_suppressions(text: str, metadata: dict, known_rules: Iterable[str]) -> Suppressions:
    known = set(known_rules)
    lines = LineIndex(text)
    total_lines = len(lines.line_starts)
    result = Suppressions()
    open_ranges: dict[str, int] = {}
    for match in DIRECTIVE_RE.finditer(text):
        line, column = lines.position(match.start())
        names = _names(match.group("rules"))
        for name in names - {ALL} - known:
            result.problems.append(_invalid(name, match, line, column, lines))
        names = {name for name in names if name == ALL or name in known}
        action = match.group("action")
        if action == "disable-file":
            result.file_wide |= names
        elif action == "disable-next-line":
            result.by_line.setdefault(line + 1, set()).update(names)
        elif action == "disable":
            for name in names:
                open_ranges.setdefault(name, line)
        else:
            for name in names if ALL not in names else set(open_ranges):
                start = open_ranges.pop(name, None)
                if start is not None:
                    _mark(result, name, start, line)
    for name, start in open_ranges.items():
        _mark(result, name, start, total_lines)
    ignored = (metadata.get("followup-lint") or {}).get("ignore", []) if isinstance(metadata.get("followup-lint"), dict) else []
    for name in ignored if isinstance(ignored, list) else [ignored]:
        if str(name) in known:
            result.file_wide.add(str(name))
    return result


def _names(raw: str | None) -> set[str]:
    if not raw or not raw.strip():
        return {ALL}
    return {name.strip() for name in raw.split(",") if name.strip()}


def _mark(result: Suppressions, name: str, first: int, last: int) -> None:
    for line in range(first, last + 1):
        result.by_line.setdefault(line, set()).add(name)


def _invalid(name: str, match: re.Match, line: int, column: int, lines: LineIndex) -> Finding:
    end_line, end_column = lines.position(match.end())
    return Finding(
        rule=INVALID_SUPPRESSION, severity="info",
        message=f"unknown rule '{name}' in a followup-lint directive (see `followup-lint rules`)",
        start=match.start(), end=match.end(), line=line, column=column, end_line=end_line, end_column=end_column,
        category="suppression",
    )


def split_suppressed(findings: list[Finding], suppressions: Suppressions) -> tuple[list[Finding], list[Finding]]:
    kept, hidden = [], []
    for finding in findings:
        (hidden if suppressions.hides(finding) else kept).append(finding)
    return kept + suppressions.problems, hidden
