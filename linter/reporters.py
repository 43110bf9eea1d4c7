"""Reporters turn findings into output; they never decide what is a problem.

``text`` is one ``path:line:col: CODE message`` line per finding (flake8's
shape, so editors' problem matchers read it), with control characters in
paths and messages shown as escapes (``\\x1b``, ``\\x0a``) so that a file name
or a quoted sentence can neither drive the terminal nor forge a line; ``json``
is a stable schema (version 1); ``sarif`` is SARIF 2.1.0 for code scanning;
``github`` prints workflow commands that annotate pull requests. JSON and SARIF
keep every character (JSON escapes controls itself).

``--statistics`` prints counts per code instead of the findings, as ruff does:
a table in ``text`` (``[*]`` marks a code whose every finding ``--fix``
fixes), a JSON array of ``{code, name, count, fixable}`` in ``json``; the
other formats have no statistics.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from textsieve import __version__
from textsieve.findings import Finding, Span, fingerprint
from textsieve.rule import Rule

STATISTICS_FORMATS = ("text", "json")
INFORMATION_URI = "https://pypi.org/project/textsieve/"


@dataclass
class Report:
    findings: list[Finding]
    rules: dict[str, type[Rule]]  # every rule that ran, by code
    files_checked: int = 0
    fixed: int = 0
    skipped_rules: list[str] = field(default_factory=list)  # selected, but could not run
    unsafe_fixes: bool = False  # --unsafe-fixes: unsafe fixes count as fixable
    unit: str = "file"  # what was checked, for the summary line: "file", or "record" for --input-format


def summary(report: Report) -> dict:
    counts = Counter(f.severity for f in report.findings)
    return {"files": report.files_checked, "findings": len(report.findings),
            "errors": counts["error"], "warnings": counts["warning"], "info": counts["info"],
            "fixable": sum(1 for f in report.findings if f.fix and f.fix.safe),
            "fixed": report.fixed}


# C0, DEL and C1 controls, and the line separators and bidirectional controls that
# break or reorder a line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with its control characters as visible escapes (``\\x1b``, ``\\u202e``)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def code_statistics(report: Report) -> list[dict]:
    """Findings per code, most first: code, rule name, count, and whether ``--fix``
    (with ``--unsafe-fixes`` when given) fixes every one of them."""
    by_code: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_code.setdefault(f.code, []).append(f)
    rows = []
    for code, found in by_code.items():
        rule = report.rules.get(code)
        fixable = all(f.fix is not None and (f.fix.safe or report.unsafe_fixes) for f in found)
        rows.append({"code": code, "name": rule.name if rule else "", "count": len(found),
                     "fixable": fixable})
    return sorted(rows, key=lambda row: (-row["count"], row["code"]))


# -- text ---------------------------------------------------------------------
_COLOURS = {"error": "31", "warning": "33", "info": "36"}


def render_text(report: Report, colour: bool = False, statistics: bool = False,
                show_summary: bool = True) -> str:
    def paint(code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if colour else text

    lines = []
    if statistics:
        for row in code_statistics(report):
            fixable = "[*] " if row["fixable"] else "    "
            lines.append(f"{row['count']:>6}  {paint('1', escape_controls(row['code'])):<8} "
                         f"{fixable}{escape_controls(row['name'])}")
    else:
        for f in report.findings:
            s = f.span
            mark = " [*]" if f.fix and f.fix.safe else ""
            lines.append(f"{paint('1', escape_controls(s.path))}:{s.line}:{s.column}: "
                         f"{paint(_COLOURS[f.severity], escape_controls(f.code))}{mark} "
                         f"{escape_controls(f.message)}")
    if show_summary:
        info = summary(report)
        if info["findings"]:
            parts = [f"{info[k]} {k if info[k] != 1 else k.rstrip('s')}"
                     for k in ("errors", "warnings", "info") if info[k]]
            noun = "finding" if info["findings"] == 1 else "findings"
            lines.append(f"Found {info['findings']} {noun} ({', '.join(parts)}) "
                         f"in {info['files']} {report.unit}{'s' if info['files'] != 1 else ''}.")
            if info["fixable"]:
                lines.append(f"[*] {info['fixable']} fixable with the `--fix` option.")
        else:
            lines.append(f"All checks passed ({info['files']} {report.unit}{'s' if info['files'] != 1 else ''}).")
        if report.skipped_rules:
            lines.append(f"Not checked: {', '.join(report.skipped_rules)} could not run (see above).")
        if report.fixed:
            lines.append(f"Fixed {report.fixed} finding{'s' if report.fixed != 1 else ''}.")
    return "\n".join(lines) + ("\n" if lines else "")


# -- json -----------------------------------------------------------------------
def _span_json(span: Span) -> dict:
    return {"path": span.path, "line": span.line, "column": span.column,
            "end_line": span.end_line, "end_column": span.end_column}


def render_json(report: Report) -> str:
    findings = []
    for f in report.findings:
        item = _span_json(f.span)
        item.update({
            "code": f.code, "severity": f.severity, "message": f.message,
            "fix": {"replacement": f.fix.replacement, "safe": f.fix.safe} if f.fix else None,
            "related": [dict(_span_json(r.span), message=r.message) for r in f.related],
            "fingerprint": fingerprint(f),
        })
        findings.append(item)
    return json.dumps({"version": 1, "findings": findings, "summary": summary(report)},
                      ensure_ascii=False, indent=2) + "\n"


# -- sarif ----------------------------------------------------------------------
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _artifact(path: str) -> dict:
    """Relative to the working directory under %SRCROOT%, else a file:// URI."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd().rstrip(os.sep) + os.sep
    if absolute.startswith(cwd):
        rel = Path(os.path.relpath(absolute)).as_posix()
        return {"uri": _quote(rel), "uriBaseId": "%SRCROOT%"}
    return {"uri": Path(absolute).as_uri()}


def _quote(rel: str) -> str:
    from urllib.parse import quote

    return quote(rel, safe="/")


def _region(span: Span) -> dict:
    end_column = span.end_column if (span.end_line, span.end_column) > (span.line, span.column) \
        else span.column + 1
    return {"startLine": span.line, "startColumn": span.column,
            "endLine": max(span.end_line, span.line), "endColumn": end_column}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def render_sarif(report: Report) -> str:
    codes = sorted({f.code for f in report.findings} | set(report.rules))
    index = {code: i for i, code in enumerate(codes)}
    rules = []
    for code in codes:
        rule = report.rules.get(code)
        summary_text = rule.summary() if rule else code
        doc = rule.documentation() if rule else summary_text
        rules.append({
            "id": code,
            "name": "".join(p.capitalize() for p in re.split(r"[-_ ]", rule.name)) if rule else code,
            "shortDescription": {"text": _sentence(summary_text)},
            "fullDescription": {"text": _sentence(summary_text)},
            "help": {"text": doc, "markdown": doc},
            "helpUri": f"{INFORMATION_URI}#{code.lower()}",
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity] if rule else "warning"},
            "properties": {"tags": [rule.family() if rule else code[:3]]},
        })
    results = []
    for f in report.findings:
        result = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": _sentence(f.message)},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(f.path),
                                                "region": _region(f.span)}}],
            "partialFingerprints": {"textsieve/v1": fingerprint(f)},
        }
        if f.related:
            result["relatedLocations"] = [
                {"id": i + 1, "message": {"text": _sentence(r.message or "Related location")},
                 "physicalLocation": {"artifactLocation": _artifact(r.span.path),
                                      "region": _region(r.span)}}
                for i, r in enumerate(f.related)]
        if f.fix:
            result["fixes"] = [{
                "description": {"text": "Apply the suggested replacement."
                                if f.fix.safe else "Apply the suggested replacement (unsafe)."},
                "artifactChanges": [{
                    "artifactLocation": _artifact(f.path),
                    "replacements": [{"deletedRegion": _region(f.span),
                                      "insertedContent": {"text": f.fix.replacement}}]}]}]
        results.append(result)
    run = {
        "tool": {"driver": {"name": "textsieve", "version": __version__,
                            "semanticVersion": __version__, "informationUri": INFORMATION_URI,
                            "rules": rules}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(os.getcwd()).as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]},
                      ensure_ascii=False, indent=2) + "\n"


# -- github -------------------------------------------------------------------------
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    lines = []
    for f in report.findings:
        s = f.span
        props = (f"file={_escape_property(s.path)},line={s.line},col={s.column},"
                 f"endLine={s.end_line},endColumn={s.end_column},"
                 f"title={_escape_property(f.code)}")
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {props}::{_escape_data(f.code + ' ' + f.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render(fmt: str, report: Report, colour: bool = False, statistics: bool = False,
           show_summary: bool = True) -> str:
    """``report`` in the format ``fmt``; ``statistics`` only with STATISTICS_FORMATS
    (ValueError otherwise)."""
    if statistics and fmt not in STATISTICS_FORMATS:
        raise ValueError(f"--statistics works with --format {' or '.join(STATISTICS_FORMATS)}, "
                         f"not {fmt}")
    if fmt == "json":
        if statistics:
            return json.dumps(code_statistics(report), ensure_ascii=False, indent=2) + "\n"
        return render_json(report)
    if fmt == "sarif":
        return render_sarif(report)
    if fmt == "github":
        return render_github(report)
    return render_text(report, colour=colour, statistics=statistics, show_summary=show_summary)
