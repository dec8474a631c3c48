"""The drafts a template can produce: each branch of its conditionals, with control tags removed.

`{% if %}A{% elif %}B{% else %}C{% endif %}` (Jinja, Liquid), `{{#if}}A{{else}}B{{/if}}` (Handlebars),
`{{#x}}A{{/x}}{{^x}}B{{/x}}` (Mustache), `@if ... @else ... @endif` (Blade) and
`*|IF:X|*A*|ELSE:|*B*|END:IF|*` (Mailchimp) are conditionals. Draft
number k takes branch k of every conditional (its last branch when it has fewer); a conditional without
an else has an empty branch too, since the message can go out without that part. So every branch is
linted in at least one draft, and the number of drafts is the largest number of branches, not their
product. Control tags and template comments are not words: they are removed, a tag alone on its line
together with the line. Variables (`{{ first_name }}`) stay: the parser reads them as names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..placeholders import find_placeholders
from ..textmap import TextMap

MAX_DRAFTS = 8
_OPEN = re.compile(r"\{%-?\s*(?:if|unless|case)\b|\{\{~?\s*#\s*(?:if|unless)\b|@(?:if|unless)\b|\*\|IF(?:NOT)?:")
_SECTION = re.compile(r"\{\{~?\s*(?P<kind>[#^])\s*(?P<name>[\w.-]+)")  # Mustache sections
_MIDDLE = re.compile(r"\{%-?\s*(?:elif|elsif|else|when)\b|\{\{~?\s*(?:else\b|\^\s*~?\}\})|@(?:elseif|else)\b|\*\|ELSE(?:IF)?:")
_CLOSE = re.compile(
    r"\{%-?\s*(?:endif|endunless|endcase)\b|\{\{~?\s*/\s*(?P<name>[\w.-]+)|@(?:endif|endunless)\b|\*\|END:IF\|\*")
_ELSE = re.compile(r"\{%-?\s*else\s*-?%\}|\{\{~?\s*else\s*~?\}\}|\{\{~?\s*\^\s*~?\}\}|@else\b(?!if)|\*\|ELSE:\|\*")
_LOOPS = frozenset({"each", "with", "for", "let"})


@dataclass
class _Tag:
    start: int
    end: int
    role: str  # open | middle | close | other
    name: str = ""
    final: bool = False  # a middle tag that is the last, unconditional branch: else


@dataclass
class _Conditional:
    name: str
    branches: list[tuple[int, int]] = field(default_factory=list)
    has_else: bool = False
    content_start: int = 0

    @property
    def size(self) -> int:
        return len(self.branches) + (0 if self.has_else else 1)


def branch_maps(text: str) -> list[TextMap]:
    """One TextMap into ``text`` per possible draft (at least one)."""
    tags = _tags(text)
    if not tags:
        return [TextMap.identity(text)]
    conditionals = _conditionals(tags, len(text))
    count = min(MAX_DRAFTS, max((c.size for c in conditionals), default=1))
    removed_tags = [_tag_extent(text, tag) for tag in tags]
    maps = []
    for number in range(count):
        removed = list(removed_tags)
        for conditional in conditionals:
            chosen = min(number, conditional.size - 1)
            removed += [branch for index, branch in enumerate(conditional.branches) if index != chosen]
        maps.append(_kept(text, removed))
    return maps


def _tags(text: str) -> list[_Tag]:
    tags = []
    for placeholder in find_placeholders(text):
        raw = placeholder.text
        if placeholder.kind == "comment":
            tags.append(_Tag(placeholder.start, placeholder.end, "other"))
        elif _MIDDLE.match(raw):
            tags.append(_Tag(placeholder.start, placeholder.end, "middle", final=bool(_ELSE.match(raw))))
        elif placeholder.kind != "control":
            continue
        elif _OPEN.match(raw):
            tags.append(_Tag(placeholder.start, placeholder.end, "open", _name(raw)))
        elif (section := _SECTION.match(raw)) and section.group("name") not in _LOOPS:
            tags.append(_Tag(placeholder.start, placeholder.end, "open", section.group("kind") + section.group("name")))
        elif close := _CLOSE.match(raw):
            tags.append(_Tag(placeholder.start, placeholder.end, "close", close.group("name") or ""))
        else:
            tags.append(_Tag(placeholder.start, placeholder.end, "other"))
    return tags


def _name(raw: str) -> str:
    keyword = re.search(r"(if|unless|case)\b", raw, re.IGNORECASE)
    return keyword.group(1) if keyword else ""


def _conditionals(tags: list[_Tag], size: int) -> list[_Conditional]:
    done: list[_Conditional] = []
    stack: list[_Conditional] = []
    for tag in tags:
        if tag.role == "open":
            previous = done[-1] if done else None
            if tag.name.startswith("^") and previous and previous.name == "#" + tag.name[1:] and not previous.has_else \
                    and previous.branches and previous.branches[-1][1] <= tag.start:
                done.pop()  # {{#x}}A{{/x}}{{^x}}B{{/x}}: the inverted section is the else branch
                previous.has_else = True
                previous.content_start = tag.end
                stack.append(previous)
                continue
            stack.append(_Conditional(tag.name, content_start=tag.end))
        elif tag.role == "middle" and stack:
            top = stack[-1]
            top.branches.append((top.content_start, tag.start))
            top.content_start = tag.end
            top.has_else = top.has_else or tag.final
        elif tag.role == "close" and stack and _closes(tag, stack[-1]):
            top = stack.pop()
            top.branches.append((top.content_start, tag.start))
            done.append(top)
    for top in reversed(stack):  # never closed: the branch runs to the end (the rule on tags reports it)
        top.branches.append((top.content_start, size))
        done.append(top)
    return done


def _closes(tag: _Tag, conditional: _Conditional) -> bool:
    if not tag.name:  # {% endif %}, @endif
        return True
    return conditional.name in (tag.name, "#" + tag.name, "^" + tag.name)


def _tag_extent(text: str, tag: _Tag) -> tuple[int, int]:
    """A tag alone on its line takes the line (and its line break) with it."""
    line_start = max(text.rfind("\n", 0, tag.start), text.rfind("\r", 0, tag.start)) + 1
    line_end = len(text)
    for newline in ("\n", "\r"):
        found = text.find(newline, tag.end)
        if found != -1:
            line_end = min(line_end, found)
    if text[line_start:tag.start].strip() or text[tag.end:line_end].strip():
        return tag.start, tag.end
    if line_end == len(text):  # the last line: take the line break before it instead
        return max(0, line_start - (2 if text[:line_start].endswith("\r\n") else 1)), line_end
    return line_start, line_end + (2 if text.startswith("\r\n", line_end) else 1)


def _kept(text: str, removed: list[tuple[int, int]]) -> TextMap:
    result = TextMap()
    position = 0
    for start, end in sorted(removed):
        if end <= position:
            continue
        if start > position:
            if result.text_parts and _joins_words(result.text_parts[-1], text[position:start]):
                result.insert(" ", position)
            result.copy(position, text[position:start])
        position = max(position, end)
    if position < len(text):
        if result.text_parts and _joins_words(result.text_parts[-1], text[position:]):
            result.insert(" ", position)
        result.copy(position, text[position:])
    return result


def _joins_words(before: str, after: str) -> bool:
    return bool(before) and bool(after) and before[-1].isalnum() and after[0].isalnum()
