"""Properties that hold for any text: the linter returns, positions are right, output is valid, --fix is safe.

A bounded number of examples runs here; `bench/run.py --fuzz N` runs the same checks (tests/invariants.py)
over 100,000+ inputs.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_lint.api import lint_bytes, lint_text
from followup_lint.read import InputError

from helpers import run_cli
from invariants import PIECES, PLACEHOLDERS, check_fix, check_report, check_serialised

any_character = st.characters(exclude_categories=["Cs"])
piece_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(any_character, max_size=12)), max_size=40).map("".join)
long_line = st.tuples(st.sampled_from(["a", "word ", "Just checking in ", "{{x}}", "é", "👍", "?", " "]),
                      st.integers(1_000, 10_000)).map(lambda pair: (pair[0] * pair[1])[:10_000])
only_whitespace = st.text(st.sampled_from(" \t\r\n\x0b\x0c\x85\u00a0\u1680\u2000\u2028\u2029\u3000\u200b\ufeff"),
                          max_size=200)
only_placeholders = st.lists(st.sampled_from(PLACEHOLDERS), min_size=1, max_size=20).flatmap(
    lambda items: st.sampled_from(["", " ", "\n", ", "]).map(lambda sep: sep.join(items)))
nasty_text = st.one_of(st.text(any_character, max_size=300), piece_text, long_line, only_whitespace,
                       only_placeholders)
draft_names = st.sampled_from([None, "draft.txt", "draft.md", "template.j2", "template.hbs", "mail.eml"])

BOUNDED = settings(max_examples=60, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def lint_or_input_error(text: str, path: str | None):
    """The linter returns a report, or refuses the input with a one-line InputError (a malformed front
    matter block); nothing else may escape."""
    try:
        return lint_text(text, path=path)
    except InputError as error:
        assert "\n" not in str(error) and str(error)
        return None


@settings(BOUNDED, max_examples=80)
@given(text=nasty_text, path=draft_names)
def test_linter_returns_positions_inside_and_agreeing_and_valid_json(text, path):
    report = lint_or_input_error(text, path)
    if report is not None:
        check_report(text, report)
        check_serialised(report)


@BOUNDED
@given(text=st.one_of(piece_text, only_placeholders, long_line), path=draft_names)
def test_fix_keeps_placeholders_and_untouched_text_and_is_idempotent(text, path):
    report = lint_or_input_error(text, path)
    if report is not None:
        check_fix(text, report, lambda fixed: lint_text(fixed, path=path))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_give_a_report_or_a_one_line_input_error(data):
    try:
        report = lint_bytes(data, path="draft.txt")
    except InputError as error:
        assert str(error) and "\n" not in str(error)
        return
    check_report(report.source_text, report)


@settings(max_examples=10, deadline=None, derandomize=True)
@given(text=st.lists(st.one_of(st.sampled_from(PIECES), st.characters(categories=["Cs"])), min_size=1, max_size=20)
       .map("".join).filter(lambda text: any("\ud800" <= char <= "\udfff" for char in text)))
def test_text_with_lone_surrogates_is_linted(text):
    report = lint_or_input_error(text, None)
    if report is not None:
        check_report(text, report)


def test_nasty_files_through_the_cli_give_valid_json(tmp_path):
    """The same inputs as files: one run of the real command over a folder of them."""
    samples = {
        "controls.txt": "Hi Sam,\x01\x07\x1b[31m just checking in\x7f\x85?\n",
        "rtl.txt": "\u202eHi Sam, שלום רב مرحبا بك. Any update?\u202c\n",
        "emoji.txt": "Hi 👨‍👩‍👧 {{first_name}}! 🇩🇪👍🏽 Thoughts?\n",
        "long-line.txt": "Just checking in " * 600,
        "whitespace.txt": " \t\r\n\u2028\u00a0\n\n",
        "placeholders.txt": "{{first_name}} [First Name] <<Company>> %FIRSTNAME% {% if x %}{% endif %}",
        "crlf.txt": "Hi Sam,\r\n\r\nI just wanted to check in.\r\nAny update?\r\n",
    }
    for name, text in samples.items():
        (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    result = run_cli(str(tmp_path), "--format", "json")
    assert result.returncode in (0, 1), result.stderr.decode()
    files = {item["path"].rsplit("/", 1)[-1]: item for item in json.loads(result.stdout)["files"]}
    assert set(files) == set(samples)
    for name, text in samples.items():
        for finding in files[name]["findings"]:
            assert 0 <= finding["start"] <= finding["end"] <= len(text)


# Found by the benchmark's fuzz run (bench/run.py), reduced to the smallest input that still fails.
@pytest.mark.parametrize("text", [" just", "\t just"])
def test_fuzz_found_one_indented_word_is_linted(text):
    check_report(text, lint_text(text))


def test_fuzz_found_fix_of_a_repeated_filler_sentence_is_idempotent():
    text = "Sorry to bother you.\u00a0Sorry to bother you"
    check_fix(text, lint_text(text), lint_text)


def test_fuzz_found_fix_that_uncovers_another_filler_settles():
    """Deleting the first sentence makes "Just" a sentence start, fixable in the next pass: --fix runs the
    passes until nothing is left to fix."""
    text = "Hi Sam,\nI hope this email finds you well.,Just checking in. Can we talk Tuesday?"
    fixed = check_fix(text, lint_text(text), lint_text)
    assert "I hope" not in fixed and "Just" not in fixed and fixed.endswith("checking in. Can we talk Tuesday?")
