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

import re
from functools import cached_property

from textsieve.findings import Span, position_in
from textsieve.segments import Directive, Segment
from textsieve.sentences import Sentence
from textsieve.source import FORMAT_BY_SUFFIX, SourceInfo, format_for

# What rules and plugins take from here; the data types live below, in segments and source.
__all__ = ["Document", "Segment", "Directive", "SourceInfo", "format_for", "FORMAT_BY_SUFFIX"]


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
        self._shared: dict = {}

    def shared(self, key, make=None):
        """What rules compute from this document once and share (a family's analysis, an
        index of its sentences), kept as long as the document: ``make()`` on the first
        request for ``key`` (by convention a tuple opening with the family's prefix, then
        whatever settings the value depends on). Without ``make``: the value, or None."""
        try:
            return self._shared[key]
        except KeyError:
            if make is None:
                return None
            value = self._shared[key] = make()
            return value

    # -- positions ----------------------------------------------------------
    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count characters."""
        return position_in(self._line_starts, max(0, min(offset, len(self.text))))

    def line_offset(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self._line_starts[max(0, min(line - 1, len(self._line_starts) - 1))]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    @property
    def line_starts(self) -> tuple[int, ...]:
        """Offsets of the lines' first characters, for ``findings.span_in`` where the
        document itself is not at hand (a corpus rule's data)."""
        return tuple(self._line_starts)

    def span(self, start: int, end: int) -> Span:
        return Span(self.path, *self.position(start), *self.position(end), start, end)

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
        state["_shared"] = {}  # the rules' shared results stay with the process that made them
        return state
