"""Templates as teams keep them: 36 files written by an author who had not read this code, in Jinja,
Handlebars, Mustache, Liquid and the merge tags of HubSpot, Outreach, Salesloft, Lemlist, Mailchimp,
Salesforce and Pardot (tests/inputs/templates-blind/). Linted as templates, their syntax is never what a
finding is about."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from followup_lint.api import lint_paths
from followup_lint.placeholders import find_placeholders

from helpers import run_cli

FOLDER = Path(__file__).parent / "inputs" / "templates-blind"
INDEX = yaml.safe_load((FOLDER / "index.yaml").read_text(encoding="utf-8"))
SYNTAX = re.compile(r"\{\{|\{%|\*\||%%|\{!|<<|\[[A-Z]")
# Rules that point at a sentence or a phrase of the draft (not a count over the whole of it).
POINTING = {"no-next-step", "no-value", "lazy-question", "pushy", "guilt-trip", "creepy-tracking", "filler",
            "premature-breakup", "self-serving-ask", "hype", "subject-line"}


@pytest.fixture(scope="module")
def reports():
    paths = [str(FOLDER / entry["file"]) for entry in INDEX]
    assert len(paths) == 36
    return dict(zip((entry["file"] for entry in INDEX), lint_paths(paths, metadata={"template": True})))


def test_every_template_is_read_and_linted_without_a_syntax_error(reports):
    for name, report in reports.items():
        assert report.error is None, name
        assert not [f for f in report.findings if f.rule == "unfilled-placeholder"], name


def test_no_finding_points_at_template_syntax(reports):
    pointed = [(name, f.rule, (FOLDER / name).read_text(encoding="utf-8")[f.start:f.end])
               for name, report in reports.items() for f in report.findings if f.rule in POINTING]
    assert len(pointed) > 40
    assert [case for case in pointed if SYNTAX.search(case[2])] == []


def test_the_subject_line_rule_never_fires_on_a_template_meant_to_be_good(reports):
    good = {entry["file"] for entry in INDEX if not entry["intended_problems"]}
    with_subject = {name for name in good if "Subject:" in (FOLDER / name).read_text(encoding="utf-8")}
    fired = {name for name, report in reports.items() if any(f.rule == "subject-line" for f in report.findings)}
    assert len(with_subject) >= 8 and fired
    assert fired & good == set()


def test_fix_keeps_every_placeholder_and_tag(tmp_path):
    copy = tmp_path / "templates"
    shutil.copytree(FOLDER, copy)
    names = [entry["file"] for entry in INDEX]
    result = run_cli("--meta", "template=true", "--fix", "--no-cache", *names, cwd=copy)
    assert result.returncode in (0, 1), result.stderr.decode()
    changed = 0
    for name in names:
        before, after = (FOLDER / name).read_text(encoding="utf-8"), (copy / name).read_text(encoding="utf-8")
        changed += before != after
        assert [p.text for p in find_placeholders(after)] == [p.text for p in find_placeholders(before)], name
    assert changed >= 5
