"""Encodings, newlines and odd spaces: the same draft gives the same findings at the same line:column."""

from __future__ import annotations

import codecs

import pytest

from followup_lint.api import lint_bytes
from followup_lint.read import decode

DRAFT = "Hi Zoë,\n\nThanks for the call. Just checking in: any update?\n"
WHERE = [("filler", 3, 22), ("no-value", 3, 22), ("lazy-question", 3, 40)]


def located(report):
    return [(f.rule, f.line, f.column) for f in report.findings if f.rule in {"filler", "no-value", "lazy-question"}]


@pytest.mark.parametrize(("data", "encoding", "bom"), [
    (DRAFT.encode("utf-8"), "utf-8", b""),
    (codecs.BOM_UTF8 + DRAFT.encode("utf-8"), "utf-8", codecs.BOM_UTF8),
    (codecs.BOM_UTF16_LE + DRAFT.encode("utf-16-le"), "utf-16-le", codecs.BOM_UTF16_LE),
    (codecs.BOM_UTF16_BE + DRAFT.encode("utf-16-be"), "utf-16-be", codecs.BOM_UTF16_BE),
    (DRAFT.replace("Zoë", "José’s team").encode("cp1252"), "cp1252", b""),
    (DRAFT.replace("Zoë", "Zoë et Müller").encode("latin-1"), "cp1252", b""),
])
def test_encodings_are_detected_and_positions_are_characters(data, encoding, bom):
    source = decode(data, "draft.txt")
    assert (source.encoding, source.bom) == (encoding, bom)
    assert source.encode(source.text) == data  # written back byte for byte
    assert located(lint_bytes(data, "draft.txt")) == WHERE


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_newlines_count_lines_as_editors_do(newline):
    data = DRAFT.replace("\n", newline).encode()
    assert decode(data).newline == newline
    assert located(lint_bytes(data, "draft.txt")) == WHERE


def test_tabs_zero_width_and_non_breaking_spaces_and_emoji():
    text = "Hi Zoë,\n\n\t👋 Thanks for the call. Just\u00a0checking in: any\u200b update?\n"
    report = lint_bytes(text.encode(), "draft.txt")
    found = {(f.rule, f.line, f.column, text[f.start:f.end]) for f in report.findings}
    assert ("no-value", 3, 25, "Just\u00a0checking in") in found  # tab and emoji are one column each
    assert ("lazy-question", 3, 43, "any\u200b update") in found
