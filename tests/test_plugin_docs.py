"""docs/plugins.md's package, installed exactly as the page writes it, works: its own tests
pass, and the command line lists and runs its rules, with the cache on and off."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

from helpers import textsieve, write

PAGE = (Path(__file__).resolve().parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w+)\n(.*?)^```", PAGE, re.S | re.M)


def block(language: str, holding: str) -> str:
    return next(body for lang, body in BLOCKS if lang == language and holding in body)


@pytest.fixture
def site(tmp_path):
    """The package as pip leaves it: its module, and a dist-info with the page's entry point."""
    project = tomllib.loads(block("toml", "[project]"))["project"]
    site = tmp_path / "site"
    write(site / "textsieve_house.py", block("python", "RULES = "))
    info = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    write(info / "METADATA", f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    points = project["entry-points"]["textsieve.rules"]
    write(info / "entry_points.txt", "[textsieve.rules]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()))
    return site


def test_the_pages_own_tests_pass(site, monkeypatch):
    monkeypatch.syspath_prepend(str(site))
    sys.modules.pop("textsieve_house", None)
    namespace: dict = {}
    exec(compile(block("python", "def test_"), "docs/plugins.md", "exec"), namespace)
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert len(tests) == 3
    for test in tests:
        test()
    sys.modules.pop("textsieve_house", None)


@pytest.mark.parametrize("cache", [["--no-cache"], []])
def test_the_command_line_lists_and_runs_the_plugin(site, cache):
    root = site.parent
    write(root / "docs" / "a.md", "# Install\n\nPick a format, e.g. JSON, before you start. Run `e.g.`.\n")
    write(root / "docs" / "b.md", "# Install\n\nThe other page.\n")
    env = {"PYTHONPATH": str(site)}
    listed = textsieve("rules", cwd=root, env=env)
    assert "HSE001   no-latin-abbreviation" in listed.out and "HSE002   shared-title" in listed.out
    assert "warning" not in listed.err, listed.err
    for _ in range(2):  # the second run answers from the cache when there is one
        result = textsieve("check", *cache, "--select", "HSE", "docs", cwd=root, env=env)
        assert result.code == 1, result.err
        assert [line for line in result.out.splitlines() if line.startswith("docs/")] == [
            "docs/a.md:3:16: HSE001 [*] 'e.g.': write 'for example'",
            "docs/b.md:1:3: HSE002 the title 'Install' is also docs/a.md's",
        ], result.err
    write(root / "textsieve.toml", "[hse]\nfix = false\n")
    result = textsieve("check", "--no-cache", "--select", "HSE001", "docs", cwd=root, env=env)
    assert "docs/a.md:3:16: HSE001 'e.g.': write 'for example'" in result.out.splitlines()
