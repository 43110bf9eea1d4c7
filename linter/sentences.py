"""The one sentence segmenter every rule shares, with exact offsets.

Rule-based, in the manner of Punkt's heuristics but deterministic: a sentence
ends at ``.``, ``!``, ``?`` or ``…`` (plus closing quotes and brackets) that is
followed by white space and then something that can open a sentence, unless
the period belongs to an abbreviation (Dr., e.g., U.S.), an initial (J. Smith)
or a number. A segment (heading, list item, table cell, paragraph) always ends
a sentence, because sentences are split inside one segment only.
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
    """.split()
)

# Terminal marks, closing quotes and brackets, then white space or the end. (One
# character class, not an alternation: the scan is three times faster.)
_CANDIDATE = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)")
_OPENER = re.compile(r"""\s+[\"'“‘«(\[]*[A-Z0-9À-ÖØ-ÞĀ-ſΑ-ΩА-Я#*_]""")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_SPACE_TO_END = re.compile(r"\s*\Z")
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


class Sentence(NamedTuple):
    """A sentence at ``start``..``end`` (offsets into the document text)."""

    start: int
    end: int
    text: str


def _ends_sentence(text: str, dot_end: int, match: re.Match, revealed: bytes | None) -> bool:
    mark = match.group(0)
    after = match.end()
    # Matched in place: slicing off the rest of the segment for every candidate
    # made long paragraphs quadratic.
    if _SPACE_TO_END.match(text, after):
        return True
    if not _OPENER.match(text, after) and not _opens_with_markup(text, after, revealed):
        return False
    if not mark.startswith(".") or mark.startswith("..."):
        return True
    word = _WORD_BEFORE.search(text[max(0, dot_end - 24):dot_end + 1])
    if not word:
        return True
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
        if _ends_sentence(text, match.start(), match, revealed):
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
