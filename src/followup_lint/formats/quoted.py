"""The sender's own text in a reply: quoted mail, forwarded blocks, sign-off and signature left out.

Works on lines and keeps their offsets, so the text that is kept maps back to the file. Recognised:
`>` quoting, "On <date>, <name> wrote:" (one or two lines, and its French/German/Spanish forms), Outlook
"-----Original Message-----" and "From: ... Sent: ..." header blocks, Gmail/Apple forwarded blocks,
`-- ` signatures, mobile footers ("Sent from my iPhone", "Get Outlook for iOS"), legal footers
("CONFIDENTIALITY NOTICE: ..."), sign-off blocks ("Best,\nMaria\nAccount Executive") and a lone name
closing the message.

Reply-parsing libraries (mail-parser-reply, email-reply-parser, quotequail) return the reply as text
without positions and each missed cases this module covers: see tests/inputs/replies/.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass, field

from ..directives import DIRECTIVE_LINE_RE
from ..placeholders import find_placeholders, replace_placeholders

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_SUBJECT_RE = re.compile(r"(?i)subject:[ \t]*(?P<subject>.*?)\s*$")
_TEMPLATE_COMMENT_LINE = re.compile(r"\s*(?:\{\{!--.*?--\}\}|\{\{!.*?\}\}|\{#.*?#\}|\{\{--.*?--\}\})\s*$")
_QUOTED_RE = re.compile(r"\s*>")
_ATTRIBUTION_RE = re.compile(
    r"(?i)\s*(?:>\s*)?(?:On\b.{4,250}\bwrote|Le\b.{4,250}\ba [ée]crit|Am\b.{4,250}\bschrieb|"
    r"El\b.{4,250}\bescribi[óo])\s*:\s*$"
)
_ATTRIBUTION_START_RE = re.compile(r"(?i)\s*(?:>\s*)?(?:On|Le|Am|El)\b")
_THREAD_START_RE = re.compile(
    r"(?i)\s*(?:-{2,}\s*(?:Original Message|Forwarded message|Message d'origine|Ursprüngliche Nachricht|"
    r"Mensaje original|Mensagem original)\s*-{2,}|"
    r"Begin forwarded message:|_{10,}\s*$|(?:From|De|Von):\s.+)"
)
_HEADER_FOLLOWS_RE = re.compile(r"(?i)^\s*\*?(?:Sent|Date|To|Envoyé|Gesendet|Datum|À|An|Enviado|Fecha|Data|Para)\*?:")
_SIGNATURE_DELIMITER_RE = re.compile(r"--[ \t]?$")
_MOBILE_FOOTER_RE = re.compile(
    r"(?i)\s*(?:Sent from (?:my|Mail for|Yahoo Mail|Outlook)\b.*|Get Outlook for (?:iOS|Android)\b.*|"
    r"Sent via \w+.*|Envoyé de mon \w+.*|Von meinem \w+ gesendet.*|Enviado desde mi \w+.*|"
    r"Enviado do meu \w+.*)$"
)
_SIGN_OFF_WORDS = (
    "best", "best regards", "kind regards", "warm regards", "warmest regards", "regards", "warmly",
    "kindest regards", "with kind regards", "with best regards", "with warm regards", "thanks & regards",
    "thanks and regards", "thanks & best regards", "thanks and best regards", "thank you again",
    "thank you so much", "thanks a lot", "sincerely yours", "respectfully yours",
    "thanks", "thank you", "thanks again", "thanks so much", "many thanks", "thanks in advance",
    "cheers", "sincerely", "yours sincerely", "yours truly", "respectfully", "talk soon", "speak soon",
    "all the best", "best wishes", "take care", "with thanks", "with gratitude", "appreciate it", "cordially",
    "have a great day", "have a great week", "looking forward", "until then", "onward", "ciao",
    "merci", "merci beaucoup", "gracias", "danke", "grazie", "obrigado", "thx", "tia", "best wishes",
    "saludos", "un saludo", "saludos cordiales", "atentamente", "cordialmente", "muchas gracias",
    "cordialement", "bien cordialement", "mit freundlichen grüßen", "viele grüße", "beste grüße",
)
_SIGN_OFF_RE = re.compile(
    r"\s*(?i:" + "|".join(re.escape(word) for word in _SIGN_OFF_WORDS) + r")\s*[,.!\-–—]*"
    r"(?:\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})?\s*$"
)
_NAME_LINE_RE = re.compile(r"\s*[-–—~]?\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}\s*$")
_POSTSCRIPT_RE = re.compile(r"(?i)\s*P\.?\s?S\.?\b")
_MAX_SIGNATURE_LINES = 12  # name, title, company, an address, numbers, links, a licence line
# A legal footer: it starts like one and uses the words of one. It and everything under it is signature.
_DISCLAIMER_START_RE = re.compile(
    r"(?i)\s*(?:\**(?:confidentiality|privacy|legal)\s+(?:notice|statement|disclaimer)|\**disclaimer\b|"
    r"\**(?:confidential|privileged)\b|(?:this|the (?:information|contents?) (?:in|of) this) "
    r"(?:e-?mail|message|communication|transmission)\b)"
)
_DISCLAIMER_WORDS_RE = re.compile(
    r"(?i)\b(?:confidential|privileged|intended recipient|addressee|unauthori[sz]ed|prohibited|"
    r"notify the sender|delete (?:this|it|the)|destroy|disclosure|mistransmission|waived?)\b"
)
_HEADER_DATE_RE = re.compile(r"(?i)^\s*\*?(?:Sent|Date|Envoyé|Gesendet|Datum)\*?:\s*(?P<date>.+?)\s*$")
# A phone number, an e-mail address or a web address: what a signature card carries and prose rarely does.
_CONTACT_RE = re.compile(r"\S@\S|https?://|\bwww\.|\+?\(?\d{2,4}\)?[ .-]?\d{3}[ .-]?\d{3,4}\b")
_UNSUBSCRIBE_RE = re.compile(
    r"(?i)\b(?:unsubscribe|opt[ -]out|prefer not to (?:hear from|receive)|stop receiving|"
    r"manage (?:your )?(?:e-?mail )?preferences|update your (?:e-?mail )?preferences)\b"
)
# Lowercase words a job title or company line may hold without being a sentence ("VP of Sales").
_TITLE_WORDS = frozenset({"of", "at", "and", "for", "the", "in", "to", "a", "an", "&", "de", "du", "von", "van"})


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
class Reply:
    own: list[Line]
    signature: list[Line] = field(default_factory=list)
    thread: list[Line] = field(default_factory=list)  # the quoted or forwarded mail below the own text
    last_contact: dt.datetime | None = None


def split_lines(text: str, start: int = 0) -> list[Line]:
    lines = []
    for match in _LINE_RE.finditer(text, start):
        if match.start() == match.end():
            break
        content = match.group().rstrip("\r\n")
        lines.append(Line(match.start(), content, match.group()[len(content):]))
    return lines


def take_subject(lines: list[Line]) -> tuple[Line | None, int, list[Line]]:
    """A leading `Subject:` line: (the line, offset of the subject in it, the remaining lines)."""
    for index, line in enumerate(lines):
        if not line.text.strip() or _TEMPLATE_COMMENT_LINE.match(line.text) or DIRECTIVE_LINE_RE.match(line.text):
            continue
        match = _SUBJECT_RE.match(line.text)
        if not match:
            return None, 0, lines
        return line, match.start("subject"), lines[index + 1:]
    return None, 0, lines


def subject_text(line: Line, offset: int) -> str:
    return line.text[offset:].rstrip()


def split_reply(lines: list[Line]) -> Reply:
    """Separate what the sender wrote now from quoted mail and the signature block."""
    own: list[Line] = []
    signature: list[Line] = []
    thread: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _QUOTED_RE.match(line.text):  # quoted, even an attribution: answers may follow between quotes
            thread.append(line)
            index += 1
            continue
        if starts_thread(lines, index):
            thread = [*thread, *lines[index:]]
            break
        if DIRECTIVE_LINE_RE.match(line.text):  # an instruction to the linter, not part of the draft
            index += 1
            continue
        if _SIGNATURE_DELIMITER_RE.match(line.text) or _MOBILE_FOOTER_RE.match(line.text) or \
                _starts_footer(lines, index):
            block = _until_thread(lines, index)
            signature.extend(block)
            index += len(block)
            continue
        if _SIGN_OFF_RE.match(line.text) and not _continues_sentence(own, line):
            block = _sign_off_block(lines, index)
            if block is not None:
                signature.extend(block)
                index += len(block)
                continue
        own.append(line)
        index += 1
    own, closing_name = _drop_closing_name(own)
    return Reply(own, closing_name + signature, thread, last_contact(thread))


def starts_thread(lines: list[Line], index: int) -> bool:
    text = lines[index].text
    if _ATTRIBUTION_RE.match(text):
        return True
    if index + 1 < len(lines) and _ATTRIBUTION_START_RE.match(text) and _ATTRIBUTION_RE.match(
        text + " " + lines[index + 1].text.lstrip("> ")
    ):
        return True
    if _THREAD_START_RE.match(text):
        # "From: ..." alone is a header only when a "Sent:"/"Date:"/"To:" line follows.
        if re.match(r"(?i)\s*\*?(?:From|De|Von)\*?:", text):
            return any(_HEADER_FOLLOWS_RE.match(line.text) for line in lines[index + 1:index + 4])
        return True
    return False


def _until_thread(lines: list[Line], index: int) -> list[Line]:
    block = []
    for position in range(index, len(lines)):
        if starts_thread(lines, position) or _QUOTED_RE.match(lines[position].text):
            break
        block.append(lines[position])
    return block


def _continues_sentence(own: list[Line], line: Line) -> bool:
    """A lowercase line right under a line that stops mid-sentence continues it, as in a hard-wrapped
    paragraph ("... we will do our" / "best."): it is not a sign-off."""
    if not own or not own[-1].text.strip() or not line.text.lstrip()[:1].islower():
        return False
    return not own[-1].text.rstrip().endswith((".", "!", "?", ":", ";", "…"))


def _sign_off_block(lines: list[Line], index: int) -> list[Line] | None:
    """The sign-off line and the short signature under it, or None when prose follows (not a sign-off)."""
    block = [lines[index]]
    for position in range(index + 1, len(lines)):
        line = lines[position]
        if starts_thread(lines, position) or _QUOTED_RE.match(line.text):
            break
        if _POSTSCRIPT_RE.match(line.text) or _MOBILE_FOOTER_RE.match(line.text) or \
                _starts_footer(lines, position):
            break
        block.append(line)
    content = [line for line in block[1:] if line.text.strip()]
    if len(content) > _MAX_SIGNATURE_LINES or any(_looks_like_prose(line.text) for line in content):
        return None
    if content and _reads_as_sentence(content[0].text):  # "Thanks again!" / "The quote is attached."
        return None
    return block


def _starts_footer(lines: list[Line], index: int) -> bool:
    """A legal footer, or an unsubscribe line among the message's last lines ("If you'd prefer not to hear
    from me, click here."), as a sequencing tool appends: it and what follows it are not the draft."""
    if _starts_disclaimer(lines, index):
        return True
    if not _UNSUBSCRIBE_RE.search(lines[index].text) or len(lines[index].text.split()) > 25:
        return False
    after = [line for line in _until_thread(lines, index + 1) if line.text.strip()]
    return len(after) <= 3


def _starts_disclaimer(lines: list[Line], index: int) -> bool:
    """A confidentiality notice or disclaimer from this line to the end of the message: it starts like one
    ("CONFIDENTIALITY NOTICE:", "This e-mail and any attachments ...") and what follows uses at least
    two of its words (confidential, intended recipient, prohibited, ...), so a body sentence that starts
    "This email ..." is not one."""
    if not _DISCLAIMER_START_RE.match(lines[index].text):
        return False
    footer = " ".join(line.text for line in _until_thread(lines, index))
    return len({word.lower() for word in _DISCLAIMER_WORDS_RE.findall(footer)}) >= 2


def _drop_closing_name(own: list[Line]) -> tuple[list[Line], list[Line]]:
    """The lines that sign the message without a sign-off word, after a blank line: a lone name ("Maria",
    "- Maria Lopez") as the last line; a last paragraph of names and placeholders a tool fills in
    ("{{ sender.name }}" / "{{ sender.title }}", "{{> signature}}"); or a card that starts with a name and
    carries a phone number, e-mail or web address, with no sentence in it (a signature under a P.S.)."""
    content = [index for index, line in enumerate(own) if line.text.strip()]
    if len(content) < 2:
        return own, []
    start = len(content) - 1
    while start > 0 and content[start] - content[start - 1] == 1:
        start -= 1  # back to the first line of the last paragraph
    if start == 0:
        return own, []
    block = [own[index].text for index in content[start:]]
    single_name = len(block) == 1 and _NAME_LINE_RE.match(block[0])
    filled_in = len(block) <= _MAX_SIGNATURE_LINES and any(map(_only_placeholders, block)) and all(
        _NAME_LINE_RE.match(text) or _only_placeholders(text) for text in block)
    card = (1 < len(block) <= _MAX_SIGNATURE_LINES and _NAME_LINE_RE.match(block[0])
            and any(_CONTACT_RE.search(text) for text in block) and not any(map(_reads_as_sentence, block)))
    if not (single_name or filled_in or card):
        return own, []
    before = content[start - 1]
    return own[:before + 1], own[before + 1:]


def _only_placeholders(text: str) -> bool:
    """A line of placeholders and template tags, perhaps with separators: "{{ title }} | {{ company }}"."""
    return bool(find_placeholders(text)) and not replace_placeholders(text).strip(" \t\r\n,|•·-–—")


def _looks_like_prose(text: str) -> bool:
    words = _words(text)
    return len(words) > 12 or (len(words) > 6 and text.rstrip().endswith((".", "?", "!")))


def _reads_as_sentence(text: str) -> bool:
    """A question, or a statement with lowercase words in it ("The quote is attached.", not "VP of Sales,
    Acme Inc."): not the name that follows a sign-off."""
    words = _words(text)
    ending = text.rstrip()[-1:]
    if _looks_like_prose(text) or (ending == "?" and len(words) >= 2):
        return True
    lowercase = [word for word in words if word[:1].islower() and word.strip(".,!") not in _TITLE_WORDS]
    return ending in ".!" and len(words) >= 3 and len(lowercase) >= 2


def _words(text: str) -> list[str]:
    """Words with a letter in them: "Tel. +46 31 555 02 87" is one word and a number."""
    return [word for word in text.split() if any(char.isalpha() for char in word)]


def last_contact(thread: list[Line]) -> dt.datetime | None:
    """The date of the newest quoted message: the first attribution or header date in the thread."""
    for index, line in enumerate(thread[:60]):
        text = line.text.lstrip("> \t")
        header = _HEADER_DATE_RE.match(text)
        if header:
            found = parse_mail_date(header.group("date"))
        elif _ATTRIBUTION_START_RE.match(text):
            joined = text + (" " + thread[index + 1].text.lstrip("> \t") if index + 1 < len(thread) else "")
            found = parse_mail_date(joined) if _ATTRIBUTION_RE.match(joined) or _ATTRIBUTION_RE.match(text) else None
        else:
            continue
        if found is not None:
            return found
    return None


_MONTHS = {name: number for number, names in enumerate(
    [("jan", "janv", "januar", "ene", "enero"), ("feb", "févr", "fev", "februar"), ("mar", "mars", "märz", "marzo"),
     ("apr", "avr", "avril", "abr"), ("may", "mai", "mayo"), ("jun", "juin", "juni"), ("jul", "juil", "juli"),
     ("aug", "août", "aout", "ago"), ("sep", "sept"), ("oct", "okt", "octobre"), ("nov",), ("dec", "déc", "dez", "dic")],
    start=1) for name in names}
_MONTH_DATE_RE = re.compile(
    r"(?i)(?:(?P<month>[a-zéèûä]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})|"
    r"(?P<day2>\d{1,2})\.?\s+(?P<month2>[a-zéèûä]{3,9})\.?,?\s+(?P<year2>\d{4}))"
)
_NUMERIC_DATE_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})|(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})|"
    r"(?P<dd>\d{1,2})\.(?P<mm>\d{1,2})\.(?P<yy>\d{4})"
)
_RFC_ZONE = re.compile(r"\d\d:\d\d(?::\d\d)?\s+(?:[+-]\d{4}|GMT|UTC?|[ECMP][SD]T|Z)\b")
_TIME_RE = re.compile(r"(?i)\b(?P<hour>\d{1,2})[:h](?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<half>[ap]\.?m\.?)?")


def parse_mail_date(text: str) -> dt.datetime | None:
    """A date as mail clients write it: RFC 5322, "Tue, Nov 10, 2026 at 9:14 AM", "10 nov. 2026 à 09:14",
    "2026-11-10 09:14", "11/10/2026 9:14 AM" (US order). Naive local time as written; None if unsure."""
    text = text.strip()
    if _RFC_ZONE.search(text) and not re.search(r"(?i)\d\s*[ap]\.?m\b", text):
        try:
            parsed = email.utils.parsedate_to_datetime(text)
            if parsed is not None:
                return parsed
        except (TypeError, ValueError, IndexError):
            pass
    day = _find_date(text)
    if day is None:
        return None
    time = _TIME_RE.search(text[day[1]:])
    hour = minute = second = 0
    if time:
        hour, minute, second = int(time.group("hour")), int(time.group("minute")), int(time.group("second") or 0)
        half = (time.group("half") or "").lower().replace(".", "")
        if half == "pm" and hour < 12:
            hour += 12
        elif half == "am" and hour == 12:
            hour = 0
    try:
        return dt.datetime.combine(day[0], dt.time(hour, minute, second))
    except ValueError:
        return dt.datetime.combine(day[0], dt.time())


def _find_date(text: str) -> tuple[dt.date, int] | None:
    for match in _MONTH_DATE_RE.finditer(text):
        name = (match.group("month") or match.group("month2")).lower()
        month = _MONTHS.get(name) or _MONTHS.get(name[:3])
        if month is None:
            continue
        day = int(match.group("day") or match.group("day2"))
        year = int(match.group("year") or match.group("year2"))
        try:
            return dt.date(year, month, day), match.end()
        except ValueError:
            continue
    numeric = _NUMERIC_DATE_RE.search(text)
    if numeric:
        if numeric.group("year"):
            parts = numeric.group("year", "month", "day")
        elif numeric.group("y"):
            parts = numeric.group("y", "m", "d")
        else:
            parts = numeric.group("yy", "mm", "dd")
        try:
            return dt.date(*(int(part) for part in parts)), numeric.end()
        except ValueError:
            return None
    return None
