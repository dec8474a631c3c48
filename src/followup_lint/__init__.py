"""followup-lint: a linter and rewriting assistant for sales follow-up emails.

The public API is imported lazily so that ``import followup_lint`` stays cheap (no spaCy until needed):
``lint_text``, ``lint_paths``, ``lint_bytes``, ``available_rules``, ``FileReport``, ``Finding``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"
__all__ = ["lint_text", "lint_paths", "lint_bytes", "available_rules", "FileReport", "Finding", "__version__"]

_LAZY = {
    "lint_text": "api", "lint_paths": "api", "lint_bytes": "api", "available_rules": "api",
    "FileReport": "findings", "Finding": "findings",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'followup_lint' has no attribute '{name}'")
