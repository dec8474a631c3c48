"""The long fuzz run: many seeded hostile inputs through the library, each checked with tests/invariants.py.

Inputs mix random Unicode (control characters, RTL text and marks, emoji sequences, combining marks, any
code point), soups of draft phrases and placeholders, real drafts with random damage, 10,000-character
lines, whitespace only, placeholders only, and raw bytes in assorted encodings (a refused file must be a
one-line InputError). A failure is any exception other than that refusal, or a broken invariant.
"""

from __future__ import annotations

import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from invariants import PIECES, PLACEHOLDERS, check_fix, check_report, check_serialised  # noqa: E402

PATHS = [None, "draft.txt", "draft.md", "template.j2", "template.hbs", "mail.eml"]
POOLS = [
    ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'\"-()[]{}<>%$#@/\\", 30),
    (" \t\n\n\r\n\r\x0b\x0c\x85\u2028\u2029\u00a0\u3000\u200b\ufeff", 10),
    ("".join(chr(c) for c in [*range(0, 32), *range(127, 160)]), 5),
    ("שלום مرحبا\u202e\u202d\u202a\u202b\u202c\u200f\u200e\u061c\u2066\u2067\u2068\u2069", 6),
    ("👍🏽👨‍👩‍👧🇩🇪🏳️‍🌈😀🙃💯✨\ufe0f\u200d", 6),
    ("\u0301\u0308\u0327\u20dd\u0489", 3),
    ("你好世界日本語한국어ﷺ𝔘𝔫𝔦\U0010fffd", 4),
]


def random_unicode(rng: random.Random) -> str:
    chars = []
    for _ in range(rng.randint(0, 400)):
        if rng.random() < 0.1:
            code = rng.randint(0, 0x10FFFF)
            chars.append(chr(code) if not 0xD800 <= code <= 0xDFFF else "\ufffd")
        else:
            pool = rng.choices([p for p, _ in POOLS], weights=[w for _, w in POOLS])[0]
            chars.append(rng.choice(pool))
    return "".join(chars)


def piece_soup(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) if rng.random() < 0.8 else random_unicode(rng)[:10]
                   for _ in range(rng.randint(0, 40)))


def damaged_draft(rng: random.Random, drafts: list[str]) -> str:
    text = rng.choice(drafts)
    for _ in range(rng.randint(1, 6)):
        where = rng.randint(0, len(text))
        action = rng.randrange(6)
        if action == 0:
            text = text[:where] + rng.choice(PIECES) + text[where:]
        elif action == 1:
            text = text[:where] + text[where + rng.randint(1, 40):]
        elif action == 2:
            text = text[:where] + random_unicode(rng)[:20] + text[where:]
        elif action == 3:
            text = text.replace("\n", rng.choice(["\r\n", "\r", "\u2028", "\n\n"]))
        elif action == 4:
            text = text[:where] + rng.choice(PLACEHOLDERS) + text[where:]
        else:
            text = text[:where] + rng.choice(["a", "word ", "?", "{{x}}", "é"]) * rng.randint(100, 600) + text[where:]
    return text


def long_line(rng: random.Random) -> str:
    unit = rng.choice(["a", "word ", "Just checking in ", "{{x}}", "é", "👍", "?", " ", "[First Name] "])
    return (unit * 10_000)[: rng.randint(5_000, 10_000)]


def only_whitespace(rng: random.Random) -> str:
    return "".join(rng.choice(POOLS[1][0]) for _ in range(rng.randint(0, 300)))


def only_placeholders(rng: random.Random) -> str:
    return rng.choice(["", " ", "\n", ", "]).join(rng.choice(PLACEHOLDERS) for _ in range(rng.randint(1, 30)))


def random_bytes(rng: random.Random, drafts: list[str]) -> bytes:
    if rng.random() < 0.5:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
    text = damaged_draft(rng, drafts)
    encoding = rng.choice(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "utf-32"])
    data = text.encode(encoding, errors="replace")
    return data[: rng.randint(0, len(data))] if rng.random() < 0.3 else data


TEXT_MAKERS = [(random_unicode, 25), (piece_soup, 25), (damaged_draft, 25), (long_line, 0.2), (only_whitespace, 4),
               (only_placeholders, 8)]
BYTES_SHARE = 0.1


def run(count: int, seed: int) -> dict:
    """Check `count` inputs made from `seed`; returns the tally and the first failures."""
    from followup_lint.api import lint_bytes, lint_text
    from followup_lint.read import InputError

    rng = random.Random(seed)
    drafts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "tests" / "corpus").glob("*/*.txt"))]
    makers, weights = [m for m, _ in TEXT_MAKERS], [w for _, w in TEXT_MAKERS]
    tally = {"inputs": 0, "refused": 0, "fixed": 0, "failures": 0, "slowest_ms": 0.0}
    failures = []
    for index in range(count):
        path = rng.choice(PATHS)
        as_bytes = rng.random() < BYTES_SHARE
        if as_bytes:
            data = random_bytes(rng, drafts)
        else:
            maker = rng.choices(makers, weights=weights)[0]
            text = maker(rng, drafts) if maker is damaged_draft else maker(rng)
        started = time.perf_counter()
        try:
            report = lint_bytes(data, path=path or "draft.txt") if as_bytes else lint_text(text, path=path)
            text = report.source_text
            check_report(text, report)
            check_serialised(report)
            if check_fix(text, report, lambda fixed, p=path: lint_text(fixed, path=p)) != text:
                tally["fixed"] += 1
        except InputError as error:
            tally["refused"] += 1
            if "\n" in str(error) or not str(error):
                failures.append(_failure(seed, index, data if as_bytes else text, "InputError is not one line"))
        except Exception as error:  # noqa: BLE001 (any escape is a finding of the fuzz run)
            failures.append(_failure(seed, index, data if as_bytes else text,
                                     f"{type(error).__name__}: {error}", traceback.format_exc(limit=4)))
        tally["slowest_ms"] = max(tally["slowest_ms"], (time.perf_counter() - started) * 1000)
        tally["inputs"] += 1
    tally["failures"] = len(failures)
    kinds: dict[str, list[dict]] = {}
    for failure in failures:
        kinds.setdefault(failure["problem"].split("\n")[0][:80], []).append(failure)
    return {**tally, "failure_kinds": {kind: len(items) for kind, items in kinds.items()},
            "first_failures": [failure for items in kinds.values() for failure in items[:3]]}


def _failure(seed: int, index: int, value, problem: str, trace: str = "") -> dict:
    return {"seed": seed, "index": index, "input": repr(value)[:2000], "problem": problem[:500], "trace": trace}
