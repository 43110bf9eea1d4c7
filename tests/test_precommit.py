"""The pre-commit hook, run by the real pre-commit framework from real `git commit`s.

pre-commit clones this checkout at its HEAD commit and pip-installs it (and a tiny
plugin with a corpus rule, as an additional dependency) into a virtualenv of its
own: that needs PyPI and takes a while, so it happens once per session, in a
session-wide PRE_COMMIT_HOME.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

CHECKOUT = Path(__file__).resolve().parents[1]

PLUGIN_PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "textsieve-test-same-line"
version = "1.0"

[project.entry-points."textsieve.rules"]
same-line = "textsieve_test_same_line:RULES"
"""

# A corpus rule off by default: a line that also appears in another document.
PLUGIN_MODULE = '''\
from textsieve.findings import Related
from textsieve.rule import Rule


class SameLine(Rule):
    """A line that also appears in another document.

    ## What it flags
    A line repeated across documents.
    ## Why it matters
    It tests corpus rules under pre-commit.
    ## Example
    Two files with the same line.
    ## Instead
    Keep one copy.
    ## Options
    None.
    """

    code = "TST901"
    name = "same-line"
    default_enabled = False

    def collect(self, document):
        lines, offset = [], 0
        for line in document.text.split("\\n"):
            if line.strip():
                lines.append((line.strip(), document.span(offset, offset + len(line))))
            offset += len(line) + 1
        return lines

    def check_corpus(self, collected):
        where = {}
        for _path, lines in collected:
            for text, span in lines:
                where.setdefault(text, []).append(span)
        for text, spans in where.items():
            for span in spans:
                others = [s for s in spans if s.path != span.path]
                if others:
                    names = ", ".join(sorted({s.path for s in others}))
                    yield self.finding_at(span, f"line also in {names}", text=text,
                                          related=[Related(s) for s in others])


RULES = [SameLine]
'''


def _tool(name: str) -> None:
    """Skip without the tool locally; under CI its absence is a failure, not a skip."""
    if name == "pre-commit":
        try:
            import pre_commit  # noqa: F401
            return
        except ImportError:
            pass
    elif shutil.which(name):
        return
    message = f"{name} is not installed (pip install -e '.[test]' installs pre-commit)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def test_a_missing_tool_fails_under_ci_and_is_skipped_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no-such-tool-9f3 is not installed"):
        _tool("no-such-tool-9f3")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no-such-tool-9f3 is not installed"):
        _tool("no-such-tool-9f3")


def _git(repo: Path, *args: str, env: dict | None = None, check: bool = True):
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env=env, check=check)


@pytest.fixture(scope="session")
def hook_home(tmp_path_factory):
    """PRE_COMMIT_HOME with the hook's environment installed, shared by the session."""
    _tool("git")
    _tool("pre-commit")
    base = tmp_path_factory.mktemp("precommit")
    plugin = base / "plugin"
    plugin.mkdir()
    (plugin / "pyproject.toml").write_text(PLUGIN_PYPROJECT, encoding="utf-8")
    (plugin / "textsieve_test_same_line.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    rev = _git(CHECKOUT, "rev-parse", "HEAD").stdout.strip()
    tracked = _git(CHECKOUT, "ls-files", "--error-unmatch", ".pre-commit-hooks.yaml", check=False)
    if tracked.returncode != 0:
        pytest.fail(".pre-commit-hooks.yaml is not committed in this checkout")
    # The configuration the documentation gives users, pointed at this checkout.
    docs = (CHECKOUT / "docs" / "integrations.md").read_text(encoding="utf-8")
    documented = yaml.safe_load(re.search(r"<!-- snippet: precommit -->\n```yaml\n(.*?)```", docs, re.S).group(1))
    [repo] = documented["repos"]
    [hook] = repo["hooks"]
    assert hook == {"id": "textsieve"}
    repo.update(repo=str(CHECKOUT), rev=rev)
    hook["additional_dependencies"] = [str(plugin)]
    config = yaml.safe_dump(documented)
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "home"), "GIT_AUTHOR_NAME": "T",
           "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "PRE_COMMIT_COLOR": "never"}
    env.pop("TEXTSIEVE_CACHE_DIR", None)
    # A first repository only to install the hook's environment (timed, for the report).
    warm = base / "warm"
    warm.mkdir()
    _git(warm, "init", "-q")
    (warm / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pre_commit", "install-hooks"], cwd=warm, env=env,
                          capture_output=True, text=True)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    print(f"\npre-commit installed the hook environment in {elapsed:.1f}s", file=sys.stderr)
    return config, env


@pytest.fixture
def repo(tmp_path, hook_home):
    config, env = hook_home
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=tmp_path, env=env,
                   check=True, capture_output=True)
    _git(tmp_path, "add", ".pre-commit-config.yaml")
    _git(tmp_path, "commit", "-q", "-m", "config", env=env)
    return tmp_path, env


def _commit(repo: Path, env: dict, *paths: str):
    _git(repo, "add", *paths)
    return _git(repo, "commit", "-m", "change", env=env, check=False)


def _head_files(repo: Path) -> list[str]:
    return sorted(_git(repo, "ls-tree", "-r", "--name-only", "HEAD").stdout.split())


@pytest.mark.timeout(1200)
def test_commit_with_a_damaged_file_is_refused_and_a_clean_one_passes(repo):
    path, env = repo
    (path / "guide.md").write_text("# Guide\n\nRead the the guide.\n", encoding="utf-8")
    (path / "script.py").write_text("x = 'the the'\n", encoding="utf-8")  # not prose: not checked
    refused = _commit(path, env, "guide.md", "script.py")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "guide.md:3:6: TS003 [*] 'the' is repeated" in output
    assert "script.py:" not in output  # not prose: pre-commit does not pass it
    assert _head_files(path) == [".pre-commit-config.yaml"]

    (path / "guide.md").write_text("# Guide\n\nRead the guide.\n", encoding="utf-8")
    accepted = _commit(path, env, "guide.md", "script.py")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert _head_files(path) == [".pre-commit-config.yaml", "guide.md", "script.py"]


@pytest.mark.timeout(1200)
def test_staged_files_are_compared_with_the_configured_corpus(repo):
    path, env = repo
    docs = path / "docs"
    docs.mkdir()
    (docs / "old.md").write_text("A sentence that was written once.\n", encoding="utf-8")
    (path / "textsieve.toml").write_text('extend-select = ["TST901"]\n', encoding="utf-8")
    assert _commit(path, env, "docs/old.md", "textsieve.toml").returncode == 0

    # Only new.md and other.txt are staged; the copy in old.md is found only through `corpus`.
    (docs / "new.md").write_text("Intro.\n\nA sentence that was written once.\n", encoding="utf-8")
    (docs / "other.txt").write_text("Nothing repeated here.\n", encoding="utf-8")
    assert _commit(path, env, "docs/new.md", "docs/other.txt").returncode == 0
    _git(path, "reset", "-q", "--soft", "HEAD~1")

    (path / "textsieve.toml").write_text('extend-select = ["TST901"]\ncorpus = ["docs"]\n',
                                         encoding="utf-8")
    refused = _commit(path, env, "textsieve.toml", "docs/new.md", "docs/other.txt")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert f"{os.path.join('docs', 'new.md')}:3:1: TST901 line also in " \
           f"{os.path.join('docs', 'old.md')}" in output
    assert "other.txt:" not in output and "old.md:1:1" not in output  # reported for staged files only
