"""LT001-LT003 against a real LanguageTool 6.8 server (see lt_server.py), plus a proxy
in front of it, or a fake, for the protocol's corner cases: slow, dying, garbage."""

from __future__ import annotations

import subprocess
import sys

import pytest

import lt_server
from helpers import textsieve, write
from lt_server import Proxy
from textsieve.cache import Cache
from textsieve.findings import Finding
from textsieve.rule import RuleUnavailable
from textsieve.rules import languagetool as lt
from textsieve.testing import make_document


@pytest.fixture(scope="session")
def lt_url(tmp_path_factory):
    yield from lt_server.session_server(tmp_path_factory)


@pytest.fixture
def proxy(lt_url):
    p = Proxy(lt_url)
    yield p
    p.close()


def run_lt(url: str, texts: dict[str, str], cache=None, codes=("LT001", "LT002", "LT003"),
           **settings) -> tuple[list[Finding], list[str]]:
    """Run the LT rules as the runner does (one session, closed at the end): the findings,
    and the messages of RuleUnavailable raised on the way."""
    settings = {k.replace("_", "-"): v for k, v in settings.items()}
    rules = [cls({"url": url, **settings}) for cls in lt.RULES if cls.code in codes]
    findings, unavailable = [], []
    try:
        for rule in rules:
            rule.cache = cache
            collected = [(path, rule.collect(make_document(text, path)))
                         for path, text in texts.items()]
            try:
                for finding in rule.check_corpus(collected):
                    findings.append(finding)
            except RuleUnavailable as exc:
                unavailable.append(str(exc))
    finally:
        for rule in rules:
            rule.close()
    return sorted(findings, key=Finding.sort_key), unavailable


def spans(findings):
    return [(f.code, f.span.line, f.span.column, f.span.end_line, f.span.end_column, f.text)
            for f in findings]


GUIDE = """\
---
title: This are front matter with a tset
---

# A guide to the tool

This are the steps. I has a apple.

Run `this are code` to see https://example.com/this-are-a-tset and a tset.

```
This are a code block with a tset.
```

    This are an indented code block.

<div>This are raw HTML.</div>

- He go home.
- café 😀 — she have a cat.
- 中文 it are fine. 😀😀 He go home 😀.

| Name | Note |
|------|------|
| 😀 x | Éa tset here |

> Zoë 𝒳 has a apple.
"""


# -- findings at exact spans ------------------------------------------------------------
def test_findings_at_exact_spans_in_prose_only(lt_url):
    findings, unavailable = run_lt(lt_url, {"guide.md": GUIDE})
    assert unavailable == []
    assert spans(findings) == [
        ("LT001", 7, 1, 7, 5, "This"),
        ("LT001", 7, 6, 7, 9, "are"),
        ("LT001", 7, 23, 7, 26, "has"),
        ("LT001", 7, 27, 7, 28, "a"),
        ("LT002", 9, 70, 9, 74, "tset"),
        ("LT001", 19, 6, 19, 8, "go"),  # list item
        ("LT001", 20, 16, 20, 20, "have"),  # after an accent and an emoji
        ("LT001", 21, 9, 21, 12, "are"),  # after CJK text
        ("LT001", 21, 25, 21, 27, "go"),  # after two emoji, before a third
        ("LT002", 25, 9, 25, 11, "Éa"),  # table cell after an emoji cell
        ("LT002", 25, 12, 25, 16, "tset"),
        ("LT001", 27, 13, 27, 14, "a"),  # block quote, after an astral letter (2 UTF-16 units)
    ]


def test_message_names_rule_id_text_and_suggestion(lt_url):
    findings, _ = run_lt(lt_url, {"a.md": "I has a apple.\n"}, codes=("LT001",))
    by_text = {f.text: f for f in findings}
    assert by_text["a"].message.startswith("[EN_A_VS_AN] 'a': Use “an” instead of ‘a’")
    assert by_text["a"].message.endswith("(suggestion: 'an')")
    assert by_text["a"].severity == "warning"
    assert by_text["a"].fix.replacement == "an" and not by_text["a"].fix.safe


def test_style_is_info_and_list_items_may_start_in_lower_case(lt_url):
    text = "this starts in lower case.\n\n- this item too\n\n| a | b |\n|---|---|\n| x | lower cell here |\n"
    findings, _ = run_lt(lt_url, {"a.md": text})
    assert [(f.code, f.severity, f.span.line, f.span.column, f.text) for f in findings] == [
        ("LT003", "info", 1, 1, "this")]
    assert findings[0].message.startswith("[UPPERCASE_SENTENCE_START] 'this': ")


def test_placeholder_keeps_sentences_whole(lt_url):
    # "an `x`": LanguageTool sees "an X0", which is neither wrong with "a" nor with "an";
    # code at the start of a sentence does not make it start in lower case.
    text = ("Call an `eventEmitter.on()` function or a `init()` call.\n\n"
            "`make` builds it, then [the docs](https://example.com \"Title\") explain it.\n")
    findings, _ = run_lt(lt_url, {"a.md": text})
    assert findings == []


def test_positions_in_rst_plain_text_and_crlf(lt_url):
    findings, _ = run_lt(lt_url, {
        "a.rst": "Title\n=====\n\nUse ``code`` — he go home.\n",
        "b.txt": "Plain 😀 text where he go home.\n",
        "c.md": "Intro line.\r\n\r\nHe go home\r\nand she have a cat.\r\n"})
    assert spans(findings) == [("LT001", 4, 19, 4, 21, "go"), ("LT001", 1, 23, 1, 25, "go"),
                               ("LT001", 3, 4, 3, 6, "go"), ("LT001", 4, 9, 4, 13, "have")]


# -- only prose is sent ------------------------------------------------------------------
def test_only_prose_is_sent(proxy):
    findings, _ = run_lt(proxy.url, {"guide.md": GUIDE})
    sent = proxy.sent_text()
    for secret in ("front matter", "this are code", "example.com", "code block", "indented code",
                   "raw HTML", "title:", "```", "|"):
        assert secret not in sent
    assert "Run X0 to see X1 and a tset." in sent
    assert findings  # the prose around them was checked


def test_readme_demo_sample(lt_url):
    result = textsieve("check", "--no-cache", "--select", "LT", "--languagetool-url", lt_url,
                       "samples/grammar.md", cwd=lt_server.REPO)
    assert [line.split(" [")[0] for line in result.out.splitlines() if ": LT" in line] == [
        "samples/grammar.md:3:1: LT001", "samples/grammar.md:4:57: LT001",
        "samples/grammar.md:8:35: LT001", "samples/grammar.md:11:4: LT002"]
    assert result.code == 1
    assert textsieve("check", "--no-cache", "samples/grammar.md", cwd=lt_server.REPO).code == 0


def test_corpus_context_is_not_sent(tmp_path, proxy):
    """LT judges each document alone: --corpus files are context for DUP and SEM, and
    none of their prose goes to the server."""
    write(tmp_path / "a.md", "Named file: he go home.\n")
    write(tmp_path / "context" / "b.md", "Context file: she go home.\n")
    result = textsieve("check", "--no-cache", "--select", "LT001", "--languagetool-url", proxy.url,
                       "--corpus", "context", "a.md", cwd=tmp_path)
    assert result.code == 1, result.err
    assert [line.split(": ")[0] for line in result.out.splitlines() if ": LT001" in line] == ["a.md:1:16"]
    sent = proxy.sent_text()
    assert "Named file" in sent and "Context file" not in sent


# -- fixes ----------------------------------------------------------------------------------
def test_fixes_only_with_unsafe_fixes(tmp_path, lt_url):
    doc = tmp_path / "a.md"
    write(doc, "# Notes\n\nHe go home 😀 and I has a apple.\n")
    args = ("check", "--no-cache", "--select", "LT001", "--languagetool-url", lt_url, "a.md")
    result = textsieve(*args, "--fix", cwd=tmp_path)
    assert result.code == 1, result.err
    assert doc.read_text(encoding="utf-8") == "# Notes\n\nHe go home 😀 and I has a apple.\n"
    result = textsieve(*args, "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert doc.read_text(encoding="utf-8") == "# Notes\n\nHe goes home 😀 and I have an apple.\n"
    assert result.code == 0, result.out + result.err


def test_no_fix_across_markup(lt_url):
    # The span of "have" is plain text: a fix. A span crossing "**" or a line break is not.
    findings, _ = run_lt(lt_url, {"a.md": "She **have** a cat.\n\nShe have\na dog.\n"},
                         codes=("LT001",))
    assert [(f.text, f.fix.replacement if f.fix else None) for f in findings] == [
        ("have", "has"), ("have", "has")]


# -- the cache and batching -------------------------------------------------------------
def paragraphs(n: int) -> str:
    return "\n\n".join(f"In paragraph {i}, he go home early." for i in range(n))


def test_cache_second_run_sends_nothing(tmp_path, proxy):
    cache = Cache(tmp_path / "cache")
    texts = {"a.md": paragraphs(30), "b.md": "I has a apple.\n"}
    first, _ = run_lt(proxy.url, texts, cache=cache)
    assert len(proxy.checks()) == 1  # 31 paragraphs, one request
    assert lt.last_stats().cache_hits == 0 and lt.last_stats().checked == 31
    proxy.requests.clear()
    second, _ = run_lt(proxy.url, texts, cache=Cache(tmp_path / "cache"))
    assert proxy.requests == []  # not even a connection
    assert spans(second) == spans(first) and len(first) == 32
    assert lt.last_stats().cache_hits == 31
    # One paragraph changed: only it is sent.
    texts["b.md"] = "I has an apple.\n"
    third, _ = run_lt(proxy.url, texts, cache=Cache(tmp_path / "cache"))
    assert [c["text"] for c in proxy.checks()] == ["I has an apple."]
    assert len(third) == 31


def test_cache_key_includes_options(tmp_path, proxy):
    cache_dir = tmp_path / "cache"
    run_lt(proxy.url, {"a.md": "I has a apple.\n"}, cache=Cache(cache_dir))
    run_lt(proxy.url, {"a.md": "I has a apple.\n"}, cache=Cache(cache_dir), picky=True)
    assert len(proxy.checks()) == 2
    # The word list filters answers after the cache: changing it sends nothing.
    run_lt(proxy.url, {"a.md": "I has a apple.\n"}, cache=Cache(cache_dir), words=["apple"])
    assert len(proxy.checks()) == 2


def test_small_requests_give_the_same_answers(proxy):
    texts = {"a.md": paragraphs(40)}
    big, _ = run_lt(proxy.url, texts)
    assert len(proxy.checks()) == 1
    small, _ = run_lt(proxy.url, texts, request_size=1000)
    assert len(proxy.checks()) > 3
    assert all(len(c["text"]) <= 1000 for c in proxy.checks()[1:])
    assert spans(small) == spans(big)


def test_batched_answers_equal_paragraph_by_paragraph_answers(lt_url):
    # Neighbours that would change LanguageTool's answer if joined naively: three
    # paragraphs starting with the same word, brackets and quotes opened in one paragraph
    # and closed in the next, one-word lower-case paragraphs.
    texts = [
        "Returns the value.", "Returns the key.", "Returns the pair.",
        "A bracket (opened here.", "And closed here) later.",
        "He said “hi.", "She said bye” then.",
        "protocol", "port", "Zebras graze.", "the end is near.", "I has a apple.",
    ]
    session = lt.Session({**{k: o.default for k, o in lt.OPTIONS.items()}, "url": lt_url}, None)
    try:
        batched, failure = session.check([p for t in texts
                                          for p in lt.prose_paragraphs(make_document(t))])
        assert failure == ""
        alone = {t: session._send([t])[0] for t in texts}
    finally:
        session.close()
    assert {t: batched[t] for t in texts} == alone
    assert any(m.rule_id == "EN_UNPAIRED_BRACKETS" for m in alone["A bracket (opened here."])


# -- options ---------------------------------------------------------------------------
def test_option_disabled_rules_and_categories(proxy):
    text = "I has a apple. It is very unique.\n"
    findings, _ = run_lt(proxy.url, {"a.md": text})
    assert {f.message.split("]")[0][1:] for f in findings} == {
        "BASE_FORM", "EN_A_VS_AN", "VERY_UNIQUE"}
    findings, _ = run_lt(proxy.url, {"a.md": text}, disabled_rules=["EN_A_VS_AN"],
                         disabled_categories=["REDUNDANCY"])
    assert {f.message.split("]")[0][1:] for f in findings} == {"BASE_FORM"}
    assert proxy.checks()[-1]["disabledRules"] == "EN_A_VS_AN"
    assert proxy.checks()[-1]["disabledCategories"] == "REDUNDANCY"


def test_option_enabled_rules_and_categories(proxy):
    text = "In order to win, we must try.\n"
    assert run_lt(proxy.url, {"a.md": text})[0] == []
    findings, _ = run_lt(proxy.url, {"a.md": text}, enabled_rules=["IN_ORDER_TO"],
                         enabled_categories=["CREATIVE_WRITING"])
    assert spans(findings) == [("LT003", 1, 1, 1, 12, "In order to")]
    assert proxy.checks()[-1]["enabledRules"] == "IN_ORDER_TO"
    assert proxy.checks()[-1]["enabledCategories"] == "CREATIVE_WRITING"


def test_option_spelling_off(proxy):
    text = "A tset with a apple.\n"
    findings, _ = run_lt(proxy.url, {"a.md": text}, spelling=False)
    assert [f.code for f in findings] == ["LT001"]
    assert proxy.checks()[-1]["disabledCategories"] == "TYPOS"


def test_option_word_list(lt_url):
    text = "Textsieve and textsieve find a tset; Tset too.\n"
    findings, _ = run_lt(lt_url, {"a.md": text}, codes=("LT002",))
    assert [f.text for f in findings] == ["Textsieve", "textsieve", "tset", "Tset"]
    findings, _ = run_lt(lt_url, {"a.md": text}, codes=("LT002",), words=["textsieve", "Tset"])
    # A lower-case entry covers the capitalised word; a capitalised entry only itself.
    assert [f.text for f in findings] == ["tset"]


def test_option_picky(lt_url):
    text = 'He said "hello" to me. I will try and call you.\n'
    assert run_lt(lt_url, {"a.md": text})[0] == []
    findings, _ = run_lt(lt_url, {"a.md": text}, picky=True)
    assert [(f.message.split("]")[0][1:], f.text) for f in findings] == [
        ("EN_QUOTES", '"hello"'), ("TRY_AND", "try and")]


def test_option_language(lt_url):
    text = "I like the colour and the color.\n"
    assert [f.text for f in run_lt(lt_url, {"a.md": text})[0]] == ["colour"]
    assert [f.text for f in run_lt(lt_url, {"a.md": text}, language="en-GB")[0]] == ["color"]
    findings, unavailable = run_lt(lt_url, {"a.md": text}, language="xx-YY")
    assert findings == []
    assert unavailable == [f"the LanguageTool server at {lt_url} does not know the language "
                           "'xx-YY' (option 'language')"]


def test_url_with_v2_suffix(lt_url):
    findings, _ = run_lt(lt_url + "/v2/", {"a.md": "I has a apple.\n"})
    assert len(findings) == 2


# -- the local server -------------------------------------------------------------------------
def test_local_server_started_once_and_stopped(tmp_path):
    home = str(lt_server.server_dir().parent)  # assembled by setup.sh (now, if needed)
    rule = lt.LanguageToolGrammar({"home": home, "timeout": 120.0})
    spelling = lt.LanguageToolSpelling({"home": home, "timeout": 120.0})
    try:
        doc = make_document("I has a apple and a tset.\n")
        found = list(rule.check_corpus([("a.md", rule.collect(doc))]))
        found += list(spelling.check_corpus([("a.md", spelling.collect(doc))]))
        session = lt._SESSIONS[(lt._settings_key(rule), id(None))]
        url = session.tool.url
        assert session.server_name.startswith("the local LanguageTool 6.8 server (from ")
        assert lt_server.answers(url.rsplit("/v2/", 1)[0])
    finally:
        rule.close()
        spelling.close()
    assert [(f.code, f.text) for f in found] == [("LT001", "has"), ("LT001", "a"),
                                                 ("LT002", "tset")]
    assert lt.last_stats().requests == 1
    assert not lt_server.answers(url.rsplit("/v2/", 1)[0])


# -- no server -----------------------------------------------------------------------------
def test_no_server_anywhere_is_a_clear_message(tmp_path):
    findings, unavailable = run_lt("", {"a.md": "I has a apple.\n"}, home=str(tmp_path))
    assert findings == []
    assert len(unavailable) == 1  # once for the family, not once per rule
    assert unavailable[0].startswith("no LanguageTool server: none given (--languagetool-url, "
                                     "or 'url' in [tool.textsieve.lt]) and no LanguageTool "
                                     "installation found")
    assert "textsieve explain LT001" in unavailable[0]


def test_cli_skips_lt_exit_2_only_when_selected_explicitly(tmp_path):
    write(tmp_path / "a.md", "# Notes\n\nRead the the guide; I has a apple.\n")
    write(tmp_path / "pyproject.toml", f'[tool.textsieve.lt]\nhome = "{tmp_path / "none"}"\n')
    result = textsieve("check", "--no-cache", "--select", "LT,TS003", "a.md", cwd=tmp_path)
    assert result.code == 2
    assert "a.md:3:6: TS003" in result.out  # the other rules' findings are still reported
    assert "warning: LT001, LT002, LT003 skipped: no LanguageTool server" in result.err
    assert "Traceback" not in result.err
    result = textsieve("check", "--no-cache", "--select", "ALL", "a.md", cwd=tmp_path)
    assert "skipped: no LanguageTool server" in result.err
    assert result.code == 1  # LT came with ALL, not by name: findings decide


def test_unreachable_url(tmp_path):
    port = lt_server.free_port()  # nothing listens there
    findings, unavailable = run_lt(f"http://127.0.0.1:{port}", {"a.md": "I has a apple.\n"})
    assert unavailable == [f"the LanguageTool server at http://127.0.0.1:{port} is not "
                           "reachable (connection refused or no such host)"]


# -- a server that is slow, dies or answers garbage --------------------------------------------
@pytest.mark.timeout(60)
def test_slow_server_times_out(lt_url):
    proxy = Proxy(lt_url, mode="hang")
    try:
        findings, unavailable = run_lt(proxy.url, {"a.md": "I has a apple.\n"}, timeout=1.0)
    finally:
        proxy.close()
    assert findings == []
    assert unavailable == [f"the LanguageTool server at {proxy.url} did not answer within 1 s "
                           "(option 'timeout')"]


def test_server_dropping_the_connection_mid_run_keeps_earlier_answers(lt_url):
    proxy = Proxy(lt_url, mode="drop", after=1)
    try:
        findings, unavailable = run_lt(proxy.url, {"a.md": paragraphs(40)}, request_size=1000)
    finally:
        proxy.close()
    assert len(unavailable) == 1
    assert unavailable[0].startswith(f"the LanguageTool server at {proxy.url} ")
    assert "closed the connection" in unavailable[0] or "not reachable" in unavailable[0]
    # The first request's paragraphs were answered and are reported.
    first = proxy.checks()[0]["text"].count("he go home")
    assert 0 < len(findings) == first


def test_real_server_killed_mid_run(tmp_path, monkeypatch):
    server = lt_server.start_server(tmp_path)
    sent = []
    original = lt.Session._send

    def send_then_kill(self, batch):
        result = original(self, batch)
        sent.append(len(batch))
        if len(sent) == 1:
            server.stop()
        return result

    monkeypatch.setattr(lt.Session, "_send", send_then_kill)
    try:
        findings, unavailable = run_lt(server.url, {"a.md": paragraphs(40)}, request_size=1000)
    finally:
        server.stop()
    assert unavailable == [f"the LanguageTool server at {server.url} is not reachable "
                           "(connection refused or no such host)"]
    assert len(findings) == sent[0] > 0


@pytest.mark.parametrize("mode, expected", [
    ("garbage", "answered with something that is not a LanguageTool result (LanguageToolError: "
                "<html><body>Service unavailable</body></html>)"),
    ("bad-json", "answered with something that is not a LanguageTool result (KeyError: 'rule')"),
    ("error", "answered with an error: Internal Error: something broke"),
])
def test_garbage_answers(lt_url, mode, expected):
    proxy = Proxy(lt_url, mode=mode)
    try:
        findings, unavailable = run_lt(proxy.url, {"a.md": "I has a apple.\n"})
    finally:
        proxy.close()
    assert findings == []
    assert unavailable == [f"the LanguageTool server at {proxy.url} {expected}"]


def test_garbage_instead_of_languages():
    proxy = Proxy(None, mode="garbage-all")
    try:
        _, unavailable = run_lt(proxy.url, {"a.md": "I has a apple.\n"})
    finally:
        proxy.close()
    assert len(unavailable) == 1
    assert "answered with something that is not a LanguageTool result" in unavailable[0]


def test_cli_reports_a_dying_server_without_traceback(tmp_path, lt_url):
    write(tmp_path / "a.md", paragraphs(40) + "\n\nRead the the guide.\n")
    write(tmp_path / "pyproject.toml", "[tool.textsieve.lt]\nrequest-size = 1000\n")
    proxy = Proxy(lt_url, mode="garbage", after=1)
    try:
        result = textsieve("check", "--no-cache", "--select", "LT,TS003", "--languagetool-url",
                           proxy.url, "a.md", cwd=tmp_path)
    finally:
        proxy.close()
    assert result.code == 2
    assert f"skipped: the LanguageTool server at {proxy.url} answered with something" in result.err
    assert "Traceback" not in result.err
    assert ": TS003 " in result.out and ": LT001 " in result.out


# -- offsets from LanguageTool (UTF-16) mapped back, with a fake server ---------------------
def test_utf16_offsets_around_and_inside_astral_characters():
    # "😀 ab 😀 cd": LanguageTool (Java) counts 😀 as two units.
    text = "😀 ab 😀 cd."
    proxy = Proxy(None)
    proxy.fake_answer = {"matches": [
        {"message": "m1", "offset": 3, "length": 2, "replacements": [{"value": "AB"}],
         "context": {"text": text, "offset": 3, "length": 2},
         "rule": {"id": "R1", "issueType": "grammar", "category": {"id": "GRAMMAR"}}},
        # From "ab" through the second emoji: 2 + 1 + 2 units.
        {"message": "m2", "offset": 3, "length": 5, "replacements": [],
         "context": {"text": text, "offset": 3, "length": 5},
         "rule": {"id": "R2", "issueType": "grammar", "category": {"id": "GRAMMAR"}}},
        {"message": "m3", "offset": 9, "length": 2, "replacements": [],
         "context": {"text": text, "offset": 9, "length": 2},
         "rule": {"id": "R3", "issueType": "grammar", "category": {"id": "GRAMMAR"}}},
    ]}
    try:
        findings, unavailable = run_lt(proxy.url, {"a.md": "> " + text + "\n"},
                                       codes=("LT001",))
    finally:
        proxy.close()
    assert unavailable == []
    assert [(f.message, f.span.column, f.span.end_column, f.text) for f in findings] == [
        ("[R1] 'ab': m1 (suggestion: 'AB')", 5, 7, "ab"),
        ("[R2] 'ab 😀': m2", 5, 9, "ab 😀"),
        ("[R3] 'cd': m3", 10, 12, "cd"),
    ]


# -- the prose LanguageTool reads -----------------------------------------------------------
def test_prose_paragraphs_map_every_character_back():
    text = ("# Heading with `code` here\n\n"
            "`textsieve check` runs **all** the *em*phasis rules on <https://a.b/c>.\n"
            "Then &amp; ![img](a.png) end<br>next [link](http://x.y \"T\").\n\n"
            "- item with `x`\n\n| a | `b` c |\n|---|---|\n| café 😀 | d |\n")
    doc = make_document(text)
    got = [(p.text, p.kind) for p in lt.prose_paragraphs(doc)]
    assert got == [
        ("Heading with X0 here", "heading"),
        ("X0 runs all the emphasis rules on X1. Then & X2 end next link.", "paragraph"),
        ("item with X0", "list_item"),
        ("a", "table_cell"), ("X0 c", "table_cell"),
        ("café 😀", "table_cell"), ("d", "table_cell"),
    ]
    for p in lt.prose_paragraphs(doc):
        for i, ch in enumerate(p.text):
            if not p.touches_hole(i, i + 1) and ch != " ":
                assert text[p.offset(i)] == ch
        for start, end in p.holes:
            assert p.text[start:end].startswith("X")


def test_balanced_pairs():
    assert lt._balanced("A (b) [c] {d} “e” ‘f’ don’t 'g' it's.")
    for text in ("A (b.", "b) c", ")(", "“e", "say \"hi", "the 'quote"):
        assert not lt._balanced(text), text


def test_batches():
    texts = ["a" * 400, "b" * 400, "c" * 400, "(unbalanced", "d" * 5000]
    assert [[t[:1] for t in b] for b in lt._batches(texts, 1000)] == [
        ["a", "b"], ["("], ["c"], ["d"]]


def test_normalise_url():
    assert lt._normalise_url(" http://h:8081/v2/ ") == "http://h:8081"
    assert lt._normalise_url("localhost:8081") == "http://localhost:8081"
    assert lt._normalise_url("https://api.languagetool.org/v2") == "https://api.languagetool.org"


def test_module_import_does_not_import_language_tool_python():
    code = ("import sys, textsieve.rules.languagetool; "
            "print('language_tool_python' in sys.modules, 'requests' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
