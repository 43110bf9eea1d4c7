"""Rules declared as data: [[rule]] tables in the configuration, and Vale style folders."""

from __future__ import annotations

import pickle

import pytest

from helpers import textsieve, write
from textsieve.declared import DeclarationError, build_rule, normalise, read_vale_style
from textsieve.testing import make_document

EXISTENCE = '''
[[rule]]
code = "STY001"
name = "avoid-jargon"
extends = "existence"
message = "Avoid '%s'."
ignorecase = true
tokens = ["leverage", "utilize"]
'''

SUBSTITUTION = '''
[[rule]]
code = "STY002"
extends = "substitution"
message = "Use '%s' instead of '%s'."
swap = { "in order to" = "to", "utilise" = "use", "whilst" = "while|although" }
'''

PAGE = ("# Leverage the platform\n\nWe utilize the `leverage` flag; see https://example.org/utilize.\n"
        "Utilise it in order to win, whilst you can.\n\n```\nleverage utilise in order to\n```\n")


def lines(result) -> list[str]:
    return [line for line in result.out.splitlines() if line.startswith("docs/")]


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "textsieve.toml", "select = [\"STY\"]\n" + EXISTENCE + SUBSTITUTION)
    write(tmp_path / "docs" / "page.md", PAGE)
    return tmp_path


def test_existence_and_substitution_find_prose_only(project):
    result = textsieve("check", "--no-cache", "docs", cwd=project)
    assert result.code == 1, result.err
    assert lines(result) == [
        "docs/page.md:1:3: STY001 Avoid 'Leverage'.",
        "docs/page.md:3:4: STY001 Avoid 'utilize'.",
        "docs/page.md:4:12: STY002 Use 'to' instead of 'in order to'.",
        "docs/page.md:4:29: STY002 Use 'while|although' instead of 'whilst'.",
    ]  # not the inline code, the URL or the code block; 'Utilise' is not 'utilise' (case kept)


def test_a_substitution_fix_is_unsafe_unless_declared_safe(project):
    assert textsieve("check", "--no-cache", "--fix", "docs", cwd=project).code == 1
    assert (project / "docs" / "page.md").read_text(encoding="utf-8") == PAGE
    textsieve("check", "--no-cache", "--fix", "--unsafe-fixes", "docs", cwd=project)
    fixed = (project / "docs" / "page.md").read_text(encoding="utf-8")
    # One preferred form is a fix; several ("while|although") are for the writer to choose.
    assert fixed == PAGE.replace("it in order to win", "it to win")
    write(project / "textsieve.toml", EXISTENCE + SUBSTITUTION.replace(
        'extends = "substitution"', 'extends = "substitution"\nsafe-fix = true\nignorecase = true'))
    write(project / "docs" / "page.md", "Utilise it in order to win.\n")
    result = textsieve("check", "--no-cache", "--select", "STY002", "--fix", "docs", cwd=project)
    assert result.code == 0, result.out + result.err
    assert (project / "docs" / "page.md").read_text(encoding="utf-8") == "Use it to win.\n"  # capital kept


def test_scope(project):
    write(project / "textsieve.toml", EXISTENCE.replace('tokens =', 'scope = "heading"\ntokens ='))
    write(project / "docs" / "page.md", "# Utilize this\n\n## Leverage it\n\nWe utilize it.\n")
    result = textsieve("check", "--no-cache", "--select", "STY", "docs", cwd=project)
    assert lines(result) == ["docs/page.md:1:3: STY001 Avoid 'Utilize'.", "docs/page.md:3:4: STY001 Avoid 'Leverage'."]
    write(project / "textsieve.toml", EXISTENCE.replace('tokens =', 'scope = "heading.h2"\ntokens ='))
    result = textsieve("check", "--no-cache", "--select", "STY", "docs", cwd=project)
    assert lines(result) == ["docs/page.md:3:4: STY001 Avoid 'Leverage'."]


def test_exceptions(project):
    write(project / "textsieve.toml", EXISTENCE.replace('tokens =', 'exceptions = ["Utilize"]\ntokens ='))
    write(project / "docs" / "page.md", "We utilize and leverage it.\n")
    result = textsieve("check", "--no-cache", "--select", "STY", "docs", cwd=project)
    assert lines(result) == ["docs/page.md:1:16: STY001 Avoid 'leverage'."]


def test_declared_rules_are_listed_and_explained(project):
    listed = textsieve("rules", cwd=project)
    assert any(line.startswith("STY001   avoid-jargon") for line in listed.out.splitlines()), listed.out
    explained = textsieve("explain", "STY002", cwd=project)
    assert explained.code == 0
    assert "`in order to` → `to`" in explained.out and "Declared in the configuration." in explained.out


@pytest.mark.parametrize("table, says", [
    ('[[rule]]\ncode = "STY001"\nextends = "conditional"\nmessage = "x"\n',
     "got 'conditional' (Vale's other check types are not read yet)"),
    ('[[rule]]\ncode = "STY001"\nextends = "occurrence"\nmessage = "x"\ntoken = "a"\n',
     "an occurrence rule needs 'max' or 'min' above 0"),
    ('[[rule]]\ncode = "STY001"\nextends = "occurrence"\nmessage = "x"\ntoken = "a"\nmax = -1\n',
     "'max' must be a whole number, 0 or more"),
    ('[[rule]]\ncode = "STY001"\nextends = "repetition"\nmessage = "x"\n', "a repetition rule needs 'tokens'"),
    ('[[rule]]\ncode = "STY001"\nextends = "consistency"\nmessage = "x"\neither = ["a", "b"]\n',
     "a consistency rule needs 'either'"),
    ('[[rule]]\ncode = "STY001"\nextends = "capitalization"\nmessage = "x"\nmatch = "$title"\n',
     "match $title is not read yet"),
    ('[[rule]]\ncode = "STY001"\nextends = "capitalization"\nmessage = "x"\nmatch = "$sentence"\nthreshold = 2\n',
     "'threshold' must be a number above 0, at most 1"),
    ('[[rule]]\ncode = "STY001"\nextends = "existence"\nmessage = "x"\ntokens = ["(unclosed"]\n',
     "token '(unclosed' is not a regular expression Python reads"),
    ('[[rule]]\ncode = "DUP900"\nextends = "existence"\nmessage = "x"\ntokens = ["a"]\n',
     "rule DUP900: the prefix DUP belongs to registered rules"),
    ('[[rule]]\ncode = "STY001"\nextends = "existence"\nmessage = "x"\ntokens = ["a"]\ncolour = 1\n',
     "unknown key 'colour'"),
    ('[[rule]]\ncode = "STY1"\nextends = "existence"\nmessage = "x"\ntokens = ["a"]\n',
     "'code' must be 2-5 capitals and 3 digits"),
    ('[[rule]]\ncode = "STY001"\nextends = "substitution"\nmessage = "x"\n', "a substitution rule needs 'swap'"),
    ('[[rule]]\ncode = "STY001"\nextends = "existence"\nmessage = "x"\ntokens = ["a"]\nscope = "raw"\n',
     "scope 'raw' is not one textsieve reads"),
    ('[[rule]]\ncode = "STY001"\nextends = "existence"\nmessage = "x"\ntokens = ["a"]\n' * 2,
     "rule STY001 is declared twice"),
])
def test_a_bad_declaration_is_a_clear_error(tmp_path, table, says):
    write(tmp_path / "textsieve.toml", table)
    write(tmp_path / "docs" / "page.md", "A page.\n")
    result = textsieve("check", "--no-cache", "docs", cwd=tmp_path)
    assert result.code == 2
    assert "Traceback" not in result.err
    assert says in result.err, result.err
    assert result.err.startswith("textsieve: error: ")


VALE_PASSIVE = r"""extends: existence
message: "'%s' may be passive voice."
ignorecase: true
level: suggestion
raw:
  - \b(am|are|were|being|is|been|was|be)\b\s*
tokens:
  - '[\w]+ed'
  - written
"""
VALE_SWAP = """extends: substitution
message: "Use '%s' instead of '%s'."
level: error
swap:
  utilize: use
"""
VALE_REPEAT = """extends: repetition
message: "'%s' is repeated!"
alpha: true
tokens: ['[^\\s]+']
"""
VALE_CONDITIONAL = """extends: conditional
message: "'%s' has no definition."
first: '\\b([A-Z]{3,5})\\b'
second: '(?:\\b[A-Z][a-z]+ )+\\(([A-Z]{3,5})\\)'
"""


def test_a_vale_style_folder_runs(tmp_path):
    style = tmp_path / "styles" / "house-style"
    write(style / "Acronyms.yml", VALE_CONDITIONAL)
    write(style / "Passive.yml", VALE_PASSIVE)
    write(style / "Repeated.yml", VALE_REPEAT)
    write(style / "Utilize.yml", VALE_SWAP)
    write(tmp_path / "pyproject.toml", '[tool.textsieve]\nvale-styles = { HS = "styles/house-style" }\n')
    write(tmp_path / "docs" / "page.md", "The page was\nwritten by us. It is is good.\n\nWe utilize `was written`.\n")
    result = textsieve("check", "--no-cache", "--select", "HS", "docs", cwd=tmp_path)
    assert lines(result) == [
        "docs/page.md:1:10: HS002 'was written' may be passive voice.",
        "docs/page.md:2:19: HS003 'is' is repeated!",
        "docs/page.md:4:4: HS004 Use 'use' instead of 'utilize'.",
    ]
    assert "house-style/Acronyms.yml: rule HS001: 'extends' must be one of existence, substitution, " \
           "occurrence, repetition, consistency, capitalization, got 'conditional'" in result.err
    assert "HS001 left out" in result.err
    listed = textsieve("rules", cwd=tmp_path).out
    assert "HS002    house-style-passive" in listed and "HS004    house-style-utilize" in listed
    assert "error" in next(line for line in listed.splitlines() if line.startswith("HS004"))


def test_vale_style_reading_names_what_it_leaves_out(tmp_path):
    write(tmp_path / "Bad.yml", "extends: existence\nmessage: x\ntokens: ['(?<=a)b', '[']\n")
    write(tmp_path / "NotAMap.yml", "- a list\n")
    specs, skipped = read_vale_style(str(tmp_path), "HS", "here:")
    assert specs == []
    assert len(skipped) == 2 and "HS001 left out" in skipped[0] and "HS002 left out" in skipped[1]
    with pytest.raises(DeclarationError, match="not found"):
        read_vale_style(str(tmp_path / "missing"), "HS", "here:")


def test_a_declared_rule_pickles_as_its_declaration():
    spec = normalise({"code": "STY001", "extends": "existence", "message": "Avoid '%s'.",
                      "tokens": ["leverage"]}, "here:")
    rule = build_rule(spec)()
    again = pickle.loads(pickle.dumps(rule))
    assert type(again).code == "STY001" and again.settings == rule.settings
    document = make_document("We leverage it.\n", "page.md")
    assert [f.message for f in again.check(document)] == ["Avoid 'leverage'."]


def test_a_changed_declaration_is_not_answered_from_the_cache(project):
    first = textsieve("check", "--select", "STY001", "docs", cwd=project)
    assert len(lines(first)) == 2
    write(project / "textsieve.toml", EXISTENCE.replace('"leverage", ', ""))
    second = textsieve("check", "--select", "STY001", "docs", cwd=project)
    assert lines(second) == ["docs/page.md:3:4: STY001 Avoid 'utilize'."]


def test_the_language_server_runs_declared_rules(project):
    from textsieve.lsp import Engine

    engine = Engine(str(project))
    assert engine.error == ""
    found, errors = engine.lint("docs/page.md", "We leverage it.\n")
    assert errors == []
    assert [(f.code, f.message) for f in found] == [("STY001", "Avoid 'leverage'.")]


# -- Vale's counting and comparing check types ----------------------------------
def run_declared(spec: dict, text: str, path: str = "page.md") -> list[tuple[int, int, str, str]]:
    """(line, column, matched text, message) of each finding of the declared rule."""
    rule = build_rule(normalise({"code": "STY001", "message": "'%s'", **spec}, "here:"))()
    document = make_document(text, path)
    found = []
    for finding in rule.check(document):
        span = finding.span
        found.append((span.line, span.column, document.text[span.start:span.end], finding.message))
    return found


SENTENCE_LENGTH = {"extends": "occurrence", "scope": "sentence", "max": 5, "token": r"\b(\w+)\b",
                   "message": "Keep sentences short (%s words)."}


def test_occurrence_counts_in_each_sentence():
    text = "One two three four five six seven. Short one here.\n\nA `very long code span` is code.\n"
    assert run_declared(SENTENCE_LENGTH, text) == [(1, 1, "One", "Keep sentences short (7 words).")]


def test_occurrence_min_reports_a_block_without_the_token():
    spec = {"extends": "occurrence", "scope": "paragraph", "min": 1, "token": r"\bwe\b", "ignorecase": True}
    text = "# We\n\nWe ship it.\n\n  Nothing here at all.\n"
    assert run_declared(spec, text) == [(5, 3, "Nothing here at all.", "'0'")]


REPEATED = {"extends": "repetition", "alpha": True, "tokens": [r"[^\s]+"], "message": "'%s' is repeated!"}


def test_repetition_finds_a_word_twice_in_a_row_within_one_sentence():
    text = "the the book store is over there.\n\n// //\n\nthe `the` the\n\nI said that. That is it.\n"
    assert run_declared(REPEATED, text) == [(1, 1, "the the", "'the' is repeated!")]


def test_repetition_respects_max_and_exceptions():
    text = "It is very very very good, and so so fine.\n"
    assert run_declared({**REPEATED, "max": 1}, text) == [(1, 12, "very very", "'very' is repeated!")]
    assert run_declared({**REPEATED, "exceptions": ["so"]}, text) == [  # as Vale: each pair
        (1, 7, "very very", "'very' is repeated!"), (1, 12, "very very", "'very' is repeated!")]


SPELLING = {"extends": "consistency", "ignorecase": True, "message": "Inconsistent spelling of '%s'.",
            "either": {"colour": "color", "centre": "center"}}


def test_consistency_reports_the_spelling_used_second():
    text = ("Painting colour on color. The centre of the arts is the art center.\n\n"
            "More Color, and `color` in code.\n")
    assert run_declared(SPELLING, text) == [
        (1, 20, "color", "Inconsistent spelling of 'color'."),
        (1, 61, "center", "Inconsistent spelling of 'center'."),
        (3, 6, "Color", "Inconsistent spelling of 'Color'."),
    ]
    assert run_declared(SPELLING, "Only colour, and colour again.\n") == []


HEADINGS = {"extends": "capitalization", "scope": "heading", "match": "$sentence", "indicators": [":"],
            "exceptions": ["Docker", "macOS"], "message": "'%s' should use sentence-style capitalization."}


@pytest.mark.parametrize("heading, flagged", [
    ("Installing Docker on macOS", False),
    ("Installing the Command Line Tools", True),
    ("installing the tools", True),
    ("Step 2: Configure the daemon", False),
    ("Using `npm` offline", False),
    ("Using the `Config` Struct Everywhere Today", True),
    ("An API for JSON", False),
])
def test_capitalization_sentence_case_in_headings(heading, flagged):
    found = run_declared(HEADINGS, f"# {heading}\n\nThe Body Text Is Not A Heading.\n")
    assert found == ([(1, 3, heading, f"'{heading}' should use sentence-style capitalization.")] if flagged else [])


def test_capitalization_lower_upper_and_patterns():
    spec = {"extends": "capitalization", "scope": "heading", "match": "$upper"}
    assert [f[2] for f in run_declared(spec, "# NOTES\n\n## Notes\n")] == ["Notes"]
    spec = {"extends": "capitalization", "scope": "heading", "match": "^[A-Z]"}
    assert [f[2] for f in run_declared(spec, "# Notes\n\n## notes\n")] == ["notes"]


def test_a_vale_style_of_every_read_type_runs_from_its_folder(tmp_path):
    style = tmp_path / "styles" / "House"
    write(style / "Headings.yml", "extends: capitalization\nmessage: \"'%s' should use sentence-style "
          "capitalization.\"\nscope: heading\nmatch: $sentence\n")
    write(style / "SentenceLength.yml", "extends: occurrence\nmessage: Too long.\nscope: sentence\n"
          "max: 4\ntoken: \\b(\\w+)\\b\n")
    write(style / "Spelling.yml", "extends: consistency\nmessage: \"Inconsistent spelling of '%s'.\"\n"
          "either:\n  colour: color\n")
    write(tmp_path / "pyproject.toml", '[tool.textsieve]\nvale-styles = { HS = "styles/House" }\n')
    write(tmp_path / "docs" / "page.md", "# Getting Started Here\n\nThe colour is set. The color is one of many here.\n")
    result = textsieve("check", "--no-cache", "--select", "HS", "docs", cwd=tmp_path)
    assert lines(result) == [
        "docs/page.md:1:3: HS001 'Getting Started Here' should use sentence-style capitalization.",
        "docs/page.md:3:20: HS002 Too long.",
        "docs/page.md:3:24: HS003 Inconsistent spelling of 'color'.",
    ], result.err
