"""reStructuredText, scanned by lines: docutils keeps no character offsets for inline
text. The content of directives that hold prose is read; arguments and options are not."""

from __future__ import annotations

import re

from textsieve.segments import Directive, Segment
from textsieve.markup.common import (DIRECTIVE_RE, _Mask, _blank, _directive, _lines)
from textsieve.markup.site import _template_runs
from textsieve.markup.text import _line_breaks

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
    # Every match starts at one of these characters: the look-ahead lets the scan
    # pass over the others at once instead of trying each alternative at each one.
    r"(?=[`:_\[| \t])(?:"
    r"(?P<literal>``.+?``)"
    r"|(?P<role>:[\w:+.-]+:)`(?P<text>[^`]*)`_{0,2}"
    r"|`(?P<stext>[^`]*)`(?P<srole>:[\w:+.-]+:)"
    r"|_`[^`]*`"
    r"|`(?P<ref>[^`]*)`__?"
    r"|(?P<interpreted>`[^`]+`)"
    r"|(?P<footnote>\[(?:#?[\w-]*|\*|\d+)\]_)"
    r"|(?P<substitution>\|[^|\s][^|]*\|_{0,2})"
    r"|(?<=\w)(?P<refname>__?)(?![\w`])"
    r"|(?m:^(?P<field>[ \t]*:[\w .()-]+:)(?=\s)))")
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
