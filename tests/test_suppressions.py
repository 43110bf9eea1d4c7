"""Inline control comments in Markdown, plain text and reST, and TS001."""

from helpers import textsieve, write


def findings(result):
    return [(f["line"], f["code"]) for f in result.json()["findings"]]


def check(tmp_path, name, text, *extra):
    write(tmp_path / name, text)
    return textsieve("check", "--format", "json", "--no-cache", *extra, name, cwd=tmp_path)


MD = """One the the.

<!-- textsieve: disable TS003 -->
Two the the.

Three the the.
<!-- textsieve: enable -->

Four the the.

<!-- textsieve: disable-next-line TS -->
Five the the.
Six the the.
"""


def test_markdown_ranges_and_next_line(tmp_path):
    assert findings(check(tmp_path, "a.md", MD)) == [(1, "TS003"), (9, "TS003"), (13, "TS003")]


def test_disable_file_and_other_codes_untouched(tmp_path):
    text = "<!-- textsieve: disable-file TS003 -->\n\nOne the the.\n"
    assert findings(check(tmp_path, "a.md", text)) == []
    text = "<!-- textsieve: disable-file VAG -->\n\nOne the the.\n"
    assert findings(check(tmp_path, "b.md", text)) == [(3, "TS003")]


def test_enable_with_codes_reenables_only_those(tmp_path):
    text = ("<!-- textsieve: disable -->\nOne the the.\n<!-- textsieve: enable TS003 -->\n\n"
            "Two the the.\n")
    assert findings(check(tmp_path, "a.md", text)) == [(5, "TS003")]


def test_plain_text_and_rst_forms(tmp_path):
    txt = "textsieve: disable-next-line TS003\nOne the the.\n\nTwo the the.\n"
    assert findings(check(tmp_path, "a.txt", txt)) == [(4, "TS003")]
    txt2 = "<!-- textsieve: disable-next-line TS003 -->\nOne the the.\n"
    assert findings(check(tmp_path, "b.txt", txt2)) == []
    rst = ".. textsieve: disable-next-line TS003\n\nOne the the.\n\n.. textsieve: disable TS003\n\nTwo the the.\n"
    # In reST the comment is a block of its own: the next line is blank, so only the range applies.
    assert findings(check(tmp_path, "a.rst", rst)) == [(3, "TS003")]


def test_unused_suppressions_are_reported_when_selected(tmp_path):
    text = ("<!-- textsieve: disable-next-line TS003 -->\nNothing doubled here.\n\n"
            "<!-- textsieve: disable-next-line TS003 -->\nBut the the here.\n\n"
            "<!-- textsieve: disable-next-line VAG101 -->\nA rule that did not run.\n")
    result = check(tmp_path, "a.md", text, "--select", "TS003,TS001")
    got = result.json()["findings"]
    assert [(f["line"], f["column"], f["code"]) for f in got] == [(1, 6, "TS001")]
    assert "suppressed no finding" in got[0]["message"]
    # Off by default.
    assert findings(check(tmp_path, "a.md", text)) == []
