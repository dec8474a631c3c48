"""Measurements of a parsed draft body: words, sentences, questions, person, reading grade."""

from __future__ import annotations

from collections import Counter
from typing import Any

from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH, TAG
from spacy.tokens import Doc

from .sentences import Sentence
from .parse import doc_text
from .token_facts import FIRST_PERSON_TAG, PLACEHOLDER_TAG, SECOND_PERSON_TAG, TEMPLATE_TAG

NEUTRAL_NAME = "Alex"  # stands in for a placeholder when measuring readability


def measure(doc: Doc, sentences: list[Sentence]) -> dict[str, Any]:
    content = [s for s in sentences if s.is_content]
    words = sum(s.words for s in content)
    strings = doc.vocab.strings
    tag_ids, punct, orths = doc.to_array([TAG, IS_PUNCT, ORTH]).T.tolist() if len(doc) else ([], [], [])
    counts = Counter(tag_ids)
    tags = {name: counts[strings.add(name)] for name in (FIRST_PERSON_TAG, SECOND_PERSON_TAG, PLACEHOLDER_TAG)}
    return {
        "words": words,
        "sentences": len(content),
        "questions": sum(1 for s in content if s.is_question),
        "exclamations": sum(strings[orth].count("!") for orth, is_punct in zip(orths, punct) if is_punct),
        "first_person": tags[FIRST_PERSON_TAG],
        "second_person": tags[SECOND_PERSON_TAG],
        "placeholders": tags[PLACEHOLDER_TAG],
        "reading_grade": reading_grade(doc) if words else 0.0,
    }


def readable_text(doc: Doc) -> str:
    """The text with placeholders replaced by a neutral name and template tags removed."""
    text = doc_text(doc)
    if not len(doc):
        return text
    strings = doc.vocab.strings
    placeholder, template = strings.add(PLACEHOLDER_TAG), strings.add(TEMPLATE_TAG)
    parts, kept_from = [], 0
    for tag, offset, length in doc.to_array([TAG, IDX, LENGTH]).tolist():
        if tag == placeholder or tag == template:
            parts += [text[kept_from:offset], NEUTRAL_NAME if tag == placeholder else ""]
            kept_from = offset + length
    return "".join([*parts, text[kept_from:]])


def reading_grade(doc: Doc) -> float:
    """Flesch-Kincaid grade, as textstat computes it (``syllables`` avoids its slow dictionary load)."""
    from .syllables import flesch_kincaid_grade

    return round(float(flesch_kincaid_grade(readable_text(doc))), 1)
