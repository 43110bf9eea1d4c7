"""Plugins are found through their entry points, as installed packages are; a broken one is
named in a warning and left out, and the built-ins and the other plugins run."""

from __future__ import annotations

import pytest

from helpers import textsieve, write

GOOD = '''
from textsieve.rule import Rule


class NoFoobar(Rule):
    """Flags "foobar".

    ## What it flags
    The word foobar.
    """

    code = "PLG001"
    name = "no-foobar"

    def check(self, document):
        for segment in document.segments:
            at = segment.text.find("foobar")
            if at >= 0:
                yield self.finding(document, segment.start + at, segment.start + at + 6,
                                   "'foobar' names nothing")


RULES = [NoFoobar]
'''

BROKEN = {
    # name: (module source, what the warning says)
    "missingdep": ("import a_module_that_is_not_installed\n",
                   "failed to load: ModuleNotFoundError: No module named 'a_module_that_is_not_installed'"),
    "badseverity": ("from textsieve.rule import Rule\n"
                    "class R(Rule):\n    code = 'PLB001'\n    name = 'loud'\n    severity = 'warn'\n"
                    "RULES = [R]\n",
                    "PLB001: severity 'warn' is not one of info, warning, error"),
    "squatter": ("from textsieve.rule import Rule\n"
                 "class R(Rule):\n    code = 'DUP900'\n    name = 'my-dup'\nRULES = [R]\n",
                 "DUP900: the prefix DUP belongs to textsieve"),
    "badoption": ("from textsieve.rule import Rule, Option\n"
                  "class R(Rule):\n    code = 'PLC001'\n    name = 'counted'\n"
                  "    options = {'limit': Option('many', 'how many', kind='int')}\nRULES = [R]\n",
                  "PLC001: the default of option 'limit' is not valid"),
    "badname": ("from textsieve.rule import Rule\n"
                "class R(Rule):\n    code = 'PLD001'\n    name = 'Not Kebab'\nRULES = [R]\n",
                "PLD001: name 'Not Kebab' is not kebab-case"),
    "notarule": ("RULES = [object]\n", "is not a textsieve.rule.Rule subclass"),
    "takencode": ("from goodplugin_mod import NoFoobar\n"
                  "class Again(NoFoobar):\n    pass\nRULES = [Again]\n",
                  "the prefix PLG belongs to goodplugin"),
}


def install(site, dist: str, module: str, source: str) -> None:
    """A package as pip leaves it: its module, and a dist-info with its entry point."""
    write(site / f"{module}.py", source)
    info = site / f"{dist}-1.0.dist-info"
    write(info / "METADATA", f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    write(info / "entry_points.txt", f"[textsieve.rules]\n{dist} = {module}:RULES\n")


@pytest.fixture
def site(tmp_path):
    site = tmp_path / "site"
    install(site, "goodplugin", "goodplugin_mod", GOOD)
    for name, (source, _) in BROKEN.items():
        install(site, name, f"{name}_mod", source)
    write(tmp_path / "docs" / "page.md", "# Page\n\nThe foobar is here, and the the repeat.\n")
    return site


def test_broken_plugins_are_named_and_the_rest_runs(site):
    result = textsieve("check", "--no-cache", "docs", cwd=site.parent, env={"PYTHONPATH": str(site)})
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert result.code == 1, result.err
    found = [line.split(": ", 1)[1].split(" ", 1)[0] for line in result.out.splitlines() if line.startswith("docs/")]
    assert sorted(found) == ["PLG001", "TS003"]
    warnings = [line for line in result.err.splitlines() if line.startswith("textsieve: warning: rule plugin")]
    assert len(warnings) == len(BROKEN), result.err
    for name, (_, says) in BROKEN.items():
        line = next(w for w in warnings if f"rule plugin '{name}' ({name}_mod:RULES, from {name} 1.0)" in w)
        assert says in line, line


def test_rules_lists_the_built_ins_and_the_good_plugin(site):
    result = textsieve("rules", cwd=site.parent, env={"PYTHONPATH": str(site)})
    assert result.code == 0, result.err
    codes = [line.split()[0] for line in result.out.splitlines() if line[:1].isupper()]
    assert "PLG001" in codes and "TS003" in codes and "DUP101" in codes
    assert not {"PLB001", "DUP900", "PLC001", "PLD001"} & set(codes)
    assert result.err.count("textsieve: warning: rule plugin") == len(BROKEN)


def test_a_clean_registry_warns_of_nothing(tmp_path):
    from textsieve.rule import load_rules

    problems: list[str] = []
    rules = load_rules(problems)
    assert problems == []
    assert {"TS003", "DUP101", "ENC101", "READ101", "VAG101"} <= set(rules)


RUN_RULE = '''
from textsieve.findings import Span
from textsieve.rule import RunRule


class Audit(RunRule):
    """Notes what the run left out.

    ## What it flags
    A file not checked, and a suppression that suppressed nothing.
    """

    code = "PLR001"
    name = "audit"
    severity = "info"
    default_enabled = False

    def not_checked(self, path, why, *, what="file"):
        return [self.finding_at(Span(path, 1, 1, 1, 1), f"audit: {what} skipped ({why})")]

    def unused_suppression(self, path, directive, code):
        span = Span(path, directive.line, directive.column, directive.line, directive.column + 1)
        return [self.finding_at(span, f"audit: {directive.action} {code or 'all'} unused")]


RULES = [Audit]
'''


def test_a_plugin_run_rule_gets_the_run_hooks_as_ts001_and_ts002_do(tmp_path):
    """The engine knows run rules by their class, not by the codes TS001 and TS002."""
    site = tmp_path / "site"
    install(site, "auditplugin", "auditplugin_mod", RUN_RULE)
    write(tmp_path / "docs" / "page.md", "<!-- textsieve: disable-next-line VAG101 -->\nPlain words here.\n")
    write(tmp_path / "docs" / "logo.md", b"\x89PNG\x00\x00binary")
    result = textsieve("check", "--no-cache", "--extend-select", "PLR001", "--ignore", "TS", "docs",
                       cwd=tmp_path, env={"PYTHONPATH": str(site)})
    assert "Traceback" not in result.err, result.err
    lines = sorted(line for line in result.out.splitlines() if line.startswith("docs/"))
    assert lines == ["docs/logo.md:1:1: PLR001 audit: file skipped (binary content (a NUL byte at byte 4))",
                     "docs/page.md:1:6: PLR001 audit: disable-next-line VAG101 unused"], result.out
    assert "not checked" not in result.err  # a run rule reported it: no warning besides
