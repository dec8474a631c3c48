"""Replace a file in one step: the bytes go to a temporary file in the same folder, which then replaces the
target (``os.replace``), so a reader sees the old file or the new one, never half of each. Used by every
writer: ``--fix``, the cache, ``plan -o`` and ``install-hook``."""

from __future__ import annotations

import os
import tempfile


def replace_file(target: str | os.PathLike[str], data: bytes, *, mode: int | None = None,
                 owner: tuple[int, int] | None = None, sync: bool = False, prefix: str = ".followup-lint-",
                 suffix: str = ".tmp") -> None:
    """Write `data` over `target`. `mode`: the new file's permission bits (else the temporary file's 0o600);
    `owner`: (uid, gid) to keep, where the system lets us; `sync`: flush to disk before the rename."""
    folder = os.path.dirname(os.fspath(target)) or "."
    handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if sync:
                stream.flush()
                os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        if owner is not None:
            _keep_owner(temporary, owner)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def _keep_owner(path: str, owner: tuple[int, int]) -> None:
    if not hasattr(os, "chown"):
        return
    try:
        os.chown(path, *owner)
    except PermissionError:  # only the owner's own group or root may keep a foreign owner
        pass
