"""The matching fast paths (plain word sequences in PhraseMatchers, word-list conditions as lexeme flags)
find exactly what spaCy's Matcher finds with the patterns as written: every pattern set, on the corpus,
the rules' examples and drafts built to catch the cases where a fast path could go wrong (placeholders
named like listed words, capitals, template tags)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from followup_lint import lexical_flags
from followup_lint.matching import PatternIndex
from followup_lint.parse import get_pipeline, parse
from followup_lint.ruleset import load_rules, rule_from_data

CORPUS = Path(__file__).parent / "corpus"

# Words the rules list (as lemmas, lowercase words and capitals), placeholders named after them, and
# the layout that moves sentence starts.
PIECES = [
    "Hi Sam,", "\n\n", "\n", "I", "we", "you", "You", "Our", "new", "platform", "launched", "calls", "called",
    "meeting", "meetings", "Meeting", "demo", "email", "emailed", "voicemail", "follow", "up", "on", "my",
    "last", "note", "Thanks", "for", "the", "call", "Tuesday", "next", "week", "at", "10am", "?", ".", "!",
    "{{call}}", "{{ meeting }}", "{{case_study_link}}", "{{booking_link}}", "{{first_name}}", "[Name]",
    "{% if deal %}", "{% endif %}", "{{ __placeholder__ }}", "Would", "Thursday", "work", "calendar",
    "review", "reviewed", "feedback", "survey", "survey?", "WE", "Call", "CALL", "3", "slots", "left",
    "someone", "opened", "your", "email", "twice", "minutes", "ago", "I'll", "try", "you", "again",
]


def synthetic_drafts(count: int, seed: int = 11) -> list[str]:
    chooser = random.Random(seed)
    return [" ".join(chooser.choice(PIECES) for _ in range(chooser.randint(1, 60))) for _ in range(count)]


def drafts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*/*.txt"))]
    texts += [example.text for rule in load_rules() for example in (*rule.examples_bad, *rule.examples_good)]
    return texts + synthetic_drafts(1500)


def every_set(index: PatternIndex, doc) -> dict[str, list]:
    found = index.find(doc)
    return {key: [(m.start, m.end, m.sentence) for m in found.get(key)] for key in index.specs}


@pytest.fixture(scope="module")
def indexes():
    rules = load_rules()
    return PatternIndex(rules), PatternIndex(rules, fast=False)


def test_the_fast_paths_are_in_use(indexes):
    fast, reference = indexes
    flags = lexical_flags.flags_in(get_pipeline().vocab).values()
    assert {flag.attr for flag in flags} >= {"LOWER", "LEMMA"}
    assert len(fast.matcher) < len(reference.matcher)
    assert len(fast.word_matchers["LOWER"]) and len(fast.word_matchers["LEMMA"])
    assert not any(len(matcher) for matcher in reference.word_matchers.values())


def test_the_fast_paths_find_what_the_matcher_finds(indexes):
    flagged, reference = indexes
    texts = drafts()
    assert len(texts) > 1700
    different = []
    for text in texts:
        doc = parse(text)
        if every_set(flagged, doc) != every_set(reference, doc):
            different.append(text[:80])
    assert not different, different[:5]


def test_a_placeholder_named_like_a_listed_lemma_matches_by_its_name(indexes):
    """A merged placeholder's lemma is its name: "{{call}}" is the lemma "call", whatever its text."""
    flagged, reference = indexes
    calls = "no-next-step:call_verb"
    for text in ["Could we book a {{call}} next week?", "Happy to {{ meeting }} on Friday.", "{{call}}"]:
        doc = parse(text)
        assert every_set(flagged, doc)[calls] == every_set(reference, doc)[calls]
    assert every_set(flagged, parse("{{call}}"))[calls] == [(0, 8, 0)]
    assert every_set(flagged, parse("I will call you."))[calls] == [(7, 11, 0)]


def probe_rule(pattern: list[dict], number: int = 0):
    data = {"id": f"probe-{number}", "title": "A probe", "severity": "info", "category": "test", "message": "m",
            "rationale": "r", "patterns": {"odd": {"tokens": [pattern]}}, "detect": {"kind": "existence", "match": "odd"},
            "examples": {"bad": ["a", "b", "c", "d"], "good": ["e", "f", "g", "h"]}}
    return rule_from_data(data, f"probe-{number}.yaml")


def test_only_word_conditions_become_flags():
    import spacy

    vocab = spacy.blank("en").vocab
    pattern = [{"LOWER": {"IN": ["sam", "sami"]}, "NORM": {"IN": ["sam"]}}, {"LENGTH": {">=": 3}},
               {"TEXT": {"REGEX": "^Tue"}, "OP": "?"}, {"LOWER": {"FUZZY": "tuesday"}}]
    lexical_flags.reserve_flags([pattern], vocab)
    first, second, third, fourth = lexical_flags.with_flags(pattern, vocab)
    [flag] = [key for key in first if isinstance(key, int)]
    assert first == {flag: True, "NORM": {"IN": ["sam"]}}
    assert second == {"LENGTH": {">=": 3}} and fourth == {"LOWER": {"FUZZY": "tuesday"}}
    assert third["OP"] == "?" and "TEXT" not in third
    rules = [probe_rule(pattern)]
    doc = parse("Hi Sam see Tuesdy? Sami saw Tue Tuesday.")
    found = [(m.start, m.end) for m in PatternIndex(rules).find(doc).get("probe-0:odd")]
    assert found == [(m.start, m.end) for m in PatternIndex(rules, fast=False).find(doc).get("probe-0:odd")]
    assert found == [(3, 17)]  # "Sami" is in the LOWER list, not in the NORM one


def test_without_free_flags_conditions_stay_predicates():
    import spacy

    vocab = spacy.blank("en").vocab
    for bit in range(1, 64):
        vocab.lex_attr_getters.setdefault(bit, lambda word: False)
    pattern = [{"LOWER": {"IN": ["sam"]}}]
    lexical_flags.reserve_flags([pattern], vocab)
    assert lexical_flags.with_flags(pattern, vocab) == pattern


def test_user_patterns_take_the_same_fast_paths_and_find_the_same():
    patterns = [
        [{"LEMMA": "book"}, {"LEMMA": {"IN": ["call", "meeting"]}}],  # a lemma sequence: a PhraseMatcher
        [{"ORTH": {"IN": ["Sam", "Tuesday"]}}],
        [{"LOWER": {"NOT_IN": ["the", "a"]}, "IS_ALPHA": True}, {"LOWER": "call"}],
        [{"TEXT": {"REGEX": "^[A-Z]{2,}$"}}, {"OP": "?"}, {"LEMMA": {"IN": ["demo", "deck"]}}],
        [{"LEMMA": {"REGEX": "^meet"}, "TAG": {"NOT_IN": ["PLACEHOLDER"]}}],
    ]
    rules = [probe_rule(pattern, number) for number, pattern in enumerate(patterns)]
    fast, reference = PatternIndex(rules), PatternIndex(rules, fast=False)
    assert len(fast.word_matchers["LEMMA"]) == 1 and len(fast.matcher) < len(reference.matcher)
    found_any = 0
    for text in drafts()[:600] + ["Can we book a call with Sam on Tuesday? The ACME demo and the NASA deck.",
                                  "I booked meetings. We meet {{meeting}}. Book {{call}}."]:
        doc = parse(text)
        fast_sets, reference_sets = every_set(fast, doc), every_set(reference, doc)
        assert fast_sets == reference_sets, text[:80]
        found_any += sum(map(len, fast_sets.values()))
    assert found_any > 100

