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
