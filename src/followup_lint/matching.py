"""Find every rule's pattern sets in a parsed draft: one PhraseMatcher, one token matcher, the regexes.

Phrases match on spaCy's NORM attribute (lowercase, contractions expanded, curly apostrophes folded),
so "I’ll call" in a rule matches "I will call" and "i'll call" in a draft. Token patterns are spaCy
Matcher patterns, matched by ``token_matcher.TokenMatcher`` (spaCy's Matcher takes those it does not
read). Derived sets narrow or combine others by sentence.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import regex
from spacy.attrs import IDX, LEMMA, LENGTH, NORM, ORTH, SENT_START, TAG
from spacy.errors import MatchPatternError
from spacy.matcher import Matcher, PhraseMatcher
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc

from .parse import SENTENCE_TABLE, SOFT_SPACES, doc_text, get_pipeline, lookup_lemma, make_pattern_doc
from .sentences import Sentence
from .token_facts import counts_as_word
from .token_matcher import TokenMatcher, Unsupported
from .ruleset import SET_REFERENCE_RE, PatternSet, Rule, RuleFileError


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    start_token: int
    end_token: int
    sentence: int


def is_word(token) -> bool:
    return counts_as_word(token.text, token.tag_, token.is_punct, token.is_space)


def sentence_table(doc: Doc) -> list[Sentence]:
    """The table the sentence component built (``parse.set_sentence_starts``) while splitting sentences."""
    return doc.user_data[SENTENCE_TABLE]


class FoundSets:
    """The matches of every pattern set in one document, looked up by `rule-id.set` or a rule's own set."""

    def __init__(self, doc: Doc, sentences: list[Sentence], token_sentence: list[int],
                 base: dict[str, list[Match]], specs: dict[str, PatternSet]) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.sentences = sentences
        self._token_sentence = token_sentence
        self._base = base
        self._specs = specs
        self._resolved: dict[str, list[Match]] = {}

    def sentence_of_token(self, token_index: int) -> int:
        return self._token_sentence[min(token_index, len(self._token_sentence) - 1)]

    def get(self, key: str) -> list[Match]:
        if key not in self._resolved:
            self._resolved[key] = []  # guards against a set that refers to itself
            self._resolved[key] = self._resolve(key)
        return self._resolved[key]

    def _resolve(self, key: str) -> list[Match]:
        spec = self._specs[key]
        rule_id = key.split(":", 1)[0]
        matches = list(self._base.get(key, []))
        if spec.sentence and not (spec.phrases or spec.tokens or spec.regex or spec.any_of or spec.all_in_sentence):
            matches = [self._whole(s) for s in self.content_sentences]
        for name in spec.any_of:
            matches += self.get(qualify(rule_id, name))
        if spec.all_in_sentence:
            matches += self._co_occurring([qualify(rule_id, name) for name in spec.all_in_sentence])
        if spec.sentence:
            matches = [m for m in matches if self._sentence_passes(self.sentences[m.sentence], spec.sentence)]
        if spec.unless_in_sentence:
            blocked = {m.sentence for name in spec.unless_in_sentence for m in self.get(qualify(rule_id, name))}
            matches = [m for m in matches if m.sentence not in blocked]
        return _without_overlaps(matches)

    def _whole(self, sentence: Sentence) -> Match:
        return Match(sentence.start, sentence.end, sentence.start_token, sentence.end_token, sentence.index)

    def _co_occurring(self, keys: list[str]) -> list[Match]:
        per_set = [self.get(key) for key in keys]
        common = set.intersection(*({m.sentence for m in matches} for matches in per_set)) if per_set else set()
        result = []
        for index in sorted(common):
            parts = [m for matches in per_set for m in matches if m.sentence == index]
            first = min(parts, key=lambda m: m.start)
            last = max(parts, key=lambda m: m.end)
            result.append(Match(first.start, last.end, first.start_token, last.end_token, index))
        return result

    @functools.cached_property
    def content_sentences(self) -> list[Sentence]:
        return [s for s in self.sentences if s.is_content]

    def _sentence_passes(self, sentence: Sentence, condition: str) -> bool:
        if condition == "question":
            return sentence.is_question
        if condition == "statement":
            return not sentence.is_question
        if condition == "first":
            return bool(self.content_sentences) and sentence.index == self.content_sentences[0].index
        if condition == "last":
            return bool(self.content_sentences) and sentence.index == self.content_sentences[-1].index
        return True


@functools.lru_cache(maxsize=4096)
def qualify(rule_id: str, reference: str) -> str:
    match = SET_REFERENCE_RE.match(reference)
    return f"{match.group('rule') or rule_id}:{match.group('set')}"


def _without_overlaps(matches: list[Match]) -> list[Match]:
    kept: list[Match] = []
    for match in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept


class PatternIndex:
    """All pattern sets of all rules, compiled once; call it on a Doc to get its ``FoundSets``."""

    def __init__(self, rules: list[Rule], *, fast: bool = True) -> None:
        """``fast=False`` gives every token pattern to spaCy's Matcher: the reference that the token matcher
        is tested against."""
        nlp = get_pipeline()
        self.fast = fast
        self.specs: dict[str, PatternSet] = {}
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.token_matcher = TokenMatcher(nlp.vocab)
        self.matcher = Matcher(nlp.vocab, validate=False)  # what the token matcher does not take
        self.regexes: list[tuple[str, str, regex.Pattern[str]]] = []
        for rule in rules:
            for name, spec in rule.patterns.items():
                key = f"{rule.id}:{name}"
                self.specs[key] = spec
                if spec.phrases:
                    self.phrase_matcher.add(key, [make_pattern_doc(phrase) for phrase in spec.phrases])
                self._add_token_patterns(rule, key, spec)
                for index, expression in enumerate(spec.regex):
                    where = f"{rule.file}: patterns.{spec.name}.regex[{index}]"
                    self.regexes.append((key, where, regex.compile(expression, regex.IGNORECASE)))

    def _add_token_patterns(self, rule: Rule, key: str, spec: PatternSet) -> None:
        """Validated as spaCy's Matcher validates them; then to the token matcher, or to spaCy's Matcher
        when the token matcher does not read them."""
        patterns = [[_as_lemmatized(token) for token in pattern] for pattern in spec.tokens]
        problems = {index: validate_token_pattern(pattern) for index, pattern in enumerate(patterns)}
        if any(problems.values()):
            error = MatchPatternError(key, problems)
            raise RuleFileError(f"{rule.file}: patterns.{spec.name}.tokens: {_matcher_problem(error)}")
        for pattern in patterns:
            try:
                if not self.fast:
                    raise Unsupported("the reference")
                self.token_matcher.add(key, pattern)
            except Unsupported:
                try:
                    self.matcher.add(key, [pattern])
                except (ValueError, KeyError, TypeError, re.error) as error:
                    raise RuleFileError(f"{rule.file}: patterns.{spec.name}.tokens: {_matcher_problem(error)}") from None

    def find(self, doc: Doc) -> FoundSets:
        sentences = sentence_table(doc)
        token_sentence = [0] * (len(doc) + 1)
        for sentence in sentences:
            for position in range(sentence.start_token, sentence.end_token):
                token_sentence[position] = sentence.index
        base: dict[str, list[Match]] = {}
        strings = doc.vocab.strings
        offsets: list[int] = []
        ends: list[int] = []
        if len(doc):
            starts, lengths = doc.to_array([IDX, LENGTH]).T
            offsets, ends = starts.tolist(), (starts + lengths).tolist()

        def match(start: int, end: int) -> Match:
            return Match(offsets[start], ends[end - 1], start, end, token_sentence[start])

        view, positions = matching_view(doc)
        found = [*self.phrase_matcher(view), *self.token_matcher(view),
                 *(self.matcher(view) if len(self.matcher) else ())] if len(doc) else []
        for match_id, start, end in found:
            if positions is not None:
                start, end = positions[start], positions[end - 1] + 1
            base.setdefault(strings[match_id], []).append(match(start, end))
        text = doc_text(doc)
        for key, where, pattern in self.regexes:
            for found in _finditer_bounded(pattern, text, where):
                span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
                if span is not None and len(span):
                    base.setdefault(key, []).append(match(span.start, span.end))
        return FoundSets(doc, sentences, token_sentence, base, self.specs)


def matching_view(doc: Doc) -> tuple[Doc, list[int] | None]:
    """The draft as phrases and token patterns read it: a space token inside a sentence (the break of a
    hard-wrapped line, a double space) is left out, so "assume we⏎are done" matches "assume we are done".
    A paragraph break and a break between sentences stay. Returns the view and, for each of its tokens, the
    token's position in ``doc``; (``doc``, None) when nothing is left out. The sentence component lists
    those space tokens (``parse.SOFT_SPACES``) as it splits sentences."""
    inside = set(doc.user_data.get(SOFT_SPACES, ()))
    if not inside:
        return doc, None
    kept = [index for index in range(len(doc)) if index not in inside]
    strings = doc.vocab.strings
    orths = doc.to_array(ORTH).tolist()
    view = Doc(doc.vocab, words=[strings[orths[index]] for index in kept])
    view.from_array(_VIEW_ATTRS, doc.to_array(_VIEW_ATTRS)[kept])
    return view, kept


_VIEW_ATTRS = [NORM, LEMMA, TAG, SENT_START]  # what the pipeline sets on a token; the rest is the word's own


def _as_lemmatized(token: dict) -> dict:
    """A rule writes `LEMMA: {IN: [meeting, pricing]}`; the lookup lemmatizer (no part of speech) reads the
    noun "meeting" as the verb "meet". Match each listed word under the lemma the lookup gives it too."""
    lemma = token.get("LEMMA")
    if isinstance(lemma, str):
        words = sorted({lemma, lookup_lemma(lemma)})
        return {**token, "LEMMA": {"IN": words}} if len(words) > 1 else token
    if isinstance(lemma, dict) and isinstance(lemma.get("IN"), list):
        words = lemma["IN"]
        return {**token, "LEMMA": {**lemma, "IN": sorted({*map(str, words), *(lookup_lemma(str(w)) for w in words)})}}
    return token


REGEX_TIMEOUT = 1.0  # seconds one rule expression may spend on one draft


def _finditer_bounded(pattern, text: str, where: str):
    """Rule expressions run under a timeout: a slow one is reported, never a hang."""
    try:
        return list(pattern.finditer(text, timeout=REGEX_TIMEOUT))
    except TimeoutError:
        raise RuleFileError(f"{where}: took over {REGEX_TIMEOUT:g} s on one draft; rewrite the expression") from None


def _matcher_problem(error: Exception) -> str:
    """spaCy explains a bad pattern over several lines; keep the first specific one."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    details = [line.lstrip("- ") for line in lines if line.startswith("- [")]
    return details[0] if details else (lines[0] if lines else type(error).__name__)
