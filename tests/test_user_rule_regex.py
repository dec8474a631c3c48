"""A user's rule file with a regular expression that can backtrack catastrophically is refused when the
rules load, with one line naming the file and the field; it never gets to run against a draft."""

from __future__ import annotations

import textwrap

import pytest

from followup_lint.ruleset import RuleFileError, load_rules

from helpers import run_cli

RULE = textwrap.dedent("""\
    id: user-letters
    title: Runs of one letter (a user rule)
    severity: warning
    category: style
    message: "Found {{match}}."
    rationale: A user's rule, written for this test.
    patterns:
      letters:
        {field}:
          - {expression}
    detect:
      kind: existence
      match: letters
    examples:
      bad: [aaaa, aaaaaaa, "Hi, aaa", "aaaaa b"]
      good: [bbbb, "Hi Sam", "b", "cc"]
    """)
# With 30+ characters of "a" and a mismatch at the end, each of these runs for hours in Python's `re`.
CATASTROPHIC = ["(a+)+$", "(a*)*b", r"(\w+\s?)+$", "([a-z]+)*@", "(a+){2,}$", r"^(\w+)*$"]
# Not nested quantifiers, but exponential all the same: caught by running them on probe strings at load.
OVERLAPPING = ["(a|a)*$", "(a|aa)+$"]
DRAFT = "Hi Sam, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! Does Tuesday at 2pm work?\n"


def write_rule(folder, expression: str, field: str = "regex") -> str:
    folder.mkdir(exist_ok=True)
    quoted = "'" + expression.replace("'", "''") + "'"
    path = folder / "user-letters.yaml"
    path.write_text(RULE.format(field=field, expression=quoted), encoding="utf-8")
    return str(path)


def test_the_same_rule_with_a_safe_expression_loads_and_finds(tmp_path):
    write_rule(tmp_path / "rules", "a{3,}")
    (tmp_path / "draft.txt").write_text(DRAFT)
    result = run_cli("--rules-dir", str(tmp_path / "rules"), "--select", "user-letters", "draft.txt", cwd=tmp_path)
    assert result.returncode == 1, result.stderr.decode()
    assert "user-letters" in result.stdout.decode()


@pytest.mark.parametrize("expression", CATASTROPHIC)
def test_catastrophic_regex_is_refused_at_load_naming_file_and_field(tmp_path, expression):
    path = write_rule(tmp_path / "rules", expression)
    with pytest.raises(RuleFileError) as refused:
        load_rules([tmp_path / "rules"])
    message = str(refused.value)
    assert message.startswith(f"{path}: patterns.letters.regex[0]: ")
    assert "nested quantifier" in message


def test_cli_reports_the_catastrophic_regex_in_one_line_with_exit_2(tmp_path):
    path = write_rule(tmp_path / "rules", "(a+)+$")
    (tmp_path / "draft.txt").write_text(DRAFT)
    result = run_cli("--rules-dir", str(tmp_path / "rules"), "draft.txt", cwd=tmp_path)  # a hang fails the timeout
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert stderr.startswith(f"followup-lint: error: {path}: patterns.letters.regex[0]: nested quantifier")
    assert result.stdout == b""


@pytest.mark.parametrize("expression", OVERLAPPING)
def test_overlapping_alternation_under_a_repeat_is_refused(tmp_path, expression):
    path = write_rule(tmp_path / "rules", expression)
    with pytest.raises(RuleFileError) as refused:
        load_rules([tmp_path / "rules"])
    assert str(refused.value).startswith(f"{path}: patterns.letters.regex[0]: backtracks catastrophically")


@pytest.mark.parametrize("expression", ["(a+)+$", "(a|aa)+$"])
def test_catastrophic_regex_in_a_token_pattern_is_refused(tmp_path, expression):
    folder = tmp_path / "rules"
    folder.mkdir()
    rule = RULE.format(field="tokens", expression=f'[{{TEXT: {{REGEX: "{expression}"}}}}]')
    (folder / "user-letters.yaml").write_text(rule, encoding="utf-8")
    with pytest.raises(RuleFileError) as refused:
        load_rules([folder])
    assert f"{folder / 'user-letters.yaml'}: patterns.letters.tokens[0]: REGEX" in str(refused.value)
