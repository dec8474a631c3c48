"""Extract the draft's own text from a source: what the sender wrote, and nothing else.

Stages, each a TextMap into the text of the stage before it, chained back to the original file:

1. the format's visible text: an .eml's body part (``formats.eml``), HTML rendered (``formats.html``),
   Markdown without markup (``formats.markdown``), plain text as it is; front matter, a leading
   ``Subject:`` line and .eml headers become metadata;
2. the sender's own lines: quoted replies, forwarded blocks, sign-off and signature left out
   (``formats.quoted``);
3. spacing: non-breaking and other fixed-width spaces read as spaces, zero-width characters vanish;
4. for template files, one draft per branch of its conditionals (``formats.template_branches``).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from .formats import html, markdown
from .formats.quoted import Line, split_lines, split_reply, subject_text, take_subject
from .read import InputError, Source
from .textmap import TextMap

if TYPE_CHECKING:
    from .formats.eml import Email

TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".hbs", ".handlebars", ".mustache", ".liquid", ".blade.php")
FORMAT_SUFFIXES = {".eml": "eml", ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
                   ".txt": "text", ".text": "text"}

_FRONT_MATTER_FENCE = re.compile(r"---[ \t]*(?:\r\n|\r|\n|$)")
_SPACE_LIKE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


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
    format: str = "text"  # text | markdown | html | eml
    notes: list[str] = field(default_factory=list)  # for the user: a malformed .eml linted as text, ...
    branch: int = 0  # which draft of a template (0 for anything else)

    @property
    def path(self) -> str | None:
        return self.source.path


def source_format(path: str | None, text: str) -> tuple[str, bool]:
    """(format, is a template by its name): `welcome.html.j2` is an HTML template."""
    name = (path or "").lower()
    template = name.endswith(TEMPLATE_SUFFIXES)
    if template:
        name = name[: -len(next(suffix for suffix in TEMPLATE_SUFFIXES if name.endswith(suffix)))]
    for suffix, kind in FORMAT_SUFFIXES.items():
        if name.endswith(suffix):
            return kind, template
    return ("html" if html.looks_like_html(text) else "text"), template


def extract_drafts(source: Source, metadata: dict[str, Any] | None = None) -> list[Draft]:
    """Every draft a source stands for: one, or one per template branch."""
    from .formats.template_branches import branch_maps

    draft = extract_draft(source, metadata)
    if not draft.is_template:
        return [draft]
    drafts = []
    for number, branch in enumerate(branch_maps(draft.body)):
        body_map = branch.through(draft.body_map)
        drafts.append(dataclasses.replace(draft, body=body_map.text, body_map=body_map, branch=number))
    return drafts


def extract_draft(source: Source, metadata: dict[str, Any] | None = None) -> Draft:
    kind, template_by_name = source_format(source.path, source.text)
    notes: list[str] = []
    found: dict[str, Any] = {}  # metadata the file implies (headers, the quoted thread)
    front_matter: dict[str, Any] = {}
    subject_map: TextMap | None = None
    parsed = _parse_email(source, notes) if kind == "eml" else None
    if parsed is not None:
        visible = _visible_text("html", parsed.body.text, 0, notes)[0].through(parsed.body) if parsed.is_html else parsed.body
        found, subject_map = parsed.metadata, parsed.subject
        notes += parsed.notes
    else:
        kind = "text" if kind == "eml" else kind
        front_matter, body_start = read_front_matter(source.text, source.display_path)
        visible, subject_map = _visible_text(kind, source.text, body_start, notes)
    lines = split_lines(visible.text)
    if subject_map is None:
        subject_line, at, lines = take_subject(lines)
        if subject_line is not None:
            subject_map = TextMap()
            subject_map.copy(subject_line.start + at, subject_text(subject_line, at))
            subject_map = subject_map.through(visible)
    reply = split_reply(lines)
    if reply.last_contact is not None:
        found.setdefault("last_contact", reply.last_contact)
    body_map = normalize_spacing(join_lines(reply.own).through(visible))
    merged = {**found, **front_matter, **(metadata or {})}
    subject = subject_map.text if subject_map is not None else None
    if subject is not None:
        merged.setdefault("subject", subject)
    return Draft(
        source=source,
        body=body_map.text,
        body_map=body_map,
        subject=subject,
        subject_map=subject_map,
        metadata=merged,
        signature="\n".join(line.text for line in reply.signature).strip(),
        is_template=bool(merged.get("template")) or template_by_name,
        format=kind,
        notes=notes,
    )


def _parse_email(source: Source, notes: list[str]) -> Email | None:
    from .formats import eml  # the email package costs ~20 ms to import; only .eml files need it

    try:
        return eml.parse(source.text, source.encode(source.text))
    except eml.MalformedEmail as error:
        notes.append(f"not a well-formed email message ({error}): linted as plain text")
    except (UnicodeError, ValueError, LookupError, IndexError, TypeError) as error:  # the parser's own bugs
        notes.append(f"not a well-formed email message ({type(error).__name__}): linted as plain text")
    return None


def _visible_text(kind: str, text: str, start: int, notes: list[str]) -> tuple[TextMap, TextMap | None]:
    """The text a reader sees, and the subject the format itself holds (an HTML `<title>`)."""
    if kind == "html":
        try:
            return html.render_document(text, start)
        except (AssertionError, ValueError) as error:  # html.parser gives up on some broken markup
            notes.append(f"the HTML cannot be parsed ({error or type(error).__name__}): linted as plain text")
    elif kind == "markdown":
        return markdown.render(text, start), None
    return TextMap.identity(text, start), None


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
            return {str(key): value for key, value in data.items()}, line.next_start
    return {}, 0


def join_lines(lines: list[Line]) -> TextMap:
    """Body text from the kept lines; newlines become "\n", a gap left by removed lines a paragraph break."""
    body = TextMap()
    while lines and not lines[-1].text.strip():
        lines = lines[:-1]
    while lines and not lines[0].text.strip():
        lines = lines[1:]
    for previous, line in zip([None, *lines], lines):
        if previous is not None:
            if line.start == previous.next_start:
                body.insert("\n", previous.end, len(previous.newline))
            else:
                body.insert("\n\n", previous.end)
        body.copy(line.start, line.text)
    return body


def normalize_spacing(body: TextMap) -> TextMap:
    """Non-breaking and fixed-width spaces read as spaces; zero-width characters and soft hyphens vanish."""
    text = body.text
    edits = [(m.start(), m.end(), " ") for m in _SPACE_LIKE.finditer(text)]
    edits += [(m.start(), m.end(), "") for m in _INVISIBLE.finditer(text)]
    if not edits:
        return body
    return TextMap.with_edits(text, sorted(edits)).through(body)
