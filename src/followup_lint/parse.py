"""Parse extracted text with spaCy: a blank English pipeline plus rule-based components only.

No statistical model and no download: tokenizer, placeholder merging, sentence boundaries that
understand email layout (greeting lines, paragraphs, bullets), grammatical person, and lookup lemmas
from spacy-lookups-data. Built once per process and reused.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable, Iterator

import numpy
import spacy
from spacy.attrs import IDX, IS_ALPHA, IS_LOWER, IS_PUNCT, IS_QUOTE, IS_SPACE, LEMMA, LIKE_NUM, LOWER, ORTH, SENT_START, TAG
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc, Token

from .placeholders import find_placeholders
from .sentences import build_table, spans_from_starts
from .token_facts import FIRST_PERSON_TAG, PLACEHOLDER_TAG, SECOND_PERSON_TAG, TEMPLATE_TAG, WORD_TAG

PLACEHOLDER_NORM = "__placeholder__"
SENTENCE_TABLE = "followup_lint.sentence_table"
SOFT_SPACES = "followup_lint.soft_spaces"  # space tokens inside a sentence: a wrapped line's break, a double space
DOC_TEXT = "followup_lint.text"
SENTENCE_END = frozenset({".", "!", "?", "…", "!!", "!!!", "?!", "!?", "??", "...", "?!?"})
LINE_END_BREAKS = frozenset({".", "!", "?", "…", ",", ":", ";", ")", "...", "!!", "?!"})
BULLETS = frozenset({"-", "*", "•", "–", "—", "·", "+"})

FIRST_PERSON = ("i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves")
SECOND_PERSON = ("you", "your", "yours", "yourself", "yourselves", "ya", "y'all", "u", "ur")
# Formulaic closers that use a first-person word without being about the sender.
FORMULAIC_FIRST_PERSON = (("let", "me", "know"),)
NOT_A_PERSON = ("US", "U")  # as written: the country, the letter

# Token facts live in the TAG attribute, which a blank pipeline leaves empty: rule patterns read it like any
# other attribute ({TAG: FIRST_PERSON}). A placeholder's name is its LEMMA.
_PERSON = {FIRST_PERSON_TAG: "first", SECOND_PERSON_TAG: "second"}

# Read-only conveniences for Python code; patterns should use TAG.
Token.set_extension("placeholder", getter=lambda t: t.lemma_ if t.tag_ == PLACEHOLDER_TAG else "", force=True)
Token.set_extension("template_tag", getter=lambda t: t.tag_ == TEMPLATE_TAG, force=True)
Token.set_extension("person", getter=lambda t: _PERSON.get(t.tag_, ""), force=True)


class MergePlaceholders:
    """Each placeholder becomes one token, named by its LEMMA and marked by its TAG."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, doc: Doc) -> Doc:
        found = find_placeholders(doc_text(doc))
        if not found:
            return doc
        if any(doc.char_span(placeholder.start, placeholder.end) is None for placeholder in found):
            doc = _tokenized_around(doc, found, self.tokenizer)
        return _merged(doc, found)


@Language.factory("followup_placeholders")
def make_merge_placeholders(nlp: Language, name: str) -> MergePlaceholders:
    return MergePlaceholders(nlp.tokenizer)


def _tokenized_around(doc: Doc, found, tokenizer) -> Doc:
    """The text tokenized again with each placeholder as one token, for placeholders that spaCy's
    tokenizer cut through ("*|IF:FNAME|*Hi", "{{first_name}},{{company}}"): the text between them is
    tokenized as before. The Doc as it was if the new one would not spell the same text."""
    text = doc_text(doc)
    words: list[str] = []
    spaces: list[bool] = []
    taken = 0
    for placeholder in [*found, None]:
        between = text[taken:placeholder.start if placeholder else len(text)]
        if between.startswith(" ") and words and not spaces[-1]:
            spaces[-1], between = True, between[1:]
        if between:
            for token in tokenizer(between):
                words.append(token.text)
                spaces.append(bool(token.whitespace_))
        if placeholder:
            words.append(placeholder.text)
            spaces.append(False)
            taken = placeholder.end
    rebuilt = Doc(doc.vocab, words=words, spaces=spaces)
    if rebuilt.text != text:
        return doc
    rebuilt.user_data.update(doc.user_data)
    return rebuilt


def _merged(doc: Doc, found) -> Doc:
    with doc.retokenize() as retokenizer:
        taken = -1
        for placeholder in found:
            span = doc.char_span(placeholder.start, placeholder.end, alignment_mode="expand")
            if span is None or span.start <= taken:
                continue
            taken = span.end - 1
            is_variable = placeholder.kind == "variable"
            retokenizer.merge(span, attrs={
                "NORM": PLACEHOLDER_NORM,
                "LEMMA": placeholder.name if is_variable else PLACEHOLDER_NORM,
                "TAG": PLACEHOLDER_TAG if is_variable else TEMPLATE_TAG,
            })
    return doc


# As hashes, which is what token columns hold: LOWER -> the person's TAG, the formulaic phrases (LOWER),
# the exceptions (ORTH).
_PERSON_BY_LOWER = {**{hash_string(word): hash_string(SECOND_PERSON_TAG) for word in SECOND_PERSON},
                    **{hash_string(word): hash_string(FIRST_PERSON_TAG) for word in FIRST_PERSON}}
_FORMULAIC_IDS = [[hash_string(word) for word in phrase] for phrase in FORMULAIC_FIRST_PERSON]
_NOT_A_PERSON_IDS = frozenset(hash_string(word) for word in NOT_A_PERSON)


@Language.component("followup_person")
def mark_person(doc: Doc) -> Doc:
    """Tag every token: FIRST_PERSON, SECOND_PERSON or WORD (placeholders keep their tags)."""
    if not len(doc):
        return doc
    strings = doc.vocab.strings
    first, _, word = (strings.add(tag) for tag in (FIRST_PERSON_TAG, SECOND_PERSON_TAG, WORD_TAG))
    lowers, orths, tags, spaces = doc.to_array([LOWER, ORTH, TAG, IS_SPACE]).T.tolist()
    tags = [tag or (word if orth in _NOT_A_PERSON_IDS else _PERSON_BY_LOWER.get(lower, word))
            for lower, orth, tag in zip(lowers, orths, tags)]
    for ids in _FORMULAIC_IDS:
        if ids[0] not in lowers:
            continue
        words = [index for index, space in enumerate(spaces) if not space]  # "let me⏎know" is "let me know"
        for start in _occurrences([lowers[index] for index in words], ids):
            for index in words[start:start + len(ids)]:
                if tags[index] == first:
                    tags[index] = word
    doc.from_array([TAG], numpy.array(tags, dtype="uint64").reshape(-1, 1))
    return doc


def _occurrences(values: list[int], run: list[int]):
    """Where `run` starts in `values`."""
    start = -1
    while True:
        try:
            start = values.index(run[0], start + 1)
        except ValueError:
            return
        if values[start:start + len(run)] == run:
            yield start


class _Columns:
    """What the sentence splitter reads of each token, as plain lists (one ``to_array`` call instead of a
    Token object per access)."""

    def __init__(self, doc: Doc) -> None:
        columns = doc.to_array([ORTH, IDX, TAG, IS_SPACE, IS_PUNCT, IS_QUOTE, LIKE_NUM, IS_ALPHA, IS_LOWER]).T.tolist()
        orths, self.idx, self.tag, self.space, self.punct, self.quote, self.like_num, alpha, lower = columns
        strings = doc.vocab.strings
        self.text = [strings[orth] for orth in orths]
        self.alpha, self.lower = alpha, lower
        self.placeholder, self.template = strings.add(PLACEHOLDER_TAG), strings.add(TEMPLATE_TAG)
        self.doc_text = doc_text(doc)


@Language.component("followup_sentences")
def set_sentence_starts(doc: Doc) -> Doc:
    """Sentences end at . ! ?, at a paragraph break, and at a line break after punctuation or before a
    capital or a bullet; a bulleted list introduced by a colon stays in the sentence that introduces it."""
    if not len(doc):
        doc.user_data[SENTENCE_TABLE] = []
        return doc
    tokens = _Columns(doc)
    text, space, punct, length = tokens.text, tokens.space, tokens.punct, len(doc)
    seen_end = False
    in_list = False
    last_content: int | None = None
    starts: list[int] = []
    marks = [-1] * length
    for index in range(length):
        word = text[index]
        if space[index]:
            if index == 0:
                marks[0] = 1
            continue
        start = index == 0
        if index and space[index - 1] and "\n" in text[index - 1]:
            paragraph = text[index - 1].count("\n") >= 2
            bullet = word in BULLETS or (tokens.like_num[index] and index + 1 < length and text[index + 1] in ".)")
            after_colon = last_content is not None and text[last_content] == ":"
            in_list = bullet and (after_colon or (in_list and not paragraph))
            start = not in_list and (
                paragraph
                or bullet
                or tokens.tag[index] == tokens.template
                or not _wrapped_line(tokens, last_content, index - 1, word) and (
                    (last_content is not None and text[last_content] in LINE_END_BREAKS) or word[:1].isupper())
            )
        elif seen_end and not punct[index]:
            start = True
        if start:
            marks[index] = 1
            starts.append(index)
            seen_end = False
        if word in ".)" and _is_list_number(tokens, index):
            pass
        elif word in SENTENCE_END or (punct[index] and word[:1] in ".!?" and len(word) > 1):
            seen_end = True
        elif not punct[index] and not tokens.quote[index]:
            seen_end = False
        last_content = index
    doc.from_array([SENT_START], numpy.array(marks, dtype="int64").astype("uint64").reshape(-1, 1))
    doc.user_data[SOFT_SPACES] = [index for index in range(1, length - 1)  # read by matching.matching_view
                                  if space[index] and marks[index + 1] != 1 and text[index].count("\n") < 2]
    doc.user_data[SENTENCE_TABLE] = build_table(  # read by matching.sentence_table
        spans_from_starts(starts, len(doc)), text, tokens.tag, tokens.space, tokens.punct, tokens.idx,
        placeholder=tokens.placeholder, template=tokens.template)
    return doc


WRAPPED_LINE = 50  # a line this long that ends inside a sentence was wrapped, not ended


def _wrapped_line(tokens: _Columns, last_content: int | None, line_break: int, next_word: str) -> bool:
    """A hard-wrapped line, whose break continues the sentence: long, and ending on a lowercase word
    ("... I will try you again on" / "Tuesday at 10"), or on a comma or semicolon before a lowercase word
    ("... the three sites," / "the maintenance plan"; a capital there may be a name signing off)."""
    if last_content is None:
        return False
    last = tokens.text[last_content]
    if not ((tokens.alpha[last_content] and tokens.lower[last_content]) or (last in ",;" and next_word[:1].islower())):
        return False
    line_start = tokens.doc_text.rfind("\n", 0, tokens.idx[last_content]) + 1
    return tokens.idx[line_break] - line_start >= WRAPPED_LINE


def _is_list_number(tokens: _Columns, index: int) -> bool:
    """The "." of "1." at the start of a line."""
    text = tokens.text
    if text[index] not in ".)" or index == 0 or not tokens.like_num[index - 1]:
        return False
    return index == 1 or (tokens.space[index - 2] and "\n" in text[index - 2])


def doc_text(doc: Doc) -> str:
    """The text the pipeline tokenized (``Doc.text`` rebuilds it from the tokens on every access)."""
    text = doc.user_data.get(DOC_TEXT)
    return text if text is not None else doc.text


@functools.lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """spacy-lookups-data's English lookup lemmas (word -> lemma, no part of speech) as a plain dict: what
    spaCy's lookup-mode lemmatizer reads, without hashing 41,000 entries into a spaCy Table (~65 ms)."""
    import spacy_lookups_data
    from spacy.util import load_language_data

    return load_language_data(spacy_lookups_data.en["lemma_lookup"])


def lookup_lemma(word: str) -> str:
    """A word's lemma from the lookup table, as spaCy's lookup lemmatizer finds it, except that a word the
    table lacks as written is looked up in lowercase: "Call me at 10" (a capital at a sentence start) has
    the lemma "call", as "call me at 10" has. Such a word's lemma is lowercase, like every rule's."""
    table = lemma_table()
    lemma = table.get(word)
    if lemma is not None:
        return lemma
    lower = word.lower()
    return word if lower == word else table.get(lower, lower)


class LookupLemmas:
    """What ``Lemmatizer(mode="lookup")`` does: a token without a lemma (placeholders have theirs) gets
    its looked-up lemma (``lookup_lemma``); vectorised, each distinct word looked up once per pipeline."""

    def __init__(self) -> None:
        self.lemma_by_orth: dict[int, int] = {}  # ORTH hash -> lemma hash, in this pipeline's StringStore
        self._learned_in_zone: list[int] | None = None

    @contextlib.contextmanager
    def memory_zone(self, mem=None):
        """Inside ``nlp.memory_zone()`` new words and lemmas are transient: forget them with the zone."""
        self._learned_in_zone = []
        try:
            yield
        finally:
            for orth in self._learned_in_zone:
                self.lemma_by_orth.pop(orth, None)
            self._learned_in_zone = None

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        orths, lemmas = doc.to_array([ORTH, LEMMA]).T
        unset = numpy.flatnonzero(lemmas == 0)
        if not len(unset):
            return doc
        strings = doc.vocab.strings
        known = self.lemma_by_orth
        for index in unset:
            orth = int(orths[index])
            lemma = known.get(orth)
            if lemma is None:
                lemma = known[orth] = strings.add(lookup_lemma(strings[orth]))
                if self._learned_in_zone is not None:
                    self._learned_in_zone.append(orth)
            lemmas[index] = lemma
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


@Language.factory("followup_lemmas")
def make_lookup_lemmas(nlp: Language, name: str) -> LookupLemmas:
    return LookupLemmas()


# spaCy's tokenizer strips a prefix or suffix one character at a time and copies the rest each time, so a
# whitespace-free run of thousands of emoji or "?" takes seconds (quadratic). A run of LONG_RUN or more
# characters that starts or ends with EDGE_RUN characters that are neither letters nor digits is kept as one
# token; any other run (a long tracking URL, a long word) is tokenized as before.
LONG_RUN = 256
EDGE_RUN = 64
_EDGE = re.compile(r"[\W_]{%d}" % EDGE_RUN)
_SURROGATES = re.compile("[\ud800-\udfff]")


class _LongRunMatch:
    """The tokenizer's ``token_match``: a long run of affix characters is one token."""

    def __init__(self, token_match=None) -> None:
        self.token_match = token_match

    def __call__(self, string: str):
        if len(string) >= LONG_RUN and (_EDGE.match(string) or _EDGE.match(string, len(string) - EDGE_RUN)):
            return True
        return self.token_match(string) if self.token_match is not None else None


class _Tokenizer:
    """spaCy's tokenizer, made safe for any Python string: lone surrogates (possible only through the
    library API; spaCy cannot hash them) become U+FFFD one for one, so every offset stays the same."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        if not text.isascii() and _SURROGATES.search(text):
            text = _SURROGATES.sub("\ufffd", text)
        doc = self.tokenizer(text)
        doc.user_data[DOC_TEXT] = text
        return doc

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)


def _english() -> Language:
    """``spacy.blank("en")`` with the long-run token_match (given through the language defaults: setting
    it on a built tokenizer reloads every special case)."""
    from spacy.lang.en import English

    class Defaults(English.Defaults):
        token_match = _LongRunMatch(English.Defaults.token_match)

    class FollowupEnglish(English):
        pass

    FollowupEnglish.Defaults = Defaults
    return FollowupEnglish()


@functools.lru_cache(maxsize=1)
def get_pipeline() -> Language:
    nlp = _english()
    nlp.tokenizer = _Tokenizer(nlp.tokenizer)
    nlp.add_pipe("followup_placeholders")
    nlp.add_pipe("followup_sentences")
    nlp.add_pipe("followup_person")
    nlp.add_pipe("followup_lemmas")
    nlp.initialize()
    return nlp


def parse(text: str) -> Doc:
    return get_pipeline()(text)


def parse_many(texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    return get_pipeline().pipe(texts, batch_size=batch_size)


def make_pattern_doc(text: str) -> Doc:
    """Tokenize a phrase from a rule file (tokenizer only: phrases match on NORM)."""
    return get_pipeline().make_doc(text)
