"""Markup → prose segments with exact offsets, and inline control directives.

Markdown goes through markdown-it-py (CommonMark plus tables, strikethrough
and front matter). It gives block tokens with line ranges but no inline
positions, so each inline token's text children are located in the source
with a cursor that also steps over link destinations, code spans and HTML;
whatever is not located as text stays masked. Plain text splits at blank
lines and recognises ``#`` headings and list bullets, as text exported from
Markdown has them. reStructuredText is scanned by lines: docutils keeps no
character offsets for inline text.
"""

from __future__ import annotations

import re

from textsieve.document import Directive, Segment

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


def parse(text: str, fmt: str) -> tuple[list[Segment], list[Directive]]:
    parser = {"markdown": _parse_markdown, "rst": _parse_rst}.get(fmt, _parse_text)
    return parser(text)


# -- shared helpers -----------------------------------------------------------
class _Mask:
    """Characters of the source, all hidden until revealed as prose."""

    def __init__(self, src: str):
        self.src = src
        self.chars = [c if c == "\n" else " " for c in src]
        self.revealed = bytearray(len(src))

    def reveal(self, start: int, end: int, replacement: str | None = None) -> None:
        for i in range(max(0, start), min(end, len(self.src))):
            self.chars[i] = self.src[i] if self.src[i] not in "\r" else " "
            self.revealed[i] = 1
        if replacement is not None and start < end:
            self.chars[start] = replacement
            for i in range(start + 1, end):
                self.chars[i] = " "

    def hide(self, start: int, end: int) -> None:
        for i in range(start, end):
            if self.chars[i] != "\n":
                self.chars[i] = " "
            self.revealed[i] = 0

    def segment(self, kind: str, start: int, end: int, level: int = 0) -> Segment | None:
        """The segment over ``start``..``end`` trimmed to its revealed characters."""
        for m in URL_RE.finditer("".join(self.chars[start:end])):
            self.hide(start + m.start(), start + m.end())
        s, e = start, end
        while s < e and (not self.revealed[s] or self.chars[s] in ASCII_SPACE):
            s += 1
        while e > s and (not self.revealed[e - 1] or self.chars[e - 1] in ASCII_SPACE):
            e -= 1
        if s >= e:
            return None
        revealed = bytes(self.revealed[s:e])
        return Segment(kind, s, e, "".join(self.chars[s:e]), level,
                       None if revealed.count(0) == 0 else revealed)


def _directive(match: re.Match, base: int, text: str) -> Directive:
    action = match.group(1)
    codes = tuple(c.upper() for c in _CODES_RE.findall(match.group(2) or ""))
    start = base + match.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return Directive(action, codes, line, start, base + match.end(), column)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    starts.append(len(text) + 1)
    return starts


# -- Markdown -----------------------------------------------------------------
_MD = None


def _markdown():
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.front_matter import front_matter_plugin

        _MD = (MarkdownIt("commonmark").enable(["table", "strikethrough"])
               .disable("text_join").use(front_matter_plugin))
    return _MD


_CONTAINERS = {"blockquote_open": "blockquote", "list_item_open": "list_item",
               "th_open": "table_cell", "td_open": "table_cell", "heading_open": "heading"}


def _parse_markdown(text: str) -> tuple[list[Segment], list[Directive]]:
    # Same length as the text, so offsets agree: CRLF → " \n", lone CR → "\n".
    src = text.replace("\r\n", " \n").replace("\r", "\n")
    tokens = _markdown().parse(src)
    starts = _line_starts(src)
    mask = _Mask(src)
    segments: list[Segment] = []
    directives: list[Directive] = []
    stack: list[tuple[str, int]] = []
    row_map, row_cursor = None, 0
    for tok in tokens:
        if tok.type in _CONTAINERS:
            level = int(tok.tag[1]) if tok.type == "heading_open" else 0
            stack.append((_CONTAINERS[tok.type], level))
        elif tok.type.endswith("_close") and tok.type.replace("_close", "_open") in _CONTAINERS:
            stack.pop()
        elif tok.type == "html_block" and tok.map:
            base = starts[tok.map[0]]
            block = src[base:starts[tok.map[1]] - 1]
            directives.extend(_directive(m, base, text) for m in DIRECTIVE_RE.finditer(block)
                              if "<!--" in block[:m.start()])
        elif tok.type == "inline" and tok.map:
            kind, level = stack[-1] if stack else ("paragraph", 0)
            region_start = starts[tok.map[0]]
            region_end = min(starts[tok.map[1]] - 1, len(src))
            cursor = region_start
            if kind == "table_cell":
                if row_map == tuple(tok.map):
                    cursor = row_cursor
                row_map = tuple(tok.map)
            first = cursor
            cursor = _reveal_inline(src, tok.children or [], cursor, region_end, mask,
                                    directives, text)
            row_cursor = cursor
            seg = mask.segment(kind, first if kind == "table_cell" else region_start,
                               cursor if kind == "table_cell" else region_end, level)
            if seg:
                segments.append(seg)
    return segments, directives


def _reveal_inline(src, children, cursor, limit, mask, directives, text) -> int:
    in_autolink = False
    for child in children:
        t = child.type
        if in_autolink:
            if t == "link_close":
                in_autolink = False
            continue
        if t == "text":
            at = src.find(child.content, cursor, limit)
            if at >= 0 and child.content:
                mask.reveal(at, at + len(child.content))
                cursor = at + len(child.content)
        elif t == "text_special":
            at = src.find(child.markup, cursor, limit)
            if at >= 0:
                if child.info == "escape":
                    mask.reveal(at + 1, at + len(child.markup))
                else:  # an entity: its decoded character stands at the entity's start
                    mask.reveal(at, at + len(child.markup), child.content[:1] or " ")
                cursor = at + len(child.markup)
        elif t == "code_inline":
            at = src.find(child.markup, cursor, limit)
            if at >= 0:
                close = src.find(child.markup, at + len(child.markup), limit)
                cursor = (close if close >= 0 else at) + len(child.markup)
        elif t == "html_inline":
            at = src.find(child.content, cursor, limit)
            if at >= 0:
                cursor = at + len(child.content)
                directives.extend(_directive(m, at, text)
                                  for m in DIRECTIVE_RE.finditer(child.content))
        elif t == "link_open":
            if child.markup == "autolink":
                at = src.find("<", cursor, limit)
                close = src.find(">", at + 1, limit) if at >= 0 else -1
                cursor = close + 1 if close >= 0 else cursor
                in_autolink = True
            else:
                at = src.find("[", cursor, limit)
                cursor = at + 1 if at >= 0 else cursor
        elif t == "link_close":
            cursor = _skip_link_tail(src, cursor, limit)
        elif t == "image":
            at = src.find("![", cursor, limit)
            if at >= 0:
                close = _matching_bracket(src, at + 1, limit)
                cursor = _skip_link_tail(src, close, limit)
    return cursor


def _matching_bracket(src: str, open_at: int, limit: int) -> int:
    depth = 0
    k = open_at
    while k < limit:
        c = src[k]
        if c == "\\":
            k += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return k
        k += 1
    return limit


def _skip_link_tail(src: str, cursor: int, limit: int) -> int:
    """From inside or at the end of a link label, past ``](dest "title")`` or ``][ref]``."""
    close = src.find("]", cursor, limit)
    if close < 0:
        return cursor
    k = close + 1
    if k < limit and src[k] == "(":
        depth, quote = 0, None
        while k < limit:
            c = src[k]
            if c == "\\":
                k += 2
                continue
            if quote:
                if c == quote:
                    quote = None
            elif c in "\"'" and src[k - 1].isspace():
                quote = c
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return limit
    if k < limit and src[k] == "[":
        end = src.find("]", k, limit)
        return end + 1 if end >= 0 else k
    return k


# -- plain text ---------------------------------------------------------------
_TXT_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+")
_DIRECTIVE_LINE = re.compile(r"^[ \t]*(?:<!--[ \t]*|\.\.[ \t]+)?textsieve:")


def _parse_text(text: str) -> tuple[list[Segment], list[Directive]]:
    mask = _Mask(text)
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
            directives.extend(_directive(m, start, text) for m in DIRECTIVE_RE.finditer(body))
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


# -- reStructuredText ---------------------------------------------------------
_ADORNMENT = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{2,}[ \t]*$")
_EXPLICIT = re.compile(r"^([ \t]*)\.\.(?:[ \t]+|$)")
_ADMONITION = re.compile(
    r"^[ \t]*\.\.[ \t]+(?:note|warning|tip|important|caution|attention|danger|error|hint|"
    r"admonition|seealso|topic|sidebar|rubric|epigraph|pull-quote|highlights)::")
_RST_LIST = re.compile(r"^[ \t]*(?:[-*+•]|\d+[.)]|#\.|\(?[a-zA-Z0-9]\)|[a-zA-Z][.)])[ \t]+")
_SIMPLE_TABLE_BORDER = re.compile(r"^[ \t]*=+(?:[ \t]+=+)+[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*[-=]+(?:[ \t]+[-=]+)*[ \t]*$")
_RST_INLINE_HIDE = [
    re.compile(r"(?m)^[ \t]*:[\w .()-]+:(?=\s)"),  # field-list names
    re.compile(r"``.+?``"),  # inline literals
    re.compile(r":(?:code|math|literal|file|samp|kbd|envvar|option|program):`[^`]*`"),
    re.compile(r":[\w:+.-]+:(?=`)"),  # other roles: hide the role name, keep the text
    re.compile(r"\s*<[^<>\s][^<>]*>(?=`_{0,2})"),  # link targets inside `text <url>`_
    re.compile(r"\[(?:#?[\w-]*|\*|\d+)\]_"),  # footnote and citation references
    re.compile(r"\|[^|\s][^|]*\|_{0,2}"),  # substitution references
    re.compile(r"`_{1,2}|`"),  # the backticks and underscores of references
    re.compile(r"(?<!\w)\*\*?|\*\*?(?!\w)"),  # emphasis marks
]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _parse_rst(text: str) -> tuple[list[Segment], list[Directive]]:
    mask = _Mask(text)
    segments: list[Segment] = []
    directives: list[Directive] = []
    lines = _lines(text)
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line)
    bodies = [ln.rstrip("\r\n") for ln in lines]
    n = len(bodies)

    def skip_indented(i: int, base_indent: int) -> int:
        """Past the block indented deeper than ``base_indent`` (blank lines included)."""
        while i < n and (_blank(bodies[i]) or _indent(bodies[i]) > base_indent):
            i += 1
        return i

    i = 0
    literal_next = False
    while i < n:
        body = bodies[i]
        if _blank(body):
            i += 1
            continue
        ind = _indent(body)
        explicit = _EXPLICIT.match(body)
        if literal_next:
            literal_next = False
            i = skip_indented(i, _prev_indent(bodies, i)) if ind > _prev_indent(bodies, i) else i
            continue
        if explicit:
            for m in DIRECTIVE_RE.finditer(body):
                directives.append(_directive(m, offsets[i], text))
            if _ADMONITION.match(body):
                i += 1  # the body is prose: scan it as ordinary blocks
                continue
            i = skip_indented(i + 1, ind)
            continue
        if body.lstrip().startswith(">>>"):
            while i < n and not _blank(bodies[i]):
                i += 1
            continue
        if _ADORNMENT.match(body):  # overline, transition
            i += 1
            continue
        # A section title: text followed by an adornment line.
        if i + 1 < n and _ADORNMENT.match(bodies[i + 1]) and ind == 0:
            start = offsets[i]
            mask.reveal(start, start + len(body))
            seg = mask.segment("heading", start, start + len(body), 1)
            if seg:
                segments.append(seg)
            i += 2
            continue
        if body.lstrip().startswith("+-") or body.lstrip().startswith("+="):
            i += 1
            continue
        if _SIMPLE_TABLE_BORDER.match(body):
            i = _simple_table(bodies, offsets, i, mask, segments)
            continue
        # A paragraph, list item or block quote: lines up to a blank line.
        # Continuation lines share the first line's indentation (a list item's text column);
        # a deeper line after the first starts a definition, so the first line is a term.
        item = _RST_LIST.match(body)
        text_column = item.end() if item else ind
        j = i
        while j < n and not _blank(bodies[j]) and not (j > i and _RST_LIST.match(bodies[j])
                                                      and _indent(bodies[j]) <= ind):
            if j > i and _indent(bodies[j]) > text_column:
                break
            j += 1
        kind = "list_item" if item else ("blockquote" if ind else "paragraph")
        start, end = offsets[i], offsets[j - 1] + len(bodies[j - 1])
        for k in range(i, j):
            line_start = offsets[k] + _indent(bodies[k])
            if k == i and kind == "list_item":
                line_start = offsets[k] + _RST_LIST.match(body).end()
            mask.reveal(line_start, offsets[k] + len(bodies[k]))
        last = bodies[j - 1].rstrip()
        if last.endswith("::"):
            literal_next = True
            cut = offsets[j - 1] + len(last)
            mask.hide(cut - (2 if last[:-2].endswith((" ", "\t")) or last == "::" else 1), cut)
        for pattern in _RST_INLINE_HIDE:
            chunk = "".join(mask.chars[start:end])
            for m in pattern.finditer(chunk):
                mask.hide(start + m.start(), start + m.end())
        if body.lstrip().startswith("|") and not body.rstrip().endswith("|"):
            mask.hide(offsets[i] + ind, offsets[i] + ind + 1)  # a line block's bar
        seg = mask.segment(kind, start, end)
        if seg:
            segments.append(seg)
        i = j
    return segments, directives


def _simple_table(bodies, offsets, i, mask, segments) -> int:
    """A simple table from its top border: each cell of each row is a segment.
    Returns the line after the bottom border."""
    border = bodies[i]
    columns = [(m.start(), m.end()) for m in re.finditer(r"=+", border)]
    starts = [start for start, _ in columns] + [10 ** 9]
    i += 1
    while i < len(bodies):
        row = bodies[i]
        if _TABLE_RULE.match(row):
            i += 1
            if i >= len(bodies) or _blank(bodies[i]):
                return i  # the bottom border
            continue
        for k, start in enumerate(starts[:-1]):
            # The last column runs to the end of the line.
            end = min(len(row), starts[k + 1] if k + 2 < len(starts) else len(row))
            cell_start, cell_end = offsets[i] + start, offsets[i] + max(start, end)
            mask.reveal(cell_start, cell_end)
            seg = mask.segment("table_cell", cell_start, cell_end)
            if seg:
                segments.append(seg)
        i += 1
    return i


def _prev_indent(bodies: list[str], i: int) -> int:
    k = i - 1
    while k >= 0 and _blank(bodies[k]):
        k -= 1
    return _indent(bodies[k]) if k >= 0 else 0
