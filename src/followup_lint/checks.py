"""Registered Python checks: for what a declarative pattern cannot say.

A rule file selects one with ``detect: {kind: check, check: <name>}``; the file still carries the id,
message, rationale, thresholds (``params``) and examples. A check yields ``Hit`` values; it reads the
rule's own pattern sets through ``context.matches(name)`` and its thresholds from ``rule.params``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from .business_days import as_datetime, business_days_between
from .detectors import Hit, RuleContext
from .placeholders import replace_placeholders
from .token_facts import is_placeholder, placeholder_positions

CHECKS: dict[str, Callable[..., Iterable[Hit]]] = {}


def register(name: str):
    def add(function):
        CHECKS[name] = function
        return function
    return add


def _first(context: RuleContext, set_name: str):
    matches = context.matches(set_name)
    return matches[0] if matches else None


@register("late-follow-up")
def late_follow_up(rule, context: RuleContext) -> Iterator[Hit]:
    """Apology for lateness in the text; or `met` -> `sent` over the limit on a first touch; or `sent` after `promised`."""
    meta = context.metadata
    touch = meta.get("touch")
    apology = _first(context, "apology")
    if apology is None and (touch is None or touch == 1):
        apology = _first(context, "elapsed")
    if apology:
        yield Hit(apology.start, apology.end, {"reason": f"\"{context.text(apology.start, apology.end)}\" announces it"})
        return
    sent = as_datetime(meta.get("sent"))
    if sent is None:
        return
    start, end = context.anchor("opening")
    promised = as_datetime(meta.get("promised"))
    if promised is not None and sent.date() > promised.date():
        yield Hit(start, end, {"reason": f"sent {sent.date()} after the promised {promised.date()}"})
        return
    met = as_datetime(meta.get("met"))
    if met is not None and (touch is None or touch == 1):
        gap = business_days_between(met.date(), sent.date())
        if gap > rule.params["max_business_days"]:
            yield Hit(start, end, {"reason": f"{gap} business days after the meeting on {met.date()}"})


@register("rapid-follow-up")
def rapid_follow_up(rule, context: RuleContext) -> Iterator[Hit]:
    """Text saying the last touch was hours ago; or `sent` within the limit of `last_contact`."""
    said = _first(context, "same_day")
    if said:
        yield Hit(said.start, said.end, {"reason": f"\"{context.text(said.start, said.end)}\""})
        return
    sent = as_datetime(context.metadata.get("sent"))
    last = as_datetime(context.metadata.get("last_contact"))
    if sent is None or last is None or sent < last:
        return
    gap = business_days_between(last.date(), sent.date())
    if gap < rule.params["min_business_days"]:
        start, end = context.anchor("opening")
        yield Hit(start, end, {"reason": f"sent {sent.date()}, {gap} business days after the last contact on {last.date()}"})


@register("stage-mismatch")
def stage_mismatch(rule, context: RuleContext) -> Iterator[Hit]:
    """Early stage + commitment push, or decision stage + only introductory material."""
    stage = str(context.metadata.get("stage", "")).strip().lower()
    if stage in rule.params_list("early_stages"):
        push = _first(context, "commitment_push")
        if push:
            yield Hit(push.start, push.end, {"stage": stage, "problem": "pushes contract, pricing or paperwork"})
    elif stage in rule.params_list("late_stages"):
        intro = _first(context, "intro_material")
        if intro and not context.matches("decision_material"):
            yield Hit(intro.start, intro.end, {"stage": stage, "problem": "offers only introductory material"})


@register("hype")
def hype(rule, context: RuleContext) -> Iterator[Hit]:
    """Buzzwords and superlatives, and more than `max_exclamations` exclamation marks."""
    for match in context.matches("buzzword")[: int(rule.params["max_findings"])]:
        yield Hit(match.start, match.end, {"match": context.text(match.start, match.end)})
    count = context.metrics["exclamations"]  # "!" in punctuation tokens
    if count > rule.params["max_exclamations"]:
        marks = [token for token in context.doc if token.is_punct and "!" in token.text]
        extra = marks[1] if len(marks) > 1 else marks[0]
        yield Hit(extra.idx, extra.idx + len(extra.text), {"match": f"{count} exclamation marks"})


@register("filler")
def filler(rule, context: RuleContext) -> Iterator[Hit]:
    """Filler phrases, each with a deletion fix (never across a placeholder)."""
    text = context.found.text
    taken: list[tuple[int, int]] = []
    for set_name, whole_sentence in (("filler_sentence", True), ("filler_phrase", False)):
        for match in context.matches(set_name):
            if any(match.start < end and start < match.end for start, end in taken):
                continue
            taken.append((match.start, match.end))
            sentence = context.sentences[match.sentence]
            edit = _deletion(text, match.start, match.end, sentence.start, sentence.end, whole_sentence)
            if edit and not _touches_placeholder(context.doc, edit[0], edit[1]):
                yield Hit(match.start, match.end, {"match": context.text(match.start, match.end)}, edits=(edit,))
            else:
                yield Hit(match.start, match.end, {"match": context.text(match.start, match.end)})


def _deletion(text: str, start: int, end: int, sentence_start: int, sentence_end: int,
              whole_sentence: bool) -> tuple[int, int, str] | None:
    if whole_sentence:
        if start != sentence_start:
            return None
        end = sentence_end
    at_sentence_start = start == sentence_start
    while end < len(text) and text[end] in ",;:" and not whole_sentence:
        end += 1
    while end < len(text) and text[end] in " \t":
        end += 1
    if end >= len(text) or text[end] in "\r\n":
        while start > 0 and text[start - 1] in " \t":  # at the end of a line: take the space before
            start -= 1
        return start, end, ""
    if at_sentence_start and text[end].islower():
        return start, end + 1, text[end].upper()
    return start, end, ""


def _touches_placeholder(doc, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(is_placeholder(token) for token in span)


@register("subject-line")
def subject_line(rule, context: RuleContext) -> Iterator[Hit]:
    """Generic, fake "Re:", too long, ALL CAPS or empty subject (only when a subject is known)."""
    subject = context.draft.subject
    if subject is None:
        if "subject" in context.metadata and not str(context.metadata["subject"] or "").strip():
            yield Hit(0, 0, {"problem": "the subject is empty"})
        return
    stripped = subject.strip()
    whole = (0, len(subject))
    words = _WORD.findall(replace_placeholders(stripped, "name"))  # a placeholder is one word
    bare = re.sub(r"(?i)^(?:re|fwd?|aw)\s*:\s*", "", stripped).strip(" .!?:-").lower()
    if not stripped:
        yield Hit(*whole, {"problem": "the subject is empty"})
    elif bare in rule.params_list("generic_subjects"):
        yield Hit(*whole, {"problem": f"\"{stripped}\" says nothing about them"})
    elif re.match(r"(?i)re\s*:", stripped) and context.metadata.get("touch") == 1 and not context.metadata.get("reply"):
        yield Hit(*whole, {"problem": "\"Re:\" on a first touch pretends to continue a conversation"})
    elif len(words) > rule.params["max_words"]:
        yield Hit(*whole, {"problem": f"{len(words)} words (keep it to {rule.params['max_words']})"})
    elif _shouts(replace_placeholders(stripped)):
        yield Hit(*whole, {"problem": "ALL CAPS reads as shouting"})


_WORD = re.compile(r"[\w'’-]*\w[\w'’-]*")


def _shouts(text: str) -> bool:
    words = _WORD.findall(text)
    return sum(1 for w in words if len(w) > 1) >= 2 and text.upper() == text and any(c.isalpha() for c in text)


_OPENERS = re.compile(r"\{\{|\{%|\}\}|%\}")


@register("unfilled-placeholder")
def unfilled_placeholder(rule, context: RuleContext) -> Iterator[Hit]:
    """In a draft: any placeholder left unfilled. In a template file: malformed tags and unknown filters."""
    if context.draft.is_template:
        yield from _malformed_template(rule, context)
        return
    for position in placeholder_positions(context.doc):
        token = context.doc[position]
        yield Hit(token.idx, token.idx + len(token.text), {"match": token.text, "problem": "is not filled in"})


def _malformed_template(rule, context: RuleContext) -> Iterator[Hit]:
    source = context.draft.source.text
    for problem_start, problem_end, problem in _unbalanced_tags(source):
        yield Hit(problem_start, problem_end, {"match": source[problem_start:problem_end], "problem": problem},
                  in_source=True)
        return
    path = (context.draft.path or "").lower()
    if path.endswith((".j2", ".jinja", ".jinja2")) or context.draft.metadata.get("template") == "jinja":
        yield from _jinja_problems(source)


def _unbalanced_tags(source: str) -> Iterator[tuple[int, int, str]]:
    pairs = {"{{": "}}", "{%": "%}"}
    stack: list[tuple[str, int]] = []
    for match in _OPENERS.finditer(source):
        token = match.group()
        if token in pairs:
            if stack:
                opener, at = stack[-1]
                yield at, match.start(), f"'{opener}' is not closed before the next tag"
                return
            stack.append((token, match.start()))
        else:
            if not stack or pairs[stack[-1][0]] != token:
                yield match.start(), match.end(), f"'{token}' closes nothing"
                return
            stack.pop()
    if stack:
        opener, at = stack[-1]
        line_end = source.find("\n", at)
        yield at, line_end if line_end != -1 else len(source), f"'{opener}' is never closed"


def _jinja_problems(source: str) -> Iterator[Hit]:
    from jinja2 import Environment, TemplateSyntaxError

    try:
        Environment().compile(source)
    except TemplateSyntaxError as error:
        lines = source.splitlines(keepends=True)
        line = max(1, min(error.lineno or 1, len(lines)))
        start = sum(len(text) for text in lines[: line - 1])
        end = start + len(lines[line - 1].rstrip("\r\n")) if lines else 0
        yield Hit(start, end, {"match": lines[line - 1].strip() if lines else "", "problem": error.message or "syntax error"},
                  in_source=True)


@register("guilt-trip")
def guilt_trip(rule, context: RuleContext) -> Iterator[Hit]:
    """Blame always fires; counting unanswered attempts fires only outside a gracious last message."""
    found = list(context.matches("blame"))
    if not context.matches("gracious_exit"):
        found += context.matches("attempts")
    for match in sorted(found, key=lambda m: m.start)[: int(rule.params["max_findings"])]:
        yield Hit(match.start, match.end, {"match": context.text(match.start, match.end)})


@register("weak-lead-hard-sell")
def weak_lead_hard_sell(rule, context: RuleContext) -> Iterator[Hit]:
    """A passive `lead_source` and a meeting/call/pricing push on touch 1 (or an unknown touch)."""
    source = str(context.metadata.get("lead_source", "")).strip().lower()
    touch = context.metadata.get("touch")
    if source not in rule.params_list("passive_sources") or (touch is not None and touch != 1):
        return
    for match in context.matches("hard_sell")[: int(rule.params["max_findings"])]:
        yield Hit(match.start, match.end, {"match": context.text(match.start, match.end), "lead_source": source})


# The sequence checks register themselves here too, so rule files naming them validate.
from .sequences import checks as _sequence_checks  # noqa: E402,F401
