"""Read a plan (with its step files), a mailbox or a folder of .eml files into a ``Sequence``.

Nothing here imports spaCy: the command line reads a sequence to compute its cache key before deciding
whether to lint it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

from ..read import DEFAULT_MAX_BYTES, InputError, Source, read_path
from .model import Sequence, SequenceError
from .plan_file import is_plan_path, load_plan
from .threads import is_mailbox_path, load_thread


def is_sequence_path(path: str) -> bool:
    """A plan (`*.sequence.yaml`) or a mailbox (`.mbox`); a folder of .eml files is a thread only when asked."""
    return is_plan_path(path) or is_mailbox_path(path)


def load_sequence(path: str, *, me: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                  read: Callable[[str], Source] | None = None) -> Sequence:
    """A plan (with its step files), a mailbox or a folder of .eml files. ``read`` (path -> Source) reads a
    plan and its step files from elsewhere than the working tree (``--git-rev``); threads are always read
    from the working tree."""
    if is_plan_path(path):
        read = read or functools.partial(read_path, max_bytes=max_bytes)
        try:
            source = read(path)
        except InputError as error:
            raise SequenceError(str(error)) from None
        return load_plan(source, max_bytes=max_bytes, read=read)
    if os.path.isdir(path) or is_mailbox_path(path):
        return load_thread(path, me=me, max_bytes=max_bytes)
    if not os.path.exists(path):
        raise SequenceError(f"{path}: no such file")
    raise SequenceError(f"{path}: not a sequence (expected a *.sequence.yaml plan, an .mbox file or a folder of .eml files)")
