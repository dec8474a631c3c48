"""Find the drafts to lint: files named directly, and draft-like files inside named folders."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

DRAFT_SUFFIXES = (
    ".txt", ".text", ".md", ".markdown", ".eml", ".html", ".htm",
    ".j2", ".jinja", ".jinja2", ".hbs", ".handlebars", ".mustache", ".liquid", ".blade.php",
)
SEQUENCE_SUFFIXES = (".sequence.yaml", ".sequence.yml", ".mbox")  # plans and threads, linted as sequences
LINTABLE_SUFFIXES = DRAFT_SUFFIXES + SEQUENCE_SUFFIXES
SKIPPED_DIRS = {".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv", ".tox", ".followup-lint-cache"}


def is_draft_file(name: str) -> bool:
    return name.lower().endswith(DRAFT_SUFFIXES)


def is_sequence_file(name: str) -> bool:
    """A follow-up plan or an mbox thread, linted as a sequence."""
    return name.lower().endswith(SEQUENCE_SUFFIXES)


def is_lintable_file(name: str) -> bool:
    """A draft, or a follow-up plan or thread."""
    return name.lower().endswith(LINTABLE_SUFFIXES)


def iter_paths(paths: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """Yield (path, named_directly). Folders are walked in sorted order; hidden and VCS folders are skipped."""
    for path in paths:
        if os.path.isdir(path):
            yield from ((found, False) for found in _walk(path))
        else:
            yield path, True


def _walk(root: str) -> Iterator[str]:
    seen: set[tuple[int, int]] = set()
    for directory, subdirs, files in os.walk(root, followlinks=True):
        try:
            info = os.stat(directory)
        except OSError:
            subdirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen:  # a symlink loop
            subdirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        for name in sorted(files):
            if is_lintable_file(name) and not name.startswith("."):
                yield str(Path(directory) / name)
