"""Character tables the ENC analysis reads: encodings UTF-8 is mis-read as, control,
invisible and direction characters, and how to name and show them in a message."""

from __future__ import annotations

import re
import unicodedata


# Single-byte encodings that UTF-8 is commonly mis-read as: ftfy's list. Bytes an
# encoding leaves undefined show as the Latin-1 character (C1 controls), the way
# browsers and ftfy's "sloppy" codecs decode them.
_ENCODINGS = ("latin-1", "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257",
              "iso8859-2", "mac_roman", "cp437")
_TABLES = None


class _Tables:
    """Which characters are UTF-8 lead / continuation bytes in which encoding (bit masks)."""

    def __init__(self):
        self.lead2: dict[str, int] = {}
        self.lead3: dict[str, int] = {}
        self.lead4: dict[str, int] = {}
        self.cont: dict[str, int] = {}
        for bit, encoding in enumerate(_ENCODINGS):
            mask = 1 << bit
            for byte in range(0x80, 0x100):
                try:
                    ch = bytes([byte]).decode(encoding)
                except UnicodeDecodeError:
                    ch = chr(byte)
                table = (self.cont if byte <= 0xBF else self.lead2 if byte <= 0xDF
                         else self.lead3 if byte <= 0xEF else self.lead4 if byte <= 0xF4 else None)
                if table is not None and not (byte in (0xC0, 0xC1)):
                    table[ch] = table.get(ch, 0) | mask
        everything = (1 << len(_ENCODINGS)) - 1
        self.cont["\ufffd"] = everything  # a continuation byte lost to a strict decoder
        leads = set(self.lead2) | set(self.lead3) | set(self.lead4)
        self.pair_re = re.compile(f"[{char_class(leads)}][{char_class(self.cont)}]")

    def mojibake_at(self, text: str, i: int) -> bool:
        """Do the characters at ``i`` read as one UTF-8 sequence in one of the encodings?"""
        c0 = text[i]
        cont = self.cont
        after = cont.get(text[i + 1], 0) if i + 1 < len(text) else 0
        if self.lead2.get(c0, 0) & after:
            return True
        after &= cont.get(text[i + 2], 0) if i + 2 < len(text) else 0
        if self.lead3.get(c0, 0) & after:
            return True
        after &= cont.get(text[i + 3], 0) if i + 3 < len(text) else 0
        return bool(self.lead4.get(c0, 0) & after)


def char_class(chars) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


def char_tables() -> _Tables:
    global _TABLES
    if _TABLES is None:
        _TABLES = _Tables()
    return _TABLES


# C0 controls other than tab, LF and CR; DEL; C1 controls.
_C0 = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
C1 = "\x80-\x9f"
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
BIDI_MARK_CHARS = "\u200e\u200f\u061c"
# Invisible characters that are only wrong where nothing needs them (inside a word
# of a script that separates words with spaces).
WORD_INVISIBLE = ("\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d"
                   "\u2060-\u2064\u3164\uffa0")
# Invisible characters that are never wanted in prose.
ALWAYS_INVISIBLE = "\u206a-\u206f\ufff9-\ufffb"
_TAGS = "\U000e0001\U000e0020-\U000e007f"
# One character per match, no "+": a repeated class defeats the regex engine's fast
# scan and costs three times as much on clean text. Runs are joined afterwards.
SUSPECT_RE = re.compile(
    f"[{_C0}{C1}{_BIDI_CONTROLS}{BIDI_MARK_CHARS}{WORD_INVISIBLE}{ALWAYS_INVISIBLE}"
    "\ufeff\ufffd\u2028\u2029]")
C0_RE = re.compile(f"[{_C0}]")
TAGS_RE = re.compile(f"[{_TAGS}]")
ANSI_RE = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")
_C0_NAMES = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 "
             "NAK SYN ETB CAN EM SUB ESC FS GS RS US").split()
_C1_NAMES = ("PAD HOP BPH NBH IND NEL SSA ESA HTS HTJ VTS PLD PLU RI SS2 SS3 DCS PU1 PU2 STS "
             "CCH MW SPA EPA SOS SGCI SCI CSI ST OSC PM APC").split()


def char_name(ch: str) -> str:
    o = ord(ch)
    if o < 0x20:
        return f"U+{o:04X} ({_C0_NAMES[o]})"
    if o == 0x7F:
        return "U+007F (DEL)"
    if 0x80 <= o <= 0x9F:
        return f"U+{o:04X} ({_C1_NAMES[o - 0x80]})"
    return f"U+{o:04X} {unicodedata.name(ch, 'UNNAMED')}"


def show(text: str, limit: int = 60) -> str:
    """Text fit for a message: invisible and control characters escaped, long text cut."""
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn"):
            o = ord(ch)
            out.append(f"\\x{o:02x}" if o < 0xA0 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
        elif cat == "Zs" and ch != " ":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def is_spaced_letter(ch: str) -> bool:
    """A letter or digit of a script that separates words with spaces and needs no joiners:
    Latin, Greek, Cyrillic, Armenian."""
    if not ch.isalnum():
        return False
    o = ord(ch)
    return (o < 0x250 or 0x1E00 <= o <= 0x1EFF or 0x370 <= o <= 0x58F or 0x1F00 <= o <= 0x1FFF
            or 0x2C60 <= o <= 0x2C7F or 0x2DE0 <= o <= 0x2DFF or 0xA640 <= o <= 0xA69F
            or 0xA720 <= o <= 0xA7FF or 0xFF10 <= o <= 0xFF5A)


def neighbour(text: str, i: int, step: int) -> str:
    """The character next to ``i`` in direction ``step``, skipping combining marks."""
    j = i + step
    while 0 <= j < len(text) and unicodedata.category(text[j]).startswith("M"):
        j += step  # "e" + U+0301: the base letter decides
    return text[j] if 0 <= j < len(text) else ""
