"""Real-shaped input files: every finding, and where it points in the original file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpers import run_cli

from followup_lint.api import lint_paths
from followup_lint.extract import extract_drafts
from followup_lint.read import read_path

INPUTS = Path(__file__).parent / "inputs"

# (rule, "line:column-end_line:end_column", the source text the finding covers)
EXPECTED = {
    "thread-reply.eml": [  # quoted-printable body: positions survive =E2=80=99 escapes and soft line breaks
        ("filler", "17:1-17:5", "Just"),
        ("no-value", "17:1-17:17", "Just checking in"),
        ("no-permission", "17:1-17:64", "Just checking in on the Harlow pilot proposal I sent last week."),
        ("lazy-question", "17:65-18:10", "Did you get=\n a chance"),
        ("no-next-step", "18:25-18:72", "I=E2=80=99m happy to walk your team through it."),
    ],
    "outlook-reply.txt": [
        ("no-value", "5:1-5:14", "Touching base"),
        ("no-permission", "5:1-5:28", "Touching base on the quote."),
        ("no-next-step", "5:142-5:168", "Let me know your thoughts."),
    ],
    "sales-template.html": [  # spans in the HTML source; the hidden preheader and the pixels are not read
        ("subject-line", "5:10-5:25", "Quick follow-up"),
        ("unfilled-placeholder", "18:15-18:29", "{{first_name}}"),
        ("filler", "19:12-19:16", "Just"),
        ("no-value", "19:12-19:35", "Just circling&nbsp;back"),
        ("no-permission", "19:12-19:68", "Just circling&nbsp;back on my last email to {{company}}."),
        ("unfilled-placeholder", "19:56-19:67", "{{company}}"),
    ],
    "renewal-nudge.hbs": [  # the {{else}} branch nudges without value; the {{#if}} branch does not
        ("no-permission", "7:1-7:103",
         "Here is the case study from Harlow Foods, who cut spoilage 18% with the same setup: {{case_study_url}}"),
        ("reading-grade", "7:1-12:63", None),
        ("filler", "9:1-9:5", "Just"),
        ("no-value", "9:1-9:17", "Just checking in"),
        ("no-permission", "9:1-9:64", "Just checking in to see if you had any thoughts on the renewal."),
    ],
    "webinar-followup.txt.j2": [  # {% if attended %} is clean; {% elif %} and {% else %} are not
        ("no-permission", "7:1-7:36", "Sorry we missed you at the webinar!"),
        ("no-permission", "9:1-9:85", "I wanted to reach out because our platform is the best-in-class solution for fleets."),
        ("hype", "9:51-9:64", "best-in-class"),
    ],
    "utf16-draft.txt": [  # the emoji before "Just" is one column
        ("filler", "3:39-3:43", "Just"),
        ("no-value", "3:39-3:56", "Just following up"),
        ("no-next-step", "3:39-3:93", "Just following up on the café chain pilot: any update?"),
        ("lazy-question", "3:82-3:92", "any update"),
    ],
    "crlf-draft.txt": [  # CRLF lines, a leading tab, a non-breaking space and a zero-width space
        ("subject-line", "1:10-1:24", "Quick question"),
        ("filler", "5:1-5:19", "I know you’re busy"),
        ("no-permission", "5:1-5:45", "I know you’re busy, so I’ll keep this short."),
        ("me-me-me", "6:2-6:101",
         "We\u00a0are the leading provider of route planning, and I’d love to show you our award-winning platform."),
        ("no-value", "7:1-7:13", "Bumping this"),
        ("no-next-step", "7:1-7:53", "Bumping this to the top of your inbox — any\u200b update?"),
        ("lazy-question", "7:41-7:52", "any\u200b update"),
    ],
    "cp1252-draft.txt": [
        ("no-permission", "3:1-3:54", "I haven’t heard back from you regarding our services."),
        ("spieler", "3:1-3:130", None),
        ("no-value", "3:3-3:21", "haven’t heard back"),
        ("no-next-step", "3:55-3:130", "Please let me know if you are still interested – it’s a limited-time offer!"),
        ("pushy", "3:111-3:123", "limited-time"),
    ],
}


def located(report, text):
    return [(f.rule, f"{f.line}:{f.column}-{f.end_line}:{f.end_column}", text[f.start:f.end]) for f in report.findings]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_gives_exact_findings_and_positions(name):
    path = str(INPUTS / name)
    source = read_path(path)
    [report] = lint_paths([path])
    assert report.error is None and report.notes == []
    found = located(report, source.text)
    expected = [(rule, where, text if text is not None else found_text)
                for (rule, where, text), (_, _, found_text) in zip(EXPECTED[name], found)]
    assert found == expected


def test_eml_headers_and_quoted_thread_become_metadata():
    [draft] = extract_drafts(read_path(str(INPUTS / "thread-reply.eml")))
    meta = draft.metadata
    assert meta["subject"] == "Re: Harlow pilot proposal" and draft.subject == "Re: Harlow pilot proposal"
    assert meta["from"] == "Maria Lopez <maria.lopez@fleetco.example>"
    assert meta["to"] == "Kevin Li <kevin.li@acme-foods.example>"
    assert meta["sent"].replace(tzinfo=None) == dt.datetime(2026, 11, 19, 10, 2, 41)
    assert meta["reply"] is True
    assert meta["last_contact"] == dt.datetime(2026, 11, 10, 9, 14)  # "On Tue, Nov 10, 2026 at 9:14 AM ... wrote:"
    assert "Thanks Maria" not in draft.body and "Account Executive" in draft.signature


def test_outlook_header_block_gives_last_contact_and_is_not_judged():
    [draft] = extract_drafts(read_path(str(INPUTS / "outlook-reply.txt")))
    assert draft.metadata["last_contact"] == dt.datetime(2026, 11, 10, 9, 14)
    assert "finance" not in draft.body and "Dana Whitfield" not in draft.body


def test_html_template_placeholders_are_names_when_declared_a_template():
    [report] = lint_paths([str(INPUTS / "sales-template.html")], metadata={"template": True})
    assert "unfilled-placeholder" not in {f.rule for f in report.findings}
    [draft] = extract_drafts(read_path(str(INPUTS / "sales-template.html")), {"template": True})
    assert "Preheader" not in draft.body and "Don’t miss out" not in draft.body


def test_template_branches_are_separate_drafts():
    drafts = extract_drafts(read_path(str(INPUTS / "webinar-followup.txt.j2")))
    assert [d.branch for d in drafts] == [0, 1, 2]
    assert "Thanks for joining" in drafts[0].body and "Sorry we missed" not in drafts[0].body
    assert "Sorry we missed" in drafts[1].body and "Thanks for joining" not in drafts[1].body
    assert "best-in-class" in drafts[2].body
    for draft in drafts:  # control tags and comments are not words
        assert "{%" not in draft.body and "{#" not in draft.body and "attended" not in draft.body
        assert "{{ first_name }}" in draft.body
    hbs = extract_drafts(read_path(str(INPUTS / "renewal-nudge.hbs")))
    assert len(hbs) == 2 and all("{{else}}" not in d.body and "{{#if" not in d.body for d in hbs)
    assert hbs[0].subject == "{{company}} renewal"  # a comment line above the Subject: line is skipped


SAME = INPUTS / "same-draft"


def test_the_same_draft_in_every_format_gives_the_same_rules():
    rules = {}
    for suffix in ("txt", "md", "eml", "html"):
        [report] = lint_paths([str(SAME / f"draft.{suffix}")])
        assert report.error is None and report.notes == []
        rules[suffix] = sorted(f.rule for f in report.findings)
    assert rules["txt"] == rules["md"] == rules["eml"] == rules["html"]
    assert "lazy-question" in rules["txt"]
    assert "no-value" not in rules["txt"]  # the case-study link is a resource in every format


def test_markup_in_every_format_points_at_the_words_in_the_source():
    for suffix in ("txt", "md", "eml", "html"):
        source = read_path(str(SAME / f"draft.{suffix}"))
        [report] = lint_paths([str(SAME / f"draft.{suffix}")])
        question = next(f for f in report.findings if f.rule == "lazy-question")
        assert source.text[question.start:question.end] == "Did you get a chance"


def test_cli_walks_the_fixtures_without_errors():
    result = run_cli(str(INPUTS), "--format", "json")
    assert result.returncode == 1, result.stderr.decode()
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert set(EXPECTED) <= set(files)
    assert {"draft.txt", "draft.md", "draft.eml", "draft.html"} <= set(files)
    assert not any("error" in f for f in files.values())
    crlf = files["crlf-draft.txt"]["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in crlf][:2] == [("subject-line", 1, 10), ("filler", 5, 1)]
