"""Parse extracted text with spaCy: a blank English pipeline plus rule-based components only.

No statistical model and no download: tokenizer, placeholder merging, sentence boundaries that
understand email layout (greeting lines, paragraphs, bullets), grammatical person, and lookup lemmas
from spacy-lookups-data. Built once per process and reused.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from .placeholders import find_placeholders

PLACEHOLDER_NORM = "__placeholder__"
SENTENCE_END = frozenset({".", "!", "?", "…", "!!", "!!!", "?!", "!?", "??", "...", "?!?"})
LINE_END_BREAKS = frozenset({".", "!", "?", "…", ",", ":", ";", ")", "...", "!!", "?!"})
BULLETS = frozenset({"-", "*", "•", "–", "—", "·", "+"})

FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"})
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves", "ya", "y'all", "u", "ur"})
# Formulaic closers that use a first-person word without being about the sender.
FORMULAIC_FIRST_PERSON = (("let", "me", "know"),)

# Matcher patterns compare extension values, so defaults are strings and booleans, never None.
Token.set_extension("placeholder", default="", force=True)  # normalised variable name, e.g. "first_name"
Token.set_extension("template_tag", default=False, force=True)  # {% if %}, {{#each}}, {# comment #}
Token.set_extension("person", default="", force=True)  # "first" | "second" | ""


@Language.component("followup_placeholders")
def merge_placeholders(doc: Doc) -> Doc:
    found = find_placeholders(doc.text)
    if not found:
        return doc
    merged = {}  # start character -> placeholder; token indices shift while merging
    with doc.retokenize() as retokenizer:
        taken = -1
        for placeholder in found:
            span = doc.char_span(placeholder.start, placeholder.end, alignment_mode="expand")
            if span is None or span.start <= taken:
                continue
            taken = span.end - 1
            retokenizer.merge(span, attrs={"NORM": PLACEHOLDER_NORM, "LEMMA": PLACEHOLDER_NORM})
            merged[span.start_char] = placeholder
    for token in doc:
        placeholder = merged.get(token.idx)
        if placeholder is not None:
            token._.placeholder = placeholder.name
            token._.template_tag = placeholder.kind != "variable"
    return doc


@Language.component("followup_person")
def mark_person(doc: Doc) -> Doc:
    for token in doc:
        lower = token.lower_
        if lower in FIRST_PERSON and not (lower == "us" and token.text == "US"):
            token._.person = "first"
        elif lower in SECOND_PERSON and not (lower == "u" and token.text == "U"):
            token._.person = "second"
    for phrase in FORMULAIC_FIRST_PERSON:
        size = len(phrase)
        for index in range(len(doc) - size + 1):
            if all(doc[index + k].lower_ == phrase[k] for k in range(size)):
                for k in range(size):
                    doc[index + k]._.person = ""
    return doc


@Language.component("followup_sentences")
def set_sentence_starts(doc: Doc) -> Doc:
    """Sentences end at . ! ?, at a paragraph break, and at a line break after punctuation or before a
    capital or a bullet; a bulleted list introduced by a colon stays in the sentence that introduces it."""
    seen_end = False
    in_list = False
    last_content: Token | None = None
    for index, token in enumerate(doc):
        if token.is_space:
            token.is_sent_start = index == 0
            continue
        start = index == 0
        previous = doc[index - 1] if index else None
        if previous is not None and previous.is_space and "\n" in previous.text:
            paragraph = previous.text.count("\n") >= 2
            bullet = token.text in BULLETS or (token.like_num and index + 1 < len(doc) and doc[index + 1].text in ".)")
            after_colon = last_content is not None and last_content.text == ":"
            in_list = bullet and (after_colon or (in_list and not paragraph))
            start = not in_list and (
                paragraph
                or (last_content is not None and last_content.text in LINE_END_BREAKS)
                or bullet
                or token.text[:1].isupper()
                or token._.template_tag
            )
        elif seen_end and not token.is_punct:
            start = True
        token.is_sent_start = start
        if start:
            seen_end = False
        if _is_list_number(doc, index):
            pass
        elif token.text in SENTENCE_END or (token.is_punct and token.text[:1] in ".!?" and len(token.text) > 1):
            seen_end = True
        elif not token.is_punct and not token.is_quote:
            seen_end = False
        last_content = token
    return doc


def _is_list_number(doc: Doc, index: int) -> bool:
    """The "." of "1." at the start of a line."""
    if doc[index].text not in ".)" or index == 0 or not doc[index - 1].like_num:
        return False
    return index == 1 or (doc[index - 2].is_space and "\n" in doc[index - 2].text)


@functools.lru_cache(maxsize=1)
def get_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("followup_placeholders")
    nlp.add_pipe("followup_sentences")
    nlp.add_pipe("followup_person")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def parse(text: str) -> Doc:
    return get_pipeline()(text)


def parse_many(texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    return get_pipeline().pipe(texts, batch_size=batch_size)


def make_pattern_doc(text: str) -> Doc:
    """Tokenize a phrase from a rule file (tokenizer only: phrases match on NORM)."""
    return get_pipeline().make_doc(text)
