"""The `followup-lint: disable=...` directive syntax, shared by extraction (directive lines are not part of
the draft) and suppressions (which apply them to findings)."""

from __future__ import annotations

import re

DIRECTIVE_RE = re.compile(
    r"followup-lint:\s*(?P<action>disable-next-line|disable-file|disable|enable)\b"
    r"(?:\s*=\s*(?P<rules>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*))?"
)
# A line holding only a directive, bare or inside any common comment syntax.
DIRECTIVE_LINE_RE = re.compile(
    r"\s*(?:<!--|\{#-?|\{\{!-?-?|\{\{--|//|#|;)?\s*" + DIRECTIVE_RE.pattern + r"\s*(?:-->|-?#\}|-?-?\}\}|--\}\})?\s*$"
)
