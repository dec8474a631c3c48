"""One JSON object: `{"version", "files": [{"path", "metrics", "findings"}], "summary"}`."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from ..findings import FileReport
from . import ReportOptions


def render(reports: Sequence[FileReport], options: ReportOptions) -> str:
    counts = Counter(f.severity for r in reports for f in r.findings)
    document = {
        "version": options.version,
        "files": [report.to_dict() for report in reports],
        "summary": {"files": len(reports), "findings": sum(counts.values()), **{s: counts[s] for s in ("error", "warning", "info")}},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
