"""The VAG rules: vague claims. Every rule has failing and passing examples; the
positions asserted are exact (1-based line and column, exclusive end column, in
characters)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from textsieve.rule import OptionError
from textsieve.rules import vague
from textsieve.rules.vague import (EmptyExample, FillerPhrase, Puffery, UnsupportedAttribution, WeaselWord,
                                   VagueQuantifier, compile_list, effective_list, shipped)
from textsieve.testing import make_document, run_rule

CHECKOUT = Path(__file__).resolve().parents[1]


def where(findings):
    """(line, column, end_line, end_column, text) of each finding."""
    return [(f.span.line, f.span.column, f.span.end_line, f.span.end_column, f.text)
            for f in findings]


def texts(findings):
    return [f.text for f in findings]


# -- the list syntax and the options -----------------------------------------

def test_entry_syntax_groups_optional_wildcard_hyphen_apostrophe():
    matcher = compile_list(("(studies|research) [have|has] (shown|found)", "world-class",
                            "in today's * world", "^one such *", "navigat(e|ing) the complexities of"))
    def found(text):
        return [m.group("m") for m in matcher.finditer(text)]
    assert found("Research has shown it.") == ["Research has shown"]
    assert found("studies found it") == ["studies found"]
    assert found("a world class team, a world-class team") == ["world class", "world-class"]
    assert found("in today’s fast world") == ["in today’s fast world"]
    assert found("One such initiative works.") == ["One such initiative"]
    assert found("It is one such initiative.") == []  # anchored at the sentence start
    assert found("navigating the complexities of law") == ["navigating the complexities of"]
    assert found("a worldwide class") == []


def test_entry_syntax_errors_are_option_errors():
    with pytest.raises(OptionError):
        compile_list(("(unbalanced",))
    with pytest.raises(OptionError):
        Puffery({"extend-puffery": ["[oops"]})


def test_every_list_ships_a_data_file_without_bad_entries():
    for name in vague._LIST_HELP:
        entries = shipped(name)
        assert entries, name
        compile_list(entries)


def test_config_extends_removes_and_replaces_a_list():
    text = "A pivotal, synergistic plan.\n"
    assert texts(run_rule(Puffery, text)) == ["pivotal"]
    assert texts(run_rule(Puffery, text, extend_puffery=["synergistic"])) == ["pivotal", "synergistic"]
    assert texts(run_rule(Puffery, text, remove_puffery=["Pivotal"])) == []
    assert texts(run_rule(Puffery, text, puffery=["plan"])) == ["plan"]
    settings = {"puffery": None, "extend-puffery": ["x"], "remove-puffery": ["pivotal"]}
    merged = effective_list(settings, "puffery")
    assert "pivotal" not in merged and merged[-1] == "x"


def test_option_types_are_checked():
    with pytest.raises(OptionError):
        Puffery({"extend-puffery": "pivotal"})


# -- VAG101 unsupported attribution -------------------------------------------

def test_attribution_without_source_is_flagged_at_the_phrase():
    text = "# Work\n\nStudies show that remote teams are more productive.\n"
    assert where(run_rule(UnsupportedAttribution, text)) == [(3, 1, 3, 13, "Studies show")]
    found = run_rule(UnsupportedAttribution, "It is widely believed that the river is old.\n")
    assert where(found) == [(1, 1, 1, 22, "It is widely believed")]
    assert "'It is widely believed'" in found[0].message and "cite the source" in found[0].message


def test_numbers_are_not_a_source_and_a_topic_before_a_passive_is_not_either():
    assert texts(run_rule(UnsupportedAttribution,
                          "Research shows that 60% of firms that lose data close.\n")) == ["Research shows"]
    assert texts(run_rule(UnsupportedAttribution,
                          "Marchetti is widely regarded as the finest composer.\n")) == [
        "is widely regarded as"]


@pytest.mark.parametrize("text", [
    "Harvard researchers say the effect is small.\n",
    "A 2021 World Bank review of 45 studies found gains.\n",
    "Studies show, according to the WHO, that sleep matters.\n",
    "Studies show that sleep matters [3].\n",
    "Studies show that sleep matters (Walker 2017).\n",
    "[Studies show](https://example.org/sleep) that sleep matters.\n",
    'Experts agree: "the vote was a referendum on the tram".\n',
    'Avoid phrases like "studies show" in reports.\n',
    "Use `studies show` as the pattern.\n",
    "Our research has shown that caching helps.\n",
    "Do studies show that?\n",
    "Some say tabs, some say spaces; the formatter accepts both.\n",
    "Members should have some say in the decision.\n",
    "This column gives some feel for how compression varies.\n",
    "It is assumed that sys.path is a sequence.\n",
])
def test_attribution_with_a_source_or_not_a_claim_passes(text):
    assert run_rule(UnsupportedAttribution, text) == []


@pytest.mark.parametrize("text, flagged", [
    # Proposals reported for discussion, as design documents (PEPs) weigh them.
    ("It has been suggested that the entire stdlib be placed within its own package.\n", False),
    ("It has been suggested that ControlFlowException should inherit from Exception.\n", False),
    ("Some have suggested adding a new builtin instead of extending the syntax.\n", False),
    ("Some have argued for mixed use of bytes and string values.\n", False),
    # Claims, with the same verbs.
    ("It has been suggested that the V in the acronym stands for Vague.\n", True),
    ("It has been suggested that compatibility can be improved if the flag is set.\n", True),
    ("Some have suggested that he was murdered.\n", True),
    ("Many have argued that the current behavior is counterintuitive.\n", True),
    ("Studies suggest increasing doses help.\n", True),
])
def test_a_proposal_reported_is_no_attributed_claim(text, flagged):
    assert bool(run_rule(UnsupportedAttribution, text)) is flagged


# -- VAG102 an example that names nothing -------------------------------------

SEED_LIKE = """# Defense Diplomacy: A Pillar of Islamic Nations' International Cooperation

Islamic nations commonly undertake joint military exercises. A significant example of this can be seen in military exercises between the armed forces of multiple Islamic nations and their international counterparts.

Cross-border collaborations matter. Cases in point are the collaborations between various Islamic countries and their neighbors for shared border security.
"""


def test_seed_examples_that_name_nothing_are_flagged_on_the_announcement():
    found = run_rule(EmptyExample, SEED_LIKE, "essay.txt")
    assert where(found) == [(3, 62, 3, 86, "A significant example of"),
                            (5, 37, 5, 51, "Cases in point")]
    assert found[0].message.startswith("'A significant example of' announces an example")


def test_the_title_subject_and_its_recurring_extension_name_nothing():
    text = ("# Strategic Alliances of the Islamic Nation\n\n"
            "Nations of the Islamic Ummah cooperate. The Islamic Ummah is large. "
            "Members of the Islamic Ummah meet often.\n\n"
            "For instance, the alliance between nations within the Islamic Ummah and other "
            "supportive countries has played a critical role.\n")
    assert where(run_rule(EmptyExample, text, "a.txt")) == [(5, 1, 5, 13, "For instance")]


@pytest.mark.parametrize("text", [
    # A name, a number, a quotation, code, a link.
    "A significant example is the 2019 exercise near Amman.\n",
    "Global examples include NATO and the ANZUS Treaty between Australia and the United States.\n",
    'A notable example is the exercise its planners called "Desert Shield".\n',
    "A good example is the `exclude` option.\n",
    "A good example is [this report](https://example.org/r).\n",
    # For example, addressed to the reader, a condition, concrete, parenthetical.
    "For example, you can pass many teams to the command.\n",
    "For example, if many countries join, the table grows.\n",
    "For example, the file system sandboxing can be escaped with various techniques.\n",
    "Thresholds are set in order (for example, countries before regions).\n",
    # The example follows: a colon, "the following", a code block, the next sentence.
    "Here is an example of the configuration:\n",
    "An example of a configuration is shown below.\n",
    "One example is the following.\n\n```\nx = 1\n```\n",
    "A case in point is the festival's commitment to local talent. This year 22 of 40 acts were local.\n",
    # A caption, not a claim.
    "An example of a python package from existing code.\n",
    # A product the manual keeps naming is a name, not the subject.
    "# ctest_submit\n\nCDash stores results. CDash shows them. CDash sends mail.\n\n"
    "For example, CDash can be configured to accept submissions from clients only.\n",
])
def test_examples_that_name_something_pass(text):
    assert run_rule(EmptyExample, text) == []


def test_for_example_needs_a_vagueness_cue():
    flagged = "For example, several companies have adopted it for critical systems.\n"
    assert where(run_rule(EmptyExample, flagged)) == [(1, 1, 1, 12, "For example")]
    assert run_rule(EmptyExample, "For example, the parser may reject a table.\n") == []


def test_headings_are_not_claims():
    assert run_rule(EmptyExample, "# Examples of cooperation in many countries\n\nText.\n") == []


@pytest.mark.parametrize("text", [
    # A hypothetical that names a concrete thing: "could" alone is no vagueness.
    "Parts that run at once are called threads. For\nexample, a web server could keep "
    "several threads so that it answers more than one request at a time.\n",
    "For example, the cache file could be missing, or we could lack permission to read it.\n",
    # No example is announced: a comparison and a relative clause.
    "Strings here are more complex than is apparent in other languages.\n",
    "Some types are harder than plain numbers, which is evident in the output type rules.\n",
    # An illustration of a kind of thing, or of a situation, or one spelled out after a colon.
    "A counter only goes up. An example could be a queue length, which rises and falls.\n",
    "A gauge reads a current value. An example would\nbe the fuel gauge in a car.\n",
    "An example of a business metric can be visitors landing on one page.\n",
    "One example is when an object is used after it was freed.\n",
    "Another example is the probe for one function only: if expf is found, all are assumed.\n",
    "A typical example is text shown inside a page's design elements.\n",
    # Imagining or advising, not claiming.
    "For instance, we might take a group of people and record their heights.\n",
    "For example, teams can start with the languages that have automatic instrumentation.\n",
])
def test_illustrations_in_documentation_are_not_empty_examples(text):
    assert run_rule(EmptyExample, text) == []


@pytest.mark.parametrize("text, phrase", [
    # The rule's own documented example: "Islamic" before "nations" names no nation.
    ("A significant example of this can be seen in military exercises between the armed "
     "forces of multiple Islamic nations and their international counterparts.\n",
     "A significant example of"),
    ("For instance, several Latin American countries have set ambitious targets.\n", "For instance"),
    # Hypothetical, but about collectives that name no one.
    ("One notable example of this could be with allied nations, marked by joint drills.\n",
     "One notable example of"),
    ("For example, a coastal nation's pact with a foreign power could involve joint research.\n",
     "For example"),
])
def test_examples_about_unnamed_collectives_are_still_empty(text, phrase):
    assert texts(run_rule(EmptyExample, text)) == [phrase]


# -- VAG103 puffery -----------------------------------------------------------

def test_puffery_is_flagged_at_the_word():
    text = "Military cooperation plays a pivotal role.\nIt stands as a testament to their work.\n"
    found = run_rule(Puffery, text)
    assert where(found) == [(1, 30, 1, 37, "pivotal"), (2, 4, 2, 28, "stands as a testament to")]
    assert found[0].message.startswith("'pivotal' is puffery")


def test_puffery_columns_count_characters_after_multibyte_text():
    text = "Le café naïf — 日本語 — is world-class.\n"
    assert where(run_rule(Puffery, text)) == [(1, 25, 1, 36, "world-class")]


def test_puffery_positions_in_lists_tables_and_blockquotes():
    text = ("- an item with a pivotal role\n"
            "\n"
            "| name | note |\n"
            "|------|------|\n"
            "| Orbit | world-class |\n"
            "\n"
            "> Their commendable effort.\n")
    assert where(run_rule(Puffery, text)) == [(1, 18, 1, 25, "pivotal"),
                                              (5, 11, 5, 22, "world-class"),
                                              (7, 9, 7, 20, "commendable")]


@pytest.mark.parametrize("text", [
    "Paramount Pictures and Pivotal Tracker are customers.\n",
    "She worked for Pivotal Software until 2019.\n",
    '"This is a pivotal moment for our city," Ruiz said.\n',
    "Choose the pivotal element with the largest absolute value.\n",
    "Functions are first-class objects.\n",
    "Make videos seamlessly loopable; use a seamless texture.\n",
    "This allows sub-types to be handled seamlessly in many routines.\n",  # transparently
    "Lumio describes its process as groundbreaking.\n",
    "Use `pivotal` as the variable name.\n",
    "# A Pivotal Moment in History\n",
])
def test_names_quotes_technical_senses_and_reported_words_pass(text):
    assert run_rule(Puffery, text) == []


@pytest.mark.parametrize("text", [
    # Negated: no praise.
    "The new layout rules may not be seamless for every theme.\n",
    "You don't need to be an industry-leading expert to give a talk.\n",
    "Moving the data is far from seamless.\n",
    # Importance as a priority, or as admonition levels describe it.
    "Notices range from a helpful `tip` to matters of paramount `danger`.\n",
    "Reliability and stability are paramount in these environments.\n",
    "This is a statement of paramount importance.\n",
    # New and unstable, not praised.
    "Use nightly on a project because you need a cutting-edge feature.\n",
    "The build may fail on a cutting-edge release of the distribution.\n",
    # A level of a structure.
    "Going to the next level of nesting, the index selects a row.\n",
])
def test_puffery_only_in_the_sense_of_praise(text):
    assert run_rule(Puffery, text) == []


@pytest.mark.parametrize("text, phrase", [
    ("Stay ahead with our cutting-edge features.\n", "cutting-edge"),
    ("It offers not only a seamless experience but speed.\n", "seamless experience"),
    ("Her role in the revival is of paramount importance to the genre.\n", "of paramount importance"),
])
def test_praise_is_still_puffery(text, phrase):
    assert texts(run_rule(Puffery, text)) == [phrase]


def test_sentence_case_headings_are_checked():
    assert where(run_rule(Puffery, "# A pivotal moment\n")) == [(1, 5, 1, 12, "pivotal")]


# -- VAG104 vague quantifiers and hedges --------------------------------------

def test_vague_quantifiers_and_hedges_are_off_by_default_and_info():
    assert VagueQuantifier.default_enabled is False and VagueQuantifier.severity == "info"
    text = "The company has received numerous awards.\nIts music has arguably been neglected.\n"
    found = run_rule(VagueQuantifier, text)
    assert where(found) == [(1, 26, 1, 34, "numerous"), (2, 15, 2, 23, "arguably")]
    assert "say how many" in found[0].message and "hedges" in found[1].message


@pytest.mark.parametrize("text", [
    "Several species, including the trout and the grayling, live here.\n",
    "It uses various implementations (select, poll, epoll).\n",
    "Several instance attributes control wrapping: width and indent.\n",
    "Radiobutton widget which shows only one of several buttons.\n",
    "The scheduler takes three factors into account, and several more.\n",
    "Specify the end of a range of test numbers.\n",
])
def test_counted_or_listed_quantities_pass(text):
    assert run_rule(VagueQuantifier, text) == []


# -- VAG105 filler ------------------------------------------------------------

def test_filler_is_flagged_and_anchored_openers_only_open():
    text = ("In conclusion, the plan works.\n\n"
            "The library plays a vital role in the town.\n\n"
            "We said nothing in conclusion, then left.\n")
    found = run_rule(FillerPhrase, text)
    assert where(found) == [(1, 1, 1, 15, "In conclusion,"), (3, 13, 3, 34, "plays a vital role in")]
    assert "say what it does" in found[1].message
    assert FillerPhrase.default_enabled is False


def test_filler_inside_a_quotation_passes():
    assert run_rule(FillerPhrase, 'He wrote "In conclusion, it works" twice.\n') == []


# -- VAG106: words to watch ----------------------------------------------------

def weasels(text: str) -> list[str]:
    return [f.text for f in run_rule(WeaselWord, text + "\n", "doc.txt")]


@pytest.mark.parametrize("text, words", [
    # Wikipedia sentences that editors marked as weasel-worded (CoNLL-2010 training data).
    ("Some describe it as engaging, while others denounce it as not conforming to the typical style.",
     ["Some"]),
    ("Strait is sometimes referred to as the King of Country and some critics call Strait a living legend.",
     ["some critics"]),
    ("In 1309, he accused Thamar of adultery, probably on a falsified charge.", ["probably"]),
    ("Probably the most famous musical setting of the Passion narrative is Part II of Messiah.",
     ["Probably", "famous"]),
    ("The monastery is considered one of the oldest in the region.", ["is considered"]),
    ("It is unclear whether the bridge was ever finished.", ["It is unclear"]),
    ("The painting was allegedly sold to a private collector.", ["allegedly"]),
    ("The tower may have been built by the Normans.", ["may have been"]),
])
def test_words_to_watch_are_flagged_at_the_words(text, words):
    assert weasels(text) == words


@pytest.mark.parametrize("text", [
    "According to the Oxford Dictionary of Saints, the monastery was probably founded in 650.",
    "Harvard historians argued that the treaty failed.",
    "Hugh Clark denied this version of events and claimed that the students had left.",
    "The monastery is probably the oldest in the region [3].",
    "The bridge was probably finished in 1200 (Smith 2004).",
    "This probably means your configuration is wrong.",  # advice to the reader
    "We probably need a second pass here.",  # the author's own uncertainty
    'The review called it "probably the best album of the year".',  # a quotation
    "Eugeniusz Lokajski took some 1,000 photographs.",  # an approximate count
    "He stayed there for many months each year.",  # a span of time
    "Afterward as many as possible were embarked in vessels.",
    "Is it probably the oldest?",  # a question claims nothing
    "It is possible to use multiple cogs in parallel.",  # a capability, not a hedge
    "Studies show that the bridge is older.",  # VAG101's, not reported twice
    "The `read_to_string` method might fail on some files.",  # about code
])
def test_sourced_advice_quoted_and_counted_pass(text):
    assert weasels(text) == []


def test_weasel_words_are_off_by_default_info_and_select_vag_is_the_thorough_profile():
    assert WeaselWord.default_enabled is False and WeaselWord.severity == "info"
    from textsieve.config import selected_codes
    from textsieve.rule import load_rules

    registry = load_rules()
    assert [c for c in selected_codes(registry, None, [], []) if c.startswith("VAG")] == [
        "VAG101", "VAG102", "VAG103"]
    assert [c for c in selected_codes(registry, ["VAG"], [], []) if c.startswith("VAG")] == [
        "VAG101", "VAG102", "VAG103", "VAG104", "VAG105", "VAG106"]


def test_weasel_lists_are_options_of_the_family():
    assert weasels("The castle is older than scholars thought.") == ["scholars"]
    found = run_rule(WeaselWord, "The castle is older than scholars thought.\n", "doc.txt",
                     **{"remove-weasel-people": ["scholars"]})
    assert found == []
    found = run_rule(WeaselWord, "The castle is reputedly haunted.\n", "doc.txt",
                     **{"extend-weasel-hedges": ["reputedly"]})
    assert [f.text for f in found] == ["reputedly"]


# -- the family as a whole ----------------------------------------------------

def test_codes_are_unique_and_the_speculative_rules_off():
    # The five sections of every rule's documentation: test_cli.py's
    # test_every_registered_rule_is_documented.
    codes = [rule.code for rule in vague.RULES]
    assert codes == ["VAG101", "VAG102", "VAG103", "VAG104", "VAG105", "VAG106"]
    assert [r.default_enabled for r in vague.RULES] == [True, True, True, False, False, False]


def test_importing_the_rules_imports_no_heavy_library():
    code = ("import sys, textsieve.rules.vague\n"
            "heavy = {'ftfy', 'datasketch', 'scipy', 'textstat', 'language_tool_python', 'numpy'}\n"
            "print(sorted(heavy & set(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


ESSAY = """Regional Water Cooperation among Coastal States

Coastal states share rivers, aquifers and shorelines, and cooperation between them plays a pivotal role in their security. Treaties matter, but trust is irreplaceable.

Joint monitoring is a common form of cooperation. One notable example of this could be with neighbouring nations, marked by shared sensors and regular exchanges of data.

Training counts as well. For example, a coastal state's partnership with a technologically advanced foreign power could involve research into desalination.

Their efforts are commendable. The benefits are undeniable, and the work is of paramount importance for the region.

Cases in point are the joint projects between various coastal countries and their international partners.

In 2018, Oman and Jordan signed a water-sharing accord in Amman, and 14 engineers from each side trained together.
"""


def test_essay_findings_are_exactly_the_reviewed_ones():
    found = []
    for rule in (UnsupportedAttribution, EmptyExample, Puffery):
        for f in rule().check(make_document(ESSAY, "essay.txt")):
            found.append(f"{f.span.line}:{f.span.column} {f.code} {f.text}")
    assert sorted(found) == sorted([
        "3:92 VAG103 pivotal",
        "3:154 VAG103 irreplaceable",
        "5:51 VAG102 One notable example of",
        "7:26 VAG102 For example",
        "9:19 VAG103 commendable",
        "9:49 VAG103 undeniable",
        "9:77 VAG103 of paramount importance",
        "11:1 VAG102 Cases in point",
    ])


def test_config_table_reaches_the_rules_and_bad_entries_are_config_errors(tmp_path):
    (tmp_path / "a.md").write_text("A pivotal, synergistic plan.\n", encoding="utf-8")
    config = tmp_path / "pyproject.toml"
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "textsieve", "check", "a.md", "--no-cache", "--select", "VAG103"],
        cwd=tmp_path, capture_output=True, text=True)
    config.write_text('[tool.textsieve.vag]\nextend-puffery = ["synergistic"]\n'
                      'remove-puffery = ["pivotal"]\n', encoding="utf-8")
    out = run()
    assert out.returncode == 1
    assert "a.md:1:12: VAG103 'synergistic' is puffery" in out.stdout
    assert "pivotal" not in out.stdout
    config.write_text('[tool.textsieve.vag]\nextend-puffery = ["(oops"]\n', encoding="utf-8")
    out = run()
    assert out.returncode == 2
    assert "extend-puffery" in out.stderr and "(oops" in out.stderr
    assert "Traceback" not in out.stderr


# -- the speed shortcuts never change a finding --------------------------------

def test_keys_are_strings_every_match_of_the_entry_contains():
    def keys(entry):
        return vague._phrase_keys(entry, entry)[1]
    assert keys("world-class") == {"world"}
    assert keys("(studies|research) [have|has] (shown|found)") == {"studies", "research"}
    assert keys("navigat(e|es|ing) the complexities of") == {"complexities"}
    assert keys("it is (believed|said) that") == {"believed", "said"}  # not the frequent "that"
    assert keys("in today's * world") == {"today"}
    assert keys("* *") is None and keys("[very|so] *") is None
    assert compile_list(("* *", "pivotal")).keys is None  # one entry without keys: no shortcut
    assert compile_list(("pivotal", "pivotally", "boasts", "boast")).keys == {"pivotal", "boast"}


def test_fold_keeps_every_character_that_matches_an_ascii_one_ignoring_case():
    printable = [chr(i) for i in range(32, 127)]
    any_ascii = re.compile("|".join(map(re.escape, printable)), re.IGNORECASE)
    folded_away = set()
    for cp in range(0x110000):
        c = chr(cp)
        if any_ascii.fullmatch(c):
            for ch in printable:
                if re.fullmatch(re.escape(ch), c, re.IGNORECASE):
                    assert ch.lower() in vague._fold(c), (hex(cp), ch)
                    if not c.isascii():
                        folded_away.add(c)
    assert folded_away == {"\u0130", "\u0131", "\u017f", "\u212a"}  # İ ı ſ and the Kelvin sign


def _labelled_documents():
    """The labelled sentences of benchmarks/data/vag as documents, one per data file,
    and the same with letters that match ASCII ones only when case is ignored."""
    docs = []
    for path in sorted((CHECKOUT / "benchmarks" / "data" / "vag").glob("*.txt")):
        parts = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("@doc "):
                parts.append("# " + line[5:].partition("|")[2].strip())
            elif " | " in line and not line.startswith("%%"):
                parts.append(line.partition(" | ")[2].strip())
        text = "\n\n".join(p for p in parts if p.strip("# ")) + "\n"
        docs.append(text)
        docs.append(text.upper())
        docs.append(text.replace("s", "\u017f").replace("i", "\u0131"))  # ſ ı
        docs.append(text.replace("I", "\u0130").replace("k", "\u212a"))  # İ, the Kelvin sign
    for path in sorted((CHECKOUT / "samples").glob("*.md")):
        docs.append(path.read_text(encoding="utf-8"))
    return docs


def _unfiltered(rule):
    """The rule without its shortcuts: every sentence read, every pattern run."""
    rule._keys = None
    rule._matchers = {name: vague.Matcher(m.free_pattern, m.initial_pattern) for name, m in rule._matchers.items()}
    return rule


@pytest.mark.parametrize("rule", [UnsupportedAttribution, EmptyExample, Puffery,
                                  VagueQuantifier, FillerPhrase, WeaselWord])
def test_key_shortcuts_give_the_findings_of_a_full_scan(rule):
    from textsieve.testing import make_document

    settings = {"extend-puffery": ["leading", "robust"], "extend-quantifiers": ["many"]}
    fast, full = rule(dict(settings)), _unfiltered(rule(dict(settings)))
    total = 0
    for text in _labelled_documents():
        document = make_document(text)
        found = [(f.code, f.span, f.message) for f in fast.check(document)]
        assert found == [(f.code, f.span, f.message) for f in full.check(document)]
        total += len(found)
    assert total >= 20  # the comparison is not vacuous


def test_rules_with_different_lists_share_a_document():
    from textsieve.testing import make_document

    document = make_document("A pivotal, synergistic plan.\n\nThe plan is unrivalled.\n")
    plain, extended = Puffery(), Puffery({"extend-puffery": ["synergistic"]})
    assert texts(plain.check(document)) == ["pivotal", "unrivalled"]
    assert texts(extended.check(document)) == ["pivotal", "synergistic", "unrivalled"]
    assert texts(plain.check(document)) == ["pivotal", "unrivalled"]
    assert where(extended.check(document))[1] == (1, 12, 1, 23, "synergistic")


def test_key_index_records_every_occurrence_overlapping_ones_too():
    from textsieve.testing import make_document

    document = make_document("A Xaby here.\n\nNothing there.\n")
    index = vague._KeyIndex(document, frozenset({"xab", "aby", "zzz"}))
    assert index.hits == {"xab": [(0, 0)], "aby": [(0, 0)]}
    assert index.candidates(frozenset({"aby"})) == [(0, 0)]
    assert index.candidates(frozenset({"zzz"})) == []
