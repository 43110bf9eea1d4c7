"""The HTML report without a browser: escaping, the data it embeds, the duplication
map's order, the diff, baseline and comparison, document figures, bad input."""

from __future__ import annotations

import base64
import hashlib
import html.parser
import json
import re

import pytest

from helpers import textsieve, write
from textsieve.findings import Finding, Related, Span
from textsieve.report_html import (MAX_LINE_CHARS, DocumentSummary, Readability, ReportError,
                                   embed_json, load_findings_json, map_order, render_html,
                                   summarise_documents, word_diff)


class _Elements(html.parser.HTMLParser):
    """Every element of the page with its attributes, and the text of each script."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = (tag, dict(attrs), [])

    def handle_data(self, data):
        if self._in:
            self._in[2].append(data)

    def handle_endtag(self, tag):
        if self._in and tag == self._in[0]:
            text = "".join(self._in[2])
            if tag == "script":
                self.scripts.append((self._in[1], text))
            else:
                self.styles.append(text)
            self._in = None


def parse(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    return parser


def data_of(page: str) -> dict:
    (attrs, text), = [s for s in parse(page).scripts if s[0].get("type") == "application/json"]
    return json.loads(text)


def finding(path, line, code="TS003", message="'the' is repeated", column=1, end_column=8,
            end_line=None, related=(), text="the the", severity="warning"):
    return Finding(code, message, severity, Span(path, line, column, end_line or line, end_column),
                   related=tuple(related), text=text)


HOSTILE = "<script>alert(1)</script>.md"


def test_file_names_and_quoted_text_are_data_never_markup():
    text = "# T\n\nSee </script><script>alert(2)</script> and <!-- and ]]> here &amp; there.\n"
    f = finding(HOSTILE, 3, message="quoted </script><b>x</b>", column=5, end_column=14)
    page = render_html([f], [DocumentSummary(HOSTILE, 10)], sources={HOSTILE: text},
                       title="<b>t</b>", read_files=False)
    elements = parse(page)
    # Only the page's own two scripts exist, and nothing the data holds became an element.
    assert len(elements.scripts) == 2
    assert not [t for t, _ in elements.tags if t in ("b", "img")]
    assert "<script>alert" not in page and "</script><b>" not in page
    assert "&lt;b&gt;t&lt;/b&gt;" in page  # the title, escaped as HTML
    data = data_of(page)
    assert data["paths"] == [HOSTILE]
    assert data["findings"][0][7] == "quoted </script><b>x</b>"
    assert data["context"]["0"][1] == [3, text.splitlines()[2]]


def test_embed_json_escapes_what_could_end_a_script():
    value = {"a": "</script><!--&\u2028\u2029"}
    text = embed_json(value)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


def test_no_network_and_the_policy_names_the_inline_blocks():
    page = render_html([], [DocumentSummary("a.md", 3)], read_files=False)
    elements = parse(page)
    for tag, attrs in elements.tags:
        assert "src" not in attrs, tag
        assert not attrs.get("href", "#").split("#")[0], attrs  # only links inside the page
    (csp,) = [a["content"] for t, a in elements.tags if a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp
    script = next(text for attrs, text in elements.scripts if "type" not in attrs)

    def digest(text):
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert f"script-src {digest(script)};" in csp
    assert f"style-src {digest(elements.styles[0])};" in csp
    assert "unsafe-inline" not in csp


def test_word_diff_marks_the_edited_words():
    runs = word_diff("Before each release the engineer confirms it",
                     "Before every release the  engineer\nchecks it")
    assert runs == [[0, "Before"], [1, "each", "every"], [0, "release the engineer"],
                    [1, "confirms", "checks"], [0, "it"]]
    assert word_diff("a b", "a b c") == [[0, "a b"], [1, "", "c"]]


def test_each_pair_once_whichever_side_reported_it():
    a = Span("a.md", 3, 1, 3, 28)
    b = Span("b.md", 5, 1, 5, 28)
    c = Span("c.md", 1, 1, 1, 20)
    findings = [
        finding("a.md", 3, "DUP101", "near-duplicate", end_column=28,
                related=[Related(b, "near-duplicate (0.71)"), Related(c, "repeats it through the other copies")]),
        finding("b.md", 5, "DUP101", "near-duplicate", end_column=28, related=[Related(a, "near-duplicate (0.71)")]),
    ]
    sources = {"a.md": "\n\none two three four five six\n", "b.md": "\n\n\n\none two THREE four five six\n",
               "c.md": "x\n"}
    data = data_of(render_html(findings, sources=sources, read_files=False))
    (pair,) = data["pairs"]  # the indirect link to c.md is no verified pair
    paths = data["paths"]
    assert (paths[pair[0]], pair[1], paths[pair[5]], pair[6]) == ("a.md", 3, "b.md", 5)
    assert pair[10] == 0.71 and pair[11] == 0
    assert pair[12] == [[0, "one two"], [1, "three", "THREE"], [0, "four five six"]]
    assert [[paths[p] for p in g] for g in data["groups"]] == [["a.md", "b.md"]]


def test_map_order_keeps_groups_together_largest_first():
    links = {("a", "b"): 3, ("b", "c"): 1, ("a", "c"): 2, ("x", "y"): 5, ("z", "z"): 1,
             ("p", "q"): 1, ("q", "r"): 1, ("r", "s"): 1}
    groups = map_order(sorted({p for k in links for p in k}), links)
    assert [sorted(g) for g in groups] == [["p", "q", "r", "s"], ["a", "b", "c"], ["x", "y"], ["z"]]
    # Inside a group each next document is the one most linked to those placed.
    assert groups[1] == ["a", "b", "c"]
    assert groups[0] == ["q", "p", "r", "s"]  # ties: the strongest, then by name


def test_boilerplate_clusters_group_by_first_occurrence():
    head = Span("a.md", 1, 1, 1, 10)
    findings = [finding(p, 1, "DUP104", f'boilerplate repeated in 3 documents (3 places, first at a.md:1:1): '
                        f'"Part of the handbook"; keep it', severity="info", end_column=10,
                        related=[Related(head, "first occurrence (exact duplicate)")])
                for p in ("b.md", "c.md")]
    findings.append(finding("a.md", 1, "DUP104", 'boilerplate repeated in 3 documents (this is the first '
                            'of 3 places, next at b.md:1:1): "Part of the handbook"; keep it',
                            severity="info", end_column=10,
                            related=[Related(Span("b.md", 1, 1, 1, 10), "another copy")]))
    data = data_of(render_html(findings, read_files=False))
    (cluster,) = data["boilerplate"]
    assert cluster["documents"] == 3 and cluster["quote"] == '"Part of the handbook"'
    assert sorted(data["paths"][data["findings"][m][0]] for m in cluster["members"]) == \
        ["a.md", "b.md", "c.md"]


def test_context_lines_and_long_lines_cut():
    long = "word " * 1000
    text = "one\ntwo\nthree\n" + long + "\nfive\n"
    findings = [finding("a.md", 2, column=1, end_column=4), finding("a.md", 4, column=3, end_column=9)]
    data = data_of(render_html(findings, sources={"a.md": text}, read_files=False))
    lines = dict(data["context"]["0"])
    assert sorted(lines) == [1, 2, 3, 4, 5]
    assert lines[2] == "two"
    assert len(lines[4]) == MAX_LINE_CHARS + 1 and lines[4].endswith("…")


def test_missing_sources_are_named_not_fatal(tmp_path):
    data = data_of(render_html([finding(str(tmp_path / "gone.md"), 1)]))
    assert data["meta"]["sourcesMissing"] == [str(tmp_path / "gone.md")]
    assert data["context"] == {}


def test_baseline_marks_the_new_findings():
    old, new = finding("a.md", 1), finding("a.md", 2, text="a a")
    data = data_of(render_html([old, new], baseline_new=[new], read_files=False))
    assert data["meta"]["baseline"] is True
    assert [f[1] for f in data["findings"] if f[8] & 1] == [2]


def test_compare_counts_fixed_and_appeared_as_multisets():
    a1, a2 = finding("a.md", 1), finding("a.md", 7)  # the same fingerprint twice
    b = finding("b.md", 1, text="is is")
    before = {"version": 1, "findings": [
        {"path": "a.md", "line": 1, "code": "TS003", "message": "m", "fingerprint": fp}
        for fp in (_fingerprint(a1), _fingerprint(b), "gone" * 8)]}
    data = data_of(render_html([a1, a2, b], compare_old=before, read_files=False))
    appeared = [(data["paths"][f[0]], f[1]) for f in data["findings"] if f[8] & 2]
    assert appeared == [("a.md", 7)]
    assert [x[2] for x in data["fixed"]] == ["TS003"] and len(data["fixed"]) == 1


def _fingerprint(f):
    from textsieve.reporters import fingerprint

    return fingerprint(f)


def test_json_findings_of_a_real_run(tmp_path, monkeypatch):
    """The JSON format's items render too, with their fingerprints (for --compare)."""
    write(tmp_path / "docs" / "a.md", "# A\n\nThis is the the start.\n")
    result = textsieve("check", "--format", "json", "--no-cache", "-o", "run.json", "docs", cwd=tmp_path)
    assert result.code == 1, result.err
    monkeypatch.chdir(tmp_path)
    run = load_findings_json("run.json")
    data = data_of(render_html(run["findings"], compare_old=run))
    assert [f[:3] for f in data["findings"]] == [[0, 3, 9]]
    assert data["context"]["0"][1] == [3, "This is the the start."]
    assert data["fixed"] == [] and not any(f[8] for f in data["findings"])


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("{not json", "not a textsieve JSON findings file"),
    ('{"version": 2, "findings": []}', "version 1"),
    ('{"version": 1, "findings": [{"path": "a.md"}]}', "finding 1 lacks"),
])
def test_bad_findings_files_get_a_clear_message(tmp_path, content, message):
    path = tmp_path / "old.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ReportError, match=message):
        load_findings_json(str(path))


LONG_HARD = " ".join(
    "Notwithstanding considerable organisational heterogeneity, institutional interoperability "
    "necessitates comprehensive administrative harmonisation across jurisdictions." for _ in range(1)
)


def test_summarise_documents_counts_words_grades_and_duplicated_words(tmp_path):
    hard = "# Hard\n\n" + "\n\n".join(LONG_HARD for _ in range(12)) + "\n"
    short = "# Short\n\nOne sentence only here.\n\n```\ncode words are not prose\n```\n"
    sources = {"hard.md": hard, "short.md": short}
    dup = finding("short.md", 3, "DUP101", "near-duplicate", column=1, end_column=24)
    summaries, readability = summarise_documents(["hard.md", "short.md"], [dup], sources=sources)
    by_path = {s.path: s for s in summaries}
    assert by_path["short.md"].words == 5  # the title and the sentence; not the code block
    assert by_path["short.md"].dup_words == 4 and by_path["short.md"].grade is None
    assert by_path["hard.md"].grade > 14 and by_path["hard.md"].dup_words == 0
    assert readability == Readability("Flesch–Kincaid grade", 14.0, True)
    _, ease = summarise_documents([], read_settings={"formula": "flesch-reading-ease"})
    assert ease == Readability("Flesch reading ease", 30.0, False)
    with pytest.raises(ReportError, match=r"\[read\]"):
        summarise_documents([], read_settings={"formula": "nonsense"})


def test_summary_figures_travel_to_the_page():
    docs = [DocumentSummary("a.md", 100, 9.5, 40), DocumentSummary("b.md", 50, None, 0)]
    data = data_of(render_html([], docs, readability=Readability("X", 12.0, True), read_files=False))
    assert data["docs"] == [[0, 100, 9.5, 40], [1, 50, None, 0]]
    assert data["meta"]["readability"] == {"label": "X", "target": 12.0, "higherIsHarder": True}


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_have_enough_contrast():
    from importlib import resources

    css = (resources.files("textsieve") / "report_assets" / "report.css").read_text()
    var = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6})", css))
    text_pairs = [("ink", "paper"), ("muted", "paper"), ("muted", "panel"), ("accent", "paper"),
                  ("error", "paper"), ("warning", "paper"), ("info", "paper"), ("ink", "panel")]
    for fg, bg in text_pairs:
        assert contrast(var[fg], var[bg]) >= 4.5, (fg, bg)
    assert contrast("#000000", var["mark"]) >= 4.5
    assert contrast("#5c0011", var["del"]) >= 4.5 and contrast("#00401a", var["ins"]) >= 4.5
    # Map cells are graphics: at least 3:1 against the page (WCAG 1.4.11).
    for level in ("l0", "l1", "l2", "l3"):
        assert contrast(var[level], "#fafbfc") >= 3.0, level
