"""Measurements of a parsed draft body: words, sentences, questions, person, reading grade."""

from __future__ import annotations

from collections import Counter
from typing import Any

from spacy.tokens import Doc

from .matching import Sentence
from .token_facts import FIRST_PERSON_TAG, PLACEHOLDER_TAG, SECOND_PERSON_TAG, TEMPLATE_TAG

NEUTRAL_NAME = "Alex"  # stands in for a placeholder when measuring readability


def measure(doc: Doc, sentences: list[Sentence]) -> dict[str, Any]:
    content = [s for s in sentences if s.is_content]
    words = sum(s.words for s in content)
    tags = Counter(token.tag_ for token in doc)
    return {
        "words": words,
        "sentences": len(content),
        "questions": sum(1 for s in content if s.is_question),
        "exclamations": sum(token.text.count("!") for token in doc if token.is_punct),
        "first_person": tags[FIRST_PERSON_TAG],
        "second_person": tags[SECOND_PERSON_TAG],
        "placeholders": tags[PLACEHOLDER_TAG],
        "reading_grade": reading_grade(doc) if words else 0.0,
    }


def readable_text(doc: Doc) -> str:
    """The text with placeholders replaced by a neutral name and template tags removed."""
    parts = []
    for token in doc:
        if token.tag_ == PLACEHOLDER_TAG:
            parts.append(NEUTRAL_NAME + token.whitespace_)
        elif token.tag_ == TEMPLATE_TAG:
            parts.append(token.whitespace_)
        else:
            parts.append(token.text_with_ws)
    return "".join(parts)


def reading_grade(doc: Doc) -> float:
    """Flesch-Kincaid grade, as textstat computes it (``syllables`` avoids its slow dictionary load)."""
    from .syllables import flesch_kincaid_grade

    return round(float(flesch_kincaid_grade(readable_text(doc))), 1)
