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
        "# A\n\nA new opening paragraph.\n\nAnother one.\n\nNow read the\nthe guide.\n\n> It it works.\n",
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


_GOOD = {"fingerprint": "0" * 32, "path": "docs/a.md", "code": "TS003", "text": "the the", "count": 1}


@pytest.mark.parametrize("entry, message", [
    ({**_GOOD, "count": "abc"}, "entry 1 has a 'count' that is a string, not a whole number"),
    ({**_GOOD, "count": 1.5}, "entry 1 has a 'count' that is the number 1.5"),
    ({**_GOOD, "count": 0}, "entry 1 has a 'count' that is the number 0"),
    ({**_GOOD, "count": True}, "entry 1 has a 'count' that is true"),
    ({**_GOOD, "fingerprint": {"a": 1}}, "entry 1 has a 'fingerprint' that is an object, not a string"),
    ({**_GOOD, "fingerprint": ["x"]}, "entry 1 has a 'fingerprint' that is a list"),
    ({k: v for k, v in _GOOD.items() if k != "path"}, "entry 1 has no 'path'"),
    ({k: v for k, v in _GOOD.items() if k != "fingerprint"}, "entry 1 has no 'fingerprint'"),
    ({**_GOOD, "text": 12}, "entry 1 has a 'text' that is the number 12, not a string"),
    ({**_GOOD, "code": None}, "entry 1 has a 'code' that is null"),
    ("TS003", "entry 1 is a string, not an object"),
])
def test_a_baseline_entry_of_the_wrong_type_is_named(corpus, entry, message):
    (corpus / "bad.json").write_text(json.dumps({"version": 1, "entries": [entry]}), encoding="utf-8")
    done = textsieve("docs", "--select", "TS003", "--baseline", "bad.json", cwd=corpus)
    assert done.returncode == 2 and "internal error" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("textsieve: error: bad.json: not a textsieve baseline: " + message), line


def test_a_baseline_nested_too_deeply_is_named(corpus):
    (corpus / "bad.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    done = textsieve("docs", "--baseline", "bad.json", cwd=corpus)
    assert done.returncode == 2 and "internal error" not in done.stderr
    assert "bad.json: not a textsieve baseline: nested too deeply" in done.stderr


def test_baseline_entries_without_text_or_count_and_written_twice_still_apply(corpus):
    assert textsieve("docs", "--select", "TS003", "--write-baseline", "b.json", cwd=corpus).returncode == 0
    data = json.loads((corpus / "b.json").read_text(encoding="utf-8"))
    the_the = next(e for e in data["entries"] if e["text"] == "the the")
    del the_the["count"], the_the["text"]
    data["entries"].append(dict(the_the))  # twice: counts add up to 2
    (corpus / "b.json").write_text(json.dumps(data), encoding="utf-8")
    with open(corpus / "docs" / "a.md", "a", encoding="utf-8") as handle:
        handle.write("\nRead the the rest.\n\nAnd the the end.\n")
    done = textsieve("docs", "--select", "TS003", "--baseline", "b.json", cwd=corpus)
    assert done.returncode == 1 and len(_lines(done)) == 1, done.stdout + done.stderr
