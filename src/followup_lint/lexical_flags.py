"""Word-list conditions of token patterns as lexeme flags, which spaCy's Matcher checks in C.

The Matcher calls a Python predicate for every ``{"LOWER": {"IN": [...]}}``, ``NOT_IN`` or ``REGEX``
condition, at every token, for every pattern whose next token carries one: about 10,000 calls per draft
and most of the linting time. Such a condition on LOWER, ORTH, TEXT or LEMMA depends only on the word, so
it can be computed once per word: spaCy keeps 63 boolean flags per vocabulary entry, sets them from a getter
when a word is first seen, and a pattern can test a flag by its number (``{flag: True}``), in C.

LEMMA is a word's looked-up lemma (``parse.LookupLemmas``) except in a merged placeholder, whose lemma is
its name: ``correct_placeholders`` sets those words' LEMMA flags from the name before a draft is matched.

A condition is rewritten only when all of its operators are understood here; the rest stay predicates.
Flags are shared by every pattern index built on the same vocabulary (equal conditions get one flag);
when the free flags run out, conditions stay predicates. Both ways match the same tokens:
``tests/test_matching.py`` compares them.
"""

from __future__ import annotations

import json
import re
from typing import Any


def _transform(attr: str):
    """What turns a vocabulary entry's text into the attribute's value."""
    if attr == "LOWER":
        return str.lower
    if attr == "LEMMA":
        from .parse import lookup_lemma

        return lookup_lemma
    return None


LEXICAL_ATTRS = frozenset({"LOWER", "ORTH", "TEXT", "LEMMA"})
OPERATORS = frozenset({"IN", "NOT_IN", "REGEX"})


class LexicalFlag:
    """``attr: condition`` as a flag: ``holds_for(value)`` on the attribute's value, and ``getter(word)``
    on a vocabulary entry's text (what spaCy calls for each new word), exactly as the Matcher's set and
    regex predicates decide them. The getter is a plain closure: it runs for every new word."""

    def __init__(self, attr: str, condition: dict[str, Any]) -> None:
        self.key = flag_key(attr, condition)
        self.attr = attr
        self.holds_for = _test(condition)
        transform, holds_for = _transform(attr), self.holds_for
        if transform is None:
            self.getter = lambda word: holds_for(word)
        else:
            self.getter = lambda word: holds_for(transform(word))
        self.getter.lexical_flag = self


def _test(condition: dict[str, Any]):
    tests = []
    for operator, value in condition.items():
        if operator == "IN":
            tests.append(frozenset(value).__contains__)
        elif operator == "NOT_IN":
            tests.append(lambda text, words=frozenset(value): text not in words)
        else:
            tests.append(lambda text, pattern=re.compile(value): pattern.search(text) is not None)
    if len(tests) == 1:
        return tests[0]
    return lambda text: all(test(text) for test in tests)


def flag_key(attr: str, condition: dict[str, Any]) -> str:
    return json.dumps(["ORTH" if attr == "TEXT" else attr, condition], sort_keys=True)


def flags_in(vocab) -> dict[int, LexicalFlag]:
    """The lexical flags of ``vocab`` by bit."""
    return {bit: getter.lexical_flag for bit, getter in vocab.lex_attr_getters.items()
            if hasattr(getter, "lexical_flag")}


def correct_placeholders(doc, positions) -> None:
    """Set the LEMMA flags of the words of the merged placeholders at ``positions`` from their names
    (their lemmas)."""
    if not len(positions):
        return
    lemma_flags = [(bit, flag) for bit, flag in flags_in(doc.vocab).items() if flag.attr == "LEMMA"]
    for position in positions:
        token = doc[int(position)]
        lexeme = token.lex
        for bit, flag in lemma_flags:
            wanted = flag.holds_for(token.lemma_)
            if lexeme.check_flag(bit) != wanted:
                lexeme.set_flag(bit, wanted)


def is_lexical(attr: str, condition: Any) -> bool:
    if attr not in LEXICAL_ATTRS or not isinstance(condition, dict) or not condition:
        return False
    for operator, value in condition.items():
        if operator not in OPERATORS:
            return False
        if operator == "REGEX" and not isinstance(value, str):
            return False
        if operator != "REGEX" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return False
    return True


def flag_for(vocab, attr: str, condition: dict[str, Any]) -> int | None:
    """The flag that stands for ``attr: condition`` in ``vocab``, if there is one."""
    key = flag_key(attr, condition)
    return next((bit for bit, flag in flags_in(vocab).items() if flag.key == key), None)


def reserve_flags(patterns: list[list[dict[str, Any]]], vocab) -> None:
    """Give flags to the lexical conditions of ``patterns`` while bits are free, those nearest the start
    of a pattern first: the Matcher tries a pattern's first token at every token of a draft, later ones
    only after a match. The words already in the vocabulary get their flags in one pass."""
    conditions = sorted(((position, attr, condition) for pattern in patterns
                         for position, token in enumerate(pattern) for attr, condition in token.items()
                         if is_lexical(attr, condition)), key=lambda item: item[0])
    known = {flag.key for flag in flags_in(vocab).values()}
    free = [bit for bit in range(1, 64) if bit not in vocab.lex_attr_getters]
    added: list[tuple[int, LexicalFlag]] = []
    for _, attr, condition in conditions:
        if not free:
            break
        if flag_key(attr, condition) not in known:
            flag = LexicalFlag(attr, condition)
            known.add(flag.key)
            added.append((free.pop(0), flag))
    if not added:
        return
    for lexeme in vocab:
        word = lexeme.orth_
        for bit, flag in added:
            if flag.getter(word):
                lexeme.set_flag(bit, True)
    for bit, flag in added:
        vocab.lex_attr_getters[bit] = flag.getter


def with_flags(pattern: list[dict[str, Any]], vocab) -> list[dict[Any, Any]]:
    """The same pattern with each lexical condition replaced by its flag, when it has one."""
    rewritten = []
    for token in pattern:
        changed: dict[Any, Any] = {}
        for attr, condition in token.items():
            flag = flag_for(vocab, attr, condition) if is_lexical(attr, condition) else None
            if flag is None:
                changed[attr] = condition
            else:
                changed[flag] = True
        rewritten.append(changed)
    return rewritten
