import pytest

from textsieve.sentences import split_sentences


def texts(s):
    return [x.text for x in split_sentences(s)]


@pytest.mark.parametrize("text, expected", [
    ("Dr. Smith arrived. He left.", ["Dr. Smith arrived.", "He left."]),
    ("The U.S. Army is large. It is old.", ["The U.S. Army is large.", "It is old."]),
    ("Use a tool, e.g. Vale. Or not.", ["Use a tool, e.g. Vale.", "Or not."]),
    ("Pi is 3.14159 or so. Really.", ["Pi is 3.14159 or so.", "Really."]),
    ("Wait... then what? Nothing!", ["Wait... then what?", "Nothing!"]),
    ("He paused... and went on.", ["He paused... and went on."]),
    ("J. R. R. Tolkien wrote it. Then he rested.", ["J. R. R. Tolkien wrote it.", "Then he rested."]),
    ('She said "Go." Then she left.', ['She said "Go."', "Then she left."]),
    ("It ends here", ["It ends here"]),
    ("Version 2.0 shipped. Version 3 did not.", ["Version 2.0 shipped.", "Version 3 did not."]),
])
def test_sentence_boundaries(text, expected):
    assert texts(text) == expected


def test_offsets_are_exact_and_shifted():
    text = "  One here.  Two there. "
    sentences = split_sentences(text, offset=100)
    for s in sentences:
        assert text[s.start - 100:s.end - 100] == s.text
    assert [(s.start, s.end) for s in sentences] == [(102, 111), (113, 123)]
