"""Placeholders are names, not words; every finding points at the right place in the original file."""

from __future__ import annotations

import pytest

from followup_lint.api import lint_text
from followup_lint.parse import parse

STYLES = [
    ("{{first_name}}", "first_name"),
    ("{{ $lead->firstname ?? '' }}", "firstname"),
    ("{first_name}", "first_name"),
    ("[First Name]", "first_name"),
    ("[Your Name]", "your_name"),
    ("<<Company>>", "company"),
    ("%FIRSTNAME%", "firstname"),
    ("{{Sender BookMe Text}}", "sender_bookme_text"),
    ("*|FNAME|*", "fname"),  # Mailchimp
    ("{!Contact.FirstName}", "contact_first_name"),  # Salesforce
    ("%%first_name%%", "first_name"),  # Pardot
    ("{{lead.First Name:default=there}}", "lead_first_name"),  # Marketo, with its default
]


@pytest.mark.parametrize(("placeholder", "name"), STYLES)
def test_each_style_is_one_named_token_and_not_a_pronoun(placeholder, name):
    doc = parse(f"Hi {placeholder}, would you like the report? I can send it on Monday.")
    [token] = [t for t in doc if t._.placeholder]
    assert token.text == placeholder and token._.placeholder == name
    assert token._.person == ""
    assert len(list(doc.sents)) == 2  # `?` or `.` inside a placeholder never ends a sentence
    assert sum(1 for t in doc if t._.person == "first") == 1


def test_placeholders_are_not_pronouns_or_pitch_in_findings():
    # Placeholders whose raw text contains "I", "we", "our" must not count as first person.
    text = "Hi [Your Name],\n\n{{ our_team }} and [I Agree] met {{we}} at the event. You asked for the deck, so here it is.\n"
    report = lint_text(text, select=["me-me-me"])
    assert report.findings == []
    assert report.metrics["first_person"] == 0


def test_every_style_together_does_not_crash_and_each_is_flagged_unfilled_in_a_draft():
    text = "Hi " + ", ".join(p for p, _ in STYLES) + ". Does Tuesday at 10 work?\n"
    report = lint_text(text, select=["unfilled-placeholder"])
    assert [text[f.start:f.end] for f in report.findings] == [p for p, _ in STYLES]


def test_template_files_expect_placeholders():
    text = "Hi {{first_name}}, here is the {{report_link}}. Does Tuesday at 10 work?\n"
    assert lint_text(text, path="welcome.j2", select=["unfilled-placeholder"]).findings == []
    broken = lint_text("Hi {{ first_name }, thanks.\nSee you {% if x %}soon.\n", path="welcome.j2",
                       select=["unfilled-placeholder"])
    [finding] = broken.findings
    assert finding.severity == "error" and finding.line == 1 and finding.column == 4


def test_spans_map_through_front_matter_subject_crlf_and_quotes():
    text = (
        "---\r\ntouch: 2\r\n---\r\n"
        "Subject: Following up\r\n"
        "Hi Kevin,\r\n\r\n"
        "> old quoted line\r\n"
        "Just checking in on the proposal.\r\n\r\n"
        "Thanks,\r\nMaria\r\n"
    )
    report = lint_text(text)
    by_rule = {f.rule: f for f in report.findings}
    nudge = by_rule["no-value"]
    assert text[nudge.start:nudge.end] == "Just checking in"
    assert (nudge.line, nudge.column, nudge.end_line, nudge.end_column) == (8, 1, 8, 17)
    subject = by_rule["subject-line"]
    assert text[subject.start:subject.end] == "Following up"
    assert (subject.line, subject.column) == (4, 10)


def test_quoted_text_and_signature_are_not_judged():
    text = (
        "Hi Kevin,\n\nHere is the revised quote you asked for. Does Tuesday at 10 work?\n\n"
        "Best,\nMaria Lopez\nThe leading, award-winning, best-in-class fleet provider\n\n"
        "On Tue, Nov 10, 2026 at 9:14 AM Kevin <k@x.com> wrote:\n> Just checking in. Any update? Any update?\n"
    )
    report = lint_text(text)
    assert report.findings == []
    assert report.metrics["words"] == 13  # the greeting line is not counted


def test_a_slot_left_by_suggest_is_an_unfilled_placeholder():
    text = "Hi Jo, [[idea: one sentence that helps]]. Does Tuesday at 10 work?\n"
    [finding] = lint_text(text, select=["unfilled-placeholder"]).findings
    assert text[finding.start:finding.end] == "[[idea: one sentence that helps]]"


def test_finding_placeholders_from_opening_characters_finds_what_a_full_scan_finds():
    """find_placeholders tries the expression only where a placeholder can open; a plain scan of the whole
    text must find the same, on text dense with delimiters."""
    import random

    from followup_lint.placeholders import PLACEHOLDER_RE, find_placeholders, placeholder_name

    pieces = [*"{}[]<>%$@#!-=/~^ abcAZ_:.|'*\n", "{{", "}}", "{%", "%}", "<<", ">>", "[[", "]]", "if", "endif",
              "${", "<%=", "{{!--", "--}}", "{#", "#}", "first_name", "Your Name", "*|", "|*", "{!", "%%", "IF:",
              "END:IF", "FNAME"]
    chooser = random.Random(2)
    found = 0
    for _ in range(20_000):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 40)))
        scanned = [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)
                   if not m.lastgroup.startswith("variable") or placeholder_name(m.group())]
        assert [(p.start, p.end) for p in find_placeholders(text)] == scanned, text
        found += len(scanned)
    assert found > 5000


def test_mailchimp_conditional_merge_tags_are_template_tags_not_words():
    text = "*|IF:FNAME|*Hi *|FNAME|*,*|ELSE:|*Hi there,*|END:IF|*\n\nThe Q3 report is attached. Does Friday work?\n"
    doc = parse(text)
    tags = [t.text for t in doc if t._.template_tag]
    assert tags == ["*|IF:FNAME|*", "*|ELSE:|*", "*|END:IF|*"]
    assert [t._.placeholder for t in doc if t._.placeholder] == ["fname"]


@pytest.mark.parametrize(("text", "names", "words"), [
    ("Hi {{first_name}},{{company}} asked for the report.", ["first_name", "company"], ["Hi", "asked"]),
    ("{{#if name}}Hi {{name}}{{else}}Hello{{/if}}, the report is in.", ["name"], ["Hi", "Hello", "the"]),
    ("Call me at 3pm<<SIGNATURE>>Thanks", ["signature"], ["3", "pm", "Thanks"]),
])
def test_a_placeholder_touching_other_text_is_still_one_token(text, names, words):
    doc = parse(text)
    assert doc.text == text
    assert [t._.placeholder for t in doc if t._.placeholder] == names
    assert set(words) <= {t.text for t in doc if not t._.placeholder and not t._.template_tag}


def test_findings_after_touching_placeholders_point_at_the_right_text():
    text = "Hi {{first_name}},{{company}} asked for pricing.\n\nI just wanted to check: does Friday at 10 work?\n"
    [filler] = lint_text(text, select=["filler"]).findings
    assert (filler.start, filler.end, filler.line, filler.column) == (text.index("just"), text.index("just") + 4, 3, 3)
