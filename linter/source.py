"""Reading files: bytes → text, without ever failing on what a corpus holds.

UTF-8 (with or without a BOM) is read as is; UTF-16 with a BOM is honoured;
anything else is decoded with the encoding charset-normalizer detects, and
``SourceInfo`` says so, for the encoding rules to report. Binary, oversized and
unreadable files raise ``SourceError`` with a one-line reason.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from dataclasses import dataclass

DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024

FORMAT_BY_SUFFIX = {".md": "markdown", ".markdown": "markdown", ".mdown": "markdown",
                    ".mdx": "markdown", ".txt": "text", ".text": "text", ".rst": "rst",
                    ".rest": "rst"}


def format_for(path: str) -> str | None:
    """The format a file's name says it is in, or None (a file textsieve does not read)."""
    lower = path.lower()
    for suffix, fmt in FORMAT_BY_SUFFIX.items():
        if lower.endswith(suffix):
            return fmt
    return None


@dataclass
class SourceInfo:
    """How the bytes became text; what the encoding rules report on."""

    encoding: str = "utf-8"
    bom: bool = False
    is_utf8: bool = True
    size: int = 0
    # For text that is not valid UTF-8: the first offending byte offset and a note.
    decode_note: str = ""
    bad_byte_offset: int = -1


class SourceError(Exception):
    """A file that cannot be checked; the message is a one-line reason."""


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_file(path: str, max_size: int = DEFAULT_MAX_FILE_SIZE) -> tuple[bytes, str, SourceInfo]:
    try:
        st = os.stat(path)
        if not os.path.isfile(path):
            raise SourceError("not a regular file")
        if st.st_size > max_size:
            raise SourceError(
                f"too large ({st.st_size / 1e6:.1f} MB; the limit is {max_size / 1e6:.1f} MB, "
                "raise max-file-size to check it)")
        with open(path, "rb") as handle:
            data = _read_up_to(handle, max_size + 1, st.st_size + 1)
    except SourceError:
        raise
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as exc:
        raise SourceError(exc.strerror or str(exc)) from None
    if len(data) > max_size:
        raise SourceError(f"too large (over {max_size / 1e6:.1f} MB; raise max-file-size to check it)")
    text, info = decode(data)
    return data, text, info


def _read_up_to(handle, limit: int, expected: int) -> bytes:
    """At most ``limit`` bytes: the size the stat gave and one more first, then (the file
    grew) in pieces. A read allocates the size it is asked for, so never ``limit`` at once:
    max-file-size may be far above any memory."""
    data = handle.read(min(limit, expected))
    if len(data) < min(limit, expected):
        return data
    pieces = [data]
    total = len(data)
    while total < limit:
        piece = handle.read(min(limit - total, 1 << 20))
        if not piece:
            break
        pieces.append(piece)
        total += len(piece)
    return b"".join(pieces)


def decode(data: bytes) -> tuple[str, SourceInfo]:
    """Decode file content; raises ``SourceError`` for binary content."""
    info = SourceInfo(size=len(data))
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                      (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(name)
            except UnicodeDecodeError:
                break
            info.encoding, info.bom, info.is_utf8 = name, True, False
            info.decode_note = f"encoded as {name.upper()} with a byte order mark"
            return text, info
    if data.startswith(codecs.BOM_UTF8):
        info.bom = True
        data = data[len(codecs.BOM_UTF8):]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceError(f"binary content (a NUL byte at byte {nul + (3 if info.bom else 0)})")
    try:
        return data.decode("utf-8"), info
    except UnicodeDecodeError as exc:
        info.bad_byte_offset = exc.start + (3 if info.bom else 0)
    info.is_utf8 = False
    bad = data[info.bad_byte_offset - (3 if info.bom else 0)]
    where = f"byte 0x{bad:02x} at byte {info.bad_byte_offset}"
    if _mostly_utf8(data):
        # Mostly UTF-8 with stray bytes pasted in: keep the UTF-8, read the strays as
        # Windows-1252 (charset-normalizer often gives up on such files).
        info.encoding = MIXED
        info.decode_note = f"UTF-8 with stray bytes that are not ({where}); those read as Windows-1252"
        return data.decode("utf-8", errors=_STRAY_HANDLER), info
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise SourceError("not text in any encoding charset-normalizer recognises")
    info.encoding = best.encoding
    info.decode_note = f"not valid UTF-8 ({where}); decoded as {best.encoding}"
    return str(best), info


MIXED = "utf-8+windows-1252"
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_STRAY_HANDLER = "textsieve-stray-cp1252"


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with stray bytes pasted in, not a legacy multibyte encoding (Shift-JIS, GBK,
    EUC-KR) whose byte pairs here and there happen to look like UTF-8: at least as many
    valid multibyte sequences as stray bytes, or strays that each stand alone (a
    Windows-1252 quote between UTF-8 words), where a double-byte text has runs of them."""
    valid = len(_UTF8_MULTIBYTE.findall(data))
    if not valid:
        return False
    runs = _STRAY_RUN.findall(data.decode("utf-8", errors="surrogateescape"))
    return valid >= sum(map(len, runs)) or max(map(len, runs)) == 1


_STRAY_RUN = re.compile("[\udc80-\udcff]+")


def _read_strays_as_cp1252(error: UnicodeDecodeError):
    raw = error.object[error.start:error.end]
    # The five bytes Windows-1252 leaves undefined fall back to Latin-1.
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in raw), error.end


codecs.register_error(_STRAY_HANDLER, _read_strays_as_cp1252)


def encode(text: str, info: SourceInfo) -> bytes:
    """The bytes to write back for ``text``: the original encoding and BOM.

    Raises ``UnicodeEncodeError`` where no encoding can give the original bytes
    back (a file mixing UTF-8 and stray bytes).
    """
    if info.encoding == MIXED:
        raise UnicodeEncodeError(MIXED, text, 0, len(text), "a mixed file has no single encoding")
    if info.encoding.startswith(("utf-16", "utf-32")):
        bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
               "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[info.encoding]
        return bom + text.encode(info.encoding)
    return (codecs.BOM_UTF8 if info.bom else b"") + text.encode(info.encoding)
