"""Template placeholders in the styles sales tools and template engines use.

A placeholder stands for a name, company, link or block of text that is filled in later. It is never a
word of the draft: it must not count as a pronoun, end a sentence or look like a pitch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Order matters: the longest delimiters first, so `{{{x}}}` is not read as `{{x}}` plus braces.
_PATTERNS = (
    ("comment", r"\{\{!--.*?--\}\}|\{\{!.*?\}\}|\{\{--.*?--\}\}|\{#.*?#\}"),
    ("control", r"\*\|(?:IF|IFNOT|ELSEIF|ELSE|END):[^|\n]{0,60}\|\*|\{%-?.*?-?%\}|\{\{~?[#/^>](?:[^{}]|\{[^{}]*\})*?\}\}|\{\{~?else(?:\s[^{}\n]*)?~?\}\}|<%(?!=).*?%>|@(?:if|else|elseif|endif|foreach|endforeach|unless|endunless)\b(?:\([^()\n]*\))?"),
    ("variable", r"\{\{\{[^{}\n]{1,200}\}\}\}"),
    ("variable", r"\{\{(?:[^{}\n]|\n(?!\s*\n)|\{[^{}\n]*\}){1,200}?\}\}"),  # a wrapped line may break it, not a paragraph
    ("variable", r"<%=.*?%>|\$\{[^{}\n]{1,80}\}"),
    ("variable", r"<<[^<>\n]{1,80}>>"),
    ("variable", r"\*\|[A-Za-z][\w:]{0,60}\|\*"),  # Mailchimp: *|FNAME|*
    ("variable", r"%%[A-Za-z][\w.]{0,60}%%"),  # Pardot: %%first_name%%
    ("variable", r"(?<!\{)\{![A-Za-z][\w.]{0,80}\}"),  # Salesforce: {!Contact.FirstName}
    ("variable", r"(?<![\w%])%[A-Za-z][A-Za-z0-9_.:-]{0,60}%(?![\w%])"),
    ("variable", r"(?<![\w{])\{[A-Za-z_][\w .:|-]{0,60}\}(?!\})"),
    ("variable", r"\[\[[a-z_][a-z0-9_]*:[^\[\]\n]{0,200}\]\]"),  # a slot `suggest` left to fill
    ("variable", r"(?<![\w\[])\[(?!\[)[A-Za-z][\w .'/&:-]{0,60}\](?![(\[:\]])"),
)
PLACEHOLDER_RE = re.compile("|".join(f"(?P<{kind}{n}>{p})" for n, (kind, p) in enumerate(_PATTERNS)), re.S)
_OPENING = re.compile(r"[{\[<%$@*]")  # every pattern above starts with one of these

_NAME_NOISE = re.compile(r"^\$?\w+->|\?\?.*$|\|.*$|\bor\b.*$|:default=.*$", re.S)
_DELIMITERS = "{}[]<>%$#/!^~-=@*| "
_WORDS = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int
    text: str
    kind: str  # variable | control | comment
    name: str  # normalised: "first_name", "sender_bookme_text", "" for control tags and comments


def find_placeholders(text: str) -> list[Placeholder]:
    """What ``PLACEHOLDER_RE.finditer`` finds, tried only where an opening character is: the alternation
    tried at every character of a draft cost ten times as much."""
    found = []
    end = 0
    for opening in _OPENING.finditer(text):
        if opening.start() < end:
            continue
        match = PLACEHOLDER_RE.match(text, opening.start())
        if match is None:
            continue
        end = match.end()
        kind = next(key for key, value in match.groupdict().items() if value is not None).rstrip("0123456789")
        name = placeholder_name(match.group()) if kind == "variable" else ""
        if kind == "variable" and not name:
            continue
        found.append(Placeholder(match.start(), match.end(), match.group(), kind, name))
    return found


def replace_placeholders(text: str, variable: str = "") -> str:
    """The text with each variable placeholder as ``variable`` and each template tag or comment removed."""
    kept, position = [], 0
    for placeholder in find_placeholders(text):
        kept += [text[position:placeholder.start], variable if placeholder.kind == "variable" else ""]
        position = placeholder.end
    return "".join([*kept, text[position:]])


def placeholder_name(raw: str) -> str:
    """`{{ $lead->firstname ?? '' }}` -> "firstname"; `[First Name]` -> "first_name"."""
    if raw.startswith("[[") and ":" in raw:
        raw = raw.split(":", 1)[0]
    inner = raw.strip(_DELIMITERS)
    if inner.startswith("="):
        inner = inner[1:]
    inner = _NAME_NOISE.sub("", inner.strip())
    words = _WORDS.findall(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", inner) if " " not in inner else inner)
    return "_".join(word.lower() for word in words)[:60]
