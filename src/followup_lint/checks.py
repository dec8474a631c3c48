"""Registered Python checks: for what a declarative pattern cannot say.

A rule file selects one with ``detect: {kind: check, check: <name>}``; the file still carries the id,
message, rationale, thresholds (``params``) and examples. A check yields ``Hit`` values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .detectors import Hit, RuleContext

CHECKS: dict[str, Callable[..., Iterable[Hit]]] = {}


def register(name: str):
    def add(function):
        CHECKS[name] = function
        return function
    return add
