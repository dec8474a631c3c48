"""The examples of every `scope: sequence` rule are its tests: each is a small plan, linted as a plan.

Bad examples must fire (where marked with «...», at the mark in the plan text); good ones must not.
"""

from __future__ import annotations

import pytest
from helpers import assert_example_outcome

from followup_lint.api import available_rules
from followup_lint.sequences.run import lint_sequence_text

RULES = [rule for rule in available_rules() if rule.scope == "sequence"]
CASES = [
    pytest.param(rule, group, index, example, id=f"{rule.id}-{group}-{index}")
    for rule in RULES
    for group, examples in (("bad", rule.examples_bad), ("good", rule.examples_good))
    for index, example in enumerate(examples)
]


def test_the_sequence_rules_are_loaded():
    assert {rule.id for rule in RULES} >= {"too-fast", "gives-up-early", "no-breakup", "breakup-too-early",
                                           "repeats-itself", "value-starved", "single-channel"}


@pytest.mark.parametrize(("rule", "group", "index", "example"), CASES)
def test_sequence_rule_example(rule, group, index, example):
    assert example.path and example.path.endswith(".sequence.yaml"), "a sequence example is a plan"
    reports = lint_sequence_text(example.text, path=example.path, select=[rule.id])
    fired = [f for report in reports for f in report.findings if f.rule == rule.id]
    assert_example_outcome(rule, group, index, example, fired)


def test_sequence_rules_carry_their_evidence():
    for rule in RULES:
        assert rule.kind == "check", rule.id
        assert rule.source.get("article") and rule.source.get("passage"), rule.id
        assert len(rule.examples_bad) >= 4 and len(rule.examples_good) >= 4, rule.id
