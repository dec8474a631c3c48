"""A hard-wrapped draft (a mail client's 72 columns, an editor's fill) is read as the same draft on long
lines: its sign-off, sentences, pronouns and phrases stay what they were."""

from __future__ import annotations

import textwrap
from pathlib import Path

from followup_lint.api import lint_text
from followup_lint.matching import sentence_table
from followup_lint.parse import parse

CORPUS = Path(__file__).parent / "corpus"


def wrapped(text: str, width: int) -> str:
    """Each one-line paragraph longer than ``width`` filled to ``width`` columns, as a mail client does
    (words are not split; a Subject: header is not a paragraph)."""
    def fill(paragraph: str) -> str:
        if len(paragraph) <= width or "\n" in paragraph or paragraph.startswith("Subject:"):
            return paragraph
        return "\n".join(textwrap.wrap(paragraph, width, break_on_hyphens=False, break_long_words=False))

    return "\n\n".join(fill(paragraph) for paragraph in text.split("\n\n"))


def rules_fired(text: str) -> set[str]:
    return {finding.rule for finding in lint_text(text).findings}


def test_the_corpus_hard_wrapped_fires_the_rules_it_fires_on_long_lines():
    compared, different = 0, []
    for width in (60, 72):
        for path in sorted(CORPUS.glob("*/*.txt")):
            text = path.read_text(encoding="utf-8")
            if text.startswith("---") or wrapped(text, width) == text:
                continue  # front matter is YAML, not prose
            compared += 1
            changed = rules_fired(text) ^ rules_fired(wrapped(text, width))
            if changed:
                different.append(f"{width} {path.name} {sorted(changed)}")
    assert compared > 300
    # What still differs, in a few drafts: a capital after a comma at a line's end ("Okta," / "CrowdStrike",
    # read as it would be if a name signed off there).
    assert len(different) <= compared // 50, different


def test_a_wrapped_line_starting_with_a_sign_off_word_stays_in_the_body():
    text = ("Dear Ms. Harper,\n\nI write again because I did not receive your answer about the dinner. I am very "
            "happy if you consider us for your event, we will do our best.\n\nWaiting for your kind reply.\n\n"
            "Best regards,\nGiorgos Papadakis\n")
    text = text.replace("our best.", "our\nbest.")
    report = lint_text(text)
    assert report.metrics["words"] == lint_text(text.replace("our\nbest.", "our best.")).metrics["words"] == 34
    assert report.metrics["sentences"] == 3


def test_a_lowercase_sign_off_after_a_finished_sentence_is_still_a_sign_off():
    report = lint_text("Hi Sam,\n\nThe revised quote is attached. Does Tuesday at 10 work?\nthanks,\nDev\n")
    assert report.metrics["words"] == 10  # the greeting, "thanks," and "Dev" are not counted


def sentences_of(text: str) -> list[str]:
    return [" ".join(text[s.start:s.end].split()) for s in sentence_table(parse(text))]


def test_a_long_line_ending_in_a_comma_before_a_lowercase_word_is_wrapped():
    text = ("Hi Marcus,\nthe proposal covers the three sites, the service plan for both lines,\n"
            "and the training days we talked about on Tuesday.\n")
    assert sentences_of(text)[1:] == ["the proposal covers the three sites, the service plan for both lines, and "
                                      "the training days we talked about on Tuesday."]


def test_a_name_under_a_long_line_ending_in_a_comma_signs_off():
    text = "Thanks again for walking me through the line today and for the coffee,\nSarah\n"
    assert sentences_of(text) == ["Thanks again for walking me through the line today and for the coffee,", "Sarah"]


def test_a_short_greeting_line_ending_in_a_comma_is_its_own_sentence():
    assert sentences_of("Hi sam,\nthanks for the tour today.\n") == ["Hi sam,", "thanks for the tour today."]


def test_let_me_know_split_by_a_line_break_is_not_about_the_sender():
    one_line = "Hi Sam,\n\nHere are the two quotes you asked for. Let me know which one suits the depot.\n"
    split = one_line.replace("Let me know", "Let me\nknow")
    assert lint_text(split).metrics["first_person"] == lint_text(one_line).metrics["first_person"] == 0


def test_a_placeholder_broken_by_a_wrapped_line_is_one_placeholder():
    text = "Hi Priya,\n\nShould the order form go to you, or to someone else on the {{ company\n}} side?\n"
    report = lint_text(text, select=["unfilled-placeholder"])
    assert [text[f.start:f.end] for f in report.findings] == ["{{ company\n}}"]
    assert report.metrics["placeholders"] == 1


def test_a_paragraph_break_inside_braces_is_no_placeholder():
    assert lint_text("Hi Priya, the {{ company\n\n}} side.\n", select=["unfilled-placeholder"]).metrics["placeholders"] == 0
