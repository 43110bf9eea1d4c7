"""ENC: encoding damage — mojibake, lost characters, stray control and invisible
characters, HTML entities left in plain text, and files that are not UTF-8.

Every rule of the family reads one shared analysis of the document, made once
per document by ``analyse``: each rule picks its own code out of it and applies
its own options, so a character is reported once, by the most specific rule (a
C1 character inside mojibake is ENC101, not ENC201 as well).

Mojibake is found by ftfy, and by a stricter fallback of our own for the
common cases ftfy's heuristic leaves alone (see ``_Codec``); repairs are
reported per damaged word, with ftfy's explanation of what happened.

Speed: pure-ASCII text skips the mojibake pass entirely (``str.isascii``);
other text goes through one fast two-character regex for a UTF-8 lead byte
followed by a continuation byte as some single-byte encoding shows them, and a
check that lead and continuation come from the *same* encoding; only the lines
that pass reach ftfy (imported lazily, on the first such line).
"""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
import weakref
from dataclasses import astuple, dataclass

from textsieve.findings import Fix
from textsieve.rule import Option, Rule

# Bump when the analysis changes what it reports: it is part of the cache key.
ANALYSIS_VERSION = 1

ALLOW = Option([], "Characters never reported by ENC201-ENC204, given as the character itself "
                   "or as 'U+00AD' (e.g. deliberate soft hyphens).", kind="list[str]")
INVISIBLE_ANYWHERE = Option(
    False, "ENC202: report invisible characters wherever they stand, not only inside words "
           "(still never where a script or an emoji sequence needs them).")
BIDI_MARKS = Option(
    False, "ENC204: also report the implicit direction marks LRM, RLM and ALM, which "
           "right-to-left text uses legitimately.")


@dataclass(frozen=True)
class Issue:
    """One problem found by the analysis, at document offsets ``start``..``end``."""

    code: str
    start: int
    end: int
    message: str
    replacement: str | None = None
    safe: bool = False
    # The option that must be on for the issue to be reported ("" if none).
    gate: str = ""


# -- character tables -----------------------------------------------------------
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
        self.pair_re = re.compile(f"[{_char_class(leads)}][{_char_class(self.cont)}]")

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


def _char_class(chars) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


def _tables() -> _Tables:
    global _TABLES
    if _TABLES is None:
        _TABLES = _Tables()
    return _TABLES


# C0 controls other than tab, LF and CR; DEL; C1 controls.
_C0 = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_C1 = "\x80-\x9f"
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_BIDI_MARKS = "\u200e\u200f\u061c"
# Invisible characters that are only wrong where nothing needs them (inside a word
# of a script that separates words with spaces).
_WORD_INVISIBLE = ("\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d"
                   "\u2060-\u2064\u3164\uffa0")
# Invisible characters that are never wanted in prose.
_ALWAYS_INVISIBLE = "\u206a-\u206f\ufff9-\ufffb"
_TAGS = "\U000e0001\U000e0020-\U000e007f"
# One character per match, no "+": a repeated class defeats the regex engine's fast
# scan and costs three times as much on clean text. Runs are joined afterwards.
_SUSPECT_RE = re.compile(
    f"[{_C0}{_C1}{_BIDI_CONTROLS}{_BIDI_MARKS}{_WORD_INVISIBLE}{_ALWAYS_INVISIBLE}"
    "\ufeff\ufffd\u2028\u2029]")
_C0_RE = re.compile(f"[{_C0}]")
_TAGS_RE = re.compile(f"[{_TAGS}]")
_ANSI_RE = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")

_C0_NAMES = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 "
             "NAK SYN ETB CAN EM SUB ESC FS GS RS US").split()
_C1_NAMES = ("PAD HOP BPH NBH IND NEL SSA ESA HTS HTJ VTS PLD PLU RI SS2 SS3 DCS PU1 PU2 STS "
             "CCH MW SPA EPA SOS SGCI SCI CSI ST OSC PM APC").split()


def _char_name(ch: str) -> str:
    o = ord(ch)
    if o < 0x20:
        return f"U+{o:04X} ({_C0_NAMES[o]})"
    if o == 0x7F:
        return "U+007F (DEL)"
    if 0x80 <= o <= 0x9F:
        return f"U+{o:04X} ({_C1_NAMES[o - 0x80]})"
    return f"U+{o:04X} {unicodedata.name(ch, 'UNNAMED')}"


def _show(text: str, limit: int = 60) -> str:
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


def _is_spaced_letter(ch: str) -> bool:
    """A letter or digit of a script that separates words with spaces and needs no joiners:
    Latin, Greek, Cyrillic, Armenian."""
    if not ch.isalnum():
        return False
    o = ord(ch)
    return (o < 0x250 or 0x1E00 <= o <= 0x1EFF or 0x370 <= o <= 0x58F or 0x1F00 <= o <= 0x1FFF
            or 0x2C60 <= o <= 0x2C7F or 0x2DE0 <= o <= 0x2DFF or 0xA640 <= o <= 0xA69F
            or 0xA720 <= o <= 0xA7FF or 0xFF10 <= o <= 0xFF5A)


def _neighbour(text: str, i: int, step: int) -> str:
    """The character next to ``i`` in direction ``step``, skipping combining marks."""
    j = i + step
    while 0 <= j < len(text) and unicodedata.category(text[j]).startswith("M"):
        j += step  # "e" + U+0301: the base letter decides
    return text[j] if 0 <= j < len(text) else ""


# -- locating prose -------------------------------------------------------------
class _Prose:
    """Maps document offsets to the prose segment that shows them (or None)."""

    def __init__(self, document):
        self.text = document.text
        self.segments = document.segments
        self.starts = [seg.start for seg in self.segments]

    def segment_index(self, offset: int) -> int:
        k = bisect.bisect_right(self.starts, offset) - 1
        if k >= 0 and offset < self.segments[k].end:
            return k
        return -1

    def visible(self, offset: int) -> bool:
        """Is the raw character at ``offset`` prose (shown unmasked in its segment)?"""
        k = self.segment_index(offset)
        if k >= 0:
            seg = self.segments[k]
            return seg.text[offset - seg.start] == self.text[offset]
        return self.edge(offset) >= 0

    def edge(self, offset: int) -> int:
        """The segment that white space at ``offset`` was trimmed from, or -1.

        Segments are trimmed of white space, and Python counts U+00A0, U+0085 and the
        separators U+001C-U+001F as white space: mojibake and control characters
        that end (or start) a paragraph sit there.
        """
        text = self.text
        if not text[offset].isspace() or text[offset] in "\r\n":
            return -1
        k = bisect.bisect_right(self.starts, offset) - 1
        if k >= 0 and _blank_run(text, self.segments[k].end, offset):
            return k
        if k + 1 < len(self.segments) and _blank_run(text, offset + 1, self.starts[k + 1]):
            return k + 1
        return -1

    def tail(self, k: int) -> str:
        """The white space trimmed from the end of segment ``k``, up to the line end."""
        text = self.text
        j = self.segments[k].end
        while j < len(text) and text[j] not in "\r\n" and text[j].isspace():
            j += 1
        return text[self.segments[k].end:j].rstrip(" \t")


def _blank_run(text: str, start: int, end: int) -> bool:
    return all(c.isspace() and c not in "\r\n" for c in text[start:end])


# -- the analysis ---------------------------------------------------------------
_MEMO: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def analyse(document, cache=None) -> list[Issue]:
    """Every ENC issue of ``document``, options aside (each rule applies its own), memoised
    per document so that the eight rules share one pass."""
    try:
        issues = _MEMO.get(document)
    except TypeError:  # not weak-referenceable: no memo
        return _analyse(document, cache)
    if issues is None:
        issues = _MEMO[document] = _analyse(document, cache)
    return issues


def _analyse(document, cache) -> list[Issue]:
    text = document.text
    prose = _Prose(document)
    issues: list[Issue] = []
    if not text.isascii():
        issues.extend(_mojibake_cached(document, prose, cache))
    taken = sorted((i.start, i.end) for i in issues)
    issues.extend(_characters(document, prose, taken))
    if "&" in text:
        issues.extend(_entities(document, prose))
    issues.extend(_not_utf8(document))
    issues.sort(key=lambda i: (i.start, i.end, i.code))
    return issues


def _allowed(values: list[str]) -> frozenset[str]:
    out = set()
    for value in values:
        m = re.fullmatch(r"(?:U\+|\\u|0x)?([0-9A-Fa-f]{4,6})", value.strip())
        if m and len(value.strip()) > 1:
            out.add(chr(int(m.group(1), 16)))
        else:
            out.update(value)
    return frozenset(out)


def _inside(taken: list[tuple[int, int]], offset: int) -> bool:
    k = bisect.bisect_right(taken, (offset, float("inf"))) - 1
    return k >= 0 and taken[k][0] <= offset < taken[k][1]


# -- ENC101 mojibake -------------------------------------------------------------
_ENCODING_NAMES = {
    "latin-1": "Latin-1", "sloppy-windows-1252": "Windows-1252", "windows-1252": "Windows-1252",
    "sloppy-windows-1251": "Windows-1251", "sloppy-windows-1250": "Windows-1250",
    "sloppy-windows-1253": "Windows-1253", "sloppy-windows-1254": "Windows-1254",
    "sloppy-windows-1257": "Windows-1257", "iso-8859-2": "ISO-8859-2", "macroman": "MacRoman",
    "cp437": "code page 437 (DOS)",
}
_SAFE_ENCODINGS = {"latin-1", "sloppy-windows-1252"}
_LOST_QUOTE = "â€\ufffd"  # ” (E2 80 9D) through a strict Windows-1252 decoder


def _mojibake_cached(document, prose: _Prose, cache) -> list[Issue]:
    lines = _candidate_lines(document, prose)
    if not lines:
        return []
    cache_key = None
    if cache is not None and getattr(cache, "enabled", False):
        from textsieve.cache import cache_key as make_key

        import ftfy

        cache_key = make_key("ENC101", ANALYSIS_VERSION, ftfy.__version__, document.format,
                             document.source.is_utf8, document.text)
        hit = cache.get("enc", cache_key)
        if hit is not None:
            return [Issue(*fields) for fields in hit]
    issues = _mojibake(document, prose, lines)
    if cache_key is not None:
        cache.put("enc", cache_key, [astuple(i) for i in issues])
    return issues


def _candidate_lines(document, prose: _Prose) -> list[tuple[int, int, int]]:
    """(segment index, line start, line end) of each prose line that may hold mojibake."""
    text = document.text
    tables = _tables()
    found: dict[tuple[int, int, int], None] = {}
    last_line_end = -1
    offsets = [m.start() for m in tables.pair_re.finditer(text)
               if tables.mojibake_at(text, m.start())]
    # "Ã" or "Â" whose continuation byte (A0, a no-break space) became a space.
    for needle in ("Ã ", "Â "):
        if needle[0] not in text:
            continue
        at = text.find(needle)
        while at >= 0:
            offsets.append(at)
            at = text.find(needle, at + 1)
    for offset in sorted(offsets):
        if offset < last_line_end:
            continue
        k = prose.segment_index(offset)
        if k < 0 or not prose.visible(offset):
            k = prose.edge(offset)
            if k < 0:
                continue
            offset = min(max(offset, prose.segments[k].start), prose.segments[k].end - 1)
        seg = prose.segments[k]
        rel = offset - seg.start
        start = seg.text.rfind("\n", 0, rel) + 1
        end = seg.text.find("\n", rel)
        end = len(seg.text) if end < 0 else end
        found[(k, start, end)] = None
        last_line_end = seg.start + end
    return list(found)


def _mojibake(document, prose: _Prose, lines) -> list[Issue]:
    from ftfy import fix_encoding_and_explain
    from ftfy.badness import is_bad

    text = document.text
    issues = []
    for k, start, end in lines:
        seg = prose.segments[k]
        line = seg.text[start:end]
        if end == len(seg.text):
            line += prose.tail(k)
        line = line.rstrip(" ")
        by_ftfy, plan = line, None
        if is_bad(line):
            by_ftfy, plan = fix_encoding_and_explain(line)
        fixed = _fallback_line(by_ftfy)
        if fixed == line:
            continue
        # One decoding of the whole line explains every word in it; otherwise each
        # word's own repair is explained on its own.
        uniform = (fixed == by_ftfy and bool(plan)
                   and all(kind in ("encode", "decode") for kind, _ in plan))
        for s, e, replacement in _changed_words(line, fixed):
            begin = seg.start + start + s
            original = line[s:e]
            masked = text[begin:begin + len(original)] != original
            issues.append(_mojibake_issue(document, begin, original, replacement, plan, masked,
                                          uniform))
    return issues


# ftfy's heuristic stays silent on some common mojibake (Polish "zostanÄ…", Turkish
# "oluÅŸturuluyor", Latin text read as Windows-1251 or code page 437, Cyrillic read
# as MacRoman). The fallback decodes a word's UTF-8-shaped runs and accepts the
# result only when the word is implausible as written (a lower-case letter followed
# by a non-ASCII capital, a symbol between two letters, two scripts in one word, a C1
# control) and the decoding is plausible (common letters and punctuation, one script
# per word). Its repairs are offered as unsafe fixes.
_FALLBACK = None
_GLUE = "'\u2019\u02bc\u2010\u2011-\u00b7."  # legitimately between two letters


class _Codec:
    def __init__(self, encoding: str, label: str):
        self.label = label
        self.to_byte: dict[str, int] = {}
        for byte in range(0x80, 0x100):
            try:
                ch = bytes([byte]).decode(encoding)
            except UnicodeDecodeError:
                ch = chr(byte)
            self.to_byte.setdefault(ch, byte)
        if encoding == "cp1252":  # and Latin-1's reading of the same bytes
            for byte in range(0x80, 0xA0):
                self.to_byte.setdefault(chr(byte), byte)
        groups = {"l2": set(), "l3": set(), "l4": set(), "c": set()}
        for ch, byte in self.to_byte.items():
            key = ("c" if byte <= 0xBF else "l2" if 0xC2 <= byte <= 0xDF else
                   "l3" if 0xE0 <= byte <= 0xEF else "l4" if 0xF0 <= byte <= 0xF4 else None)
            if key:
                groups[key].add(ch)
        c = f"[{_char_class(groups['c'])}]"
        self.regex = re.compile(f"(?:[{_char_class(groups['l2'])}]{c}|[{_char_class(groups['l3'])}]{c}{c}"
                                f"|[{_char_class(groups['l4'])}]{c}{c}{c})+")

    def decode(self, token: str) -> tuple[str, int] | None:
        """``token`` with its UTF-8-shaped runs decoded, if the result is a plausible repair,
        and how many characters those runs cover."""
        out, last, implausible, covered = [], 0, False, 0
        for m in self.regex.finditer(token):
            try:
                decoded = bytes(self.to_byte[ch] for ch in m.group(0)).decode("utf-8")
            except UnicodeDecodeError:
                return None
            if not all(_good_decoded(ch) for ch in decoded):
                return None
            implausible = implausible or _implausible(token, m.start(), m.end())
            covered += m.end() - m.start()
            out.append(token[last:m.start()])
            out.append(decoded)
            last = m.end()
        if not out or not implausible:
            return None
        out.append(token[last:])
        result = "".join(out)
        return (result, covered) if _coherent(result) else None


def _codecs() -> list[_Codec]:
    global _FALLBACK
    if _FALLBACK is None:
        _FALLBACK = [_Codec(e, label) for e, label in (
            ("cp1252", "sloppy-windows-1252"), ("cp1250", "sloppy-windows-1250"),
            ("cp1251", "sloppy-windows-1251"), ("mac_roman", "macroman"), ("cp437", "cp437"),
            ("cp1253", "sloppy-windows-1253"), ("cp1254", "sloppy-windows-1254"),
            ("cp1257", "sloppy-windows-1257"), ("iso8859-2", "iso-8859-2"))]
    return _FALLBACK


def _fallback_token(token: str) -> tuple[str, list[str]]:
    """The token decoded (up to three times, for double encoding) and the encodings used."""
    used = []
    for _ in range(3):
        # The encoding whose reading explains most of the word wins.
        best, best_cover, best_label = None, 0, ""
        for codec in _codecs():
            decoded = codec.decode(token)
            if decoded is not None and decoded[1] > best_cover:
                best, best_cover, best_label = decoded[0], decoded[1], codec.label
        if best is None:
            break
        used.append(best_label)
        token = best
    return token, used


def _fallback_line(line: str) -> str:
    tables = _tables()
    parts = re.split(r"(\s+)", line)
    for i, part in enumerate(parts):
        if part and not part.isascii() and not part.isspace() and any(
                tables.mojibake_at(part, m.start()) for m in tables.pair_re.finditer(part)):
            parts[i] = _fallback_token(part)[0]
    return "".join(parts)


def _good_decoded(ch: str) -> bool:
    """Could this character be what a UTF-8 sequence in running text meant?"""
    o = ord(ch)
    cat = unicodedata.category(ch)
    if cat[0] == "L":
        return not (0x250 <= o <= 0x2FF)  # IPA and modifier letters: not in prose
    if cat[0] == "M" or cat == "Nd":
        return True
    if cat == "No":
        return o < 0x2200
    if cat[0] == "P":
        return o < 0x2070 or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFF65
    if cat == "Sc":
        return True
    if cat == "Zs":
        return o in (0xA0, 0x2007, 0x2009, 0x202F, 0x3000)
    if cat == "Cf":
        return o in (0xAD, 0x200C, 0x200D)
    if cat == "So":
        return (0x1F000 <= o <= 0x1FAFF or 0x2600 <= o <= 0x27BF or 0x2B00 <= o <= 0x2BFF
                or ch in "©®°¦§¶™№℗")
    if cat == "Sm":
        return ch in "×÷±−≈≠≤≥∞"
    return False


def _script(ch: str) -> str:
    """A coarse script of a letter or mark: enough to tell one writing system from another."""
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o <= 0x1EFF or 0x2C60 <= o <= 0x2C7F or 0xA720 <= o <= 0xA7FF:
        return "Latin"
    if 0x300 <= o <= 0x36F:
        return ""  # combining diacritics go with any script
    if 0x370 <= o <= 0x3FF or 0x1F00 <= o <= 0x1FFF:
        return "Greek"
    if 0x400 <= o <= 0x52F or 0x1C80 <= o <= 0x1C8F or 0x2DE0 <= o <= 0x2DFF or 0xA640 <= o <= 0xA69F:
        return "Cyrillic"
    if (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF
            or 0xF900 <= o <= 0xFAFF or 0xFF66 <= o <= 0xFFDC or 0x20000 <= o <= 0x3FFFF):
        return "CJK"
    if 0xFF21 <= o <= 0xFF5A:
        return "Latin"
    return f"block-{o >> 7}"


def _implausible(token: str, start: int, end: int) -> bool:
    """Is the run ``start``..``end`` of ``token`` unlikely to be written on purpose?"""
    lo, hi = max(start - 1, 0), min(end + 1, len(token))
    for i in range(lo, hi):
        ch = token[i]
        if start <= i < end and ("\x80" <= ch <= "\x9f" or ch in "\xa0\xad\ufffd"):
            return True
        if i > lo:
            a = token[i - 1]
            if (a.islower() and ch.isupper() and start <= i < end
                    and not (a.isascii() and ch.isascii())):
                return True
            if (a.isalpha() and ch.isalpha() and not (a.isascii() and ch.isascii())
                    and _script(a) != _script(ch)):
                return True
    # Two capitals, one of them non-ASCII, opening a lower-case word: "ÃŽntotdeauna".
    if (end - start == 2 and start == 0 and end < len(token) and token[0].isupper()
            and token[1].isupper() and token[end].islower()):
        return True
    # Symbols between two letters: "Ã©t", "Ð¿Ñ", "kt├│re".
    i = start
    while i < end:
        if token[i].isalnum() or token[i] in _GLUE:
            i += 1
            continue
        j = i
        while j < len(token) and not token[j].isalnum():
            j += 1
        k = i
        while k > 0 and not token[k - 1].isalnum():
            k -= 1
        if 0 < k and j < len(token) and token[k - 1].isalpha() and token[j].isalpha():
            return True
        i = j
    return False


def _coherent(word: str) -> bool:
    """One script per run of letters, and no lower-case letter before a non-ASCII capital."""
    script = None
    previous = ""
    for ch in word:
        if unicodedata.category(ch)[0] == "M" and not (previous.isalpha() or
                                                        unicodedata.category(previous or " ")[0] == "M"):
            return False  # a combining mark with nothing to combine with
        if ch.isalpha() or unicodedata.category(ch)[0] == "M":
            s = _script(ch)
            if s:
                if script is not None and s != script:
                    return False
                script = s
            if previous.islower() and ch.isupper() and not ch.isascii():
                return False
        else:
            script = None
        previous = ch
    return True


_ASCII_RUNS = re.compile(r"([\x00-\x7f]+)")


def _diff(line: str, fixed: str) -> list[tuple[int, int, int, int]]:
    """The blocks ``line[i1:i2]`` that became ``fixed[j1:j2]``.

    Decoding changes only non-ASCII characters, so when both texts have the same
    ASCII runs in the same order the non-ASCII runs between them pair up one to
    one, which is exact and linear; otherwise (a space consumed by a restored
    no-break space) difflib aligns them.
    """
    a = _ASCII_RUNS.split(line)
    b = _ASCII_RUNS.split(fixed)
    if len(a) == len(b) and a[1::2] == b[1::2]:
        blocks, i, j = [], 0, 0
        for k, (x, y) in enumerate(zip(a, b)):
            if k % 2 == 0 and x != y:
                blocks.append((i, i + len(x), j, j + len(y)))
            i += len(x)
            j += len(y)
        return blocks
    from difflib import SequenceMatcher

    ops = SequenceMatcher(None, line, fixed, autojunk=False).get_opcodes()
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in ops if tag != "equal"]


def _changed_words(line: str, fixed: str) -> list[tuple[int, int, str]]:
    """The whole words of ``line`` that the fix changes, with their fixed text.

    Changed words separated only by spaces or punctuation are one region, so a
    sentence read with the wrong encoding is one finding, not one per word.
    """
    blocks = _diff(line, fixed)
    regions: list[list[int]] = []
    for i1, i2, _j1, _j2 in blocks:
        s, e = i1, i2
        while s > 0 and _wordish(line[s - 1]):
            s -= 1
        while e < len(line) and _wordish(line[e]):
            e += 1
        if regions and not any(ch.isalnum() for ch in line[regions[-1][1]:s]):
            regions[-1][1] = max(regions[-1][1], e)
        else:
            regions.append([s, e])

    def to_fixed(x: int, at_start: bool) -> int:
        shift = 0
        for i1, i2, j1, j2 in blocks:
            if x < i1 or (x == i1 and at_start):
                return x + (j1 - i1) if x == i1 else x + shift
            if x < i2:
                return j1 + min(x - i1, j2 - j1)
            shift = j2 - i2
        return x + shift

    return [(s, e, fixed[to_fixed(s, True):to_fixed(e, False)]) for s, e in regions]


def _wordish(ch: str) -> bool:
    """Part of the damaged word: a letter or digit, or any other non-ASCII character
    (mojibake is made of them, and punctuation glued to it belongs to it)."""
    return ch.isalnum() or not (ch.isascii() or ch.isspace())


def _mojibake_issue(document, begin: int, original: str, replacement: str, line_plan,
                    masked: bool, uniform: bool) -> Issue:
    from ftfy import fix_encoding_and_explain

    own = None if uniform else fix_encoding_and_explain(original)
    if uniform:
        what, plan_safe = _describe(line_plan, original)
    elif own.text.replace("\ufeff", "") == replacement.replace("\ufeff", ""):
        what, plan_safe = _describe(own.explanation, original)
    else:
        _, used = _fallback_token(original)
        if used and _fallback_line(original) == replacement:
            what, _ = _describe([step for label in used for step in (("encode", label),
                                                                    ("decode", "utf-8"))], original)
            plan_safe = False
        else:
            what, plan_safe = _describe(line_plan, original)
            plan_safe = False
    notes = []
    if "\ufeff" in replacement:
        replacement = replacement.replace("\ufeff", "")
        notes.append("it is a byte-order mark, which belongs nowhere in the text")
    if "\ufffd" in replacement:
        quotes = [m.end() for m in re.finditer(_LOST_QUOTE, original)]
        if (replacement.count("\ufffd") == len(quotes)
                and all(q == len(original) or original[q].isascii() for q in quotes)):
            replacement = replacement.replace("\ufffd", "\u201d")
            notes.append("a byte was lost; '\u201d' is the likely original")
        else:
            notes.append("a byte was lost, so a character stays unknown (U+FFFD)")
            plan_safe = False
    safe = plan_safe and document.source.is_utf8 and not notes
    message = f"'{_show(original)}' is mojibake: {what}"
    if notes:
        message += f" ({'; '.join(notes)})"
    if masked:
        message += f"; the intended text is '{_show(replacement)}'"
        return Issue("ENC101", begin, begin + len(original), message)
    if replacement:
        message += f"; write '{_show(replacement)}'"
    else:
        message += "; delete it"
    return Issue("ENC101", begin, begin + len(original), message, replacement, safe)


def _describe(plan, original: str) -> tuple[str, bool]:
    """What happened, in words, from ftfy's plan; and whether the repair is certain."""
    steps = list(plan or [])
    rounds = []
    safe = True
    transcodes = []
    pending = None
    for kind, name in steps:
        if kind == "encode":
            pending = name
        elif kind == "decode" and pending is not None:
            rounds.append((pending, name))
            pending = None
        elif kind == "transcode":
            transcodes.append(name)
            safe = False
        else:  # "apply": ftfy fixed pieces one by one
            safe = False
    if not rounds:
        if "fix_c1_controls" in transcodes:
            return "Windows-1252 bytes read as Latin-1", False
        return "bytes of one encoding read as another", False
    phrases = []
    for encoding, decoding in rounds:
        if encoding not in _SAFE_ENCODINGS:
            safe = False
        if decoding.startswith("utf-8"):
            name = _ENCODING_NAMES.get(encoding, encoding)
            if encoding == "latin-1" and not re.search(f"[{_C1}]", original):
                name = "Windows-1252"  # the same characters either way; 1252 is the usual culprit
            phrases.append(f"UTF-8 bytes read as {name}")
        else:
            phrases.append(f"{_ENCODING_NAMES.get(decoding, decoding)} bytes read as "
                           f"{_ENCODING_NAMES.get(encoding, encoding)}")
            safe = False
    if len(rounds) > 1 and len(set(phrases)) == 1:
        what = f"{phrases[0]}, {len(rounds)} times over (double-encoded)"
    else:
        what = ", then ".join(reversed(phrases))
    if "restore_byte_a0" in transcodes:
        what += ", with a no-break space turned into a space"
    return what, safe


# -- ENC102, ENC201-ENC204: single characters ---------------------------------------
def _c1_readings() -> dict[str, str]:
    """C1 controls as Windows-1252 reads the same bytes (five bytes it leaves undefined)."""
    out = {}
    for byte in range(0x80, 0xA0):
        try:
            out[chr(byte)] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            pass
    return out


_C1_AS_1252 = _c1_readings()


def _characters(document, prose: _Prose, taken: list[tuple[int, int]]) -> list[Issue]:
    text = document.text
    if text.isascii():
        found = _C0_RE.finditer(text)
    else:
        found = _SUSPECT_RE.finditer(text)
        if _may_be_astral(text):
            found = sorted([*found, *_TAGS_RE.finditer(text)], key=lambda m: m.start())
    # Join adjacent characters of one kind into runs, keeping only prose.
    pieces: list[list] = []
    for m in found:
        off = m.start()
        ch = text[off]
        kind = _kind(ch)
        if kind is None or _inside(taken, off) or not prose.visible(off):
            continue
        if pieces and pieces[-1][2] == kind and pieces[-1][1] == off:
            pieces[-1][1] = off + 1
        else:
            pieces.append([off, off + 1, kind])
    issues: list[Issue] = []
    for start, end, kind in pieces:
        issue = _CHARACTER_RULES[kind](document, prose, start, end)
        if issue is not None:
            issues.extend(issue if isinstance(issue, list) else [issue])
    return issues


def _may_be_astral(text: str) -> bool:
    """Could ``text`` hold characters beyond U+FFFF? CPython stores such a string with
    four bytes a character, which its size shows at no cost (unlike ``max(text)``)."""
    return len(text) < 64 or sys.getsizeof(text) >= 4 * len(text)


def _kind(ch: str) -> str | None:
    o = ord(ch)
    if ch == "\ufffd":
        return "lost"
    if ch == "\ufeff":
        return "bom"
    if 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        return "bidi"
    if ch in _BIDI_MARKS:
        return "bidi"
    if o < 0x20 or o == 0x7F:
        return "c0"
    if 0x80 <= o <= 0x9F:
        return "c1"
    if ch in "\u2028\u2029":
        return None
    if 0xE0000 <= o <= 0xE007F:
        return "tag"
    return "invisible"


_ABOUT_FFFD = re.compile(r"U\+FFFD|\bFFFD\b|replacement char", re.IGNORECASE)


def _lost(document, prose, start, end) -> Issue | None:
    text = document.text
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    standalone = ((start == 0 or text[start - 1].isspace() or text[start - 1] in "`'\"(")
                  and (end == len(text) or text[end].isspace() or text[end] in "`'\").,"))
    if standalone and _ABOUT_FFFD.search(line):
        return None  # a text about the replacement character, showing it
    s, e = start, end
    while s > 0 and text[s - 1].isalnum():
        s -= 1
    while e < len(text) and text[e].isalnum():
        e += 1
    count = end - start
    what = "a U+FFFD REPLACEMENT CHARACTER" if count == 1 else f"{count} U+FFFD REPLACEMENT CHARACTERs"
    return Issue("ENC102", start, end,
                 f"'{_show(text[s:e])}' has {what}: the original character was lost when the "
                 f"bytes were decoded; retype it from the source (no automatic fix)")


def _bom(document, prose, start, end) -> Issue | None:
    if start == 0 and not document.source.bom:
        return None  # the file's own byte-order mark, not stripped by whoever read it
    where = ("a second byte-order mark at the start" if start == 0 else
             "a byte-order mark U+FEFF inside the text (files joined together?)")
    return Issue("ENC203", start, end, f"{where}: it is invisible and breaks search and "
                 f"parsing; delete it", "", True)


_RTL_RE = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff"
                     "\U0001e800-\U0001efff]")
_OVERRIDES = "\u202d\u202e"


def _bidi(document, prose, start, end) -> Issue | None:
    text = document.text
    chars = text[start:end]
    if not any(c in _OVERRIDES for c in chars) and _has_rtl(document):
        # Embeddings, isolates and marks are how right-to-left text holds left-to-right
        # runs (and the reverse): only overrides are suspect where such text exists.
        return None
    names = ", ".join(dict.fromkeys(_char_name(c) for c in chars))
    gate = "bidi-marks" if all(c in _BIDI_MARKS for c in chars) else ""
    return Issue("ENC204", start, end,
                 f"bidirectional control character {names}: it reorders how the text around "
                 f"it displays, so what readers see is not what is written (Trojan Source); "
                 f"delete it unless right-to-left text needs it", "", False, gate)


def _c0(document, prose, start, end) -> Issue | list[Issue] | None:
    text = document.text
    chars = text[start:end]
    if "\x1b" in chars:
        ansi = _ANSI_RE.match(text, text.index("\x1b", start))
        # A sequence whose characters are prose: "\x1b[Python][ref]" is an ESC before a
        # link, and the link's bracket is markup, never part of a fix.
        if ansi and ansi.start() == start and all(
                text[i].isprintable() and prose.visible(i) for i in range(start + 1, ansi.end())):
            seq = text[ansi.start():ansi.end()]
            issue = Issue("ENC201", ansi.start(), ansi.end(),
                          f"terminal escape sequence '{_show(seq)}' (copied from coloured "
                          f"terminal output); delete it", "", True)
            rest = _c0(document, prose, start + 1, end) if end > start + 1 else None
            return [issue] + (rest if isinstance(rest, list) else [rest] if rest else [])
    if chars == "\x0c" and document.format in ("text", "rst"):
        before = text[start - 1] if start else "\n"
        after = text[end] if end < len(text) else "\n"
        if before in "\r\n\x0c" or after in "\r\n\x0c":
            return None  # a page break, as plain text uses it
    names = ", ".join(dict.fromkeys(_char_name(c) for c in chars))
    if "\x1a" in chars:
        return Issue("ENC201", start, end,
                     f"control character {names}: SUB marks a character lost in a conversion; "
                     f"retype it from the source (no automatic fix)")
    spacing = set(chars) & set("\x0b\x0c\x1c\x1d\x1e\x1f")
    replacement = " " if spacing else ""
    advice = "replace it with a space" if spacing else "delete it"
    return Issue("ENC201", start, end, f"control character {names} in prose; {advice}",
                 replacement, not spacing)


def _c1(document, prose, start, end) -> Issue:
    chars = document.text[start:end]
    names = ", ".join(dict.fromkeys(_char_name(c) for c in chars))
    if all(c in _C1_AS_1252 for c in chars):
        replacement = "".join(_C1_AS_1252[c] for c in chars)
        return Issue("ENC201", start, end,
                     f"C1 control character {names}: Windows-1252 text read as Latin-1; "
                     f"write '{_show(replacement)}'", replacement, False)
    return Issue("ENC201", start, end,
                 f"C1 control character {names}: a byte that Windows-1252 leaves undefined, "
                 f"so the original character is unknown; retype it from the source")


def _invisible(document, prose, start, end) -> Issue | None:
    text = document.text
    seg = prose.segments[prose.segment_index(start)]
    before = _neighbour(seg.text, start - seg.start, -1)
    after = _neighbour(seg.text, end - 1 - seg.start, +1)
    chars = text[start:end]
    always = all(re.match(f"[{_ALWAYS_INVISIBLE}]", c) for c in chars)
    in_word = _is_spaced_letter(before) and _is_spaced_letter(after)
    if in_word and chars == "\u00ad" and _hyphenation_point(seg.text, start - seg.start):
        return None
    gate = ""
    if not (always or in_word):
        # Reported with invisible-anywhere, except beside a script or an emoji sequence
        # that may need it.
        for ch in (before, after):
            if ch and not ch.isascii() and not _is_spaced_letter(ch) and not ch.isspace():
                return None
        gate = "invisible-anywhere"
    names = ", ".join(dict.fromkeys(_char_name(c) for c in chars))
    where = f" inside '{_show(_word_around(seg.text, start - seg.start, end - seg.start))}'" if in_word else ""
    return Issue("ENC202", start, end,
                 f"invisible character {names}{where}: it breaks search, spelling and "
                 f"copy-paste; delete it", "", True, gate)


def _hyphenation_point(text: str, i: int) -> bool:
    """Whether the soft hyphen at ``i`` marks where a compound may break, as writers of
    German and Norwegian place them ("Entwicklungs\u00adserver"): the only one in its word,
    between two parts of four letters or more, the second in lower case. Not a soft hyphen
    cut into a short word or name ("pkg\u00adng", "Categori\u00ada", "Сент\u00adБартелеми")."""
    s = i
    while s > 0 and text[s - 1].isalpha():
        s -= 1
    e = i + 1
    while e < len(text) and text[e].isalpha():
        e += 1
    head, tail = text[s:i], text[i + 1:e]
    return len(head) >= 4 and len(tail) >= 4 and tail[0].islower() and \
        (s == 0 or text[s - 1] not in _WORD_INVISIBLE) and (e == len(text) or text[e] not in _WORD_INVISIBLE)


def _word_around(text: str, start: int, end: int) -> str:
    s, e = start, end
    while s > 0 and (text[s - 1].isalnum() or text[s - 1] in "\u00ad\u200b\u200c\u200d\u2060"):
        s -= 1
    while e < len(text) and (text[e].isalnum() or text[e] in "\u00ad\u200b\u200c\u200d\u2060"):
        e += 1
    return text[s:e]


def _tags(document, prose, start, end) -> Issue | None:
    text = document.text
    chars = text[start:end]
    if start > 0 and text[start - 1] == "\U0001f3f4" and chars.endswith("\U000e007f"):
        return None  # a subdivision flag such as England's: black flag + tag letters + cancel tag
    hidden = "".join(chr(ord(c) - 0xE0000) for c in chars if 0xE0020 <= ord(c) <= 0xE007E)
    return Issue("ENC202", start, end,
                 f"{end - start} invisible Unicode tag characters (hidden text "
                 f"'{_show(hidden)}'): text no reader can see, the way prompt injections hide "
                 f"instructions; delete them", "", True)


_RTL_MEMO: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _has_rtl(document) -> bool:
    try:
        if document not in _RTL_MEMO:
            _RTL_MEMO[document] = bool(_RTL_RE.search(document.text))
        return _RTL_MEMO[document]
    except TypeError:
        return bool(_RTL_RE.search(document.text))


_CHARACTER_RULES = {"lost": _lost, "bom": _bom, "bidi": _bidi, "c0": _c0, "c1": _c1,
                    "invisible": _invisible, "tag": _tags}


# -- ENC103 HTML entities ------------------------------------------------------------
_ENTITY_RE = re.compile(r"&((?:amp;)*)(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MARKUP_CHARS = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


_CLOSING_TAG_RE = re.compile(r"</[A-Za-z][A-Za-z0-9]*\s*>")


def _entities(document, prose: _Prose) -> list[Issue]:
    import html

    text = document.text
    markdown = document.format == "markdown"
    if not markdown and len(_CLOSING_TAG_RE.findall(text, 0, 200_000)) >= 2:
        return []  # HTML kept in a .txt (a template, a snippet): its entities are HTML's
    issues = []
    for m in _ENTITY_RE.finditer(text):
        depth = len(m.group(1)) // 4
        if markdown and depth == 0:
            continue  # Markdown decodes a single entity: it is fine there
        entity = f"&{m.group(2)};"
        char = html.unescape(entity)
        if char == entity or not prose.visible(m.start()):
            continue
        if markdown:
            # Markdown shows '&amp;amp;' as '&amp;': one level too many.
            replacement = _MARKUP_CHARS.get(char, char)
            issues.append(Issue(
                "ENC103", m.start(), m.end(),
                f"'{m.group(0)}' is an HTML entity escaped twice: Markdown shows it as "
                f"'{_show(m.group(0)[:1] + m.group(0)[5:])}'; write '{_show(replacement)}'",
                replacement, False))
            continue
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        between_words = before.isalnum() and after.isalnum()
        safe = char not in "&<>\"'" or between_words
        shown = _show(char) if char.isprintable() and not char.isspace() else _char_name(char)
        twice = " (escaped more than once)" if depth else ""
        issues.append(Issue(
            "ENC103", m.start(), m.end(),
            f"'{m.group(0)}' is an HTML entity{twice} in {_FORMAT_NAMES[document.format]}, "
            f"which does not decode entities; write '{shown}'", char, safe))
    return issues


_FORMAT_NAMES = {"text": "plain text", "rst": "reStructuredText", "markdown": "Markdown"}


# -- ENC104 not UTF-8 ------------------------------------------------------------------
# What textsieve.source calls a file it read as UTF-8 with its stray bytes as Windows-1252:
# no encoding's name, so no command converts from it.
_MIXED = "utf-8+windows-1252"
# Windows-1252 leaves these bytes undefined; the reader shows them as the Latin-1 character.
_CP1252_UNDEFINED = frozenset("\x81\x8d\x8f\x90\x9d")


def _not_utf8(document) -> list[Issue]:
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
                 f"'{_show(text[offset])}')")
    else:
        where = f" (first invalid byte at byte offset {source.bad_byte_offset})"
    mixed = _mixed_utf8(text, encoding, source.bom)
    if mixed:
        valid, invalid, reading = mixed
        plural = invalid > 1
        shown = f", shown here as '{_show(text[offset])}'" if byte is not None else ""
        return [Issue("ENC104", offset, min(offset + 1, len(text)),
                      f"file mixes encodings: {valid} UTF-8 characters and {invalid} "
                      f"byte{'s' if plural else ''} that {'are' if plural else 'is'} not UTF-8 "
                      f"(the first at byte offset {source.bad_byte_offset}: '{_show(reading)}' "
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
                 f"shown here as '{_show(ch)}', its Windows-1252 reading), text pasted from "
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


# -- the rules ---------------------------------------------------------------------------
class _EncodingRule(Rule):
    options: dict = {}

    def check(self, document):
        allow = _allowed(self.settings.get("allow", []))
        for issue in analyse(document, self.cache):
            if issue.code != self.code:
                continue
            if issue.gate and not self.settings.get(issue.gate):
                continue
            if allow and all(c in allow for c in document.text[issue.start:issue.end]):
                continue
            fix = Fix(issue.replacement, safe=issue.safe) if issue.replacement is not None else None
            yield self.finding(document, issue.start, issue.end, issue.message, fix=fix)


class Mojibake(_EncodingRule):
    """Mojibake: UTF-8 text that was decoded with the wrong encoding, such as `â€™` for `’`.

    ## What it flags
    Words whose characters are the bytes of UTF-8 read as Windows-1252, Latin-1,
    MacRoman, Windows-1250/1251/1253/1254/1257, ISO-8859-2 or code page 437,
    once or twice over ("double-encoded"): `centuryâ€™s`, `CafÃ©`, `Ã¢â‚¬â„¢`,
    `Ð¿Ñ€Ð¸Ð²ÐµÑ‚`, `K√∂nig`. The span is the damaged word (or run of damaged
    words), the message names the mix-up, and the fix is the repair. Detection
    is ftfy's, plus a stricter check of our own for mojibake ftfy leaves alone
    (`zostanÄ…`, `oluÅŸturuluyor`). Legitimate text that merely looks unusual
    (`SÃO PAULO`, `ROMÂNIA`, `NESTLÉ®`, `£€¥`) is left alone: a word is only
    repaired when its characters decode as valid UTF-8, it is implausible as
    written, and the decoded word is plausible.

    ## Why it matters
    Readers see garbage where a quotation mark or a letter should be, and
    search, spell checking and every later conversion inherit it.

    ## Example
    `the 21st centuryâ€™s security landscape`

    ## Instead
    `the 21st century’s security landscape`. The fix is safe when the repair is
    a plain UTF-8/Windows-1252 (or Latin-1) mix-up in a file that was valid
    UTF-8; repairs that involve other encodings, lost bytes or a restored
    no-break space are offered as unsafe fixes (`--unsafe-fixes`).

    ## Options
    None. Never reported inside code spans or code blocks.
    """

    code = "ENC101"
    name = "mojibake"
    severity = "error"
    fixable = True


class ReplacementCharacter(_EncodingRule):
    """U+FFFD replacement characters: text already lost in decoding.

    ## What it flags
    Each run of U+FFFD REPLACEMENT CHARACTER (`�`) in prose, unless it is part
    of mojibake that ENC101 reports, or stands alone on a line that talks about
    the character itself ("U+FFFD", "replacement character").

    ## Why it matters
    A decoder put `�` where it met bytes it could not read: the original
    character is gone, and only a person with the source can restore it.

    ## Example
    `Le caf� est pr�t.`

    ## Instead
    `Le café est prêt.` There is no automatic fix: the lost character is unknown.

    ## Options
    None.
    """

    code = "ENC102"
    name = "replacement-character"
    severity = "error"


class HtmlEntity(_EncodingRule):
    """HTML entities left in prose where the format does not decode them.

    ## What it flags
    In plain text and reStructuredText, which show entities literally: any valid
    HTML entity (`&#8217;`, `&eacute;`, `&amp;`, `&nbsp;`), including entities
    escaped more than once (`&amp;amp;`). In Markdown, which decodes one level of
    entities itself, only entities escaped twice (`&amp;amp;`, `&amp;#8217;`),
    which Markdown shows as `&amp;` and `&#8217;`. A `.txt` that holds HTML
    (closing tags) is HTML, and its entities are left alone.

    ## Why it matters
    The entity is a leftover of an HTML export or of escaping applied twice;
    readers see the code instead of the character.

    ## Example
    `It&#8217;s AT&amp;T&#8217;s network` in a `.txt` file.

    ## Instead
    `It’s AT&T’s network`. In plain text the fix writes the character and is
    safe, except for `&`, `<`, `>`, `"` and `'` standing alone (a text about
    HTML may mean the entity literally): those fixes are unsafe. In Markdown the
    fix (one level of escaping removed) is always unsafe, for the same reason.

    ## Options
    None. Never reported inside code spans, code blocks, URLs or HTML.
    """

    code = "ENC103"
    name = "html-entity"
    severity = "warning"
    fixable = True


class NotUtf8(_EncodingRule):
    """A file that is not valid UTF-8, with the encoding it was read as.

    ## What it flags
    A file whose bytes are not valid UTF-8. The finding stands at the first
    invalid byte (as decoded) and names the encoding that charset-normalizer
    detected, which the run used to read the file, with a command that converts
    from it (iconv's name for it; Python where iconv lacks it). A UTF-8 file with
    a few stray bytes pasted in from another encoding is read as UTF-8 with those
    bytes as Windows-1252, and the finding says to re-type them instead.

    ## Why it matters
    Tools that assume UTF-8 (most of them) will show or store this file as
    mojibake or reject it; the detected encoding is a statistical guess.

    ## Example
    `notes.txt:3:14: ENC104 file is not valid UTF-8 (byte 0xE9 at byte offset 57,
    shown here as 'é'); it was read as cp1252 (detected, a guess) ...`

    ## Instead
    Check that the text reads correctly, then convert the file to UTF-8, e.g.
    `iconv -f CP1252 -t UTF-8 notes.txt > notes.utf8.txt`. There is no
    automatic fix: the detected encoding may be wrong, and converting a whole
    file on a guess is a decision for a person.

    ## Options
    None.
    """

    code = "ENC104"
    name = "not-utf8"
    severity = "warning"


class ControlCharacter(_EncodingRule):
    """C0 and C1 control characters in prose.

    ## What it flags
    Control characters other than tab and line breaks: C0 (`\\x00`-`\\x1f`), DEL,
    C1 (`\\x80`-`\\x9f`), and terminal escape sequences (`\\x1b[31m`). A form feed
    on a line boundary in plain text (a page break) is left alone.

    ## Why it matters
    They are invisible or show as boxes, break parsers and diffs, and C1
    characters are almost always Windows-1252 punctuation read as Latin-1
    (`\\x93quoted\\x94` for `“quoted”`).

    ## Example
    `Press\\x07 the button` or `\\x93quoted\\x94`

    ## Instead
    `Press the button`, `“quoted”`. Deleting a C0 character and removing a
    terminal escape sequence are safe fixes; a vertical tab, form feed or
    separator becomes a space and a C1 character its Windows-1252 reading,
    both unsafe. SUB (`\\x1a`) and undefined C1 bytes mark a lost character
    and get no fix.

    ## Options
    `allow`: characters never reported.
    """

    code = "ENC201"
    name = "control-character"
    severity = "warning"
    options = {"allow": ALLOW}
    fixable = True


class InvisibleCharacter(_EncodingRule):
    """Invisible characters inside words: zero-width spaces, word joiners, soft hyphens.

    ## What it flags
    Zero-width space, zero-width (non-)joiner, word joiner, soft hyphen,
    combining grapheme joiner, invisible operators, Mongolian vowel separator and
    Hangul fillers standing between two letters or digits of Latin, Greek,
    Cyrillic or Armenian text; deprecated format characters anywhere; and
    Unicode tag characters outside an emoji flag sequence (hidden text). Never
    the joiners a script or an emoji sequence needs (ZWNJ in Persian, ZWJ in
    Indic scripts and in 👩‍💻), nor zero-width spaces in Thai, Khmer or Japanese,
    nor a soft hyphen placed where a compound may break, as German and
    Norwegian writers place them ("Entwicklungs\u00adserver": the only one in
    its word, between parts of four letters or more, the second in lower case).

    ## Why it matters
    An invisible character splits a word for search, spell checking and
    duplicate detection while looking identical; they arrive with copy-paste
    from web pages and word processors.

    ## Example
    `pass\\u200bword` (a zero-width space inside "password")

    ## Instead
    `password`. The fix deletes the characters and is safe: nothing visible
    changes.

    ## Options
    `invisible-anywhere`: also report them between words and at word edges.
    `allow`: characters never reported (e.g. `["U+00AD"]` to keep soft hyphens).
    """

    code = "ENC202"
    name = "invisible-character"
    severity = "warning"
    options = {"allow": ALLOW, "invisible-anywhere": INVISIBLE_ANYWHERE}
    fixable = True


class StrayBom(_EncodingRule):
    """A byte-order mark (U+FEFF) anywhere but the start of the file.

    ## What it flags
    U+FEFF inside the text, usually where files were concatenated, or a second
    one right after the file's own byte-order mark.

    ## Why it matters
    It is invisible, but it is a character: it breaks headings, search and
    parsers that expect the text to start where it seems to.

    ## Example
    `end of part one.\\n\\ufeff# Part two`

    ## Instead
    Delete it (a safe fix).

    ## Options
    `allow`.
    """

    code = "ENC203"
    name = "stray-bom"
    severity = "warning"
    options = {"allow": ALLOW}
    fixable = True


class BidiControl(_EncodingRule):
    """Bidirectional control characters: the "Trojan Source" class.

    ## What it flags
    The overrides LRO and RLO (U+202D, U+202E) anywhere in prose; the
    embeddings and isolates (U+202A-U+202C, U+2066-U+2069) in documents with no
    right-to-left script, where nothing needs them (Arabic, Hebrew and Persian
    text use them to hold left-to-right runs); with `bidi-marks`, also the
    marks LRM, RLM and ALM.

    ## Why it matters
    They change the order in which text is displayed, so a reader (or a
    reviewer) sees something other than what is written: the trick behind
    "Trojan Source" (CVE-2021-42574) and spoofed file names.

    ## Example
    `Pay to: \\u202eredro_evil.exe`

    ## Instead
    Delete them. The fix is unsafe: right-to-left text may need them.

    ## Options
    `bidi-marks`: also report LRM, RLM and ALM. `allow`.
    """

    code = "ENC204"
    name = "bidi-control"
    severity = "error"
    options = {"allow": ALLOW, "bidi-marks": BIDI_MARKS}
    fixable = True


RULES = [Mojibake, ReplacementCharacter, HtmlEntity, NotUtf8, ControlCharacter,
         InvisibleCharacter, StrayBom, BidiControl]
