"""Markdown as its reader sees it: markup removed, every kept character still at its place in the file.

Emphasis (`**`, `__`, `*`, `_`, `~~`), code backticks, heading hashes, escapes and HTML comments are
removed; a link keeps its text followed by a link marker `<https://host>` (the rules read it as a
resource); images, fenced code blocks and link reference definitions are left out. List bullets and `>`
quotes stay: the sentence splitter reads bullets and the reply splitter reads quotes. Placeholders are
never touched (`{{first_name}}` keeps its underscore).

Inline markup is removed by a handful of patterns over each line, not by a Markdown parser: parsers
(markdown-it-py, mistune) give block line ranges but no character offsets for inline markup, and the
only thing needed here is where each kept character came from.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..placeholders import find_placeholders
from ..textmap import TextMap

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_FENCE = re.compile(r"[ ]{0,3}(?P<fence>`{3,}|~{3,})")
_HEADING = re.compile(r"[ ]{0,3}(?P<hashes>#{1,6})(?:[ \t]+|$)")
_HEADING_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT_OR_RULE = re.compile(r"[ ]{0,3}(?:={3,}|-{3,}|\*{3,}|_{3,})[ \t]*$")
_DEFINITION = re.compile(r"[ ]{0,3}\[(?P<label>[^\]]+)\]:[ \t]*<?(?P<url>\S+?)>?(?:[ \t]+[\"'(].*[\"')])?[ \t]*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_INLINE = re.compile(
    r"(?P<image>!\[[^\]\n]*\]\([^)\n]*\))"
    r"|(?P<link>\[(?P<text>[^\]\n]+)\]\((?P<url><[^>\n]*>|[^)\s]+)(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?\))"
    r"|(?P<ref>\[(?P<reftext>[^\]\n]+)\]\[(?P<label>[^\]\n]*)\])"
    r"|(?P<autolink><(?:https?://|mailto:|www\.)[^>\s]+>)"
    r"|(?P<code>`+)"
    r"|(?P<escape>\\[\\`*_{}\[\]()#+\-.!>~|])"
)
_EMPHASIS = re.compile(
    r"(?P<delim>\*\*|__|~~)(?=\S)(?P<inner>.+?)(?<=\S)(?P=delim)"
    r"|(?<![\w*\\])\*(?=[^\s*])(?P<star>.+?)(?<=[^\s*\\])\*(?![\w*])"
    r"|(?<![\w\\])_(?=[^\s_])(?P<under>.+?)(?<=[^\s_\\])_(?!\w)"
)


def render(text: str, start: int = 0) -> TextMap:
    """``text[start:]`` without its Markdown markup, as a TextMap into ``text``."""
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text, start) if m.group()]
    definitions = {m.group("label").lower(): m.group("url") for _, line in lines
                   if (m := _DEFINITION.match(line.rstrip("\r\n")))}
    edits: list[tuple[int, int, str]] = [(m.start(), m.end(), "") for m in _COMMENT.finditer(text, start)]
    fence = ""
    for offset, raw in lines:
        line = raw.rstrip("\r\n")
        opening = _FENCE.match(line)
        if fence or opening:
            if opening and (not fence or opening.group("fence").startswith(fence)):
                fence = "" if fence else opening.group("fence")[:3]
            edits.append((offset, offset + len(raw), ""))  # the whole line, its line break too
            continue
        if _DEFINITION.match(line):
            edits.append((offset, offset + len(raw), ""))
            continue
        edits.extend(_line_edits(line, offset, definitions))
    return TextMap.with_edits(text, _without_overlaps(edits), start)


def _line_edits(line: str, offset: int, definitions: dict[str, str]) -> list[tuple[int, int, str]]:
    if _SETEXT_OR_RULE.match(line):
        return [(offset, offset + len(line), "")]
    edits = []
    heading = _HEADING.match(line)
    if heading:
        edits.append((offset, offset + heading.end(), ""))
        closing = _HEADING_CLOSE.search(line)
        if closing:
            edits.append((offset + closing.start(), offset + len(line), ""))
    protected = [(p.start, p.end) for p in find_placeholders(line)]
    for match in _INLINE.finditer(line):
        if _overlaps(match.start(), match.end(), protected):
            continue
        edits.extend(_inline_edits(match, offset, definitions))
    work = line
    for _ in range(3):  # nested emphasis (`**just _this_**`): the outer delimiters first, then the inner ones
        found = False
        for match in _EMPHASIS.finditer(work):
            if _overlaps(match.start(), match.end(), protected):
                continue
            inner = next(name for name in ("inner", "star", "under") if match.group(name) is not None)
            for start, end in ((match.start(), match.start(inner)), (match.end(inner), match.end())):
                edits.append((offset + start, offset + end, ""))
                work = work[:start] + " " * (end - start) + work[end:]
            found = True
        if not found:
            break
    return edits


def _inline_edits(match: re.Match, offset: int, definitions: dict[str, str]) -> list[tuple[int, int, str]]:
    start, end = offset + match.start(), offset + match.end()
    kind = match.lastgroup if match.lastgroup in ("image", "autolink", "code", "escape") else (
        "link" if match.group("link") else "ref")
    if kind == "image":
        return [(start, end, "")]
    if kind == "autolink":
        return [(start, start + 1, ""), (end - 1, end, "")]
    if kind == "code":
        return [(start, end, "")]
    if kind == "escape":
        return [(start, start + 1, "")]
    text_group = "text" if kind == "link" else "reftext"
    url = match.group("url").strip("<>") if kind == "link" else definitions.get(
        (match.group("label") or match.group("reftext")).lower(), "")
    text_end = offset + match.end(text_group)
    return [(start, start + 1, ""), (text_end, end, link_marker(url, match.group(text_group)))]


def link_marker(url: str, text: str) -> str:
    """` <https://host>` after a link's text: a resource for the rules; nothing for mail or page anchors."""
    if not url.lower().startswith(("http://", "https://", "www.")) or re.search(r"(?i)https?://|www\.", text):
        return ""
    parts = urlsplit(url if "://" in url else "https://" + url)
    return f" <{parts.scheme}://{parts.netloc}>"


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < span_end and span_start < end for span_start, span_end in spans)


def _without_overlaps(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for edit in sorted(edits, key=lambda e: (e[0], -e[1])):
        if kept and edit[0] < kept[-1][1]:
            continue
        kept.append(edit)
    return kept
