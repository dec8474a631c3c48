"""Every rule's own examples are its tests: bad examples must fire (where marked, at the mark), good must not."""

from __future__ import annotations

import pytest
from helpers import assert_example_outcome

from followup_lint.api import available_rules, lint_text

RULES = available_rules()
DRAFT_RULES = [rule for rule in RULES if rule.scope != "sequence"]  # sequence rules: test_sequence_rule_examples
CASES = [
    pytest.param(rule, group, index, example, id=f"{rule.id}-{group}-{index}")
    for rule in DRAFT_RULES
    for group, examples in (("bad", rule.examples_bad), ("good", rule.examples_good))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "group", "index", "example"), CASES)
def test_rule_example(rule, group, index, example):
    report = lint_text(example.text, path=example.path, metadata=example.meta, select=[rule.id])
    fired = [f for f in report.findings if f.rule == rule.id]
    assert_example_outcome(rule, group, index, example, fired)


def test_every_rule_has_enough_examples():
    for rule in RULES:
        assert len(rule.examples_bad) >= 4 and len(rule.examples_good) >= 4, rule.id
