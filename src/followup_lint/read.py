"""Read a draft: bytes from a file or stdin, decoded to text, with how it was stored.

The encoding, byte-order mark and newline style are kept so that ``--fix`` can write the file back
exactly as it was found, changed only where a fix applies.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 1_000_000
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class InputError(Exception):
    """A draft that cannot be read; the message is one line meant for the user."""


@dataclass(frozen=True)
class Source:
    path: str | None
    text: str
    encoding: str = "utf-8"
    bom: bytes = b""
    newline: str = "\n"

    @property
    def display_path(self) -> str:
        return self.path or "-"

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def read_path(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    try:
        size = os.path.getsize(path)
        if os.path.isdir(path):
            raise InputError(f"{path}: is a directory")
        if size > max_bytes:
            raise InputError(f"{path}: file is {size:,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if len(data) > max_bytes:
        raise InputError(f"{path}: file is over the limit of {max_bytes:,} bytes (--max-bytes)")
    return decode(data, path)


def decode(data: bytes, path: str | None = None) -> Source:
    """Decode bytes: a byte-order mark wins, then strict UTF-8, then a detected legacy charset."""
    name = path or "-"
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as error:
                raise InputError(f"{name}: not valid {encoding} after its byte-order mark ({error.reason})") from None
            return Source(path, text, encoding, bom, newline_style(text))
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file (contains NUL bytes), not a text draft")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        text, encoding = _decode_legacy(data, name)
    return Source(path, text, encoding, b"", newline_style(text))


def _decode_legacy(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: cannot decode the text (not UTF-8, and no other encoding fits)")
    encoding = codecs.lookup(best.encoding).name
    if encoding in ("latin-1", "iso8859-1"):  # charset-normalizer says latin-1 for most cp1252 text
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return str(best), encoding


def newline_style(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    if crlf >= max(cr, lf) and crlf:
        return "\r\n"
    if cr > lf:
        return "\r"
    return "\n"
