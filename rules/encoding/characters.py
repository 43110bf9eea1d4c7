"""ENC102, ENC201-ENC204 and the stray BOM: single characters that do not belong in prose
(lost characters, controls, invisible and direction characters, tags)."""

from __future__ import annotations

import bisect
import re
import sys

from textsieve.rules.encoding.issues import Issue
from textsieve.rules.encoding.prose import Prose
from textsieve.rules.encoding.tables import (ALWAYS_INVISIBLE, ANSI_RE, BIDI_MARK_CHARS, C0_RE,
                                             SUSPECT_RE, TAGS_RE, WORD_INVISIBLE, char_name,
                                             is_spaced_letter, neighbour, show)


def _inside(taken: list[tuple[int, int]], offset: int) -> bool:
    k = bisect.bisect_right(taken, (offset, float("inf"))) - 1
    return k >= 0 and taken[k][0] <= offset < taken[k][1]


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


def character_issues(document, prose: Prose, taken: list[tuple[int, int]]) -> list[Issue]:
    text = document.text
    if text.isascii():
        found = C0_RE.finditer(text)
    else:
        found = SUSPECT_RE.finditer(text)
        if _may_be_astral(text):
            found = sorted([*found, *TAGS_RE.finditer(text)], key=lambda m: m.start())
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
    if ch in BIDI_MARK_CHARS:
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
                 f"'{show(text[s:e])}' has {what}: the original character was lost when the "
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
    names = ", ".join(dict.fromkeys(char_name(c) for c in chars))
    kind = "marks" if all(c in BIDI_MARK_CHARS for c in chars) else ""
    return Issue("ENC204", start, end,
                 f"bidirectional control character {names}: it reorders how the text around "
                 f"it displays, so what readers see is not what is written (Trojan Source); "
                 f"delete it unless right-to-left text needs it", "", False, kind)


def _c0(document, prose, start, end) -> Issue | list[Issue] | None:
    text = document.text
    chars = text[start:end]
    if "\x1b" in chars:
        ansi = ANSI_RE.match(text, text.index("\x1b", start))
        # A sequence whose characters are prose: "\x1b[Python][ref]" is an ESC before a
        # link, and the link's bracket is markup, never part of a fix.
        if ansi and ansi.start() == start and all(
                text[i].isprintable() and prose.visible(i) for i in range(start + 1, ansi.end())):
            seq = text[ansi.start():ansi.end()]
            issue = Issue("ENC201", ansi.start(), ansi.end(),
                          f"terminal escape sequence '{show(seq)}' (copied from coloured "
                          f"terminal output); delete it", "", True)
            rest = _c0(document, prose, start + 1, end) if end > start + 1 else None
            return [issue] + (rest if isinstance(rest, list) else [rest] if rest else [])
    if chars == "\x0c" and document.format in ("text", "rst"):
        before = text[start - 1] if start else "\n"
        after = text[end] if end < len(text) else "\n"
        if before in "\r\n\x0c" or after in "\r\n\x0c":
            return None  # a page break, as plain text uses it
    names = ", ".join(dict.fromkeys(char_name(c) for c in chars))
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
    names = ", ".join(dict.fromkeys(char_name(c) for c in chars))
    if all(c in _C1_AS_1252 for c in chars):
        replacement = "".join(_C1_AS_1252[c] for c in chars)
        return Issue("ENC201", start, end,
                     f"C1 control character {names}: Windows-1252 text read as Latin-1; "
                     f"write '{show(replacement)}'", replacement, False)
    return Issue("ENC201", start, end,
                 f"C1 control character {names}: a byte that Windows-1252 leaves undefined, "
                 f"so the original character is unknown; retype it from the source")


def _invisible(document, prose, start, end) -> Issue | None:
    text = document.text
    seg = prose.segments[prose.segment_index(start)]
    before = neighbour(seg.text, start - seg.start, -1)
    after = neighbour(seg.text, end - 1 - seg.start, +1)
    chars = text[start:end]
    always = all(re.match(f"[{ALWAYS_INVISIBLE}]", c) for c in chars)
    in_word = is_spaced_letter(before) and is_spaced_letter(after)
    if in_word and chars == "\u00ad" and _hyphenation_point(seg.text, start - seg.start):
        return None
    kind = ""
    if not (always or in_word):
        # Reported with invisible-anywhere, except beside a script or an emoji sequence
        # that may need it.
        for ch in (before, after):
            if ch and not ch.isascii() and not is_spaced_letter(ch) and not ch.isspace():
                return None
        kind = "between words"
    names = ", ".join(dict.fromkeys(char_name(c) for c in chars))
    where = f" inside '{show(_word_around(seg.text, start - seg.start, end - seg.start))}'" if in_word else ""
    return Issue("ENC202", start, end,
                 f"invisible character {names}{where}: it breaks search, spelling and "
                 f"copy-paste; delete it", "", True, kind)


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
        (s == 0 or text[s - 1] not in WORD_INVISIBLE) and (e == len(text) or text[e] not in WORD_INVISIBLE)


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
                 f"'{show(hidden)}'): text no reader can see, the way prompt injections hide "
                 f"instructions; delete them", "", True)


def _has_rtl(document) -> bool:
    return document.shared(("ENC", "rtl"), lambda: bool(_RTL_RE.search(document.text)))


_CHARACTER_RULES = {"lost": _lost, "bom": _bom, "bidi": _bidi, "c0": _c0, "c1": _c1,
                    "invisible": _invisible, "tag": _tags}
