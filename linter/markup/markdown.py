"""Markdown through markdown-it-py (and the choice of backend): block tokens give line
ranges, and each inline text is located in the source by a cursor."""

from __future__ import annotations

import os
import re

from textsieve.segments import Directive, Segment
from textsieve.markup.common import (DIRECTIVE_RE, _Mask, _NOT_NEWLINE, _directive, _line_starts)
from textsieve.markup.site import _site_syntax

# -- Markdown -----------------------------------------------------------------
_MD = None
_RS = None  # the markdown-it-pyrs parser; False once it proved unimportable


def _markdown():
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        _MD = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("text_join")
    return _MD


def _markdown_rs():
    global _RS
    if _RS is None:
        try:
            from markdown_it_pyrs import MarkdownIt
        except ImportError:
            _RS = False
        else:
            _RS = MarkdownIt("commonmark").enable_many(["table", "strikethrough"])
    return _RS


def rust_backend_available() -> bool:
    return bool(_markdown_rs())


def markdown_backend() -> str:
    """The backend the next Markdown document goes through: "rust" or "python"."""
    if os.environ.get("TEXTSIEVE_MARKDOWN", "").lower() == "python" or not _markdown_rs():
        return "python"
    return "rust"


# The information separators U+001C..U+001F are neither white space nor punctuation to
# CommonMark (nor to markdown-it.rs), but markdown-it-py's str.strip() and \s take them
# for white space: both parsers get U+0001, a control character of CommonMark's class.
_SEPARATORS = re.compile("[\x1c-\x1f]")


def _normalize(text: str, mdx: bool = False) -> tuple[str, str, list[tuple[int, int, bool]]]:
    """The source rules see, the source the parser gets (both of the text's length),
    and the opaque runs of site syntax (see _site_syntax).

    Line breaks become ``\n`` (CRLF → " \n", lone CR → "\n"); for the parser,
    front matter is blanked out and site syntax made words or blank lines.
    """
    src = text.replace("\r\n", " \n").replace("\r", "\n")
    end = _front_matter_end(src)
    parse_src = (_NOT_NEWLINE.sub(" ", src[:end]) + src[end:]) if end else src
    if any(c in parse_src for c in "\x1c\x1d\x1e\x1f"):  # (four finds: faster than a regex)
        parse_src = _SEPARATORS.sub("\x01", parse_src)
    parse_src, runs = _site_syntax(parse_src, mdx)
    return src, parse_src, runs


_FRONT_MATTER_OPEN = re.compile(r"(---|\+\+\+)[ \t]*\n")
_FRONT_MATTER_CLOSE = {"---": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M),
                       "+++": re.compile(r"^\+\+\+[ \t]*$", re.M)}


def _front_matter_end(src: str) -> int:
    """End of the front matter (YAML ``---`` … ``---``/``...``, TOML ``+++`` … ``+++``)
    that opens the document, or 0. Unclosed, it is none: the ``---`` is a rule."""
    opening = _FRONT_MATTER_OPEN.match(src) if src[:1] in "-+" else None
    if not opening:
        return 0
    closing = _FRONT_MATTER_CLOSE[opening.group(1)].search(src, opening.end())
    return closing.end() if closing else 0


# -- where markdown-it-py and markdown-it.rs read characters differently -----
# CommonMark trims only spaces and tabs from block content, table cells and link
# labels, and only Unicode whitespace (Zs, tab, line feed, form feed, carriage
# return) and punctuation (P, S) decide whether ``*``, ``_`` or ``~`` can open
# or close emphasis. markdown-it-py trims all these "wide" spaces as JavaScript's
# trim does (and its regular expressions treat them as \s); markdown-it.rs counts
# U+0085, U+2028, U+2029 as whitespace and symbols (S) as not punctuation. So
# markdown-it-py parses a copy in which each wide space is a stand-in (a
# punctuation mark, same length) unless that would change a delimiter's
# flanking; and a document in which the two still read a delimiter differently
# goes to markdown-it-py, which follows CommonMark there.
_WIDE_SPACE = "\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WIDE_SPACE_RE = re.compile(f"[{_WIDE_SPACE}]")
_STAND_IN = "\u00b7"  # MIDDLE DOT: punctuation, nothing to markdown-it
_WIDE_SPACES = re.compile(f"[{_WIDE_SPACE}]+")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# Rust's char::is_whitespace (the Unicode White_Space property).
_RS_WHITESPACE = frozenset("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
                           + "".join(map(chr, range(0x2000, 0x200B))))
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _py_classes():
    """Whitespace and punctuation as the installed markdown-it-py's scanDelims sees them."""
    from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

    return (lambda ch: isWhiteSpace(ord(ch)),
            lambda ch: isMdAsciiPunct(ord(ch)) or isPunctChar(ch))


def _rs_classes():
    import unicodedata

    return (lambda ch: ch in _RS_WHITESPACE,
            lambda ch: ch in _ASCII_PUNCT or unicodedata.category(ch).startswith("P"))


def _can_open_close(prev: str, following: str, marker: str, classes) -> tuple[bool, bool]:
    """CommonMark's flanking rules for a delimiter run between ``prev`` and ``following``."""
    space, punct = classes
    prev_space, next_space = space(prev), space(following)
    prev_punct, next_punct = punct(prev), punct(following)
    left = not next_space and (not next_punct or prev_space or prev_punct)
    right = not prev_space and (not prev_punct or next_space or next_punct)
    if marker == "_":
        return left and (not right or prev_punct), right and (not left or next_punct)
    return left, right


def _delimiter_runs(src: str, pattern: re.Pattern):
    """(start, end, char before, char after) of the delimiter runs (``*``, ``_``, ``~``)
    next to a run of characters the pattern finds."""
    for m in pattern.finditer(src):
        for at in (m.start() - 1, m.end()):
            if not (0 <= at < len(src) and src[at] in "*_~"):
                continue
            start = end = at
            while start > 0 and src[start - 1] == src[at]:
                start -= 1
            while end < len(src) and src[end] == src[at]:
                end += 1
            yield (start, end, src[start - 1] if start else " ",
                   src[end] if end < len(src) else " ")


def _stand_in(ch: str) -> str:
    return _STAND_IN if _WIDE_SPACE_RE.match(ch) else ch


def _narrow_spaces(src: str) -> str:
    """The source with wide spaces replaced by the stand-in where that is safe for
    flanking (_backends_disagree sends the other documents to markdown-it-py)."""
    keep = set()
    classes = None
    for start, end, prev, following in _delimiter_runs(src, _WIDE_SPACES):
        classes = classes or _py_classes()
        if (_can_open_close(prev, following, src[start], classes)
                != _can_open_close(_stand_in(prev), _stand_in(following), src[start], classes)):
            keep.update(i for i in (start - 1, end) if 0 <= i < len(src)
                        and _WIDE_SPACE_RE.match(src[i]))
    return _WIDE_SPACE_RE.sub(lambda m: m.group() if m.start() in keep else _STAND_IN, src)


def _backends_disagree(src: str) -> bool:
    """Whether markdown-it.rs would read some delimiter run of this (non-ASCII) source
    otherwise than markdown-it-py does, or markdown-it-py keeps a wide space."""
    py = rs = None
    for start, end, prev, following in _delimiter_runs(src, _NON_ASCII_RUN):
        py, rs = py or _py_classes(), rs or _rs_classes()
        flags = _can_open_close(prev, following, src[start], py)
        if flags != _can_open_close(prev, following, src[start], rs):
            return True
        if (_stand_in(prev) != prev or _stand_in(following) != following) and flags != \
                _can_open_close(_stand_in(prev), _stand_in(following), src[start], py):
            return True
    return False


_CONTAINERS = {"blockquote_open": "blockquote", "list_item_open": "list_item",
               "th_open": "table_cell", "td_open": "table_cell", "heading_open": "heading"}


def _parse_markdown_py(text: str, mdx: bool = False) -> tuple[list[Segment], list[Directive]]:
    src, parse_src, site = _normalize(text, mdx)
    if not parse_src.isascii() and _WIDE_SPACE_RE.search(parse_src):
        parse_src = _narrow_spaces(parse_src)
    tokens = _markdown().parse(parse_src)
    # markdown-it-py turns NUL into U+FFFD in its tokens: look them up in kind.
    find_src = parse_src.replace("\0", "\ufffd") if "\0" in src else parse_src
    starts = _line_starts(src)
    mask = _Mask(src, site)
    segments: list[Segment] = []
    directives: list[Directive] = []
    stack: list[tuple[str, int]] = []
    row_map, row_cursor = None, 0
    opening = None
    for tok in tokens:
        if tok.type in ("paragraph_open", "heading_open"):
            opening = tok
        if tok.type in _CONTAINERS:
            level = int(tok.tag[1]) if tok.type == "heading_open" else 0
            stack.append((_CONTAINERS[tok.type], level))
        elif tok.type.endswith("_close") and tok.type.replace("_close", "_open") in _CONTAINERS:
            stack.pop()
        elif tok.type == "html_block" and tok.map:
            _block_directives(src, text, starts, tok.map[0], tok.map[1] - 1, directives)
        elif tok.type == "inline" and tok.map:
            kind, level = stack[-1] if stack else ("paragraph", 0)
            region_start = starts[tok.map[0]]
            region_end = min(starts[tok.map[1]] - 1, len(src))
            cursor = region_start
            if kind == "table_cell":
                if row_map == tuple(tok.map):
                    cursor = row_cursor
                row_map = tuple(tok.map)
            elif tok.content:
                cursor = _content_start(find_src, tok.content, region_start, opening)
            first = cursor
            cursor = _reveal_inline(find_src, tok.children or [], cursor, region_end, mask,
                                    directives, text)
            row_cursor = cursor
            seg = mask.segment(kind, first if kind == "table_cell" else region_start,
                               cursor if kind == "table_cell" else region_end, level)
            if seg:
                segments.append(seg)
    return segments, directives


def _content_start(src: str, content: str, line_start: int, opening) -> int:
    """Where the inline content of a paragraph or heading starts in its first line,
    past the container prefix (``> ``, ``1. ``), which may hold the same characters."""
    line_end = src.find("\n", line_start)
    line_end = len(src) if line_end < 0 else line_end
    head = content.split("\n", 1)[0]
    if opening is not None and opening.type == "heading_open" and opening.markup.startswith("#"):
        hashes = src.find("#", line_start, line_end)
        while 0 <= hashes < line_end and src[hashes] == "#":
            hashes += 1
        at = src.find(head, hashes, line_end) if hashes >= 0 else -1
    else:  # the content's first line ends the source line, but for trimmed spaces
        at = src.rfind(head, line_start, line_end)
    return at if at >= 0 else line_start


def _block_directives(src, text, starts, first_line, last_line, directives) -> None:
    """Directives in the comments of an HTML block spanning those (0-based) lines."""
    base = starts[first_line]
    block = src[base:starts[last_line + 1] - 1]
    directives.extend(_directive(m, base, text) for m in DIRECTIVE_RE.finditer(block)
                      if "<!--" in block[:m.start()])


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
            elif at < 0 and "|" in child.content:  # a table cell's "\|", unescaped
                found = re.compile(re.escape(child.content).replace(r"\|", r"\\?\|")).search(
                    src, cursor, limit)
                if found:
                    cursor = _reveal_escaped_pipes(mask, src, found.start(), found.end())
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
                end = _code_span_end(src, at, len(child.markup), limit)
                if end:
                    mask.mark(at, end)
                    cursor = end
        elif t == "html_inline":
            at = src.find(child.content, cursor, limit)
            if at >= 0:
                cursor = at + len(child.content)
                mask.mark_html(at, cursor)
                directives.extend(_directive(m, 0, text)  # in the source's own characters
                                  for m in DIRECTIVE_RE.finditer(mask.src, at, cursor))
        elif t == "link_open":
            if child.markup == "autolink":
                at = src.find("<", cursor, limit)
                close = src.find(">", at + 1, limit) if at >= 0 else -1
                if close >= 0:
                    mask.mark(at, close + 1)
                    cursor = close + 1
                in_autolink = True
            else:
                at = src.find("[", cursor, limit)
                cursor = at + 1 if at >= 0 else cursor
        elif t == "link_close":
            close = src.find("]", cursor, limit)
            end = _skip_link_tail(src, cursor, limit)
            if close >= 0:
                mask.mark(close + 1, end)  # the destination, title or label
            cursor = end
        elif t in ("softbreak", "hardbreak"):  # past the line break (and a ``\\`` before it)
            at = src.find("\n", cursor, limit)
            cursor = at + 1 if at >= 0 else cursor
        elif t in ("em_close", "strong_close", "s_close"):
            # Past the closing delimiter: a leftover marker of its run follows it.
            if src.startswith(child.markup, cursor):
                cursor += len(child.markup)
        elif t == "image":
            at = src.find("![", cursor, limit)
            if at >= 0:
                close = _matching_bracket(src, at + 1, limit)
                cursor = _skip_link_tail(src, close, limit)
                mask.mark(at, cursor)
    return cursor


def _code_span_end(src: str, at: int, width: int, limit: int) -> int:
    """End of the code span whose opening backtick run of ``width`` is at ``at``: past
    the next run of exactly that width (a longer or shorter run is code); 0 if none."""
    k = at + width
    while True:
        k = src.find("`", k, limit)
        if k < 0:
            return 0
        end = k + 1
        while end < limit and src[end] == "`":
            end += 1
        if end - k == width:
            return end
        k = end


def _reveal_escaped_pipes(mask, src: str, start: int, end: int) -> int:
    """Reveal a table cell's text whose ``\\|`` the table rule turned into ``|``,
    but for those backslashes. Returns the end."""
    mask.reveal(start, end)
    for at in range(start, end - 1):
        if src[at] == "\\" and src[at + 1] == "|":
            mask.hide(at, at + 1)
    return end


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
    """From inside or at the end of a link label, past ``](dest "title")`` or ``][ref]``:
    the tail markdown-it consumed, by its own rules (an invalid inline tail is text
    after a reference link)."""
    close = src.find("]", cursor, limit)
    if close < 0:
        return cursor
    k = close + 1
    if k < limit and src[k] == "(":
        end = _inline_link_end(src, k, limit)
        if end:
            return end
    if k < limit and src[k] == "[":
        end = _label_end(src, k, limit)
        if end:
            return end
    return k


def _inline_link_end(src: str, k: int, limit: int) -> int:
    """End of ``(dest "title")`` at ``k``, as markdown-it's link rule parses it; 0 if invalid."""
    from markdown_it.helpers import parseLinkDestination, parseLinkTitle

    pos = _skip_link_space(src, k + 1, limit)
    if pos >= limit:
        return 0
    dest = parseLinkDestination(src, pos, limit)
    if dest.ok:
        md = _markdown()
        if md.validateLink(md.normalizeLink(dest.str)):
            pos = dest.pos
        start = pos
        pos = _skip_link_space(src, pos, limit)
        title = parseLinkTitle(src, pos, limit)
        if pos < limit and start != pos and title.ok:
            pos = _skip_link_space(src, title.pos, limit)
    return pos + 1 if pos < limit and src[pos] == ")" else 0


def _skip_link_space(src: str, pos: int, limit: int) -> int:
    """Past spaces, tabs and line breaks, and the container prefixes (``>``) after a break."""
    while pos < limit:
        c = src[pos]
        if c == "\n":
            pos += 1
            while pos < limit and src[pos] in " \t>":
                pos += 1
        elif c in " \t":
            pos += 1
        else:
            break
    return pos


def _label_end(src: str, k: int, limit: int) -> int:
    """End of a reference label ``[ref]`` at ``k``; 0 if it does not close (or nests)."""
    pos = k + 1
    while pos < limit:
        c = src[pos]
        if c == "\\":
            pos += 2
            continue
        if c == "]":
            return pos + 1
        if c == "[":
            return 0
        pos += 1
    return 0
