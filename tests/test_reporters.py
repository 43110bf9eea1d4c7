"""Output formats: text, json, github (SARIF has tests of its own)."""

import pytest

from helpers import textsieve, write
from textsieve.findings import Finding, Fix, Related, Span
from textsieve.reporters import Report, fingerprint, render_github, render_text
from textsieve.rules.core import RepeatedWord


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "docs" / "a b.md", "# T\n\n- 😀 see the the list\n")
    return tmp_path


def test_json_schema(project):
    result = textsieve("check", "--format", "json", "docs", cwd=project)
    data = result.json()
    assert data["version"] == 1
    (item,) = data["findings"]
    assert {k: item[k] for k in ("path", "line", "column", "end_line", "end_column", "code",
                                 "severity", "message", "fix", "related")} == {
        "path": "docs/a b.md", "line": 3, "column": 9, "end_line": 3, "end_column": 16,
        "code": "TS003", "severity": "warning", "message": "'the' is repeated",
        "fix": {"replacement": "the", "safe": True}, "related": []}
    assert data["summary"] == {"files": 1, "findings": 1, "errors": 0, "warnings": 1, "info": 0,
                               "fixable": 1, "fixed": 0}


def test_json_paths_relative_to_cwd_even_when_given_absolute(project):
    data = textsieve("check", "--format", "json", str(project / "docs"), cwd=project).json()
    assert data["findings"][0]["path"] == "docs/a b.md"


def test_github_workflow_commands_are_escaped():
    span = Span("dir/a,b:c.md", 2, 3, 2, 9)
    findings = [Finding("TS003", "100% sure:\nreally", "warning", span),
                Finding("TS001", "note", "info", span), Finding("ENC001", "bad", "error", span)]
    out = render_github(Report(findings, {})).splitlines()
    assert out[0] == ("::warning file=dir/a%2Cb%3Ac.md,line=2,col=3,endLine=2,endColumn=9,"
                      "title=TS003::TS003 100%25 sure:%0Areally")
    assert out[1].startswith("::notice ") and out[2].startswith("::error ")


def test_text_colour_only_when_asked(project):
    plain = textsieve("check", "docs", cwd=project)
    assert "\033[" not in plain.out
    coloured = textsieve("check", "--color", "always", "docs", cwd=project)
    assert "\033[33mTS003\033[0m" in coloured.out


def test_statistics(project):
    result = textsieve("check", "--statistics", "docs", cwd=project)
    assert result.out.splitlines()[0].split() == ["1", "TS003", "[*]", "repeated-word"]


def test_output_file(project):
    result = textsieve("check", "--format", "json", "-o", "out.json", "docs", cwd=project)
    assert result.code == 1 and result.out == ""
    assert '"TS003"' in (project / "out.json").read_text()


def test_fingerprint_ignores_line_numbers_and_whitespace():
    a = Finding("TS003", "m", "warning", Span("a.md", 3, 1, 3, 8), text="the  the")
    b = Finding("TS003", "m", "warning", Span("a.md", 90, 4, 91, 2), text="The\nthe")
    c = Finding("TS003", "m", "warning", Span("b.md", 3, 1, 3, 8), text="the the")
    assert fingerprint(a) == fingerprint(b) != fingerprint(c)


def test_text_summary_lines():
    span = Span("a.md", 1, 1, 1, 2)
    report = Report([Finding("TS003", "x", "warning", span, fix=Fix("y")),
                     Finding("TS002", "z", "error", span)], {"TS003": RepeatedWord}, files_checked=1)
    assert render_text(report).splitlines() == [
        "a.md:1:1: TS003 [*] x", "a.md:1:1: TS002 z",
        "Found 2 findings (1 error, 1 warning) in 1 file.", "[*] 1 fixable with the `--fix` option."]


# -- control characters are shown, never sent to the terminal ------------------------------
_HOSTILE = "bell\x1b]0;TITLE\x07\nfake.md:9:9: VAG101 forged.md"


def _hostile_project(tmp_path):
    write(tmp_path / "d" / _HOSTILE, "Read the the guide.\n")
    words = " ".join(f"word{i}" for i in range(60))
    write(tmp_path / "long.md", f"# T\n\nThis \x1b]0;TITLE\x07 sentence \x1b[2J has {words} in it.\n")
    return tmp_path


def test_text_output_escapes_control_characters_in_paths_and_quotes(tmp_path):
    project = _hostile_project(tmp_path)
    result = textsieve("check", "--select", "TS003,READ102", "d", "long.md", cwd=project)
    assert "\x1b" not in result.out and "\x07" not in result.out
    lines = result.out.splitlines()
    assert lines[0] == ("d/bell\\x1b]0;TITLE\\x07\\x0afake.md:9:9: VAG101 forged.md:1:6: "
                        "TS003 [*] 'the' is repeated")
    assert lines[1].startswith("long.md:3:1: READ102 ") and "'This \\x1b]0;TITLE\\x07 sentence \\x1b[2J" in lines[1]
    assert not any(line.startswith("fake.md") for line in lines)
    assert lines[2].startswith("Found 2 findings")


def test_json_and_github_keep_the_real_name(tmp_path):
    project = _hostile_project(tmp_path)
    data = textsieve("check", "--format", "json", "--select", "TS003", "d", cwd=project).json()
    assert [f["path"] for f in data["findings"]] == ["d/" + _HOSTILE]
    out = textsieve("check", "--format", "github", "--select", "TS003", "d", cwd=project).out
    assert out.splitlines() == [
        "::warning file=d/bell\x1b]0;TITLE\x07%0Afake.md%3A9%3A9%3A VAG101 forged.md,line=1,col=6,"
        "endLine=1,endColumn=13,title=TS003::TS003 'the' is repeated"]


def test_escape_controls_covers_c1_line_separators_and_bidi():
    from textsieve.reporters import escape_controls

    assert escape_controls("a\tb\rc\x7fd\x85e\u2028f\u202eg\u2066h") == \
        "a\\x09b\\x0dc\\x7fd\\x85e\\u2028f\\u202eg\\u2066h"
    assert escape_controls("plain é 😀 \\x1b") == "plain é 😀 \\x1b"


# -- statistics ---------------------------------------------------------------------------
def _statistics_report(unsafe_fixes=False):
    from textsieve.rules.core import RepeatedWord

    span = Span("a.md", 1, 1, 1, 2)
    findings = [Finding("TS003", "x", "warning", span, fix=Fix("y")),
                Finding("TS003", "x", "warning", span, fix=Fix("y")),
                Finding("ENC201", "x", "warning", span, fix=Fix("", safe=False)),
                Finding("ENC202", "x", "warning", span, fix=Fix("", safe=False)),
                Finding("ENC202", "x", "warning", span, fix=Fix("")),
                Finding("READ102", "x", "warning", span)]
    return Report(findings, {"TS003": RepeatedWord}, files_checked=1, unsafe_fixes=unsafe_fixes)


def test_statistics_mark_only_codes_whose_findings_all_have_a_fix_that_applies():
    from textsieve.reporters import render

    rows = [line.split() for line in render("text", _statistics_report(), statistics=True).splitlines()[:4]]
    assert rows == [["2", "ENC202"], ["2", "TS003", "[*]", "repeated-word"], ["1", "ENC201"], ["1", "READ102"]]
    rows = [line.split() for line in
            render("text", _statistics_report(unsafe_fixes=True), statistics=True).splitlines()[:4]]
    assert rows == [["2", "ENC202", "[*]"], ["2", "TS003", "[*]", "repeated-word"], ["1", "ENC201", "[*]"],
                    ["1", "READ102"]]


def test_statistics_as_json_are_ruffs_array():
    import json

    from textsieve.reporters import render

    assert json.loads(render("json", _statistics_report(), statistics=True)) == [
        {"code": "ENC202", "name": "", "count": 2, "fixable": False},
        {"code": "TS003", "name": "repeated-word", "count": 2, "fixable": True},
        {"code": "ENC201", "name": "", "count": 1, "fixable": False},
        {"code": "READ102", "name": "", "count": 1, "fixable": False}]
    with pytest.raises(ValueError, match="--statistics works with --format text or json"):
        render("sarif", _statistics_report(), statistics=True)


def test_statistics_do_not_mark_a_code_whose_fixes_are_unsafe(tmp_path):
    write(tmp_path / "a.md", "Read the\nthe guide.\n")  # a fix across a line break is unsafe
    fixes = textsieve("check", "--format", "json", "--select", "TS003", "a.md", cwd=tmp_path).json()
    assert [f["fix"]["safe"] for f in fixes["findings"]] == [False]
    result = textsieve("check", "--statistics", "--select", "TS003", "a.md", cwd=tmp_path)
    assert result.out.splitlines()[0].split() == ["1", "TS003", "repeated-word"]


def test_statistics_with_json_on_the_command_line(project):
    import json

    result = textsieve("check", "--statistics", "--format", "json", "docs", cwd=project)
    assert json.loads(result.out) == [{"code": "TS003", "name": "repeated-word", "count": 1, "fixable": True}]
    sarif = textsieve("check", "--statistics", "--format", "sarif", "docs", cwd=project)
    assert sarif.code == 2 and "--statistics works with" in sarif.err and "internal" not in sarif.err


def test_statistics_mark_unsafe_fixes_as_fixable_with_unsafe_fixes(tmp_path):
    write(tmp_path / "a.md", "Read the\nthe guide.\n")  # a fix across a line break is unsafe
    result = textsieve("check", "--statistics", "--unsafe-fixes", "--select", "TS003", "a.md", cwd=tmp_path)
    assert result.out.splitlines()[0].split() == ["1", "TS003", "[*]", "repeated-word"]


def test_max_findings_per_code_from_the_config_bounds_the_findings(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.textsieve]\nmax-findings-per-code = 2\n")
    write(tmp_path / "a.md", "".join(f"Line {n} has the the word.\n\n" for n in range(5)))
    found = textsieve("check", "--format", "json", "--select", "TS003", "a.md", cwd=tmp_path).json()
    assert len(found["findings"]) == 3 and "3 more" in found["findings"][-1]["message"]


def test_findings_left_after_a_fix_are_bounded_as_the_first_check_was(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.textsieve]\nmax-findings-per-code = 2\n")
    text = "Read the the guide.\n\n" + "".join(f"Line {n} has the\nthe word.\n\n" for n in range(5))
    write(tmp_path / "a.md", text)  # one safe fix; five repeats across a line break (unsafe) stay
    found = textsieve("check", "--fix", "--format", "json", "--select", "TS003", "a.md", cwd=tmp_path).json()
    assert (tmp_path / "a.md").read_text().startswith("Read the guide.")
    assert len(found["findings"]) == 3 and "more" in found["findings"][-1]["message"]
