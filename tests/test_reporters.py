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
