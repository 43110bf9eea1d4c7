"""The cache: keyed by content, settings and code; the corpus step cached; old entries pruned."""

import os
import time

from helpers import textsieve, write
from textsieve.cache import Cache, cache_key
from textsieve.rules.core import RepeatedWord
from textsieve.runner import code_fingerprint, run, settings_signature


def test_second_run_is_served_from_the_cache_and_gives_the_same_output(tmp_path, monkeypatch):
    for i in range(6):
        write(tmp_path / f"d{i}.md", f"# Note {i}\n\nRead the the guide {i}.\n")
    first = textsieve("check", "--format", "json", ".", cwd=tmp_path)
    assert (tmp_path / ".textsieve_cache" / ".gitignore").read_text().endswith("*\n")
    second = textsieve("check", "--format", "json", ".", cwd=tmp_path)
    assert first.out == second.out and len(first.json()["findings"]) >= 6
    cache = Cache(tmp_path / ".textsieve_cache")
    rules = [RepeatedWord()]
    paths = [f"d{i}.md" for i in range(6)]
    monkeypatch.chdir(tmp_path)
    result = run(paths, rules, cache=cache, jobs=1)
    assert not any(f.cached for f in result.files)  # another rule set: other keys
    again = run(paths, rules, cache=cache, jobs=1)
    assert all(f.cached for f in again.files)
    assert [f.sort_key() for f in again.findings] == [f.sort_key() for f in result.findings]


def test_settings_and_code_are_part_of_the_key(monkeypatch):
    a = settings_signature([RepeatedWord()])
    assert a == settings_signature([RepeatedWord()])
    from textsieve import runner

    monkeypatch.setattr(runner, "_digest_paths", lambda paths: "other code")
    assert settings_signature([RepeatedWord()]) != a


def test_code_fingerprint_follows_file_content(tmp_path, monkeypatch):
    from textsieve import runner

    plugin = tmp_path / "plugin.py"
    plugin.write_text("x = 1\n")
    runner._digest_paths.cache_clear()
    first = runner._digest_paths((str(plugin),))
    plugin.write_text("x = 2\n")
    runner._digest_paths.cache_clear()
    assert runner._digest_paths((str(plugin),)) != first


def test_corrupt_entries_are_misses(tmp_path):
    cache = Cache(tmp_path)
    key = cache_key("k")
    cache.put("ns", key, [1, 2])
    assert cache.get("ns", key) == [1, 2]
    (tmp_path / "ns" / key[:2] / key).write_bytes(b"not a pickle")
    assert cache.get("ns", key) is None


def test_prune_removes_entries_unused_for_30_days_once_a_day(tmp_path):
    cache = Cache(tmp_path)
    old, fresh = cache_key("old"), cache_key("fresh")
    cache.put("ns", old, 1)
    cache.put("ns", fresh, 2)
    long_ago = time.time() - 40 * 86400
    os.utime(tmp_path / "ns" / old[:2] / old, (long_ago, long_ago))
    assert cache.prune() == 1
    assert cache.get("ns", old) is None and cache.get("ns", fresh) == 2
    os.utime(tmp_path / "ns" / fresh[:2] / fresh, (long_ago, long_ago))
    assert cache.prune() == 0  # already pruned today
    assert cache.prune(now=time.time() + 2 * 86400) == 1
    assert (tmp_path / ".gitignore").exists()


def test_no_cache_writes_nothing(tmp_path):
    write(tmp_path / "a.md", "Read the the guide.\n")
    textsieve("check", "--no-cache", ".", cwd=tmp_path)
    assert not (tmp_path / ".textsieve_cache").exists()
    textsieve("check", ".", cwd=tmp_path, env={"TEXTSIEVE_CACHE_DIR": str(tmp_path / "elsewhere")})
    assert (tmp_path / "elsewhere").is_dir() and not (tmp_path / ".textsieve_cache").exists()


class CountingCorpusRule(RepeatedWord):
    """Counts its corpus checks."""

    code = "TSX001"
    calls = 0

    def collect(self, document):
        return document.text

    def check_corpus(self, collected):
        CountingCorpusRule.calls += 1
        return [self.finding_at(__import__("textsieve.findings").findings.Span(path, 1, 1, 1, 2),
                                "seen") for path, _ in collected]


def test_the_corpus_step_is_cached_until_a_file_changes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a.md", "b.md"):
        write(tmp_path / name, f"Text of {name}.\n")
    cache = Cache(tmp_path / "cache")
    rules = [CountingCorpusRule()]
    first = run(["a.md", "b.md"], rules, cache=cache, jobs=1)
    second = run(["a.md", "b.md"], rules, cache=cache, jobs=1)
    assert CountingCorpusRule.calls == 1
    assert [f.path for f in second.findings] == [f.path for f in first.findings] == ["a.md", "b.md"]
    write(tmp_path / "b.md", "Changed.\n")
    run(["a.md", "b.md"], rules, cache=cache, jobs=1)
    assert CountingCorpusRule.calls == 2


class DyingCorpusRule(CountingCorpusRule):
    """Finds one thing, then loses its server."""

    code = "TSX002"

    def check_corpus(self, collected):
        from textsieve.findings import Span
        from textsieve.rule import RuleUnavailable

        DyingCorpusRule.calls += 1
        yield self.finding_at(Span(collected[0][0], 1, 1, 1, 2), "found before the server died")
        raise RuleUnavailable("the server died")


def test_findings_made_before_a_rule_became_unavailable_are_kept_but_not_cached(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.md", "Text.\n")
    cache = Cache(tmp_path / "cache")
    DyingCorpusRule.calls = 0
    for attempt in (1, 2):
        result = run(["a.md"], [DyingCorpusRule()], cache=cache, jobs=1)
        assert [f.message for f in result.findings] == ["found before the server died"]
        assert [(r.code, why) for r, why in result.unavailable] == [("TSX002", "the server died")]
        assert DyingCorpusRule.calls == attempt  # asked again: a partial answer is never cached
