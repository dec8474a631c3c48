"""Read drafts as git has them: the staged version (`:`) or a commit's, for hooks, in one git process.

``git cat-file --batch`` answers a stream of ``REV:./path`` requests; paths are taken relative to the
working directory, as the user named them. Each answer is decoded like a file read from disk
(``read.decode``), so encodings, byte-order marks and the size limit behave the same.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence

from .read import InputError, MissingFileError, Source, decode


class GitError(InputError):
    """git is missing, or this is not a repository, or the revision does not exist."""


def read_blobs(paths: Sequence[str], rev: str, *, max_bytes: int) -> dict[str, Source | InputError]:
    """Each path as it is at `rev` (``:`` for the index): its Source, or the InputError that says why not."""
    if not paths:
        return {}
    requests = "".join(f"{_object_name(rev, path)}\n" for path in paths).encode("utf-8", "surrogateescape")
    try:
        done = subprocess.run(["git", "cat-file", "--batch"], input=requests, capture_output=True, check=False)
    except OSError as error:
        raise GitError(f"--git-rev: cannot run git ({error.strerror or error})") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = message[-1].removeprefix("fatal: ") if message else "git cat-file failed"
        raise GitError(f"--git-rev: {reason}")
    return dict(zip(paths, _answers(done.stdout, paths, rev, max_bytes)))


def _object_name(rev: str, path: str) -> str:
    relative = os.path.relpath(path)
    if not relative.startswith(("./", "../")) and relative != "..":
        relative = "./" + relative
    return f":{relative}" if rev == ":" else f"{rev}:{relative}"


def _answers(output: bytes, paths: Sequence[str], rev: str, max_bytes: int):
    position = 0
    where = "the staged version" if rev == ":" else rev
    for path in paths:
        end = output.index(b"\n", position)
        header = output[position:end].split()
        position = end + 1
        if len(header) != 3:  # "<name> missing" or "<name> ambiguous"
            yield MissingFileError(f"{path}: not in {where}")
            continue
        kind, size = header[1].decode(), int(header[2])
        data = output[position:position + size]
        position += size + 1
        if kind != "blob":
            yield MissingFileError(f"{path}: a {kind} in {where}, not a file")
        elif size > max_bytes:
            yield InputError(f"{path}: file is {size:,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
        else:
            try:
                yield decode(data, path)
            except InputError as error:
                yield error
