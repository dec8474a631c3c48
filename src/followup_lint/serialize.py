"""FileReport and Finding back from the plain dicts ``to_dict`` makes (the JSON output, the report cache).

``report_from_dict(report.to_dict())`` equals the report except ``source_text``, which is never
serialised: pass it back in when excerpts or fixes need it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .findings import Edit, FileReport, Finding

_FINDING_FIELDS = ("rule", "severity", "message", "start", "end", "line", "column", "end_line", "end_column")


def edit_from_dict(data: Mapping[str, Any]) -> Edit:
    return Edit(int(data["start"]), int(data["end"]), str(data.get("replacement", "")))


def finding_from_dict(data: Mapping[str, Any]) -> Finding:
    """The inverse of ``Finding.to_dict``; derived keys such as ``fixable`` are ignored."""
    values = {name: data[name] for name in _FINDING_FIELDS}
    return Finding(
        **values,
        category=data.get("category", ""),
        remedies=tuple(data.get("remedies") or ()),
        edits=tuple(edit_from_dict(edit) for edit in data.get("edits") or ()),
        body_span=tuple(data["body_span"]) if data.get("body_span") else None,
    )


def report_from_dict(data: Mapping[str, Any], *, source_text: str = "") -> FileReport:
    """The inverse of ``FileReport.to_dict``."""
    return FileReport(
        path=data["path"],
        findings=[finding_from_dict(item) for item in data.get("findings") or ()],
        metrics=dict(data.get("metrics") or {}),
        error=data.get("error"),
        notes=list(data.get("notes") or ()),
        suppressed=[finding_from_dict(item) for item in data.get("suppressed") or ()],
        source_text=source_text,
    )
