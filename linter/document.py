"""Documents: decoded text, a line index, and the prose segments rules read.

A segment's ``text`` has exactly the length of its source span, with every
character that is not prose (markup, inline code, URLs, HTML, container
prefixes such as ``> ``) replaced by a space, so an offset into
``segment.text`` plus ``segment.start`` is an offset into ``document.text``.
Newlines are kept. Rules that want natural text use ``Segment.compact()``.

A segment spans its prose and the opaque content (code, a URL, a link's
destination, a template's output) just before and after it in its block, so a
rule comparing passages sees that content at the edges too; markup at the
edges (an HTML tag, a ``{#id}``) is left out.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

from textsieve.findings import Span
from textsieve.sentences import Sentence, split_sentences

FORMAT_BY_SUFFIX = {".md": "markdown", ".markdown": "markdown", ".mdown": "markdown",
                    ".mdx": "markdown", ".txt": "text", ".text": "text", ".rst": "rst",
                    ".rest": "rst"}


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


class Document:
    def __init__(self, path: str, text: str, format: str = "markdown",
                 source: SourceInfo | None = None):
        self.path = path
        self.text = text
        self.format = format
        self.source = source or SourceInfo(size=len(text.encode("utf-8", "surrogatepass")))
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        from textsieve.markup import parse

        self.segments, self.directives = parse(text, format, path)

    # -- positions ----------------------------------------------------------
    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count characters."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def line_offset(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self._line_starts[max(0, min(line - 1, len(self._line_starts) - 1))]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(self.path, line, column, end_line, end_column, start, end)

    # -- prose --------------------------------------------------------------
    @cached_property
    def sentences(self) -> list[Sentence]:
        return [s for seg in self.segments for s in seg.sentences]

    @cached_property
    def word_count(self) -> int:
        return sum(len(re.findall(r"\w+", seg.text)) for seg in self.segments)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("sentences", None)
        return state


def format_for(path: str) -> str | None:
    lower = path.lower()
    for suffix, fmt in FORMAT_BY_SUFFIX.items():
        if lower.endswith(suffix):
            return fmt
    return None
