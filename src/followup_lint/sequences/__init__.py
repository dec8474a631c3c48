"""Sequences and threads: lint the follow-up plan, not just one email.

A *plan* is a ``*.sequence.yaml`` file (a trigger and timed steps, each a template file or an inline
body); a *thread* is an ``.mbox`` file or a folder of ``.eml`` files whose sender's own messages are the
touches. Both become a ``Sequence`` of ``Step`` values (``model``), each step's text is linted with the
single-email rules, and the sequence rules (``scope: sequence``; checks in ``checks``) judge the timing,
persistence and variety of the whole. ``run`` turns it all into ``FileReport`` values.

This package is imported when the rule files are validated, so it imports nothing heavy at the top.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["SequenceError", "is_sequence_path", "lint_sequence_path", "lint_sequence_text", "lint_sequence",
           "load_plan", "load_sequence", "load_thread"]

_LAZY = {
    "SequenceError": "model", "is_sequence_path": "load", "lint_sequence_path": "run",
    "lint_sequence_text": "run", "lint_sequence": "run", "load_plan": "plan_file", "load_thread": "threads",
    "load_sequence": "load",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'followup_lint.sequences' has no attribute '{name}'")
