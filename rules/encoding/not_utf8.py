"""ENC104: a file that is not UTF-8, with the command that converts it."""

from __future__ import annotations

import re

from textsieve.rules.encoding.issues import Issue
from textsieve.rules.encoding.tables import show


# What textsieve.source calls a file it read as UTF-8 with its stray bytes as Windows-1252:
# no encoding's name, so no command converts from it.
_MIXED = "utf-8+windows-1252"
# Windows-1252 leaves these bytes undefined; the reader shows them as the Latin-1 character.
_CP1252_UNDEFINED = frozenset("\x81\x8d\x8f\x90\x9d")


def not_utf8_issues(document) -> list[Issue]:
    source = document.source
    if source.is_utf8:
        return []
    text = document.text
    encoding = source.encoding or ""
    if encoding == _MIXED:
        return [_stray_bytes(document)]
    if source.bad_byte_offset < 0:  # a UTF-16/32 file with its byte-order mark
        what = source.decode_note or f"encoded as {encoding}"
        return [Issue("ENC104", 0, min(1, len(text)),
                      f"file is {what}, not UTF-8; convert it, {_convert(encoding)}")]
    # The reader stripped a UTF-8 byte-order mark before decoding; offsets count it.
    byte_offset = source.bad_byte_offset - (3 if source.bom else 0)
    offset, byte = _char_offset(text, encoding, byte_offset)
    if byte is not None:
        where = (f" (byte 0x{byte:02X} at byte offset {source.bad_byte_offset}, shown here as "
                 f"'{show(text[offset])}')")
    else:
        where = f" (first invalid byte at byte offset {source.bad_byte_offset})"
    mixed = _mixed_utf8(text, encoding, source.bom)
    if mixed:
        valid, invalid, reading = mixed
        plural = invalid > 1
        shown = f", shown here as '{show(text[offset])}'" if byte is not None else ""
        return [Issue("ENC104", offset, min(offset + 1, len(text)),
                      f"file mixes encodings: {valid} UTF-8 characters and {invalid} "
                      f"byte{'s' if plural else ''} that {'are' if plural else 'is'} not UTF-8 "
                      f"(the first at byte offset {source.bad_byte_offset}: '{show(reading)}' "
                      f"in Windows-1252), text pasted from another encoding; the run read the "
                      f"whole file as {encoding}{shown}, which garbles the UTF-8 parts: re-type "
                      f"those bytes as UTF-8 rather than converting the file")]
    read = (f"it was read as {encoding} (detected, a guess): check that the text reads right, "
            f"then convert the file, {_convert(encoding)}") if encoding else \
        "no encoding was recognised"
    return [Issue("ENC104", offset, min(offset + 1, len(text)),
                  f"file is not valid UTF-8{where}; {read}")]


def _stray_bytes(document) -> Issue:
    """A UTF-8 file with bytes that are not UTF-8, which the reader took as Windows-1252:
    everything before the first of them is UTF-8, so its character offset is exact."""
    source, text = document.source, document.text
    byte_offset = source.bad_byte_offset - (3 if source.bom else 0)
    offset, _ = _char_offset(text, "utf-8", byte_offset)
    offset = min(offset, max(len(text) - 1, 0))
    ch = text[offset] if text else ""
    try:
        byte = ord(ch) if ch in _CP1252_UNDEFINED else ch.encode("cp1252")[0]
        what = f"byte 0x{byte:02X} at byte offset {source.bad_byte_offset}"
    except (UnicodeEncodeError, IndexError):
        what = f"the byte at byte offset {source.bad_byte_offset}"
    return Issue("ENC104", offset, min(offset + 1, len(text)),
                 f"file mixes encodings: it is UTF-8 except for bytes that are not ({what}, "
                 f"shown here as '{show(ch)}', its Windows-1252 reading), text pasted from "
                 f"another encoding; re-type those characters as UTF-8 rather than converting "
                 f"the whole file")


def _convert(encoding: str) -> str:
    """How to convert a file from ``encoding``: an iconv command where iconv knows it."""
    name = _iconv_name(encoding)
    if name:
        return f"e.g. `iconv -f {name} -t UTF-8`"
    return (f"e.g. with Python, which knows {encoding} (iconv does not): "
            f"`python3 -c \"import sys; sys.stdout.write(open(sys.argv[1], encoding='{encoding}')"
            f".read())\" FILE`")


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


def _mixed_utf8(text: str, encoding: str, bom: bool) -> tuple[int, int, str] | None:
    """For a file that is mostly UTF-8 with a few bytes that are not (pasted Windows-1252
    text): the number of UTF-8 characters, of stray bytes, and the first stray byte as
    Windows-1252 reads it. The bytes are the text encoded back with the detected encoding."""
    try:
        data = text.encode(encoding)
    except (LookupError, UnicodeError, TypeError):
        return None
    valid = len(_UTF8_SEQUENCE.findall(data))
    high = sum(1 for b in data if b >= 0x80)
    stray = high - sum(len(m) for m in _UTF8_SEQUENCE.findall(data))
    if valid < 2 or stray < 1 or stray > valid:
        return None
    first = next(m for m in (re.finditer(rb"[\x80-\xff]", _UTF8_SEQUENCE.sub(b"", data))))
    byte = first.group(0)
    return valid, stray, byte.decode("cp1252", "replace")


# Python codec names whose iconv (GNU libc) name is not the upper-cased one, and those
# iconv does not know (None). The JIS X 0213:2004 codecs, which charset-normalizer names
# for most EUC-JP and Shift-JIS files, get iconv's JIS X 0213 encodings. Checked against
# `iconv -l` for every encoding charset-normalizer detects (tests/test_encoding.py).
_ICONV_NAMES = {
    "mac-roman": "MACINTOSH", "iso8859-1": "ISO-8859-1", "latin-1": "ISO-8859-1",
    "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE", "utf-32-le": "UTF-32LE",
    "utf-32-be": "UTF-32BE", "iso2022_jp": "ISO-2022-JP", "iso2022_jp_2": "ISO-2022-JP-2",
    "iso2022_jp_3": "ISO-2022-JP-3", "iso2022_jp_2004": "ISO-2022-JP-3",
    "iso2022_kr": "ISO-2022-KR", "shift_jisx0213": "SHIFT_JISX0213",
    "shift_jis_2004": "SHIFT_JISX0213", "euc_jis_2004": "EUC-JISX0213", "kz1048": "RK1048",
    "ptcp154": "PT154", "mac-latin2": "MAC-CENTRALEUROPE", "mac-iceland": "MAC-IS",
    "cp720": None, "cp1006": None, "hz": None, "iso2022_jp_1": None, "iso2022_jp_ext": None,
    "mac-greek": None, "mac-turkish": None,
}


def _iconv_name(encoding: str) -> str | None:
    """The name iconv knows for a Python codec name (cp1252 → CP1252, mac_roman →
    MACINTOSH), or None where iconv has no such encoding."""
    import codecs

    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if name in _ICONV_NAMES:
        return _ICONV_NAMES[name]
    m = re.fullmatch(r"iso8859-(\d+)", name)
    if m:
        return f"ISO-8859-{m.group(1)}"
    return name.upper().replace("_", "-")


def _char_offset(text: str, encoding: str, byte_offset: int) -> tuple[int, int | None]:
    """The character offset holding byte ``byte_offset`` when ``text`` is encoded back,
    and that byte; (0, None) when the text does not encode back."""
    if byte_offset < 0 or not encoding:
        return 0, None
    import codecs

    try:
        encoder = codecs.getincrementalencoder(encoding)()
        position, index, step = 0, 0, 4096
        while index < len(text):
            # Whole chunks at C speed, then character by character in the chunk that holds it.
            chunk = encoder.encode(text[index:index + step])
            if position + len(chunk) <= byte_offset and step > 1:
                position += len(chunk)
                index += step
                continue
            if step > 1:
                encoder = codecs.getincrementalencoder(encoding)()
                encoder.encode(text[:index])
                step = 1
                continue
            if position + len(chunk) > byte_offset:
                return index, chunk[byte_offset - position]
            position += len(chunk)
            index += 1
    except (LookupError, UnicodeError, ValueError, TypeError):
        pass
    return 0, None
