"""The sentence table: where each sentence is, how many words it has, whether it asks a question, and
whether it is the greeting line. The sentence component builds it from the token columns it reads to
split sentences; matching, metrics and rules read it.

Kept apart from parse.py so that modules which only read sentences do not import spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass

from .token_facts import words_in_columns


@dataclass(frozen=True)
class Sentence:
    index: int
    start_token: int
    end_token: int
    start: int
    end: int
    words: int
    is_question: bool
    is_greeting: bool = False

    @property
    def is_content(self) -> bool:
        return self.words > 0 and not self.is_greeting


GREETING_WORDS = frozenset({"hi", "hello", "hey", "dear", "morning", "afternoon", "evening", "greetings", "hiya",
                            "howdy", "good", "yo", "hallo", "bonjour", "hola", "g'day"})


def spans_from_starts(starts: list[int], length: int) -> list[tuple[int, int]]:
    """(first token, end token) of each sentence; tokens before the first start (leading space) join it."""
    if length and (not starts or starts[0] != 0):
        starts = [0, *starts]
    return list(zip(starts, [*starts[1:], length]))


def build_table(spans, texts, tags, space, punct, offsets, *, placeholder: int, template: int) -> list[Sentence]:
    """The table from token columns: texts, TAG hashes (``placeholder`` and ``template`` are the hashes of
    the placeholder tags), IS_SPACE, IS_PUNCT and character offsets."""
    words = words_in_columns(texts, tags, punct, space, placeholder=placeholder, template=template)
    table: list[Sentence] = []
    for first, last in spans:
        tokens = [i for i in range(first, last) if not space[i]]
        if not tokens:
            continue
        count = sum(words[first:last])
        question = any("?" in texts[i] for i in tokens[-3:] if punct[i])
        greeting = not any(s.words for s in table) and _is_greeting(
            count, texts[tokens[0]], texts[tokens[-1]], tags[tokens[0]] == placeholder)
        end = tokens[-1]
        table.append(Sentence(len(table), first, last, offsets[tokens[0]], offsets[end] + len(texts[end]),
                              count, question, greeting))
    return table


def _is_greeting(words: int, first: str, last: str, starts_with_placeholder: bool) -> bool:
    """"Hi Sam," / "Dear Ms. Novak," / "{{first_name}}," on the first line."""
    if words > 5 or last not in (",", ":", "!", "-", "—"):
        return words == 1 and starts_with_placeholder
    return first.lower() in GREETING_WORDS or starts_with_placeholder
