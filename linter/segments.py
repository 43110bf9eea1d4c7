"""Segments and directives: what a parser makes of a document, below everything that reads them.

A segment is one block's prose (a heading, a paragraph, a list item, a table cell, a
quote) with its source span; a directive is an inline control comment. The parsers
(``textsieve.markup``) build them, ``textsieve.document`` holds them, the rules and
the suppression filter read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from textsieve.sentences import Sentence, split_sentences


@dataclass(frozen=True)
class Directive:
    """An inline control comment: ``textsieve: disable CODE`` and its kin."""

    action: str  # disable, enable, disable-next-line, disable-file
    codes: tuple[str, ...]  # empty: every code
    line: int  # 1-based line of the comment
    start: int
    end: int
    column: int = 1  # 1-based column of the comment's first character


@dataclass
class Segment:
    kind: str  # heading, paragraph, list_item, table_cell or blockquote
    start: int
    end: int
    text: str
    level: int = 0  # heading level, 0 for other kinds
    # 1 where ``text`` shows the source's prose, 0 where markup was hidden; None: all prose.
    revealed: bytes | None = field(default=None, repr=False)
    # Segment-relative (start, end) runs where non-prose content stood (inline code, URLs,
    # link targets, roles, templating, HTML tags, attributes): hidden as spaces in
    # ``text``, but a boundary between the words on either side, never a space. Sorted,
    # not overlapping (adjacent runs stay apart: each is one token).
    opaque: tuple[tuple[int, int], ...] = field(default=(), repr=False)

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.text, self.start, self.revealed)

    def opaque_between(self, start: int, end: int) -> bool:
        """Whether non-prose content lies inside segment-relative ``start``..``end``."""
        return any(s < end and e > start for s, e in self.opaque)

    def is_prose(self, start: int, end: int) -> bool:
        """Whether segment-relative ``start``..``end`` is prose alone: a fix may touch it."""
        if self.opaque_between(start, end):
            return False
        return self.revealed is None or 0 not in self.revealed[start:end]

    def compact(self) -> str:
        """The prose with masked runs and line breaks folded to single spaces."""
        return " ".join(self.text.split())
