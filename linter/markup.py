"""Markup → prose segments with exact offsets, and inline control directives.

Markdown (CommonMark plus tables and strikethrough; front matter is blanked
out first) goes through one of two backends that give identical results.
markdown-it-pyrs (Rust, the ``fast`` extra) is used when it is importable:
its tree maps every node to UTF-8 byte offsets, and each text is checked
against the source where its map puts it. Otherwise, or with
TEXTSIEVE_MARKDOWN=python, markdown-it-py: its block tokens have line ranges
but its inline tokens no positions, so each text is located in the source
with a cursor that also steps over link destinations, code spans and HTML.
Whatever is not located as text stays masked. Where the two parsers read a
document differently (see _backends_disagree and _tables_agree), or the
Rust one cannot place a text, the document goes through markdown-it-py,
which follows CommonMark 0.31 there. Plain text splits at blank
lines and recognises ``#`` headings and list bullets, as text exported from
Markdown has them. reStructuredText is scanned by lines: docutils keeps no
character offsets for inline text; the content of directives that hold prose
(admonitions, versionadded, confval, domain directives…) is read, their
arguments and options are not.

Each parser records where non-prose content stood (code, URLs, link
destinations, images, HTML, roles, templating and site-generator syntax, see
_site_syntax) as the segments' opaque runs, the same in both Markdown backends.
"""

from __future__ import annotations

import bisect
import itertools
import os
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


def parse(text: str, fmt: str, path: str = "") -> tuple[list[Segment], list[Directive]]:
    """Segments and directives of ``text`` in format ``fmt``; a Markdown ``path``
    ending in ``.mdx`` is read as MDX (ESM lines, JSX, expressions)."""
    if fmt == "markdown":
        return _parse_markdown(text, path.lower().endswith(".mdx"))
    return (_parse_rst if fmt == "rst" else _parse_text)(text)


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


# -- templating and site-generator syntax -------------------------------------
# Not prose: Liquid and Jinja tags, Hugo shortcodes, mdBook's {{#include}}, alert
# markers ("> [!NOTE]"),
# kramdown, Pandoc and markdown-it-attrs attributes ({#id}, {: .class}), MyST
# role names, Docusaurus and VitePress containers (:::note), and in MDX the
# ESM lines, JSX tags and {expressions}. They are found in the source before
# the Markdown parser runs, which then gets a copy where each is a word of
# "x"s of its length (a link whose destination is a shortcode stays a link),
# or blank when it stands alone on lines that open a block (what follows opens
# its own block, as the generator's output does; a container marker or a JSX
# tag alone on its lines is always blank). A template never holds a backtick
# (two code spans are not one template) or a blank line.
# A template's body holds no blank line and no opening of another template, so
# that an unclosed one is looked at to the next opening only; and no backtick but
# in a raw string argument (name=`…`) or a Jinja comment ({# … #}, which opens
# with a space or "-").
_BODY = r"(?:[^`\n{]|\{(?![{%#])|\n(?![ \t]*\n)|(?<==)`[^`]{0,2000}`){0,20000}?"
# Each pattern is written after its opening brace, so that the compiled expressions
# start with a literal "{", which the regular expression engine looks for quickly.
_TEMPLATE_TAIL = (r"\{<" + _BODY + r">\}\}|\{%" + _BODY + r"%\}\}|%" + _BODY + r"%\}"
                  r"|\{" + _BODY + r"\}\}|#(?=[\s-])" + _BODY.replace("[^`\\n{]", "[^\\n{]") + r"#\}")
_TEMPLATE = re.compile(r"\{(?:" + _TEMPLATE_TAIL + ")")
# Attributes: {#id .class key=value}, kramdown's {: ...} and {::...}, Pandoc's {-}.
_ATTRIBUTES_TAIL = r":[^{}`\n]*\}|[ \t]*(?:#[\w-]|\.[A-Za-z_])[^{}\n]*\}|-\}"
_MYST_ROLE_TAIL = r"[A-Za-z][\w:+.-]*\}(?=`)"
_INLINE_SITE = re.compile(
    rf"\{{(?:(?P<t>{_TEMPLATE_TAIL})|(?P<a>{_ATTRIBUTES_TAIL}|{_MYST_ROLE_TAIL}))")
# MDX: an expression in braces (three levels of nesting), a JSX tag.
_EXPRESSION_TAIL = r"(?:[^{}`]|\{(?:[^{}`]|\{[^{}`]*\})*\})*\}"
_JSX_TAG_SRC = (r"</?(?:[A-Za-z][\w.:-]*(?:\s+(?:[^\s<>{}\"'=/]+(?:=(?:\"[^\"]*\"|'[^']*'|\{"
                + _EXPRESSION_TAIL + r"|[^\s<>{}\"']+))?|\{" + _EXPRESSION_TAIL
                + r"))*\s*/?)?>")
_MDX_INLINE = re.compile(
    rf"\{{(?:(?P<t>{_TEMPLATE_TAIL}|{_EXPRESSION_TAIL})|(?P<a>{_MYST_ROLE_TAIL}))")
# A line (or lines) that holds site syntax alone, matched at the line's start.
_LINE_ITEM = rf"\{{(?:{_TEMPLATE_TAIL}|{_ATTRIBUTES_TAIL})"
_SITE_LINE = re.compile(rf"[ \t]*(?::{{3,}}[^\n]*|{_LINE_ITEM}(?:[ \t]*{_LINE_ITEM})*[ \t]*)$",
                        re.M)
_MDX_ITEM = rf"(?:\{{(?:{_TEMPLATE_TAIL}|{_ATTRIBUTES_TAIL}|{_EXPRESSION_TAIL})|{_JSX_TAG_SRC})"
_MDX_LINE = re.compile(rf"[ \t]*(?::{{3,}}[^\n]*|{_MDX_ITEM}(?:[ \t]*{_MDX_ITEM})*[ \t]*)$", re.M)
# A GitHub or Obsidian alert's marker opening a block quote: > [!NOTE]
_ALERT = re.compile(r"^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:>[ \t]*)+(\[![A-Za-z]+\][+-]?)", re.M)
_SITE_HINT = re.compile(r"\{[{%#:.\-A-Za-z]")  # and ":::", found apart: each is a fast search
_MDX_HINT = re.compile(r"^[ \t]*[<{:]", re.M)
_CONTAINER_HINT = re.compile(":::")
_ESM = re.compile(r"^(?:import[ \t]+[\w$*{'\"]|export[ \t]+(?:const|let|var|function|class|default"
                  r"|async|type|interface|\{|\*))[^\n]*(?:\n[ \t]*\S[^\n]*)*", re.M)
# Paired tags whose body is code or a comment, not prose: Liquid's highlight and
# comment, Hugo's code shortcodes, and a Docsy tab with a language.
_CODE_OPEN = re.compile(
    r"\{(?:%-?[ \t]*(highlight|comment)(?![\w-])[^%]{0,2000}?%\}"
    r"|\{[<%][ \t]*(highlight|code-toggle|code|comment|output|chroma|tab)(?![\w-])"
    r"((?:[^/>%]|/(?![>%])){0,2000})[>%]\}\})")
_CODE_CLOSE: dict[tuple[bool, str], re.Pattern] = {}


def _code_pairs(src: str):
    """(start, end) of each paired tag whose body is code, opening to closing tag.
    An opening tag with no closing one is left alone; each name's closing tags are
    searched for in ascending order, so the whole is linear in the text."""
    after = 0
    unclosed_from: dict[tuple[bool, str], int] = {}  # no closing tag at or after this offset
    for m in _CODE_OPEN.finditer(src):
        if m.start() < after:
            continue
        hugo = m.group(1) is None
        name = m.group(2) if hugo else m.group(1)
        if name == "tab" and "lang=" not in m.group(3):
            continue
        key = (hugo, name)
        if key in unclosed_from and unclosed_from[key] <= m.end():
            continue
        close = _CODE_CLOSE.get(key)
        if close is None:
            close = _CODE_CLOSE[key] = re.compile(
                rf"\{{\{{[<%][ \t]*/{re.escape(name)}[ \t]*[>%]\}}\}}" if hugo
                else rf"\{{%-?[ \t]*end{name}[ \t]*-?%\}}")
        found = close.search(src, m.end())
        if not found:
            unclosed_from[key] = m.end()
            continue
        after = found.end()
        yield m.start(), found.end()


def _site_syntax(src: str, mdx: bool = False) -> tuple[str, list[tuple[int, int, bool]]]:
    """The parser's copy of ``src`` with site syntax made words or blank lines, and the
    opaque runs that syntax leaves: (start, end, content), sorted, not overlapping."""
    hints = [m.start() for m in _SITE_HINT.finditer(src)] if "{" in src else []
    if ":::" in src:
        hints = sorted(hints + [m.start() for m in _CONTAINER_HINT.finditer(src)])
    if mdx:
        hints = sorted(set(hints).union(m.end() - 1 for m in _MDX_HINT.finditer(src)))
    alerts = list(_ALERT.finditer(src)) if "[!" in src else []
    if not hints and not mdx and not alerts:
        return src, []
    taken = bytearray(len(src))
    fills: list[tuple[int, int, str]] = []
    blanks: list[tuple[int, int]] = []  # sorted: the spans made blank
    runs: list[tuple[int, int, bool]] = []

    def fill(start: int, end: int, char: str, content: bool = False) -> None:
        """Fill ``start``..``end`` and record its run (where the parser still finds it
        inside a text, as blank spaces are, it is hidden)."""
        fills.append((start, end, char))
        runs.append((start, end, content))
        taken[start:end] = b"\x01" * (end - start)
        if char == " ":
            bisect.insort(blanks, (start, end))

    def opens_block(start: int) -> bool:
        """Whether the line before ``start`` is blank (or blanked): this line opens a block."""
        if not start:
            return True
        before = src.rfind("\n", 0, start - 1) + 1
        if not src[before:start].strip(" \t\n"):
            return True
        k = bisect.bisect_right(blanks, (before, len(src))) - 1
        return k >= 0 and blanks[k][0] <= before and blanks[k][1] >= start - 1

    if "{" in src:
        for start, end in _code_pairs(src):
            fill(start, end, " ", True)
    if mdx:
        for m in _ESM.finditer(src):
            if not taken[m.start()] and opens_block(m.start()):
                for start, end in _untaken(taken, m.start(), m.end()):
                    fill(start, end, " ")
    line_re = _MDX_LINE if mdx else _SITE_LINE
    done = -1  # lines up to here are looked at: each line once, however many hints it has
    for hint in hints:
        if hint <= done:
            continue
        start = src.rfind("\n", 0, hint) + 1
        done = src.find("\n", hint)
        done = len(src) if done < 0 else done
        if src[start:hint].strip(" \t"):
            continue
        m = line_re.match(src, start)
        if not m or m.end() == start or 1 in taken[start:m.end()]:
            continue
        end = m.end()
        done = max(done, end)
        first = m.group().lstrip(" \t")[:1]
        # A container marker or a JSX tag is a block of its own wherever it stands.
        if first == ":" and m.group().lstrip(" \t").startswith(":::") or first == "<" \
                or opens_block(start):
            fill(start, end, " ")
        else:
            lead = len(m.group()) - len(m.group().lstrip(" \t"))
            fill(start + lead, end, "x")
    for m in alerts:
        if 1 not in taken[m.start(1):m.end(1)]:
            fill(m.start(1), m.end(1), "x")
    if "{" in src:
        for m in (_MDX_INLINE if mdx else _INLINE_SITE).finditer(src):
            start, end = m.span()
            if 1 in taken[start:end]:
                continue
            fill(start, end, "x", m.lastgroup == "t")
    if not fills:
        return src, []
    fills.sort()
    pieces, at = [], 0
    for start, end, char in fills:  # none overlaps another: each was checked against taken
        pieces.append(src[at:start])
        pieces.append(_filled(src[start:end], char))
        at = end
    pieces.append(src[at:])
    runs.sort()
    return "".join(pieces), runs


def _untaken(taken: bytearray, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of ``start``..``end`` that no earlier fill took (a statement around a
    paired code tag is filled around it: fills never overlap)."""
    spans, at = [], start
    while at < end:
        busy = taken.find(1, at, end)
        stop = end if busy < 0 else busy
        if stop > at:
            spans.append((at, stop))
        if busy < 0:
            break
        at = busy
        while at < end and taken[at]:
            at += 1
    return spans


def _filled(piece: str, char: str) -> str:
    """``piece`` made blank, or made "x"s but for the indentation of its later lines
    (a template over lines in a list item's code block keeps the item's indentation)."""
    if char == "x" and "\n" in piece:
        lines = piece.split("\n")
        return "\n".join([_NOT_NEWLINE.sub("x", lines[0])] + [
            line[:len(line) - len(line.lstrip(" \t"))] + "x" * len(line.lstrip(" \t"))
            for line in lines[1:]])
    return _NOT_NEWLINE.sub(char, piece)


def _template_runs(src: str) -> list[tuple[int, int, bool]]:
    """Templating in reStructuredText or plain text: content runs."""
    if "{" not in src:
        return []
    return [(m.start(), m.end(), True) for m in _TEMPLATE.finditer(src)]


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


def _parse_markdown(text: str, mdx: bool = False) -> tuple[list[Segment], list[Directive]]:
    if markdown_backend() == "rust":
        parsed = _parse_markdown_rs(text, mdx)
        if parsed is not None:
            return parsed
    return _parse_markdown_py(text, mdx)


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
    pipe; and no line with a pipe may stand over a delimiter-like line unless
    it heads a table."""
    delimiters = list(_DELIMITER_ROW.finditer(src)) if "-" in src else []
    if not rows and not delimiters:
        return True
    starts = _line_starts(src)

    def line(index: int) -> str:
        return src[starts[index]:starts[index + 1] - 1]

    headers = set()
    for offset, header in rows:
        index = bisect.bisect_right(starts, offset) - 1
        if header:
            headers.add(index)
            if index and quotes and _in_quote(starts[index] - 1, quotes):
                return False  # a lazy line of the quote for markdown-it-py
        elif not line(index).lstrip(" \t>").startswith("|"):
            return False
    for m in delimiters:
        index = bisect.bisect_right(starts, m.start()) - 1
        above = line(index - 1) if index else ""
        if index - 1 in headers:
            if "|" not in above or "|" not in m.group():
                return False
        elif "|" in above:
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


# -- reStructuredText ---------------------------------------------------------
_ADORNMENT = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{2,}[ \t]*$")
_EXPLICIT = re.compile(r"^([ \t]*)\.\.(?:[ \t]+|$)")
_RST_DIRECTIVE = re.compile(r"^[ \t]*\.\.[ \t]+([A-Za-z0-9][\w:+.-]*?)::(?=[ \t]|$)[ \t]*")
_ANONYMOUS_TARGET = re.compile(r"^[ \t]*__(?:[ \t]+|$)")  # "__ https://…"
_RST_OPTION = re.compile(r"^[ \t]*:[\w][\w .+-]*:(?=[ \t]|$)")
_RST_LIST = re.compile(r"^[ \t]*(?:[-*+•]|\d+[.)]|#\.|\(?[a-zA-Z0-9]\)|[a-zA-Z][.)])[ \t]+")
_NESTED_BULLET = re.compile(r"[-*+•][ \t]+")
_SIMPLE_TABLE_BORDER = re.compile(r"^[ \t]*=+(?:[ \t]+=+)+[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*[-=]+(?:[ \t]+[-=]+)*[ \t]*$")

# Directives whose content is prose (checked); their arguments (a signature, a
# version, a title) and options are not. Any other directive (code-block, math,
# raw, toctree, autosummary, include, image, an unknown one) is skipped whole.
# A domain directive (py:function, c:macro, rst:directive:option) has prose content.
_ADMONITIONS = frozenset(
    "note warning tip important caution attention danger error hint seealso todo".split())
_VERSIONED = frozenset("versionadded versionchanged deprecated versionremoved version-added "
                       "version-changed version-deprecated version-removed".split())
_PROSE_DIRECTIVES = _ADMONITIONS | _VERSIONED | frozenset("""
    admonition topic sidebar rubric epigraph pull-quote highlights compound container class
    rst-class cssclass only ifconfig hlist glossary centered legacy describe object option
    cmdoption envvar confval event table list-table figure tab-set tab-item tabs tab group-tab
    grid grid-item grid-item-card card dropdown function method attribute data exception
    module decorator decoratormethod classmethod staticmethod property type autoclass
    autofunction automethod autoattribute autodata autoexception automodule autodecorator
    autoproperty""".split())

# Inline markup. A role's text is prose only where the reader sees it as written
# (an explicit title "text <target>", or a role such as :term: or :abbr:); a
# role that names something (:func:`numpy.sum`, :ref:`label`, :doc:`path`) or
# shows code (:code:, :math:, :file:) is opaque, as are inline literals,
# default-role text (`x`), footnote and substitution references and the
# target of a hyperlink reference; role names and field names are opaque markup.
_RST_INLINE = re.compile(
    r"(?P<literal>``.+?``)"
    r"|(?P<role>:[\w:+.-]+:)`(?P<text>[^`]*)`_{0,2}"
    r"|`(?P<stext>[^`]*)`(?P<srole>:[\w:+.-]+:)"
    r"|_`[^`]*`"
    r"|`(?P<ref>[^`]*)`__?"
    r"|(?P<interpreted>`[^`]+`)"
    r"|(?P<footnote>\[(?:#?[\w-]*|\*|\d+)\]_)"
    r"|(?P<substitution>\|[^|\s][^|]*\|_{0,2})"
    r"|(?<=\w)(?P<refname>__?)(?![\w`])"
    r"|(?m:^(?P<field>[ \t]*:[\w .()-]+:)(?=\s))")
_PROSE_ROLES = frozenset("term abbr dfn guilabel menuselection emphasis strong title-reference "
                         "title t sub subscript sup superscript index".split())
_LITERAL_ROLES = frozenset("code math literal samp kbd file regexp mimetype command makevar "
                           "manpage newsgroup eq".split())
_EXPLICIT_TITLE = re.compile(r"(?s)(.*?\S)(\s*<[^<>]*>)\Z")
_INVENTORY = re.compile(r"[\w-]+:\S+\Z")  # :term:`python:slice` names an entry elsewhere
_EMPHASIS = re.compile(r"(?<!\w)\*\*?|\*\*?(?!\w)")


def _rst_inline(mask: _Mask, start: int, end: int) -> None:
    """Hide the inline markup of ``start``..``end``, recording its opaque runs."""
    src = mask.src
    for m in _RST_INLINE.finditer(src, start, end):
        a, b = m.span()
        kind = m.lastgroup
        if kind in ("literal", "interpreted", "footnote", "substitution"):
            mask.opaque(a, b)
        elif kind in ("field", "refname"):
            mask.opaque(a + len(m.group()) - len(m.group().lstrip(" \t")), b, False)
        elif kind in ("text", "srole"):
            role = (m.group("role") or m.group("srole")).strip(":").lower()
            text_start, text = (m.start("text"), m.group("text")) if kind == "text" else (
                m.start("stext"), m.group("stext"))
            titled = _EXPLICIT_TITLE.match(text)
            if role in _LITERAL_ROLES or role.startswith("code") or not titled and (
                    role not in _PROSE_ROLES or not text.strip() or _INVENTORY.match(text)):
                mask.opaque(a, b)
                continue
            if kind == "text":
                mask.opaque(a, text_start, False)  # the role's name and backtick
                mask.hide(m.end("text"), b)
            else:
                mask.hide(a, text_start)
                mask.opaque(m.end("stext"), b, False)
            if titled:
                mask.opaque(text_start + titled.end(1), text_start + titled.end(2))
        elif kind == "ref":
            titled = _EXPLICIT_TITLE.match(m.group("ref"))
            text_start = m.start("ref")
            if not titled and m.group("ref").lstrip().startswith("<"):
                mask.opaque(a, b)  # `<https://…>`_: the target is all there is
                continue
            mask.hide(a, text_start)
            mask.hide(m.end("ref"), b)
            if titled:
                mask.opaque(text_start + titled.end(1), text_start + titled.end(2))
        else:  # an inline target _`text`: its text is prose
            mask.hide(a, a + 2)
            mask.hide(b - 1, b)
    chunk = mask.text(start, end)
    if "*" in chunk:
        for m in _EMPHASIS.finditer(chunk):
            mask.hide(start + m.start(), start + m.end())


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _parse_rst(text: str) -> tuple[list[Segment], list[Directive]]:
    source, text = text, _line_breaks(text)
    mask = _Mask(text, _template_runs(text))
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

    def skip_options(j: int, base_indent: int) -> int:
        """Past a directive's option lines (``:type: int``) and their continuations."""
        while j < n and not _blank(bodies[j]) and _indent(bodies[j]) > base_indent \
                and _RST_OPTION.match(bodies[j]):
            option_indent = _indent(bodies[j])
            j += 1
            while j < n and not _blank(bodies[j]) and _indent(bodies[j]) > option_indent:
                j += 1
        return j

    def paragraph(i: int, kind: str | None = None, first_start: int | None = None) -> int:
        """A paragraph, list item or block quote from line ``i`` (its first line's prose
        from ``first_start`` if given): lines up to a blank line. Returns the next line.
        Continuation lines share the first line's indentation (a list item's text column);
        a deeper line after the first starts a definition, so the first line is a term."""
        body = bodies[i]
        ind = _indent(body)
        item = None if first_start is not None else _RST_LIST.match(body)
        if first_start is not None:
            text_column = first_start - offsets[i]
        elif item:  # "* - cell": a list opening an item (a list table's row), its text after both
            text_column = item.end()
            while nested := _NESTED_BULLET.match(body, text_column):
                text_column = nested.end()
        else:
            text_column = ind
        j = i
        while j < n and not _blank(bodies[j]) and not (
                j > i and _RST_LIST.match(bodies[j]) and _indent(bodies[j]) < max(ind + 1, text_column)):
            if j > i and (_indent(bodies[j]) > text_column
                          or first_start is not None and _indent(bodies[j]) <= ind):
                break
            j += 1
        kind = kind or ("list_item" if item else ("blockquote" if ind else "paragraph"))
        start, end = offsets[i], offsets[j - 1] + len(bodies[j - 1])
        for k in range(i, j):
            line_start = offsets[k] + _indent(bodies[k])
            if k == i and first_start is not None:
                line_start = first_start
            elif k == i and item:
                line_start = offsets[k] + text_column
            mask.reveal(line_start, offsets[k] + len(bodies[k]))
        last = bodies[j - 1].rstrip()
        literal = last.endswith("::")
        if literal:
            cut = offsets[j - 1] + len(last)
            mask.hide(cut - (2 if last[:-2].endswith((" ", "\t")) or last == "::" else 1), cut)
        _rst_inline(mask, start, end)
        if body.lstrip().startswith("|") and not body.rstrip().endswith("|"):
            mask.hide(offsets[i] + ind, offsets[i] + ind + 1)  # a line block's bar
        seg = mask.segment(kind, start, end)
        if seg:
            segments.append(seg)
        nonlocal literal_next
        literal_next = literal
        return j

    def directive(i: int, match: re.Match) -> int:
        """A directive at line ``i``: its prose parts become segments (or are left to the
        main loop, indented); returns the line to go on from."""
        body, ind = bodies[i], _indent(bodies[i])
        name = match.group(1).lower()
        if name not in _PROSE_DIRECTIVES and ":" not in name:
            return skip_indented(i + 1, ind)
        first = None  # where prose starts on the directive's own line
        if name in _ADMONITIONS:
            first = match.end()
        elif name in _VERSIONED:  # the version, then the explanation
            version = re.match(r"\S+[ \t]*", body[match.end():])
            first = match.end() + (version.end() if version else 0)
        j = skip_options(i + 1, ind)
        if first is not None and first < len(body) and body[first:].strip():
            if j == i + 1:
                return paragraph(i, "blockquote", offsets[i] + first)
            # options between the line and its continuation: the line alone is prose
            mask.reveal(offsets[i] + first, offsets[i] + len(body))
            _rst_inline(mask, offsets[i] + first, offsets[i] + len(body))
            seg = mask.segment("blockquote", offsets[i] + first, offsets[i] + len(body))
            if seg:
                segments.append(seg)
            return j
        if first is None:  # a signature or title, perhaps on several lines, then options
            while j < n and not _blank(bodies[j]) and _indent(bodies[j]) > ind \
                    and not _RST_OPTION.match(bodies[j]):
                j += 1
            j = skip_options(j, ind)
        return j

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
                directives.append(_directive(m, offsets[i], source))
            named = _RST_DIRECTIVE.match(body)
            i = directive(i, named) if named else skip_indented(i + 1, ind)
            continue
        if _ANONYMOUS_TARGET.match(body):
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
            _rst_inline(mask, start, start + len(body))
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
        i = paragraph(i)
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
            _rst_inline(mask, cell_start, cell_end)
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
