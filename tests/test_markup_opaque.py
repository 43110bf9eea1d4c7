"""Opaque runs: where non-prose content stood in a segment, a boundary between words.

Markdown cases run under both backends (markdown-it-py, and markdown-it-pyrs
when it is installed); tests/test_markdown_backends.py compares the two directly.
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
    return request.param


def runs(doc):
    """The source text of each segment's opaque runs, segment by segment."""
    return [[doc.text[seg.start + a:seg.start + b] for a, b in seg.opaque] for seg in doc.segments]


def words(seg):
    return " ".join(seg.text.split())


def check_contract(doc):
    """Runs are sorted, inside the segment, hidden as spaces, and not overlapping."""
    for seg in doc.segments:
        last = 0
        for a, b in seg.opaque:
            assert last <= a < b <= len(seg.text)
            assert not seg.text[a:b].strip()
            assert seg.revealed is not None and not any(seg.revealed[a:b])
            last = b


def span_of(seg, needle):
    at = seg.text.index(needle)
    return at, at + len(needle)


def test_inline_code_is_a_boundary_not_a_space():
    doc = make_document("Set the value to `false` to disable it.\n", "a.md")
    check_contract(doc)
    (seg,) = doc.segments
    assert runs(doc) == [["`false`"]]
    # "to … to" straddles the code: not adjacent words, and no fix may touch it.
    first = seg.text.index("to ")
    second = seg.text.index("to disable")
    assert seg.opaque_between(first, second + 2)
    assert not seg.is_prose(first, second + 2)
    assert seg.is_prose(second, len(seg.text))


def test_code_span_ends_at_a_run_of_its_own_width():
    # The code span is `cmd``the the`: the double backtick inside is code, and
    # the repeated words after it are prose (markdown-it-py found the wrong end).
    doc = make_document("Run `cmd``the the`the the\n", "a.md")
    (seg,) = doc.segments
    assert runs(doc) == [["`cmd``the the`"]]
    tail = seg.text.rindex("the the")
    assert seg.start + tail == 18
    assert seg.is_prose(tail, tail + 7)
    assert seg.text[:tail].split() == ["Run"]


def test_code_span_holding_a_shorter_run():
    doc = make_document("`u``a`a\n", "a.md")
    (seg,) = doc.segments
    assert (seg.start, seg.end, seg.text.strip()) == (0, 7, "a")
    assert runs(doc) == [["`u``a`"]]


@pytest.mark.parametrize("text,expected", [
    ("Go to https://example.com/x to create one.\n", ["https://example.com/x"]),
    ("See <https://auto.link/x> and <me@example.org> here.\n",
     ["<https://auto.link/x>", "<me@example.org>"]),
    ("Read [the docs](http://a.b/c \"Title\") first.\n", ['(http://a.b/c "Title")']),
    ("Read [the docs][docs] and [this][] and [that] now.\n\n[docs]: /d\n[this]: /t\n[that]: /u\n",
     ["[docs]", "[]"]),
    ("An ![alt text](img.png) image.\n", ["![alt text](img.png)"]),
    ("Some <b>bold</b> text.\n", ["<b>", "</b>"]),
    ("Keep <!-- a note --> this.\n", ["<!-- a note -->"]),
])
def test_non_prose_inline_content_is_opaque(text, expected):
    doc = make_document(text, "a.md")
    check_contract(doc)
    assert runs(doc) == [expected]


def test_link_text_stays_prose():
    doc = make_document("Read [the docs](http://a.b/c) first.\n", "a.md")
    (seg,) = doc.segments
    a, b = span_of(seg, "the docs")
    assert seg.is_prose(a, b)
    assert words(seg) == "Read the docs first."


def test_emphasis_markers_are_formatting_not_opaque():
    doc = make_document("Read the *the* guide and **bold** words.\n", "a.md")
    (seg,) = doc.segments
    assert seg.opaque == ()
    assert words(seg) == "Read the the guide and bold words."


def test_segment_reaches_over_content_at_its_edges():
    # A list item that opens with code and a sentence that ends with it: the code
    # is part of the segment (a rule comparing passages sees a token for it).
    doc = make_document("- `--flag`: enables it\n- available as `self.env`\n", "a.md")
    first, second = doc.segments
    assert (first.start, first.text[:8]) == (2, " " * 8)
    assert runs(doc) == [["`--flag`"], ["`self.env`"]]
    assert doc.text[second.start:second.end] == "available as `self.env`"
    assert [s.text for s in doc.sentences] == [": enables it", "available as"]


def test_markup_at_the_edges_is_dropped():
    doc = make_document("<span>Text here.</span>\n", "a.md")
    (seg,) = doc.segments
    assert (doc.text[seg.start:seg.end], seg.opaque) == ("Text here.", ())


def test_only_code_makes_no_segment():
    doc = make_document("`only code`\n\n![img](x.png)\n\n<https://x.y>\n\nProse.\n", "a.md")
    assert [words(s) for s in doc.segments] == ["Prose."]


def test_table_cells_keep_their_own_runs():
    doc = make_document("| Option | Meaning |\n|---|---|\n| `a` | the `b` value |\n| `c` alone | x |\n",
                        "a.md")
    # A cell of code alone has no prose, so no segment.
    assert runs(doc) == [[], [], ["`b`"], ["`c`"], []]


def test_plain_text_urls_are_opaque():
    doc = make_document("Go to https://example.com/x to create one.\n", "a.txt")
    assert runs(doc) == [["https://example.com/x"]]


def test_html_code_elements_are_code():
    doc = make_document("Use <code>the the</code> and <kbd>Ctrl</kbd> now.\n\n"
                        "**Type:** <code>() => Promise\\<Response\\></code>\n", "a.md")
    assert runs(doc) == [["<code>the the</code>", "<kbd>Ctrl</kbd>"],
                         ["<code>() => Promise\\<Response\\></code>"]]
    assert [words(s) for s in doc.segments] == ["Use and now.", "Type:"]
