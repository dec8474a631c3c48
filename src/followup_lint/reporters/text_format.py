"""`path:line:col: severity rule-id message`, the source line with a ^^^ underline, and a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import click

from ..findings import FileReport
from ..textmap import LineIndex
from . import ReportOptions

_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def render(reports: Sequence[FileReport], options: ReportOptions) -> str:
    if options.statistics:
        return statistics(reports, options)
    out: list[str] = []
    for report in reports:
        if report.error:
            continue  # errors go to stderr, from the CLI
        lines = LineIndex(report.source_text) if options.show_source and report.source_text else None
        shown = [(f, "") for f in report.findings]
        if options.show_suppressed:
            shown = sorted(shown + [(f, " (suppressed)") for f in report.suppressed], key=lambda item: item[0].start)
        for finding, note in shown:
            severity = _style(finding.severity, options, fg=_COLORS[finding.severity], bold=True)
            location = _style(f"{report.path}:{finding.line}:{finding.column}:", options, bold=True)
            fixable = " (fixable)" if finding.edits else ""  # --fix can apply its edits
            out.append(f"{location} {severity} {_style(finding.rule, options, fg='magenta')} {finding.message}"
                       f"{fixable}{note}")
            if lines is not None:
                out.extend(_excerpt(lines, finding))
        if not report.findings and not report.source_text.strip() and not report.notes:
            out.append(f"{report.path}: note: empty file, nothing to lint")
        for note in report.notes:
            out.append(f"{report.path}: note: {note}")
    if not options.quiet:
        out.append(summary(reports))
    return "\n".join(out) + ("\n" if out else "")


def _excerpt(lines: LineIndex, finding) -> list[str]:
    text = lines.line_text(finding.line).expandtabs(1)
    end_column = finding.end_column if finding.end_line == finding.line else len(text) + 1
    width = max(1, end_column - finding.column)
    gutter = f"{finding.line:>4} | "
    return [gutter + text, " " * (len(gutter) - 2) + "| " + " " * (finding.column - 1) + "^" * width]


def statistics(reports: Sequence[FileReport], options: ReportOptions) -> str:
    counts = Counter((f.rule, f.severity) for r in reports for f in r.findings)
    titles = {rule.id: rule.title for rule in options.rules}
    lines = [f"{count:>5}  {rule:<20} {severity:<8} {titles.get(rule, '')}".rstrip()
             for (rule, severity), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    if not options.quiet:
        lines.append(summary(reports))
    return "\n".join(lines) + "\n"


def summary(reports: Sequence[FileReport]) -> str:
    checked = [r for r in reports if not r.error]
    counts = Counter(f.severity for r in checked for f in r.findings)
    files = f"{len(checked)} file{'s' if len(checked) != 1 else ''}"
    total = sum(counts.values())
    if not total:
        return f"All clean: {files} checked."
    parts = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s])
    scores = [r.metrics.get("score") for r in checked if "score" in r.metrics]
    score = f"; score {scores[0]}/100" if len(scores) == 1 else ""
    fixable = sum(1 for r in checked for f in r.findings if f.edits)
    fix_hint = f" {fixable} fixable with --fix." if fixable else ""
    return f"Found {total} finding{'s' if total != 1 else ''} ({parts}) in {files}{score}.{fix_hint}"


def _style(text: str, options: ReportOptions, **style) -> str:
    return click.style(text, **style) if options.color else text
