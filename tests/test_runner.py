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
