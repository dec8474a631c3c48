"""Worker processes give the same reports as one process, in the order the files were given."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_lint.api import DEFAULT_SETTINGS, lint_paths, lint_sources
from followup_lint.parallel import MAX_CHUNK, PARALLEL_THRESHOLD, LintPool, chunks, default_jobs, lint_files
from followup_lint.parallel import lint_sources as lint_sources_parallel
from followup_lint.read import Source
from followup_lint.ruleset import RuleFileError

from helpers import run_cli


def as_data(reports):
    return [(report.to_dict(), report.source_text) for report in reports]


@pytest.fixture(scope="module")
def corpus_paths(root):
    drafts = sorted(str(path) for path in (root / "tests" / "corpus").glob("*/*.txt"))
    assert len(drafts) > 100
    return drafts


def test_two_workers_match_one_process_in_order_with_unreadable_files(corpus_paths, tmp_path):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02")
    paths = corpus_paths[:70] + [str(tmp_path / "missing.txt")] + corpus_paths[70:90] + [str(binary)]
    paths = list(reversed(paths))  # an order no worker would produce by itself
    parallel = lint_files(paths, jobs=2)
    assert [report.path for report in parallel] == paths
    assert as_data(parallel) == as_data(lint_paths(paths))
    assert [report.path for report in parallel if report.error] == [str(binary), str(tmp_path / "missing.txt")]


def test_options_reach_the_workers(corpus_paths):
    paths = corpus_paths[:60]
    parallel = lint_files(paths, {"select": ["no-value", "filler"], "metadata": {"touch": 2}}, jobs=2)
    serial = lint_paths(paths, select=["no-value", "filler"], metadata={"touch": 2})
    assert as_data(parallel) == as_data(serial)
    assert {f.rule for report in parallel for f in report.findings} == {"no-value", "filler"}


def test_one_pool_serves_groups_with_different_settings(corpus_paths):
    sources = [Source(f"draft-{index}.txt", open(path, encoding="utf-8").read())
               for index, path in enumerate(corpus_paths[:80])]
    strict = DEFAULT_SETTINGS.with_cli(select=("too-long",))
    with LintPool(2) as pool:
        everything = pool.lint_sources(sources)
        only_length = pool.lint_sources(sources, settings=strict)
    assert as_data(everything) == as_data(lint_sources(sources))
    assert as_data(only_length) == as_data(lint_sources(sources, settings=strict))


def test_spawned_workers_work_too(corpus_paths):
    """The start method used where fork is not available (macOS, Windows)."""
    paths = corpus_paths[:12]
    with LintPool(2, start_method="spawn") as pool:
        assert as_data(pool.lint_paths(paths)) == as_data(lint_paths(paths))


def test_a_rule_file_error_in_a_worker_reaches_the_caller_as_itself(corpus_paths, tmp_path):
    (tmp_path / "broken.yaml").write_text("id: Not-Kebab\n")
    with pytest.raises(RuleFileError, match="broken.yaml"):
        lint_files(corpus_paths[:60], {"rules_dirs": [str(tmp_path)]}, jobs=2)


def test_sources_api_and_small_inputs_stay_in_process():
    sources = [Source("a.txt", "Hi Sam, just checking in. Any update?"), Source("b.txt", "Hi Ana, does Friday work?")]
    assert as_data(lint_sources_parallel(sources, jobs=4)) == as_data(lint_sources(sources))
    assert lint_files([], jobs=2) == []


def test_default_jobs_is_one_for_few_files_and_the_cpu_count_for_many():
    assert default_jobs(1) == 1 and default_jobs(PARALLEL_THRESHOLD) == 1
    assert default_jobs(PARALLEL_THRESHOLD + 1) >= 1


@settings(max_examples=200, deadline=None)
@given(size=st.integers(0, 2_000), jobs=st.integers(1, 16))
def test_chunks_cover_every_item_once_in_order(size, jobs):
    items = list(range(size))
    parts = chunks(items, jobs)
    assert [item for part in parts for item in part] == items
    assert all(1 <= len(part) <= MAX_CHUNK for part in parts)


def test_cli_jobs_two_prints_what_one_process_prints(root):
    corpus = str(root / "tests" / "corpus" / "catalogue")
    one = run_cli(corpus, "--format", "json", "--no-cache", "--jobs", "1")
    two = run_cli(corpus, "--format", "json", "--no-cache", "--jobs", "2")
    assert one.returncode == two.returncode == 1, two.stderr.decode()
    assert two.stdout == one.stdout
    assert len(json.loads(two.stdout)["files"]) > PARALLEL_THRESHOLD


def test_cli_jobs_must_be_a_number():
    result = run_cli("examples", "--jobs", "many")
    assert result.returncode == 2 and b"--jobs" in result.stderr
