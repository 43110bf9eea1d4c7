"""Property-based fuzzing of the parser, every rule and the fixer.

Documents are built from realistic pieces of Markdown, reST and plain text (words in
several scripts, code, links, templating, MDX, control characters, mojibake, odd line
endings) and checked against invariants that hold for any input: nothing raises, spans
lie inside the text, line/column agree with offsets, fixes touch prose only, applying
the safe fixes changes only their spans and the fix loop settles. ``benchmarks/fuzz.py``
runs the same properties at length.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textsieve.check import rechecker
from textsieve.document import Document, format_for
from textsieve.fixes import MAX_PASSES, apply_to_text, choose_fixes, fix_text
from textsieve.rule import load_rules

# -- pieces -----------------------------------------------------------------------
WORDS = ["the", "a", "word", "words", "is", "are", "Many", "experts", "say", "some", "very",
         "world-class", "seamless", "example", "e.g.", "etc.", "Python", "API", "naïve", "café",
         "Straße", "über", "Ελληνικά", "Москва", "日本語", "中文", "한국어", "عربى", "हिन्दी",
         "বাংলা", "فارسی", "שלום", "don't", "it's", "3.14", "2026", "x86_64", "foo_bar"]
ODD = ["CafÃ©", "donâ€™t", "Ã¼ber", "\ufffd", "&amp;", "&nbsp;", "&#39;", "\x00", "\x07", "\x1b",
       "\x0b", "\x0c", "\x1c", "\x85", "\u00a0", "\u200b", "\u200d", "\u2060", "\ufeff", "\u202e",
       "\u2066", "\u2028", "\u2029", "\r", "😀", "👩‍💻", "𝔘", "🇯🇵", "\U0010ffff", "\ud800",
       "\t", "\\", "\\*", "&", "<", ">"]
ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|\w+);")
ENDINGS = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n\r\n", "\u2028"]

word = st.sampled_from(WORDS)
odd = st.sampled_from(ODD)
text_word = st.one_of(word, word, word, odd, st.text(min_size=1, max_size=4))


@st.composite
def repeated(draw):
    w = draw(word)
    return " ".join([w] * draw(st.integers(2, 3)))


@st.composite
def code_span(draw):
    ticks = "`" * draw(st.integers(1, 3))
    inner = draw(st.sampled_from(["x", "a ` b", "``", " y ", "foo()", "the the", "`"]))
    close = ticks if draw(st.booleans()) else "`" * draw(st.integers(0, 4))
    return ticks + inner + close


link_target = st.sampled_from(["https://example.com/a_b", "./page.md#x", "<url with space>",
                               "http://x.org/(paren)", "mailto:a@b.c", "", "the the"])
inline_markup = st.one_of(
    code_span(),
    st.builds(lambda t, u: f"[{t}]({u})", word, link_target),
    st.builds(lambda t, u: f"![{t}]({u})", word, link_target),
    st.builds(lambda t: f"[{t}][ref]", word),
    st.sampled_from(["<https://example.com>", "https://example.com/path?q=1", "www.example.org",
                     "<a@b.example>", "<span class=\"x\">", "</span>", "<br/>", "<!-- comment -->",
                     "<!--", "-->", "{#anchor}", "{: .class}", "[^1]", "~~gone~~", "$x^2$"]),
    st.builds(lambda m, w: f"{m}{w}{m}", st.sampled_from(["*", "**", "_", "__", "***"]), word),
    st.builds(lambda r, w: f":{r}:`{w}`", st.sampled_from(["ref", "doc", "math", "py:func"]), word),
    st.builds(lambda w: f"`{w} <https://x.org>`_", word),
    st.builds(lambda w: f"{w}_", word),
    st.builds(lambda w: f"|{w}|", word),
    st.builds(lambda w: f"{{% {w} %}}", word),
    st.builds(lambda w: f"{{{{< {w} >}}}}", word),
    st.builds(lambda w: f"{{{{% {w} %}}}}", word),
    st.builds(lambda w: f"{{{{ {w} }}}}", word),
    st.sampled_from(["{% raw %}", "{% endraw %}", "{{< /tab >}}", "{/* mdx */}", "{props.x}"]),
)
inline = st.one_of(text_word, text_word, text_word, repeated(), inline_markup)


@st.composite
def line(draw):
    parts = draw(st.lists(inline, min_size=1, max_size=12))
    seps = draw(st.lists(st.sampled_from([" ", " ", " ", "", "  ", "\t", ". ", ", "]),
                         min_size=len(parts), max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps)).rstrip(" ")


@st.composite
def block(draw):
    kind = draw(st.integers(0, 21))
    ln = draw(line())
    if kind == 0:
        return "#" * draw(st.integers(1, 7)) + " " + ln
    if kind == 1:
        return "\n".join(draw(st.sampled_from(["- ", "* ", "1. ", "2) ", "+ ", "- [ ] "])) + draw(line())
                         for _ in range(draw(st.integers(1, 3))))
    if kind == 2:
        return f"| {ln} | {draw(line())} |\n|---|:--:|\n| {draw(line())} | x |"
    if kind == 3:
        return "\n".join(">" * draw(st.integers(1, 2)) + " " + draw(line())
                         for _ in range(draw(st.integers(1, 3))))
    if kind == 4:
        fence = draw(st.sampled_from(["```", "~~~", "````"]))
        close = fence if draw(st.booleans()) else ""
        return f"{fence}{draw(st.sampled_from(['', 'py', 'sh {hl_lines=1}']))}\n{ln}\n{close}"
    if kind == 5:
        return "    " + ln  # indented code
    if kind == 6:
        return f"{ln}\n{draw(st.sampled_from(['=', '-', '~', '^']))* max(1, len(ln) // 2)}"
    if kind == 7:
        d = draw(st.sampled_from(["note", "code-block:: python", "warning", "image:: a.png", "toctree",
                                  "math", "only:: html", "unknown-thing"]))
        return f".. {d}\n   :maxdepth: 2\n\n   {ln}"
    if kind == 8:
        return f".. _{draw(word)}:\n\n.. [#] {ln}\n\n.. |x| replace:: {draw(word)}"
    if kind == 9:
        return draw(st.sampled_from(["import X from './x.mdx';", "export const meta = {a: 1};",
                                     "import { Tabs } from '@astrojs/starlight/components';"]))
    if kind == 10:
        tag = draw(st.sampled_from(["Tabs", "Aside", "div", "details"]))
        return f"<{tag} type=\"note\">\n{ln}\n</{tag}>"
    if kind == 11:
        return f"{{% highlight {draw(word)} %}}\n{ln}\n{{% endhighlight %}}"
    if kind == 12:
        return f"{{{{< tab \"{draw(word)}\" >}}}}\n{ln}\n{{{{< /tab >}}}}"
    if kind == 13:
        return f"<!-- {ln} -->" if draw(st.booleans()) else f"<!-- textsieve: disable {draw(word)}\n{ln}"
    if kind == 14:
        return f"::: {draw(st.sampled_from(['tip', 'warning', 'details Title']))}\n{ln}\n:::"
    if kind == 15:
        return f"Term\n: {ln}"
    if kind == 16:
        return "---" if draw(st.booleans()) else "* * *"
    if kind == 17:
        return f"[ref]: https://example.com \"{draw(word)}\""
    return ln


@st.composite
def document_text(draw, front_matter: bool = True):
    blocks = draw(st.lists(block(), min_size=0, max_size=8))
    text = ""
    for b in blocks:
        text += b + draw(st.sampled_from(ENDINGS))
    if front_matter and draw(st.integers(0, 5)) == 0:
        text = "---\ntitle: " + draw(word) + "\n---\n" + text
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no final newline
    return text


SUFFIXES = {"markdown": [".md", ".mdx"], "rst": [".rst"], "text": [".txt"]}
CATEGORIES = tuple(SUFFIXES)


@st.composite
def named_document(draw, category: str | None = None):
    category = category or draw(st.sampled_from(CATEGORIES))
    suffix = draw(st.sampled_from(SUFFIXES[category]))
    return "doc" + suffix, draw(document_text())


# -- rules --------------------------------------------------------------------------
RULES = load_rules()
# Every rule but LanguageTool (it needs a server); rules off by default are fuzzed too.
RUN_CODES = [code for code, rule in RULES.items() if not code.startswith("LT")]
PER_DOCUMENT = [RULES[c]() for c in RUN_CODES if not RULES[c].is_corpus_rule()]
CORPUS = [RULES[c]() for c in RUN_CODES if RULES[c].is_corpus_rule()]


def _never_ignored(path: str, code: str) -> bool:
    return False


def _segment_at(document: Document, start: int, end: int):
    for seg in document.segments:
        if seg.start <= start and end <= seg.end:
            return seg
    return None


def check_spans(document: Document, findings) -> None:
    """Each finding's span is inside the text, its line/column agree with its offsets,
    and a fix lies in prose alone (or in white space trimmed from a segment's edge)."""
    n = len(document.text)
    for f in findings:
        s = f.span
        assert 0 <= s.start <= s.end <= n, f
        assert (s.line, s.column) == document.position(s.start), f
        assert (s.end_line, s.end_column) == document.position(s.end), f
        if f.fix is None:
            continue
        for i in range(s.start, s.end):
            seg = _segment_at(document, i, i + 1)
            ch = document.text[i]
            if seg is None:
                # ENC rules fix characters in white space trimmed from a segment's edge
                # (U+000B, U+00A0, U+0085 count as white space) and a stray BOM at the start.
                assert f.code.startswith("ENC") and (ch.isspace() or ch == "\ufeff"), (
                    f"fix outside prose: {f.code} {ch!r} at {i} in {s.start}..{s.end}")
                continue
            k = i - seg.start
            # A line break is hidden (revealed 0) but is prose: a fix may join two lines.
            assert not seg.opaque_between(k, k + 1) and (seg.is_prose(k, k + 1) or ch in "\r\n"), (
                f"fix outside prose: {f.code} {ch!r} at {i} in {s.start}..{s.end}")


def check_document(path: str, text: str) -> list:
    """Parse ``text``, check segments, run every per-document rule, check its findings."""
    document = Document(path, text, format_for(path) or "text")
    n = len(text)
    entities = {i for m in ENTITY.finditer(text) for i in range(m.start(), m.end())}
    for seg in document.segments:
        assert 0 <= seg.start <= seg.end <= n, seg
        assert len(seg.text) == seg.end - seg.start, seg
        if seg.revealed is not None:
            assert len(seg.revealed) == len(seg.text), seg
        for i, ch in enumerate(seg.text):
            shown = seg.revealed[i] if seg.revealed is not None else not any(s <= i < e for s, e in seg.opaque)
            # A carriage return of a line ending is shown as a space (the newline is kept).
            # A character reference (``&nbsp;``) shows the character it stands for, then spaces.
            if shown and not (ch == " " and text[seg.start + i] == "\r") and seg.start + i not in entities:
                assert ch == text[seg.start + i], (
                    f"revealed char {ch!r} != source {text[seg.start + i]!r} at {seg.start + i}")
        last = 0
        for s, e in seg.opaque:
            assert last <= s < e <= len(seg.text), (seg.opaque, len(seg.text))
            last = e
        seg.sentences  # noqa: B018 (splitting must not raise)
    for d in document.directives:
        assert 0 <= d.start <= d.end <= n, d
    findings = []
    for rule in PER_DOCUMENT:
        if rule.applies_to(document):
            findings.extend(rule.check(document))
    check_spans(document, findings)
    return findings


def check_fixes(path: str, text: str, findings) -> None:
    """Safe fixes change only their spans, and the fix loop settles within its bound."""
    fixes = choose_fixes(findings, unsafe=False).get(path, [])
    if not fixes:
        return
    fixed = apply_to_text(text, fixes)
    last, pos = 0, 0
    for f in fixes:
        keep = text[last:f.span.start]
        assert fixed[pos:pos + len(keep)] == keep
        pos += len(keep) + len(f.fix.replacement)
        assert fixed[pos - len(f.fix.replacement):pos] == f.fix.replacement
        last = f.span.end
    assert fixed[pos:] == text[last:]
    errors: list[str] = []
    recheck_rules = PER_DOCUMENT + CORPUS
    recheck = rechecker(recheck_rules, _never_ignored, None, errors)
    result = fix_text(path, text, fixes, unsafe=False, recheck=recheck)
    assert not errors, errors
    assert result.settled, f"the fix loop did not settle in {MAX_PASSES} passes"
    again = recheck(path, result.text, None)
    check_spans(Document(path, result.text, format_for(path) or "text"), again)
    assert not choose_fixes(again, unsafe=False).get(path), "a second round would fix more"


def check_corpus(docs: list[tuple[str, str]]) -> None:
    """The corpus rules on a few documents: spans inside their texts, positions agree."""
    documents = {p: Document(p, t, format_for(p) or "text") for p, t in docs}
    for rule in CORPUS:
        collected = [(p, rule.collect(d)) for p, d in documents.items() if rule.applies_to(d)]
        for f in rule.check_corpus(collected):
            check_spans(documents[f.path], [f])
            for r in f.related:
                check_spans(documents[r.span.path], [type(f)(f.code, "", f.severity, r.span)])


@st.composite
def corpus_documents(draw):
    base = draw(document_text(front_matter=False))
    docs = []
    for i in range(draw(st.integers(2, 3))):
        suffix = draw(st.sampled_from([".md", ".rst", ".txt"]))
        # Shared passages make the DUP rules find something to report.
        text = base if draw(st.booleans()) else base + "\n\n" + draw(document_text(front_matter=False))
        docs.append((f"d{i}{suffix}", text))
    return docs


# -- properties -------------------------------------------------------------------
# Under the "ci" profile (no example database) the examples are derandomized: a CI run
# tries the same documents every time.
FUZZ = settings(max_examples=40, derandomize=settings().database is None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(named_document("markdown"))
def test_markdown_documents(doc):
    path, text = doc
    check_fixes(path, text, check_document(path, text))


@FUZZ
@given(named_document("rst"))
def test_rst_documents(doc):
    path, text = doc
    check_fixes(path, text, check_document(path, text))


@FUZZ
@given(named_document("text"))
def test_plain_text_documents(doc):
    path, text = doc
    check_fixes(path, text, check_document(path, text))


@settings(FUZZ, max_examples=15)
@given(corpus_documents())
def test_corpus_rules(docs):
    check_corpus(docs)


@settings(FUZZ, max_examples=60)
@given(st.sampled_from([".md", ".rst", ".txt"]), st.text(max_size=200))
def test_arbitrary_text(suffix, text):
    path = "doc" + suffix
    check_fixes(path, text, check_document(path, text))
