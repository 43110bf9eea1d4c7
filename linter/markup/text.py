"""Plain text: paragraphs at blank lines, ``#`` headings and list bullets."""

from __future__ import annotations

import re

from textsieve.segments import Directive, Segment
from textsieve.markup.common import (DIRECTIVE_RE, _Mask, _blank, _directive, _lines)
from textsieve.markup.site import _template_runs

# -- plain text ---------------------------------------------------------------
_TXT_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+")
_DIRECTIVE_LINE = re.compile(r"^[ \t]*(?:<!--[ \t]*|\.\.[ \t]+)?textsieve:")


def _line_breaks(text: str) -> str:
    """``text`` with its line breaks as ``\n`` (CRLF → " \n", lone CR → "\n"), as the
    Markdown parser has them: a lone CR ends a line, and rules see the break."""
    return text.replace("\r\n", " \n").replace("\r", "\n") if "\r" in text else text


def _parse_text(text: str) -> tuple[list[Segment], list[Directive]]:
    source, text = text, _line_breaks(text)
    mask = _Mask(text, _template_runs(text))
    segments: list[Segment] = []
    directives: list[Directive] = []
    current: list[int] | None = None  # [kind, start, end] of the block being built

    def close():
        nonlocal current
        if current:
            seg = mask.segment(current[0], current[1], current[2])
            if seg:
                segments.append(seg)
        current = None

    offset = 0
    for line in _lines(text):
        body = line.rstrip("\r\n")
        start, end = offset, offset + len(body)
        offset += len(line)
        if _blank(body):
            close()
            continue
        if _DIRECTIVE_LINE.match(body):
            close()
            directives.extend(_directive(m, start, source) for m in DIRECTIVE_RE.finditer(body))
            continue
        heading = _TXT_HEADING.match(body)
        if heading:
            close()
            mask.reveal(start + heading.start(2), start + heading.end(2))
            seg = mask.segment("heading", start, end, len(heading.group(1)))
            if seg:
                segments.append(seg)
            continue
        marker = _LIST_MARKER.match(body)
        if marker:
            close()
            current = ["list_item", start, end]
            mask.reveal(start + marker.end(), end)
            continue
        if current is None:
            current = ["paragraph", start, end]
        current[2] = end
        mask.reveal(start, end)
    close()
    return segments, directives
