"""The HTML report: one self-contained file a team opens in a browser.

Everything the page shows travels as one JSON document inside
``<script type="application/json">`` (every ``<``, ``>`` and ``&`` written as a
``\\u`` escape, so no file name or quoted text can close the element), and the
page's own script (``report_assets/report.js``) draws it with ``textContent``
and SVG elements only, never ``innerHTML``. A Content-Security-Policy with the
hashes of the two inline blocks forbids every other script and every network
request, so the file works the same from ``file://`` and offline.

What is computed here rather than in the page: the source lines around each
finding (the page has no access to the files), the pairs of duplicate passages
with their word-level diff (difflib), and the order of documents in the
duplication map (connected groups, tightest links first, so that blocks show
on the diagonal).
"""

from __future__ import annotations

import base64
import bisect
import datetime
import difflib
import hashlib
import heapq
import html
import json
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Mapping

from textsieve import __version__

SEVERITIES = ("info", "warning", "error")
DUP_PAIR_CODES = ("DUP101", "DUP102")  # passages copied between particular documents: the map
DUP_SHARE_CODES = ("DUP101", "DUP102", "DUP104")  # words in these count as duplicated
CONTEXT_LINES = 1  # source lines shown before and after a finding
MAX_FINDING_LINES = 12  # lines of a longer finding shown (its start)
MAX_LINE_CHARS = 2000  # a longer source line is cut, with an ellipsis
MAX_PAIR_CHARS = 4000  # passages longer than this are cut before the diff
STATUS_NEW = 1  # not in the baseline
STATUS_APPEARED = 2  # not in the findings file compared with


class ReportError(Exception):
    """Input the report cannot use (an unreadable findings file); the message says why."""


@dataclass
class DocumentSummary:
    """One checked document as the report sees it.

    ``words`` counts prose words (code, URLs and markup left out, as the READ rules
    count them); ``grade`` is the readability score, None when the document is too
    short for one or the READ family did not run; ``dup_words`` counts the words of
    its sentences inside DUP101, DUP102 and DUP104 passages.
    """

    path: str
    words: int | None = None
    grade: float | None = None
    dup_words: int | None = None


@dataclass
class Readability:
    """What the grades mean: the formula's label, the target, and which way is harder."""

    label: str = "Flesch–Kincaid grade"
    target: float = 14.0
    higher_is_harder: bool = True


@dataclass
class _Record:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    severity: str
    message: str
    related: list  # [(path, line, column, end_line, end_column, message)]
    fingerprint: str
    status: int = 0


# -- input ------------------------------------------------------------------------
def load_findings_json(path: str) -> dict:
    """A findings file written by ``textsieve check --format json`` (schema version 1)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ReportError(f"{path}: not a textsieve JSON findings file: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("findings"), list):
        raise ReportError(f"{path}: not a textsieve JSON findings file (version 1 with a "
                          "'findings' list expected; write one with --format json)")
    for index, item in enumerate(data["findings"]):
        if not isinstance(item, dict) or not all(k in item for k in ("path", "line", "code")):
            raise ReportError(f"{path}: finding {index + 1} lacks path, line or code")
    return data


def _record(finding) -> _Record:
    """A Finding, or one item of the JSON format, as the report's own record."""
    if isinstance(finding, dict):
        line = int(finding.get("line", 1))
        column = int(finding.get("column", 1))
        related = [(r.get("path", ""), int(r.get("line", 1)), int(r.get("column", 1)),
                    int(r.get("end_line", r.get("line", 1))), int(r.get("end_column", 1)),
                    r.get("message", "")) for r in finding.get("related") or () if isinstance(r, dict)]
        return _Record(str(finding["path"]), line, column, int(finding.get("end_line", line)),
                       int(finding.get("end_column", column)), str(finding["code"]),
                       finding.get("severity") if finding.get("severity") in SEVERITIES else "warning",
                       str(finding.get("message", "")), related, str(finding.get("fingerprint", "")))
    from textsieve.reporters import fingerprint

    s = finding.span
    related = [(r.span.path, r.span.line, r.span.column, r.span.end_line, r.span.end_column,
                r.message) for r in finding.related]
    return _Record(s.path, s.line, s.column, s.end_line, s.end_column, finding.code,
                   finding.severity, finding.message, related, fingerprint(finding))


def _read_source(path: str) -> str | None:
    from textsieve.source import SourceError, read_file

    try:
        return read_file(path)[1]
    except SourceError:
        return None


class _Sources:
    """Source texts by path, read once, with their line starts."""

    def __init__(self, given: Mapping[str, str] | None, read: bool = True):
        self.given = dict(given or {})
        self.read = read
        self.texts: dict[str, str | None] = {}
        self.starts: dict[str, list[int]] = {}

    def text(self, path: str) -> str | None:
        if path not in self.texts:
            text = self.given.get(path)
            if text is None and self.read:
                text = _read_source(path)
            self.texts[path] = text
            if text is not None:
                self.starts[path] = [0] + [m.end() for m in re.finditer("\n", text)]
        return self.texts[path]

    def lines(self, path: str, first: int, last: int) -> list[tuple[int, str]]:
        text = self.text(path)
        if text is None:
            return []
        starts = self.starts[path]
        out = []
        for number in range(max(1, first), min(last, len(starts)) + 1):
            begin = starts[number - 1]
            end = starts[number] - 1 if number < len(starts) else len(text)
            line = text[begin:end].rstrip("\r")
            if len(line) > MAX_LINE_CHARS:
                line = line[:MAX_LINE_CHARS] + "…"
            out.append((number, line))
        return out

    def offset(self, path: str, line: int, column: int) -> int:
        starts = self.starts[path]
        index = max(0, min(line - 1, len(starts) - 1))
        return min(starts[index] + max(column - 1, 0), len(self.texts[path]))

    def span_text(self, path: str, line: int, column: int, end_line: int, end_column: int) -> str | None:
        text = self.text(path)
        if text is None:
            return None
        return text[self.offset(path, line, column):self.offset(path, end_line, end_column)]


# -- duplicates -------------------------------------------------------------------
_SIMILARITY = re.compile(r"near-duplicate \((\d(?:\.\d+)?)\)")


def _direct_link(note: str) -> tuple[float, bool] | None:
    """(similarity, exact) of a related location that is a verified twin, else None."""
    if note.startswith("exact duplicate"):
        return 1.0, True
    match = _SIMILARITY.match(note)
    return (float(match.group(1)), False) if match else None


def word_diff(a: str, b: str) -> list:
    """The two passages as runs: ``[0, words]`` shared, ``[1, words of a, words of b]``
    changed (either side may be empty). White space is folded; words compare as written."""
    wa, wb = a.split(), b.split()
    if wa == wb:  # exact duplicates: no diff to compute
        return [[0, " ".join(wa)]] if wa else []
    runs: list = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append([0, " ".join(wa[i1:i2])])
        else:
            runs.append([1, " ".join(wa[i1:i2]), " ".join(wb[j1:j2])])
    return runs


def _pairs(records: list[_Record], sources: _Sources) -> list[dict]:
    """Each verified pair of duplicate passages once, whichever side reported it."""
    seen: dict[tuple, dict] = {}
    for r in records:
        if r.code not in DUP_PAIR_CODES:
            continue
        here = (r.path, r.line, r.column, r.end_line, r.end_column)
        for *there, note in r.related:
            link = _direct_link(note)
            if link is None:
                continue
            there = tuple(there)
            key = (here, there) if here <= there else (there, here)
            if key in seen:
                continue
            seen[key] = {"a": key[0], "b": key[1], "similarity": link[0], "exact": link[1]}
    pairs = sorted(seen.values(), key=lambda p: (p["a"][0], p["b"][0], p["a"][1:], p["b"][1:]))
    for pair in pairs:
        a = sources.span_text(*pair["a"])
        b = sources.span_text(*pair["b"])
        pair["diff"] = word_diff(a[:MAX_PAIR_CHARS], b[:MAX_PAIR_CHARS]) \
            if a is not None and b is not None else None
    return pairs


def map_order(paths: list[str], links: Mapping[tuple[str, str], int]) -> list[list[str]]:
    """Documents of the duplication map in groups (connected by shared passages), the
    largest group first; inside a group, each next document is the one most linked to
    those already placed (maximum adjacency order), so that tight clusters sit
    together and show as blocks on the diagonal."""
    neighbours: dict[str, dict[str, int]] = {p: {} for p in paths}
    for (a, b), count in links.items():
        if a != b:
            neighbours[a][b] = neighbours[a].get(b, 0) + count
            neighbours[b][a] = neighbours[b].get(a, 0) + count
    strength = {p: sum(neighbours[p].values()) + links.get((p, p), 0) for p in paths}
    placed: set[str] = set()
    groups = []
    for start in sorted(paths, key=lambda p: (-strength[p], p)):
        if start in placed:
            continue
        group, score = [], {start: 0}
        heap = [(0, start)]
        while heap:
            negative, node = heapq.heappop(heap)
            if node in placed or -negative != score[node]:
                continue
            placed.add(node)
            group.append(node)
            for other, weight in neighbours[node].items():
                if other not in placed:
                    score[other] = score.get(other, 0) + weight
                    heapq.heappush(heap, (-score[other], other))
        groups.append(group)
    groups.sort(key=lambda g: (-len(g), -sum(strength[p] for p in g), g[0]))
    return groups


def _boilerplate(records: list[_Record]) -> list[dict]:
    """DUP104 places (indices into ``records``) grouped by their cluster's first occurrence."""
    clusters: dict[tuple, dict] = {}
    documents = re.compile(r"repeated in (\d+) documents")
    for position, r in enumerate(records):
        if r.code != "DUP104":
            continue
        head = next((tuple(rel[:5]) for rel in r.related if rel[5].startswith("first occurrence")),
                    None) or (r.path, r.line, r.column, r.end_line, r.end_column)
        cluster = clusters.setdefault(head, {"head": head, "members": [], "documents": 0,
                                             "quote": ""})
        cluster["members"].append(position)
        found = documents.search(r.message)
        cluster["documents"] = max(cluster["documents"], int(found.group(1)) if found else 0)
        quote = re.search(r': ("[^"]*")', r.message)
        if quote and not cluster["quote"]:
            cluster["quote"] = quote.group(1)
    return sorted(clusters.values(), key=lambda c: (-c["documents"], -len(c["members"]), c["head"]))


# -- comparison -------------------------------------------------------------------
def _compare(records: list[_Record], old: dict) -> list[list]:
    """Marks the records not in ``old`` as appeared; returns old findings that are gone
    ([path, line, code, severity, message]). Fingerprints carry counts, as baselines do."""
    budget = Counter(item.get("fingerprint", "") for item in old["findings"])
    for r in records:
        if budget[r.fingerprint] > 0:
            budget[r.fingerprint] -= 1
        else:
            r.status |= STATUS_APPEARED
    fixed = []
    for item in old["findings"]:
        key = item.get("fingerprint", "")
        if budget[key] > 0:
            budget[key] -= 1
            fixed.append([str(item["path"]), int(item.get("line", 1)), str(item["code"]),
                          str(item.get("severity", "warning")), str(item.get("message", ""))])
    return fixed


# -- the page -----------------------------------------------------------------------
def _asset(name: str) -> str:
    try:
        return (resources.files("textsieve") / "report_assets" / name).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise ReportError(f"the HTML report's {name} is missing from the installation "
                          f"(textsieve/report_assets/): {exc}") from None


def embed_json(value) -> str:
    """JSON that is safe inside a <script> element: no ``<``, ``>`` or ``&`` as such."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def render_html(findings: Iterable, documents: Iterable[DocumentSummary] | None = None, *,
                readability: Readability | None = None, baseline_new: Iterable | None = None,
                compare_old: dict | None = None, sources: Mapping[str, str] | None = None,
                read_files: bool = True, rules: Mapping | None = None,
                title: str = "textsieve report", generated: str | None = None) -> str:
    """The report as one HTML document.

    ``findings`` are Finding objects or items of the JSON format; ``documents`` every
    checked document (without it, the paths that have findings, with no word counts);
    ``baseline_new`` the findings (the same objects) that are not in the baseline;
    ``compare_old`` an earlier run's JSON (``load_findings_json``); ``readability`` what
    the grades mean (READ101's defaults when not given); ``sources`` texts
    by path, else files are read from disk unless ``read_files`` is false; ``rules``
    the rule classes by code, for names.
    """
    findings = list(findings)
    records = [_record(f) for f in findings]
    if baseline_new is not None:
        new_ids = {id(f) for f in baseline_new}
        for f, r in zip(findings, records):
            if id(f) in new_ids:
                r.status |= STATUS_NEW
    fixed = _compare(records, compare_old) if compare_old is not None else None
    sources_ = _Sources(sources, read_files)

    documents = list(documents) if documents is not None else \
        [DocumentSummary(p) for p in sorted({r.path for r in records})]
    if readability is None and any(d.grade is not None for d in documents):
        readability = Readability()  # READ101's defaults
    records.sort(key=lambda r: (r.path, r.line, r.column, r.code, r.end_line, r.end_column))

    paths: list[str] = []
    path_index: dict[str, int] = {}

    def pid(path: str) -> int:
        if path not in path_index:
            path_index[path] = len(paths)
            paths.append(path)
        return path_index[path]

    for d in sorted(documents, key=lambda d: d.path):
        pid(d.path)
    codes = sorted({r.code for r in records})
    code_index = {c: i for i, c in enumerate(codes)}

    # Source lines around each finding, kept once per line.
    wanted: dict[str, set[int]] = {}
    for r in records:
        last = min(r.end_line, r.line + MAX_FINDING_LINES - 1)
        wanted.setdefault(r.path, set()).update(range(r.line - CONTEXT_LINES, last + CONTEXT_LINES + 1))
    context = {}
    for path, numbers in wanted.items():
        lines = []
        for first, last in _runs(sorted(n for n in numbers if n >= 1)):
            lines.extend(sources_.lines(path, first, last))
        if lines:
            context[pid(path)] = lines

    pairs = _pairs(records, sources_)
    links: Counter = Counter()
    for p in pairs:
        links[(p["a"][0], p["b"][0]) if p["a"][0] <= p["b"][0] else (p["b"][0], p["a"][0])] += 1
    mapped = sorted({p for key in links for p in key})
    groups = map_order(mapped, links)
    boiler = _boilerplate(records)

    def place(t: tuple) -> list:
        return [pid(t[0]), t[1], t[2], t[3], t[4]]

    family = lambda code: (rules[code].family() if rules and code in rules
                           else re.match(r"[A-Z]+", code).group(0))
    data = {
        "meta": {
            "title": title, "version": __version__,
            "generated": generated or datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "readability": None if readability is None else {
                "label": readability.label, "target": readability.target,
                "higherIsHarder": readability.higher_is_harder},
            "baseline": baseline_new is not None, "compare": compare_old is not None,
            "sourcesMissing": sorted(p for p, t in sources_.texts.items() if t is None),
        },
        "paths": paths,
        "codes": [[c, family(c), rules[c].name if rules and c in rules else "",
                   rules[c].summary() if rules and c in rules else ""] for c in codes],
        "docs": [[pid(d.path), d.words, None if d.grade is None else round(d.grade, 2), d.dup_words]
                 for d in sorted(documents, key=lambda d: d.path)],
        "findings": [[pid(r.path), r.line, r.column, r.end_line, r.end_column, code_index[r.code],
                      SEVERITIES.index(r.severity), r.message, r.status] for r in records],
        "context": {str(k): v for k, v in context.items()},
        "pairs": [place(p["a"]) + place(p["b"]) + [p["similarity"], int(p["exact"]), p["diff"]]
                  for p in pairs],
        "groups": [[pid(p) for p in g] for g in groups],
        "boilerplate": [{"head": place(c["head"]), "documents": c["documents"], "quote": c["quote"],
                         "members": c["members"]} for c in boiler],
        "fixed": fixed,
    }
    return _page(title, data)


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _page(title: str, data: dict) -> str:
    script = _asset("report.js")
    style = _asset("report.css")
    csp = (f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    heading = html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="textsieve {html.escape(__version__)}">
<title>{heading}</title>
<style>{style}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
<header>
<h1>{heading}</h1>
<p id="meta"></p>
<nav aria-label="Sections"><ul>
<li><a href="#summary">Summary</a></li>
<li><a href="#map">Duplication map</a></li>
<li><a href="#side-by-side">Side by side</a></li>
<li><a href="#findings">Findings</a></li>
<li><a href="#documents">Documents</a></li>
<li><a href="#readability">Readability</a></li>
<li><a href="#history">Baseline and history</a></li>
</ul></nav>
</header>
<main id="main">
<noscript><p class="note">This report draws its tables and plots with JavaScript; allow scripts
for this file to see them.</p></noscript>
<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>
<div id="summary-body"></div></section>
<section id="map" aria-labelledby="map-h"><h2 id="map-h">Duplication map</h2>
<div id="map-body"></div></section>
<section id="side-by-side" aria-labelledby="sbs-h"><h2 id="sbs-h">Side by side</h2>
<div id="sbs-body"></div></section>
<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>
<div id="findings-body"></div></section>
<section id="documents" aria-labelledby="documents-h"><h2 id="documents-h">Documents</h2>
<div id="documents-body"></div></section>
<section id="readability" aria-labelledby="readability-h"><h2 id="readability-h">Readability</h2>
<div id="readability-body"></div></section>
<section id="history" aria-labelledby="history-h"><h2 id="history-h">Baseline and history</h2>
<div id="history-body"></div></section>
</main>
<script type="application/json" id="report-data">{embed_json(data)}</script>
<script>{script}</script>
</body>
</html>
"""


# -- documents ------------------------------------------------------------------------
def summarise_documents(paths: Iterable[str], findings: Iterable = (), *,
                        read_settings: Mapping | None = None,
                        sources: Mapping[str, str] | None = None, cache=None):
    """Words, grade and duplicated words of each document, and what the grades mean.

    The runner does not hand these out, so each file is read and parsed again here,
    the way the READ rules read it; a file that cannot be read gets no figures. With
    the run's ``cache``, grades READ101 computed in the run are read from it.
    Returns ``(list of DocumentSummary, Readability)``.
    """
    from textsieve.document import Document, format_for
    from textsieve.rule import OptionError
    from textsieve.rules.readability import FORMULAS, FRAGMENT_WORDS, DocumentGrade, prose

    try:
        grader = DocumentGrade(dict(read_settings or {}))
    except (OptionError, ValueError) as exc:
        raise ReportError(f"[read] {exc}") from None
    grader.cache = cache
    formula = grader.settings["formula"]
    label, _, kind = FORMULAS[formula]
    readability = Readability(label, grader.settings["min-reading-ease"] if kind == "ease"
                              else grader.max_grade, kind != "ease")
    duplicated: dict[str, list[tuple]] = {}
    for f in findings:
        r = _record(f)
        if r.code in DUP_SHARE_CODES:
            duplicated.setdefault(r.path, []).append((r.line, r.column, r.end_line, r.end_column))
    given = dict(sources or {})
    measure = None
    out = []
    for path in paths:
        text = given.get(path)
        if text is None:
            text = _read_source(path)
        if text is None:
            out.append(DocumentSummary(path))
            continue
        document = Document(path, text, format_for(path) or "text")
        sentences = [s for b in prose(document) for s in b.sentences]
        words = sum(s.words for s in sentences)
        graded = [s for s in sentences if s.words > FRAGMENT_WORDS]
        grade = None
        if sum(s.words for s in graded) >= grader.settings["min-words"] and \
                len(graded) >= grader.settings["min-sentences"]:
            try:
                if cache is not None and getattr(cache, "enabled", False):
                    grade = grader._cached_score(graded)[0]
                else:
                    measure = measure or _measure(grader)
                    grade = measure(graded)
            except Exception:  # textstat unavailable: the report goes on without grades
                grade = None
        intervals = _merge(sorted((document.line_offset(a) + b - 1, document.line_offset(c) + d - 1)
                                  for a, b, c, d in duplicated.get(path, ())))
        dup_words = sum(s.words for s in sentences if _inside(intervals, s.start, s.end))
        out.append(DocumentSummary(path, words, grade, dup_words))
    return out, readability


def _measure(grader):
    """The document score alone, as READ101 computes it (without the sentences that
    pull it up, which READ101 looks for only in documents past the target)."""
    from textsieve.rules.readability import _TEXTSTAT_LANG, FORMULAS, _textstat, textstat_sentence

    stats = _textstat()()
    stats.set_lang(_TEXTSTAT_LANG[grader.settings["language"]])
    method = getattr(stats, FORMULAS[grader.settings["formula"]][1])
    return lambda sentences: float(method(" ".join(textstat_sentence(s.text) for s in sentences)))


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(intervals: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether at least half of start..end lies in the merged intervals."""
    if not intervals or end <= start:
        return False
    covered = 0
    i = max(0, bisect.bisect_right(intervals, (start, start)) - 1)
    while i < len(intervals) and intervals[i][0] < end:
        covered += max(0, min(end, intervals[i][1]) - max(start, intervals[i][0]))
        i += 1
    return 2 * covered >= end - start
