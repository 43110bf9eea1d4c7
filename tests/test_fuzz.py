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

import pytest
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

class Pick:
    """The choices a generated document is made of. The fuzz tests draw them through
    Hypothesis (so a failure shrinks); benchmarks/fuzz.py draws them from a seeded
    ``random.Random``, many times faster, for runs of a million documents."""

    def choice(self, options):
        raise NotImplementedError

    def integer(self, low: int, high: int) -> int:
        raise NotImplementedError

    def boolean(self) -> bool:
        return self.integer(0, 1) == 1

    def any_text(self, min_size: int, max_size: int) -> str:
        raise NotImplementedError


class DrawPick(Pick):
    def __init__(self, draw):
        self.draw = draw

    def choice(self, options):
        return self.draw(st.sampled_from(options))

    def integer(self, low, high):
        return self.draw(st.integers(low, high))

    def any_text(self, min_size, max_size):
        return self.draw(st.text(min_size=min_size, max_size=max_size))


class RandomPick(Pick):
    def __init__(self, rng):
        self.rng = rng

    def choice(self, options):
        return options[self.rng.randrange(len(options))]

    def integer(self, low, high):
        return self.rng.randint(low, high)

    def any_text(self, min_size, max_size):
        rng = self.rng
        size = rng.randint(min_size, max_size)
        # Mostly ASCII and Latin-1, some of every plane (surrogates included, as st.text may give).
        return "".join(chr(rng.randrange(0x80) if rng.random() < 0.6 else rng.randrange(0x100) if rng.random() < 0.5
                           else rng.randrange(0x110000)) for _ in range(size))


def text_word(pick: Pick) -> str:
    kind = pick.integer(0, 4)
    if kind == 3:
        return pick.choice(ODD)
    if kind == 4:
        return pick.any_text(1, 4)
    return pick.choice(WORDS)


def repeated(pick: Pick) -> str:
    return " ".join([pick.choice(WORDS)] * pick.integer(2, 3))


def code_span(pick: Pick) -> str:
    ticks = "`" * pick.integer(1, 3)
    inner = pick.choice(["x", "a ` b", "``", " y ", "foo()", "the the", "`"])
    close = ticks if pick.boolean() else "`" * pick.integer(0, 4)
    return ticks + inner + close


LINK_TARGETS = ["https://example.com/a_b", "./page.md#x", "<url with space>", "http://x.org/(paren)",
                "mailto:a@b.c", "", "the the"]
LITERAL_MARKUP = ["<https://example.com>", "https://example.com/path?q=1", "www.example.org",
                  "<a@b.example>", "<span class=\"x\">", "</span>", "<br/>", "<!-- comment -->",
                  "<!--", "-->", "{#anchor}", "{: .class}", "[^1]", "~~gone~~", "$x^2$",
                  "{% raw %}", "{% endraw %}", "{{< /tab >}}", "{/* mdx */}", "{props.x}"]
# Markup around one word: Markdown links and emphasis, reST roles, references and
# substitutions, Liquid and Hugo templating.
WRAPPED = ["[{w}]({u})", "![{w}]({u})", "[{w}][ref]", "*{w}*", "**{w}**", "_{w}_", "__{w}__", "***{w}***",
           ":ref:`{w}`", ":doc:`{w}`", ":math:`{w}`", ":py:func:`{w}`", "`{w} <https://x.org>`_", "{w}_",
           "|{w}|", "{{% {w} %}}", "{{{{< {w} >}}}}", "{{{{% {w} %}}}}", "{{{{ {w} }}}}"]


def inline_markup(pick: Pick) -> str:
    kind = pick.integer(0, 2)
    if kind == 0:
        return code_span(pick)
    if kind == 1:
        return pick.choice(LITERAL_MARKUP)
    return pick.choice(WRAPPED).format(w=pick.choice(WORDS), u=pick.choice(LINK_TARGETS))


def inline(pick: Pick) -> str:
    kind = pick.integer(0, 4)
    if kind == 3:
        return repeated(pick)
    if kind == 4:
        return inline_markup(pick)
    return text_word(pick)


def line(pick: Pick) -> str:
    parts = [inline(pick) for _ in range(pick.integer(1, 12))]
    seps = [pick.choice([" ", " ", " ", "", "  ", "\t", ". ", ", "]) for _ in parts]
    return "".join(p + s for p, s in zip(parts, seps)).rstrip(" ")


def block(pick: Pick) -> str:
    kind = pick.integer(0, 21)
    ln = line(pick)
    if kind == 0:
        return "#" * pick.integer(1, 7) + " " + ln
    if kind == 1:
        return "\n".join(pick.choice(["- ", "* ", "1. ", "2) ", "+ ", "- [ ] "]) + line(pick)
                         for _ in range(pick.integer(1, 3)))
    if kind == 2:
        return f"| {ln} | {line(pick)} |\n|---|:--:|\n| {line(pick)} | x |"
    if kind == 3:
        return "\n".join(">" * pick.integer(1, 2) + " " + line(pick) for _ in range(pick.integer(1, 3)))
    if kind == 4:
        fence = pick.choice(["```", "~~~", "````"])
        close = fence if pick.boolean() else ""
        return f"{fence}{pick.choice(['', 'py', 'sh {hl_lines=1}'])}\n{ln}\n{close}"
    if kind == 5:
        return "    " + ln  # indented code
    if kind == 6:
        return f"{ln}\n{pick.choice(['=', '-', '~', '^']) * max(1, len(ln) // 2)}"
    if kind == 7:
        d = pick.choice(["note", "code-block:: python", "warning", "image:: a.png", "toctree", "math",
                         "only:: html", "unknown-thing"])
        return f".. {d}\n   :maxdepth: 2\n\n   {ln}"
    if kind == 8:
        return f".. _{pick.choice(WORDS)}:\n\n.. [#] {ln}\n\n.. |x| replace:: {pick.choice(WORDS)}"
    if kind == 9:
        return pick.choice(["import X from './x.mdx';", "export const meta = {a: 1};",
                            "import { Tabs } from '@astrojs/starlight/components';"])
    if kind == 10:
        tag = pick.choice(["Tabs", "Aside", "div", "details"])
        return f"<{tag} type=\"note\">\n{ln}\n</{tag}>"
    if kind == 11:
        return f"{{% highlight {pick.choice(WORDS)} %}}\n{ln}\n{{% endhighlight %}}"
    if kind == 12:
        return f"{{{{< tab \"{pick.choice(WORDS)}\" >}}}}\n{ln}\n{{{{< /tab >}}}}"
    if kind == 13:
        return f"<!-- {ln} -->" if pick.boolean() else f"<!-- textsieve: disable {pick.choice(WORDS)}\n{ln}"
    if kind == 14:
        return f"::: {pick.choice(['tip', 'warning', 'details Title'])}\n{ln}\n:::"
    if kind == 15:
        return f"Term\n: {ln}"
    if kind == 16:
        return "---" if pick.boolean() else "* * *"
    if kind == 17:
        return f"[ref]: https://example.com \"{pick.choice(WORDS)}\""
    return ln


def build_document(pick: Pick, front_matter: bool = True) -> str:
    text = ""
    for _ in range(pick.integer(0, 8)):
        text += block(pick) + pick.choice(ENDINGS)
    if front_matter and pick.integer(0, 5) == 0:
        text = "---\ntitle: " + pick.choice(WORDS) + "\n---\n" + text
    if pick.integer(0, 9) == 0:
        text = "\ufeff" + text
    if pick.boolean():
        text = text.rstrip("\r\n")  # no final newline
    return text


SUFFIXES = {"markdown": [".md", ".mdx"], "rst": [".rst"], "text": [".txt"]}
CATEGORIES = tuple(SUFFIXES)


def build_named_document(pick: Pick, category: str | None = None) -> tuple[str, str]:
    category = category or pick.choice(CATEGORIES)
    return "doc" + pick.choice(SUFFIXES[category]), build_document(pick)


def build_corpus(pick: Pick) -> list[tuple[str, str]]:
    base = build_document(pick, front_matter=False)
    docs = []
    for i in range(pick.integer(2, 3)):
        suffix = pick.choice([".md", ".rst", ".txt"])
        # Shared passages make the DUP rules find something to report.
        text = base if pick.boolean() else base + "\n\n" + build_document(pick, front_matter=False)
        docs.append((f"d{i}{suffix}", text))
    return docs


@st.composite
def named_document(draw, category: str | None = None):
    return build_named_document(DrawPick(draw), category)


@st.composite
def corpus_documents(draw):
    return build_corpus(DrawPick(draw))


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


# Documents the long run (benchmarks/fuzz.py) failed on, cut down: each failed before
# its fix.
FOUND_BY_THE_LONG_RUN = [
    # An MDX export statement around a paired code tag was filled twice: the parser's
    # copy grew a line and its token lines ran past the source's.
    ("d.mdx", "export const{%highlight%}{%endhighlight%}\u2028*\nd"),
    ("doc.mdx", "export const{%highlight%}{%endhighlight%}\n\rg```x```\n---------------------"),
    ("doc.mdx", "import {%highlight%}\n\n{%endhighlight%}\ne` b` {% 日本語 %"),
    # A repeat across a line break: the (unsafe) fix joined the lines over the next
    # line's indentation, which is markup.
    ("doc.md", "שלום\r שלום"),
    ("doc.md", "the\r\n the"),
    ("doc.rst", " API\r\tAPI"),
]


@pytest.mark.parametrize("path, text", FOUND_BY_THE_LONG_RUN)
def test_documents_found_by_the_long_run(path, text):
    check_fixes(path, text, check_document(path, text))
