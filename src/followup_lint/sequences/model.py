"""Plain values for plans and threads: a ``Sequence`` of ``Step`` touches and where each lives in a file."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from ..read import Source
from .days import date_gap, gap_range

TRIGGERS = ("meeting", "call", "demo", "proposal", "event", "web-form", "download", "referral", "cold")
CHANNELS = ("email", "call", "voicemail", "linkedin", "mail", "sms")


class SequenceError(Exception):
    """A plan or thread that cannot be read: one line naming the file, the step and the field."""


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets in a step's text to offsets in the file it came from.

    ``anchors`` are (text offset, file offset) pairs, sorted: an offset maps through the last anchor at or
    before it. One anchor at (0, 0) is a template file; one at (0, n) a body found verbatim at n; one per
    line a YAML block scalar. ``exact`` is False when the text could not be found verbatim, and then every
    offset maps to ``fallback`` (the step's line).
    """

    anchors: tuple[tuple[int, int], ...] = ((0, 0),)
    exact: bool = True
    fallback: tuple[int, int] = (0, 0)

    @classmethod
    def at(cls, file_offset: int) -> OffsetMap:
        return cls(((0, file_offset),))

    @classmethod
    def nowhere(cls, fallback: tuple[int, int]) -> OffsetMap:
        return cls((), exact=False, fallback=fallback)

    @property
    def is_identity(self) -> bool:
        return self.exact and self.anchors == ((0, 0),)

    def span(self, start: int, end: int) -> tuple[int, int]:
        if not self.exact:
            return self.fallback
        return self._offset(start), max(self._offset(start), self._offset(end, is_end=True))

    def _offset(self, offset: int, is_end: bool = False) -> int:
        keys = [text_offset for text_offset, _ in self.anchors]
        index = (bisect.bisect_left(keys, offset) if is_end else bisect.bisect_right(keys, offset)) - 1
        text_offset, file_offset = self.anchors[max(0, index)]
        return file_offset + max(0, offset - text_offset)


@dataclass
class Step:
    """One touch: when, on which channel, its text, and where to point in files."""

    number: int  # 1-based position in the plan or thread
    touch: int  # touch number since the last reply (the same as `number` in a plan)
    channel: str
    text: Source  # what the single-email rules lint (its path names the file it came from)
    text_map: OffsetMap  # text offsets -> offsets in the file named by `text_file`
    text_file: str  # display path of the file holding the text
    label: str  # the template as written, "inline body", or the message's subject
    anchor_file: str  # display path of the file holding `spans`: the plan, or the message's mailbox/.eml
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # head, day, channel, text -> span
    day: int | None = None  # plan: offset from the trigger
    minutes: int | None = None  # plan: minutes after the trigger, for touches on day 0
    sent: dt.datetime | None = None  # thread: the message's Date
    message_number: int = 0  # thread: position among all messages, the prospect's included
    message_id: str = ""
    replies_to: frozenset[str] = frozenset()  # thread: Message-IDs in In-Reply-To and References
    attachments: tuple[str, ...] = ()  # thread: the message's attached files

    def span(self, where: str) -> tuple[int, int]:
        return self.spans.get(where) or self.spans["head"]

    @property
    def when(self) -> str:
        if self.sent is not None:
            return self.sent.strftime("%Y-%m-%d %H:%M")
        return f"day {self.day}"

    @property
    def short(self) -> str:
        """"step 3" in a plan, "message 5" in a thread."""
        return f"message {self.message_number}" if self.sent is not None else f"step {self.number}"

    @property
    def describe(self) -> str:
        """"step 3 (day 1, linkedin)" or "message 5 (touch 2, 2026-03-03 15:10)"."""
        if self.sent is not None:
            return f"{self.short} (touch {self.touch}, {self.when})"
        return f"{self.short} ({self.when}, {self.channel})"


@dataclass(frozen=True)
class Reply:
    """A message from the prospect in a thread: it resets the cadence."""

    sent: dt.datetime
    message_id: str
    number: int  # position among all messages of the thread


@dataclass
class Sequence:
    kind: str  # "plan" or "thread"
    path: str  # display path of the plan file, mailbox or folder
    name: str
    steps: list[Step]
    files: dict[str, Source]  # display path -> source, for every file a finding can point into
    whole_span: tuple[str, tuple[int, int]]  # where a finding about the whole sequence points
    trigger: str | None = None
    lead_source: str | None = None
    stage: str | None = None
    day_unit: str = "business"
    replies: list[Reply] = field(default_factory=list)
    me: str = ""  # thread: the sender whose messages are the touches
    ends_with_reply: bool = False  # thread: the prospect wrote last

    def gap(self, first: Step, second: Step) -> tuple[int, int]:
        """(fewest, most) business days from one touch to a later one."""
        if first.sent is not None and second.sent is not None:
            days = date_gap(first.sent, second.sent)
            return days, days
        return gap_range(first.day or 0, second.day or 0, self.day_unit)

    def same_day(self, first: Step, second: Step) -> bool:
        if first.sent is not None and second.sent is not None:
            return first.sent.date() == second.sent.date()
        return first.day == second.day

    def runs(self) -> list[list[Step]]:
        """The touches between the prospect's replies (a plan is one run)."""
        runs: list[list[Step]] = []
        for step in self.steps:
            if step.touch == 1 or not runs:
                runs.append([])
            runs[-1].append(step)
        return runs

    def final_run(self) -> list[Step]:
        """The touches still waiting for an answer: none when the prospect wrote last."""
        if self.ends_with_reply or not self.steps:
            return []
        return self.runs()[-1]
