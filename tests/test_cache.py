"""The report cache: keys cover everything a result depends on, entries round-trip, a corrupt entry is a
miss that gets rebuilt, two processes at once never see half an entry, and an unwritable cache is no error."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from followup_lint import __version__
from followup_lint.api import DEFAULT_SETTINGS, lint_sources
from followup_lint.cache import (
    ReportCache,
    cache_key,
    config_fingerprint,
    lint_through_cache,
    source_key,
    tool_version,
)
from followup_lint.read import Source

from helpers import run_cli

DRAFTS = {
    "nudge.txt": "Hi Sam,\n\nI just wanted to check in. Any update?\n\nBest,\nDana\n",
    "good.txt": "Hi Ana,\n\nHere is the 2-page plan you asked for on Tuesday. Does Thursday at 10 work?\n",
    "template.j2": "Hi {{ first_name }},\n\nJust checking in on the quote. Thoughts?\n",
}
FINGERPRINT = config_fingerprint(DEFAULT_SETTINGS)
EXAMPLES = Path(__file__).parent.parent / "examples"
THREADS = Path(__file__).parent / "threads"


@pytest.fixture(scope="module")
def sources():
    return [Source(name, text) for name, text in DRAFTS.items()]


@pytest.fixture(scope="module")
def reports(sources):
    return lint_sources(sources)


def test_a_stored_report_comes_back_equal_under_the_new_path(tmp_path, sources, reports):
    cache = ReportCache(tmp_path)
    for source, report in zip(sources, reports):
        assert cache.put(source_key(source, FINGERPRINT), report)
    for source, report in zip(sources, reports):
        found = cache.get(source_key(source, FINGERPRINT), path="renamed/" + source.path, source_text=source.text)
        assert found == dataclasses.replace(report, path="renamed/" + source.path)
        assert found.source_text == source.text
    assert any(finding.edits for report in reports for finding in report.findings)  # edits round-trip too
    assert (cache.hits, cache.misses) == (3, 0)


def test_keys_change_with_content_config_version_and_template_suffix():
    base = cache_key(b"Hi Sam", FINGERPRINT, "1.0", path="a/draft.txt")
    assert cache_key(b"Hi Sam", FINGERPRINT, "1.0", path="b/other.txt") == base  # a copied or renamed file hits
    assert cache_key(b"Hi Sam!", FINGERPRINT, "1.0", path="a/draft.txt") != base
    assert cache_key(b"Hi Sam", FINGERPRINT + " ", "1.0", path="a/draft.txt") != base
    assert cache_key(b"Hi Sam", FINGERPRINT, "1.1", path="a/draft.txt") != base
    assert cache_key(b"Hi Sam", FINGERPRINT, "1.0", path="a/draft.j2") != base  # templates are linted differently


def test_fingerprint_follows_settings_metadata_and_user_rule_files(tmp_path):
    selected = DEFAULT_SETTINGS.with_cli(select=("no-value",))
    assert config_fingerprint(selected) != FINGERPRINT
    assert config_fingerprint(DEFAULT_SETTINGS, {"touch": 3}) != config_fingerprint(DEFAULT_SETTINGS, {"touch": 4})
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text("id: mine\n")
    with_rules = DEFAULT_SETTINGS.with_cli(rules_dirs=(str(rules),))
    before = config_fingerprint(with_rules)
    (rules / "mine.yaml").write_text("id: mine\ntitle: edited\n")
    assert config_fingerprint(with_rules) != before


def test_tool_version_names_the_release_and_is_stable():
    assert tool_version().startswith(__version__ + "+")
    assert tool_version() == tool_version()


@pytest.mark.parametrize("damage", [
    b"",
    b"{\"schema\": 1, \"key\": ",
    b"\xff\xfe not json",
    b"[1, 2, 3]",
    b"{\"schema\": 1, \"key\": \"someone-else\", \"report\": {\"path\": \"x\"}}",
    b"{\"schema\": 1, \"key\": \"KEY\", \"report\": {\"path\": \"x\", \"findings\": [{\"rule\": 5}]}}",
])
def test_a_corrupt_entry_is_a_miss_and_is_rebuilt(tmp_path, sources, reports, damage):
    cache = ReportCache(tmp_path)
    for source, report in zip(sources, reports):
        cache.put(source_key(source, FINGERPRINT), report)
    key = source_key(sources[0], FINGERPRINT)
    cache.path_for(key).write_bytes(damage.replace(b"KEY", key.encode()))
    assert cache.get(key) is None
    calls = []

    def lint(missing):
        calls.append([s.path for s in missing])
        return lint_sources(missing)

    rebuilt = lint_through_cache(sources, lint, cache=cache, config_fingerprint=FINGERPRINT)
    assert calls == [[sources[0].path]]
    assert rebuilt[0] == reports[0]
    assert cache.get(key, source_text=sources[0].text) == reports[0]


def test_lint_through_cache_lints_only_misses_and_keeps_order(tmp_path, sources, reports):
    cache = ReportCache(tmp_path)
    first = lint_through_cache(sources, lint_sources, cache=cache, config_fingerprint=FINGERPRINT)
    assert first == reports

    def must_not_lint(missing):
        raise AssertionError(f"linted {missing} although cached")

    again = lint_through_cache(list(reversed(sources)), must_not_lint, cache=cache, config_fingerprint=FINGERPRINT)
    assert again == list(reversed(reports))
    other = lint_through_cache(sources, lint_sources, cache=cache, config_fingerprint=FINGERPRINT + "x")
    assert other == reports and cache.misses == len(sources) * 2


def test_cache_folder_is_self_ignoring_and_leaves_no_temporary_files(tmp_path, sources, reports):
    root = tmp_path / ".followup-lint-cache"
    cache = ReportCache(root)
    for source, report in zip(sources, reports):
        cache.put(source_key(source, FINGERPRINT), report)
    assert (root / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (root / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    leftovers = [name for _, _, files in os.walk(root) for name in files if name.startswith(".tmp-")]
    assert leftovers == []


def test_an_unwritable_cache_is_no_error(tmp_path, sources, reports):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    cache = ReportCache(blocker)
    key = source_key(sources[0], FINGERPRINT)
    assert cache.put(key, reports[0]) is False
    assert cache.get(key) is None
    assert lint_through_cache(sources, lint_sources, cache=cache, config_fingerprint=FINGERPRINT) == reports
    assert blocker.read_text() == "a file where the cache folder would go"


def test_reports_with_a_read_error_are_not_stored(tmp_path):
    cache = ReportCache(tmp_path)
    from followup_lint.findings import FileReport

    assert cache.put("k" * 64, FileReport("missing.txt", error="missing.txt: no such file")) is False
    assert cache.get("k" * 64) is None


def _hammer(root: str, keys: list[str], payloads: list[dict], rounds: int, queue) -> None:
    """One of two processes writing and reading the same entries at once."""
    from followup_lint.cache import ReportCache
    from followup_lint.serialize import report_from_dict

    cache = ReportCache(root)
    expected = [report_from_dict(payload) for payload in payloads]
    bad = 0
    for round_number in range(rounds):
        for index, key in enumerate(keys):
            if (round_number + index) % 2:
                cache.put(key, expected[index])
            found = cache.get(key)
            if found is not None and found != expected[index]:
                bad += 1
    queue.put(bad)


def test_two_processes_at_once_never_read_half_an_entry(tmp_path, reports):
    keys = [f"{index:02d}" + "f" * 62 for index in range(len(reports))]
    payloads = [json.loads(json.dumps(report.to_dict())) for report in reports]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_hammer, args=(str(tmp_path), keys, payloads, 150, queue)) for _ in range(2)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert results == [0, 0]
    cache = ReportCache(tmp_path)
    assert all(cache.get(key) is not None for key in keys)
    assert not [name for _, _, files in os.walk(tmp_path) for name in files if name.startswith(".tmp-")]


def _cli_has_cache() -> bool:
    return b"--no-cache" in run_cli("check", "--help").stdout


@pytest.mark.skipif(not _cli_has_cache(), reason="the CLI does not use the cache yet (no --no-cache option)")
def test_cli_rerun_reads_the_cache_and_survives_a_corrupt_entry(tmp_path):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    for name, text in DRAFTS.items():
        (drafts / name).write_text(text)
    cache_dir = tmp_path / "cache"
    env = {"FOLLOWUP_LINT_CACHE_DIR": str(cache_dir)}
    first = run_cli(str(drafts), "--format", "json", env=env)
    entries = sorted(cache_dir.rglob("*.json"))
    assert len(entries) == len(DRAFTS)
    entries[0].write_text("{ not json")
    second = run_cli(str(drafts), "--format", "json", env=env)
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
    assert json.loads(entries[0].read_text())["schema"] == 1  # rebuilt
    uncached = run_cli(str(drafts), "--format", "json", "--no-cache",
                       env={"FOLLOWUP_LINT_CACHE_DIR": str(tmp_path / "none")})
    assert uncached.stdout == first.stdout and not (tmp_path / "none").exists()


def sequence_run(*args: str, cache_dir) -> tuple[str, bool]:
    """The CLI in a fresh process: (its JSON report, whether it imported spaCy)."""
    code = (
        "import json, sys\n"
        "from followup_lint.cli import main\n"
        f"try:\n    main({list(args)!r})\nexcept SystemExit as exit:\n    assert exit.code in (0, 1), exit.code\n"
        "sys.stdout.flush()\n"
        "print('\\nspacy imported' if 'spacy' in sys.modules else '\\nspacy not imported', file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120, text=True,
                            env={**os.environ, "FOLLOWUP_LINT_CACHE_DIR": str(cache_dir)})
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr.strip().endswith("spacy imported")


def test_a_plan_rerun_reads_the_cache_until_a_step_file_changes(tmp_path):
    plans = tmp_path / "sequences"
    shutil.copytree(EXAMPLES / "sequences", plans)
    plan = str(plans / "post-demo.sequence.yaml")
    cache_dir = tmp_path / "cache"
    first, imported = sequence_run(plan, "--format", "json", cache_dir=cache_dir)
    assert imported and json.loads(first)["files"][0]["path"] == plan
    again, imported = sequence_run(plan, "--format", "json", cache_dir=cache_dir)
    assert (again, imported) == (first, False)
    step = plans / "post-demo" / "03-case-study.j2"
    step.write_text("Hi {{ first_name }},\n\nJust checking in to see if you had a chance to read my last email. "
                    "Any update?\n\nThanks,\n{{ sender_name }}\n")
    changed, imported = sequence_run(plan, "--format", "json", cache_dir=cache_dir)
    uncached, _ = sequence_run(plan, "--format", "json", "--no-cache", cache_dir=tmp_path / "unused")
    assert imported and changed == uncached != first
    assert not (tmp_path / "unused").exists()


def test_a_thread_is_cached_per_sender(tmp_path):
    thread = str(THREADS / "demo-thread.mbox")
    cache_dir = tmp_path / "cache"
    first, _ = sequence_run(thread, "--format", "json", cache_dir=cache_dir)
    again, imported = sequence_run(thread, "--format", "json", cache_dir=cache_dir)
    assert (again, imported) == (first, False)
    assert json.loads(first)["files"][0]["path"] == thread and len(list(cache_dir.rglob("*.json"))) == 1
    uncached_other, _ = sequence_run(thread, "--me", "marty@halden.example", "--format", "json", "--no-cache",
                                     cache_dir=tmp_path / "unused")
    other, _ = sequence_run(thread, "--me", "marty@halden.example", "--format", "json", cache_dir=cache_dir)
    assert other == uncached_other


def test_a_sequence_key_covers_every_file_and_the_sender():
    from followup_lint.cache import sequence_key
    from followup_lint.sequences.load import load_sequence

    plan = load_sequence(str(EXAMPLES / "sequences" / "post-demo.sequence.yaml"))
    key = sequence_key(plan, FINGERPRINT)
    step_path = next(path for path in plan.files if path.endswith("03-case-study.j2"))
    edited = dataclasses.replace(plan, files={**plan.files, step_path: Source(step_path, "Changed.")})
    assert sequence_key(edited, FINGERPRINT) != key
    assert sequence_key(dataclasses.replace(plan, me="someone@example.com"), FINGERPRINT) != key
    assert sequence_key(plan, config_fingerprint(DEFAULT_SETTINGS.with_cli(ignore=("no-value",)))) != key
    assert sequence_key(load_sequence(str(EXAMPLES / "sequences" / "post-demo.sequence.yaml")), FINGERPRINT) == key
