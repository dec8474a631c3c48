"""Find every rule's pattern sets in a parsed draft, in one pass of one Matcher and one PhraseMatcher.

Phrases match on spaCy's NORM attribute (lowercase, contractions expanded, curly apostrophes folded),
so "I’ll call" in a rule matches "I will call" and "i'll call" in a draft. Token patterns are spaCy
Matcher patterns. Derived sets narrow or combine others by sentence.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import regex
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, ORTH, TAG
from spacy.errors import MatchPatternError
from spacy.matcher import Matcher, PhraseMatcher
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc

from .lexical_flags import correct_placeholders, reserve_flags, with_flags
from .parse import SENTENCE_STARTS, doc_text, get_pipeline, lookup_lemma, make_pattern_doc
from .token_facts import PLACEHOLDER_TAG, counts_as_word, placeholder_positions
from .ruleset import SET_REFERENCE_RE, PatternSet, Rule, RuleFileError


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


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    start_token: int
    end_token: int
    sentence: int


def is_word(token) -> bool:
    return counts_as_word(token.text, token.tag_, token.is_punct, token.is_space)


GREETING_WORDS = frozenset({"hi", "hello", "hey", "dear", "morning", "afternoon", "evening", "greetings", "hiya",
                            "howdy", "good", "yo", "hallo", "bonjour", "hola", "g'day"})


def sentence_spans(doc: Doc):
    starts = doc.user_data.get(SENTENCE_STARTS)
    if starts is None:
        return [(span.start, span.end) for span in doc.sents]
    if len(doc) and (not starts or starts[0] != 0):  # leading space before the first start: every token in one
        starts = [0, *starts]
    return list(zip(starts, [*starts[1:], len(doc)]))


def sentence_table(doc: Doc) -> list[Sentence]:
    if not len(doc):
        return []
    space, punct, tags, orths, offsets = doc.to_array([IS_SPACE, IS_PUNCT, TAG, ORTH, IDX]).T.tolist()
    strings = doc.vocab.strings
    texts = [strings[orth] for orth in orths]
    placeholder = strings.add(PLACEHOLDER_TAG)
    tag_names = {tag: strings[tag] for tag in set(tags)}
    words = [counts_as_word(text, tag_names[tag], is_punct, is_space)
             for tag, is_punct, is_space, text in zip(tags, punct, space, texts)]
    table: list[Sentence] = []
    for first, last in sentence_spans(doc):
        tokens = [i for i in range(first, last) if not space[i]]
        if not tokens:
            continue
        count = sum(words[i] for i in tokens)
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
            matches = [self._whole(s) for s in self.sentences if s.is_content]
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

    def _sentence_passes(self, sentence: Sentence, condition: str) -> bool:
        content = [s for s in self.sentences if s.is_content]
        if condition == "question":
            return sentence.is_question
        if condition == "statement":
            return not sentence.is_question
        if condition == "first":
            return bool(content) and sentence.index == content[0].index
        if condition == "last":
            return bool(content) and sentence.index == content[-1].index
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
        """``fast=False`` gives every token pattern to spaCy's Matcher as written: the reference that the
        fast paths (word sequences in PhraseMatchers, word lists as lexeme flags) are tested against."""
        nlp = get_pipeline()
        self.fast = fast
        self.specs: dict[str, PatternSet] = {}
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        # Token patterns that are plain word sequences run in PhraseMatchers on LOWER / ORTH / LEMMA
        # instead: the Matcher's cost grows with its number of patterns, a PhraseMatcher's barely does.
        self.word_matchers = {attr: PhraseMatcher(nlp.vocab, attr=attr) for attr in WORD_SEQUENCE_ATTRS}
        self.matcher = Matcher(nlp.vocab, validate=False)  # patterns are validated before their flags
        self.regexes: list[tuple[str, str, regex.Pattern[str]]] = []
        token_patterns: dict[str, tuple[Rule, PatternSet, list]] = {}
        for rule in rules:
            for name, spec in rule.patterns.items():
                key = f"{rule.id}:{name}"
                self._add(rule, key, spec)
                matcher_patterns = self._matcher_patterns(rule, key, spec)
                if matcher_patterns:
                    token_patterns[key] = (rule, spec, matcher_patterns)
        if fast:
            reserve_flags([pattern for *_, patterns in token_patterns.values() for pattern in patterns], nlp.vocab)
        for key, (rule, spec, patterns) in token_patterns.items():
            try:
                self.matcher.add(key, [with_flags(pattern, nlp.vocab) if fast else pattern for pattern in patterns])
            except (ValueError, KeyError, TypeError) as error:
                raise RuleFileError(f"{rule.file}: patterns.{spec.name}.tokens: {_matcher_problem(error)}") from None

    def _add(self, rule: Rule, key: str, spec: PatternSet) -> None:
        self.specs[key] = spec
        if spec.phrases:
            self.phrase_matcher.add(key, [make_pattern_doc(phrase) for phrase in spec.phrases])
        for pattern in spec.tokens:
            plain = _word_sequence([_as_lemmatized(token) for token in pattern]) if self.fast else None
            if plain is not None:  # only plain strings: always a valid pattern, nothing to validate
                attr, words = plain
                self.word_matchers[attr].add(key, [_sequence_doc(self.matcher.vocab, attr, list(sequence))
                                                   for sequence in itertools.product(*words)])
        for index, expression in enumerate(spec.regex):
            where = f"{rule.file}: patterns.{spec.name}.regex[{index}]"
            self.regexes.append((key, where, regex.compile(expression, regex.IGNORECASE)))

    def _matcher_patterns(self, rule: Rule, key: str, spec: PatternSet) -> list[list[dict]]:
        """The set's token patterns for the Matcher (those that are not plain word sequences), validated
        as spaCy's Matcher validates them."""
        lemmatized = [[_as_lemmatized(token) for token in pattern] for pattern in spec.tokens]
        patterns = [pattern for pattern in lemmatized if not self.fast or _word_sequence(pattern) is None]
        problems = {index: validate_token_pattern(pattern) for index, pattern in enumerate(patterns)}
        if any(problems.values()):
            error = MatchPatternError(key, problems)
            raise RuleFileError(f"{rule.file}: patterns.{spec.name}.tokens: {_matcher_problem(error)}")
        return patterns

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
            correct_placeholders(doc, placeholder_positions(doc))
            starts, lengths = doc.to_array([IDX, LENGTH]).T
            offsets, ends = starts.tolist(), (starts + lengths).tolist()

        def match(start: int, end: int) -> Match:
            return Match(offsets[start], ends[end - 1], start, end, token_sentence[start])

        found = [*self.phrase_matcher(doc), *(match for matcher in self.word_matchers.values() if len(matcher)
                                              for match in matcher(doc)),
                 *(self.matcher(doc) if len(self.matcher) else ())] if len(doc) else []
        for match_id, start, end in found:
            base.setdefault(strings[match_id], []).append(match(start, end))
        text = doc_text(doc)
        for key, where, pattern in self.regexes:
            for found in _finditer_bounded(pattern, text, where):
                span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
                if span is not None and len(span):
                    base.setdefault(key, []).append(match(span.start, span.end))
        return FoundSets(doc, sentences, token_sentence, base, self.specs)


WORD_SEQUENCE_ATTRS = ("LOWER", "ORTH", "LEMMA")
_WORD_ATTRS = {"LOWER": "LOWER", "ORTH": "ORTH", "TEXT": "ORTH", "LEMMA": "LEMMA"}
MAX_WORD_SEQUENCES = 2000  # phrases one token pattern may expand to; a larger product stays in the Matcher


def _word_sequence(pattern: list) -> tuple[str, list[list[str]]] | None:
    """(attribute, the words allowed at each position) when a token pattern only says "this word, or one of
    these words" at every position, all on one of LOWER, ORTH (TEXT) or LEMMA, with no operator: exactly
    what a PhraseMatcher on that attribute finds. None for anything else."""
    attr = None
    words: list[list[str]] = []
    for token in pattern:
        if not isinstance(token, dict) or len(token) != 1:
            return None
        (name, value), = token.items()
        this = _WORD_ATTRS.get(name)
        if this is None or (attr is not None and this != attr):
            return None
        attr = this
        if isinstance(value, str):
            allowed = [value]
        elif isinstance(value, dict) and list(value) == ["IN"] and isinstance(value["IN"], list) \
                and all(isinstance(word, str) for word in value["IN"]):
            allowed = sorted(set(value["IN"]))
        else:
            return None
        # A phrase pattern is a Doc of one token per word: a word spaCy would hold differently (a LOWER
        # value that is not lowercase, an empty string) or could never be one token is left to the Matcher.
        if not allowed or any(not word or (attr == "LOWER" and word.lower() != word) or any(c.isspace() for c in word)
                              for word in allowed):
            return None
        words.append(allowed)
    if attr is None or not words:
        return None
    total = 1
    for allowed in words:
        total *= len(allowed)
    return (attr, words) if total <= MAX_WORD_SEQUENCES else None


def _sequence_doc(vocab, attr: str, words: list[str]) -> Doc:
    """A phrase pattern: one token per word, the words as the attribute's values."""
    spaces = [False] * len(words)
    if attr == "LEMMA":
        return Doc(vocab, words=words, spaces=spaces, lemmas=words)
    return Doc(vocab, words=words, spaces=spaces)


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
