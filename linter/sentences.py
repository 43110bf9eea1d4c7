"""The one sentence segmenter every rule shares, with exact offsets.

Rule-based, in the manner of Punkt's heuristics but deterministic: a sentence
ends at a sentence terminal (Unicode's Sentence_Terminal property: ``.``, ``!``,
``?``, ``。``, ``؟``, ``।``, ``۔``, ``։``, ``።``…, and ``…``), plus closing
quotes and brackets, that is followed by white space and then something that
can open a sentence: a capital, a digit, a letter of a script without case
(Han, kana, Hangul, Arabic, Hebrew, Devanagari…), a name like gRPC or iOS, or
any lower-case word after a lower-case word of five letters or more (etcd's
"… the cluster. etcd rejects …"); after a letter of a script without case,
anything may follow. A period that
belongs to an abbreviation (Dr., e.g., U.S.), an initial (J. Smith) or a number
does not end one; one after a unit ("90ms.") does. The full-width terminals of Chinese and Japanese (``。！？``) end a
sentence with no space after them. A segment (heading, list item, table cell,
paragraph) always ends a sentence, because sentences are split inside one
segment only.
"""

from __future__ import annotations

import re
from typing import NamedTuple

try:  # the scan compiled (linter/_speedups.c), when it was built
    from textsieve._speedups import split_sentences as _compiled_split
except ImportError:
    _compiled_split = None

# Abbreviations after which a period does not end a sentence, lower-cased without the dot.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt rev gen col lt sgt capt cmdr hon pres gov sen rep
    vs v cf e.g i.e viz al approx ca c fig figs eq eqs no nos vol vols pp p ch sec art
    dept univ assn bros inc ltd co corp est ed eds trans repr
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    u.s u.k u.n e.u u.s.a a.m p.m ph.d b.a m.a b.sc m.sc
    equiv assoc abbrev illus transl
    """.split()
)

# Unicode 17.0's Sentence_Terminal characters, from the regex module (2026.11.19):
# "".join(c for c in map(chr, range(0x110000)) if regex.match(r"\p{Sentence_Terminal}", c)),
# written as ranges; plus U+2026 HORIZONTAL ELLIPSIS, which the property leaves out.
# tests/test_sentences.py holds it to regex's; linter/_speedups.c has the same table.
_TERMINAL_CLASS = (
    "\u0021\u002E\u003F\u0589\u061D-\u061F\u06D4\u0700-\u0702\u07F9\u0837\u0839\u083D"
    "\u083E\u0964\u0965\u104A\u104B\u1362\u1367\u1368\u166E\u1735\u1736\u17D4\u17D5\u1803"
    "\u1809\u1944\u1945\u1AA8-\u1AAB\u1B4E\u1B4F\u1B5A\u1B5B\u1B5E\u1B5F\u1B7D-\u1B7F\u1C3B"
    "\u1C3C\u1C7E\u1C7F\u2024\u203C\u203D\u2047-\u2049\u2CF9-\u2CFB\u2E2E\u2E3C\u2E53\u2E54"
    "\u2E60\u2E61\u3002\uA4FF\uA60E\uA60F\uA6F3\uA6F7\uA876\uA877\uA8CE\uA8CF\uA92F\uA9C8"
    "\uA9C9\uAA5D-\uAA5F\uAAF0\uAAF1\uABEB\uFE12\uFE15\uFE16\uFE52\uFE56\uFE57\uFF01\uFF0E"
    "\uFF1F\uFF61\U00010A56\U00010A57\U00010F55-\U00010F59\U00010F86-\U00010F89\U00011047"
    "\U00011048\U000110BE-\U000110C1\U00011141-\U00011143\U000111C5\U000111C6\U000111CD"
    "\U000111DE\U000111DF\U00011238\U00011239\U0001123B\U0001123C\U000112A9\U000113D4"
    "\U000113D5\U0001144B\U0001144C\U000115C2\U000115C3\U000115C9-\U000115D7\U00011641"
    "\U00011642\U0001173C-\U0001173E\U00011944\U00011946\U00011A42\U00011A43\U00011A9B"
    "\U00011A9C\U00011C41\U00011C42\U00011EF7\U00011EF8\U00011F43\U00011F44\U00016A6E"
    "\U00016A6F\U00016AF5\U00016B37\U00016B38\U00016B44\U00016D6E\U00016D6F\U00016E98"
    "\U0001BC9F\U0001DA88"
    "\u2026"
)


def _expand(ranges: str) -> frozenset[str]:
    """The characters of a character class of single characters and ``a-b`` ranges."""
    chars, i = set(), 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            chars.update(map(chr, range(ord(ranges[i]), ord(ranges[i + 2]) + 1)))
            i += 3
        else:
            chars.add(ranges[i])
            i += 1
    return frozenset(chars)


SENTENCE_TERMINALS = _expand(_TERMINAL_CLASS)
# The full-width and half-width terminals of Chinese and Japanese text, which is
# written without spaces: they end a sentence whatever follows, except that a
# full stop before a digit is a decimal point ("１．５").
WIDE_TERMINALS = "\u3002\uFE12\uFE15\uFE16\uFE52\uFE56\uFE57\uFF01\uFF0E\uFF1F\uFF61"
WIDE_FULL_STOPS = "\uFE52\uFF0E"
# Closing quotes and brackets after a terminal, and opening ones before the next sentence.
CLOSERS = "\"'”’»›)]」』）］｝】〕〗〙〛〉》｣〞〟＂＇"
OPENERS = "\"'“‘„‚«‹([「『（［｛【〔〖〘〚〈《｢〝＂＇"

# Terminals, then closing quotes and brackets (one character class each, not an
# alternation: the scan is three times faster).
_CANDIDATE = re.compile(f"[{_TERMINAL_CLASS}]+[{re.escape(CLOSERS)}]*")
_OPENING = re.compile(f"\\s+[{re.escape(OPENERS)}]*")
# A name written lower case first with a capital inside (gRPC, iOS, eBPF, macOS)
# opens a sentence too.
_LOWER_CAMEL = re.compile(r"[a-z]+[A-Z]")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_SPACE_TO_END = re.compile(r"\s*\Z")
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


class Sentence(NamedTuple):
    """A sentence at ``start``..``end`` (offsets into the document text)."""

    start: int
    end: int
    text: str


def _ends_sentence(text: str, match: re.Match, revealed: bytes | None) -> bool:
    after = match.end()
    last = text[match.start() + len(match.group(0).rstrip(CLOSERS)) - 1]  # the run's last terminal
    if after < len(text) and not text[after].isspace():
        # No space after it: a boundary after a wide terminal only, if not a decimal point.
        return last in WIDE_TERMINALS and not (last in WIDE_FULL_STOPS and text[after].isdecimal())
    # Matched in place: slicing off the rest of the segment for every candidate
    # made long paragraphs quadratic.
    if _SPACE_TO_END.match(text, after) or last in WIDE_TERMINALS:
        return True
    # After a letter of a script without case ("…습니다. locales는 …"): no abbreviation
    # to wait for, and the next sentence may open with a Latin identifier.
    if match.start() > 0 and caseless(text[match.start() - 1]):
        return True
    k = _OPENING.match(text, after).end()
    opens = k < len(text) and (can_open(text[k]) or _LOWER_CAMEL.match(text, k) or (
        text[k].islower() and match.group(0) == "." and _after_long_word(text, match.start())))
    if not opens and not _opens_with_markup(text, after, revealed):
        return False
    mark = match.group(0)
    if not mark.startswith(".") or mark.startswith("..."):
        return True
    dot_end = match.start()
    word = _WORD_BEFORE.search(text[max(0, dot_end - 24):dot_end + 1])
    if not word:
        return True
    first = max(0, dot_end - 24) + word.start(1)
    if first > 0 and "0" <= text[first - 1] <= "9":
        return True  # a unit after a number ("in 90ms. You"), not an abbreviation
    token = word.group(1).lower()
    if token.rstrip(".") in ABBREVIATIONS or token in ABBREVIATIONS:
        return False
    bare = word.group(1)
    # An initial ("J. Smith") or a dotted acronym ("U.S.", "F.B.I.").
    if len(bare) == 1 and bare.isupper():
        return False
    if _DOTTED_ACRONYM.fullmatch(bare):
        return False
    return True


def _after_long_word(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` follows a lower-case word of five letters or more
    that is not an abbreviation: then a lower-case word after it opens a sentence
    ("… the cluster. etcd rejects …"), as no unknown abbreviation is that long."""
    q = dot
    while q > 0 and "a" <= text[q - 1] <= "z":
        q -= 1
    if dot - q < 5 or (q > 0 and (text[q - 1].isalnum() or text[q - 1] == ".")):
        return False
    return text[q:dot] not in ABBREVIATIONS


def caseless(char: str) -> bool:
    """A letter of a script without case (Han, Hangul, Arabic, Devanagari…)."""
    return char.isalpha() and not (char.islower() or char.isupper() or char.istitle())


def can_open(char: str) -> bool:
    """Whether a sentence can start with ``char``: a capital, a digit, a letter of a
    script without case (Han, Arabic, Devanagari…: no capital to wait for), or the
    ``#``, ``*`` or ``_`` of hidden emphasis."""
    return char.isdecimal() or char in "#*_" or (char.isalpha() and not char.islower())


def _opens_with_markup(text: str, at: int, revealed: bytes | None) -> bool:
    """Whether the next sentence starts with hidden markup ("… then. `npx` runs …"):
    after the white space that is prose, the first character was hidden."""
    if revealed is None:
        return False
    i = at
    while i < len(text) and text[i].isspace() and revealed[i]:
        i += 1
    return i < len(text) and not revealed[i]


def split_sentences(text: str, offset: int = 0, revealed: bytes | None = None) -> list[Sentence]:
    """Split ``text`` (one prose segment) into sentences; offsets shifted by ``offset``.

    ``revealed`` marks (with 0) the characters that were markup, hidden as spaces.
    The scan is compiled where ``textsieve._speedups`` is built (2.5 times faster;
    tests/test_speedups.py holds it to ``split_sentences_python``)."""
    if _compiled_split is None:
        return split_sentences_python(text, offset, revealed)
    return _compiled_split(text, offset, revealed, ABBREVIATIONS, Sentence)


def split_sentences_python(text: str, offset: int = 0,
                           revealed: bytes | None = None) -> list[Sentence]:
    """``split_sentences`` in Python alone."""
    sentences: list[Sentence] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        if _ends_sentence(text, match, revealed):
            _append(sentences, text, start, match.end(), offset)
            start = match.end()
    _append(sentences, text, start, len(text), offset)
    return sentences


def _append(out: list[Sentence], text: str, start: int, end: int, offset: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = start + lead
    e = s + len(stripped)
    out.append(Sentence(s + offset, e + offset, stripped))
