"""Documents: prose segments with exact offsets, in every format."""

from textsieve.testing import make_document


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
