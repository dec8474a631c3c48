"""Suggestions: which templates cure a draft's findings, and the template filled from the draft itself.

`infer_variables` reads what a draft already says: the recipient's first name (greeting), the sender
(sign-off), their company, the event where you met ("at the Chamber event"), your product, the date of the
last contact, what they told you ("you mentioned ..."), their question (quoted reply). Each value says
where it was found. `rank_templates` orders templates by the findings they cure: a finding lists its
remedies in preference order, and a template may name the rules it cures. `suggest` puts both together;
whatever cannot be inferred is left as a visible ``[[name: description]]`` slot and listed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .extract import Draft
from .findings import SCORE_WEIGHTS, SEVERITY_RANK, FileReport, Finding
from .placeholders import PLACEHOLDER_RE
from .template_library import Template, Variable, is_given, missing_variables, render, slots_in
from .textmap import LineIndex

# ---- values and where they came from --------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    value: Any
    origin: str  # inferred | metadata | given | default | slot
    where: str = ""

    def to_dict(self) -> dict[str, Any]:
        value = self.value if isinstance(self.value, (str, int, float, bool)) or self.value is None else str(self.value)
        return {"value": value, "origin": self.origin, "where": self.where}


_NAME = r"[A-Z][\w'’-]*"
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)"
_GREETING_RE = re.compile(
    r"^\s*(?i:hi|hello|hey|dear|hiya|greetings|good\s+(?:morning|afternoon|evening)|morning|afternoon)\b[ \t,]*"
    r"(?P<name>(?:" + _TITLES + r"\.?\s+)?" + _NAME + r"(?:\s+" + _NAME + r")?"
    r"|\{\{[^{}\n]+\}\}|\{[^{}\n]+\}|\[[^\[\]\n]+\]|<<[^<>\n]+>>|%[A-Za-z_]+%)"
    r"\s*[,.!:—–-]?"
)
_NOT_NAMES = {"there", "all", "team", "everyone", "folks", "again", "guys", "friend", "friends", "both", "you",
              "sir", "madam", "sirs", "this", "it", "just", "quick", "hope", "happy", "thanks"}
_TITLE_WORDS = re.compile(
    r"(?i)\b(?:manager|executive|director|representative|rep|sales|account|founder|co-founder|ceo|cto|cfo|coo|cno|"
    r"vp|svp|evp|vice|president|head|lead|specialist|consultant|owner|officer|engineer|associate|coordinator|"
    r"advisor|adviser|analyst|principal|agent|broker|recruiter|designer|developer|success|marketing|"
    r"business development|partner manager)\b"
)
_ORG_WORDS = re.compile(
    r"(?i)\b(?:inc|ltd|llc|llp|gmbh|plc|co|corp|corporation|company|group|partners|bank|insurance|solutions|"
    r"systems|logistics|labs?|studios?|agency|consulting|advisors|advisory|supply|hotel|properties|capital|"
    r"holdings|services|industries|technologies|software|health|healthcare|energy|media|creative|digital|"
    r"freight|security|federal|trust|realty)\b"
)
_CONTACT_RE = re.compile(r"@|https?://|www\.|\d{3}|\b[\w-]+\.(?:com|io|co|net|org|ai|dev|app|biz|us|uk|de)\b")
_PHONE_RE = re.compile(r"(?:\+\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b|\b0\d{2,4}\s?\d{3}\s?\d{3,4}\b")
_SIGN_OFF_WORDS = re.compile(
    r"(?i)^(?:best|best regards|kind regards|warm regards|warmest regards|regards|warmly|thanks|thank you|"
    r"thanks again|many thanks|cheers|sincerely|yours sincerely|yours truly|respectfully|talk soon|speak soon|"
    r"all the best|best wishes|take care|with thanks|thanks & regards|thanks and regards)$"
)
_SIGN_OFF_LINE_RE = re.compile(r"^\s*(?P<words>[A-Za-z][A-Za-z'& ]{1,30}?)\s*(?:[,.!—–-]+\s*(?P<name>.*))?$")
_CREDENTIALS_RE = re.compile(r"(?:,\s*(?:[A-Z]{2,6}|Jr\.?|Sr\.?|Ph\.?D\.?|[A-Z][a-z]?\.[A-Z]\.?))+$")
_PERSON_RE = re.compile(r"^(?:" + _TITLES + r"\.?\s+)?" + _NAME + r"(?:\s+(?:[A-Z]\.|" + _NAME + r")){0,3}$")
_LEGAL_SUFFIX_RE = re.compile(r",\s*(?=(?:Inc|Ltd|LLC|LLP|GmbH|PLC|Co|Corp)\b)")

_EVENT_WORDS = (
    r"event|conference|expo|show|summit|meetup|meet-up|mixer|breakfast|lunch|luncheon|dinner|fair|forum|"
    r"workshop|webinar|booth|gala|seminar|open\s+house|roundtable|round\s+table|reception|networking\s+\w+|"
    r"happy\s+hour|trade\s+show|convention|panel|party|tournament|festival|open\s+day"
)
_EVENT_RE = re.compile(
    r"\b(?:at|during|after|from)\s+(?P<event>(?:the|this|last\s+(?:week|month|night)['’]s|yesterday['’]s|"
    r"[A-Z][a-z]+day['’]s)\s+(?:[\w'’&-]+\s+){0,4}?(?i:" + _EVENT_WORDS + r"))\b"
)
_NAMED_EVENT_RE = re.compile(
    r"\b(?:meet|met|meeting|seeing|see|saw|talking|chatting|speaking|spoke|talked|chatted)\s+(?:you\s+)?"
    r"(?:at|during)\s+(?P<event>[A-Z][\w'’&-]*(?:\s+(?:[A-Z0-9][\w'’&-]*|of|for|and|&)(?=[\s,.;:!?]|$))*)"
)
_WEEKDAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"
_WHEN_RE = re.compile(
    r"(?i)\b(?P<when>(?:on\s+)?(?:(?:" + _WEEKDAYS + r")(?:,?\s+(?:" + _MONTHS + r")\s+\d{1,2}(?:st|nd|rd|th)?)?"
    r"|(?:" + _MONTHS + r")\s+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}(?:st|nd|rd|th)?\s+(?:" + _MONTHS + r")|\d{4}-\d{2}-\d{2})"
    r"|(?:last|this)\s+(?:week|month|morning|afternoon|evening|" + _WEEKDAYS + r")"
    r"|yesterday(?:\s+(?:morning|afternoon|evening))?"
    r"|last\s+night|tonight|earlier\s+today|this\s+morning)\b"
)
_PAST_CONTACT_RE = re.compile(
    r"(?i)\b(?:met|meet you|meeting you|spoke|talked|chatted|visited|saw you|seeing you|called|"
    r"thanks for|thank you for|great to|good to|nice to|enjoyed|our (?:call|meeting|chat|demo|conversation|visit))\b"
)
_CLAUSE = r"(?:[^.?!\n]|\n(?![ \t]*\n))"  # within one sentence; a single line break is not an end
_THEIR_POINT_RE = re.compile(
    r"(?i)\byou\s+(?:mentioned|said|told me|explained|shared|pointed out|described)\b"
    r"(?P<point>" + _CLAUSE + r"{8,300}?)"
    r"(?=[.!]|\n[ \t]*\n|\Z)"
)
_POINT_LEAD_RE = re.compile(
    r"(?i)^\s*(?:(?:on|at|in|during|when|after|last)\b[^,]{0,40}?(?:,\s*|\s+(?=that\b))|about\s+(?=\w+ing\b))?(?:that\s+)?"
)
_POINT_HANDOVER_RE = re.compile(r"(?i),\s+(?:so\s+)?(?:I|I've|I’ve|we|we've|here|here's|here’s|attached|please)\b")
_THANKS_RE = re.compile(r"(?i)\b(?:thanks|thank you)\s+(?:so much\s+|again\s+)?for\s+(?P<what>" + _CLAUSE + r"{4,120}?)"
                        r"(?=[.?!,;]|\n[ \t]*\n|\Z)")
_PRODUCT_NOUNS = (r"platform|app|software|suite|tool|system|product|service|solution|module|dashboard|sensor|"
                  r"sensors|series|line|range|plan|program|programme|report|kit|engine|api|device|machine|model")
_PRODUCT_RE = re.compile(
    r"\b(?:[Oo]ur|[Mm]y)\s+(?:(?:new|latest|redesigned|updated|upgraded|improved|own|award-winning)\s+)?"
    r"(?P<product>[A-Z][\w'’.-]*(?:\s+[A-Z0-9][\w'’.-]*){0,2})(?:\s+(?P<noun>(?i:" + _PRODUCT_NOUNS + r"))\b)?"
)
_COMPANY_RE = re.compile(
    r"\b(?:your\s+(?:team|colleagues|people|folks|crew|drivers|staff|office|site|plant)\s+at|everyone\s+at|"
    r"the\s+team\s+at|your\s+work\s+at)\s+(?P<company>[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,3})"
)
_QUESTION_RE = re.compile(r"[^.?!]*[A-Za-z][^.?!]*\?")
_QUOTED_LINE_RE = re.compile(r"^[ \t]*>+[ \t]?(?P<text>.*)$")
_ATTRIBUTION_RE = re.compile(r"(?i)\bwrote:\s*$|^\s*from:\s")
_BODY_QUESTION_RE = re.compile(r"(?i)\byou\s+asked(?:\s+me)?[,:]?\s+[\"“](?P<question>[^\"”\n]+\?)[\"”]")


class _Locator:
    """Turns offsets in the draft's body or subject into 'line N' of the source file."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.lines = LineIndex(draft.source.text)

    def body(self, offset: int) -> int:
        return self.lines.position(self.draft.body_map.to_source(offset))[0]

    def subject(self, offset: int) -> int:
        mapping = self.draft.subject_map
        return self.lines.position(mapping.to_source(offset))[0] if mapping else 1

    def source_line(self, text: str) -> int | None:
        at = self.draft.source.text.rfind(text) if text else -1
        return self.lines.position(at)[0] if at >= 0 else None


def infer_variables(draft: Draft) -> dict[str, Value]:
    """Everything the draft says about the variables templates use, with where each was found."""
    found: dict[str, Value] = {}
    locate = _Locator(draft)
    for finder in (_greeting, _signature, _event, _last_contact, _their_point, _thanks_for, _company):
        for name, value in finder(draft, locate).items():
            found.setdefault(name, value)
    for finder in (_product, _question):  # these read what the finders above found
        for name, value in finder(draft, locate, found).items():
            found.setdefault(name, value)
    for name, value in _from_metadata(draft.metadata).items():
        found[name] = value  # what the user wrote down beats what we read between the lines
    return found


_METADATA_KEYS = {
    "first_name": ("first_name", "recipient_first_name", "recipient"),
    "sender": ("sender", "sender_name", "from_name"),
    "sender_company": ("sender_company",),
    "company": ("company", "recipient_company", "account"),
    "event": ("event", "met_at"),
    "product": ("product",),
    "last_contact": ("last_contact", "met"),
    "phone": ("phone", "sender_phone"),
}


def _from_metadata(metadata: Mapping[str, Any]) -> dict[str, Value]:
    found = {}
    for name, keys in _METADATA_KEYS.items():
        for key in keys:
            if is_given(metadata.get(key)):
                value = metadata[key]
                if name == "last_contact":
                    value = _when_phrase(value)
                elif name == "first_name" and key == "recipient":
                    value = str(value).split()[0]
                found[name] = Value(value, "metadata", f"metadata `{key}`")
                break
    return found


def _when_phrase(value: Any) -> str:
    """A date as it reads after "when we spoke": 2026-11-08 -> "on November 8"."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return value.strip()
    if isinstance(value, dt.date):
        return f"on {value:%B} {value.day}"
    return str(value)


def _greeting(draft: Draft, locate: _Locator) -> dict[str, Value]:
    match = _GREETING_RE.match(draft.body)
    if not match:
        return {}
    name = match.group("name")
    where = f"greeting, line {locate.body(match.start('name'))}"
    if PLACEHOLDER_RE.fullmatch(name):
        return {"first_name": Value(name, "inferred", where + " (a placeholder, kept)")}
    words = name.split()
    if words[0].lower() in _NOT_NAMES or re.fullmatch(_TITLES + r"\.?", name):
        return {}
    if not re.match(_TITLES + r"\b", name):
        name = words[0]  # "Hi Marty Jones" -> "Marty"
    return {"first_name": Value(name, "inferred", where)}


def _signature(draft: Draft, locate: _Locator) -> dict[str, Value]:
    lines = [line.strip() for line in draft.signature.splitlines() if line.strip()]
    if not lines:
        return {}
    found: dict[str, Value] = {}
    rest = lines
    sign_off = _SIGN_OFF_LINE_RE.match(lines[0])
    if lines[0].startswith("--"):
        rest = lines[1:]
    elif sign_off and (_SIGN_OFF_WORDS.match(sign_off.group("words").strip())
                       or (lines[0].endswith(",") and len(lines[0].split()) <= 4)):
        found["sign_off"] = Value(sign_off.group("words").strip(), "inferred", _where("sign-off", locate, lines[0]))
        inline = _person(sign_off.group("name") or "")
        if inline:
            found["sender"] = Value(inline, "inferred", _where("sign-off", locate, lines[0]))
        rest = lines[1:]
    companies: list[tuple[int, str, str]] = []  # (strength, company, line)
    for line in rest:
        phone = _PHONE_RE.search(line)
        if phone and "phone" not in found:
            found["phone"] = Value(phone.group(), "inferred", _where("signature", locate, line))
        if "sender" not in found:
            person = _person(line)
            if person:
                found["sender"] = Value(person, "inferred", _where("signature", locate, line))
                continue
        candidate = _company_in_signature(line)
        if candidate:
            companies.append((candidate[0], candidate[1], line))
    if companies:
        strongest = max(strength for strength, _, _ in companies)
        _, company, line = [item for item in companies if item[0] == strongest][-1]  # the company comes last
        found["sender_company"] = Value(company, "inferred", _where("signature", locate, line))
    return found


def _person(line: str) -> str | None:
    """A signature line that is a name: "Lena Ortiz", "Alicia Romero, CIC", "{{sender_name}}"."""
    line = line.strip()
    if PLACEHOLDER_RE.fullmatch(line):
        return line
    name = _CREDENTIALS_RE.sub("", line)
    if not _PERSON_RE.match(name) or _TITLE_WORDS.search(name) or _SIGN_OFF_WORDS.match(name):
        return None
    return name


def _company_in_signature(line: str) -> tuple[int, str] | None:
    """(strength, company): a line of its own ("Harbor Trust Bank") is strong; the part of a title line that
    is not the title ("Account Executive | RouteWise", "Head of Sales, Halden Ltd") is weaker."""
    if _CONTACT_RE.search(line) or not re.match(r"[A-Z0-9]", line) or len(line.split()) > 8:
        return None
    line = _LEGAL_SUFFIX_RE.sub(" ", line)
    if "|" not in line and not _TITLE_WORDS.search(line):  # a line of its own: "Hotel Adriana, Split"
        parts = [part.strip() for part in line.split(",") if part.strip()]
        organisations = [part for part in parts if _ORG_WORDS.search(part)]
        return 2, (organisations or parts)[-1]
    parts = [part.strip() for part in re.split(r"\s*[|,·•–—]\s*|\s+at\s+|\s+-\s+", line) if part.strip()]
    candidates = [part for part in parts if not _TITLE_WORDS.search(part) and re.match(r"[A-Z0-9]", part)]
    if len(parts) < 2 or not candidates:
        return None
    return 1, candidates[-1]  # "Director, Finance & Accounting Search | Keystone Talent": the company comes last


def _where(what: str, locate: _Locator, text: str) -> str:
    line = locate.source_line(text)
    return f"{what}, line {line}" if line else what


def _event(draft: Draft, locate: _Locator) -> dict[str, Value]:
    for text, line_of in ((draft.body, locate.body), (draft.subject or "", locate.subject)):
        for pattern in (_EVENT_RE, _NAMED_EVENT_RE):
            match = pattern.search(text)
            if match:
                event = re.sub(r"\s+(?:of|for|and|&)$", "", match.group("event"))
                said = match.group()[:match.start("event") - match.start()] + event
                return {"event": Value(event, "inferred", f"line {line_of(match.start('event'))}: \"{said.strip()}\"")}
    return {}


def _last_contact(draft: Draft, locate: _Locator) -> dict[str, Value]:
    """A date or day in a sentence about the last contact ("great to meet you ... tonight")."""
    for sentence_start, sentence in _sentences(draft.body):
        if not _PAST_CONTACT_RE.search(sentence) or sentence.rstrip().endswith("?"):
            continue
        match = _WHEN_RE.search(sentence)
        if match and not re.search(r"(?i)\b(?:will|next|'ll|’ll)\b", sentence[:match.start()][-30:]):
            when = match.group("when")
            iso = re.fullmatch(r"(?:on\s+)?(\d{4}-\d{2}-\d{2})", when)
            if iso:
                when = _when_phrase(iso.group(1))
            line = locate.body(sentence_start + match.start())
            return {"last_contact": Value(when, "inferred", f"line {line}: \"{match.group().strip()}\"")}
    return {}


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    for match in re.finditer(r"[^.?!\n]+[.?!]*", text):
        yield match.start(), match.group()


def _their_point(draft: Draft, locate: _Locator) -> dict[str, Value]:
    """What they told you, in their words: "You mentioned (that) <point>."."""
    for match in _THEIR_POINT_RE.finditer(draft.body):
        point = " ".join(match.group("point").split())
        point = point[_POINT_LEAD_RE.match(point).end():]
        handover = _POINT_HANDOVER_RE.search(point)
        if handover:
            point = point[:handover.start()]
        point = point.strip(" ,;:")
        if 3 <= len(point.split()) <= 30 and not re.match(r"(?i)(?:you|it|this|so|and|but|or)\b", point):
            said = " ".join(match.group().split()[:2])
            value = Value(point, "inferred", f"line {locate.body(match.start())}: \"{said} ...\"")
            return {"their_point": value, "their_problem": value}
    return {}


def _thanks_for(draft: Draft, locate: _Locator) -> dict[str, Value]:
    match = _THANKS_RE.search(draft.body)
    if not match:
        return {}
    return {"thanks_for": Value(" ".join(match.group("what").split()).rstrip(",;:"), "inferred",
                                f"line {locate.body(match.start())}: \"{' '.join(match.group().split())}\"")}


def _product(draft: Draft, locate: _Locator, found: Mapping[str, Value]) -> dict[str, Value]:
    """"Our new RouteWise platform": a capitalised name before a product noun, or a name the signature uses."""
    signature = draft.signature
    for match in _PRODUCT_RE.finditer(draft.body):
        product = match.group("product").rstrip(".")
        first = product.split()[0]
        if _TITLE_WORDS.search(product) or first.lower() in {"i", "you", "we"}:
            continue
        acronym = re.fullmatch(r"[A-Z0-9]{2,4}", product)
        if (match.group("noun") and not acronym) or (len(first) > 3 and first in signature):
            where = f"line {locate.body(match.start())}: \"{match.group().strip()}\""
            return {"product": Value(product, "inferred", where)}
    return {}


def _company(draft: Draft, locate: _Locator) -> dict[str, Value]:
    match = _COMPANY_RE.search(draft.body)
    if not match:
        return {}
    return {"company": Value(match.group("company"), "inferred",
                             f"line {locate.body(match.start('company'))}: \"{match.group().strip()}\"")}


def _question(draft: Draft, locate: _Locator, found: Mapping[str, Value]) -> dict[str, Value]:
    """Their question: quoted in the body, or asked in the quoted reply below the draft (not your own quoted mail)."""
    match = _BODY_QUESTION_RE.search(draft.body)
    if match:
        return {"question": Value(match.group("question").strip(), "inferred",
                                  f"line {locate.body(match.start())}: you asked")}
    sender = str(getattr(found.get("sender"), "value", "") or "").split()
    recipient = str(getattr(found.get("first_name"), "value", "") or "")
    for start_line, attribution, text in _quoted_blocks(draft.source.text):
        if sender and sender[0] in attribution:
            continue  # your own earlier email, quoted
        greeting = _GREETING_RE.match(text)
        if greeting and (greeting.group("name") == recipient or PLACEHOLDER_RE.fullmatch(greeting.group("name"))):
            continue  # an email addressed to them: yours
        asked = _QUESTION_RE.search(text)
        if asked:
            return {"question": Value(" ".join(asked.group().split()), "inferred", f"quoted reply, line {start_line}")}
    return {}


def _quoted_blocks(text: str) -> Iterable[tuple[int, str, str]]:
    """(first line number, attribution line above it, joined text) of each run of `>` lines."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if not _QUOTED_LINE_RE.match(lines[index]):
            index += 1
            continue
        start = index
        parts = []
        while index < len(lines) and _QUOTED_LINE_RE.match(lines[index]):
            parts.append(_QUOTED_LINE_RE.match(lines[index]).group("text"))
            index += 1
        above = next((lines[i] for i in range(start - 1, max(-1, start - 3), -1) if lines[i].strip()), "")
        attribution = above if _ATTRIBUTION_RE.search(above) else ""
        yield start + 1, attribution, "\n".join(parts)


# ---- ranking -------------------------------------------------------------------------------------------


@dataclass
class Ranked:
    template: Template
    score: float
    cures: list[str] = field(default_factory=list)  # rule ids, most important first
    reasons: list[str] = field(default_factory=list)
    missing: int = 0  # required variables the draft does not supply

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)

    def to_dict(self, findings: Sequence[Finding] = ()) -> dict[str, Any]:
        return {
            "id": self.template.id, "title": self.template.title, "channel": self.template.channel,
            "score": round(self.score, 2), "cures": self.cures, "why": self.why,
            "findings": [index for index, finding in enumerate(findings) if finding.rule in self.cures],
            "missing_variables": self.missing,
        }


def rank_templates(templates: Iterable[Template], findings: Sequence[Finding],
                   known: Mapping[str, Any] | None = None, channel: str = "email") -> list[Ranked]:
    """Templates that cure at least one finding, best first.

    Each rule counts once, weighted by its worst severity. A template listed at position i of a finding's
    remedies earns 1/(i+1) of that weight; a template that names the rule among its own remedies, without
    the rule listing it, earns 1/(n+2) for a rule with n remedies. A template for another channel than the
    draft's (a voicemail script for an email) gets half. Ties go to the template the draft can fill best,
    then by id.
    """
    worst: dict[str, Finding] = {}
    for finding in findings:
        kept = worst.get(finding.rule)
        if kept is None or SEVERITY_RANK[finding.severity] > SEVERITY_RANK[kept.severity]:
            worst[finding.rule] = finding
    ranked = []
    for template in templates:
        entry = Ranked(template, 0.0)
        for rule, finding in sorted(worst.items(), key=lambda item: -SEVERITY_RANK[item[1].severity]):
            weight = SCORE_WEIGHTS[finding.severity]
            if template.id in finding.remedies:
                position = finding.remedies.index(template.id)
                entry.score += weight / (position + 1)
                entry.cures.append(rule)
                entry.reasons.append(f"{rule} ({finding.severity}) lists it as remedy {position + 1} of "
                                     f"{len(finding.remedies)}")
            elif rule in template.remedies:
                entry.score += weight / (len(finding.remedies) + 2)
                entry.cures.append(rule)
                entry.reasons.append(f"it names {rule} ({finding.severity}) among the rules it cures")
        if entry.cures and template.channel != channel:
            entry.score /= 2
            entry.reasons.append(f"half weight: a {template.channel} template for a {channel} draft")
        if entry.cures:
            entry.missing = len(missing_variables(template, known or {}))
            ranked.append(entry)
    ranked.sort(key=lambda e: (-round(e.score, 6), e.missing, e.template.id))
    return ranked


# ---- the suggestion ------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    report: FileReport
    ranking: list[Ranked]
    template: Template | None
    values: dict[str, Value]
    text: str | None
    slots: list[Variable]

    def to_dict(self) -> dict[str, Any]:
        findings = self.report.findings
        used = {variable.name for variable in self.template.variables} if self.template else set()
        return {
            "path": self.report.path,
            "findings": [{"index": index, "rule": f.rule, "severity": f.severity, "message": f.message,
                          "line": f.line, "column": f.column, "remedies": list(f.remedies)}
                         for index, f in enumerate(findings)],
            "ranking": [entry.to_dict(findings) for entry in self.ranking],
            "template": self.template.id if self.template else None,
            "variables": {name: value.to_dict() for name, value in sorted(self.values.items())
                          if name in used or value.origin != "default"},
            "slots": [{"name": v.name, "description": v.description} for v in self.slots],
            "text": self.text,
        }


def draft_channel(metadata: Mapping[str, Any]) -> str:
    """The draft's channel as templates name it: metadata `channel` call/phone/voicemail, card/letter/mail."""
    channel = str(metadata.get("channel") or "email").strip().lower()
    if channel in ("voicemail", "call", "phone"):
        return "voicemail"
    if channel in ("card", "letter", "mail", "post", "note"):
        return "card"
    return "email"


def collect_values(template: Template | None, inferred: Mapping[str, Value],
                   given: Mapping[str, Any]) -> dict[str, Value]:
    """Inferred values, overridden by given ones, plus the template's defaults for what is still unset."""
    values = dict(inferred)
    for name, value in given.items():
        if name == "last_contact" and isinstance(value, dt.date):  # a YAML date in --vars
            value = _when_phrase(value)
        values[name] = Value(value, "given", "--set/--vars")
    if template is not None:
        for variable in template.variables:
            if not variable.required and not is_given(getattr(values.get(variable.name), "value", None)):
                values[variable.name] = Value(variable.default, "default", "template default")
    return values


def suggest(report: FileReport, draft: Draft, templates: Sequence[Template], *, template_id: str | None = None,
            given: Mapping[str, Any] | None = None) -> Suggestion:
    """Rank the templates for the report's findings and render the chosen one (`template_id` or the best)."""
    from .template_library import find_template

    given = dict(given or {})
    inferred = infer_variables(draft)
    known = {**{name: value.value for name, value in inferred.items()}, **given}
    ranking = rank_templates(templates, report.findings, known, draft_channel(draft.metadata))
    if template_id is not None:
        template = find_template(templates, template_id)
    else:
        template = ranking[0].template if ranking else None
    values = collect_values(template, inferred, given)
    if template is None:
        return Suggestion(report, ranking, None, values, None, [])
    plain = {name: value.value for name, value in values.items()}
    slots = missing_variables(template, plain)
    text = render(template, plain, slots=True)
    for variable in slots:
        values[variable.name] = Value(f"[[{variable.name}: {variable.description}]]", "slot", "not in the draft")
    order = {name: index for index, name in enumerate(slots_in(text))}
    slots.sort(key=lambda variable: order.get(variable.name, len(order)))
    return Suggestion(report, ranking, template, values, text, slots)
