"""Precision and recall of each rule on the labelled corpus (tests/corpus/manifest.yaml).

Each batch of drafts names the rules it was labelled for; a rule is scored only on those batches. The
labels were written from the rule definitions by people who had not seen the rules' phrase lists.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from followup_lint.api import lint_paths

CORPUS = Path(__file__).parent / "corpus"
FLOOR = 0.85


def load_manifest() -> list[dict]:
    return yaml.safe_load((CORPUS / "manifest.yaml").read_text())["batches"]


def score_corpus():
    counts: dict[str, Counter] = {}
    misses: list[str] = []
    for batch in load_manifest():
        drafts = batch["drafts"]
        reports = lint_paths([str(CORPUS / d["file"]) for d in drafts])
        for draft, report in zip(drafts, reports):
            assert report.error is None, report.error
            fired = {f.rule for f in report.findings}
            expected = set(draft["expect"])
            for rule in batch["labelled_for"]:
                tally = counts.setdefault(rule, Counter())
                outcome = {(True, True): "tp", (True, False): "fp", (False, True): "fn", (False, False): "tn"}[
                    (rule in fired, rule in expected)]
                tally[outcome] += 1
                if outcome in ("fp", "fn"):
                    misses.append(f"{outcome} {rule:<16} {draft['file']}")
    return counts, misses


@pytest.fixture(scope="module")
def corpus_scores():
    return score_corpus()


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def test_corpus_precision_and_recall(corpus_scores):
    counts, misses = corpus_scores
    print("\nrule               n   tp  fp  fn  precision  recall")
    failing = []
    for rule, tally in sorted(counts.items()):
        precision = _ratio(tally["tp"], tally["tp"] + tally["fp"])
        recall = _ratio(tally["tp"], tally["tp"] + tally["fn"])
        print(f"{rule:<16} {sum(tally.values()):>4} {tally['tp']:>4} {tally['fp']:>3} {tally['fn']:>3}"
              f"   {precision:8.2f} {recall:7.2f}")
        if precision < FLOOR or recall < FLOOR:
            failing.append(f"{rule}: precision {precision:.2f}, recall {recall:.2f}")
    print("\n".join(misses))
    assert not failing, failing


def test_corpus_is_large_and_covers_the_rules(corpus_scores):
    counts, _ = corpus_scores
    drafts = sum(len(batch["drafts"]) for batch in load_manifest())
    assert drafts >= 60
    for rule, tally in counts.items():
        assert tally["tp"] + tally["fn"] >= 4, f"{rule} has fewer than 4 positive drafts"
        assert tally["tn"] + tally["fp"] >= 4, f"{rule} has fewer than 4 negative drafts"
