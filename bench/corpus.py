"""A deterministic benchmark corpus: thousands of drafts made from the labelled drafts and the templates.

Every draft is built from pieces of real ones (greetings, paragraphs, sign-offs from ``tests/corpus/``,
bodies of the rewriting templates in ``templates/``) with a seeded random generator, so the same seed
gives byte-identical files on every machine. Lengths run from 30 to 400 words; some drafts keep their
placeholders in one of the common styles; each real draft is also included as it is.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "tests" / "corpus"
TEMPLATES_DIR = ROOT / "templates"

FIRST_NAMES = ["Priya", "Sam", "Marty", "Lena", "Carlos", "Mia", "Jordan", "Aiko", "Tomás", "Zoë", "Olu", "Dana",
               "Noor", "Björn", "Chen", "Fatima", "Grace", "Ivan", "Kofi", "Léa", "Mateo", "Nadia", "Ravi", "Sofia"]
COMPANIES = ["Northwind Freight", "Acme Dental", "Globex", "Initech", "Hooli", "Vandelay Imports", "Umbrella Solar",
             "Stark Payroll", "Wayne Logistics", "Cyberdyne Controls", "Soylent Foods", "Tyrell Fleet"]
PLACEHOLDER_STYLES = ["{{{{{name}}}}}", "{{{{ {name} }}}}", "{{{name}}}", "[{title}]", "<<{upper}>>", "%{upper}%"]
SIGN_OFFS = ["Best", "Thanks", "Cheers", "Kind regards", "Talk soon", "Best regards"]
SUBJECTS = ["Quick question", "Following up", "Your Q3 plan", "Re: pricing", "Next steps"]
_TEMPLATE_VARIABLE = re.compile(r"\{\{-?\s*([a-z_]+)\s*-?\}\}")
_TEMPLATE_TAG = re.compile(r"\{%.*?%\}", re.S)


@dataclass(frozen=True)
class Pieces:
    greetings: list[str]
    paragraphs: list[str]
    closings: list[str]
    template_bodies: list[str]
    real_drafts: list[tuple[str, str]]  # (file name, text)


def load_pieces() -> Pieces:
    greetings, paragraphs, closings, real = [], [], [], []
    for path in sorted(CORPUS_DIR.glob("*/*.txt")):
        text = path.read_text(encoding="utf-8")
        real.append((f"{path.parent.name}-{path.name}", text))
        blocks = [block.strip() for block in re.split(r"\n\s*\n", _without_front_matter(text)) if block.strip()]
        for block in blocks:
            words = len(block.split())
            if block.lower().startswith("subject:"):
                continue
            if words <= 4 and block.endswith((",", ":", "!")):
                greetings.append(block)
            elif "\n" in block and words <= 12:
                closings.append(block)
            elif words >= 6:
                paragraphs.append(block)
    bodies = [_without_front_matter(p.read_text(encoding="utf-8")) for p in sorted(TEMPLATES_DIR.glob("*.j2"))]
    return Pieces(greetings, paragraphs, closings, bodies, real)


def _without_front_matter(text: str) -> str:
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return text[text.find("\n", end + 1) + 1:]
    return text


def placeholder(rng: random.Random, name: str) -> str:
    style = rng.choice(PLACEHOLDER_STYLES)
    return style.format(name=name, title=name.replace("_", " ").title(), upper=name.upper().replace("_", ""))


def truncate_words(text: str, limit: int) -> str:
    """The first `limit` words of `text`, ending at a sentence end when one is near."""
    words = text.split(" ")
    if len(words) <= limit:
        return text
    cut = " ".join(words[:limit])
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[:end + 1] if end > len(cut) // 2 else cut.rstrip(",;:") + "."


def mixed_draft(rng: random.Random, pieces: Pieces) -> str:
    """A greeting, paragraphs from several real drafts up to a target length, a closing."""
    target = rng.randint(30, 400)
    name = rng.choice(FIRST_NAMES) if rng.random() < 0.7 else placeholder(rng, "first_name")
    greeting = re.sub(r"^(\w+)\s+[^,:!]+", lambda m: f"{m.group(1)} {name}", rng.choice(pieces.greetings), count=1)
    body: list[str] = []
    words = 0
    while words < target:
        paragraph = rng.choice(pieces.paragraphs)
        if rng.random() < 0.15:
            paragraph = paragraph.replace(rng.choice(COMPANIES), placeholder(rng, "company"), 1)
        paragraph = truncate_words(paragraph, target - words) if words + len(paragraph.split()) > target else paragraph
        body.append(paragraph)
        words += len(paragraph.split())
    if rng.random() < 0.8:
        closing = rng.choice(pieces.closings)
    else:
        closing = f"{rng.choice(SIGN_OFFS)},\n{placeholder(rng, 'sender')}"
    subject = f"Subject: {rng.choice(SUBJECTS)}\n\n"
    return (subject if rng.random() < 0.3 else "") + "\n\n".join([greeting, *body, closing]) + "\n"


def template_draft(rng: random.Random, pieces: Pieces) -> str:
    """A template body with each variable either filled in or left as a placeholder."""
    body = _TEMPLATE_TAG.sub("", rng.choice(pieces.template_bodies))

    def fill(match: re.Match[str]) -> str:
        variable = match.group(1)
        if rng.random() < 0.3:
            return placeholder(rng, variable)
        if "name" in variable:
            return rng.choice(FIRST_NAMES)
        if "company" in variable:
            return rng.choice(COMPANIES)
        return truncate_words(rng.choice(pieces.paragraphs), rng.randint(3, 25)).rstrip(".")

    return _TEMPLATE_VARIABLE.sub(fill, body)


def real_draft(rng: random.Random, pieces: Pieces) -> str:
    """A real draft with its greeting name changed."""
    _, text = rng.choice(pieces.real_drafts)
    return re.sub(r"(?m)^(Hi|Hello|Hey|Dear) [A-Z][\w.]*", lambda m: f"{m.group(1)} {rng.choice(FIRST_NAMES)}", text,
                  count=1)


def generate(directory: Path, count: int = 5000, seed: int = 8) -> list[Path]:
    """Write `count` generated drafts plus every real draft to `directory`; return the paths in order."""
    rng = random.Random(seed)
    pieces = load_pieces()
    makers = [(mixed_draft, 0.6), (template_draft, 0.2), (real_draft, 0.2)]
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        maker = rng.choices([m for m, _ in makers], weights=[w for _, w in makers])[0]
        path = directory / f"draft-{index:05d}.txt"
        path.write_text(maker(rng, pieces), encoding="utf-8")
        paths.append(path)
    for name, text in pieces.real_drafts:
        path = directory / f"real-{name}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def drafts_of_length(count: int, words: int = 150, seed: int = 150) -> list[str]:
    """`count` drafts of about `words` words each (greeting, paragraphs cut to length, closing)."""
    rng = random.Random(seed)
    pieces = load_pieces()
    drafts = []
    while len(drafts) < count:
        body_words = words - 6
        body, total = [], 0
        while total < body_words:
            paragraph = truncate_words(rng.choice(pieces.paragraphs), body_words - total)
            body.append(paragraph)
            total += len(paragraph.split())
        greeting, sender = f"Hi {rng.choice(FIRST_NAMES)},", f"Best,\n{rng.choice(FIRST_NAMES)}"
        drafts.append("\n\n".join([greeting, *body, sender]) + "\n")
    return drafts
