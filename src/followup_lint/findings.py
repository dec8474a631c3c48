"""Findings: what a rule found, where it is in the source file, and how to fix it. Plain values."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
SCORE_WEIGHTS = {"error": 25, "warning": 10, "info": 3}


@dataclass(frozen=True)
class Edit:
    """Replace source[start:end] with ``replacement`` (0-based character offsets in the decoded source)."""

    start: int
    end: int
    replacement: str = ""


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    start: int  # 0-based character offsets into the file's decoded text
    end: int
    line: int  # 1-based
    column: int
    end_line: int
    end_column: int
    category: str = ""
    remedies: tuple[str, ...] = ()
    edits: tuple[Edit, ...] = ()
    # Offsets in the extracted body, set only when the source position is approximate (e.g. a base64 .eml)
    body_span: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["remedies"] = list(self.remedies)
        data["edits"] = [asdict(edit) for edit in self.edits]
        data["fixable"] = bool(self.edits)
        if self.body_span is None:
            del data["body_span"]
        else:
            data["body_span"] = list(self.body_span)
        return data


@dataclass
class FileReport:
    path: str
    findings: list[Finding] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    source_text: str = field(default="", repr=False)  # for excerpts and fixes; not serialised

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "metrics": self.metrics,
                                "findings": [f.to_dict() for f in self.findings]}
        if self.error:
            data["error"] = self.error
        if self.notes:
            data["notes"] = self.notes
        if self.suppressed:
            data["suppressed"] = [f.to_dict() for f in self.suppressed]
        return data

    def worst_rank(self) -> int:
        return max((SEVERITY_RANK[f.severity] for f in self.findings), default=-1)


def score(findings: list[Finding]) -> int:
    """100 minus 25 per error, 10 per warning, 3 per info, floored at 0."""
    return max(0, 100 - sum(SCORE_WEIGHTS[f.severity] for f in findings))
