"""The facts the parser records on each token's TAG (a blank pipeline leaves TAG free), and their names.

Kept apart from parse.py so that modules which only read the facts do not import spaCy.
"""

from __future__ import annotations

import functools

FIRST_PERSON_TAG = "FIRST_PERSON"
SECOND_PERSON_TAG = "SECOND_PERSON"
PLACEHOLDER_TAG = "PLACEHOLDER"  # a variable placeholder; its LEMMA is the placeholder's name
TEMPLATE_TAG = "TEMPLATE_TAG"  # a control tag or template comment: {% if %}, {{#each}}, {# ... #}
WORD_TAG = "WORD"


PLACEHOLDER_TAGS = (PLACEHOLDER_TAG, TEMPLATE_TAG)


def is_placeholder(token) -> bool:
    """A variable placeholder or a template tag: never a word of the draft."""
    return token.tag_ in PLACEHOLDER_TAGS


def placeholder_positions(doc) -> list[int]:
    """The token positions of ``is_placeholder`` tokens, read from the TAG column in one call."""
    if not len(doc):
        return []
    wanted = {doc.vocab.strings.add(tag) for tag in PLACEHOLDER_TAGS}
    return [position for position, tag in enumerate(doc.to_array("TAG").tolist()) if tag in wanted]


def counts_as_word(text: str, tag: str | None, is_punct: bool, is_space: bool) -> bool:
    """A placeholder stands for a word; a template tag, punctuation and space are none."""
    if tag == TEMPLATE_TAG:
        return False
    if tag == PLACEHOLDER_TAG:
        return True
    return not (is_punct or is_space) and has_alnum(text)


def words_in_columns(texts, tags, punct, space, *, placeholder: int, template: int) -> list[bool]:
    """``counts_as_word`` for every token at once, from its columns: TAG as hashes (``placeholder`` and
    ``template`` are the hashes of the two placeholder tags), IS_PUNCT, IS_SPACE."""
    return [tag == placeholder or (tag != template and not (is_punct or is_space) and has_alnum(text))
            for text, tag, is_punct, is_space in zip(texts, tags, punct, space)]


@functools.lru_cache(maxsize=1 << 16)  # a draft repeats most of its words
def has_alnum(text: str) -> bool:
    return any(char.isalnum() for char in text)
