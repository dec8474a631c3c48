"""Linting never writes: the commands that only read leave a read-only repository of templates exactly as it
was, byte for byte, with no file added or removed (only --fix, init and install-hook write; the cache writes
nowhere but its own folder)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat

import pytest

from helpers import run_cli

CACHE_DIR = ".followup-lint-cache"


def snapshot(root) -> dict[str, tuple]:
    """Every file's bytes, mode and modification time, and every folder's mode, listing and modification
    time (a temporary file created and removed again still changes its folder's time)."""
    state = {}
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        relative = os.path.relpath(directory, root)
        info = os.stat(directory)
        state[relative + "/"] = ("dir", info.st_mode, info.st_mtime_ns, tuple(sorted(subdirs + files)))
        for name in sorted(files):
            path = os.path.join(directory, name)
            info = os.lstat(path)
            with open(path, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
            state[os.path.join(relative, name)] = ("file", info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return state


def without_cache(state: dict[str, tuple]) -> dict[str, tuple]:
    """The state apart from the cache's own folder (and the top folder's time and listing, which its creation
    changes)."""
    kept = {key: value for key, value in state.items() if not key.startswith((CACHE_DIR + "/", f"./{CACHE_DIR}"))}
    if "./" in kept and CACHE_DIR in kept["./"][3]:
        mode, _, listing = kept["./"][1], kept["./"][2], kept["./"][3]
        kept["./"] = ("dir", mode, "(changed by the cache)", tuple(name for name in listing if name != CACHE_DIR))
    return kept


def make_read_only(root) -> None:
    for directory, subdirs, files in os.walk(root, topdown=False):
        for name in files:
            os.chmod(os.path.join(directory, name), stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.chmod(directory, stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)


@pytest.fixture
def repository(root, tmp_path):
    """A copy of a repository of email templates and drafts, with its own configuration, made read-only."""
    repo = tmp_path / "repo"
    shutil.copytree(root / "templates", repo / "templates")
    shutil.copytree(root / "examples", repo / "drafts")
    for path in sorted((root / "tests" / "corpus" / "catalogue").glob("*.txt"))[:15]:
        shutil.copy(path, repo / "drafts" / path.name)
    drafts = repo / "drafts"
    crlf_with_bom = b"\xef\xbb\xbfHi Sam,\r\n\r\nI just wanted to check in.\r\nAny update?\r\n"
    drafts.joinpath("crlf-bom.txt").write_bytes(crlf_with_bom)
    latin1 = "Hi Zoë, just checking in on the café order. Any update?\n".encode("cp1252")
    drafts.joinpath("latin1.txt").write_bytes(latin1)
    (repo / ".followup-lint.toml").write_text('ignore = ["too-long"]\n')
    (repo / ".git").mkdir()
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    yield repo
    for directory, _, _ in os.walk(repo):
        os.chmod(directory, stat.S_IRWXU)  # let tmp_path clean-up remove it


READ_ONLY_COMMANDS = [
    ["."],
    ["drafts", "templates", "--format", "json"],
    [".", "--diff"],
    [".", "--statistics", "--show-suppressed"],
    ["drafts/checking-in.txt", "--select", "filler", "--meta", "touch=2"],
    ["rules"],
    ["explain", "filler"],
    ["templates"],
    ["suggest", "drafts/checking-in.txt"],
]


def test_read_only_commands_change_no_byte_of_a_read_only_repository(repository):
    make_read_only(repository)
    before = snapshot(repository)
    for arguments in READ_ONLY_COMMANDS:
        result = run_cli(*arguments, cwd=repository)
        stderr = result.stderr.decode()
        assert result.returncode in (0, 1), (arguments, stderr)
        assert "Traceback" not in stderr, arguments
        assert without_cache(snapshot(repository)) == without_cache(before), arguments
    assert snapshot(repository)["drafts/crlf-bom.txt"] == before["drafts/crlf-bom.txt"]


def test_linting_from_stdin_writes_nothing_either(repository):
    make_read_only(repository)
    before = snapshot(repository)
    draft = (repository / "drafts" / "checking-in.txt").read_bytes()
    result = run_cli("-", "--stdin-filename", "drafts/checking-in.txt", "--format", "json", input=draft,
                     cwd=repository)
    assert result.returncode == 1, result.stderr.decode()
    assert without_cache(snapshot(repository)) == without_cache(before)
