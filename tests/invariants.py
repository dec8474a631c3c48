"""What must hold for any input, checked the same way by the property tests and the benchmark's long fuzz run,
and the pieces that hostile inputs are made of.

Each check raises AssertionError with the reason; they derive what they expect from the input text
independently of the linter's own position and fix code where that is possible.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable

from followup_lint.findings import FileReport
from followup_lint.fixes import MAX_FIX_PASSES, fix_until_stable, fixed_text, report_edits, safe_edits
from followup_lint.placeholders import find_placeholders
from followup_lint.read import newline_style
from followup_lint.reporters import ReportOptions, get_reporter
from followup_lint.serialize import report_from_dict

PLACEHOLDERS = [
    "{{first_name}}", "{{ first_name }}", "{{{company}}}", "{first_name}", "[First Name]", "<<Company>>",
    "%FIRSTNAME%", "{{ $lead->firstname ?? '' }}", "{% if event %}", "{% endif %}", "{{#each items}}", "{{/each}}",
    "{# note #}", "${name}", "<%= name %>", "[[slot: their problem]]", "*|FNAME|*", "*|IF:FNAME|*", "*|END:IF|*",
    "{!Contact.FirstName}", "%%first_name%%",
]
PIECES = [
    *PLACEHOLDERS,
    "Hi Sam,", "Dear Ms. Novak,", "Just checking in.", "I just wanted to follow up.", "Any update?", "Thoughts?",
    "I hope this email finds you well.", "Sorry to bother you again!", "Does Tuesday at 2pm work?",
    "We are the leading, best-in-class platform!!!", "I saw you opened my email.", "Let me know.",
    "Subject: Following up\n", "---\ntouch: 3\n---\n", "> quoted reply\n", "On Mon, Sam <s@x.io> wrote:\n",
    "-- \nDana\n", "Best,\nDana\n", "P.S. one more thing", "1. first\n2. second\n", "- bullet\n",
    "\n", "\n\n", "\r\n", "\r", " ", "\t", "?", "!", ".", ",", ":", "«", "»", "“", "”", "’",
    "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\x0b", "\x0c", "\u2028", "\u2029", "\u00a0", "\u200b", "\ufeff",
    "\u202e", "\u202d", "\u200f", "\u200e", "مرحبا بك", "שלום רב", "👍🏽", "👨‍👩‍👧", "🇩🇪", "e\u0301", "你好世界",
    "ﷺ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\U0010fffd",
]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NEWLINES = re.compile(r"\r\n|\r|\n")
_BLANK_LINE = re.compile(r"[^\S\r\n]*(?:\r\n|\r|\n)")


def line_starts(text: str) -> list[int]:
    """Offsets where lines start: `\\r\\n`, `\\r` and `\\n` each end a line."""
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


def position(starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect.bisect_right(starts, offset) - 1
    return line + 1, offset - starts[line] + 1


def check_report(text: str, report: FileReport) -> None:
    """Spans inside the text, line/column agreeing with the offsets, findings sorted, a sane score."""
    assert report.error is None, report.error
    starts = line_starts(text)
    for finding in [*report.findings, *report.suppressed]:
        assert 0 <= finding.start <= finding.end <= len(text), (finding.rule, finding.start, finding.end, len(text))
        assert (finding.line, finding.column) == position(starts, finding.start), (finding.rule, "start position")
        assert (finding.end_line, finding.end_column) == position(starts, finding.end), (finding.rule, "end position")
        for edit in finding.edits:
            assert 0 <= edit.start <= edit.end <= len(text), (finding.rule, "edit out of range")
    spans = [(f.start, f.end, f.rule) for f in report.findings]
    assert spans == sorted(spans), "findings are not in source order"
    assert 0 <= report.metrics["score"] <= 100
    assert report.metrics["words"] >= 0


def check_serialised(report: FileReport) -> None:
    """Valid JSON from the JSON reporter, equal to the report's dict; the dict round-trips; text output renders."""
    rendered = get_reporter("json")([report], ReportOptions(version="test"))
    document = json.loads(rendered)
    assert document["files"] == [json.loads(json.dumps(report.to_dict()))]
    assert report_from_dict(report.to_dict(), source_text=report.source_text) == report
    get_reporter("text")([report], ReportOptions())


def _line_hull(text: str, start: int, end: int) -> tuple[int, int]:
    """From the start of `start`'s line to past the line break after `end`, and past one blank line after
    that: a fix may take the whole line, and with a paragraph of its own, one of the blank lines around it."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    ending = _NEWLINES.search(text, end)
    if not ending:
        return line_start, len(text)
    blank = _BLANK_LINE.match(text, ending.end())
    return line_start, blank.end() if blank else ending.end()


def check_fix(text: str, report: FileReport, relint: Callable[[str], FileReport]) -> str:
    """`--fix` keeps every placeholder and every character outside the edited spans in every pass, and
    settles: after at most MAX_FIX_PASSES passes (fixes.fix_until_stable) linting the result asks for no
    further change, so a second `--fix` is a no-op. Returns the fixed text."""
    [fixed], [final] = fix_until_stable([text], [report], lambda _, texts: [relint(texts[0])])
    current, current_report = text, report
    for _ in range(MAX_FIX_PASSES):
        after = check_fix_pass(current, current_report)
        if after == current:
            break
        current, current_report = after, relint(after)
        check_report(current, current_report)
    assert current == fixed, "fix_until_stable disagrees with the passes checked one by one"
    assert fixed_text(final) == fixed, f"--fix does not settle in {MAX_FIX_PASSES} passes"
    return fixed


def check_fix_pass(text: str, report: FileReport) -> str:
    """One pass of the safe fixes: in range, never overlapping, only where a finding asked, clear of every
    placeholder, and nothing else in the text changed. Returns the text after the pass."""
    fixed = fixed_text(report)
    wanted = report_edits(report)
    applied = safe_edits(text, wanted)
    placeholders = find_placeholders(text)
    newline = newline_style(text)
    pieces, position_in_text = [], 0
    for edit in applied:
        assert position_in_text <= edit.start <= edit.end <= len(text), "edits overlap or run out of the text"
        assert any(_within(edit, _line_hull(text, w.start, w.end)) for w in wanted), "an edit nobody asked for"
        for placeholder in placeholders:
            assert edit.end <= placeholder.start or placeholder.end <= edit.start, f"edit touches {placeholder.text!r}"
        pieces += [text[position_in_text:edit.start], _NEWLINES.sub(newline, edit.replacement)]
        position_in_text = edit.end
    pieces.append(text[position_in_text:])
    assert fixed == "".join(pieces), "characters outside the edited spans changed"
    for placeholder in placeholders:
        assert placeholder.text in fixed, f"placeholder {placeholder.text!r} lost"
    return fixed


def _within(edit, hull: tuple[int, int]) -> bool:
    return hull[0] <= edit.start and edit.end <= hull[1]
