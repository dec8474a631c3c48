from __future__ import annotations

from followup_lint.api import lint_text

NUDGE = "Just checking in on the proposal."


def rules(report) -> list[str]:
    return [f.rule for f in report.findings]


def test_disable_next_line_in_html_comment():
    text = f"Hi Sam,\n\n<!-- followup-lint: disable-next-line=no-value -->\n{NUDGE}\n"
    report = lint_text(text, path="draft.md", select=["no-value"])
    assert rules(report) == []
    assert [f.rule for f in report.suppressed] == ["no-value"]


def test_disable_range_then_enable_in_jinja_comment():
    line = "We just agree with you."
    text = f"{line}\n{{# followup-lint: disable=filler #}}\n{line}\n{{# followup-lint: enable=filler #}}\n{line}\n"
    report = lint_text(text, path="t.txt", select=["filler"])
    assert [f.line for f in report.findings] == [1, 5]
    assert [f.line for f in report.suppressed] == [3]


def test_disable_file_and_front_matter_ignore():
    assert rules(lint_text(f"{{{{! followup-lint: disable-file=no-value }}}}\n{NUDGE}\n", select=["no-value"])) == []
    assert rules(lint_text(f"---\nfollowup-lint: {{ignore: [no-value]}}\n---\n{NUDGE}\n", select=["no-value"])) == []


def test_disable_without_rules_hides_everything_after_it():
    report = lint_text(f"followup-lint: disable\n{NUDGE} Any update?\n")
    assert report.findings == []
    assert report.suppressed


def test_unknown_rule_in_directive_is_reported_as_info():
    report = lint_text(f"{{{{-- followup-lint: disable=no-value,not-a-rule --}}}}\n{NUDGE}\n", select=["no-value"])
    [problem] = report.findings
    assert problem.rule == "invalid-suppression" and problem.severity == "info"
    assert "not-a-rule" in problem.message and problem.line == 1


def test_directive_lines_are_not_part_of_the_draft():
    report = lint_text("followup-lint: disable-next-line=subject-line\nSubject: Checking in\n\n"
                       "Hi Jo, here is the report. Does Tuesday at 10 work?\n")
    assert [f.rule for f in report.suppressed] == ["subject-line"]
    plain = lint_text("Hi Jo, here is the report. Does Tuesday at 10 work?\n")
    assert report.metrics["words"] == plain.metrics["words"]
