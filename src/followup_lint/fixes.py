"""Safe fixes: apply the edits findings carry, show them as a diff, write them back atomically.

An edit never touches a template placeholder (``{{first_name}}``, ``[Company]``, a ``[[slot: ...]]``),
overlapping edits keep only the first, and replacement text follows the file's newline style. Writing
goes through a temporary file in the same folder and ``os.replace``, and keeps the file's encoding,
byte-order mark, newline style and mode, so the only bytes that change are the ones a fix changed.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable, Iterable

from .atomic import replace_file
from .findings import Edit, FileReport
from .placeholders import find_placeholders
from .read import Source, newline_style

SLOT_RE = re.compile(r"\[\[[^\[\]\n]{1,200}\]\]")  # the visible slots suggestions leave: [[name: what]]
_NEWLINES = re.compile(r"\r\n|\r|\n")
_BLANK_LINE = re.compile(r"[ \t]*(?:\r\n|\r|\n)")
_BLANK_LINE_END = re.compile(r"(?:\A|\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)\Z")


class FixError(Exception):
    """A fix that cannot be written; the message is one line meant for the user."""


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans no edit may touch: template placeholders and suggestion slots."""
    spans = [(p.start, p.end) for p in find_placeholders(text)]
    spans += [(m.start(), m.end()) for m in SLOT_RE.finditer(text)]
    return sorted(spans)


def touches(edit: Edit, spans: Iterable[tuple[int, int]]) -> bool:
    """True when the edit removes or rewrites part of a span, or inserts inside one."""
    for start, end in spans:
        if edit.start < end and start < edit.end:
            return True
        if edit.start == edit.end and start < edit.start < end:
            return True
    return False


def safe_edits(text: str, edits: Iterable[Edit]) -> list[Edit]:
    """The edits that can be applied: in range, clear of placeholders, not overlapping an earlier one
    (overlapping deletions merge into one, so that one pass does what two would). A deletion that empties a
    line takes the line with it."""
    spans = protected_spans(text)
    chosen: list[Edit] = []
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end, e.replacement)):
        if not 0 <= edit.start <= edit.end <= len(text) or touches(edit, spans):
            continue
        edit = _whole_line(text, edit)
        if chosen and edit.start < chosen[-1].end:
            if not (edit.replacement or chosen[-1].replacement):  # overlapping deletions: delete both, at once
                chosen[-1] = Edit(chosen[-1].start, max(chosen[-1].end, edit.end), "")
            continue
        if edit.start == edit.end and not edit.replacement:
            continue
        chosen.append(edit)
    return chosen


def _whole_line(text: str, edit: Edit) -> Edit:
    if edit.replacement or edit.start == edit.end:
        return edit
    line_start = max(text.rfind("\n", 0, edit.start), text.rfind("\r", 0, edit.start)) + 1
    ending = _NEWLINES.search(text, edit.end)
    line_end = ending.start() if ending else len(text)
    if text[line_start:edit.start].strip() or text[edit.end:line_end].strip() or not ending:
        return edit
    end = ending.end()
    blank_before = line_start == 0 or _BLANK_LINE_END.search(text, 0, line_start)
    blank_after = _BLANK_LINE.match(text, end)
    if blank_before and blank_after:  # a paragraph of its own: keep one blank line, not two
        end = blank_after.end()
    return Edit(line_start, end, "")


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply the safe subset of `edits` (0-based offsets into `text`); replacements use the text's newline style."""
    newline = newline_style(text)
    pieces: list[str] = []
    position = 0
    for edit in safe_edits(text, edits):
        replacement = _NEWLINES.sub(newline, edit.replacement) if newline != "\n" else edit.replacement
        pieces += [text[position:edit.start], replacement]
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def report_edits(report: FileReport) -> list[Edit]:
    return [edit for finding in report.findings for edit in finding.edits]


def fixed_text(report: FileReport) -> str:
    """The report's source text with every finding's safe edits applied."""
    return apply_edits(report.source_text, report_edits(report))


MAX_FIX_PASSES = 10


def fix_until_stable(texts: list[str], reports: list[FileReport],
                     relint: Callable[[list[int], list[str]], list[FileReport]]) -> tuple[list[str], list[FileReport]]:
    """Apply the safe fixes, lint what changed, and repeat while that finds more, at most MAX_FIX_PASSES
    times (as ruff and ESLint do): one deletion can turn the next words into something fixable, and a
    second `--fix` must change nothing. `relint(indexes, texts)` lints the changed texts only."""
    texts, reports = list(texts), list(reports)
    for _ in range(MAX_FIX_PASSES):
        after = [fixed_text(report) for report in reports]
        changed = [index for index, (before, new) in enumerate(zip(texts, after)) if before != new]
        if not changed:
            break
        for index, report in zip(changed, relint(changed, [after[index] for index in changed])):
            texts[index], reports[index] = after[index], report
    return texts, reports


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of the change, with `path` on both header lines; "" when nothing changed."""
    if before == after:
        return ""
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=path, tofile=path)
    out = []
    for line in lines:
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:  # the file's last line has no newline
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def write_atomically(source: Source, new_text: str) -> bool:
    """Write `new_text` over `source.path` as the file was stored; returns False when nothing changed.

    The bytes go to a temporary file in the same folder, which then replaces the file (``os.replace``):
    a reader sees the old file or the new one, never half of each. A symlink is followed, not replaced.
    """
    if not source.path or source.path == "-":
        raise FixError("standard input cannot be fixed in place (the fixed text goes to standard output)")
    if new_text == source.text:
        return False
    try:
        data = source.encode(new_text)
    except UnicodeEncodeError as error:
        raise FixError(f"{source.path}: the fix needs {error.object[error.start:error.end]!r}, "
                       f"which {source.encoding} cannot store") from None
    target = os.path.realpath(source.path)
    try:
        status = os.stat(target)
        replace_file(target, data, mode=stat.S_IMODE(status.st_mode), owner=(status.st_uid, status.st_gid),
                     sync=True, prefix=f".{os.path.basename(target)}.", suffix=".fix")
    except OSError as error:
        raise FixError(f"{source.path}: cannot write the fix ({error.strerror or error})") from None
    return True
