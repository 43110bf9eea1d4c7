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

from textsieve.markup.common import DIRECTIVE_RE, URL_RE
from textsieve.markup.markdown import _parse_markdown_py, markdown_backend, rust_backend_available
from textsieve.markup.markdown_rs import _parse_markdown_rs
from textsieve.markup.rst import _parse_rst
from textsieve.markup.text import _parse_text
from textsieve.segments import Directive, Segment

__all__ = ["parse", "URL_RE", "DIRECTIVE_RE", "markdown_backend", "rust_backend_available"]


def parse(text: str, fmt: str, path: str = "") -> tuple[list[Segment], list[Directive]]:
    """Segments and directives of ``text`` in format ``fmt``; a Markdown ``path``
    ending in ``.mdx`` is read as MDX (ESM lines, JSX, expressions)."""
    if fmt == "markdown":
        return _parse_markdown(text, path.lower().endswith(".mdx"))
    return (_parse_rst if fmt == "rst" else _parse_text)(text)


def _parse_markdown(text: str, mdx: bool = False) -> tuple[list[Segment], list[Directive]]:
    if markdown_backend() == "rust":
        parsed = _parse_markdown_rs(text, mdx)
        if parsed is not None:
            return parsed
    return _parse_markdown_py(text, mdx)
