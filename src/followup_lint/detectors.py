"""The declarative detector kinds a rule file chooses from with ``detect.kind``.

Each kind is one small function from a rule and a draft's context to ``Hit`` values (offsets in the
parsed text, values for the message). Kinds declare their fields and the defaults of their thresholds, so
rule files are validated without running anything, and every threshold is a named, overridable param.
This module imports nothing heavy: listing and explaining rules must stay fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

METADATA_OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "present")
SENTENCE_FILTERS = ("question", "statement", "first", "last")


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    values: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None  # overrides the rule's severity (metric levels)
    edits: tuple[tuple[int, int, str], ...] = ()  # (start, end, replacement) in the parsed text
    in_source: bool = False  # offsets are already in the source text (checks that read the whole file)


@dataclass(frozen=True)
class DetectorKind:
    name: str
    evaluate: Callable[..., list[Hit]]
    fields: frozenset[str]
    required: frozenset[str]
    set_fields: tuple[str, ...]
    defaults: dict[str, Any]


DETECTOR_KINDS: dict[str, DetectorKind] = {}


def detector(name: str, *, fields=(), required=(), set_fields=(), defaults=None):
    def register(function):
        all_fields = {*fields, *required, *set_fields, "requires_any", "unless_any"}
        DETECTOR_KINDS[name] = DetectorKind(
            name, function, frozenset(all_fields), frozenset(required),
            (*set_fields, "requires_any", "unless_any"), dict(defaults or {}),
        )
        return function
    return register


@dataclass
class RuleContext:
    """What a rule sees of one draft: the parsed text, the found pattern sets, metrics and metadata."""

    doc: Any
    found: Any  # matching.FoundSets
    metrics: dict[str, Any]
    metadata: dict[str, Any]
    draft: Any  # extract.Draft
    rule_id: str = ""

    @property
    def sentences(self):
        return self.found.sentences

    @property
    def content_sentences(self):
        return self.found.content_sentences

    def matches(self, reference: str):
        from .matching import qualify

        return self.found.get(qualify(self.rule_id, reference))

    def any_of(self, references) -> bool:
        names = [references] if isinstance(references, str) else references or []
        return any(self.matches(name) for name in names)

    def anchor(self, where: str) -> tuple[int, int]:
        content = self.content_sentences
        if not content:
            return 0, len(self.found.text)
        if where == "closing":
            sentence = content[-1]
        elif where == "opening":
            sentence = next((s for s in content if s.words >= 3), content[0])
        else:
            return content[0].start, content[-1].end
        return sentence.start, sentence.end

    def text(self, start: int, end: int) -> str:
        return " ".join(self.found.text[start:end].split())


def run_detector(rule, context: RuleContext) -> list[Hit]:
    detect = rule.detect
    if not metadata_allows(detect.get("when") or {}, context.metadata):
        return []
    if detect.get("unless_when") and metadata_allows(detect["unless_when"], context.metadata):
        return []
    if detect.get("requires_any") and not context.any_of(detect["requires_any"]):
        return []
    kind = DETECTOR_KINDS[detect["kind"]]
    if detect.get("unless_any") and kind.name != "existence" and context.any_of(detect["unless_any"]):
        return []
    return kind.evaluate(rule, context)


@detector("existence", required=("match",), set_fields=("match",), defaults={"max_findings": 5})
def existence(rule, context: RuleContext) -> list[Hit]:
    """One finding per occurrence of the `match` set (unless a set in `unless_any` occurs anywhere)."""
    if rule.detect.get("unless_any") and context.any_of(rule.detect["unless_any"]):
        return []
    matches = context.matches(rule.detect["match"])[: int(rule.params["max_findings"])]
    return [Hit(m.start, m.end, {"match": context.text(m.start, m.end)}) for m in matches]


@detector("absence", required=("any_of",), fields=("point_at",), set_fields=("any_of", "point_at"),
          defaults={"min_words": 0})
def absence(rule, context: RuleContext) -> list[Hit]:
    """One finding when none of the `any_of` sets occurs; points at the first `point_at` match, else at
    the `anchor` (default: closing)."""
    if context.metrics.get("words", 0) < rule.params["min_words"] or not context.content_sentences:
        return []
    if context.any_of(rule.detect["any_of"]):
        return []
    pointed = context.matches(rule.detect["point_at"]) if rule.detect.get("point_at") else []
    if pointed:
        start, end = pointed[0].start, pointed[0].end
    else:
        start, end = context.anchor(rule.detect.get("anchor", "closing"))
    return [Hit(start, end, {"match": context.text(start, end)})]


@detector("ratio", required=("numerator", "denominator"), set_fields=("numerator", "denominator"),
          defaults={"min_count": 4, "ratio": 1.5})
def ratio(rule, context: RuleContext) -> list[Hit]:
    """Fires when count(numerator) >= min_count and >= ratio x count(denominator)."""
    numerator = context.matches(rule.detect["numerator"])
    denominator = context.matches(rule.detect["denominator"])
    count, against = len(numerator), len(denominator)
    if count < rule.params["min_count"] or count < rule.params["ratio"] * against:
        return []
    per_sentence: dict[int, int] = {}
    for match in numerator:
        per_sentence[match.sentence] = per_sentence.get(match.sentence, 0) + 1
    busiest = max(per_sentence, key=lambda index: (per_sentence[index], -index))
    sentence = context.sentences[busiest]
    shown = f"{count / against:.1f}" if against else "all"
    values = {"count": count, "against": against, "ratio_found": shown}
    return [Hit(sentence.start, sentence.end, values)]


@detector("sentence-share", required=("numerator",), fields=("counter",), set_fields=("numerator", "counter"),
          defaults={"min_sentences": 2, "min_share": 0.5, "max_counter_share": 0.25, "min_words": 3})
def sentence_share(rule, context: RuleContext) -> list[Hit]:
    """Fires when `numerator` sentences hold at least `min_share` of the words (counting sentences of at
    least `min_words` words, at least `min_sentences` of them) and `counter` sentences no more than
    `max_counter_share`. A sentence in both counts as numerator."""
    content = [s for s in context.content_sentences if s.words >= rule.params["min_words"]]
    if not content:
        return []
    by_index = {s.index: s for s in content}
    hits = sorted({m.sentence for m in context.matches(rule.detect["numerator"])} & set(by_index))
    counter = {m.sentence for m in context.matches(rule.detect["counter"])} if rule.detect.get("counter") else set()
    counter = (counter & set(by_index)) - set(hits)
    total = sum(s.words for s in content)
    share = sum(by_index[i].words for i in hits) / total
    counter_share = sum(by_index[i].words for i in counter) / total
    params = rule.params
    if len(hits) < params["min_sentences"] or share < params["min_share"] or counter_share > params["max_counter_share"]:
        return []
    first, last = context.sentences[hits[0]], context.sentences[hits[-1]]
    values = {"count": len(hits), "total": len(content), "share": f"{share:.0%}", "counter_count": len(counter)}
    return [Hit(first.start, last.end, values)]


@detector("metric", fields=("metric", "count"), set_fields=("count",),
          defaults={"info_above": None, "warning_above": None, "error_above": None,
                    "info_below": None, "warning_below": None, "error_below": None})
def metric(rule, context: RuleContext) -> list[Hit]:
    """Compares a metric (or the count of a set) with thresholds; the highest level crossed wins."""
    if rule.detect.get("count"):
        value = len(context.matches(rule.detect["count"]))
    else:
        value = context.metrics.get(rule.detect.get("metric", ""))
    if value is None:
        return []
    level = None
    for severity in ("info", "warning", "error"):
        above, below = rule.params.get(f"{severity}_above"), rule.params.get(f"{severity}_below")
        if (above is not None and value > above) or (below is not None and value < below):
            level = severity
    if level is None:
        return []
    start, end = context.anchor(rule.detect.get("anchor", "body"))
    limit = rule.params.get(f"{level}_above")
    limit = limit if limit is not None else rule.params.get(f"{level}_below")
    return [Hit(start, end, {"value": value, "limit": limit}, severity=level)]


@detector("check", required=("check",), fields=("options",))
def check(rule, context: RuleContext) -> list[Hit]:
    """A registered Python check, for what a pattern cannot say."""
    from .checks import CHECKS

    return list(CHECKS[rule.detect["check"]](rule, context))


def metadata_allows(conditions: dict[str, dict[str, Any]], metadata: dict[str, Any]) -> bool:
    """All conditions hold; a condition on an absent key never holds (a rule never guesses)."""
    for key, condition in conditions.items():
        if key not in metadata or metadata[key] is None:
            return False
        value = metadata[key]
        for operator, expected in condition.items():
            if not _compare(operator, _comparable(value), expected):
                return False
    return True


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().lower()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _compare(operator: str, value: Any, expected: Any) -> bool:
    try:
        if operator == "present":
            return bool(expected)
        if operator == "in":
            return value in [_comparable(item) for item in expected]
        if operator == "not_in":
            return value not in [_comparable(item) for item in expected]
        expected = _comparable(expected)
        return {
            "eq": lambda: value == expected, "ne": lambda: value != expected,
            "lt": lambda: value < expected, "le": lambda: value <= expected,
            "gt": lambda: value > expected, "ge": lambda: value >= expected,
        }[operator]()
    except TypeError:
        return False
