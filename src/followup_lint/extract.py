"""Extract the draft's own text from a source: what the sender wrote, and nothing else.

Front matter and a leading ``Subject:`` line become metadata; quoted replies, forwarded blocks and the
sign-off/signature are left out of the body. Each extracted text carries a ``TextMap`` back to the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .read import InputError, Source
from .textmap import TextMap

TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".hbs", ".handlebars", ".mustache", ".liquid", ".blade.php")

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_FRONT_MATTER_FENCE = re.compile(r"---[ \t]*(?:\r\n|\r|\n|$)")
_SUBJECT_RE = re.compile(r"(?i)subject:[ \t]*(?P<subject>.*?)\s*$")
_QUOTED_RE = re.compile(r"\s*>")
_ATTRIBUTION_RE = re.compile(r"(?i)\s*On\b.{4,200}\bwrote:\s*$")
_THREAD_START_RE = re.compile(
    r"(?i)\s*(?:-{2,}\s*(?:Original Message|Forwarded message)\s*-{2,}|Begin forwarded message:|"
    r"_{10,}\s*$|From:\s.+)"
)
_SIGNATURE_DELIMITER_RE = re.compile(r"--[ \t]?$")
_MOBILE_FOOTER_RE = re.compile(r"(?i)\s*Sent from my \w+")
_SIGN_OFF_WORDS = (
    "best", "best regards", "kind regards", "warm regards", "warmest regards", "regards", "warmly",
    "thanks", "thank you", "thanks again", "thanks so much", "many thanks", "thanks in advance",
    "cheers", "sincerely", "yours sincerely", "yours truly", "respectfully", "talk soon", "speak soon",
    "all the best", "best wishes", "take care", "with thanks", "with gratitude", "appreciate it", "cordially",
    "have a great day", "have a great week", "looking forward", "until then", "onward", "ciao",
)
_SIGN_OFF_RE = re.compile(
    r"(?i)\s*(?:" + "|".join(re.escape(word) for word in _SIGN_OFF_WORDS) + r")\s*[,.!\-–—]*"
    r"(?:\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})?\s*$"
)
_POSTSCRIPT_RE = re.compile(r"(?i)\s*P\.?\s?S\.?\b")
_MAX_SIGNATURE_LINES = 8


@dataclass
class Line:
    start: int
    text: str  # without its line ending
    newline: str = ""

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def next_start(self) -> int:
        return self.end + len(self.newline)


@dataclass
class Draft:
    """The draft's own text, ready for parsing, with everything needed to point back into the source."""

    source: Source
    body: str
    body_map: TextMap
    subject: str | None = None
    subject_map: TextMap | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    signature: str = ""
    is_template: bool = False

    @property
    def path(self) -> str | None:
        return self.source.path


def split_lines(text: str, start: int = 0) -> list[Line]:
    lines = []
    for match in _LINE_RE.finditer(text, start):
        if match.start() == match.end():
            break
        text = match.group().rstrip("\r\n")
        lines.append(Line(match.start(), text, match.group()[len(text):]))
    return lines


def extract_draft(source: Source, metadata: dict[str, Any] | None = None) -> Draft:
    text = source.text
    front_matter, body_start = read_front_matter(text, source.display_path)
    merged = {**front_matter, **(metadata or {})}
    lines = split_lines(text, body_start)
    subject, subject_map, lines = _take_subject(lines)
    if subject is not None:
        merged.setdefault("subject", subject)
    own_lines, signature_lines = _split_own_text(lines)
    body_map = _join_lines(own_lines)
    path = (source.path or "").lower()
    is_template = bool(merged.get("template")) or path.endswith(TEMPLATE_SUFFIXES)
    return Draft(
        source=source,
        body=body_map.text,
        body_map=body_map,
        subject=subject,
        subject_map=subject_map,
        metadata=merged,
        signature="\n".join(line.text for line in signature_lines).strip(),
        is_template=is_template,
    )


def read_front_matter(text: str, name: str) -> tuple[dict[str, Any], int]:
    """A YAML block between `---` fences at the very top; returns (metadata, offset after it)."""
    opening = _FRONT_MATTER_FENCE.match(text)
    if not opening:
        return {}, 0
    for line in split_lines(text, opening.end()):
        if line.text.rstrip() in ("---", "..."):
            block = text[opening.end():line.start]
            try:
                data = yaml.safe_load(block) if block.strip() else {}
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                where = f" (line {mark.line + 2})" if mark else ""
                raise InputError(f"{name}: front matter is not valid YAML{where}") from None
            if not isinstance(data, dict):
                raise InputError(f"{name}: front matter must be a mapping of keys to values")
            end = line.start + len(line.text)
            newline = re.match(r"\r\n|\r|\n", text[end:end + 2])
            return {str(key): value for key, value in data.items()}, end + (newline.end() if newline else 0)
    return {}, 0


def _take_subject(lines: list[Line]) -> tuple[str | None, TextMap | None, list[Line]]:
    for index, line in enumerate(lines):
        if not line.text.strip():
            continue
        match = _SUBJECT_RE.match(line.text)
        if not match:
            return None, None, lines
        subject_map = TextMap()
        subject_map.copy(line.start + match.start("subject"), match.group("subject"))
        return match.group("subject"), subject_map, lines[index + 1:]
    return None, None, lines


def _split_own_text(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Separate what the sender wrote now from quoted mail and the signature block."""
    own: list[Line] = []
    signature: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        text = line.text
        if _starts_thread(lines, index):
            break
        if _QUOTED_RE.match(text):
            index += 1
            continue
        if _SIGNATURE_DELIMITER_RE.match(text) or _MOBILE_FOOTER_RE.match(text):
            signature.extend(_until_thread(lines, index))
            break
        if _SIGN_OFF_RE.match(text):
            block = _sign_off_block(lines, index)
            if block is not None:
                signature.extend(block)
                index += len(block)
                continue
        own.append(line)
        index += 1
    return own, signature


def _starts_thread(lines: list[Line], index: int) -> bool:
    text = lines[index].text
    if _ATTRIBUTION_RE.match(text):
        return True
    if index + 1 < len(lines) and re.match(r"(?i)\s*On\b", text) and _ATTRIBUTION_RE.match(
        text + " " + lines[index + 1].text
    ):
        return True
    if _THREAD_START_RE.match(text):
        # "From: ..." alone is a header only when a "Sent:"/"Date:"/"To:" line follows.
        if re.match(r"(?i)\s*From:", text):
            following = " ".join(line.text for line in lines[index + 1:index + 4])
            return bool(re.search(r"(?i)\b(?:Sent|Date|To):", following))
        return True
    return False


def _until_thread(lines: list[Line], index: int) -> list[Line]:
    block = []
    for position in range(index, len(lines)):
        if _starts_thread(lines, position) or _QUOTED_RE.match(lines[position].text):
            break
        block.append(lines[position])
    return block


def _sign_off_block(lines: list[Line], index: int) -> list[Line] | None:
    """The sign-off line and the short signature under it, or None when prose follows (not a sign-off)."""
    block = [lines[index]]
    for position in range(index + 1, len(lines)):
        line = lines[position]
        if _starts_thread(lines, position) or _QUOTED_RE.match(line.text):
            break
        if _POSTSCRIPT_RE.match(line.text):
            break
        block.append(line)
    content = [line for line in block[1:] if line.text.strip()]
    if len(content) > _MAX_SIGNATURE_LINES or any(_looks_like_prose(line.text) for line in content):
        return None
    return block


def _looks_like_prose(text: str) -> bool:
    words = text.split()
    return len(words) > 12 or (len(words) > 6 and text.rstrip().endswith((".", "?", "!")))


def _join_lines(lines: list[Line]) -> TextMap:
    """Body text from the kept lines; newlines become "\n", a gap left by removed lines a paragraph break."""
    body = TextMap()
    while lines and not lines[-1].text.strip():
        lines = lines[:-1]
    for previous, line in zip([None, *lines], lines):
        if previous is not None:
            if line.start == previous.next_start:
                body.insert("\n", previous.end, len(previous.newline))
            else:
                body.insert("\n\n", previous.end)
        body.copy(line.start, line.text)
    return body
