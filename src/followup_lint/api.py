"""The library API: lint text or files and get plain ``FileReport`` values back.

    >>> from followup_lint import lint_text
    >>> report = lint_text("Hi Sam, just checking in. Any update?")
    >>> [f.rule for f in report.findings]
    ['no-value', ...]
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from .extract import extract_draft
from .findings import FileReport
from .read import DEFAULT_MAX_BYTES, InputError, Source, decode, read_path
from .ruleset import Rule, load_rules


@functools.lru_cache(maxsize=8)
def _rules(rules_dirs: tuple[str, ...]) -> tuple[Rule, ...]:
    return tuple(load_rules(rules_dirs))


@functools.lru_cache(maxsize=8)
def _linter(rules_dirs: tuple[str, ...], enabled: frozenset[str] | None):
    from .lint import Linter

    return Linter(_rules(rules_dirs), enabled=enabled)


def available_rules(rules_dirs: Sequence[str] = ()) -> list[Rule]:
    return list(_rules(tuple(rules_dirs)))


def select_rules(rules: Sequence[Rule], select: Iterable[str] | None = None,
                 ignore: Iterable[str] | None = None) -> frozenset[str]:
    """Rule ids enabled by `select` (ids, categories or ALL) minus `ignore`; unknown names raise ValueError."""
    known = {rule.id for rule in rules}
    categories = {rule.category for rule in rules}

    def expand(names: Iterable[str]) -> set[str]:
        chosen: set[str] = set()
        for name in names:
            if name == "ALL":
                chosen |= known
            elif name in known:
                chosen.add(name)
            elif name in categories:
                chosen |= {rule.id for rule in rules if rule.category == name}
            else:
                raise ValueError(f"unknown rule or category '{name}'")
        return chosen

    enabled = expand(select) if select else set(known)
    return frozenset(enabled - expand(ignore or ()))


def lint_sources(sources: Sequence[Source], *, metadata: dict[str, Any] | None = None,
                 select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
                 rules_dirs: Sequence[str] = ()) -> list[FileReport]:
    rules = _rules(tuple(rules_dirs))
    enabled = select_rules(rules, select, ignore) if (select or ignore) else None  # None: every rule
    drafts = [extract_draft(source, metadata) for source in sources]
    return _linter(tuple(rules_dirs), enabled).lint(drafts)


def lint_text(text: str, path: str | None = None, *, metadata: dict[str, Any] | None = None,
              select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
              rules_dirs: Sequence[str] = ()) -> FileReport:
    """Lint one draft given as text; `path` only names it (and decides template handling by suffix)."""
    source = Source(path, text)
    return lint_sources([source], metadata=metadata, select=select, ignore=ignore, rules_dirs=rules_dirs)[0]


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
