"""Every built-in rule's documentation holds: its Example gives the finding it documents, and
its Instead gives none.

The text comes from ``Rule.documentation()`` (what ``textsieve explain CODE`` prints). A quoted
or backticked example is run through the rule as it stands; an example that is a finding line
(``path:line:col: CODE message``) gets its input from a builder below, and the rule's message
must have the documented shape (numbers, paths and quoted excerpts may differ). The LT rules
need a LanguageTool server, started as tests/test_languagetool.py starts one.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import subprocess

import pytest

import lt_server
from helpers import textsieve, write
from textsieve.document import Document
from textsieve.findings import Finding
from textsieve.rule import load_rules
from textsieve.source import decode
from textsieve.testing import make_document, run_corpus_rule, run_rule

RULES = load_rules()
BUILTIN = {code: rule for code, rule in RULES.items() if rule.__module__.startswith("textsieve.")}


def section(rule, name: str) -> str:
    match = re.search(rf"^## {name}\n(.*?)(?=^## |\Z)", rule.documentation(), re.S | re.M)
    return match.group(1).strip() if match else ""


def unescape(text: str) -> str:
    """The characters that documentation writes as Python escapes (``\\x07``, ``\\u200b``)."""
    return re.sub(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|n)",
                  lambda m: codecs.decode(m.group(0), "unicode_escape"), text)


def quoted(text: str) -> list[str]:
    return [" ".join(q.split()) for q in re.findall(r'"(.+?)"', text, re.S)]


def backticked(text: str) -> list[str]:
    return [unescape(b) for b in re.findall(r"`([^`]+)`", text)]


def inputs(text: str) -> list[str]:
    """The example texts of an Example or Instead section: its quoted sentence, or, when it
    opens with a backticked text, the backticked texts of its first sentence."""
    if text.startswith("`"):
        first = re.match(r"(?:`[^`]*`|[^`.])*", text).group(0)
        return [b for b in backticked(first) if not b.startswith(".")]
    return quoted(text)[:1]


def figures(text: str) -> list[str]:
    """The figures a section gives in parentheses after its example ("grade 22.9", "41 words")."""
    return re.findall(r"grade \d+(?:\.\d+)?|\d+ words", " ".join(re.findall(r"\(([^()]*)\)", text)))


def shape(example: str, code: str) -> re.Pattern:
    """The documented finding line's message as a pattern: numbers, paths and quoted
    excerpts stand for any, and "..." for the rest of the message."""
    message = " ".join(example.strip("`").split(f" {code} ", 1)[1].split())
    message = re.sub(r"`\s*$", "", message)
    parts = re.split(r'("[^"]*"|\S+\.(?:md|txt|rst):\d+:\d+|\.\.\.|\d+(?:\.\d+)?)', message)
    pattern = ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            pattern += re.escape(part)
        elif part == "...":
            pattern += ".*"
        elif part.startswith('"'):
            pattern += '"[^"]*"'
        elif ":" in part:
            pattern += r"\S+:\d+:\d+"
        else:
            pattern += r"\d+(?:\.\d+)?"
    return re.compile(pattern, re.S)


def of(code: str, findings) -> list[Finding]:
    return [f for f in findings if f.code == code]


# -- rules whose example is a text ------------------------------------------------------------

SETTINGS = {
    # "Flesch–Kincaid grade 22.9 on its own": one sentence, graded alone.
    "READ101": {"min_words": 1, "min_sentences": 1},
}
# Rules whose Example is a finding line, or a description: built below.
BUILT = {"DUP101", "DUP102", "DUP103", "DUP104", "ENC104", "TS001", "TS002", "READ105", "SEM101",
         "LT001", "LT002", "LT003"}
TEXT_RULES = sorted(code for code in BUILTIN if code not in BUILT)


def test_every_builtin_rule_is_covered():
    assert set(BUILTIN) == set(TEXT_RULES) | BUILT
    for code, rule in BUILTIN.items():
        assert section(rule, "Example") and section(rule, "Instead"), code


@pytest.mark.parametrize("code", TEXT_RULES)
def test_the_documented_example_gives_the_finding_and_the_instead_none(code):
    rule = BUILTIN[code]
    example, instead = section(rule, "Example"), section(rule, "Instead")
    path = "doc.txt" if "`.txt`" in example else "doc.md"
    settings = SETTINGS.get(code, {})
    texts = inputs(example)
    assert texts, f"{code}: no example text in {example!r}"
    for text in texts:
        found = of(code, run_rule(rule, text + "\n", path, **settings))
        assert found, f"{code}: no finding for its documented example {text!r}"
        for figure in figures(example.split('"')[-1] if '"' in example else ""):
            assert any(figure in f.message for f in found), (code, figure, found[0].message)
    better = inputs(instead)
    if better:
        for text in better:
            assert of(code, run_rule(rule, text + "\n", path, **settings)) == [], (code, text)
    else:
        # "Delete it (a safe fix)": the example with the rule's fixes applied.
        for text in texts:
            fixed = text + "\n"
            for f in sorted(of(code, run_rule(rule, fixed, path, **settings)),
                            key=lambda f: -f.span.start):
                assert f.fix is not None, f"{code}: the Instead asks for the fix, and there is none"
                fixed = fixed[:f.span.start] + f.fix.replacement + fixed[f.span.end:]
            assert of(code, run_rule(rule, fixed, path, **settings)) == [], (code, fixed)


# -- READ105: the example is a description ------------------------------------------------------

LONG_PARAGRAPH = (
    "A cache keeps the results of earlier work so that a second run can skip it. Each entry is "
    "stored under a key made from the file's content and the options of the rules that read it, "
    "so that a change to either makes a new key and the old entry is simply never read again. "
    "The tool offers three ways to manage the cache. You can leave it where it is, in a hidden "
    "directory beside the project, where it grows by a few kilobytes for each file checked. You "
    "can move it with the cache-dir option, for instance to a directory that your continuous "
    "integration service saves between jobs, which makes the first run of each job fast. Or you "
    "can turn it off with the no-cache flag, which is the right choice when you measure how long "
    "the rules take, since every run then does all of the work. Whichever you choose, never "
    "commit the cache directory to the repository: anyone who can write to it decides what the "
    "next run reports, and entries from another version of the tool are only ever ignored, "
    "never trusted. Delete the directory whenever you like; the next run builds it again.")


def test_read105_a_long_paragraph_and_the_same_text_split():
    rule = BUILTIN["READ105"]
    assert 190 <= len(LONG_PARAGRAPH.split()) <= 210  # "a 200-word paragraph"
    assert of("READ105", run_rule(rule, LONG_PARAGRAPH + "\n"))
    sentences = re.split(r"(?<=\.) ", LONG_PARAGRAPH)
    split = ("\n\n".join([" ".join(sentences[:3]), " ".join(sentences[3:4]),
                          "\n".join("- " + s for s in sentences[4:7]), " ".join(sentences[7:])]))
    assert of("READ105", run_rule(rule, split + "\n")) == []


# -- DUP: the examples are finding lines ---------------------------------------------------------

NEAR_A = ("Military cooperation entails the collaborative interaction and partnership between the "
          "armed forces of one nation and similar bodies in other states, through joint exercises, "
          "shared training, the exchange of officers and equipment, and common planning for crises "
          "that no single state can meet alone.")
NEAR_B = NEAR_A.replace("one nation", "one country").replace("exercises", "drills").replace(
    "crises", "emergencies")
CACHE = ("The cache is stored in the user's cache directory and is shared by every project that "
         "the same user checks, so that a file checked once is never read twice.")
BODIES = [
    "Releases are cut on the first Monday of each month from the main branch.",
    "Every change needs one approving review from a maintainer of the area it touches.",
    "Run the unit tests locally before you push; the slow suite runs only at night.",
    "Wheels are built for three platforms and uploaded together with the source archive.",
    "Report vulnerabilities privately by mail, never in the public tracker.",
    "Questions from users are answered in the forum, usually within two days.",
    "Translators work in their own branch and merge once a page is complete.",
    "Sketch the interface on paper first, then ask two people to try the prototype.",
    "The site is served from a static bucket behind a content delivery network.",
    "Contributions are accepted under the same licence as the code they change.",
    "Decisions that affect every package are taken by vote of the steering group.",
    "Donations pay for the build servers and one part-time release engineer.",
]
HANDBOOK = ("This page is part of the project handbook, and questions or corrections about it go "
            "to the documentation channel, where the maintainers answer within a week.")
TOPICS = ["release", "review", "testing", "packaging", "security", "support", "translation",
          "design", "hosting", "licensing", "governance", "funding"]


def dup_documents(code: str) -> tuple[dict[str, str], dict[str, str], dict]:
    """(documents for the Example, documents for the Instead, settings for the Instead)."""
    if code == "DUP101":
        return ({"docs/a.md": f"# A\n\nPage a starts on its own.\n\n{NEAR_A}\n",
                 "docs/b.md": f"# B\n\n{NEAR_B}\n"},
                {"docs/a.md": f"# A\n\nPage a starts on its own.\n\n{NEAR_A}\n",
                 "docs/b.md": "# B\n\nSee [military cooperation](a.md) for what the forces share.\n"},
                {})
    if code == "DUP102":
        pages = {f"docs/{name}.md": f"# {name.upper()}\n\nPage {name} has its own words.\n\n{CACHE}\n"
                 for name in "abc"}
        alone = {"docs/a.md": pages["docs/a.md"],
                 "docs/b.md": "# B\n\nThe cache is described [on page a](a.md).\n",
                 "docs/c.md": "# C\n\nSee [page a](a.md) for the cache.\n"}
        return pages, alone, {}
    if code == "DUP103":
        return ({"a.md": "# Military Cooperation: Pillar of Islamic Nation's Defense Diplomacy\n\n"
                         "Forces train together.\n",
                 "b.md": "# Strategic Alliances: Fundamental Pillar of Islamic Nation's Defense "
                         "Diplomacy\n\nStates sign treaties.\n"},
                {"a.md": "# Military Cooperation in Defense Diplomacy\n\nForces train together.\n",
                 "b.md": "# Strategic Alliances\n\nStates sign treaties.\n"},
                {})
    pages = {f"docs/page{i}.md": f"# The {topic} guide\n\n{body}\n\n{HANDBOOK}\n"
             for i, (topic, body) in enumerate(zip(TOPICS, BODIES), 1)}
    return pages, pages, {"allow": ["part of the project handbook"]}


def _dup_run(code, documents, **settings):
    return of(code, run_corpus_rule(BUILTIN[code], documents, **settings))


@pytest.mark.parametrize("code", ["DUP101", "DUP102", "DUP103", "DUP104"])
def test_dup_examples_give_the_documented_message_and_the_instead_none(code):
    example, better, settings = dup_documents(code)
    found = _dup_run(code, example)
    assert found, f"{code}: no finding for the documents built for its example"
    pattern = shape(section(BUILTIN[code], "Example"), code)
    assert any(pattern.fullmatch(f.message) for f in found), (pattern.pattern, found[0].message)
    assert _dup_run(code, better, **settings) == []


# -- ENC104, TS001, TS002: files and the command line ---------------------------------------------

NOTES = ("Meeting notes, week of the 4th\nPresent: Ana\nThe menu: café, then crème brûlée à la "
         "carte, and piña colada with jalapeño; señor Muñoz and doña Núñez from São Paulo paid "
         "the bill.\n")


def test_enc104_a_cp1252_file_is_reported_as_documented_and_iconv_converts_it(tmp_path):
    example = section(BUILTIN["ENC104"], "Example")
    text, info = decode(NOTES.encode("cp1252"))
    [finding] = of("ENC104", BUILTIN["ENC104"]().check(Document("notes.txt", text, "text", info)))
    line = f"notes.txt:{finding.span.line}:{finding.span.column}: ENC104 {finding.message}"
    documented = " ".join(example.strip("`").split())
    assert line.startswith(documented.removesuffix("...").strip()), (line, documented)
    # Instead: the command it gives, run on the file, leaves nothing to report.
    command = re.search(r"`(iconv [^`]+)`", section(BUILTIN["ENC104"], "Instead")).group(1)
    if shutil.which("iconv") is None:
        pytest.skip("no iconv on PATH")
    write(tmp_path / "notes.txt", NOTES.encode("cp1252"))
    subprocess.run(command, shell=True, cwd=tmp_path, check=True)
    converted = (tmp_path / "notes.utf8.txt").read_bytes()
    text, info = decode(converted)
    assert text == NOTES and info.is_utf8
    assert of("ENC104", BUILTIN["ENC104"]().check(Document("notes.txt", text, "text", info))) == []


def _findings_in(result, code: str) -> list[str]:
    return [line for line in result.out.splitlines() if f": {code} " in line]


def test_ts002_a_binary_file_is_reported_as_documented_and_excluding_it_helps(tmp_path):
    example = section(BUILTIN["TS002"], "Example").strip("`")
    write(tmp_path / "docs" / "logo.md", b"PNG headers \x00\x01 then pixels\n")  # NUL at byte 12
    write(tmp_path / "docs" / "guide.md", "A guide.\n")
    assert _findings_in(textsieve("check", "--no-cache", "docs", cwd=tmp_path), "TS002") == [example]
    instead = re.search(r"`(exclude = [^`]+)`", section(BUILTIN["TS002"], "Instead")).group(1)
    write(tmp_path / "textsieve.toml", instead + "\n")
    assert _findings_in(textsieve("check", "--no-cache", "docs", cwd=tmp_path), "TS002") == []


def test_ts001_an_unused_suppression_is_reported_and_deleting_it_helps(tmp_path):
    comment = backticked(section(BUILTIN["TS001"], "Example"))[0]
    write(tmp_path / "a.md", f"# Notes\n\n{comment}\nThe build takes four minutes.\n")
    result = textsieve("check", "--no-cache", "--extend-select", "TS001", "a.md", cwd=tmp_path)
    assert len(_findings_in(result, "TS001")) == 1, result.out
    write(tmp_path / "a.md", "# Notes\n\nThe build takes four minutes.\n")
    result = textsieve("check", "--no-cache", "--extend-select", "TS001", "a.md", cwd=tmp_path)
    assert _findings_in(result, "TS001") == []


# -- LT: a LanguageTool server ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def lt_url(tmp_path_factory):
    yield from lt_server.session_server(tmp_path_factory)


def run_lt(url: str, code: str, text: str, path: str = "guide.md") -> list[Finding]:
    rule = BUILTIN[code]({"url": url})
    try:
        return of(code, rule.check_corpus([(path, rule.collect(make_document(text, path)))]))
    finally:
        rule.close()


LT_INPUTS = {
    # (the documented example's text, the Instead's text)
    "LT001": None,  # both quoted in the documentation
    "LT002": ("Run every tset before you commit.\n", "Run every test before you commit.\n"),
    "LT003": ("# Guide\n\nThe setup is done.\nthis sentence is next.\n",
              "# Guide\n\nThe setup is done.\nThis sentence is next.\n"),
}


# What LanguageTool 6.8 answers where the documentation says otherwise (rules/languagetool.py):
# for "This are the steps." two findings, [THIS_NNS] at "This" (suggestion 'These') and
# [PLURAL_VERB_AFTER_THIS] at "are" (suggestion 'is'); for "tset" the suggestions 'set',
# 'test', 'stet'.
LT_DOCUMENTED_OTHERWISE = {
    "LT001": "the documented finding is none of the two LanguageTool 6.8 gives",
    "LT002": "LanguageTool 6.8 suggests 'set', 'test', 'stet', not 'test', 'set', 'reset'",
}


@pytest.mark.parametrize("code", [
    pytest.param(code, marks=pytest.mark.xfail(strict=True, reason=LT_DOCUMENTED_OTHERWISE[code]))
    if code in LT_DOCUMENTED_OTHERWISE else code for code in ("LT001", "LT002", "LT003")])
def test_lt_examples_give_the_documented_message_and_the_instead_none(lt_url, code):
    example, instead = section(BUILTIN[code], "Example"), section(BUILTIN[code], "Instead")
    line = backticked(example)[0]
    if LT_INPUTS[code] is None:  # at line 3, as documented
        text, better = (f"# Guide\n\n{quoted(example)[0]}\n", f"# Guide\n\n{quoted(instead)[0]}\n")
    else:
        text, better = LT_INPUTS[code]
    found = run_lt(lt_url, code, text)
    documented = line.split(": ", 1)[0]
    pattern = shape(line, code)
    assert [f for f in found if f"{f.span.path}:{f.span.line}:{f.span.column}" == documented
            and pattern.fullmatch(f.message)], (pattern.pattern, [f.message for f in found])
    assert run_lt(lt_url, code, better) == []


RESTATED_A = ("Our nightly backup job copies every production database to offsite storage, and "
              "each copy is retained for thirty days before it is deleted.")
RESTATED_B = ("Every night a backup of each production database is written to offsite storage, "
              "where the copies are kept for thirty days and then removed.")


def test_sem101_example_and_instead():
    """SEM101's Example is a finding line: two pages making one claim in other words give it;
    its Instead (make the claim once and link to it) gives none. Needs the semantic extra."""
    if not os.environ.get("CI"):
        pytest.importorskip("wordllama")
    rule = BUILTIN["SEM101"]
    example = section(rule, "Example")
    assert re.search(r"SEM101 restates \S+ \(similarity 0\.\d\d\)", example)
    found = of("SEM101", run_corpus_rule(rule, {"a.md": f"# Backups\n\n{RESTATED_A}\n",
                                                "b.md": f"# Storage\n\n{RESTATED_B}\n"}))
    assert found and all(re.match(r"restates \S+ \(similarity 0\.\d\d\)", f.message) for f in found)
    linked = {"a.md": f"# Backups\n\n{RESTATED_A}\n",
              "b.md": "# Storage\n\nHow long backups are kept is said [on the backups page](a.md).\n"}
    assert of("SEM101", run_corpus_rule(rule, linked)) == []
