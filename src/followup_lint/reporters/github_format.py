"""GitHub Actions workflow commands: one `::warning file=..,line=..,col=..,endLine=..,endColumn=..,title=rule::message`
per finding, which GitHub shows as an annotation on the pull request's diff.

Levels: error -> error, warning -> warning, info -> notice. Paths are relative to the current folder (run
from the repository root). Values are escaped as the runner expects (%, CR, LF; and `:` `,` in properties).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import FileReport, Finding
from . import ReportOptions, relative_path

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def render(reports: Sequence[FileReport], options: ReportOptions) -> str:
    lines = []
    for report in reports:
        path = relative_path(report.path)
        if report.error:
            lines.append(command("error", {"file": path, "title": "followup-lint"}, report.error))
            continue
        lines += [annotation(path, finding) for finding in report.findings]
    return "".join(line + "\n" for line in lines)


def annotation(path: str, finding: Finding) -> str:
    properties = {"file": path, "line": finding.line, "col": finding.column, "endLine": finding.end_line,
                  "endColumn": finding.end_column, "title": finding.rule}
    return command(LEVELS[finding.severity], properties, finding.message)


def command(level: str, properties: dict[str, object], message: str) -> str:
    fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{level} {fields}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
