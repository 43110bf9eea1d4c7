"""Markdown through markdown-it-pyrs (the ``fast`` extra): its tree maps every node to
UTF-8 byte offsets; where it reads a document unlike markdown-it-py, it declines."""

from __future__ import annotations

import bisect
import itertools
import os
import re

from textsieve.segments import Directive, Segment
from textsieve.markup.common import (DIRECTIVE_RE, _Mask, _directive, _line_starts)
from textsieve.markup.markdown import (_NON_ASCII_RUN, _backends_disagree, _block_directives, _markdown_rs, _normalize, _reveal_escaped_pipes)

# -- Markdown through markdown-it-pyrs -------------------------------------------
# Its syntax tree has source maps in UTF-8 byte offsets, inline ones included,
# so text is placed by its map instead of searched for. Some maps are wrong
# (text after a hard break in a block quote, tabs in container prefixes): each
# text is checked against the source at its mapped start and, when it is not
# there, searched for after the previous text; never found, it stays hidden.
_RS_INLINE = frozenset({"text", "text_special", "code_inline", "link", "image", "autolink",
                        "softbreak", "hardbreak", "em", "strong", "strikethrough", "html_inline"})
_RS_SKIP = frozenset({"code_inline", "image", "autolink", "softbreak", "hardbreak"})
_RS_NESTING = frozenset({"em", "strong", "strikethrough", "link"})
# Opaque inlines, each with a check that its source map spans it.
_RS_OPAQUE = {"code_inline": lambda src, a, b: src[a] == "`" == src[b - 1],
              "autolink": lambda src, a, b: src[a] == "<" and src[b - 1] == ">",
              "image": lambda src, a, b: src.startswith("![", a) and src[b - 1] in ")]"}


class _ByteOffsets:
    """UTF-8 byte offset → character offset, by bisection over runs of non-ASCII."""

    def __init__(self, src: str):
        self.src = src
        self.byte_starts: list[int] = []  # per run: its first byte
        self.byte_ends: list[int] = []
        self.char_starts: list[int] = []
        self.shift: list[int] = []  # bytes minus characters up to the run's end
        extra = 0
        for m in _NON_ASCII_RUN.finditer(src):
            width = len(m.group().encode("utf-8"))
            self.byte_starts.append(m.start() + extra)
            self.char_starts.append(m.start())
            extra += width - (m.end() - m.start())
            self.byte_ends.append(m.end() + extra)
            self.shift.append(extra)

    def char(self, offset: int) -> int:
        i = bisect.bisect_right(self.byte_starts, offset) - 1
        if i < 0:
            return offset
        if offset >= self.byte_ends[i]:
            return offset - self.shift[i]
        # Inside a run: count its characters up to the offset (or the one it splits).
        at, pos = self.char_starts[i], self.byte_starts[i]
        while pos < offset:
            pos += len(self.src[at].encode("utf-8"))
            at += 1
        return at


class _RsWalk:
    def __init__(self, text: str, src: str, parse_src: str, site):
        self.text, self.src = text, parse_src  # the parser's offsets are into parse_src
        self.char = ((lambda offset: offset) if parse_src.isascii()
                     else _ByteOffsets(parse_src).char)
        self.mask = _Mask(src, site)
        self.segments: list[Segment] = []
        self.directives: list[Directive] = []
        self.starts: list[int] | None = None
        self.floor = 0  # end of the last revealed character: later prose starts after it
        self.cursor = 0
        self.table_rows: list[tuple[int, bool]] = []  # (offset, in the header) of each row
        self.quotes: list[tuple[int, int]] = []  # the span of each block quote
        self.backtick = False  # a literal backtick (one that opens no code span) in the text

    def blocks(self, nodes, kind: str, level: int) -> None:
        group = []
        for node in nodes:
            name = node.name
            if name in _RS_INLINE:  # a tight list item's paragraph: inlines in the item
                group.append(node)
                continue
            if group:
                self.prose(group, kind, level)
                group = []
            if name == "paragraph":
                self.prose(node.children, kind, level)
            elif name in ("heading", "lheading"):
                self.prose(node.children, "heading", node.meta["level"])
            elif name == "blockquote":
                self.quotes.append((self.char(node.srcmap[0]), self.char(node.srcmap[1])))
                self.blocks(node.children, "blockquote", 0)
            elif name == "list_item":
                self.blocks(node.children, "list_item", 0)
            elif name in ("bullet_list", "ordered_list"):
                self.blocks(node.children, kind, level)
            elif name == "table":
                for part in node.children:  # thead, tbody
                    for row in part.children:
                        self.table_rows.append((self.char(row.srcmap[0]), part.name == "thead"))
                        for cell in row.children:
                            self.prose(cell.children, "table_cell", 0)
            elif name == "html_block":
                start, end = node.srcmap
                if self.starts is None:
                    self.starts = _line_starts(self.src)
                first = bisect.bisect_right(self.starts, self.char(start)) - 1
                last = bisect.bisect_right(self.starts, max(self.char(end) - 1, 0)) - 1
                _block_directives(self.src, self.text, self.starts, first, max(first, last),
                                  self.directives)
        if group:
            self.prose(group, kind, level)

    def prose(self, inlines, kind: str, level: int) -> None:
        """One paragraph's, heading's or cell's inlines: reveal their text, add the segment."""
        start = self.cursor = self.floor
        self.inlines(inlines)
        if self.floor > start:
            seg = self.mask.segment(kind, start, self.floor, level)
            if seg:
                self.segments.append(seg)
        else:
            self.mask.pending.clear()

    def inlines(self, nodes) -> None:
        src, mask, char = self.src, self.mask, self.char
        for node in nodes:
            name = node.name
            if name in _RS_SKIP:
                if name in _RS_OPAQUE:
                    start, end = node.srcmap
                    start, end = char(start), char(end)
                    if start < self.cursor or not _RS_OPAQUE[name](src, start, end):
                        raise _Decline  # a wrong source map
                    mask.mark(start, end)
                    self.cursor = end
                    if end > self.floor:
                        self.floor = end
                    if name == "image" and "`" in src[start:end]:
                        self.backtick = True  # its alternative text may hold literal ones
                continue
            if name in _RS_NESTING:
                self.inlines(node.children)
                if name == "link":  # its destination, title or label
                    end = char(node.srcmap[1])
                    close = src.find("]", self.cursor, end)
                    if close < 0 or src[end - 1] not in ")]":
                        raise _Decline
                    mask.mark(close + 1, end)
                    self.cursor = end
                    if end > self.floor:
                        self.floor = end
                continue
            meta = node.meta
            if name == "text":
                found = meta["content"]
                at = char(node.srcmap[0])
                if at >= self.cursor and src.startswith(found, at):
                    end = self.cursor = at + len(found)
                    mask.reveal(at, end)
                else:  # a table cell's "\|", unescaped, or a wrong source map
                    end = char(node.srcmap[1])
                    if (at < self.cursor or "|" not in found
                            or src[at:end].replace("\\|", "|") != found):
                        raise _Decline
                    self.cursor = _reveal_escaped_pipes(mask, src, at, end)
                if end > self.floor:
                    self.floor = end
                if "`" in found:
                    self.backtick = True
                continue
            if name == "text_special":
                found = meta["markup"]
            elif name == "html_inline":
                found = meta["content"]
            else:
                continue
            at = char(node.srcmap[0])
            if at < self.cursor or not src.startswith(found, at):
                raise _Decline  # a wrong source map
            end = self.cursor = at + len(found)
            if name == "html_inline":
                mask.mark_html(at, end)
                if end > self.floor:  # a closing </code> may end the code element
                    self.floor = end
                self.directives.extend(_directive(m, 0, self.text)
                                       for m in DIRECTIVE_RE.finditer(mask.src, at, end))
                continue
            if meta.get("info") == "escape":
                mask.reveal(at + 1, end)
            else:  # an entity: its decoded character stands at the entity's start
                mask.reveal(at, end, meta["content"][:1] or " ")
            self.floor = max(self.floor, end)


class _Decline(Exception):
    """markdown-it-pyrs cannot give this document's segments as markdown-it-py would."""


# Where markdown-it.rs and markdown-it-py build different blocks (see _tables_agree too):
# CommonMark 0.31 made ``<!-->`` and ``<!--->`` comments and ``<!a`` a declaration
# (markdown-it-py follows it, markdown-it.rs follows 0.30); a list item that is empty
# or numbered other than 1 cannot interrupt a paragraph, so after a block quote it
# is a lazy continuation line (markdown-it.rs), not the end of the quote
# (markdown-it-py).
_CHANGED_HTML = re.compile(r"<!(?:---?>|[a-z])")
# CommonMark separates a tag's name and attributes by spaces, tabs and line breaks;
# markdown-it.rs by any Unicode white space (no-break space, U+2028, U+3000...) too,
# and for it a line of a tag followed by such a space opens an HTML block.
_RS_WIDE = "\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_RS_WIDE_RE = re.compile(f"[{_RS_WIDE}]")
_WIDE_CHARS = "\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
_TAG_BEFORE = re.compile(f"</?[A-Za-z][A-Za-z0-9-]*(?:[^<>\"']|\"[^\"]*\"|'[^']*')*\\Z")


def _wide_space_in_tag(src: str) -> bool:
    """Whether a wide space stands inside what could be an HTML tag, or ends a line that
    holds a tag (a case for markdown-it-py: see _parse_markdown_rs). Each wide space
    (rare) is looked at with the last "<" and ">" before it, found incrementally, and
    each line that holds one once: linear in the text."""
    prev, last_lt, last_gt, line_done = 0, -1, -1, -1
    for m in _RS_WIDE_RE.finditer(src):
        at = m.start()
        last_lt = max(last_lt, src.rfind("<", prev, at))
        last_gt = max(last_gt, src.rfind(">", prev, at))
        prev = at
        if last_gt < last_lt and at - last_lt < 4000 and _TAG_BEFORE.match(src, last_lt, at):
            return True
        if at > line_done:
            line_start = src.rfind("\n", 0, at) + 1
            line_done = src.find("\n", at)
            line_done = len(src) if line_done < 0 else line_done
            line = src[line_start:line_done]
            body = line.rstrip(" \t" + _WIDE_CHARS)
            if body.endswith(">") and body.lstrip(" \t").startswith("<") \
                    and _RS_WIDE_RE.search(line, len(body)):
                return True
    return False


# A link title must be separated from its destination: markdown-it.rs takes
# ``[a](<u>"t")`` for a link all the same.
_TIGHT_TITLE = re.compile(r"\]\([ \t\n]*<[^<>\n]*>[\"'(]")
_LAZY_ITEM = re.compile(r"(?m)^[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]*$|(?!0*1[.)])\d{1,9}[.)][ \t])")
_DELIMITER_ROW = re.compile(r"(?m)^[ \t>]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
# A table row both parsers read alike without a leading pipe: at the start of its
# line (in no block quote or list), holding an unescaped pipe, and starting with a
# letter, a digit that is no list marker, an opening bracket or parenthesis, or a
# backtick that opens no fence ("a|b", "`x`|y", "[l][]|z", as Hugo writes them).
_BARE_ROW = re.compile(r"(?:[^\W\d_]|\d(?!\d*[.)])|`(?!``)|[\[(])[^\n]*?(?<!\\)\|")


def _in_quote(offset: int, quotes: list[tuple[int, int]]) -> bool:
    return any(start <= offset <= end for start, end in quotes)


def _quotes_agree(src: str, quotes: list[tuple[int, int]]) -> bool:
    """No list item that cannot interrupt a paragraph is a lazy line of a block quote."""
    return not any(_in_quote(m.start(), quotes)
                   for m in _LAZY_ITEM.finditer(src, quotes[0][0], quotes[-1][1] + 1))


def _tables_agree(src: str, rows: list[tuple[int, bool]], quotes: list[tuple[int, int]]) -> bool:
    """Whether markdown-it-py surely finds the tables markdown-it.rs found, row for row.

    They differ on tables whose header or delimiter row has no pipe, on a header
    line that opens a block quote or follows one lazily, and on whether a line
    that starts a block (``- x``) or has no pipe ends the table or is a row of
    it. So every table here must have pipes in its header and delimiter rows,
    not follow a block quote's last line, and start each body row with a
    pipe, or, under a header written so, be a bare row (``_BARE_ROW``); and no
    line with a pipe may stand over a delimiter-like line unless it heads a table."""
    if not rows and "|" not in src:
        return True  # no table, and no line with a pipe over a delimiter-like one
    lines = src.split("\n")
    starts = [0, *itertools.accumulate(len(line) + 1 for line in lines)]
    headers = set()
    bare = False  # whether the last header is a bare row: body rows may be too
    for offset, header in rows:
        index = bisect.bisect_right(starts, offset) - 1
        if header:
            headers.add(index)
            bare = _BARE_ROW.match(lines[index]) is not None
            if index and quotes and _in_quote(starts[index] - 1, quotes):
                return False  # a lazy line of the quote for markdown-it-py
        elif not (lines[index].lstrip(" \t>").startswith("|")
                  or bare and _BARE_ROW.match(lines[index])):
            return False
    for index in range(1, len(lines)):
        heads = index - 1 in headers
        if not heads and "|" not in lines[index - 1]:
            continue
        delimiter = _DELIMITER_ROW.match(lines[index])
        if delimiter is not None and not (heads and "|" in lines[index - 1]
                                          and "|" in delimiter.group()):
            return False
    return True


def _rs_tree(src: str):
    """The markdown-it-pyrs tree, with its panic message kept off stderr.

    markdown-it.rs 0.6 panics (index out of bounds in its code-span cache) when a
    link label holds a backtick run that has no closing run, e.g. ``[a ` b](u)``;
    the caller then falls back to markdown-it-py. The panic hook writes to file
    descriptor 2 directly, so that is pointed at the null device for the parse
    of any text that could panic: one with both ``[`` and a backtick.
    """
    if "`" not in src or "[" not in src:
        return _markdown_rs().tree(src)
    try:
        saved = os.dup(2)
    except OSError:
        return _markdown_rs().tree(src)
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 2)
            return _markdown_rs().tree(src)
        finally:
            os.dup2(saved, 2)
            os.close(null)
    finally:
        os.close(saved)


def _parse_markdown_rs(text: str, mdx: bool = False) -> tuple[list[Segment], list[Directive]] | None:
    """Segments and directives through markdown-it-pyrs; None if it cannot take the text."""
    src, parse_src, site = _normalize(text, mdx)
    if ("\0" in parse_src  # markdown-it-py reads NUL as U+FFFD, a symbol when it flanks
            or not parse_src.isascii() and (_backends_disagree(parse_src)
                                            or "<" in parse_src and _wide_space_in_tag(parse_src))
            or "<!" in parse_src and _CHANGED_HTML.search(parse_src)
            or "](" in parse_src and _TIGHT_TITLE.search(parse_src)):
        return None
    try:
        tree = _rs_tree(parse_src)
    except UnicodeEncodeError:  # lone surrogates: not representable in Rust strings
        return None
    except BaseException as error:  # a panic of the Rust parser is a BaseException
        if type(error).__name__ != "PanicException":
            raise
        return None
    walk = _RsWalk(text, src, parse_src, site)
    try:
        walk.blocks(tree.children, "paragraph", 0)
    except _Decline:
        return None
    if walk.backtick and "[" in parse_src:
        return None  # see _rs_tree: a link label's code-span scan may have misled the parser
    if walk.quotes and not _quotes_agree(parse_src, walk.quotes):
        return None
    if not _tables_agree(parse_src, walk.table_rows, walk.quotes):
        return None
    return walk.segments, walk.directives
