"""A content cache of lint results, so that re-running over an unchanged repository is near-instant.

One JSON file per entry under ``.followup-lint-cache/reports-v1/``, named by a key that covers
everything a result depends on: the draft's text and file-name suffix (template handling), the
effective configuration (settings, the contents of extra rule folders, draft metadata) and the tool
version (the release plus a fingerprint of the installed package's code and built-in rules). A plan's
or thread's reports are one entry, keyed by every file the sequence read and by whose messages are the
touches (``--me``).

Writes go to a temporary file in the entry's folder and are moved into place with ``os.replace``, so two
runs at once (two git hooks) never see half an entry. An entry that cannot be read or does not parse is
a miss, and the next ``put`` replaces it. A cache folder that cannot be written is not an error: the
run simply goes uncached. Entries are never read from or written to the linted files themselves.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

from . import __version__
from .atomic import replace_file
from .findings import FileReport
from .read import Source
from .serialize import report_from_dict

CACHE_DIR_NAME = ".followup-lint-cache"
CACHE_DIR_ENV = "FOLLOWUP_LINT_CACHE_DIR"
SCHEMA = 1
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by followup-lint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
_CODE_SUFFIXES = (".py", ".yaml", ".yml", ".j2")


def default_cache_dir(cwd: str | os.PathLike[str] | None = None) -> Path:
    """``$FOLLOWUP_LINT_CACHE_DIR``, else ``.followup-lint-cache`` in the working directory."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    return Path(cwd or os.getcwd()) / CACHE_DIR_NAME


@functools.lru_cache(maxsize=1)
def tool_version() -> str:
    """The release number plus a fingerprint of the package's code and built-in rules, so that an edited
    checkout (same release number, different behaviour) never reads results an older build wrote."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for directory, subdirs, files in os.walk(package, followlinks=True):
        subdirs[:] = sorted(d for d in subdirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if not name.endswith(_CODE_SUFFIXES):
                continue
            path = os.path.join(directory, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            digest.update(f"{os.path.relpath(path, package)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def config_fingerprint(settings: Any, metadata: Mapping[str, Any] | None = None) -> str:
    """Everything besides the draft that decides its findings: the settings (``Settings.fingerprint``),
    the contents of the rule files in its extra rule folders, and the draft metadata (``--meta``)."""
    parts = {
        "settings": settings.fingerprint(),
        "rules": rules_dirs_digest(getattr(settings, "rules_dirs", ())),
        "metadata": json.dumps(metadata or {}, sort_keys=True, default=str),
    }
    return json.dumps(parts, sort_keys=True)


def rules_dirs_digest(directories: Iterable[str | os.PathLike[str]]) -> str:
    """A digest of every rule file's name and bytes in these folders (a missing folder counts as empty)."""
    digest = hashlib.sha256()
    for directory in directories:
        digest.update(f"dir\0{directory}\n".encode())
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            if not name.endswith((".yaml", ".yml")):
                continue
            try:
                data = Path(directory, name).read_bytes()
            except OSError:
                data = b"(unreadable)"
            digest.update(f"file\0{name}\0{len(data)}\n".encode())
            digest.update(data)
    return digest.hexdigest()


def cache_key(content: bytes, config_fingerprint: str, version: str, *, path: str | None = None,
              template: bool = False) -> str:
    """The key of one draft's result. Only the file-name suffixes of `path` count (they decide whether the
    draft is a template), and whether the configuration's `template-files` name it; the rest of the path
    does not, so a renamed or copied file still hits."""
    suffix = "".join(PurePath(path).suffixes).lower() if path and path != "-" else ""
    digest = hashlib.sha256()
    for part in (f"schema={SCHEMA}", version, config_fingerprint, suffix, "template" if template else ""):
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    digest.update(content)
    return digest.hexdigest()


def sequence_key(sequence: Any, config_fingerprint: str, version: str | None = None) -> str:
    """The key of a plan's or thread's reports: every file it read (path, encoding and text), whose
    messages are the touches (``me``), the configuration and the tool version."""
    parts = [f"sequence\0{sequence.kind}\0{sequence.path}\0{sequence.me or ''}"]
    for path in sorted(sequence.files):
        source = sequence.files[path]
        parts.append(f"file\0{path}\0{source.encoding}\0{source.bom!r}\0{source.newline!r}\0{len(source.text)}\0")
        parts.append(source.text)
    content = "".join(parts).encode("utf-8", "surrogatepass")
    return cache_key(content, config_fingerprint, version or tool_version())


def source_key(source: Source, config_fingerprint: str, version: str | None = None, *, template: bool = False) -> str:
    content = source.text.encode("utf-8", "surrogatepass")
    return cache_key(content, config_fingerprint, version or tool_version(), path=source.path, template=template)


class ReportCache:
    """Lint results by key, one JSON file each under ``root``."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.entries = self.root / f"reports-v{SCHEMA}"
        self.hits = 0
        self.misses = 0
        self.writable = True  # turns False after the first failed write: the run goes on uncached

    def path_for(self, key: str) -> Path:
        return self.entries / key[:2] / f"{key}.json"

    def get(self, key: str, *, path: str | None = None, source_text: str = "") -> FileReport | None:
        """The stored report, renamed to `path` and given `source_text`; None when absent or unreadable."""
        report = self._load(key, lambda entry: report_from_dict(entry["report"], source_text=source_text))
        if report is not None and path is not None:
            report.path = path
        return report

    def get_sequence(self, key: str, files: Mapping[str, Source]) -> list[FileReport] | None:
        """A plan's or thread's stored reports, each given its file's text; None when absent or unreadable."""

        def reports(entry: dict) -> list[FileReport]:
            return [report_from_dict(item, source_text=files[item["path"]].text if item["path"] in files else "")
                    for item in entry["reports"]]

        return self._load(key, reports)

    def _load(self, key: str, decode: Callable[[dict], Any]) -> Any:
        try:
            with open(self.path_for(key), encoding="utf-8") as handle:
                entry = json.load(handle)
            if not isinstance(entry, dict) or entry.get("schema") != SCHEMA or entry.get("key") != key:
                raise ValueError("not this entry")
            value = decode(entry)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            self.misses += 1  # absent, half-written by a crashed run, or not ours: `put` rebuilds it
            return None
        self.hits += 1
        return value

    def put(self, key: str, report: FileReport) -> bool:
        """Store a report; returns False when it was not stored (a read error, or the cache is unwritable)."""
        if report.error:
            return False
        return self._store(key, {"report": report.to_dict()})

    def put_sequence(self, key: str, reports: Sequence[FileReport]) -> bool:
        """Store a plan's or thread's reports, one entry for all of them."""
        return self._store(key, {"reports": [report.to_dict() for report in reports]})

    def _store(self, key: str, entry: dict[str, Any]) -> bool:
        if not self.writable:
            return False
        payload = json.dumps({"schema": SCHEMA, "key": key, **entry}, ensure_ascii=True)
        target = self.path_for(key)
        try:
            self._prepare(target.parent)
            _write_atomically(target, payload)
        except OSError:
            self.writable = False
            return False
        return True

    def _prepare(self, folder: Path) -> None:
        if folder.is_dir():
            return
        first_use = not self.root.is_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if first_use:
            # Keep the cache out of version control and backups without touching the user's .gitignore.
            _write_atomically(self.root / ".gitignore", "# created by followup-lint\n*\n")
            _write_atomically(self.root / "CACHEDIR.TAG", _CACHEDIR_TAG)


def _write_atomically(target: Path, text: str) -> None:
    replace_file(target, text.encode("utf-8"), prefix=".tmp-", suffix=".json")


def lint_through_cache(sources: Sequence[Source], lint: Callable[[list[Source]], list[FileReport]], *,
                       cache: ReportCache | None, config_fingerprint: str, version: str | None = None,
                       is_template: Callable[[str | None], bool] = lambda path: False) -> list[FileReport]:
    """Reports for `sources` in their order: cached ones from `cache`, the rest from `lint` (called once,
    with the misses only, e.g. ``api.lint_sources`` or ``parallel.lint_sources``), which are then stored.

    Store reports straight from linting, before ``--fix``/``--diff`` add notes or change the text."""
    if cache is None:
        return list(lint(list(sources)))
    version = version or tool_version()
    keys = [source_key(source, config_fingerprint, version, template=is_template(source.path)) for source in sources]
    reports: list[FileReport | None] = [
        cache.get(key, path=source.display_path, source_text=source.text) for key, source in zip(keys, sources)
    ]
    missing = [index for index, report in enumerate(reports) if report is None]
    if missing:
        fresh = lint([sources[index] for index in missing])
        for index, report in zip(missing, fresh):
            cache.put(keys[index], report)
            reports[index] = report
    return [report for report in reports if report is not None]


def lint_sequence_through_cache(sequence: Any, lint: Callable[[Any], list[FileReport]], *,
                                cache: ReportCache | None, config_fingerprint: str) -> list[FileReport]:
    """A plan's or thread's reports: from `cache` when none of its files changed, else from `lint` (called
    with the sequence, e.g. ``sequences.run.lint_sequence``), which are then stored."""
    if cache is None:
        return lint(sequence)
    key = sequence_key(sequence, config_fingerprint)
    reports = cache.get_sequence(key, sequence.files)
    if reports is None:
        reports = lint(sequence)
        cache.put_sequence(key, reports)
    return reports
