"""`followup-lint plan --format html` renders in a real browser: headless Chromium loads the page, its DOM
has one mark per step, and its screenshot shows one coloured disc per step, in the colour of its score.

Needs Debian's `chromium` package (CI installs it); without it the tests are skipped.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections import Counter
from html.parser import HTMLParser

import pytest
from helpers import run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                                                         "(Debian package `chromium`; CI installs it)")

PLANS = [
    ("examples/sequences/post-demo.sequence.yaml", 8),
    ("examples/sequences/rushed.sequence.yaml", 3),
    ("examples/sequences/web-form-blitz.sequence.yaml", 6),
    ("tests/threads/demo-thread.mbox", 5),
]
COLOURS = {"good": (0x2E, 0x7D, 0x32), "fair": (0xF9, 0xA8, 0x25), "poor": (0xC6, 0x28, 0x28)}


@pytest.fixture(autouse=True)
def in_repository(root, monkeypatch):
    monkeypatch.chdir(root)


def page_for(path: str, tmp_path) -> str:
    target = tmp_path / "plan.html"
    result = run_cli("plan", path, "--format", "html", "-o", str(target))
    assert result.returncode in (0, 1), result.stderr.decode()
    return target.as_uri()


def chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(command, capture_output=True, timeout=120, check=False)


class Marks(HTMLParser):
    """The touch marks inside the page's SVG: (data-step, score band) of each circle.touch."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.marks: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "svg":
            self.depth += 1
        elif tag == "circle" and self.depth and "touch" in (attributes.get("class") or "").split():
            band = next(name for name in COLOURS if name in attributes["class"].split())
            self.marks.append((int(attributes["data-step"]), band))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1


def marks_in(markup: str) -> list[tuple[int, str]]:
    parser = Marks()
    parser.feed(markup)
    return parser.marks


@pytest.mark.parametrize(("path", "steps"), PLANS)
def test_the_browser_dom_has_one_mark_per_step(path, steps, tmp_path):
    result = chromium(tmp_path, "--dump-dom", page_for(path, tmp_path))
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    marks = marks_in(result.stdout.decode())
    assert [step for step, _ in marks] == list(range(1, steps + 1))


@pytest.mark.parametrize(("path", "steps"), PLANS)
def test_the_screenshot_shows_one_disc_per_step(path, steps, tmp_path):
    url = page_for(path, tmp_path)
    shot = tmp_path / "shot.png"
    result = chromium(tmp_path, "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=1000,460",
                      f"--screenshot={shot}", url)
    assert result.returncode == 0 and shot.exists(), result.stderr.decode()[-2000:]
    width, height, pixels = read_png(shot.read_bytes())
    expected = Counter(band for _, band in marks_in((tmp_path / "plan.html").read_text(encoding="utf-8")))
    seen = Counter({band: len(areas) for band, areas in discs(pixels, width, height).items()})
    assert +seen == expected
    assert sum(seen.values()) == steps


def discs(pixels: list[bytearray], width: int, height: int, min_area: int = 150) -> dict[str, list[int]]:
    """Per score colour, the connected areas of that colour at least `min_area` pixels big: the marks, not
    the legend dots or coloured text. A colour matches within 3 levels per channel (antialiasing aside)."""
    near = {(r + dr, g + dg, b + db): band for band, (r, g, b) in COLOURS.items()
            for dr in range(-3, 4) for dg in range(-3, 4) for db in range(-3, 4)}
    inside: dict[str, set[tuple[int, int]]] = {band: set() for band in COLOURS}
    for y, row in enumerate(pixels):
        for x in range(width):
            band = near.get((row[3 * x], row[3 * x + 1], row[3 * x + 2]))
            if band:
                inside[band].add((x, y))
    return {band: [area for area in _areas(points) if area >= min_area] for band, points in inside.items()}


def _areas(points: set[tuple[int, int]]) -> list[int]:
    areas = []
    while points:
        stack = [points.pop()]
        area = 0
        while stack:
            x, y = stack.pop()
            area += 1
            for neighbour in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if neighbour in points:
                    points.remove(neighbour)
                    stack.append(neighbour)
        areas.append(area)
    return areas


def read_png(data: bytes) -> tuple[int, int, list[bytearray]]:
    """Decode an 8-bit RGB or RGBA, non-interlaced PNG into rows of RGB bytes (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, compressed = 8, bytearray()
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        position += 12 + length
    assert depth == 8 and interlace == 0 and colour_type in (2, 6)
    channels = 3 if colour_type == 2 else 4
    stride = width * channels
    raw = zlib.decompress(bytes(compressed))
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        line = unfilter(raw[start], bytearray(raw[start + 1:start + 1 + stride]), previous, channels)
        rows.append(line if channels == 3 else bytearray(b for i, b in enumerate(line) if i % 4 != 3))
        previous = line
    return width, height, rows


def unfilter(kind: int, line: bytearray, previous: bytearray, channels: int) -> bytearray:
    if kind == 0:
        return line
    if kind == 2:
        return bytearray((a + b) & 255 for a, b in zip(line, previous))
    for i in range(len(line)):
        left = line[i - channels] if i >= channels else 0
        up = previous[i]
        if kind == 1:
            line[i] = (line[i] + left) & 255
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 255
        else:
            corner = previous[i - channels] if i >= channels else 0
            estimate = left + up - corner
            distances = (abs(estimate - left), abs(estimate - up), abs(estimate - corner))
            line[i] = (line[i] + (left, up, corner)[distances.index(min(distances))]) & 255
    return line
