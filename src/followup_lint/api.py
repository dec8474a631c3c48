"""The library API: lint text or files and get plain ``FileReport`` values back.

    >>> from followup_lint import lint_text
    >>> report = lint_text("Hi Sam, just checking in. Any update?")
    >>> sorted({f.rule for f in report.findings})[:2]
    ['filler', 'lazy-question']

Configuration (`[tool.followup-lint]` or `.followup-lint.toml`) is applied through ``Settings``; the
library only reads config files when asked (``settings_for_path``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .config import Settings, apply_settings, enabled_rule_ids, find_config, load_settings
from .extract import extract_drafts
from .findings import FileReport, score
from .read import DEFAULT_MAX_BYTES, InputError, Source, decode, read_path
from .ruleset import Rule, load_rules

DEFAULT_SETTINGS = Settings()


@functools.lru_cache(maxsize=16)
def _rules(rules_dirs: tuple[str, ...]) -> tuple[Rule, ...]:
    return tuple(load_rules(rules_dirs))


def available_rules(rules_dirs: Sequence[str] = ()) -> list[Rule]:
    return list(_rules(tuple(rules_dirs)))


def configured_rules(settings: Settings) -> tuple[list[Rule], frozenset[str]]:
    """All rules with the settings applied, and the ids the settings enable."""
    rules = apply_settings(list(_rules(settings.rules_dirs)), settings)
    return rules, enabled_rule_ids(rules, settings)


@functools.lru_cache(maxsize=16)
def linter_for(settings: Settings):
    """The compiled Linter for these settings, built once per process (also for sequences)."""
    from .lint import Linter

    rules, enabled = configured_rules(settings)
    return Linter(rules, enabled=enabled)


@functools.lru_cache(maxsize=64)
def _settings_file(path: str, modified: int = 0) -> Settings:
    """`modified` (the file's mtime) is part of the cache key: an edited config is read again."""
    first = load_settings(Path(path))  # syntax and types, before its rules-dirs are known
    known = {rule.id: rule for rule in _rules(first.rules_dirs)}
    return load_settings(Path(path), known)


def settings_for_path(path: str | None, *, config_file: str | None = None, isolated: bool = False) -> Settings:
    """The effective settings for a file: --config, else the nearest config file, else defaults."""
    if isolated:
        return DEFAULT_SETTINGS
    found = Path(config_file).resolve() if config_file else find_config(Path(path) if path else Path.cwd())
    if found is None:
        return DEFAULT_SETTINGS
    try:
        modified = found.stat().st_mtime_ns
    except OSError:
        modified = 0  # load_settings reports the unreadable file
    return _settings_file(str(found), modified)


def clear_caches() -> None:
    """Forget loaded rules and configuration (for long-running hosts such as the language server)."""
    _rules.cache_clear()
    linter_for.cache_clear()
    _settings_file.cache_clear()


def lint_sources(sources: Sequence[Source], *, metadata: dict[str, Any] | None = None,
                 settings: Settings | None = None, select: Iterable[str] | None = None,
                 ignore: Iterable[str] | None = None, rules_dirs: Sequence[str] = (),
                 forget_words: bool = False) -> list[FileReport]:
    """Lint decoded sources with one set of settings; `select`/`ignore`/`rules_dirs` override them.

    spaCy keeps every new word it sees; a long-running process (the language server) passes
    `forget_words` to lint inside a spaCy memory zone, which frees them afterwards."""
    settings = (settings or DEFAULT_SETTINGS).with_cli(select=tuple(select or ()), ignore=tuple(ignore or ()),
                                                       rules_dirs=tuple(rules_dirs))
    per_source = [extract_drafts(source, _metadata_for(source, metadata, settings)) for source in sources]
    drafts = [draft for drafts in per_source for draft in drafts]
    linter = linter_for(settings)  # built outside the zone: the words of its patterns must stay
    if forget_words:
        from .parse import get_pipeline

        with get_pipeline().memory_zone():
            reports = iter(linter.lint(drafts))
    else:
        reports = iter(linter.lint(drafts))
    return [_merged([next(reports) for _ in drafts], drafts) for drafts in per_source]


def _metadata_for(source: Source, metadata: dict[str, Any] | None, settings: Settings) -> dict[str, Any] | None:
    """The metadata given, and `template: true` for a file that the settings' `template-files` name (unless
    the metadata says otherwise)."""
    if settings.is_template_file(source.path) and "template" not in (metadata or {}):
        return {**(metadata or {}), "template": True}
    return metadata


def _merged(reports: list[FileReport], drafts: list) -> FileReport:
    """One report per file: a template's branches merged, each finding once; the notes extraction left."""
    report = reports[0]
    if not drafts[0].source.text.strip():  # an empty file: nothing to judge (the text report says so)
        report.findings, report.suppressed = [], []
        report.metrics["score"] = score([])
        return report
    if len(reports) > 1:
        report.findings = _unique(f for r in reports for f in r.findings)
        report.suppressed = _unique(f for r in reports for f in r.suppressed)
        report.metrics["score"] = score(report.findings)
    report.notes[:0] = [note for note in drafts[0].notes if note not in report.notes]
    return report


def _unique(findings) -> list:
    seen: dict[tuple, object] = {}
    for finding in findings:
        seen.setdefault((finding.rule, finding.start, finding.end), finding)
    return sorted(seen.values(), key=lambda f: (f.start, f.end, f.rule))


def lint_text(text: str, path: str | None = None, **options: Any) -> FileReport:
    """Lint one draft given as text; `path` only names it (and decides template handling by suffix)."""
    return lint_sources([Source(path, text)], **options)[0]


def lint_bytes(data: bytes, path: str | None = None, **options: Any) -> FileReport:
    return lint_sources([decode(data, path)], **options)[0]


def lint_paths(paths: Iterable[str], *, max_bytes: int = DEFAULT_MAX_BYTES, **options: Any) -> list[FileReport]:
    """Lint files; a file that cannot be read gives a report with `error` set instead of raising."""
    reports: list[FileReport | None] = []
    sources: list[Source] = []
    for path in paths:
        try:
            sources.append(read_path(path, max_bytes=max_bytes))
            reports.append(None)
        except InputError as error:
            reports.append(FileReport(path, error=str(error)))
    linted = iter(lint_sources(sources, **options)) if sources else iter(())
    return [report if report is not None else next(linted) for report in reports]
