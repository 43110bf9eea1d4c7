"""ENC101: mojibake, UTF-8 read with the wrong encoding, found by ftfy and a stricter
fallback of our own, and repaired per damaged word."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import astuple

from textsieve.rules.encoding.issues import ANALYSIS_VERSION, Issue
from textsieve.rules.encoding.prose import Prose
from textsieve.rules.encoding.tables import C1, char_class, show, char_tables


_ENCODING_NAMES = {
    "latin-1": "Latin-1", "sloppy-windows-1252": "Windows-1252", "windows-1252": "Windows-1252",
    "sloppy-windows-1251": "Windows-1251", "sloppy-windows-1250": "Windows-1250",
    "sloppy-windows-1253": "Windows-1253", "sloppy-windows-1254": "Windows-1254",
    "sloppy-windows-1257": "Windows-1257", "iso-8859-2": "ISO-8859-2", "macroman": "MacRoman",
    "cp437": "code page 437 (DOS)",
}
_SAFE_ENCODINGS = {"latin-1", "sloppy-windows-1252"}
_LOST_QUOTE = "â€\ufffd"  # ” (E2 80 9D) through a strict Windows-1252 decoder


def mojibake_issues(document, prose: Prose, cache) -> list[Issue]:
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


def _candidate_lines(document, prose: Prose) -> list[tuple[int, int, int]]:
    """(segment index, line start, line end) of each prose line that may hold mojibake."""
    text = document.text
    tables = char_tables()
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


def _mojibake(document, prose: Prose, lines) -> list[Issue]:
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
        c = f"[{char_class(groups['c'])}]"
        self.regex = re.compile(f"(?:[{char_class(groups['l2'])}]{c}|[{char_class(groups['l3'])}]{c}{c}"
                                f"|[{char_class(groups['l4'])}]{c}{c}{c})+")

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
    tables = char_tables()
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
    message = f"'{show(original)}' is mojibake: {what}"
    if notes:
        message += f" ({'; '.join(notes)})"
    if masked:
        message += f"; the intended text is '{show(replacement)}'"
        return Issue("ENC101", begin, begin + len(original), message)
    if replacement:
        message += f"; write '{show(replacement)}'"
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
            if encoding == "latin-1" and not re.search(f"[{C1}]", original):
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
