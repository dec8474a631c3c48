"""Lint many drafts with worker processes; reports come back in the order the drafts were given.

Each worker builds the spaCy pipeline and the compiled rules once (they are cached per process) and then
lints chunks of drafts. On Linux workers are forked, so a parent that has already built the pipeline
hands it to them for free; elsewhere they are spawned. With one job, or few drafts, everything runs in
this process and no pool is started.

    >>> from followup_lint.parallel import lint_files
    >>> reports = lint_files(paths, {"select": ["no-value"]}, jobs=2)   # doctest: +SKIP
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .findings import FileReport
from .read import Source

PARALLEL_THRESHOLD = 50  # below this many drafts, starting workers costs more than it saves
MAX_CHUNK = 64


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_jobs(draft_count: int) -> int:
    """The CPU count when there are more than ~50 drafts, else 1."""
    return available_cpus() if draft_count > PARALLEL_THRESHOLD else 1


def lint_files(paths: Iterable[str], options: Mapping[str, Any] | None = None,
               jobs: int | None = None) -> list[FileReport]:
    """``api.lint_paths(paths, **options)`` spread over `jobs` processes (default: ``default_jobs``)."""
    paths = list(paths)
    with LintPool(_jobs_for(jobs, len(paths))) as pool:
        return pool.lint_paths(paths, **(options or {}))


def lint_sources(sources: Sequence[Source], options: Mapping[str, Any] | None = None,
                 jobs: int | None = None) -> list[FileReport]:
    """``api.lint_sources(sources, **options)`` spread over `jobs` processes (default: ``default_jobs``)."""
    with LintPool(_jobs_for(jobs, len(sources))) as pool:
        return pool.lint_sources(sources, **(options or {}))


def _jobs_for(jobs: int | None, count: int) -> int:
    return default_jobs(count) if jobs is None else max(1, int(jobs))


class LintPool:
    """Worker processes kept for several calls (e.g. one per group of files sharing a configuration).

    ``with LintPool(jobs) as pool: pool.lint_sources(sources, settings=s, metadata=m)``
    """

    def __init__(self, jobs: int, *, start_method: str | None = None) -> None:
        self.jobs = max(1, int(jobs))
        self.start_method = start_method or ("fork" if sys.platform == "linux" else "spawn")
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> LintPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def lint_paths(self, paths: Sequence[str], **options: Any) -> list[FileReport]:
        return self._run("paths", list(paths), options)

    def lint_sources(self, sources: Sequence[Source], **options: Any) -> list[FileReport]:
        return self._run("sources", list(sources), options)

    def _run(self, kind: str, items: list, options: dict[str, Any]) -> list[FileReport]:
        if not items:
            return []
        if self.jobs == 1 or len(items) == 1:
            return _lint_chunk(kind, items, options)
        executor = self._pool()
        futures = [executor.submit(_lint_chunk, kind, chunk, options) for chunk in chunks(items, self.jobs)]
        reports: list[FileReport] = []
        try:
            for future in futures:  # submission order, so the output order never depends on timing
                reports += future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return reports

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context(self.start_method)
            self._executor = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_build_pipeline)
        return self._executor


def chunks(items: list, jobs: int) -> list[list]:
    """About four chunks per worker (to even out slow drafts), at most MAX_CHUNK drafts each."""
    size = max(1, min(MAX_CHUNK, math.ceil(len(items) / (jobs * 4))))
    return [items[start:start + size] for start in range(0, len(items), size)]


def _build_pipeline() -> None:
    from .parse import get_pipeline

    get_pipeline()


def _lint_chunk(kind: str, items: list, options: dict[str, Any]) -> list[FileReport]:
    from . import api

    if kind == "paths":
        return api.lint_paths(items, **options)
    return api.lint_sources(items, **options)
