"""TS003, the repeated word: adjacent in what a reader sees, and fixes that touch prose only."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import textsieve, write
from textsieve.rules import core
from textsieve.rules.core import RepeatedWord
from textsieve.testing import run_rule


def findings(text: str, path: str = "doc.md"):
    return [(f.text, f.fix.replacement if f.fix else None, f.fix.safe if f.fix else None)
            for f in run_rule(RepeatedWord, text, path)]


# -- what stands between the words -------------------------------------------

@pytest.mark.parametrize("path, text", [
    ("doc.md", "Set the value to `false` to disable it.\n"),
    ("doc.md", "Go to https://x.example to create an account.\n"),
    ("doc.md", "Pass the name to ``cargo test`` to run one test.\n"),
    ("doc.rst", "Set it to ``True`` to enable it.\n"),
    ("doc.rst", "Set it to :code:`None` to turn it off.\n"),
    ("doc.rst", "Go to https://x.example to create an account.\n"),
    ("doc.txt", "Go to https://x.example to create an account.\n"),
    ("doc.rst", "Read the `docs`__ and the `guide`__.\n\n__ https://a.example/to\n__ https://b.example/to\n"),
    # A link reference's label and a link's target are not prose either.
    ("doc.md", "See [the docs][ref] docs for more.\n\n[ref]: https://x.example\n"),
    ("doc.md", "Read [the guide](https://x.example/guide) guide first.\n"),
])
def test_code_urls_and_link_syntax_are_boundaries(path, text):
    assert findings(text, path) == []


@pytest.mark.parametrize("text", [
    "In place of the node *node* it returns.\n",  # a parameter named like the thing
    "Visit [*Astro Docs* Docs](https://x.example) to help.\n",  # a site named "Astro Docs Docs"
])
def test_markup_between_the_words_sets_one_apart(text):
    assert findings(text) == []


def test_a_code_span_is_never_edited_and_the_repeat_after_it_is_found():
    # `cmd``the the` is the code span (one backtick opens it, the next single one closes it).
    text = "Run `cmd``the the`the the`` now.\n"
    [finding] = run_rule(RepeatedWord, text)
    assert text[finding.span.start:finding.span.end] == "the the"
    assert finding.span.start == text.index("`the the``") + 1 and finding.fix.safe


# -- case, names and grammar ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "Ich hoffe, dass Sie sie mögen.\n",  # formal "Sie" and "sie" (them)
    "Er weiß, dass sie sie kennt.\n",
    "Ein Modul, die die Daten liest, und ein Wert, der der Regel folgt.\n",
    "Si vous vous demandez pourquoi, lisez la suite.\n",
    "Talks by Lin Lin and others.\n",  # a name
    "Use the Bitwise AND and assignment operator.\n",
    "A signed long long integer, and template template parameters.\n",
    "The masked array array-wrap fix.\n",  # a different word
    "The rst:directive directive is new.\n",  # the end of an identifier
    "हम अलग अलग रास्ते लेते हैं।\n",  # Hindi doubles words by grammar
    "سی پلاس پلاس\n",  # Persian spelling out C++
    "**AND and NOT Patterns**\n",  # a keyword in capitals, then the word (PEP 635)
    '``bool(x)`` is clearer than "not not x" and shorter.\n',  # quoted: mentioned, not used
    "Avoid “very very” in reports.\n",
])
def test_grammatical_doubles_and_names_are_left_alone(text):
    assert findings(text) == []


def test_a_capitalised_first_word_that_opens_a_sentence_is_still_a_repeat():
    assert findings("Done. The the guide is here.\n") == [("The the", "The", True)]


def test_a_doubled_first_word_other_than_an_article_has_no_safe_fix():
    # PEP 554's "It it turns out" meant "If it", PEP 776's "It it not" meant "It is not":
    # the repeat is reported, its fix offered for --unsafe-fixes only.
    assert findings("Done. It it turns out to be rare.\n") == [("It it", "It", False)]
    assert findings("Done. A a guide is here.\n") == [("A a", "A", True)]
    assert findings("Read it it now.\n") == [("it it", "it", True)]


def test_a_long_quotation_and_a_capitalised_pair_are_still_read():
    assert findings('He wrote "please read the the guide before you start".\n') == [("the the", "the", True)]
    assert findings("# The the guide\n") == [("The the", "The", True)]


# -- fixes ----------------------------------------------------------------------

def test_a_run_is_one_finding_whose_fix_leaves_one_word():
    assert findings("Read the the the guide.\n") == [("the the the", "the", True)]
    # "is is" is grammatical ("what it is is"): a third one is the slip.
    assert findings("What it is is is plain.\n") == [("is is is", "is is", True)]
    assert findings("What it is is plain.\n") == []


@pytest.mark.parametrize("path, text", [
    ("doc.txt", "Read the\rthe guide.\r"),
    ("doc.rst", "Read the\rthe guide.\r"),
    ("doc.txt", "Read the\r\nthe guide.\r\n"),
    ("doc.txt", "Read the\u2028the guide.\n"),
    ("doc.md", "Read the\nthe guide.\n"),
])
def test_across_any_line_break_the_fix_is_not_safe(path, text):
    [(_, replacement, safe)] = findings(text, path)
    assert replacement == "the" and safe is False


@pytest.mark.parametrize("name, text", [
    ("lone-cr.txt", b"Read the\rthe guide.\r"),
    ("lone-cr.rst", b"Read the\rthe guide.\r"),
    ("code.md", b"Set the value to `false` to disable it.\n"),
    ("url.md", b"Go to https://x.example to create it.\n"),
    ("link.md", b"See [the docs][ref] docs.\n\n[ref]: https://x.example\n"),
])
def test_fix_leaves_line_breaks_code_and_links_alone(tmp_path, name, text):
    write(tmp_path / name, text)
    textsieve("check", "--fix", "--select", "TS003", name, cwd=tmp_path)
    assert (tmp_path / name).read_bytes() == text


def test_fix_settles_a_run_in_one_pass(tmp_path):
    write(tmp_path / "r.md", "It is is is here, and the the the end.\n")
    first = textsieve("check", "--fix", "--select", "TS003", "r.md", cwd=tmp_path)
    assert (tmp_path / "r.md").read_text() == "It is is here, and the end.\n", first.err
    second = textsieve("check", "--fix", "--select", "TS003", "r.md", cwd=tmp_path)
    assert second.code == 0 and "Fixed" not in second.out


@pytest.mark.skipif(sys.version_info < (3, 11), reason="possessive quantifiers need Python 3.11")
@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["the", "The", "th", "e", "x_1", "é", "日本", " ", "  ", "\n", "\t",
                                 "-", ".", "'", "\u0301", "\xa0"]), max_size=30).map("".join))
def test_repeated_word_candidates_same_with_a_possessive_word(text):
    # The possessive pattern (Python 3.11) finds what the backtracking one finds.
    portable = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
    assert [m.span() for m in core._CANDIDATE.finditer(text)] == [m.span() for m in portable.finditer(text)]
