"""Reporters turn file reports into output text, one module per format."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module

from ..findings import FileReport

FORMATS = ("text", "json", "sarif", "github", "junit")


@dataclass
class ReportOptions:
    color: bool = False
    quiet: bool = False
    show_source: bool = True
    version: str = ""
    rules: Sequence = field(default_factory=list)  # Rule values, for formats that describe rules
    statistics: bool = False  # counts per rule instead of findings (text format)
    show_suppressed: bool = False
    fail_on: str = "info"  # the least severe finding that fails the run (formats that pass or fail, JUnit)


def relative_path(path: str) -> str:
    """`path` relative to the current folder when it lies inside it, with forward slashes: CI services
    (GitHub annotations, code scanning) resolve paths against the repository root."""
    import os

    if path == "-" or not os.path.isabs(path):
        return path.replace(os.sep, "/")
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def get_reporter(name: str) -> Callable[[Sequence[FileReport], ReportOptions], str]:
    return import_module(f".{name}_format", __name__).render
