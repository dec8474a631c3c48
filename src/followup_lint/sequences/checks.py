"""The sequence checks: timing, persistence, break-up, repetition, value and channel mix across touches.

Each is registered with ``followup_lint.checks.register`` under the name its rule file gives in
``detect.check`` and takes ``(rule, context)``, where the context is a ``SequenceContext`` (not the
single-draft ``RuleContext``: the linter never runs ``scope: sequence`` rules on one draft). Thresholds
come from the rule's ``params``; what a step's text says comes from the step analyses, which lint each
text with the single-email rules' own pattern sets (``premature-breakup.breakup``, ``guilt-trip``,
``no-value``), so a phrase added there counts here too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..checks import register
from .days import gap_range
from .model import Sequence, Step

LATE_TRIGGERS = ("meeting", "call", "demo")  # triggers after which the first touch is due within days


@dataclass(frozen=True)
class SequenceHit:
    """A finding about a step (pointing at one of its fields) or, with no step, about the whole sequence."""

    step: Step | None
    where: str = "head"  # head, day, channel, text
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class SequenceContext:
    """What a sequence rule sees: the sequence and, per step, what its text says (``StepAnalysis``)."""

    sequence: Sequence
    analyses: dict[int, Any]  # step number -> run.StepAnalysis

    def of(self, step: Step):
        return self.analyses[step.number]


def _pairs(steps: list[Step]) -> Iterator[tuple[Step, Step]]:
    return zip(steps, steps[1:])


@register("too-fast")
def too_fast(rule, context: SequenceContext) -> Iterator[SequenceHit]:
    """Touches less than `min_business_days` apart (another channel the same day counts too), and a touch
    within `min_minutes_after_action` of the prospect's own action."""
    sequence = context.sequence
    for run in sequence.runs():
        for previous, step in _pairs(run):
            _, most = sequence.gap(previous, step)
            if most >= rule.params["min_business_days"]:
                continue
            if sequence.same_day(previous, step) and previous.channel != step.channel:
                reason = f"the same day as {previous.describe}, on another channel"
                yield SequenceHit(step, "channel", {"reason": reason})
            else:
                when = "the same day as" if sequence.same_day(previous, step) else f"{most} business days after"
                yield SequenceHit(step, "day", {"reason": f"{when} {previous.describe}"})
    yield from _right_after_action(rule, context)


def _right_after_action(rule, context: SequenceContext) -> Iterator[SequenceHit]:
    sequence = context.sequence
    limit = rule.params["min_minutes_after_action"]
    if sequence.kind == "plan":
        if sequence.trigger not in rule.params_list("action_triggers"):
            return
        for step in sequence.steps:
            if step.day == 0 and step.minutes is not None and step.minutes < limit:
                reason = f"{step.minutes} minutes after the {sequence.trigger}"
                yield SequenceHit(step, "day", {"reason": reason})
        return
    for reply in sequence.replies:
        later = [step for step in sequence.steps if step.sent is not None and step.sent >= reply.sent]
        if not later:
            continue
        step = later[0]
        minutes = (step.sent - reply.sent).total_seconds() / 60
        if minutes < limit and reply.message_id not in step.replies_to:
            reason = f"{minutes:.0f} minutes after their message {reply.number}, without answering it"
            yield SequenceHit(step, "day", {"reason": reason})


@register("gives-up-early")
def gives_up_early(rule, context: SequenceContext) -> Iterator[SequenceHit]:
    """The unanswered touches end before `min_touches` and none of them is a break-up message."""
    run = context.sequence.final_run()
    if not run or len(run) >= rule.params["min_touches"]:
        return
    if any(context.of(step).breakup for step in run):
        return
    count = len(run)
    yield SequenceHit(run[-1], "head", {"count": count, "touches": f"{count} touch{'es' if count != 1 else ''}"})


@register("no-breakup")
def no_breakup(rule, context: SequenceContext) -> Iterator[SequenceHit]:
    """The last unanswered touch is not a gracious last message: no break-up language, or blame in it."""
    run = context.sequence.final_run()
    if not run:
        return
    last = run[-1]
    analysis = context.of(last)
    if not analysis.breakup:
        yield SequenceHit(last, "text", {"reason": "it does not close the loop"})
    elif analysis.guilt:
        yield SequenceHit(last, "text", {"reason": f"it closes the loop with blame (\"{analysis.guilt}\")"})


@register("breakup-too-early")
def breakup_too_early(rule, context: SequenceContext) -> Iterator[SequenceHit]:
    """A break-up or last-attempt message before touch `min_touch`."""
    for step in context.sequence.steps:
        breakup = context.of(step).breakup
        if breakup and step.touch < rule.params["min_touch"]:
            yield SequenceHit(step, "text", {"match": breakup, "touch": step.touch})


@register("repeats-itself")
def repeats_itself(rule, context: SequenceContext) -> Iterator[SequenceHit]:
    """A touch whose words are a near-copy of an earlier touch's (difflib ratio over the word sequence)."""
    earlier: list[tuple[Step, list[str]]] = []
    for step in context.sequence.steps:
        words = context.of(step).words
        if len(words) < rule.params["min_words"]:
            continue
        best = max(((similarity(words, other_words), other) for other, other_words in earlier),
                   key=lambda item: item[0], default=(0.0, None))
        if best[1] is not None and best[0] > rule.params["max_similarity"]:
            yield SequenceHit(step, "text", {"other": best[1].describe, "similarity": f"{best[0]:.0%}"})
        earlier.append((step, words))


def similarity(first: list[str], second: list[str]) -> float:
    """2 x matching words / all words, over the longest common runs of words in order (difflib)."""
    return difflib.SequenceMatcher(None, first, second, autojunk=False).ratio()


@register("value-starved")
def value_starved(rule, context: SequenceContext) -> Iterator[SequenceHit]:
    """More than `max_share` of the email touches (at least `min_email_touches`) fire no-value."""
    emails = [step for step in context.sequence.steps if step.channel == "email"]
    if len(emails) < rule.params["min_email_touches"]:
        return
    starved = [step for step in emails if context.of(step).no_value]
    if len(starved) / len(emails) > rule.params["max_share"]:
        yield SequenceHit(None, "steps", {"count": len(starved), "total": len(emails),
                                          "steps": ", ".join(step.short for step in starved)})


@register("single-channel")
def single_channel(rule, context: SequenceContext) -> Iterator[SequenceHit]:
    """A plan of `min_touches` or more touches, all on one channel (a thread shows only its emails)."""
    steps = context.sequence.steps
    channels = {step.channel for step in steps}
    if context.sequence.kind == "plan" and len(steps) >= rule.params["min_touches"] and len(channels) == 1:
        yield SequenceHit(None, "steps", {"count": len(steps), "channel": channels.pop()})


def late_first_touch(rule, context: SequenceContext) -> Iterator[SequenceHit]:
    """For the single-draft rule too-late: the plan's first touch comes more than `max_business_days`
    business days after a meeting, call or demo."""
    sequence = context.sequence
    if sequence.kind != "plan" or sequence.trigger not in LATE_TRIGGERS:
        return
    first = sequence.steps[0]
    fewest, _ = gap_range(0, first.day or 0, sequence.day_unit)
    if fewest > rule.params["max_business_days"]:
        at_least = "at least " if sequence.day_unit == "calendar" else ""
        reason = f"the first touch comes {at_least}{fewest} business days after the {sequence.trigger}"
        yield SequenceHit(first, "day", {"reason": reason})

