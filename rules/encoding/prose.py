"""Where the prose is: document offsets mapped to the segment that shows them."""

from __future__ import annotations

import bisect


class Prose:
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
