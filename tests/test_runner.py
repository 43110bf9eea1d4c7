"""The runner hands corpus rules the documents of a worker task in batches."""

from __future__ import annotations

from textsieve import runner
from textsieve.cache import NO_CACHE
from textsieve.rule import Rule


class CountingCorpusRule(Rule):
    """Collects each document's length; records the size of every batch it was given."""

    code = "ZZ901"
    name = "counting"

    def __init__(self, settings=None):
        super().__init__(settings)
        self.batches: list[int] = []

    def collect(self, document):
        if "BROKEN" in document.text:
            raise RuntimeError("cannot collect this one")
        return len(document.text)

    def collect_many(self, documents):
        self.batches.append(len(documents))
        return [self.collect(d) for d in documents]

    def check_corpus(self, collected):
        return ()


def _files(tmp_path, texts):
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"{i:02}.md"
        path.write_text(text)
        paths.append(str(path))
    return paths


def test_corpus_rules_collect_a_batch_of_documents_at_once(tmp_path):
    paths = _files(tmp_path, [f"Document number {i}.\n" for i in range(10)])
    rule = CountingCorpusRule()
    result = runner.run(paths, [rule], jobs=1, cache=NO_CACHE)
    assert rule.batches == [10]
    assert [f.collected["ZZ901"] for f in result.files] == [len(f"Document number {i}.\n")
                                                          for i in range(10)]


def test_a_batch_is_cut_after_a_few_megabytes_of_text(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "BATCH_TEXT", 50)
    paths = _files(tmp_path, ["x" * 30 + "\n"] * 5)
    rule = CountingCorpusRule()
    runner.run(paths, [rule], jobs=1, cache=NO_CACHE)
    assert rule.batches == [2, 2, 1]


def test_a_failing_batch_is_collected_again_file_by_file_and_the_error_names_the_file(tmp_path):
    paths = _files(tmp_path, ["Fine.\n", "This one is BROKEN.\n", "Also fine.\n"])
    rule = CountingCorpusRule()
    result = runner.run(paths, [rule], jobs=1, cache=NO_CACHE)
    assert [("ZZ901" in f.collected) for f in result.files] == [True, False, True]
    assert len(result.errors) == 1
    assert result.errors[0].startswith(f"{paths[1]}: internal error in ZZ901 (counting): RuntimeError")


def test_the_corpus_step_runs_without_the_cyclic_collector_and_restores_it(tmp_path):
    import gc

    class GcWatchingRule(CountingCorpusRule):
        def check_corpus(self, collected):
            self.gc_during = gc.isenabled()
            return ()

    rule = GcWatchingRule()
    assert gc.isenabled()
    runner.run(_files(tmp_path, ["One.\n", "Two.\n"]), [rule], jobs=1, cache=NO_CACHE)
    assert rule.gc_during is False and gc.isenabled()
    gc.disable()  # a caller that turned it off keeps it off
    try:
        runner.run(_files(tmp_path, ["One.\n"]), [rule], jobs=1, cache=NO_CACHE)
        assert not gc.isenabled()
    finally:
        gc.enable()


# -- files and directories that cannot be read --------------------------------------------------
def _unprivileged(directory, action):
    """``action()``'s result, run in ``directory`` as a user who is not root: in a forked
    child that drops to nobody when the tests run as root (which reads every file)."""
    import json
    import os

    if os.geteuid() != 0:
        previous = os.getcwd()
        os.chdir(directory)
        try:
            return action()
        finally:
            os.chdir(previous)
    action_in = os.getcwd()
    os.chdir(directory)
    try:
        action()  # once as root: every module the action imports is loaded before the fork
    finally:
        os.chdir(action_in)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        code = 0
        try:
            os.close(read)
            os.chdir(directory)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os.write(write, json.dumps(action()).encode())
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            os.write(write, json.dumps({"error": repr(exc)}).encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as handle:
        answer = json.loads(handle.read() or b"null")
    os.waitpid(pid, 0)
    assert not (isinstance(answer, dict) and "error" in answer), answer
    return answer


def test_unreadable_files_and_directories_found_in_a_walk_are_reported():
    import os
    import shutil
    import stat
    import tempfile
    from pathlib import Path

    from textsieve.check import CheckOptions, run_check  # noqa: F401 - loaded before the fork
    from textsieve.discovery import DEFAULT_INCLUDE, discover
    from textsieve.rules.core import RepeatedWord

    # Under /tmp itself: pytest's own directory is closed to other users, who could not reach it.
    tmp_path = Path(tempfile.mkdtemp(prefix="textsieve-unreadable-"))
    for name in ("d/a.md", "d/locked.md", "d/closed/inside.md"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Read the the guide.\n", encoding="utf-8")
    for path in (tmp_path, tmp_path / "d"):
        path.chmod(0o755)
    (tmp_path / "d" / "a.md").chmod(0o644)

    def check():
        found = discover(["d"], ".", DEFAULT_INCLUDE, [])
        result = runner.run(found.files, [RepeatedWord()], jobs=1)
        return {"warnings": found.warnings,
                "files": [(f.path, f.skipped, len(f.findings)) for f in result.files]}

    (tmp_path / "d" / "locked.md").chmod(0)
    (tmp_path / "d" / "closed").chmod(0)
    try:
        answer = _unprivileged(tmp_path, check)
    finally:
        (tmp_path / "d" / "locked.md").chmod(stat.S_IRUSR | stat.S_IWUSR)
        (tmp_path / "d" / "closed").chmod(0o755)
        shutil.rmtree(tmp_path)
    assert answer["files"] == [[os.path.join("d", "a.md"), "", 1],
                               [os.path.join("d", "locked.md"), "permission denied", 0]]
    assert answer["warnings"] == [f"{os.path.join('d', 'closed')}: skipped, permission denied"]


# -- a bound on the findings one document shows ----------------------------------------------
class ManyCorpusFindings(Rule):
    """A corpus rule with 30 findings in every document."""

    code = "ZZ902"
    name = "many"

    def collect(self, document):
        return document.path

    def check_corpus(self, collected):
        from textsieve.findings import Span

        for path, _ in collected:
            for n in range(30):
                yield self.finding_at(Span(path, 1, n + 1, 1, n + 2, n, n + 1), f"number {n}", text=f"t{n}")


def test_a_document_shows_at_most_max_findings_of_a_code_and_counts_the_rest(tmp_path, monkeypatch):
    from textsieve.cache import Cache
    from textsieve.findings import Span
    from textsieve.rules.core import RepeatedWord

    monkeypatch.chdir(tmp_path)
    (tmp_path / "long.md").write_text("Read the the guide. " * 2500 + "\n", encoding="utf-8")
    (tmp_path / "short.md").write_text("Read the the guide.\n", encoding="utf-8")
    cache = Cache(tmp_path / "cache")
    result = runner.run(["long.md", "short.md"], [RepeatedWord()], cache=cache, jobs=1)
    long = [f for f in result.findings if f.path == "long.md"]
    assert len(long) == 1001 and [f.path for f in result.findings].count("short.md") == 1
    overflow = long[-1]
    assert overflow.message == ("and 1,500 more TS003 findings in this document, not shown "
                                "(max-findings-per-code = 1000)")
    # At the first finding left out: the 1001st "the the", 20 characters a sentence.
    assert overflow.fix is None and overflow.span == Span("long.md", 1, 20006, 1, 20013, 20005, 20012)
    # The bound is part of the cache key: another bound, another answer.
    small = runner.run(["long.md"], [RepeatedWord()], cache=cache, jobs=1, max_findings=10)
    assert len(small.findings) == 11 and "and 2,490 more" in small.findings[-1].message
    assert len(runner.run(["long.md"], [RepeatedWord()], cache=cache, jobs=1, max_findings=0).findings) == 2500
    # Corpus rules are bounded per document too.
    corpus = runner.run(["long.md", "short.md"], [ManyCorpusFindings()], jobs=1, max_findings=25)
    assert [f.message for f in corpus.findings if f.path == "short.md"][-2:] == [
        "number 24", "and 5 more ZZ902 findings in this document, not shown (max-findings-per-code = 25)"]


def test_the_bound_keeps_baselines_matching(tmp_path, monkeypatch):
    from textsieve.baseline import apply_baseline, write_baseline
    from textsieve.rules.core import RepeatedWord

    monkeypatch.chdir(tmp_path)
    (tmp_path / "long.md").write_text("Read the the guide. " * 30 + "\n", encoding="utf-8")
    first = runner.run(["long.md"], [RepeatedWord()], jobs=1, max_findings=10).findings
    write_baseline("baseline.json", first)
    assert apply_baseline("baseline.json", first, ["long.md"]) == ([], [])
    # More of the same: still the one overflow finding, with a new count, and still baselined.
    (tmp_path / "long.md").write_text("Read the the guide. " * 45 + "\n", encoding="utf-8")
    again = runner.run(["long.md"], [RepeatedWord()], jobs=1, max_findings=10).findings
    assert "and 35 more" in again[-1].message
    assert apply_baseline("baseline.json", again, ["long.md"]) == ([], [])


def test_bounded_keeps_the_first_of_each_code_in_order():
    from textsieve.findings import Finding, Span

    def finding(code, n):
        return Finding(code, f"m{n}", "info", Span("a.md", 1, n, 1, n + 1), text=str(n))

    given = [finding("A", 1), finding("B", 2), finding("A", 3), finding("A", 4), finding("B", 5)]
    kept = runner.bounded(given, 2)
    assert [(f.code, f.message) for f in kept] == [
        ("A", "m1"), ("B", "m2"), ("A", "m3"), ("B", "m5"),
        ("A", "and 1 more A finding in this document, not shown (max-findings-per-code = 2)")]
    assert kept[-1].span == given[3].span and kept[-1].severity == "info"
    assert runner.bounded(given, 0) == given


# -- workers end with the run ------------------------------------------------------------------
def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (/proc/PID/task/*/children where the kernel
    has it, else every /proc/*/stat's parent field)."""
    import glob

    found: set[int] = set()
    lists = glob.glob(f"/proc/{pid}/task/*/children")
    if lists:
        for name in lists:
            with open(name) as handle:
                found.update(int(p) for p in handle.read().split())
        return found
    for name in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(name) as handle:
                fields = handle.read().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(name.split("/")[2]))
    return found


def _alive(pid: int) -> bool:
    """Running, or stopped: a zombie waiting for a reaper counts as ended."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except OSError:
        return False


def _running_check(tmp_path):
    """``textsieve check --jobs 2`` on a corpus that takes it a while, once its two
    workers are there; the process and the workers' pids."""
    import os
    import subprocess
    import sys
    import time

    sentences = [f"Sentence {i} of the corpus tells the reader about item {i % 97} in some detail."
                 for i in range(400)]
    for n in range(400):
        (tmp_path / f"doc{n:03}.md").write_text(
            f"# Document {n}\n\n" + "\n\n".join(sentences[n % 7::3]) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "TEXTSIEVE_CACHE_DIR"}
    process = subprocess.Popen([sys.executable, "-m", "textsieve", "check", "--no-cache", "--jobs", "2",
                                "--exit-zero", "."], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        workers = _children(process.pid)
    assert len(workers) >= 2 and process.poll() is None, "the check ended before it could be stopped"
    return process, workers


def _outlive(process, workers, stop_signal) -> list[int]:
    """Sends ``stop_signal`` to the check; the workers still running once it has ended and
    its output pipes are closed (killed then, so that none is left behind)."""
    import os
    import signal
    import subprocess
    import time

    os.kill(process.pid, stop_signal)
    try:
        process.communicate(timeout=60)  # returns once no process holds the pipes
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = sorted(pid for pid in workers if _alive(pid))
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    process.kill()
    process.wait()
    return left


def test_sigterm_stops_the_workers_and_ends_as_sigterm(tmp_path):
    import signal

    process, workers = _running_check(tmp_path)
    assert _outlive(process, workers, signal.SIGTERM) == []
    assert process.returncode == -signal.SIGTERM  # 143 in a shell


def test_workers_end_when_the_run_is_killed(tmp_path):
    """SIGKILL cannot be handled: the kernel tells each worker that its parent died."""
    import signal
    import sys

    import pytest

    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    process, workers = _running_check(tmp_path)
    assert _outlive(process, workers, signal.SIGKILL) == []


def test_a_size_limit_beyond_any_file_is_no_overflow(tmp_path):
    from textsieve.rules.core import RepeatedWord

    [path] = _files(tmp_path, ["Read the the guide.\n"])
    result = runner.run([path], [RepeatedWord()], jobs=1, max_file_size=10**30)
    assert not result.errors and [f.code for f in result.findings] == ["TS003"]


def test_a_file_read_in_pieces_past_its_stat_size_keeps_the_limit(tmp_path):
    """A file that grows between the stat and the read is read to the limit, no further."""
    import io

    from textsieve.source import _read_up_to

    assert _read_up_to(io.BytesIO(b"abcdef"), 10**30, 3) == b"abcdef"
    assert _read_up_to(io.BytesIO(b"abcdef"), 4, 3) == b"abcd"
    assert _read_up_to(io.BytesIO(b"abcdef"), 4, 100) == b"abcd"
    assert _read_up_to(io.BytesIO(b"ab"), 4, 1) == b"ab"
    assert _read_up_to(io.BytesIO(b"x" * (3 << 20)), 10**30, 1) == b"x" * (3 << 20)
