"""Read a draft: bytes from a file or stdin, decoded to text, with how it was stored.

The encoding, byte-order mark and newline style are kept so that ``--fix`` can write the file back
exactly as it was found, changed only where a fix applies.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
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


class NotADraftError(InputError):
    """Binary data, or a link that leads nowhere: an error when named, skipped with a warning in a folder walk."""


class MissingFileError(InputError):
    """No file at the path: a typo when named, a file deleted mid-run when a folder walk found it."""


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
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{path}: is a directory")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            raise NotADraftError(f"{path}: not a regular file")
        if info.st_size > max_bytes:
            raise InputError(f"{path}: file is {info.st_size:,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        if os.path.islink(path):
            raise NotADraftError(f"{path}: broken symbolic link") from None
        raise MissingFileError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotADraftError(f"{path}: symbolic link loop") from None
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
        raise NotADraftError(f"{name}: binary file (contains NUL bytes), not a text draft")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        text, encoding = _decode_legacy(data, name)
    return Source(path, text, encoding, b"", newline_style(text))


def _decode_legacy(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise NotADraftError(f"{name}: binary file or unknown encoding (not UTF-8, and no other encoding fits)")
    if _western(results):
        # Short Western text fits cp1250, cp1252 and Latin-1 alike and the detector's pick among them is close
        # to chance; drafts in that family are overwhelmingly Windows-1252 (a superset of Latin-1's letters).
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"
    return str(best), codecs.lookup(best.encoding).name


def _western(results) -> bool:
    lowest = min(match.chaos for match in results)
    return any(
        {"cp1252", "latin_1", "iso8859_15"} & set(match.could_be_from_charset)
        for match in results if match.chaos <= lowest + 0.01
    )


def newline_style(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    if crlf >= max(cr, lf) and crlf:
        return "\r\n"
    if cr > lf:
        return "\r"
    return "\n"
