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


# -- the cache holds data only ---------------------------------------------------------------
_PLANTED = """import pickle, sys
class Payload:
    def __reduce__(self):
        return (exec, ("open(%r, 'w').write('ran')",))
data = pickle.dumps(Payload())
for path in sys.argv[2:]:
    open(path, 'wb').write(data)
"""


def _entries(directory):
    return [p for p in directory.rglob("*") if p.is_file() and not p.name.startswith(".")]


def _check_corpus(tmp_path, monkeypatch):
    """Three documents checked by TS003 and the DUP rules, with this code's fingerprint held
    still (other work in the tree must not change the keys between two runs); the
    findings, and the cache directory."""
    from textsieve import runner
    from textsieve.rules.duplicates import (BoilerplatePassage, ExactDuplicatePassage,
                                            NearDuplicatePassage, NearIdenticalTitle)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner, "_digest_paths", lambda paths: "this code")
    for i in range(3):
        write(tmp_path / f"d{i}.md", f"# Note {i}\n\nRead the the guide {i}.\n\n"
                                     "The migration tool rewrites every legacy configuration file into the "
                                     "new schema, keeping comments and ordering intact. Run it once per "
                                     "repository before upgrading the build agents.\n")
    rules = [RepeatedWord(), NearDuplicatePassage(), ExactDuplicatePassage(), NearIdenticalTitle(),
             BoilerplatePassage()]
    cache = Cache(tmp_path / "cache")

    def check():
        result = run(["d0.md", "d1.md", "d2.md"], rules, cache=cache, jobs=1)
        assert not result.errors
        return [(f.sort_key(), f.fix, f.related) for f in result.findings]

    return check, tmp_path / "cache"


def test_a_planted_pickle_is_never_run(tmp_path, monkeypatch):
    """Whoever can write the cache directory must not run code in the next run."""
    import subprocess
    import sys

    check, cache_dir = _check_corpus(tmp_path, monkeypatch)
    first = check()
    assert any(key[0][3] == "DUP102" for key in first)
    entries = _entries(cache_dir)
    assert {p.relative_to(cache_dir).parts[0] for p in entries} == {"files", "corpus", "dup"}
    marker = tmp_path / "ran"
    subprocess.run([sys.executable, "-c", _PLANTED, str(marker), *map(str, entries)], check=True)
    assert check() == first
    assert not marker.exists()
    assert sorted(_entries(cache_dir)) == sorted(entries)  # the same keys were read...
    assert [p for p in entries if p.read_bytes().startswith(b"\x80")] == []  # ...and written again


def test_entries_of_another_shape_version_or_length_are_misses(tmp_path, monkeypatch):
    from textsieve.cache import MAGIC, dumps
    from textsieve.findings import Finding, Span

    check, cache_dir = _check_corpus(tmp_path, monkeypatch)
    first = check()
    span = Span("d0.md", 1, 1, 1, 2)
    foreign = [
        b"", b"\x00" * 40, b'{"valid": "json"}', MAGIC, MAGIC[:-2] + b"1\n" + dumps(1)[len(MAGIC):],
        dumps([1, 2, 3]), dumps("text"), dumps(None), dumps({"a": 1}), dumps((1, 2, 3, 4)),
        dumps(([span], {}, [], 3)),  # a Span where a Finding belongs
        dumps(([Finding("TS003", "m", "bogus", span)], {}, [], 3)),  # no such severity
        dumps(([], {"DUP101": 5}, [], 3))[:-1],
    ]
    entries = _entries(cache_dir)
    for variant in foreign:
        for path in entries:
            path.write_bytes(variant)
        assert check() == first, variant[:60]
        assert all(path.read_bytes() != variant for path in entries), variant[:60]
    # Through the command line too: a run over foreign entries is the run without them.
    cli_first = textsieve("check", "--format", "json", "--select", "TS003,DUP", ".", cwd=tmp_path)
    for path in _entries(tmp_path / ".textsieve_cache"):
        path.write_bytes(dumps({"not": "an entry"}))
    cli_again = textsieve("check", "--format", "json", "--select", "TS003,DUP", ".", cwd=tmp_path)
    assert (cli_again.code, cli_again.out) == (cli_first.code, cli_first.out)
    assert "internal error" not in cli_again.err
    # A whole entry cut short at every length is a miss too.
    cache = Cache(tmp_path / "c")
    key = cache_key("x")
    value = ([Finding("TS003", "m", "warning", span)], {}, [], 3)
    cache.put("files", key, value)
    path = tmp_path / "c" / "files" / key[:2] / key
    whole = path.read_bytes()
    assert cache.get("files", key) == value
    for cut in range(len(whole)):
        path.write_bytes(whole[:cut])
        assert cache.get("files", key) is None


def test_hostile_trees_are_misses(tmp_path):
    from textsieve.cache import MAGIC, _LENGTH

    cache = Cache(tmp_path)
    key = cache_key("k")
    path = tmp_path / "ns" / key[:2] / key
    path.parent.mkdir(parents=True)

    def plant(tree: str) -> None:
        head = tree.encode()
        path.write_bytes(MAGIC + _LENGTH.pack(len(head)) + head)

    for tree in ('{"O": "os:system", "F": ["touch x"]}', '{"O": "Finding", "F": [1, 2]}',
                 '{"O": "Span", "F": ["p", "1", 1, 1, 1, 0, 0]}', '{"A": [0, "|O", [1]]}',
                 '{"A": [0, "<u4", [1000]]}', '{"A": [1, "<u4", [0]]}', '{"R": 0}',
                 '{"N": ["|O", 1]}', '{"B": [0, 10]}', '{"X": 1}', '{"T": [1], "D": []}',
                 "[" * 100_000 + "]" * 100_000, '{"D": [[1]]}', '{"D": [[[1], 2]]}'):
        plant(tree)
        assert cache.get("ns", key) is None, tree[:40]
    plant('{"T": [1, {"S": [2]}]}')
    assert cache.get("ns", key) == (1, {2})  # the planting itself is right
    assert not (tmp_path / "x").exists()


def test_values_come_back_as_they_went_in(tmp_path):
    import math

    import numpy as np
    from textsieve.findings import Finding, Fix, Related, Span

    span = Span("a\udcff.md", 1, 2, 3, 4, 5, 6)
    finding = Finding("TS003", "repeated \x1b word", "warning", span, Fix("x", safe=False),
                      (Related(span, "twin"),), text="the the")
    array = np.arange(12, dtype=np.uint32).reshape(3, 4)
    value = {"findings": [finding, finding], (1, "t"): {1.5, 2}, "nan": math.nan, "big": 10**30,
             "arrays": [array, array[:, 1], np.zeros(0, np.int64), np.float64(0.25)],
             "bytes": b"\x00\xff", "frozen": frozenset({"a"}), "list": [None, True, (), []]}
    cache = Cache(tmp_path)
    cache.put("ns", "k0", value)
    back = cache.get("ns", "k0")
    assert back["findings"] == [finding, finding] and back["findings"][0].text == "the the"
    assert back["findings"][0] is back["findings"][1]  # one object twice stays one object
    assert back[(1, "t")] == {1.5, 2} and math.isnan(back["nan"]) and back["big"] == 10**30
    assert back["arrays"][0].dtype == np.uint32 and (back["arrays"][0] == array).all()
    assert (back["arrays"][1] == array[:, 1]).all() and back["arrays"][2].shape == (0,)
    assert type(back["arrays"][3]) is np.float64 and back["arrays"][0].flags.writeable
    assert back["bytes"] == b"\x00\xff" and back["frozen"] == frozenset({"a"})
    assert back["list"] == [None, True, (), []] and type(back["list"][2]) is tuple


def test_values_that_are_not_data_are_not_cached(tmp_path):
    cache = Cache(tmp_path)

    class Unknown:
        pass

    cache.put("ns", "k1", [Unknown()])
    cache.put("ns", "k2", {"f": len})
    assert cache.get("ns", "k1") is None and cache.get("ns", "k2") is None


def test_a_dup_sketch_survives_the_cache_and_a_broken_one_is_a_miss(tmp_path, monkeypatch):
    import dataclasses

    import numpy as np
    from textsieve.rules.duplicates import ExactDuplicatePassage, NearDuplicatePassage

    monkeypatch.chdir(tmp_path)
    text = "# Title of the page\n\n" + "".join(
        f"Sentence number {i} says something about the cache and its entries here.\n\n" for i in range(20))
    write(tmp_path / "a.md", text)
    write(tmp_path / "b.md", text)
    cache = Cache(tmp_path / "cache")
    rules = [NearDuplicatePassage(), ExactDuplicatePassage()]
    first = run(["a.md", "b.md"], rules, cache=cache, jobs=1)
    entries = list((tmp_path / "cache" / "dup").rglob("*"))
    key = next(p.name for p in entries if p.is_file())
    sketch = cache.get("dup", key)
    assert sketch is not None and sketch.p_bands.dtype == np.uint32 and len(sketch.p_first) > 0
    cache.put("dup", key, dataclasses.replace(sketch, p_last=sketch.p_last[:-1]))
    assert cache.get("dup", key) is None  # arrays that disagree on their length
    import shutil

    for namespace in ("files", "corpus"):  # so that the run reads the sketches
        shutil.rmtree(tmp_path / "cache" / namespace)
    again = run(["a.md", "b.md"], rules, cache=cache, jobs=1)
    assert [f.sort_key() for f in again.findings] == [f.sort_key() for f in first.findings] != []
