"""Lint a plan or thread: every step's text with the single-email rules, then the sequence rules.

Findings become ``FileReport`` values, one per file: the plan (or mailbox, or .eml file) holds the
sequence findings, pointing at the step's line and field; a template file holds its own text's findings,
each naming the step and the plan line that uses it. ``SequenceResult`` keeps them per step for the
``plan`` command's timeline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from collections.abc import Sequence as Seq
from dataclasses import dataclass, field
from typing import Any

from ..api import DEFAULT_SETTINGS, linter_for, settings_for_path
from ..checks import CHECKS
from ..config import Settings
from ..detectors import Hit, RuleContext, run_detector
from ..extract import extract_draft
from ..findings import FileReport, Finding, score
from ..lint import Linter, make_finding
from ..matching import is_word
from ..metrics import measure
from ..parse import parse_many
from ..read import DEFAULT_MAX_BYTES, InputError, Source
from ..ruleset import Rule
from ..suppressions import read_suppressions, split_suppressed
from ..textmap import LineIndex, TextMap
from ..token_facts import is_placeholder
from . import checks as sequence_checks
from .model import Sequence, SequenceError, Step
from .load import load_sequence
from .plan_file import load_plan

BREAKUP_SET = "premature-breakup:breakup"
SUPERSEDED = {"premature-breakup": "breakup-too-early"}  # a step rule that a sequence rule says better
# What each sequence check needs to know about every step's text.
NEEDS = {"gives-up-early": {"breakup"}, "no-breakup": {"breakup", "guilt"}, "breakup-too-early": {"breakup"},
         "value-starved": {"no_value"}, "repeats-itself": {"words"}}


@dataclass
class StepAnalysis:
    """What one step's text says, as far as the sequence checks care."""

    breakup: str = ""  # the break-up / last-attempt phrase, if any
    guilt: str = ""  # the guilt-trip phrase, if any
    no_value: bool = False  # no-value fires: a nudge with nothing new
    words: list[str] = field(default_factory=list)  # lowercased words, placeholders as "<var>"


@dataclass
class Located:
    file: str
    finding: Finding
    step: int | None  # the step it is about; None for the whole sequence
    note: str = ""  # which step, appended to the message: "[step 2 (day 1, email) at plan.sequence.yaml:9]"


@dataclass
class StepResult:
    step: Step
    findings: list[Located]

    @property
    def score(self) -> int:
        return score([item.finding for item in self.findings])


@dataclass
class SequenceResult:
    sequence: Sequence
    steps: list[StepResult]
    overall: list[Located]  # findings about the whole sequence
    reports: list[FileReport]

    @property
    def findings(self) -> list[Located]:
        return [*self.overall, *(item for step in self.steps for item in step.findings)]


def effective_settings(path: str | None, *, settings: Settings | None = None, config_file: str | None = None,
                       isolated: bool = False, select: Iterable[str] = (), ignore: Iterable[str] = (),
                       rules_dirs: Seq[str] = ()) -> Settings:
    base = settings or (settings_for_path(path, config_file=config_file, isolated=isolated) if path else DEFAULT_SETTINGS)
    return base.with_cli(select=tuple(select or ()), ignore=tuple(ignore or ()), rules_dirs=tuple(rules_dirs))


def lint_sequence_path(path: str, *, me: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                       **options: Any) -> list[FileReport]:
    """Lint a plan, mailbox or .eml folder: one report per file (options as in ``effective_settings``)."""
    return plan_result(path, me=me, max_bytes=max_bytes, **options).reports


def plan_result(path: str, *, me: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, **options: Any) -> SequenceResult:
    sequence = load_sequence(path, me=me, max_bytes=max_bytes)
    return lint_sequence(sequence, effective_settings(path, **options))


def lint_sequence_text(text: str, path: str = "plan.sequence.yaml", **options: Any) -> list[FileReport]:
    """Lint a plan given as text (steps with inline bodies, or templates relative to `path`'s folder)."""
    sequence = load_plan(Source(path, text))
    return lint_sequence(sequence, effective_settings(None, **options)).reports


def lint_sequence(sequence: Sequence, settings: Settings = DEFAULT_SETTINGS) -> SequenceResult:
    linter = linter_for(settings)  # the drafts' own Linter: its patterns are compiled once per process
    rules, enabled = linter.all_rules, linter.enabled
    rules_by_id = {rule.id: rule for rule in rules}
    sequence_rules = [rule for rule in rules if rule.scope == "sequence" and rule.id in enabled]
    drafts = [_draft(sequence, step) for step in sequence.steps]
    step_reports = linter.lint(drafts)
    needs = set().union(*(NEEDS.get(rule.detect.get("check", ""), set()) for rule in sequence_rules))
    analyses = {step.number: _analyse(needs, linter, rules_by_id, draft, doc)
                for step, draft, doc in zip(sequence.steps, drafts, parse_many(draft.body for draft in drafts))}
    superseded = {rule_id for rule_id, by in SUPERSEDED.items() if by in {rule.id for rule in sequence_rules}}
    located: list[Located] = []
    suppressed: list[Located] = []
    for step, report in zip(sequence.steps, step_reports):
        located += [_relocate(f, step, sequence) for f in report.findings if f.rule not in superseded]
        suppressed += [_relocate(f, step, sequence) for f in report.suppressed]
    context = sequence_checks.SequenceContext(sequence, analyses)
    for rule in sequence_rules:
        located += [_sequence_finding(rule, hit, sequence) for hit in _run_check(rule, context)]
    if "too-late" in enabled and "too-late" in rules_by_id:
        rule = rules_by_id["too-late"]
        located += [_sequence_finding(rule, hit, sequence) for hit in sequence_checks.late_first_touch(rule, context)]
    located, hidden = _apply_plan_suppressions(sequence, located, linter.known_ids)
    suppressed += hidden
    return _result(sequence, located, suppressed)


def _draft(sequence: Sequence, step: Step):
    try:
        return extract_draft(step.text, step_metadata(sequence, step))
    except InputError as error:
        if sequence.kind == "plan":
            raise SequenceError(f"{sequence.path}:{_line(sequence, step)}: step {step.number}: {step_field(step)}: {error}") from None
        raise SequenceError(f"{step.text_file}: {step.describe}: {error}") from None


def step_field(step: Step) -> str:
    return "body" if step.label == "inline body" else "template"


def step_metadata(sequence: Sequence, step: Step) -> dict[str, Any]:
    """What the single-email rules may know about a step: its touch number and channel; in a plan also the
    lead source (the trigger unless `lead_source` says otherwise) and stage, and that its text is a
    template; in a thread, the message's subject and attachments."""
    metadata: dict[str, Any] = {"touch": step.touch, "channel": step.channel}
    if sequence.kind == "plan":
        metadata["lead_source"] = sequence.lead_source or sequence.trigger
        if sequence.stage:
            metadata["stage"] = sequence.stage
        metadata["template"] = True
    else:
        metadata["subject"] = "" if step.label == "(no subject)" else step.label
        if step.attachments:
            metadata["attachments"] = list(step.attachments)
    return metadata


def _analyse(needs: set[str], linter: Linter, rules_by_id: dict[str, Rule], draft, doc) -> StepAnalysis:
    analysis = StepAnalysis()
    if not needs:
        return analysis
    found = linter.index.find(doc)
    context = RuleContext(doc, found, measure(doc, found.sentences), draft.metadata, draft)
    if "breakup" in needs:
        if BREAKUP_SET not in linter.index.specs:
            raise SequenceError("the sequence rules need the pattern set premature-breakup.breakup "
                                "(rules/premature-breakup.yaml), which is not loaded")
        matches = found.get(BREAKUP_SET)
        analysis.breakup = context.text(matches[0].start, matches[0].end) if matches else ""
    if "guilt" in needs:
        hits = _fires(_needed_rule(rules_by_id, "guilt-trip"), context)
        analysis.guilt = context.text(hits[0].start, hits[0].end) if hits else ""
    if "no_value" in needs:
        analysis.no_value = bool(_fires(_needed_rule(rules_by_id, "no-value"), context))
    if "words" in needs:
        analysis.words = ["<var>" if is_placeholder(token) else token.norm_ for token in doc if is_word(token)]
    return analysis


def _needed_rule(rules_by_id: dict[str, Rule], rule_id: str) -> Rule:
    if rule_id not in rules_by_id:
        raise SequenceError(f"the sequence rules need the rule {rule_id} (rules/{rule_id}.yaml), which is not loaded")
    return rules_by_id[rule_id]


def _fires(rule: Rule, context: RuleContext) -> list[Hit]:
    context.rule_id = rule.id
    return run_detector(rule, context)


def _run_check(rule: Rule, context) -> Iterable[sequence_checks.SequenceHit]:
    check = CHECKS.get(rule.detect.get("check", "")) if rule.kind == "check" else None
    if check is None:
        raise SequenceError(f"{rule.file}: detect: a rule with scope sequence needs kind check and a sequence check")
    return check(rule, context)


def _line(sequence: Sequence, step: Step) -> int:
    return LineIndex(sequence.files[step.anchor_file].text).position(step.spans["head"][0])[0]


def _relocate(finding: Finding, step: Step, sequence: Sequence) -> Located:
    """A finding in a step's text, moved to the file the text lives in, naming the step."""
    start, end = step.text_map.span(finding.start, finding.end)
    lines = LineIndex(sequence.files[step.text_file].text)
    line, column = lines.position(start)
    end_line, end_column = lines.position(end)
    edits = finding.edits if step.text_map.is_identity else ()
    moved = dataclasses.replace(finding, start=start, end=end, line=line, column=column, end_line=end_line,
                                end_column=end_column, edits=edits)
    if sequence.kind == "plan":
        note = f"{step.describe} at {sequence.path}:{_line(sequence, step)}"
    else:
        note = step.describe
    return Located(step.text_file, moved, step.number, note)


def _sequence_finding(rule: Rule, hit: sequence_checks.SequenceHit, sequence: Sequence) -> Located:
    step = hit.step
    if step is not None:
        file, (start, end) = step.anchor_file, step.span(hit.where)
        values = {"where": step.describe, "step": step.number, "touch": step.touch, "channel": step.channel,
                  "day": step.when}
    else:
        file, (start, end) = sequence.whole_span
        values = {"where": "the sequence"}
    lines = LineIndex(sequence.files[file].text)
    finding = make_finding(rule, Hit(start, end, {**values, **hit.values}, in_source=True), TextMap(), lines)
    return Located(file, finding, step.number if step else None)


def _apply_plan_suppressions(sequence: Sequence, located: list[Located],
                             known: Iterable[str]) -> tuple[list[Located], list[Located]]:
    """`# followup-lint: disable=...` comments in the plan file apply to the findings that point into it."""
    if sequence.kind != "plan":
        return located, []
    source = sequence.files[sequence.path]
    directives = read_suppressions(source.text, {}, known)
    inside = [item for item in located if item.file == sequence.path]
    kept, hidden = split_suppressed([item.finding for item in inside], directives)
    by_finding = {id(item.finding): item for item in inside}
    outside = [item for item in located if item.file != sequence.path]
    kept_located = [by_finding.get(id(f)) or Located(sequence.path, f, None) for f in kept]
    return outside + kept_located, [by_finding[id(f)] for f in hidden]


def _result(sequence: Sequence, located: list[Located], suppressed: list[Located]) -> SequenceResult:
    steps = [StepResult(step, sorted((item for item in located if item.step == step.number),
                                     key=lambda item: (item.file, item.finding.start, item.finding.rule)))
             for step in sequence.steps]
    overall = [item for item in located if item.step is None]
    files = _report_order(sequence)
    reports = []
    for file in files:
        findings = _merged([item for item in located if item.file == file])
        hidden = _merged([item for item in suppressed if item.file == file])
        metrics: dict[str, Any] = {"score": score(findings)}
        if file == sequence.path:
            metrics.update(sequence_metrics(sequence, steps, overall))
        reports.append(FileReport(file, findings, metrics, suppressed=hidden, source_text=sequence.files[file].text))
    return SequenceResult(sequence, steps, overall, reports)


def _report_order(sequence: Sequence) -> list[str]:
    order = [sequence.path] if sequence.path in sequence.files else []
    for step in sequence.steps:
        for file in (step.anchor_file, step.text_file):
            if file not in order:
                order.append(file)
    return order


def _merged(items: list[Located]) -> list[Finding]:
    """One finding per place and rule; a template used by several steps names them all."""
    groups: dict[tuple, list[Located]] = {}
    for item in items:
        finding = item.finding
        groups.setdefault((finding.rule, finding.start, finding.end, finding.message), []).append(item)
    merged = []
    for group in groups.values():
        notes = [item.note for item in group if item.note]
        finding = group[0].finding
        if notes:
            finding = dataclasses.replace(finding, message=f"{finding.message} [{'; '.join(notes)}]")
        merged.append(finding)
    return sorted(merged, key=lambda f: (f.start, f.end, f.rule))


def sequence_metrics(sequence: Sequence, steps: list[StepResult], overall: list[Located]) -> dict[str, Any]:
    """The timeline as data (the JSON format carries it): per step its day or date, channel, text and score."""
    timeline = []
    for result in steps:
        step = result.step
        entry: dict[str, Any] = {"step": step.number, "touch": step.touch, "channel": step.channel,
                                 "text": step.label if step.label == "inline body" else step.text_file,
                                 "score": result.score, "rules": sorted({item.finding.rule for item in result.findings})}
        if step.sent is not None:
            entry["sent"] = step.sent.isoformat()
        else:
            entry["day"] = step.day
        timeline.append(entry)
    metrics: dict[str, Any] = {"sequence": sequence.name, "kind": sequence.kind, "touches": len(sequence.steps),
                               "timeline": timeline, "sequence_rules": sorted({item.finding.rule for item in overall})}
    if sequence.kind == "plan":
        metrics.update({"trigger": sequence.trigger, "days": sequence.day_unit})
    else:
        metrics.update({"me": sequence.me, "replies": len(sequence.replies)})
    return metrics
