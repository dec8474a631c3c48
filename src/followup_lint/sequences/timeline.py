"""The timeline of a linted plan or thread: a text table, or a self-contained HTML page with an SVG.

The SVG has one lane per channel and the days on the horizontal axis; each touch is one
``<circle class="touch" data-step="N">``, coloured by the score of that step (green 90 and up, amber 60
and up, red below). A thread also draws the prospect's replies, as diamonds in their own lane. The page
needs nothing from the network: styles are inline and there is no script.
"""

from __future__ import annotations

import html
from collections import Counter

from ..findings import SEVERITY_RANK
from ..textmap import LineIndex
from .model import CHANNELS, Sequence, Step
from .run import Located, SequenceResult, StepResult

GOOD, FAIR = 90, 60
COLOURS = {"good": "#2e7d32", "fair": "#f9a825", "poor": "#c62828"}


def band(score: int) -> str:
    return "good" if score >= GOOD else "fair" if score >= FAIR else "poor"


def step_text(step: Step, sequence: Sequence) -> str:
    """What the step sends: the template as written, the inline body's line, or the message subject."""
    if sequence.kind == "thread":
        return step.label
    if step.label == "inline body":
        line = LineIndex(sequence.files[sequence.path].text).position(step.spans["head"][0])[0]
        return f"inline body (line {line})"
    return step.label


def where(item: Located, sequence: Sequence) -> str:
    return f"{item.file}:{item.finding.line}:{item.finding.column}"


def _heading(sequence: Sequence) -> str:
    return f"{sequence.name} ({_context(sequence)})"


def _context(sequence: Sequence) -> str:
    if sequence.kind == "plan":
        return f"{sequence.path}: trigger {sequence.trigger}, {sequence.day_unit} days"
    replies = len(sequence.replies)
    return f"{sequence.path}: thread of {sequence.me}, {replies} repl{'ies' if replies != 1 else 'y'}"


def render_text(result: SequenceResult) -> str:
    sequence = result.sequence
    thread = sequence.kind == "thread"
    rows = [("date" if thread else "day", "channel", "touch" if thread else "step", "text", "score", "findings")]
    for step_result in result.steps:
        step = step_result.step
        rules = ", ".join(sorted({item.finding.rule for item in step_result.findings})) or "-"
        rows.append((step.when if thread else str(step.day), step.channel,
                     str(step.touch if thread else step.number), step_text(step, sequence),
                     str(step_result.score), rules))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = [_heading(sequence), ""]
    for row in rows:
        cells = [row[0].rjust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]),
                 row[3].ljust(widths[3]), row[4].rjust(widths[4]), row[5]]
        lines.append("  ".join(cells).rstrip())
    if result.overall:
        lines.append(f"whole sequence: {', '.join(sorted({item.finding.rule for item in result.overall}))}")
    details = _details(result)
    if details:
        lines += ["", *details]
    lines += ["", summary(result)]
    return "\n".join(lines) + "\n"


def _details(result: SequenceResult) -> list[str]:
    lines = []
    for item in result.overall:
        lines.append(_finding_line(item, result.sequence))
    for step_result in result.steps:
        for item in step_result.findings:
            lines.append(_finding_line(item, result.sequence))
    return lines


def _finding_line(item: Located, sequence: Sequence) -> str:
    finding = item.finding
    return f"{where(item, sequence)}: {finding.severity} {finding.rule} {finding.message}"


def summary(result: SequenceResult) -> str:
    sequence = result.sequence
    counts = Counter(item.finding.severity for item in result.findings)
    channels = len({step.channel for step in sequence.steps})
    if sequence.kind == "plan":
        span = f"over {sequence.steps[-1].day} {sequence.day_unit} days"
    else:
        first, last = sequence.steps[0].sent, sequence.steps[-1].sent
        span = f"from {first:%Y-%m-%d} to {last:%Y-%m-%d}"
    touches = f"{len(sequence.steps)} touch{'es' if len(sequence.steps) != 1 else ''} {span} on {channels} channel{'s' if channels != 1 else ''}"
    total = sum(counts.values())
    if not total:
        return f"{touches}: no findings."
    parts = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s])
    return f"{touches}: {total} finding{'s' if total != 1 else ''} ({parts})."


# --- HTML ---------------------------------------------------------------------------------------

LANE_HEIGHT = 44
LEFT = 96
TOP = 34
RIGHT = 28
RADIUS = 11


def _position(step: Step, sequence: Sequence) -> float:
    """Days from the trigger (a plan) or from the first message (a thread), as a fraction."""
    if step.sent is not None:
        return (step.sent - sequence.steps[0].sent).total_seconds() / 86400
    return (step.day or 0) + (step.minutes or 0) / 1440


def _lanes(sequence: Sequence) -> list[str]:
    if sequence.kind == "thread":
        return ["email", "reply"] if sequence.replies else ["email"]
    return list(CHANNELS)


def render_html(result: SequenceResult) -> str:
    sequence = result.sequence
    title = f"{sequence.name}: follow-up timeline"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(sequence.name)}</h1>",
        f'<p class="meta">{html.escape(_context(sequence))}</p>',
        svg(result),
        _legend(),
        f'<p class="summary">{html.escape(summary(result))}</p>',
        _table(result),
        "</body>",
        "</html>",
        "",
    ])


def svg(result: SequenceResult) -> str:
    sequence = result.sequence
    lanes = _lanes(sequence)
    positions = [_position(step_result.step, sequence) for step_result in result.steps]
    replies = [(reply, (reply.sent - sequence.steps[0].sent).total_seconds() / 86400) for reply in sequence.replies]
    last_day = max([*positions, *(day for _, day in replies), 1.0])
    scale = max(18.0, min(120.0, 860 / last_day))

    def x(day: float) -> float:
        return LEFT + RADIUS + day * scale

    def y(lane: str) -> float:
        return TOP + LANE_HEIGHT * lanes.index(lane) + LANE_HEIGHT / 2

    marks = _mark_positions(result, positions, x)
    width = max(x(last_day), *(cx for cx, _ in marks)) + RADIUS + RIGHT
    height = TOP + LANE_HEIGHT * len(lanes) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{html.escape(sequence.name)}: '
             f'{len(result.steps)} touches">']
    for lane in lanes:
        parts.append(f'<line class="lane" x1="{LEFT}" y1="{y(lane):.1f}" x2="{width - RIGHT / 2:.1f}" y2="{y(lane):.1f}"/>')
        parts.append(f'<text class="lane-name" x="{LEFT - 10}" y="{y(lane) + 4:.1f}" text-anchor="end">{lane}</text>')
    axis_y = TOP + LANE_HEIGHT * len(lanes) + 6
    step_days = _tick_step(last_day)
    for day in range(0, int(last_day) + 1, step_days):
        parts.append(f'<line class="tick" x1="{x(day):.1f}" y1="{TOP - 6}" x2="{x(day):.1f}" y2="{axis_y:.1f}"/>')
        parts.append(f'<text class="day" x="{x(day):.1f}" y="{axis_y + 14:.1f}" text-anchor="middle">{day}</text>')
    unit = f"{sequence.day_unit} days after the {sequence.trigger}" if sequence.kind == "plan" else "days after the first message"
    parts.append(f'<text class="axis-name" x="{LEFT}" y="{TOP - 16}">{html.escape(unit)}</text>')
    if sequence.kind == "plan":
        parts.append(f'<line class="trigger" x1="{x(0):.1f}" y1="{TOP - 6}" x2="{x(0):.1f}" y2="{axis_y:.1f}"/>')
        parts.append(f'<text class="trigger-name" x="{x(0) + 4:.1f}" y="{TOP + 2}">{html.escape(sequence.trigger or "")}</text>')
    for reply, day in replies:
        cx, cy = x(day), y("reply")
        parts.append(f'<path class="reply" d="M{cx:.1f} {cy - 8:.1f} L{cx + 8:.1f} {cy:.1f} L{cx:.1f} {cy + 8:.1f} '
                     f'L{cx - 8:.1f} {cy:.1f} Z"><title>reply (message {reply.number}), '
                     f'{reply.sent:%Y-%m-%d %H:%M}</title></path>')
    for step_result, (cx, lane) in zip(result.steps, marks):
        parts.append(_mark(step_result, cx, y(lane), sequence))
    parts.append("</svg>")
    return "\n".join(parts)


def _mark_positions(result: SequenceResult, positions: list[float], x) -> list[tuple[float, str]]:
    """(x, lane) of each touch; touches too close in one lane sit side by side instead of on top."""
    last_x: dict[str, float] = {}
    marks = []
    for step_result, day in zip(result.steps, positions):
        lane = step_result.step.channel
        cx = max(x(day), last_x.get(lane, float("-inf")) + RADIUS * 2 + 2)
        last_x[lane] = cx
        marks.append((cx, lane))
    return marks


def _tick_step(last_day: float) -> int:
    for candidate in (1, 2, 5, 10, 20, 50, 100):
        if last_day / candidate <= 16:
            return candidate
    return 200


def _mark(step_result: StepResult, cx: float, cy: float, sequence: Sequence) -> str:
    step = step_result.step
    score = step_result.score
    rules = ", ".join(sorted({item.finding.rule for item in step_result.findings})) or "no findings"
    tip = f"{step.describe}: {step_text(step, sequence)}; score {score}; {rules}"
    return (f'<g class="touch-group"><circle class="touch {band(score)}" data-step="{step.number}" data-score="{score}" '
            f'cx="{cx:.1f}" cy="{cy:.1f}" r="{RADIUS}" fill="{COLOURS[band(score)]}"><title>{html.escape(tip)}</title>'
            f'</circle><text class="number" x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle">{number(step)}</text></g>')


def number(step: Step) -> int:
    """The number shown for a touch: its step in a plan, its message in a thread (as the findings say)."""
    return step.message_number if step.sent is not None else step.number


def _legend() -> str:
    items = [("good", f"score {GOOD}-100"), ("fair", f"score {FAIR}-{GOOD - 1}"), ("poor", f"score below {FAIR}")]
    spans = "".join(f'<span class="key"><span class="dot" style="background:{COLOURS[name]}"></span>{label}</span>'
                    for name, label in items)
    return f'<p class="legend">{spans}</p>'


def _table(result: SequenceResult) -> str:
    sequence = result.sequence
    thread = sequence.kind == "thread"
    head = "<tr><th>#</th><th>{}</th><th>channel</th><th>text</th><th>score</th><th>findings</th></tr>".format(
        "date" if thread else "day")
    rows = [head]
    for step_result in result.steps:
        step = step_result.step
        findings = "".join(f'<li class="{item.finding.severity}"><b>{html.escape(item.finding.rule)}</b> '
                           f'{html.escape(item.finding.message)} <span class="at">{html.escape(where(item, sequence))}</span></li>'
                           for item in _by_severity(step_result.findings))
        rows.append(f'<tr><td>{number(step)}</td><td class="when">{html.escape(step.when if thread else str(step.day))}</td>'
                    f'<td>{step.channel}</td><td>{html.escape(step_text(step, sequence))}</td>'
                    f'<td class="{band(step_result.score)}">{step_result.score}</td>'
                    f'<td><ul>{findings}</ul></td></tr>')
    overall = ""
    if result.overall:
        items = "".join(f'<li class="{item.finding.severity}"><b>{html.escape(item.finding.rule)}</b> '
                        f'{html.escape(item.finding.message)}</li>' for item in _by_severity(result.overall))
        overall = f"<h2>The whole sequence</h2><ul>{items}</ul>"
    return f"<table>{''.join(rows)}</table>{overall}"


def _by_severity(items: list[Located]) -> list[Located]:
    return sorted(items, key=lambda item: (-SEVERITY_RANK[item.finding.severity], item.finding.rule))


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 6px}
.meta,.summary{color:#57606a;margin:4px 0 12px}
svg.timeline{display:block;max-width:100%;height:auto;margin:8px 0}
.lane{stroke:#d0d7de;stroke-width:1}.tick{stroke:#eef1f4;stroke-width:1}
.lane-name,.day,.axis-name{font-size:12px;fill:#57606a}
.touch{stroke:#fff;stroke-width:2}.number{font-size:11px;font-weight:600;fill:#fff;pointer-events:none}
.reply{fill:#6e7781}.trigger{stroke:#8c959f;stroke-width:1.5;stroke-dasharray:4 3}.trigger-name{font-size:11px;fill:#57606a}
.legend .key{margin-right:16px;font-size:13px}.dot{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:5px;vertical-align:-1px}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}
td.when{white-space:nowrap}td.good{color:#2e7d32;font-weight:600}td.fair{color:#9a6700;font-weight:600}td.poor{color:#c62828;font-weight:600}
ul{margin:0;padding-left:18px}li.error b{color:#c62828}li.warning b{color:#9a6700}li.info b{color:#0969da}.at{color:#57606a}
"""
