"""The token matcher finds what spaCy's Matcher finds with the same patterns: every pattern set, on the
corpus, the rules' examples and drafts built to catch the cases where it could go wrong (placeholders
named like listed words, capitals, template tags, sentence starts); and random patterns with every
operator it takes, on random drafts."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from followup_lint.matching import PatternIndex
from followup_lint.parse import get_pipeline, parse
from followup_lint.token_matcher import TokenMatcher, Unsupported
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


def test_the_token_matcher_takes_every_built_in_pattern(indexes):
    fast, reference = indexes
    assert len(fast.matcher) == 0
    assert len(fast.token_matcher) == sum(len(spec.tokens) for spec in fast.specs.values()) > 80
    assert len(reference.token_matcher) == 0 and len(reference.matcher)


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


def test_user_patterns_find_the_same_whichever_matcher_takes_them():
    taken = [
        [{"LEMMA": "book"}, {"LEMMA": {"IN": ["call", "meeting"]}}],
        [{"ORTH": {"IN": ["Sam", "Tuesday"]}}],
        [{"LOWER": {"NOT_IN": ["the", "a"]}, "IS_ALPHA": True}, {"LOWER": "call"}],
        [{"TEXT": {"REGEX": "^[A-Z]{2,}$"}}, {"OP": "?"}, {"LEMMA": {"IN": ["demo", "deck"]}}],
        [{"LEMMA": {"REGEX": "^meet"}, "TAG": {"NOT_IN": ["PLACEHOLDER"]}}],
        [{"IS_SENT_START": False, "IS_TITLE": True}, {"IS_PUNCT": False, "OP": "{1,}"}, {"TEXT": "?"}],
    ]
    refused = [
        [{"LENGTH": {">=": 9}}],
        [{"LOWER": "the"}, {"LOWER": "call", "OP": "!"}],
        [{"LOWER": {"FUZZY": "tuesday"}}],
        [{"LOWER": "we", "OP": "?"}, {"LEMMA": "book"}],
    ]
    rules = [probe_rule(pattern, number) for number, pattern in enumerate(taken + refused)]
    fast, reference = PatternIndex(rules), PatternIndex(rules, fast=False)
    assert (len(fast.token_matcher), len(fast.matcher)) == (len(taken), len(refused))
    found_any = 0
    for text in drafts()[:600] + ["Can we book a call with Sam on Tuesday? The ACME demo and the NASA deck.",
                                  "I booked meetings. We meet {{meeting}}. Book {{call}}. Tuesdy? Sure Thing, OK?"]:
        doc = parse(text)
        fast_sets, reference_sets = every_set(fast, doc), every_set(reference, doc)
        assert fast_sets == reference_sets, text[:80]
        found_any += sum(map(len, fast_sets.values()))
    assert found_any > 100


CONDITIONS = [
    {}, {"LOWER": "you"}, {"LOWER": {"IN": ["i", "we", "the", "call"]}}, {"LOWER": {"NOT_IN": ["the", ".", "i"]}},
    {"ORTH": "I"}, {"TEXT": {"REGEX": "^[A-Z]"}}, {"LEMMA": {"IN": ["call", "meet", "follow"]}}, {"NORM": "will"},
    {"TAG": "PLACEHOLDER"}, {"TAG": {"IN": ["FIRST_PERSON", "SECOND_PERSON"]}}, {"IS_ALPHA": True},
    {"IS_PUNCT": True}, {"IS_PUNCT": False}, {"LIKE_NUM": True}, {"IS_SENT_START": True}, {"IS_SENT_START": False},
    {"IS_ALPHA": True, "LOWER": {"NOT_IN": ["you"]}},
]
OPERATORS = [None, None, None, "?", "*", "+", "{2}", "{0,2}", "{1,3}", "{2,}", "{,2}"]


def random_pattern(chooser: random.Random) -> list[dict]:
    pattern = [dict(chooser.choice(CONDITIONS[1:]))]  # a first token that is not optional nor any token
    for _ in range(chooser.randint(0, 3)):
        token = dict(chooser.choice(CONDITIONS))
        operator = chooser.choice(OPERATORS)
        if operator:
            token["OP"] = operator
        pattern.append(token)
    return pattern


def longest_at_each_start(matches) -> dict[tuple[int, int], int]:
    longest: dict[tuple[int, int], int] = {}
    for key, start, end in matches:
        longest[(key, start)] = max(end, longest.get((key, start), end))
    return longest


def test_random_patterns_end_where_spacy_s_longest_match_ends():
    """Every operator the token matcher takes, in random combinations, against spaCy's Matcher."""
    from spacy.matcher import Matcher

    chooser = random.Random(5)
    vocab = get_pipeline().vocab
    patterns = [random_pattern(chooser) for _ in range(400)]
    mine, spacy_matcher = TokenMatcher(vocab), Matcher(vocab)
    for number, pattern in enumerate(patterns):
        mine.add(f"random-{number}", pattern)
        spacy_matcher.add(f"random-{number}", [pattern])
    matched = 0
    for text in synthetic_drafts(300, seed=3):
        doc = parse(text)
        expected = longest_at_each_start(spacy_matcher(doc))
        assert longest_at_each_start(mine(doc)) == expected, text
        matched += len(expected)
    assert matched > 5000


@pytest.mark.parametrize("pattern", [[{"TAG": "FIRST_PERSON"}], [{"LOWER": {"IN": ["we", "i"]}}, {"LOWER": "call"}]])
def test_patterns_on_one_attribute(pattern):
    from spacy.matcher import Matcher

    mine, spacy_matcher = TokenMatcher(get_pipeline().vocab), Matcher(get_pipeline().vocab)
    mine.add("one", pattern)
    spacy_matcher.add("one", [pattern])
    doc = parse("We call. I call you, we said; I will call.")
    assert sorted(mine(doc)) == sorted(spacy_matcher(doc)) != []


@pytest.mark.parametrize("pattern", [
    [{"LOWER": "hi", "OP": "?"}], [{"LENGTH": 3}], [{"LOWER": {"IN": "abc"}}], [{"LOWER": {"IN": [1]}}],
    [{"_": {"person": "first"}}], [{"LOWER": "a", "OP": "!"}], [{"TEXT": {"REGEX": "("}}], [{"LOWER": "a"}, {"OP": "{3,1}"}],
])
def test_what_the_token_matcher_does_not_read_is_refused(pattern):
    with pytest.raises(Unsupported):
        TokenMatcher(get_pipeline().vocab).add("refused", pattern)


def test_unbounded_tokens_walk_each_run_once():
    """A user pattern with two `*` over a long draft: each run of tokens is walked once per start, not
    once per position reached (spaCy's Matcher, given the same, takes minutes on 20,000 words)."""
    from spacy.matcher import Matcher

    class CountingMatcher(TokenMatcher):
        checked = 0

        def _holds(self, checks, columns, position):
            CountingMatcher.checked += 1
            return super()._holds(checks, columns, position)

    pattern = [{"LOWER": "i"}, {"OP": "*"}, {"LOWER": "we"}, {"OP": "*"}, {"LOWER": "call"}]
    mine, spacy_matcher = CountingMatcher(get_pipeline().vocab), Matcher(get_pipeline().vocab)
    mine.add("stars", pattern)
    spacy_matcher.add("stars", [pattern])
    short = parse("i we we call we call")
    assert longest_at_each_start(mine(short)) == longest_at_each_start(spacy_matcher(short)) == {
        (short.vocab.strings["stars"], 0): 6}
    words = 3000
    doc = parse("i " + "we " * words + "call")
    CountingMatcher.checked = 0
    assert mine(doc) == [(doc.vocab.strings["stars"], 0, words + 2)]
    assert CountingMatcher.checked < 5 * words


def hard_wrapped(text: str, width: int) -> str:
    """The text with spaces turned into line breaks so that no line runs past ``width``, as a mail client or
    an editor wraps it: the same length, so every match keeps its offsets."""
    chars = list(text)
    line_start, last_space = 0, None
    for position, char in enumerate(chars):
        if char == "\n":
            line_start, last_space = position + 1, None
            continue
        if char == " ":
            last_space = position
        if position - line_start >= width and last_space is not None:
            chars[last_space] = "\n"
            line_start, last_space = last_space + 1, None
    return "".join(chars)


def sentence_bounds(doc) -> list[tuple[int, int]]:
    from followup_lint.matching import sentence_table

    return [(sentence.start, sentence.end) for sentence in sentence_table(doc)]


def test_a_hard_wrapped_draft_matches_what_it_matches_on_one_line(indexes):
    """A line break inside a sentence is a space to phrases and token patterns: "assume we⏎are done" is
    "assume we are done". Compared where wrapping leaves the sentences as they were."""
    index, _ = indexes
    compared, different = 0, []
    for path in sorted(CORPUS.glob("*/*.txt")):
        text = path.read_text(encoding="utf-8")
        wrapped = hard_wrapped(text, 60)
        doc, wrapped_doc = parse(text), parse(wrapped)
        if wrapped == text or sentence_bounds(doc) != sentence_bounds(wrapped_doc):
            continue
        compared += 1
        if every_set(index, wrapped_doc) != every_set(index, doc):
            different.append(path.name)
    assert compared > 150
    assert not different, different[:5]


@pytest.mark.parametrize("gap", ["\n", " \n", "\r\n", "  ", "\t", " \n  "])
def test_a_phrase_split_by_a_line_break_or_extra_space_is_found_where_it_is(indexes, gap):
    index, _ = indexes
    text = f"Hi Sam, no word back on the quote, so I assume we{gap}are done here."
    found = index.find(parse(text)).get("premature-breakup:breakup")
    assert [text[m.start:m.end] for m in found] == [f"assume we{gap}are done"]


@pytest.mark.parametrize("gap", ["\n\n", "\n \n"])
def test_a_phrase_does_not_run_across_a_paragraph_break(indexes, gap):
    index, _ = indexes
    found = index.find(parse(f"Hi Sam, no word back on the quote, so I assume we{gap}are done here.")).get(
        "premature-breakup:breakup")
    assert found == []


def test_a_rule_fires_on_a_hard_wrapped_draft_as_on_one_line():
    from followup_lint.api import lint_text

    one_line = "Hi Sam,\n\nNo word back on the quote, so I assume we are done here.\n"
    wrapped = one_line.replace("we are", "we\nare")
    findings = [[(f.rule, f.line, f.column, f.end_line) for f in lint_text(text).findings if f.rule == "premature-breakup"]
                for text in (one_line, wrapped)]
    assert findings == [[("premature-breakup", 3, 33, 3)], [("premature-breakup", 3, 33, 4)]]
