"""Templating and site-generator syntax (Liquid, Jinja, Hugo shortcodes, mdBook
includes, MyST roles, MDX): not prose, found before Markdown is parsed."""

from __future__ import annotations

import bisect
import re

from textsieve.markup.common import _NOT_NEWLINE

# -- templating and site-generator syntax -------------------------------------
# Not prose: Liquid and Jinja tags, Hugo shortcodes, mdBook's {{#include}}, alert
# markers ("> [!NOTE]"), kramdown, Pandoc and markdown-it-attrs attributes ({#id},
# {: .class}), MDX comments ({/* … */}), MyST role names, Docusaurus and VitePress
# containers (:::note), and in MDX the ESM lines, JSX tags and {expressions}. They
# are found in the source before
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
# Attributes: {#id .class key=value}, kramdown's {: ...} and {::...}, Pandoc's {-};
# and an MDX comment, {/*id*/}, which React's docs write after a heading as its id.
_ATTRIBUTES_TAIL = r":[^{}`\n]*\}|[ \t]*(?:#[\w-]|\.[A-Za-z_])[^{}\n]*\}|-\}|/\*[^{}\n]*?\*/\}"
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
_SITE_HINT = re.compile(r"\{[{%#:.\-A-Za-z/]")  # and ":::", found apart: each is a fast search
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
