"""reStructuredText: directive bodies that are prose are checked, roles keep only
the text a reader sees, and what is not prose is opaque."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textsieve.markup import rst
from textsieve.testing import make_document


def prose(text):
    return [" ".join(s.text.split()) for s in make_document(text, "a.rst").segments]


def runs(text):
    doc = make_document(text, "a.rst")
    return [[doc.text[s.start + a:s.start + b] for a, b in s.opaque] for s in doc.segments]


def test_confval_body_is_prose_its_options_and_name_are_not():
    text = (".. confval:: html_scaled_image_link\n   :type: :code-py:`bool`\n"
            "   :default: :code-py:`True`\n\n   Link images that were resized\n"
            "   on the the page.\n\nAfter.\n")
    assert prose(text) == ["Link images that were resized on the the page.", "After."]


def test_domain_directive_signatures_and_options_are_not_prose():
    text = (".. py:function:: send(message, priority=1)\n                 send(message)\n"
            "   :module: mail\n   :no-index:\n\n   Send a message to the the queue.\n\n"
            "   :param message: what to send\n\n"
            "   .. py:method:: close()\n\n      Close it.\n\n"
            ".. c:macro:: PY_MAX\n\n   The largest value.\n\n"
            ".. rst:directive:option:: maxdepth\n\n   How deep to go.\n")
    assert prose(text) == ["Send a message to the the queue.", "what to send", "Close it.",
                           "The largest value.", "How deep to go."]


@pytest.mark.parametrize("text,expected", [
    (".. versionadded:: 2.1\n   Added the thing.\n", ["Added the thing."]),
    (".. versionchanged:: 3.0 Now the default.\n", ["Now the default."]),
    (".. deprecated:: 2.0\n\n   Use the other one.\n", ["Use the other one."]),
    (".. versionremoved:: 9.0\n", []),
    (".. note:: First line of the note\n   and its continuation.\n",
     ["First line of the note and its continuation."]),
    (".. warning::\n   :class: special\n\n   Body of the warning.\n", ["Body of the warning."]),
    (".. rubric:: Footnotes\n\nText.\n", ["Text."]),
    (".. topic:: A topic title\n\n   Topic body.\n", ["Topic body."]),
    (".. glossary::\n\n   environment\n      A structure of information.\n",
     ["environment", "A structure of information."]),
    (".. describe:: PAPER\n\n   The paper size.\n", ["The paper size."]),
    (".. envvar:: HOME\n\n   The home directory.\n", ["The home directory."]),
    (".. figure:: picture.png\n   :alt: alternative text\n   :width: 200px\n\n   The caption here.\n",
     ["The caption here."]),
])
def test_prose_directives(text, expected):
    assert prose(text) == expected


@pytest.mark.parametrize("directive", [
    ".. code-block:: python\n\n   not prose at all\n",
    ".. literalinclude:: example.py\n   :lines: 1-4\n",
    ".. math::\n\n   e^{i pi} the the\n",
    ".. raw:: html\n\n   <p>not prose</p>\n",
    ".. doctest::\n\n   >>> not prose\n",
    ".. testcode::\n\n   not prose\n",
    ".. toctree::\n   :maxdepth: 2\n\n   intro the the\n",
    ".. autosummary::\n   :toctree: generated\n\n   numpy.sum\n",
    ".. include:: other.rst\n",
    ".. image:: picture.png\n   :alt: not prose\n",
    ".. some-unknown-directive:: arg\n\n   not prose\n",
    ".. _a-target:\n\n",
    ".. |name| replace:: not prose\n",
    ".. a comment, not prose\n",
])
def test_other_directives_stay_masked(directive):
    assert prose("Before.\n\n" + directive + "\nAfter.\n") == ["Before.", "After."]


def test_anonymous_targets_are_not_prose():
    text = ("Please read `Configuring the tool`__.\n\n__ https://example.com/configure\n\n"
            "   __ https://example.com/indented\n\nNext paragraph.\n")
    assert prose(text) == ["Please read Configuring the tool .", "Next paragraph."]


@pytest.mark.parametrize("text,expected_prose,expected_runs", [
    ("Call :func:`numpy.sum` now.", "Call now.", [":func:`numpy.sum`"]),
    ("See :ref:`the-label` now.", "See now.", [":ref:`the-label`"]),
    ("See :ref:`the guide <the-label>` now.", "See the guide now.", [":ref:`", " <the-label>"]),
    ("A :term:`configuration directory` here.", "A configuration directory here.", [":term:`"]),
    ("The Python :term:`python:slice` here.", "The Python here.", [":term:`python:slice`"]),
    ("Press :kbd:`Ctrl-C` to stop.", "Press to stop.", [":kbd:`Ctrl-C`"]),
    ("Use :code-py:`x = 1` here.", "Use here.", [":code-py:`x = 1`"]),
    ("Use ``literal`` and `default role` here.", "Use and here.", ["``literal``", "`default role`"]),
    ("A `link <https://example.com>`_ here.", "A link here.", [" <https://example.com>"]),
    ("A `named link`_ and `anonymous`__ here.", "A named link and anonymous here.", []),
    ("Note |version| and [1]_ here.", "Note and here.", ["|version|", "[1]_"]),
    ("Docutils r9562__ fixes it.", "Docutils r9562 fixes it.", ["__"]),
    ("An _`inline target` here.", "An inline target here.", []),
])
def test_roles_and_references(text, expected_prose, expected_runs):
    assert prose(text + "\n") == [expected_prose]
    assert runs(text + "\n") == [expected_runs]


def test_inline_markup_in_titles_and_table_cells():
    text = ("Using ``foo``\n=============\n\n=====  ==================\nName   Meaning\n"
            "=====  ==================\n``a``  The :func:`b` value\n=====  ==================\n")
    assert prose(text) == ["Using", "Name", "Meaning", "The value"]
    assert runs(text) == [["``foo``"], [], [], [":func:`b`"]]


def test_field_names_are_opaque_markup():
    doc = make_document("Text.\n\n:param x: the value\n:type x: int\n", "a.rst")
    seg = doc.segments[1]
    assert " ".join(seg.text.split()) == "the value int"
    assert seg.opaque_between(0, len(seg.text))  # ":type x:" stands between the lines


@pytest.mark.parametrize("path", ["a.rst", "a.txt"])
def test_a_lone_carriage_return_ends_a_line(path):
    # Rules must see the line break: a fix across it would join the lines.
    doc = make_document("Read the\rthe guide.\r\rNext one.\r", path)
    assert [s.text for s in doc.segments] == ["Read the\nthe guide.", "Next one."]
    doc = make_document("Read the\r\nthe guide.\r\n", path)
    assert [s.text for s in doc.segments] == ["Read the \nthe guide."]


def test_list_table_rows_are_cells_not_bullets():
    text = (".. list-table:: Deprecated\n   :header-rows: 1\n\n   * - Target\n     - Removed\n\n"
            "   * - The ``x`` helper\n     - 4.0\n     - Use the other one.\n")
    assert prose(text) == ["Target", "Removed", "The helper", "4.0", "Use the other one."]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["`", "``", ":", ":ref:", "_", "__", "[", "]", "|", "*", "#", "1",
                                 "a", "word", " ", "\t", "\n", "\n  ", "<", ">", "-", "."]),
                max_size=40).map("".join))
def test_inline_scan_look_ahead_changes_no_match(text):
    # The look-ahead before the alternatives only lets the scan skip characters
    # where no alternative can start.
    pattern = rst._RST_INLINE.pattern
    prefix = "(?=[`:_\\[| \\t])(?:"
    assert pattern.startswith(prefix) and pattern.endswith(")")
    plain = re.compile(pattern[len(prefix):-1], rst._RST_INLINE.flags)
    assert [(m.span(), m.lastgroup) for m in rst._RST_INLINE.finditer(text)] == \
        [(m.span(), m.lastgroup) for m in plain.finditer(text)]
