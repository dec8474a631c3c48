"""The facts the parser records on each token's TAG (a blank pipeline leaves TAG free), and their names.

Kept apart from parse.py so that modules which only read the facts do not import spaCy.
"""

from __future__ import annotations

FIRST_PERSON_TAG = "FIRST_PERSON"
SECOND_PERSON_TAG = "SECOND_PERSON"
PLACEHOLDER_TAG = "PLACEHOLDER"  # a variable placeholder; its LEMMA is the placeholder's name
TEMPLATE_TAG = "TEMPLATE_TAG"  # a control tag or template comment: {% if %}, {{#each}}, {# ... #}
WORD_TAG = "WORD"


def is_placeholder(token) -> bool:
    """A variable placeholder or a template tag: never a word of the draft."""
    return token.tag_ in (PLACEHOLDER_TAG, TEMPLATE_TAG)
