"""What every markup parser shares: the URL and directive patterns, the mask that
records which characters are prose, and line helpers."""

from __future__ import annotations

import bisect
import itertools
import re

from textsieve.segments import Directive, Segment

URL_RE = re.compile(r"\b(?:https?|ftp|file)://[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]]"
                    r"|\bwww\.[A-Za-z0-9-]+\.[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]]"
                    r"|\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
DIRECTIVE_RE = re.compile(
    r"textsieve:\s*(disable-next-line|disable-file|disable|enable)\b([^\n]*?)\s*(?:-->|$)", re.M)
_CODES_RE = re.compile(r"[A-Za-z]+[0-9]*")
# Only these separate and trim prose: U+0085, U+00A0 or U+2028 at an edge may be
# the last byte of mojibake, which the encoding rules must see.
ASCII_SPACE = " \t\n\r\f\v"


def _lines(text: str) -> list[str]:
    """Lines with their endings, broken at \\n only (CRLF stays on its line)."""
    return _LINE_RE.findall(text)


_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def _blank(line: str) -> bool:
    return not line.strip(ASCII_SPACE)




# -- shared helpers -----------------------------------------------------------
_NOT_NEWLINE = re.compile(r"[^\n]")


class _Mask:
    """Characters of the source, all hidden until revealed as prose.

    Held as UTF-32 in a bytearray, four bytes a character, so that revealing,
    hiding and reading a span are slice copies (a list of one-character strings,
    joined for every segment, was a quarter of the parse time).

    Opaque runs (inline code, URLs, templating...) are hidden and also recorded:
    a segment lists those inside it, as boundaries between words. ``content``
    runs (code, a URL, a template's output) stand for something the reader sees,
    so a segment reaches over them at its edges; markup runs (an HTML tag, a
    ``{#id}``) are dropped there. ``site`` holds the runs found before parsing
    (templating, attributes): one counts where the parser revealed it as text."""

    def __init__(self, src: str, site: list[tuple[int, int, bool]] | None = None):
        self.src = src
        self.codes = bytearray(_utf32("\n".join(" " * len(line) for line in src.split("\n"))))
        self.revealed = bytearray(len(src))
        self.pending: list[tuple[int, int, bool]] = []  # met since the last segment
        self.code_tags = False  # an HTML code element's tag is pending (see _code_elements)
        self.site = site or []
        self.site_starts = [run[0] for run in self.site]

    def text(self, start: int, end: int) -> str:
        """The source from ``start`` to ``end`` with its hidden characters as spaces."""
        return self.codes[4 * start:4 * end].decode("utf-32-le", "surrogatepass")

    def reveal(self, start: int, end: int, replacement: str | None = None) -> None:
        start, end = max(0, start), min(end, len(self.src))
        if start >= end:
            return
        piece = self.src[start:end]
        if replacement is not None:
            piece = replacement + " " * (end - start - 1)
        elif "\r" in piece:
            piece = piece.replace("\r", " ")
        self.codes[4 * start:4 * end] = _utf32(piece)
        self.revealed[start:end] = b"\x01" * (end - start)

    def hide(self, start: int, end: int) -> None:
        start, end = max(0, start), min(end, len(self.src))
        if start < end:
            self.codes[4 * start:4 * end] = _utf32(_NOT_NEWLINE.sub(" ", self.src[start:end]))
            self.revealed[start:end] = bytes(end - start)

    def opaque(self, start: int, end: int, content: bool = True) -> None:
        """Hide ``start``..``end`` and record it as an opaque run."""
        if start < end:
            self.hide(start, end)
            self.pending.append((start, end, content))

    def mark(self, start: int, end: int, content: bool = True) -> None:
        """Record ``start``..``end``, never revealed, as an opaque run."""
        if start < end:
            self.pending.append((start, end, content))

    def mark_html(self, start: int, end: int) -> None:
        """Record an inline HTML tag at ``start``..``end`` (markup, or a code element's end)."""
        self.pending.append((start, end, False))
        if not self.code_tags and _CODE_ELEMENT.match(self.src, start, end):
            self.code_tags = True

    def segment(self, kind: str, start: int, end: int, level: int = 0) -> Segment | None:
        """The segment over ``start``..``end``: its revealed characters, and the content
        runs before and after them, with the opaque runs inside."""
        runs = None
        if self.pending:
            runs = [r for r in self.pending if r[0] < end and r[1] > start]
            self.pending = []
        if 1 not in self.revealed[start:end]:  # no prose: a paragraph of code alone
            return None
        if self.site:
            runs = self._site_runs(start, end, runs or [])
        chunk = self.text(start, end)
        # URL_RE needs "://", "www." or "@": look for those first, it is much faster.
        if "://" in chunk or "www." in chunk or "@" in chunk:
            urls = [m.span() for m in URL_RE.finditer(chunk)]
            if urls:
                runs = runs or []
                for a, b in urls:
                    self.hide(start + a, start + b)
                    runs.append((start + a, start + b, True))
                chunk = self.text(start, end)
        # Hidden characters are spaces: trimming ASCII space trims them too.
        text = chunk.strip(ASCII_SPACE)
        if not text:
            return None
        s = start + len(chunk) - len(chunk.lstrip(ASCII_SPACE))
        e = s + len(text)
        opaque: tuple[tuple[int, int], ...] = ()
        if runs:
            runs.sort()
            if self.code_tags:
                self.code_tags = False
                runs = self._code_elements(runs)
                chunk = self.text(start, end)
                text = chunk.strip(ASCII_SPACE)
                if not text:
                    return None
                s = start + len(chunk) - len(chunk.lstrip(ASCII_SPACE))
                e = s + len(text)
            for a, b, content in runs:
                if content:
                    if a < s:
                        s = max(a, start)
                    if b > e:
                        e = min(b, end)
            opaque = _merge_runs(runs, s, e)
            text = chunk[s - start:e - start]
        revealed = bytes(self.revealed[s:e])
        return Segment(kind, s, e, text, level, revealed if 0 in revealed else None, opaque)

    def _code_elements(self, runs: list) -> list:
        """``runs`` with each HTML code element (``<code>…</code>``, ``<kbd>``, ``<samp>``,
        ``<tt>``, ``<var>``) made one content run, its text hidden: it is code."""
        out: list = []
        opened = None  # (index in out, element name)
        for run in runs:
            a, b, content = run
            if not content and self.src.startswith("<", a):
                tag = _CODE_ELEMENT.match(self.src, a, b)
                if tag and opened is None and not tag.group(1):
                    opened = (len(out), tag.group(2).lower())
                elif tag and opened and tag.group(1) and tag.group(2).lower() == opened[1]:
                    first = out[opened[0]][0]
                    del out[opened[0]:]
                    self.hide(first, b)
                    out.append((first, b, True))
                    opened = None
                    continue
            out.append(run)
        return out

    def _site_runs(self, start: int, end: int, runs: list) -> list:
        """``runs`` and the site-syntax runs in ``start``..``end`` that the parser
        revealed as text, now hidden."""
        site = self.site
        i = max(0, bisect.bisect_right(self.site_starts, start) - 1)
        while i < len(site) and site[i][0] < end:
            a, b, content = site[i]
            a, b = max(a, start), min(b, end)
            if a < b and 1 in self.revealed[a:b]:
                self.hide(a, b)
                runs.append((a, b, content))
            i += 1
        return runs


_CODE_ELEMENT = re.compile(r"<(/?)(code|kbd|samp|tt|var)\b[^>]*>\Z", re.I)


def _merge_runs(runs, s: int, e: int) -> tuple[tuple[int, int], ...]:
    """Sorted runs clipped to ``s``..``e``, relative to ``s``; overlapping ones merged."""
    merged: list[tuple[int, int]] = []
    for a, b, _ in runs:
        a = (a if a > s else s) - s
        b = (b if b < e else e) - s
        if a >= b:
            continue
        if merged and a < merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return tuple(merged)


def _utf32(text: str) -> bytes:
    return text.encode("utf-32-le", "surrogatepass")


def _directive(match: re.Match, base: int, text: str) -> Directive:
    action = match.group(1)
    codes = tuple(c.upper() for c in _CODES_RE.findall(match.group(2) or ""))
    start = base + match.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return Directive(action, codes, line, start, base + match.end(), column)


def _line_starts(text: str) -> list[int]:
    """Offset of each line's start, then one past the end of the text."""
    return [0, *itertools.accumulate(len(line) + 1 for line in text.split("\n"))]
