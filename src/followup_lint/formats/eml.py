"""RFC 5322 messages (.eml): headers as metadata, the text body mapped back to the file.

Parsed with the standard library (``email`` with ``policy.default``): MIME structure, transfer encodings
and charsets. The body is the text/plain part when there is one, else the text/html part (rendered
by ``formats.html``). Positions: a 7bit/8bit body maps one to one; a quoted-printable body is decoded
here with a position for every character (``=E2=80=99`` maps to its three escapes, soft line breaks
vanish); a base64 body cannot be mapped, so its findings point at the body's first line and the
report says so.
"""

from __future__ import annotations

import codecs
import email
import email.errors
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Any

from ..textmap import TextMap
from .quoted import parse_mail_date

_HEADER_END = re.compile(r"\r\n\r\n|\n\n|\r\r|\r\n\n|\n\r\n")
_SOFT_BREAK = re.compile(r"=[ \t]*(?:\r\n|\r|\n|$)")
_HEX = re.compile(r"=([0-9A-Fa-f]{2})")
_FOLD = re.compile(r"(?:\r\n|\r|\n)[ \t]+")
_KNOWN_HEADERS = ("from", "to", "subject", "date", "message-id", "mime-version", "content-type", "cc",
                  "in-reply-to", "references", "received", "return-path", "x-unsent")
_BROKEN_STRUCTURE = (
    email.errors.StartBoundaryNotFoundDefect, email.errors.NoBoundaryInMultipartDefect,
    email.errors.MultipartInvariantViolationDefect, email.errors.MissingHeaderBodySeparatorDefect,
)


class MalformedEmail(Exception):
    """Not a message the email parser can take apart; the text is linted as plain text instead."""


@dataclass
class Email:
    body: TextMap  # the chosen part's decoded text, mapped to the file
    is_html: bool = False
    subject: TextMap | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def parse(text: str, data: bytes) -> Email:
    """``text`` is the file as decoded, ``data`` its bytes (the parser decodes each part by its own charset)."""
    message = email.message_from_bytes(data, policy=policy.default)
    header_end = _HEADER_END.search(text)
    headers_size = header_end.start() if header_end else len(text)
    _check_structure(message)
    result = Email(TextMap(), metadata=_metadata(message))
    result.subject = _subject_map(message, text, headers_size)
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        result.notes.append("the message has no text or HTML body")
        return result
    try:
        content = part.get_content()
    except (LookupError, ValueError, UnicodeError, AssertionError) as error:
        raise MalformedEmail(f"its body cannot be decoded ({error})") from None
    result.is_html = part.get_content_type() == "text/html"
    body_start = header_end.end() if header_end else len(text)
    result.body = _body_map(part, content, text, body_start, result.notes)
    return result


def _check_structure(message: EmailMessage) -> None:
    keys = {key.lower() for key in message.keys()}
    if not keys & set(_KNOWN_HEADERS):
        raise MalformedEmail("no mail headers")
    for part in message.walk():
        for defect in part.defects:
            if isinstance(defect, _BROKEN_STRUCTURE):
                raise MalformedEmail(type(defect).__name__.removesuffix("Defect").replace("Boundary", " boundary ")
                                     .strip().lower())


def _metadata(message: EmailMessage) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, header in (("subject", "subject"), ("from", "from"), ("to", "to")):
        value = _header(message, header)
        if value is not None:
            found[key] = value
    date = message.get("date")
    sent = getattr(date, "datetime", None) if date is not None else None
    if sent is None and date is not None:
        sent = parse_mail_date(str(date))
    if sent is not None:
        found["sent"] = sent
    found["reply"] = bool(message.get("in-reply-to") or message.get("references"))
    attachments = attachment_names(message)
    if attachments:
        found["attachments"] = attachments
    return found


def attachment_names(message: EmailMessage) -> list[str]:
    """The files the message carries: a resource it offers, whether or not the text mentions it."""
    try:
        parts = list(message.iter_attachments()) if message.is_multipart() else []
    except (KeyError, ValueError, email.errors.MessageError):
        return []
    return [part.get_filename() or part.get_content_type() for part in parts]


def _header(message: EmailMessage, name: str) -> str | None:
    try:
        value = message.get(name)
    except (ValueError, IndexError, email.errors.HeaderParseError):
        return None
    return None if value is None else str(value)


def _subject_map(message: EmailMessage, text: str, headers_size: int) -> TextMap | None:
    subject = _header(message, "subject")
    if subject is None:
        return None
    match = re.compile(r"(?im)^subject:[ \t]*(?P<value>[^\r\n]*(?:(?:\r\n|\r|\n)[ \t][^\r\n]*)*)").search(
        text, 0, headers_size)
    if match is None:
        result = TextMap()
        result.insert(subject, 0)
        return result
    start, raw = match.start("value"), match.group("value").rstrip()
    unfolded = TextMap.with_edits(text, [(m.start(), m.end(), " ") for m in _FOLD.finditer(text, start, start + len(raw))],
                                  start, start + len(raw))
    if unfolded.text == subject:
        return unfolded
    result = TextMap()  # encoded words (=?utf-8?q?...?=): the whole subject stands for the raw header value
    result.insert(subject, start, len(raw))
    return result


def _body_map(part: EmailMessage, content: str, text: str, body_start: int, notes: list[str]) -> TextMap:
    encoding = (part.get("content-transfer-encoding") or "7bit").strip().lower()
    raw = part.get_payload(decode=False)
    found = text.find(raw, body_start) if isinstance(raw, str) and raw else -1
    if found != -1 and encoding in ("7bit", "8bit", "binary") and raw.rstrip("\r\n") == content.rstrip("\r\n"):
        return TextMap.identity(text, found, found + len(raw.rstrip("\r\n")))
    if found != -1 and encoding == "quoted-printable":
        mapped = quoted_printable_map(raw, found, part.get_content_charset() or "utf-8")
        if mapped is not None and mapped.text == content:
            return mapped
    where = found if found != -1 else body_start
    notes.append(f"the body is {encoding}-encoded: findings point at its first line (line:column of the decoded "
                 "body are not in the file)")
    result = TextMap()
    result.insert(content, where)
    return result


def quoted_printable_map(raw: str, offset: int, charset: str) -> TextMap | None:
    """Decode a quoted-printable payload found at ``offset``; each character maps to what encoded it."""
    try:
        decoder = codecs.getincrementaldecoder(charset)(errors="replace")
    except LookupError:
        return None
    result = TextMap()
    run_start, run = -1, []  # a run of characters that stand verbatim in the file
    pending: list[tuple[int, int]] = []  # (source offset, source length) of the bytes of a pending character

    def flush_run() -> None:
        nonlocal run_start, run
        if run:
            result.copy(run_start, "".join(run))
        run_start, run = -1, []

    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "=":
            soft = _SOFT_BREAK.match(raw, index)
            if soft:
                flush_run()
                index = soft.end()
                continue
            escape = _HEX.match(raw, index)
            if escape:
                byte, width = bytes([int(escape.group(1), 16)]), 3
            else:
                byte, width = b"=", 1
        else:
            byte, width = char.encode(charset, errors="replace") if ord(char) > 127 else char.encode("ascii"), 1
        pending.append((offset + index, width))
        decoded = decoder.decode(byte)
        if decoded:
            first, last = pending[0][0], pending[-1][0] + pending[-1][1]
            verbatim = width == 1 and len(pending) == 1 and decoded == char
            if verbatim and (not run or run_start + len(run) == first):
                if not run:
                    run_start = first
                run.append(decoded)
            else:
                flush_run()
                if verbatim:
                    run_start, run = first, [decoded]
                else:
                    result.insert(decoded, first, last - first)
            pending = []
        index += width
    flush_run()
    tail = decoder.decode(b"", final=True)
    if tail:
        result.insert(tail, offset + len(raw))
    return result
