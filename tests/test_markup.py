"""Documents: prose segments with exact offsets, in every format.

Every test runs under both Markdown backends: markdown-it-py, and
markdown-it-pyrs when it is installed (tests/test_markdown_backends.py
compares the two directly).
"""

import pytest

from textsieve import markup
from textsieve.testing import make_document


@pytest.fixture(autouse=True, params=["python", "rust"])
def markdown_backend(request, monkeypatch):
    if request.param == "rust":
        if not markup.rust_backend_available():
            pytest.skip("markdown-it-pyrs is not installed")
        monkeypatch.delenv("TEXTSIEVE_MARKDOWN", raising=False)
    else:
        monkeypatch.setenv("TEXTSIEVE_MARKDOWN", "python")
    assert markup.markdown_backend() == request.param
    return request.param


def prose(doc):
    return [(s.kind, " ".join(s.text.split())) for s in doc.segments]


def locate(doc, needle):
    """(line, column) of ``needle`` in the prose, via a segment offset."""
    for seg in doc.segments:
        i = seg.text.find(needle)
        if i >= 0:
            assert doc.text[seg.start + i:seg.start + i + len(needle)] == needle
            return doc.position(seg.start + i)
    raise AssertionError(f"{needle!r} is not prose")


MD = """---
title: Front matter is not prose
---
# Heading *one*

Para with `inline code`, a [link text](http://example.com/(x) "title") and <b>html</b>.
See <https://auto.link/x> and https://bare.example/y too.

> Quoted line one
> quoted line two.

- item one
- item *two* with 😀 emoji then target

| head | col |
|------|-----|
| cell ünïcode | target2 |

```
code block target
```

    indented code target

<div>
html block target
</div>
"""


def test_markdown_segments_and_kinds():
    doc = make_document(MD, "doc.md")
    assert prose(doc) == [
        ("heading", "Heading one"),
        ("paragraph", "Para with , a link text and html . See and too."),
        ("blockquote", "Quoted line one quoted line two."),
        ("list_item", "item one"),
        ("list_item", "item two with 😀 emoji then target"),
        ("table_cell", "head"), ("table_cell", "col"),
        ("table_cell", "cell ünïcode"), ("table_cell", "target2"),
    ]
    assert doc.segments[0].level == 1


def test_markdown_never_yields_code_html_urls_or_front_matter():
    doc = make_document(MD, "doc.md")
    everything = " ".join(s.text for s in doc.segments)
    for absent in ("code block", "indented code", "html block", "Front matter", "inline code",
                   "example.com", "auto.link", "bare.example", "title"):
        assert absent not in everything


def test_markdown_positions_are_exact():
    doc = make_document(MD, "doc.md")
    assert locate(doc, "one") == (4, 12)
    assert locate(doc, "quoted line two") == (10, 3)
    assert locate(doc, "target") == (13, 32)  # after an emoji: columns count characters
    assert locate(doc, "target2") == (17, 18)
    assert locate(doc, "ünïcode") == (17, 8)


def test_markdown_crlf_and_entities_keep_offsets():
    text = "# T\r\n\r\nFirst line\r\nsecond &amp; third \\*x\\* end.\r\n"
    doc = make_document(text, "a.md")
    assert locate(doc, "third") == (4, 14)
    assert locate(doc, "end") == (4, 26)
    assert " ".join(doc.segments[1].text.split()) == "First line second & third *x * end."


def test_plain_text_paragraphs_headings_lists():
    text = "# Title here\n\nA paragraph\nwrapped here.\n\n- first item\n- second item\n\nhttp://x.y/z ends.\n"
    doc = make_document(text, "a.txt")
    assert prose(doc) == [("heading", "Title here"), ("paragraph", "A paragraph wrapped here."),
                          ("list_item", "first item"), ("list_item", "second item"),
                          ("paragraph", "ends.")]
    assert locate(doc, "wrapped") == (4, 1)
    assert locate(doc, "second item") == (7, 3)


RST = """Section title
=============

A paragraph with ``literal code``, a `link <http://example.com>`_ and :code:`x = 1`
plus :ref:`a reference <target>` here. Example::

    literal block target

.. note::

   Admonition prose here.

.. code-block:: python

   directive target

.. This is a comment target.

.. |sub| replace:: substitution target

- bullet item
"""


def test_rst_prose_and_exclusions():
    doc = make_document(RST, "a.rst")
    assert prose(doc) == [
        ("heading", "Section title"),
        ("paragraph", "A paragraph with , a link and plus a reference here. Example:"),
        ("blockquote", "Admonition prose here."),
        ("list_item", "bullet item"),
    ]
    assert locate(doc, "reference") == (5, 14)
    assert "target" not in " ".join(s.text for s in doc.segments)


def test_directives_in_each_format():
    md = make_document("<!-- textsieve: disable-next-line VAG101,DUP -->\nText.\n", "a.md")
    assert [(d.action, d.codes, d.line) for d in md.directives] == [("disable-next-line", ("VAG101", "DUP"), 1)]
    txt = make_document("Text.\n\ntextsieve: disable-file ENC\n\nMore.\n", "a.txt")
    assert [(d.action, d.codes, d.line) for d in txt.directives] == [("disable-file", ("ENC",), 3)]
    assert prose(txt) == [("paragraph", "Text."), ("paragraph", "More.")]
    rst = make_document("Text.\n\n.. textsieve: disable READ\n\nMore.\n\n.. textsieve: enable\n", "a.rst")
    assert [(d.action, d.codes, d.line) for d in rst.directives] == [("disable", ("READ",), 3), ("enable", (), 7)]


def test_sentences_end_at_segment_boundaries():
    doc = make_document("# A heading without a stop\n\n- an item\n- another\n\nTwo. Sentences.\n", "a.md")
    assert [s.text for s in doc.sentences] == ["A heading without a stop", "an item", "another",
                                               "Two.", "Sentences."]


def test_only_ascii_line_breaks_split_and_only_ascii_space_trims():
    # U+0085, U+00A0 and U+2028 can be the tail of mojibake ("Ã\xa0" is a damaged "à").
    for name in ("a.txt", "a.rst"):
        doc = make_document("Voil\u00c3\xa0\n\nOne\u2028two\x85three \u00c3\xa0\n", name)
        assert [s.text for s in doc.segments] == ["Voil\u00c3\xa0", "One\u2028two\x85three \u00c3\xa0"]
        assert doc.position(doc.segments[1].start) == (3, 1)


def test_a_sentence_that_opens_with_markup_still_starts_a_sentence():
    doc = make_document("It was slow then. `npx` uses a cache. It is fast. [the docs](http://x) say so. "
                        "Use e.g. `foo` here.\n", "a.md")
    assert [" ".join(s.text.split()) for s in doc.sentences] == [
        "It was slow then.", "uses a cache.", "It is fast.", "the docs say so.", "Use e.g. here."]
    # Plain text has no hidden markup: a lower-case word after a period does not split.
    txt = make_document("It was slow then. npx uses a cache.\n", "a.txt")
    assert [s.text for s in txt.sentences] == ["It was slow then. npx uses a cache."]


def test_rst_simple_tables_definition_lists_and_fields():
    src = ("Intro.\n\n=====  ===========\nName   Meaning\n=====  ===========\n"
           "alpha  The first one.\n=====  ===========\n\nterm one\n   Its definition.\n\n"
           ":param x: the value.\n\n- item one\n  continued.\n")
    doc = make_document(src, "a.rst")
    assert prose(doc) == [
        ("paragraph", "Intro."), ("table_cell", "Name"), ("table_cell", "Meaning"),
        ("table_cell", "alpha"), ("table_cell", "The first one."), ("paragraph", "term one"),
        ("blockquote", "Its definition."), ("paragraph", "the value."),
        ("list_item", "item one continued.")]
    assert locate(doc, "The first one.") == (6, src.splitlines()[5].index("The") + 1)


def test_markdown_keeps_wide_spaces_at_block_edges():
    # CommonMark trims only spaces and tabs: a no-break space ending a paragraph,
    # heading or cell can be the tail of mojibake ("Ã\xa0" is a damaged "à").
    text = "Voil\u00c3\xa0\n\n# Titre \u00c3\xa0\n\n| \u00c3\xa0 | b |\n|---|---|\n| \xa0 | c |\n"
    doc = make_document(text, "a.md")
    assert [(s.kind, s.text) for s in doc.segments] == [
        ("paragraph", "Voil\u00c3\xa0"), ("heading", "Titre \u00c3\xa0"),
        ("table_cell", "\u00c3\xa0"), ("table_cell", "b"), ("table_cell", "\xa0"), ("table_cell", "c")]
    assert doc.position(doc.segments[1].end - 1) == (3, 10)  # the no-break space


def test_markdown_front_matter_yaml_toml_and_unclosed():
    yaml = make_document("---\ntitle: x\n...\nBody one.\n", "a.md")
    assert prose(yaml) == [("paragraph", "Body one.")]
    assert locate(yaml, "Body") == (4, 1)
    toml = make_document("+++\ntitle = 'x'\n+++\nBody two.\n", "a.md")
    assert prose(toml) == [("paragraph", "Body two.")]
    # Unclosed, the opening line is a thematic break and what follows is prose.
    assert prose(make_document("---\nNot front matter.\n", "a.md")) == [
        ("paragraph", "Not front matter.")]


def test_markdown_links_emphasis_and_markers_at_their_own_places():
    # [foo] is a reference link: "(not a link)" after it is text, not a destination.
    doc = make_document("[foo](not a link) and more\n\n[foo]: /u\n", "a.md")
    assert prose(doc) == [("paragraph", "foo (not a link) and more")]
    assert locate(doc, "(not") == (1, 6)
    # A leftover marker of a closing run follows the closing delimiter.
    doc = make_document("**a*** and ~~c~~~~\n", "a.md")
    assert doc.segments[0].text == "a  * and   c  ~~"
    # Item text that repeats the list marker's characters is found after the marker.
    doc = make_document("1.  . dot item\n", "a.md")
    assert (doc.segments[0].start, doc.segments[0].text) == (4, ". dot item")
    # The backslash of a hard break is markup; an escaped space is a backslash and text.
    doc = make_document("a\\\n\\ b\n", "a.md")
    assert doc.segments[0].text == "a \n  b"


def test_markdown_positions_after_hard_breaks_in_quoted_lists_and_wide_characters():
    doc = make_document("> - a\\\n>   b  \n>   c\n", "a.md")
    assert [s.text for s in doc.segments] == ["a \n    b  \n    c"]
    assert locate(doc, "c") == (3, 5)
    doc = make_document("| 日本語 | 😀 emoji |\n|---|---|\n| ünï | 𝄞 clef |\n", "a.md")
    assert prose(doc) == [("table_cell", "日本語"), ("table_cell", "😀 emoji"),
                          ("table_cell", "ünï"), ("table_cell", "𝄞 clef")]
    assert locate(doc, "emoji") == (1, 11)
    assert locate(doc, "clef") == (3, 11)
