"""Extraction per format: what is read as the sender's text, and that every piece maps back to the file."""

from __future__ import annotations

import base64
import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
import yaml

from followup_lint.api import lint_text
from followup_lint.extract import extract_draft, extract_drafts
from followup_lint.formats.quoted import parse_mail_date
from followup_lint.read import Source, read_path
from followup_lint.textmap import TextMap

REPLIES = [case for name in ("cases.yaml", "written-blind.yaml")
           for case in yaml.safe_load((Path(__file__).parent / "inputs" / "replies" / name).read_text(encoding="utf-8"))]


def draft_of(text: str, path: str = "draft.txt", metadata=None):
    return extract_draft(Source(path, text), metadata)


def spans(text: str, path: str, **options):
    report = lint_text(text, path, **options)
    return {(f.rule, text[f.start:f.end]) for f in report.findings}


# -- replies ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", REPLIES, ids=[case["name"] for case in REPLIES])
def test_only_the_senders_own_lines_are_kept(case):
    body = draft_of(case["text"]).body
    assert [line.strip() for line in body.splitlines() if line.strip()] == \
        [line.strip() for line in case["own"].splitlines() if line.strip()]


@pytest.mark.parametrize(("text", "expected"), [
    ("On Tue, Nov 10, 2026 at 9:14 AM Kevin Li <k@acme.example> wrote:", dt.datetime(2026, 11, 10, 9, 14)),
    ("Sent: Tuesday, November 10, 2026 9:14 PM", dt.datetime(2026, 11, 10, 21, 14)),
    ("Date: Mon, Nov 9, 2026 at 3:10 PM", dt.datetime(2026, 11, 9, 15, 10)),
    ("Le mar. 10 nov. 2026 à 09:14, Kevin <k@acme.example> a écrit :", dt.datetime(2026, 11, 10, 9, 14)),
    ("Am 10.11.2026 um 09:14 schrieb Kevin:", dt.datetime(2026, 11, 10, 9, 14)),
    ("sometime last week", None),
])
def test_mail_dates(text, expected):
    found = parse_mail_date(text.split(":", 1)[1] if text.startswith(("Sent:", "Date:")) else text)
    assert (found.replace(tzinfo=None) if found else None) == expected


def test_last_contact_is_the_newest_quoted_message_and_never_overrides_given_metadata():
    text = ("Hi Jo, here is the checklist: https://fleetco.example/list\n\n"
            "On Wed, Nov 11, 2026 at 8:00 AM Jo <jo@x.example> wrote:\n> Thanks.\n>\n"
            "> On Mon, Nov 2, 2026 at 9:00 AM Maria <m@y.example> wrote:\n>> First touch.\n")
    assert draft_of(text).metadata["last_contact"] == dt.datetime(2026, 11, 11, 8, 0)
    assert draft_of(text, metadata={"last_contact": "2026-11-01"}).metadata["last_contact"] == "2026-11-01"


# -- HTML ---------------------------------------------------------------------------------------------------

NUDGE_HTML = """<html><head><title>Pilot</title><style>.x{{color:red}}</style><script>var a = "Just checking in";</script></head>
<body><div style="display:none">Touching base!!!</div><span hidden>circling back</span>
<div style="mso-hide:all;max-height:0;overflow:hidden">any update?</div>
<div>Hi Kevin,</div><div><br></div>
<div>Just checking in on the pilot. {link}</div>
<img src="https://t.example/o.gif" width="1" height="1">
</body></html>"""


def test_html_hidden_elements_and_head_are_not_read():
    draft = draft_of(NUDGE_HTML.format(link=""), "mail.html")
    assert draft.body == "Hi Kevin,\n\nJust checking in on the pilot."
    assert draft.subject == "Pilot"


@pytest.mark.parametrize(("link", "is_resource"), [
    ('Here is the <a href="https://fleetco.example/pilot-results">results deck</a>.', True),
    ('<a href="https://t.example/c/1"><img src="https://t.example/p.gif" width="1" height="1"></a>', False),
    ('<a href="https://t.example/c/1" style="display:none">results</a>', False),
    ('<a href="mailto:maria@fleetco.example">write to me</a>', False),
    ('<a href="https://fleetco.example/x"><img src="banner.png" width="600" alt="Download the guide"></a>', True),
])
def test_a_link_is_a_resource_for_no_value_but_a_tracking_pixel_is_not(link, is_resource):
    text = NUDGE_HTML.format(link=link)
    rules = {rule for rule, _ in spans(text, "mail.html", select=["no-value"])}
    assert ("no-value" not in rules) is is_resource


def test_html_spans_map_into_the_source_across_tags_and_entities():
    text = "<p>Hi Kevin,</p>\r\n<p>Just <b>checking</b>&nbsp;in &amp; <i>any update</i>?</p>\r\n"
    draft = draft_of(text, "mail.html")
    assert draft.body == "Hi Kevin,\n\nJust checking in & any update?"
    found = spans(text, "mail.html", select=["no-value", "lazy-question"])
    assert ("no-value", "Just <b>checking</b>&nbsp;in") in found
    assert ("lazy-question", "any update") in found


def test_html_blocks_lines_lists_and_whitespace():
    text = "<div>One\n   two</div><div>three<br>four<br><br>five</div><p>six</p><ol><li>a</li><li>b</li></ol>"
    assert draft_of(text, "x.html").body == "One two\nthree\nfour\n\nfive\n\nsix\n\n1. a\n2. b"


def test_html_quotes_and_signatures_are_not_judged():
    text = ('<div>Here is the case study: <a href="https://fleetco.example/cs">Harlow</a></div>'
            '<div class="gmail_signature">Just checking in, the leading provider</div>'
            '<div class="gmail_quote">On Tue, Nov 10, 2026 at 9:14 AM Kevin &lt;k@x.example&gt; wrote:<br>'
            '<blockquote>Any update? Touching base.</blockquote></div>')
    draft = draft_of(text, "reply.html")
    assert draft.body == "Here is the case study: Harlow <https://fleetco.example>"
    assert "Just checking in" in draft.signature
    assert draft.metadata["last_contact"] == dt.datetime(2026, 11, 10, 9, 14)


def test_html_is_sniffed_on_standard_input_and_in_templates():
    assert draft_of("<html><body><p>Hi <b>Jo</b></p></body></html>", None).body == "Hi Jo"
    assert draft_of("<p>Hi {{first_name}}</p>", "welcome.html.j2").format == "html"


# -- Markdown -----------------------------------------------------------------------------------------------

def test_markdown_markup_keeps_sentences_and_spans():
    text = textwrap.dedent("""\
        ---
        touch: 2
        ---
        # Pilot results

        Hi {{first_name}}, **just _checking_ in** on the pilot. Is `Tuesday` good?

        ```
        any update?
        ```
        * one thing
        * another thing
        """)
    draft = draft_of(text, "note.md")
    assert draft.metadata["touch"] == 2
    assert draft.body == ("Pilot results\n\nHi {{first_name}}, just checking in on the pilot. Is Tuesday good?\n\n"
                          "* one thing\n* another thing")
    found = spans(text, "note.md", select=["no-value"])
    assert found == {("no-value", "just _checking_ in")}


def test_markdown_links_are_text_plus_a_resource_marker():
    text = "Just checking in: here is [the deck](https://fleetco.example/deck \"Deck\"), and ![logo](logo.png).\n"
    draft = draft_of(text, "note.md")
    assert draft.body == "Just checking in: here is the deck <https://fleetco.example>, and ."
    assert spans(text, "note.md", select=["no-value"]) == set()
    plain = "Just checking in, [First Name]. Here is **nothing** new.\n"
    assert spans(plain, "note.md", select=["no-value"]) == {("no-value", "Just checking in")}


# -- saved messages written blind -----------------------------------------------------------------------------
# 24 .eml files as mail clients save them (Outlook, Gmail, Apple Mail, Thunderbird, mobile clients, CRM
# sends; quoted-printable, base64, 8-bit Latin-1 and Windows-1252, HTML only, attachments, forwards, inline
# answers), by an author who had not read this code, with the text the sender wrote.

EML_BLIND = Path(__file__).parent / "inputs" / "eml-blind"
EML_CASES = yaml.safe_load((EML_BLIND / "expected.yaml").read_text(encoding="utf-8"))


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("case", EML_CASES, ids=[case["file"] for case in EML_CASES])
def test_a_saved_message_keeps_the_senders_text_and_nothing_else(case):
    draft = extract_draft(read_path(str(EML_BLIND / case["file"])))
    body = _flat(re.sub(r" <(?:https?://|mailto:)[^>]*>", "", draft.body))  # a link's address follows its text
    own = [_flat(line) for line in case["own"].splitlines() if line.strip()]
    assert [line for line in own if line not in body] == []
    rest = body
    for line in own:
        rest = rest.replace(line, " ")
    assert not re.search(r"[^\W\d_]", rest), rest[:300]  # what is left: list markers and numbers, no words
    assert draft.subject == case["subject"]


# -- templates ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "text", "bodies"), [
    ("t.j2", "Hi.\n{% if a %}\nA here.\n{% elif b %}\nB here.\n{% else %}\nC here.\n{% endif %}\nBye.",
     ["Hi.\nA here.\nBye.", "Hi.\nB here.\nBye.", "Hi.\nC here.\nBye."]),
    ("t.hbs", "Hi {{name}}, {{#if deck}}here is the deck{{else}}just checking in{{/if}}. Bye.",
     ["Hi {{name}}, here is the deck. Bye.", "Hi {{name}}, just checking in. Bye."]),
    ("t.mustache", "Hi.{{#deck}} Deck.{{/deck}}{{^deck}} Nothing.{{/deck}} Bye.",
     ["Hi. Deck. Bye.", "Hi. Nothing. Bye."]),
    ("t.liquid", "Hi.{% if vip %} VIP.{% endif %} Bye.{# note #}", ["Hi. VIP. Bye.", "Hi. Bye."]),
    ("t.blade.php", "Hi.\n@if($deck)\nDeck.\n@else\nNothing.\n@endif\nBye.", ["Hi.\nDeck.\nBye.", "Hi.\nNothing.\nBye."]),
    ("t.j2", "A {% if x %}B {% if y %}C {% endif %}{% else %}D {% endif %}E",
     ["A B C E", "A D E"]),
    ("t.hbs", "Hi {{first_name}},\n{{#each items}}\n- {{this}}\n{{/each}}\nThanks for reading.",
     ["Hi {{first_name}},\n- {{this}}\nThanks for reading."]),
    ("t.hbs", "{{#if name}}Hi {{name}},{{else if team}}Hi {{team}} team,{{else}}Hello,{{/if}} Bye.",
     ["Hi {{name}}, Bye.", "Hi {{team}} team, Bye.", "Hello, Bye."]),
    ("t.txt", "---\ntemplate: true\n---\n*|IF:FNAME|*Hi *|FNAME|*,*|ELSE:|*Hi there,*|END:IF|* Deck.*|IF:DEAL|* Renewal.*|END:IF|*",
     ["Hi *|FNAME|*, Deck. Renewal.", "Hi there, Deck."]),
])
def test_each_branch_is_a_draft_without_control_tags(path, text, bodies):
    assert [draft.body for draft in extract_drafts(Source(path, text))] == bodies


def test_branch_findings_are_merged_once_per_file_and_point_at_the_source():
    text = "Hi {{name}},\n{% if deck %}\nHere is the deck: {{deck_link}}\n{% else %}\nJust checking in.\n{% endif %}\n"
    report = lint_text(text, "t.j2", select=["no-value"])
    assert [(f.rule, f.line, f.column, text[f.start:f.end]) for f in report.findings] == \
        [("no-value", 5, 1, "Just checking in")]
    both = lint_text("{% if a %}Just checking in.{% else %}Just checking in!{% endif %}", "t.j2", select=["no-value"])
    assert len(both.findings) == 2  # different places in the file: both kept
    same = lint_text("Just checking in.{% if a %} Yes.{% endif %}", "t.j2", select=["no-value"])
    assert len(same.findings) == 1  # the same span from two drafts: once


# -- .eml ---------------------------------------------------------------------------------------------------

EML_HEAD = ("From: Maria <maria@fleetco.example>\nTo: Kevin <kevin@acme.example>\n"
            "Subject: {subject}\nDate: Thu, 19 Nov 2026 10:02:41 +0000\nMIME-Version: 1.0\n")


def test_base64_body_points_at_its_first_line_and_says_so():
    body = base64.encodebytes("Hi Kevin,\n\nJust checking in on the pilot.\n".encode()).decode()
    text = EML_HEAD.format(subject="Pilot") + ("Content-Type: text/plain; charset=utf-8\n"
                                               "Content-Transfer-Encoding: base64\n\n" + body)
    report = lint_text(text, "draft.eml", select=["no-value"])
    [finding] = report.findings
    assert (finding.line, finding.column) == (9, 1)  # the body's first line
    assert any("base64" in note for note in report.notes)
    assert draft_of(text, "draft.eml").metadata["reply"] is False


def test_encoded_and_folded_subjects():
    folded = EML_HEAD.format(subject="Just checking\n in") + "Content-Type: text/plain\n\nHi.\n"
    draft = draft_of(folded, "x.eml")
    assert draft.subject == "Just checking in"
    assert folded[slice(*draft.subject_map.span_to_source(0, len(draft.subject)))] == "Just checking\n in"
    encoded = EML_HEAD.format(subject="=?utf-8?q?Caf=C3=A9_pilot?=") + "Content-Type: text/plain\n\nHi.\n"
    draft = draft_of(encoded, "x.eml")
    assert draft.subject == "Café pilot"
    assert encoded[slice(*draft.subject_map.span_to_source(0, 4))] == "=?utf-8?q?Caf=C3=A9_pilot?="


def test_eml_charset_from_headers_and_in_reply_to():
    body = "Hi José, just checking in.\n".encode("latin-1")
    data = (EML_HEAD.format(subject="Re: Pilot") + "In-Reply-To: <a@b>\nContent-Type: text/plain; charset=iso-8859-1\n"
            "Content-Transfer-Encoding: 8bit\n\n").encode() + body
    from followup_lint.api import lint_bytes
    from followup_lint.read import decode

    report = lint_bytes(data, "x.eml", select=["no-value"])
    [finding] = report.findings
    assert (finding.line, finding.column, finding.end_column) == (10, 10, 26)
    draft = extract_draft(decode(data, "x.eml"))
    assert draft.metadata["reply"] is True and "José" in draft.body


def test_an_attachment_is_the_value_a_nudge_brings():
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "maria@fleetco.example", "kevin@acme.example", "Pilot"
    message.set_content("Hi Kevin,\n\nJust checking in on the pilot. Any thoughts?\n\nMaria\n")
    bare = message.as_string()
    message.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="pilot-results.pdf")
    carrying = message.as_string()

    assert "no-value" in {f.rule for f in lint_text(bare, "nudge.eml").findings}
    assert draft_of(carrying, "nudge.eml").metadata["attachments"] == ["pilot-results.pdf"]
    assert "no-value" not in {f.rule for f in lint_text(carrying, "nudge.eml").findings}
    front_matter = "---\nattachments: [pilot-results.pdf]\n---\nHi Kevin,\n\nJust checking in on the pilot.\n"
    assert "no-value" not in {f.rule for f in lint_text(front_matter, "nudge.txt").findings}
    assert "no-value" in {f.rule for f in lint_text(front_matter.split("---\n", 2)[2], "nudge.txt").findings}


# -- positions ----------------------------------------------------------------------------------------------

def test_textmap_through_chains_stages_and_knows_what_is_exact():
    source = "<p>Hi &amp; bye</p>"
    outer = TextMap()
    outer.copy(3, "Hi ")
    outer.insert("&", 6, 5)
    outer.copy(11, " bye")
    inner = TextMap.with_edits(outer.text, [(0, 3, "")])  # drop "Hi "
    chained = inner.through(outer)
    assert chained.text == "& bye"
    assert source[slice(*chained.span_to_source(0, 1))] == "&amp;"
    assert source[slice(*chained.span_to_source(2, 5))] == "bye"
    assert chained.is_exact(2, 5) and not chained.is_exact(0, 3)
