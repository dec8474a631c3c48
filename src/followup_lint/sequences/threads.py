"""Read a real thread: an ``.mbox`` file (stdlib ``mailbox``) or a folder of ``.eml`` files (``email``).

The messages of one sender ("me": ``--me ADDRESS``, or else whoever sent the most) are the touches,
in ``Date`` order; a message from anyone else is the prospect's reply, and the touch count starts again
after it. Each touch keeps where its text is in the file: a plain-text body stored as written (7bit,
8bit) is found verbatim, so findings point at its exact line; an encoded body (quoted-printable, base64)
points at the message's first body line.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import mailbox
import os
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

from ..formats.eml import attachment_names
from ..read import DEFAULT_MAX_BYTES, InputError, Source, read_path
from .model import OffsetMap, Reply, Sequence, SequenceError, Step

_SEPARATOR_RE = re.compile(r"^From ", re.M)  # mailbox.mbox starts a message at every line beginning "From "
_BLANK_LINE_RE = re.compile(r"\r?\n\r?\n|\r\r")
_MESSAGE_ID_RE = re.compile(r"<[^<>\s]+>")


@dataclass
class Mail:
    file: str  # display path of the mailbox or .eml file
    start: int  # where the message starts in that file's text
    end: int
    message: email.message.EmailMessage
    sender: str
    sent: dt.datetime
    number: int = 0


def is_mailbox_path(path: str) -> bool:
    return path.lower().endswith(".mbox")


def load_thread(path: str, *, me: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Sequence:
    """A thread from an .mbox file or a folder of .eml files."""
    files: dict[str, Source] = {}
    if os.path.isdir(path):
        mails = _eml_folder(path, files, max_bytes)
    elif os.path.isfile(path):
        mails = _mbox_file(path, files, max_bytes)
    else:
        raise SequenceError(f"{path}: no such file or folder")
    if not mails:
        raise SequenceError(f"{path}: no messages")
    mails.sort(key=lambda mail: mail.sent)
    for number, mail in enumerate(mails, start=1):
        mail.number = number
    me = _who_is_me(path, mails, me)
    steps, replies = _touches(mails, me, files)
    if not steps:
        raise SequenceError(f"{path}: no message from {me}")
    first = mails[0]
    subject = str(first.message.get("Subject") or "").strip() or "(no subject)"
    return Sequence(
        kind="thread", path=path, name=subject, steps=steps, files=files,
        whole_span=(steps[0].anchor_file, steps[0].spans["head"]), replies=replies, me=me,
        ends_with_reply=mails[-1].sender != me,
    )


def _mbox_file(path: str, files: dict[str, Source], max_bytes: int) -> list[Mail]:
    source = _read(path, max_bytes)
    files[path] = source
    starts = [match.start() for match in _SEPARATOR_RE.finditer(source.text)]
    box = mailbox.mbox(path, create=False)
    try:
        raw = [box.get_bytes(key) for key in box.iterkeys()]
    except (OSError, mailbox.Error) as error:
        raise SequenceError(f"{path}: not a readable mbox file ({error})") from None
    finally:
        box.close()
    if not raw:
        raise SequenceError(f"{path}: not an mbox file (no line starting with 'From ')")
    if len(starts) != len(raw):  # cannot happen for a well-formed file; then point at the file's start
        starts = [0] * len(raw)
    ends = [*starts[1:], len(source.text)]
    return [_mail(path, data, start, end, index) for index, (data, start, end) in enumerate(zip(raw, starts, ends), 1)]


def _eml_folder(path: str, files: dict[str, Source], max_bytes: int) -> list[Mail]:
    names = sorted(name for name in os.listdir(path) if name.lower().endswith(".eml") and not name.startswith("."))
    if not names:
        raise SequenceError(f"{path}: no .eml files in this folder")
    mails = []
    for index, name in enumerate(names, start=1):
        file_path = os.path.join(path, name)
        source = _read(file_path, max_bytes)
        files[file_path] = source
        with open(file_path, "rb") as handle:
            data = handle.read(max_bytes + 1)
        mails.append(_mail(file_path, data, 0, len(source.text), index))
    return mails


def _read(path: str, max_bytes: int) -> Source:
    try:
        return read_path(path, max_bytes=max_bytes)
    except InputError as error:
        raise SequenceError(str(error)) from None


def _mail(file: str, data: bytes, start: int, end: int, index: int) -> Mail:
    message = email.message_from_bytes(data, policy=email.policy.default)
    sender = email.utils.parseaddr(str(message.get("From") or ""))[1].lower()
    if not sender:
        raise SequenceError(f"{file}: message {index}: From: missing or not an address")
    try:
        sent = email.utils.parsedate_to_datetime(str(message.get("Date") or ""))
    except (TypeError, ValueError):
        sent = None
    if sent is None:
        raise SequenceError(f"{file}: message {index}: Date: missing or not a date")
    if sent.tzinfo is None:  # RFC 5322 dates carry a zone; "-0000" parses naive: read it as UTC
        sent = sent.replace(tzinfo=dt.timezone.utc)
    return Mail(file, start, end, message, sender, sent)


def _who_is_me(path: str, mails: list[Mail], me: str | None) -> str:
    senders = Counter(mail.sender for mail in mails)
    if me:
        me = me.strip().lower()
        if me not in senders:
            raise SequenceError(f"{path}: --me: no message from {me} (senders: {', '.join(sorted(senders))})")
        return me
    first_seen = {mail.sender: mail.number for mail in reversed(mails)}
    return max(senders, key=lambda sender: (senders[sender], -first_seen[sender]))


def _touches(mails: list[Mail], me: str, files: dict[str, Source]) -> tuple[list[Step], list[Reply]]:
    steps: list[Step] = []
    replies: list[Reply] = []
    touch = 0
    for mail in mails:
        message_id = str(mail.message.get("Message-ID") or "").strip()
        if mail.sender != me:
            replies.append(Reply(mail.sent, message_id, mail.number))
            touch = 0
            continue
        touch += 1
        steps.append(_step(mail, len(steps) + 1, touch, message_id, files[mail.file].text))
    return steps, replies


def _step(mail: Mail, number: int, touch: int, message_id: str, file_text: str) -> Step:
    text = file_text[mail.start:mail.end]
    head = (mail.start, mail.start + len(text.split("\n", 1)[0].rstrip("\r")))
    body_start = _body_start(text, mail.start)
    first_body_line = (body_start, body_start + len(file_text[body_start:mail.end].split("\n", 1)[0].rstrip("\r")))
    body, text_map = _body(mail.message, file_text, body_start, mail.end, first_body_line)
    spans = {"head": head, "day": _header_span(text, mail.start, "Date") or head, "text": first_body_line}
    subject = str(mail.message.get("Subject") or "").strip()
    references = " ".join(str(mail.message.get(name) or "") for name in ("In-Reply-To", "References"))
    return Step(
        number=number, touch=touch, channel="email", text=Source(mail.file, body), text_map=text_map,
        text_file=mail.file, label=subject or "(no subject)", anchor_file=mail.file, spans=spans,
        sent=mail.sent, message_number=mail.number, message_id=message_id, replies_to=frozenset(_MESSAGE_ID_RE.findall(references)),
        attachments=tuple(attachment_names(mail.message)),
    )


def _body_start(text: str, offset: int) -> int:
    blank = _BLANK_LINE_RE.search(text)
    return offset + (blank.end() if blank else len(text))


def _header_span(text: str, offset: int, name: str) -> tuple[int, int] | None:
    header_end = _BLANK_LINE_RE.search(text)
    match = re.search(rf"(?im)^{name}:[^\r\n]*", text[:header_end.start() if header_end else len(text)])
    return (offset + match.start(), offset + match.end()) if match else None


def _body(message, file_text: str, start: int, end: int, fallback: tuple[int, int]) -> tuple[str, OffsetMap]:
    """The sender's text (the plain-text part, else the HTML part as text) and where it is in the file."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", OffsetMap.nowhere(fallback)
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        content = part.get_payload(decode=True).decode("utf-8", "replace") if part.get_payload(decode=True) else ""
    if part.get_content_subtype() == "html":
        return _html_text(content), OffsetMap.nowhere(fallback)
    content = content.replace("\r\n", "\n").rstrip("\n")
    found = file_text.find(content, start, end) if content else -1
    if found != -1:
        return content, OffsetMap.at(found)
    return content, OffsetMap.nowhere(fallback)


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("p", "br", "div", "li", "tr"):
            self.parts.append("\n")


def _html_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()
