"""spaCy token patterns matched where their first token can match, over columns of token attributes.

spaCy's Matcher starts every pattern at every token, so its cost is the number of patterns times the
number of tokens whatever the patterns say (about 11 µs per pattern per draft). Most patterns of the
rules begin with one of a few listed words, which a draft holds a few times if at all. This matcher reads
the attributes its patterns use with one ``Doc.to_array`` call, looks up where each pattern's first token
can match in a table of the values first tokens ask for, and walks each pattern from there only.

``add`` takes what the rules use and refuses the rest (which then goes to spaCy's Matcher):
``ORTH``/``TEXT``, ``LOWER``, ``NORM``, ``LEMMA`` and ``TAG`` equal to a string, or with ``IN`` /
``NOT_IN`` lists of strings or a ``REGEX``; ``IS_SENT_START`` and spaCy's lexeme flags (``IS_ALPHA``,
``LIKE_NUM``, ``LIKE_URL``, ...) as booleans; the operators ``?``, ``*``, ``+``, ``{n}``, ``{n,m}``, ``{n,}``,
``{,m}``, on any token but the first. Each condition is decided as spaCy's Matcher decides it.

For each pattern and start it returns the longest match only, which is all ``FoundSets`` keeps of the
matches at one start. ``tests/test_matching.py`` compares the sets it finds with spaCy's Matcher's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import numpy
from spacy.attrs import IDS, LEMMA, LOWER, NORM, ORTH, SENT_START, TAG

STRING_ATTRS = {"ORTH": ORTH, "TEXT": ORTH, "LOWER": LOWER, "NORM": NORM, "LEMMA": LEMMA, "TAG": TAG}
FEW_VALUES = 4  # a first-token table this small is looked up with numpy
FLAG_BITS = 64  # attribute ids below this are lexeme flags (IS_ALPHA, LIKE_NUM, ...)
EQ, NE, IN, NOT_IN, REGEX = range(5)  # what a check asks of a column
SET_OPERATORS = {"IN": IN, "NOT_IN": NOT_IN}
_RANGE = re.compile(r"\{(\d*)(,?)(\d*)\}")
_RANKS = {SENT_START: 0, TAG: 1}  # how telling a check's column is, after word columns, before flags


def _rank(attr: int) -> int:
    return _RANKS.get(attr, -1 if attr >= FLAG_BITS else len(_RANKS))


class Unsupported(ValueError):
    """A pattern this matcher does not take; spaCy's Matcher does."""


@dataclass(frozen=True)
class _Token:
    checks: tuple[tuple[int, int, object], ...]  # (column, operator, value): all must hold
    low: int
    high: int | None  # None: no upper bound


@dataclass(frozen=True)
class _Pattern:
    key: int
    tokens: tuple[_Token, ...]
    needs: tuple[tuple[int, frozenset], ...]  # (column, values): a token it cannot match without
    # One token whose only check is the one its starts are looked up by: every start is a match.
    one_looked_up_token: bool = False
    # (column, values) the token right after a start must have, when the second token follows the first
    # directly: a start whose next token lacks them is no match, without walking.
    next_token: tuple[int, frozenset] | None = None


class _Columns:
    """One draft's token attributes: the array, its columns as lists, and each column's set of values."""

    def __init__(self, array: numpy.ndarray) -> None:
        self.array = array
        self.lists = array.T.tolist()
        self._values: dict[int, set] = {}

    def values_in(self, column: int) -> set:
        if column not in self._values:
            self._values[column] = set(self.lists[column])
        return self._values[column]


class TokenMatcher:
    """Token patterns added with ``add``; called on a Doc, the ``(key, start, end)`` of each pattern's longest
    match at each start."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self._patterns: list[_Pattern] = []
        self._attrs: list[int] = []  # the to_array columns, in order
        self._entries: dict[int, dict[int, list[int]]] = {}  # column -> first-token value -> pattern numbers
        self._anywhere: list[int] = []  # patterns whose first token has no value to look up
        self._regex_cache: dict[tuple[int, int], bool] = {}

    def __len__(self) -> int:
        return len(self._patterns)

    def add(self, key: str, pattern: list[dict]) -> None:
        """Add one pattern under ``key``; ``Unsupported`` when it says something this matcher does not read."""
        tokens = tuple(self._token(spec) for spec in pattern)
        if not tokens or tokens[0].low == 0:
            raise Unsupported("the first token is optional")
        number = len(self._patterns)
        entry = self._telling(tokens[0])
        first_is_one = tokens[0].low == tokens[0].high == 1
        self._patterns.append(_Pattern(
            self.vocab.strings.add(key), tokens,
            needs=tuple(filter(None, (self._telling(token) for token in tokens[1:] if token.low))),
            one_looked_up_token=first_is_one and len(tokens) == 1 and len(tokens[0].checks) == 1 and bool(entry),
            next_token=self._telling(tokens[1]) if first_is_one and len(tokens) > 1 and tokens[1].low else None,
        ))
        if entry is None:
            self._anywhere.append(number)
            return
        column, values = entry
        table = self._entries.setdefault(column, {})
        for value in values:
            table.setdefault(value, []).append(number)

    def _telling(self, token: _Token) -> tuple[int, frozenset] | None:
        """(column, values) of the token's most telling check that names the values it takes: a word's text,
        lemma or norm before the sentence start, before TAG, before a flag. None when no check names any."""
        named = [(column, value if operator == IN else frozenset((value,)))
                 for column, operator, value in token.checks if operator in (EQ, IN)]
        return min(named, key=lambda need: _rank(self._attrs[need[0]]), default=None)

    def __call__(self, doc) -> list[tuple[int, int, int]]:
        length = len(doc)
        if not length or not self._patterns:
            return []
        columns = _Columns(doc.to_array(self._attrs).reshape(length, -1))  # one attribute: to_array gives a vector
        found = []
        for number, starts in self._starts(columns).items():
            pattern = self._patterns[number]
            if any(values.isdisjoint(columns.values_in(column)) for column, values in pattern.needs):
                continue
            if pattern.one_looked_up_token:
                found += [(pattern.key, start, start + 1) for start in starts]
                continue
            if pattern.next_token is not None:
                column, values = pattern.next_token
                following = columns.lists[column]
                starts = [start for start in starts if start + 1 < length and following[start + 1] in values]
            for start in starts:
                end = self._longest_end(pattern.tokens, columns.lists, start, length)
                if end is not None:
                    found.append((pattern.key, start, end))
        return found

    def _starts(self, columns: _Columns) -> dict[int, list[int]]:
        """Pattern number -> the positions where its first token's value is."""
        starts: dict[int, list[int]] = defaultdict(list)
        for column, table in self._entries.items():
            if len(table) <= FEW_VALUES:  # a flag, a TAG: each value's positions, by numpy
                for value, numbers in table.items():
                    positions = numpy.flatnonzero(columns.array[:, column] == value).tolist()
                    for number in numbers:
                        starts[number] += positions
                continue
            wanted = table.keys() & columns.values_in(column)
            for position, value in enumerate(columns.lists[column]):
                if value in wanted:
                    for number in table[value]:
                        starts[number].append(position)
        for number in self._anywhere:
            starts[number] = list(range(len(columns.array)))
        return starts

    def _longest_end(self, tokens, columns, start: int, length: int) -> int | None:
        """Where the longest match from ``start`` ends: every way through the pattern's operators, kept as
        the set of positions reached so far."""
        reached = {start}
        for token in tokens:
            following = set()
            unbounded, walked_to = token.high is None, -1
            for position in (sorted(reached) if unbounded else reached):
                if unbounded and position < walked_to:  # inside a run already walked: nothing new
                    continue
                if token.low == 0:
                    following.add(position)
                count = 0
                while count != token.high and position < length and self._holds(token.checks, columns, position):
                    position += 1
                    count += 1
                    if count >= token.low:
                        following.add(position)
                walked_to = position
            if not following:
                return None
            reached = following
        return max(reached)

    def _holds(self, checks, columns, position: int) -> bool:
        for column, operator, value in checks:
            found = columns[column][position]
            if operator == EQ:
                if found != value:
                    return False
            elif operator == IN:
                if found not in value:
                    return False
            elif operator == NOT_IN:
                if found in value:
                    return False
            elif operator == NE:
                if found == value:
                    return False
            elif not self._searches(value, found):
                return False
        return True

    def _searches(self, pattern: re.Pattern[str], value: int) -> bool:
        """spaCy's REGEX: ``re.search`` on the attribute's string; remembered per expression and string."""
        key = (id(pattern), value)
        known = self._regex_cache.get(key)
        if known is None:
            if len(self._regex_cache) > 100_000:
                self._regex_cache.clear()
            known = self._regex_cache[key] = pattern.search(self.vocab.strings[value]) is not None
        return known

    def _column(self, attr: int) -> int:
        if attr not in self._attrs:
            self._attrs.append(attr)
        return self._attrs.index(attr)

    def _token(self, spec: dict) -> _Token:
        if not isinstance(spec, dict):
            raise Unsupported("a token is not a mapping")
        low, high = _repeats(spec.get("OP"))
        checks = []
        for name, condition in spec.items():
            if name != "OP":
                checks += self._checks(name, condition)
        return _Token(tuple(checks), low, high)

    def _checks(self, name, condition) -> list[tuple[int, int, object]]:
        strings = self.vocab.strings
        if name in STRING_ATTRS:
            column = self._column(STRING_ATTRS[name])
            if isinstance(condition, str):
                return [(column, EQ, strings.add(condition))]
            if not isinstance(condition, dict) or not condition:
                raise Unsupported(f"{name}: {condition!r}")
            checks = []
            for operator, value in condition.items():
                if operator in SET_OPERATORS and isinstance(value, list) and all(isinstance(v, str) for v in value):
                    checks.append((column, SET_OPERATORS[operator], frozenset(strings.add(v) for v in value)))
                elif operator == "REGEX" and isinstance(value, str):
                    checks.append((column, REGEX, _compiled(value)))
                else:
                    raise Unsupported(f"{name}: {operator}")
            return checks
        if not isinstance(condition, bool):
            raise Unsupported(f"{name}: {condition!r}")
        if name == "IS_SENT_START":  # spaCy's Matcher: true only where the token starts a sentence for sure
            return [(self._column(SENT_START), EQ if condition else NE, 1)]
        attr = IDS.get(name) if isinstance(name, str) else None
        if attr is None or not 0 < attr < FLAG_BITS:
            raise Unsupported(f"{name}")
        return [(self._column(attr), EQ, int(condition))]


def _compiled(expression: str) -> re.Pattern[str]:
    try:
        return re.compile(expression)
    except re.error:
        raise Unsupported("REGEX") from None  # spaCy's Matcher reports it


def _repeats(operator) -> tuple[int, int | None]:
    """How many tokens a pattern token may match: (at least, at most)."""
    if operator is None or operator == "1":
        return 1, 1
    simple = {"?": (0, 1), "*": (0, None), "+": (1, None)}
    if operator in simple:
        return simple[operator]
    match = _RANGE.fullmatch(operator) if isinstance(operator, str) else None
    if match is None or not (match.group(1) or match.group(3)):
        raise Unsupported(f"OP: {operator!r}")
    low, comma, high = match.groups()
    least = int(low or 0)
    most = (int(high) if high else None) if comma else least
    if most is not None and most < least:
        raise Unsupported(f"OP: {operator!r}")
    return least, most
