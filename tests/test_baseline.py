"""Baselines, end to end through the CLI: adopt textsieve on a corpus that already has findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def textsieve(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TEXTSIEVE_CACHE_DIR": str(cwd / ".cache-for-test")}
    return subprocess.run([sys.executable, "-m", "textsieve", "check", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", env=env)


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nRead the the guide.\n\nIt it works.\n", encoding="utf-8")
    (tmp_path / "docs" / "b.md").write_text("Nothing wrong here.\n", encoding="utf-8")
    return tmp_path


def _lines(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stdout.splitlines() if ": TS003" in line]


def test_write_baseline_records_findings_and_exits_zero(corpus):
    done = textsieve("docs", "--select", "TS003", "--write-baseline", "baseline.json", cwd=corpus)
    assert done.returncode == 0, done.stderr
    assert "wrote 2 findings to the baseline baseline.json" in done.stderr
    data = json.loads((corpus / "baseline.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    entries = sorted((e["path"], e["code"], e["text"], e["count"]) for e in data["entries"])
    path = os.path.join("docs", "a.md")
    assert entries == [(path, "TS003", "It it", 1), (path, "TS003", "the the", 1)]
    # The JSON report's fingerprints are the baseline's: one notion of "the same finding".
    report = json.loads(textsieve("docs", "--select", "TS003", "--format", "json", cwd=corpus).stdout)
    assert sorted(f["fingerprint"] for f in report["findings"]) == \
        sorted(e["fingerprint"] for e in data["entries"])


def test_baseline_hides_old_findings_even_when_lines_move(corpus):
    assert textsieve("docs", "--select", "TS003", "--write-baseline", "b.json", cwd=corpus).returncode == 0
    done = textsieve("docs", "--select", "TS003", "--baseline", "b.json", cwd=corpus)
    assert done.returncode == 0 and _lines(done) == [], done.stdout + done.stderr
    assert "All checks passed" in done.stdout

    # Unrelated edits move both findings down and right, and reflow one across a line break.
    (corpus / "docs" / "a.md").write_text(
        "# A\n\nA new opening paragraph.\n\nAnother one.\n\nNow read The\nthe guide.\n\n> It it works.\n",
        encoding="utf-8")
    done = textsieve("docs", "--select", "TS003", "--baseline", "b.json", cwd=corpus)
    assert done.returncode == 0 and _lines(done) == [], done.stdout + done.stderr
    assert "no longer matches" not in done.stderr


def test_new_findings_are_reported_and_a_second_copy_is_new(corpus):
    assert textsieve("docs", "--select", "TS003", "--write-baseline", "b.json", cwd=corpus).returncode == 0
    (corpus / "docs" / "a.md").write_text(
        "# A\n\nRead the the guide.\n\nIt it works.\n\n- Then the the 😀 end.\n", encoding="utf-8")
    (corpus / "docs" / "b.md").write_text("A new a a slip.\n", encoding="utf-8")
    done = textsieve("docs", "--select", "TS003", "--baseline", "b.json", cwd=corpus)
    assert done.returncode == 1
    a, b = os.path.join("docs", "a.md"), os.path.join("docs", "b.md")
    assert _lines(done) == [f"{a}:7:8: TS003 [*] 'the' is repeated",
                            f"{b}:1:7: TS003 [*] 'a' is repeated"]


def test_entries_that_match_nothing_are_reported_as_removable(corpus):
    assert textsieve("docs", "--select", "TS003", "--write-baseline", "b.json", cwd=corpus).returncode == 0
    (corpus / "docs" / "a.md").write_text("# A\n\nRead the guide.\n\nIt it works.\n", encoding="utf-8")
    done = textsieve("docs", "--select", "TS003", "--baseline", "b.json", cwd=corpus)
    assert done.returncode == 0, done.stdout
    path = os.path.join("docs", "a.md")
    assert done.stderr.splitlines() == [
        f'textsieve: note: baseline entry no longer matches and can be removed: {path}: TS003 "the the"']
    # A file that was not checked in this run keeps its entries quietly.
    done = textsieve(os.path.join("docs", "b.md"), "--select", "TS003", "--baseline", "b.json", cwd=corpus)
    assert done.returncode == 0 and "no longer matches" not in done.stderr


def test_rewriting_a_baselined_finding_makes_it_new(corpus):
    assert textsieve("docs", "--select", "TS003", "--write-baseline", "b.json", cwd=corpus).returncode == 0
    (corpus / "docs" / "a.md").write_text("# A\n\nRead the the guide.\n\nIt works works.\n",
                                          encoding="utf-8")
    done = textsieve("docs", "--select", "TS003", "--baseline", "b.json", cwd=corpus)
    path = os.path.join("docs", "a.md")
    assert done.returncode == 1
    assert _lines(done) == [f"{path}:5:4: TS003 [*] 'works' is repeated"]
    assert f'{path}: TS003 "It it"' in done.stderr


def test_baseline_applies_to_stdin_and_sarif(corpus):
    assert textsieve("docs", "--select", "TS003", "--write-baseline", "b.json", cwd=corpus).returncode == 0
    text = (corpus / "docs" / "a.md").read_text(encoding="utf-8") + "\nOne more more.\n"
    done = textsieve("--stdin-filename", "docs/a.md", "--select", "TS003", "--baseline", "b.json",
                     "--format", "sarif", cwd=corpus, stdin=text)
    assert done.returncode == 1, done.stderr
    [result] = json.loads(done.stdout)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 7


def test_a_broken_baseline_is_a_usage_error(corpus):
    (corpus / "bad.json").write_text("{not json", encoding="utf-8")
    done = textsieve("docs", "--baseline", "bad.json", cwd=corpus)
    assert done.returncode == 2 and "bad.json: not a textsieve baseline" in done.stderr
    done = textsieve("docs", "--baseline", "missing.json", cwd=corpus)
    assert done.returncode == 2 and "missing.json: baseline file not found" in done.stderr
