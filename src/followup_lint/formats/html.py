"""Visible text of an HTML email, with every piece mapped back to the HTML source.

Built on the standard library's ``html.parser``: its tokenizer reports where each tag, text run and
entity starts, so spans map into the HTML source, and it runs in linear time on any input (100k nested
tags included). selectolax (lexbor) and inscriptis (lxml) expose no source positions, lexbor's tree
building is quadratic on deep nesting and lxml silently drops text nested deeper than 255 elements:
docs/inputs.md has the measurements.

Rendering, as a mail client shows it: block elements break lines (paragraph-like blocks leave a blank
line), ``<br>`` breaks a line, whitespace collapses, entities decode. Hidden elements (``display:none``,
``visibility:hidden``, ``hidden``, ``mso-hide:all``, zero font size or opacity, ``<head>``, ``<style>``,
``<script>`` ...) and images are left out; a link keeps its text followed by a link marker ``<https://host>``
that the rules read as a resource, unless its only content is a tracking pixel. Quoted mail
(``<blockquote>``) is rendered with ``> `` line prefixes and a signature block (Gmail, Outlook,
Thunderbird) behind a ``--`` line, so the plain-text reply splitter leaves both out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from ..textmap import TextMap

PARAGRAPH_BLOCKS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre", "address",
    "figure", "section", "article", "header", "footer", "main", "aside", "nav", "form", "fieldset", "center",
})
LINE_BLOCKS = frozenset({"div", "li", "tr", "td", "th", "dt", "dd", "caption", "figcaption", "legend", "details",
                         "summary", "tbody", "thead", "tfoot"})
HIDDEN_TAGS = frozenset({"head", "title", "style", "script", "template", "noscript", "svg", "math", "object",
                         "iframe", "audio", "video", "canvas", "select", "datalist", "map"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                       "source", "track", "wbr"})
CLOSES_P = PARAGRAPH_BLOCKS | {"div", "li", "dt", "dd", "hr"}
_HIDING_STYLE = re.compile(
    r"(?i)(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all|"
    r"font-size\s*:\s*0(?:\.0*)?(?:px|pt|em|rem|%)?|opacity\s*:\s*0(?:\.0*)?)\s*(?:!important\s*)?(?:;|$)"
)
_ZERO_HEIGHT = re.compile(r"(?i)(?:^|;)\s*(?:max-)?height\s*:\s*0(?:px)?\s*(?:!important\s*)?(?:;|$)")
_OVERFLOW_HIDDEN = re.compile(r"(?i)overflow\s*:\s*hidden")
_PIXEL_SIZE = re.compile(r"(?i)^\s*[01](?:\.0*)?\s*(?:px)?\s*$")
_STYLE_SIZE = re.compile(r"(?i)(?:^|;)\s*(?:width|height)\s*:\s*([01])(?:px)?\s*(?:;|$)")
_SIGNATURE_CLASS = re.compile(r"(?i)\b(?:gmail_signature|moz-signature|signature)\b")
_SIGNATURE_ID = re.compile(r"(?i)^(?:signature|Signature)$")
_SPACE_OR_WORD = re.compile(r"[ \t\n\r\f]+|[^ \t\n\r\f]+")
_REF = re.compile(r"&#?[\w.-]*;?")
_URL_LIKE = re.compile(r"(?i)https?://|www\.|\b[\w-]+\.(?:com|org|net|io|co|ai|app|dev)\b")
_NEWLINE = re.compile(r"\n")


@dataclass
class _Element:
    tag: str
    start: int  # source offset of the start tag
    end: int  # source offset after the start tag
    hides: bool = False
    quotes: bool = False
    preformatted: bool = False
    href: str = ""  # links only
    link_content: bool = False
    items: int = 0  # list items so far (ordered lists)
    link_text: list[str] = field(default_factory=list)


def render(text: str, start: int = 0) -> TextMap:
    """The visible text of ``text[start:]`` as a TextMap into ``text``."""
    return render_document(text, start)[0]


def render_document(text: str, start: int = 0) -> tuple[TextMap, TextMap | None]:
    """The visible text, and the `<title>` (an exported email's subject) when there is one."""
    renderer = _Renderer(text, start)
    renderer.feed(text[start:])
    renderer.close()
    return renderer.out, _title(text, renderer.title_span)


def _title(text: str, span: tuple[int, int] | None) -> TextMap | None:
    if span is None:
        return None
    raw = text[span[0]:span[1]]
    inner = raw.strip()
    if not inner:
        return None
    at = span[0] + raw.index(inner)
    result = TextMap()
    if "&" in inner or any(char in inner for char in "\r\n\t"):
        result.insert(" ".join(html.unescape(inner).split()), at, len(inner))
    else:
        result.copy(at, inner)
    return result


class _Renderer(HTMLParser):
    def __init__(self, text: str, start: int) -> None:
        super().__init__(convert_charrefs=False)
        self.source = text
        self.newlines = [start] + [m.end() for m in _NEWLINE.finditer(text, start)]
        self.out = TextMap()
        self.stack: list[_Element] = []
        self.open_counts: dict[str, int] = {}
        self.hidden = 0
        self.quoted = 0
        self.preformatted = 0
        self.links: list[_Element] = []
        self.pending_break = 0
        self.break_at = start
        self.pending_space: tuple[int, int] | None = None
        self.pending_signature: int | None = None
        self.has_text = False
        self.at_line_start = True
        self.title_span: tuple[int, int] | None = None
        self.pending_bullet: tuple[str, int] | None = None  # a list item's "- " or "3. " and where it starts

    # -- positions --------------------------------------------------------------------------------------
    def _source_offset(self) -> int:
        line, column = self.getpos()
        return self.newlines[line - 1] + column if line - 1 < len(self.newlines) else len(self.source)

    # -- tags ---------------------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._source_offset()
        end = start + len(self.get_starttag_text() or "")
        attributes = {name: value or "" for name, value in attrs}
        self._close_implied(tag)
        if tag in VOID_TAGS:
            self._void(tag, attributes, start, end)
            return
        element = _Element(tag, start, end)
        element.hides = tag in HIDDEN_TAGS or _hides(attributes)
        element.quotes = tag == "blockquote"
        element.preformatted = tag in ("pre", "textarea", "listing")
        if tag == "a" and _is_web_link(attributes.get("href", "")):
            element.href = attributes["href"].strip()
        self.stack.append(element)
        self.open_counts[tag] = self.open_counts.get(tag, 0) + 1
        self.hidden += element.hides
        if self.hidden:
            return
        self.quoted += element.quotes
        self.preformatted += element.preformatted
        if element.href:
            self.links.append(element)
        if tag in PARAGRAPH_BLOCKS:
            self._request_break(2, start)
        elif tag in LINE_BLOCKS:
            self._request_break(1, start)
        if _is_signature(attributes):
            self.pending_signature = start
        if tag == "li":
            self.pending_bullet = (self._bullet(), start)

    def _bullet(self) -> str:
        for element in reversed(self.stack[:-1]):
            if element.tag == "ol":
                element.items += 1
                return f"{element.items}. "
            if element.tag == "ul":
                break
        return "- "

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":  # `</br>` is a line break in every browser
            self._request_break(min(self.pending_break + 1, 2), self._source_offset())
            return
        if not self.open_counts.get(tag):
            if tag == "p" and not self.hidden:
                self._request_break(2, self._source_offset())
            return
        at = self._source_offset()
        while self.stack:
            element = self.stack.pop()
            self._closed(element, at)
            if element.tag == tag:
                break

    def close(self) -> None:
        super().close()
        at = len(self.source)
        while self.stack:
            self._closed(self.stack.pop(), at)

    def _close_implied(self, tag: str) -> None:
        """The end tags HTML lets authors leave out: `<p>` before a block, `<li>`, table cells and rows."""
        if not self.stack:
            return
        top = self.stack[-1].tag
        closes = (
            (top == "p" and tag in CLOSES_P)
            or (tag == "li" and top == "li")
            or (tag in ("td", "th") and top in ("td", "th"))
            or (tag == "tr" and top in ("td", "th", "tr"))
            or (tag in ("dt", "dd") and top in ("dt", "dd"))
            or (tag == "option" and top == "option")
        )
        if closes:
            self.handle_endtag(top)
            if tag == "tr" and self.stack and self.stack[-1].tag == "tr":
                self.handle_endtag("tr")

    def _closed(self, element: _Element, at: int) -> None:
        self.open_counts[element.tag] -= 1
        if element.tag == "title" and self.title_span is None:
            self.title_span = (element.end, at)
        if self.hidden:
            self.hidden -= element.hides
            return
        self.quoted -= element.quotes
        self.preformatted -= element.preformatted
        if element.href and self.links and self.links[-1] is element:
            self.links.pop()
            self._link_marker(element)
        if element.tag in PARAGRAPH_BLOCKS:
            self._request_break(2, at)
        elif element.tag in LINE_BLOCKS:
            self._request_break(1, at)

    def _void(self, tag: str, attributes: dict[str, str], start: int, end: int) -> None:
        if self.hidden:
            return
        if tag == "br":
            self._request_break(min(self.pending_break + 1, 2), start)
        elif tag == "hr":
            self._request_break(2, start)
        elif tag == "img" and self.links and not _hides(attributes) and not _is_pixel(attributes):
            self.links[-1].link_content = True

    def _link_marker(self, link: _Element) -> None:
        text = "".join(link.link_text)
        if not link.link_content or _URL_LIKE.search(text):
            return
        parts = urlsplit(link.href if "://" in link.href else "https://" + link.href)
        marker = f"<{parts.scheme}://{parts.netloc}>" if parts.netloc else f"<{link.href}>"
        self.pending_space = self.pending_space or (link.start, 0)
        self._emit(marker, link.start, link.end - link.start)

    # -- text ---------------------------------------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        origin = self._source_offset()
        for match in _SPACE_OR_WORD.finditer(data):
            piece, at = match.group(), origin + match.start()
            if not piece[0] in " \t\n\r\f":
                self._emit(piece, at)
            elif self.preformatted and ("\n" in piece or "\r" in piece):
                breaks = piece.count("\n") + piece.replace("\r\n", "\n").count("\r")
                self._request_break(min(self.pending_break + breaks, 2), at)
            else:
                self._space(at, len(piece))

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()

    def _reference(self) -> None:
        if self.hidden:
            return
        at = self._source_offset()
        raw = _REF.match(self.source, at)
        raw_text = raw.group() if raw else "&"
        decoded = html.unescape(raw_text)
        if decoded.isspace() or decoded == "\xa0":
            self._space(at, len(raw_text))
        else:
            self._emit(decoded, at, len(raw_text))

    def _space(self, at: int, length: int) -> None:
        if self.has_text and not self.at_line_start and not self.pending_break and self.pending_space is None:
            self.pending_space = (at, length)

    def _request_break(self, lines: int, at: int) -> None:
        if lines > self.pending_break:
            if not self.pending_break:
                self.break_at = at
            self.pending_break = lines
        self.pending_space = None

    def _emit(self, piece: str, at: int, source_length: int | None = None) -> None:
        if self.pending_signature is not None:
            signature_at, self.pending_signature = self.pending_signature, None
            self._request_break(2, signature_at)
            self._start_line()
            self.out.insert("--", signature_at)
            self.has_text, self.at_line_start = True, False
            self._request_break(1, signature_at)
        self._start_line()
        if self.pending_space is not None:
            self.out.insert(" ", *self.pending_space)
            self.pending_space = None
        if source_length is None:
            self.out.copy(at, piece)
        else:
            self.out.insert(piece, at, source_length)
        self.has_text, self.at_line_start = True, False
        if self.links:
            self.links[-1].link_content = True
            self.links[-1].link_text.append(piece)

    def _start_line(self) -> None:
        if self.pending_break:
            if self.has_text:
                self.out.insert("\n" * self.pending_break, self.break_at)
                self.at_line_start = True
            self.pending_break = 0
            self.pending_space = None
        if self.at_line_start:
            prefix = "> " * self.quoted + (self.pending_bullet[0] if self.pending_bullet else "")
            if prefix:
                self.out.insert(prefix, self.pending_bullet[1] if self.pending_bullet else self.break_at)
                self.pending_space = None
                self.at_line_start = False
        self.pending_bullet = None


def _hides(attributes: dict[str, str]) -> bool:
    if "hidden" in attributes:
        return True
    style = attributes.get("style", "")
    if not style:
        return False
    return bool(_HIDING_STYLE.search(style) or (_ZERO_HEIGHT.search(style) and _OVERFLOW_HIDDEN.search(style)))


def _is_pixel(attributes: dict[str, str]) -> bool:
    """A tracking pixel: an image 0 or 1 pixel wide or high."""
    sizes = [attributes.get("width", ""), attributes.get("height", "")]
    if any(_PIXEL_SIZE.match(size) for size in sizes if size):
        return True
    return bool(_STYLE_SIZE.search(attributes.get("style", "")))


def _is_web_link(href: str) -> bool:
    href = href.strip().lower()
    return href.startswith(("http://", "https://", "www."))


def _is_signature(attributes: dict[str, str]) -> bool:
    return bool(_SIGNATURE_CLASS.search(attributes.get("class", "")) or _SIGNATURE_ID.match(attributes.get("id", ""))
                or attributes.get("data-smartmail") == "gmail_signature")


def looks_like_html(text: str) -> bool:
    """Content sniffing for standard input and .eml parts without a declared type."""
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html", "<body", "<div", "<p>", "<table", "<meta"))
