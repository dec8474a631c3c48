"""The linting stage: run the selected rules over parsed drafts and turn hits into findings.

Hits carry offsets in the parsed text (body or subject); findings carry offsets and line/column in the
original source, mapped through the draft's ``TextMap``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .checks import CHECKS  # noqa: F401  (registers the Python checks)
from .detectors import Hit, RuleContext, run_detector
from .extract import Draft
from .findings import Edit, FileReport, Finding, score
from .matching import PatternIndex
from .metrics import measure
from .parse import parse_many
from .ruleset import Rule
from .suppressions import read_suppressions, split_suppressed
from .textmap import LineIndex, TextMap


class Linter:
    """Compiles the rules once; lints any number of drafts."""

    def __init__(self, rules: Sequence[Rule], *, enabled: Iterable[str] | None = None) -> None:
        self.all_rules = list(rules)
        self.enabled = frozenset(enabled) if enabled is not None else frozenset(rule.id for rule in self.all_rules)
        self.rules = [rule for rule in self.all_rules if rule.id in self.enabled and rule.scope != "sequence"]
        self.index = PatternIndex(self.all_rules)
        self.known_ids = frozenset(rule.id for rule in self.all_rules)

    def lint(self, drafts: Sequence[Draft]) -> list[FileReport]:
        bodies = parse_many(draft.body for draft in drafts)
        subjects = parse_many(draft.subject or "" for draft in drafts)
        return [self._lint_one(draft, body, subject) for draft, body, subject in zip(drafts, bodies, subjects)]

    def _lint_one(self, draft: Draft, body, subject) -> FileReport:
        found = self.index.find(body)
        metrics = measure(body, found.sentences)
        contexts = {"body": RuleContext(body, found, metrics, draft.metadata, draft)}
        if draft.subject is not None:
            subject_found = self.index.find(subject)
            contexts["subject"] = RuleContext(subject, subject_found, measure(subject, subject_found.sentences),
                                              draft.metadata, draft)
        lines = LineIndex(draft.source.text)
        findings = []
        for rule in self.rules:
            context = contexts.get(rule.scope)
            if context is None and not (rule.scope == "subject" and rule.kind == "check"):
                continue
            context = context or contexts["body"]
            context.rule_id = rule.id
            for hit in run_detector(rule, context):
                text_map = draft.subject_map if rule.scope == "subject" and draft.subject_map else draft.body_map
                findings.append(make_finding(rule, hit, text_map, lines))
        suppressions = read_suppressions(draft.source.text, draft.metadata, self.known_ids)
        findings, suppressed = split_suppressed(findings, suppressions)
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
        metrics["score"] = score(findings)
        return FileReport(draft.source.display_path, findings, metrics, suppressed=suppressed,
                          source_text=draft.source.text)


def make_finding(rule: Rule, hit: Hit, text_map: TextMap, lines: LineIndex) -> Finding:
    exact = hit.in_source or text_map.is_exact(hit.start, hit.end)
    start, end = (hit.start, hit.end) if hit.in_source else text_map.span_to_source(hit.start, hit.end)
    line, column = lines.position(start)
    end_line, end_column = lines.position(end)
    values = {**rule.params, **hit.values}
    return Finding(
        rule=rule.id,
        severity=hit.severity or rule.severity,
        message=rule.message.format_map(_Values(values)),
        start=start,
        end=end,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        category=rule.category,
        remedies=rule.remedies,
        # An edit is applied to the source only where the parsed text stands verbatim in it (never across
        # HTML tags, entities or decoded transfer encodings).
        edits=tuple(Edit(*text_map.span_to_source(a, b), replacement)
                    for a, b, replacement in hit.edits if text_map.is_exact(a, b)),
        body_span=None if exact else (hit.start, hit.end),
    )


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
