"""Positions: map offsets in an extracted text back to the original source, and offsets to line/column.

Every later stage works on extracted text (the draft's own body, the subject line); every finding must
still point into the file the user opened. A ``TextMap`` records which slices of the source the extracted
text was copied from; ``LineIndex`` turns source offsets into 1-based lines and columns the way editors
count them (``\\r\\n``, ``\\r`` and ``\\n`` each end a line; columns count characters).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field


@dataclass
class TextMap:
    """Build extracted text piece by piece while remembering where each piece came from."""

    text_parts: list[str] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)  # offset of each piece in the extracted text
    _origins: list[int] = field(default_factory=list)  # offset of each piece in the source
    _lengths: list[int] = field(default_factory=list)  # source length covered (0 for synthetic text)
    _size: int = 0

    def copy(self, source_start: int, piece: str) -> None:
        """Append ``piece``, which stands verbatim at ``source_start`` in the source."""
        self._add(piece, source_start, len(piece))

    def insert(self, piece: str, source_at: int, source_length: int = 0) -> None:
        """Append text that is not verbatim in the source (a separator, a decoded entity) at ``source_at``."""
        self._add(piece, source_at, source_length)

    def _add(self, piece: str, origin: int, source_length: int) -> None:
        if not piece:
            return
        self.text_parts.append(piece)
        self._starts.append(self._size)
        self._origins.append(origin)
        self._lengths.append(source_length if source_length != len(piece) else -1)
        self._size += len(piece)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def to_source(self, offset: int, *, is_end: bool = False) -> int:
        """Source offset of extracted ``offset``; ``is_end`` maps an exclusive end offset."""
        if not self._starts:
            return 0
        probe = offset - 1 if is_end and offset > 0 else offset
        index = max(0, bisect.bisect_right(self._starts, probe) - 1)
        start, origin, length = self._starts[index], self._origins[index], self._lengths[index]
        inside = offset - start
        if length == -1:  # verbatim piece: one to one
            return origin + min(inside, len(self.text_parts[index]))
        # synthetic piece: anything inside it maps to its source extent
        return origin + (length if is_end else 0)

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        source_start = self.to_source(start)
        source_end = max(source_start, self.to_source(end, is_end=True))
        return source_start, source_end

    def is_exact(self, start: int, end: int) -> bool:
        """True when text[start:end] stands verbatim and contiguous in the source: an edit of that span can
        be applied to the source as it is (no tag, entity, decoded or removed text inside it)."""
        first = self._piece_at(start)
        last = self._piece_at(max(start, end - 1))
        if first is None or last is None:
            return False
        for index in range(first, last + 1):
            if self._lengths[index] != -1:
                return False
            if index > first and self._origins[index] != self._origins[index - 1] + len(self.text_parts[index - 1]):
                return False
        return True

    def _piece_at(self, offset: int) -> int | None:
        if not self._starts or offset < 0 or offset >= self._size:
            return None
        return bisect.bisect_right(self._starts, offset) - 1

    def through(self, outer: TextMap) -> TextMap:
        """This map re-based: its origins are offsets in ``outer.text``; the result maps to outer's source.

        Extraction happens in stages (HTML -> text -> the sender's own lines -> one template branch); each
        stage maps into the text of the stage before it, and ``through`` chains them to the original file.
        """
        result = TextMap()
        for piece, origin, length in zip(self.text_parts, self._origins, self._lengths):
            if length != -1:
                start, end = outer.span_to_source(origin, origin + length)
                result.insert(piece, start, end - start)
                continue
            done = 0
            while done < len(piece):
                at = origin + done
                index = outer._piece_at(at)
                if index is None:  # past the end of the outer text: keep the position of its end
                    result.insert(piece[done:], outer.to_source(at, is_end=True))
                    break
                inside = at - outer._starts[index]
                take = min(len(piece) - done, len(outer.text_parts[index]) - inside)
                if outer._lengths[index] == -1:
                    result.copy(outer._origins[index] + inside, piece[done:done + take])
                else:
                    result.insert(piece[done:done + take], outer._origins[index], outer._lengths[index])
                done += take
        return result

    @classmethod
    def identity(cls, text: str, start: int = 0, end: int | None = None) -> TextMap:
        """``text[start:end]`` as it stands in the source."""
        result = cls()
        result.copy(start, text[start:end])
        return result

    @classmethod
    def with_edits(cls, text: str, edits: list[tuple[int, int, str]], start: int = 0, end: int | None = None) -> TextMap:
        """``text[start:end]`` with each (edit_start, edit_end, replacement) applied; edits are sorted and do
        not overlap. A replacement maps to the extent of the text it replaces."""
        end = len(text) if end is None else end
        result = cls()
        position = start
        for edit_start, edit_end, replacement in edits:
            if edit_start < position:
                continue
            result.copy(position, text[position:edit_start])
            result.insert(replacement, edit_start, edit_end - edit_start)
            position = edit_end
        result.copy(position, text[position:end])
        return result


LINE_BREAK = re.compile(r"\r\n|\r|\n")  # \r\n is one break


class LineIndex:
    """1-based line/column for character offsets in a text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0, *(match.end() for match in LINE_BREAK.finditer(text))]

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")
