"""DUP rules: near-duplicate and exact passages, templated titles, boilerplate."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textsieve.cache import Cache
from textsieve.findings import Finding, span_in
from textsieve.rules import duplicates as dup
from textsieve.rules import duplicates_match as match
from textsieve.rules import duplicates_sketch as sketch
from textsieve.rules import duplicates_text as dtext
from textsieve.rules.duplicates import (BoilerplatePassage, ExactDuplicatePassage,
                                        NearDuplicatePassage, NearIdenticalTitle)
from textsieve.testing import make_document, run_corpus_rule

# A 25-word sentence, and the same with three words substituted.
SENTENCE = ("The release manager checks that every migration has been applied to the staging "
            "database before the build is promoted to production early on Thursday morning.")
EDITED = ("The release engineer checks that every migration has been applied to the staging "
          "cluster before the build is promoted to production early on Friday morning.")
OTHER_A = "Our cafeteria serves soup on Mondays and fresh bread every other day of the week."
OTHER_B = "Parking permits are renewed in January, and the office closes early before holidays."


def location(span) -> str:
    return f"{span.path}:{span.line}:{span.column}"


def pos(finding: Finding) -> tuple:
    s = finding.span
    return (s.path, s.line, s.column, s.end_line, s.end_column)


def run_all(texts: dict[str, str], **settings) -> list[Finding]:
    found = []
    for rule in (NearDuplicatePassage, ExactDuplicatePassage, NearIdenticalTitle,
                 BoilerplatePassage):
        found += run_corpus_rule(rule, texts, **settings)
    return sorted(found, key=Finding.sort_key)


# -- building blocks ------------------------------------------------------------
def test_signatures_are_datasketch_minhash_values():
    from datasketch import MinHash

    text = "the quick brown fox jumps over the lazy dog again and again"
    hasher = sketch.SubstringHasher(text)
    spans = np.array([[0, len(text)]])
    starts, ends, groups = sketch.shingle_spans(text, spans, "word", 2)
    shingles = (hasher.hash(starts, ends) >> np.uint64(32)).astype(np.uint32)
    ours = sketch.minhash_rows(shingles, groups[:-1], 64)[0]
    reference = MinHash(num_perm=64, seed=sketch.SEED, scheme="affine32", hashfunc=int)
    reference.update_batch(shingles.tolist())
    assert np.array_equal(ours, reference.hashvalues)


@pytest.mark.parametrize("num_perm", [16, 160, 224, 1024])
def test_permutations_are_datasketchs_own(num_perm):
    from datasketch import MinHash

    a, b = sketch.permutations(num_perm)
    ref_a, ref_b = MinHash(num_perm=num_perm, seed=sketch.SEED, scheme="affine32").permutations
    assert np.array_equal(a, ref_a) and np.array_equal(b, ref_b)


def check_in_a_fresh_process(path, *args: str, modules: set[str]) -> tuple[str, list[str]]:
    """``textsieve check --no-cache --jobs 1 ARGS PATH`` in a new interpreter: its output,
    and which of ``modules`` (top-level packages or modules) it had imported by the end."""
    code = ("import sys, json; from textsieve.cli import cli\n"
            "try:\n    cli(['check', '--no-cache', '--jobs', '1', *sys.argv[2:], sys.argv[1]])\n"
            "except SystemExit:\n    pass\n"
            f"wanted = {sorted(modules)!r}\n"
            "loaded = set(sys.modules) | {m.split('.')[0] for m in sys.modules}\n"
            "print(json.dumps(sorted(loaded & set(wanted))), file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", code, str(path), *args], capture_output=True, text=True,
                         check=True)
    return run.stdout, json.loads(run.stderr.strip().splitlines()[-1])


def test_checking_with_dup_rules_loads_neither_datasketch_nor_scipy(tmp_path):
    (tmp_path / "a.md").write_text("The cache keeps every signature of the corpus on disk for later.\n")
    _, loaded = check_in_a_fresh_process(tmp_path / "a.md", "--select", "DUP",
                                         modules={"datasketch", "scipy", "numpy"})
    assert loaded == ["numpy"]  # the DUP rules did run


def test_the_default_rules_do_not_import_numpy(tmp_path):
    """DUP103, the DUP rule on by default, reads titles with plain Python: numpy
    (0.1 s of every run) is imported only by the passage rules."""
    (tmp_path / "a.md").write_text("# Release Checklist for the Platform Team\n\nWords of a.\n")
    (tmp_path / "b.md").write_text("# Release Checklist for the Platform Team\n\nWords of b.\n")
    out, loaded = check_in_a_fresh_process(tmp_path, modules={"numpy"})
    assert "DUP103 identical title" in out
    assert loaded == []


def test_finding_twins_does_not_import_numpy_ma(tmp_path):
    """np.unique and np.union1d import numpy.ma on first use (30 ms of every run):
    DUP sorts and deduplicates without them."""
    para = "The cache keeps every signature of the corpus on disk for later runs of the tool.\n"
    (tmp_path / "a.md").write_text("# A\n\n" + para)
    (tmp_path / "b.md").write_text("# B\n\n" + para)
    out, loaded = check_in_a_fresh_process(tmp_path, "--select", "DUP", modules={"numpy.ma"})
    assert "DUP102 exact duplicate" in out
    assert loaded == []


@pytest.mark.parametrize("values", [[], [7], [3, 3], [5, 1, 5, 2, 1, 9, 9], list(range(50, 0, -3)) * 2])
def test_sorted_unique_is_np_unique(values):
    for dtype in (np.uint32, np.int64):
        array = np.array(values, dtype=dtype)
        got = sketch.sorted_unique(array.copy())
        assert got.dtype == np.unique(array).dtype and got.tolist() == np.unique(array).tolist()


def test_blocked_minhash_matches_the_direct_computation():
    rng = np.random.default_rng(3)
    shingles = rng.integers(0, 2 ** 32, 40_000, dtype=np.uint32)
    groups = np.concatenate(([0], np.sort(rng.choice(np.arange(1, 40_000), 999, replace=False))))
    a, b = sketch.permutations(224)
    mixed = sketch._fmix32(shingles)
    with np.errstate(over="ignore"):
        direct = np.minimum.reduceat(mixed[:, None] * a[None, :] + b[None, :], groups, axis=0)
    assert np.array_equal(sketch.minhash_rows_numpy(shingles, groups, 224), direct)
    assert np.array_equal(sketch.minhash_rows(shingles, groups, 224), direct)


def test_shingles_hashed_are_the_shingles_verified():
    norm = "alpha beta gamma delta epsilon zeta eta"
    spans = np.array([[0, 16], [17, len(norm)]])  # "alpha beta gamma" | "delta … eta"
    for kind, size in (("word", 2), ("word", 3), ("char", 5)):
        starts, ends, groups = sketch.shingle_spans(norm, spans, kind, size)
        hashed = {norm[s:e] for s, e in zip(starts, ends)}
        assert hashed == sketch.shingle_set(norm, [(0, 16), (17, len(norm))], kind, size)
        assert len(groups) == 3  # every sentence has shingles of its own
    starts, ends, _ = sketch.shingle_spans(norm, spans, "word", 2)
    assert "gamma delta" not in {norm[s:e] for s, e in zip(starts, ends)}  # never across sentences


def test_normalisation_fast_path_agrees_with_the_definition():
    samples = ["The Nation's “defense” — diplomacy… isn't_that 3.5 café",
               "Plain ASCII, with (punctuation); snake_case and *emphasis*!",
               "ΑΒΓ δέλτα Straße", "Nations' International", "e\u0301te\u0301 NFD"]
    for text in samples:
        expected = " ".join(sketch.words_of(__import__("unicodedata").normalize("NFC", text)))
        assert sketch.normalise_sentences([text]) == [expected]
    assert sketch.normalise_sentences(["Nation's", "Nations'"]) == ["nations", "nations"]
    # A batch mixing both: each sentence as it would be alone, in order.
    mixed = samples + ["", "  spaced   out  ", "20 °C is “warm”"] + samples[::-1]
    assert sketch.normalise_sentences(mixed) == [sketch.normalise_sentences([t])[0] for t in mixed]
    assert sketch.normalise_sentences(mixed)[len(samples) + 2] == "20 c is warm"


def test_banding_proposes_pairs_at_the_threshold_with_probability_995():
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        bands, rows = dtext.choose_bands(threshold, 160)
        assert bands * rows <= 160
        assert dtext.capture_probability(threshold, bands, rows) >= 0.995
    assert dtext.choose_bands(0.6, 160) == (40, 4)
    # datasketch's own optimiser (equal weights) for the same size proposes a pair
    # at the threshold far less often: the reason the banding is computed here.
    from datasketch.lsh import _optimal_param

    b, r = _optimal_param(0.6, 160, 0.5, 0.5)
    assert dtext.capture_probability(0.6, b, r) < 0.9


def test_estimator_minimum_keeps_pairs_at_the_threshold():
    # Defaults: 160 values, 4 of them in the band that made the pair a candidate.
    need = match.estimator_minimum(0.6, 156)
    from math import comb

    p = 0.6 + 0.4 / 4
    below = lambda m: sum(comb(156, k) * p ** k * (1 - p) ** (156 - k) for k in range(m))
    assert below(need) <= 0.004 < below(need + 1)
    # A pair of similarity 0.3 rarely gets through.
    q = 0.3 + 0.7 / 4
    assert sum(comb(156, k) * q ** k * (1 - q) ** (156 - k) for k in range(need, 157)) < 1e-3


@pytest.mark.parametrize("num_perm", [100, 160])
def test_estimator_counts_equal_two_bit_values(num_perm):
    # Two documents of passages; every pair's count must equal a direct comparison of the
    # unpacked 2-bit values (100 values: rows padded from 25 bytes to 32).
    params = dtext.SketchParams("word", 2, num_perm, 25, 4, 4)
    texts = ["Alpha beta gamma delta epsilon. Zeta eta theta iota kappa lambda.",
             "Alpha beta gamma delta omicron. Zeta eta theta iota kappa mu nu.",
             "Completely different words here and there. Nothing shared at all today."]
    collected = [(f"{i}.md", sketch.sketch_document(make_document(t, f"{i}.md"), params))
                 for i, t in enumerate(texts)]
    fields = [np.unpackbits(d.p_bits[:, :, None], axis=2, bitorder="little")
              .reshape(len(d.p_bits), -1, 2) for _, d in collected]
    values = np.concatenate([f[:, :, 0] + 2 * f[:, :, 1] for f in fields])[:, :num_perm]
    corpus = match.Corpus(collected)
    x, y = np.triu_indices(corpus.n, 1)
    expected = (values[x] == values[y]).sum(axis=1)
    assert np.array_equal(match.agreeing_values(corpus, x, y), expected)
    assert expected.min() < num_perm // 2 < expected.max()  # both kinds of pair are there


def test_span_in_a_numpy_line_index_agrees_with_document_span():
    text = "héllo\r\nwörld — ünïcode\n\nsecond paragraph\n"
    doc = make_document(text, "x.md")
    starts = np.array(doc.line_starts, dtype=np.int32)
    for start, end in ((0, 5), (7, 12), (15, 22), (24, 40), (0, len(text))):
        assert span_in("x.md", starts, start, end) == doc.span(start, end)


# -- DUP101: near-duplicates ----------------------------------------------------------
def test_three_word_substitution_in_a_sentence_inside_another_paragraph():
    a = f"# Alpha\n\n{OTHER_A} {SENTENCE}\n"
    b = f"# Beta\n\nIntro line here. {EDITED} {OTHER_B}\n"
    found = run_corpus_rule(NearDuplicatePassage, {"a.md": a, "b.md": b})
    col_a, col_b = len(OTHER_A) + 2, len("Intro line here. ") + 1
    assert (col_a, col_b) == (83, 18)
    assert [pos(f) for f in found] == [("a.md", 3, 83, 3, 83 + len(SENTENCE)),
                                       ("b.md", 3, 18, 3, 18 + len(EDITED))]
    first, second = found
    assert first.message.startswith("near-duplicate (0.60) of b.md:3:18: \"The release manager")
    assert second.message.startswith("near-duplicate (0.60) of a.md:3:83: \"The release engineer")
    assert [(r.span.path, r.span.line, r.span.column) for r in second.related] == [("a.md", 3, 83)]
    assert second.related[0].message == "near-duplicate (0.60)"
    # The similarity is the exact Jaccard index of the word-bigram sets.
    words_a, words_b = sketch.words_of(SENTENCE), sketch.words_of(EDITED)
    bigrams = lambda w: {tuple(w[i:i + 2]) for i in range(len(w) - 1)}
    exact = len(bigrams(words_a) & bigrams(words_b)) / len(bigrams(words_a) | bigrams(words_b))
    assert f"({exact:.2f})" in first.message


def test_unrelated_and_short_passages_are_quiet():
    a = f"# One\n\n{OTHER_A}\n\nThank you for reading.\n"
    b = f"# Two\n\n{OTHER_B}\n\nThank you for reading.\n"
    assert run_all({"a.md": a, "b.md": b}) == []
    # The same two documents with a long shared sentence do fire.
    assert run_all({"a.md": a + f"\n{SENTENCE}\n", "b.md": b + f"\n{SENTENCE}\n"})


def test_below_threshold_is_not_reported():
    heavy = ("The deploy captain verifies that each schema change was run against the test "
             "warehouse before the artifact moves to the live site every Friday night.")
    assert run_corpus_rule(NearDuplicatePassage, {"a.md": SENTENCE, "b.md": heavy}) == []


def test_paragraph_copied_with_edits_is_one_finding_per_place():
    sentences = [SENTENCE, OTHER_A, OTHER_B,
                 "Each team keeps its own runbook in the wiki and reviews it after every incident."]
    edited = [EDITED, OTHER_A.replace("soup", "stew"), OTHER_B,
              "Every team keeps its own runbook in the wiki and reviews it after each incident."]
    a = "# A\n\n" + " ".join(sentences) + "\n"
    b = "# B\n\n" + "\n".join(edited[2:] + edited[:2]) + "\n"  # reordered and re-wrapped
    found = run_all({"a.md": a, "b.md": b})
    assert [(f.code, pos(f)) for f in found] == [
        ("DUP101", ("a.md", 3, 1, 3, len(" ".join(sentences)) + 1)),
        ("DUP101", ("b.md", 3, 1, 6, len(edited[1]) + 1)),
    ]


def test_sentence_split_in_two_is_found():
    merged = ("The nightly job exports every table to the archive bucket, and it sends a summary "
              "of the row counts to the data team before seven in the morning.")
    split = ("The nightly job exports every table to the archive bucket. It sends a summary of "
             "the row counts to the data team before seven in the morning.")
    a = f"{OTHER_A} {merged} {OTHER_B}\n"
    b = f"{OTHER_B}\n\nIntro. {split} Then more text follows here.\n"
    found = run_corpus_rule(NearDuplicatePassage, {"a.md": a, "b.md": b})
    assert [pos(f) for f in found] == [("a.md", 1, 83, 1, 83 + len(merged)),
                                       ("b.md", 3, 8, 3, 8 + len(split))]


def test_positions_after_multibyte_text_and_in_lists_tables_and_quotes():
    a = f"Ünïcödé — naïve café ✓. {SENTENCE}\n"
    b = (f"- item one\n- 日本語のテキスト. {EDITED}\n\n"
         f"| col | text |\n|-----|------|\n| x | {EDITED} |\n\n"
         f"> Quoted. {EDITED}\n")
    found = run_all({"a.md": a, "b.md": b}, table_cells=True)
    assert [(f.code, pos(f)) for f in found] == [
        ("DUP101", ("a.md", 1, 25, 1, 25 + len(SENTENCE))),
        ("DUP102", ("b.md", 2, 13, 2, 13 + len(EDITED))),
        ("DUP102", ("b.md", 6, 7, 6, 7 + len(EDITED))),
        ("DUP102", ("b.md", 8, 11, 8, 11 + len(EDITED))),
    ]
    # The three copies in b.md are exact duplicates of each other; a.md's sentence is
    # near all three and names the first, "and 2 more".
    assert "near-duplicate (0.60) of b.md:2:13 and 2 more" in found[0].message
    assert found[2].message.startswith("exact duplicate of b.md:2:13 and 2 more")
    assert [(location(r.span), r.message) for r in found[2].related] == [
        ("b.md:2:13", "exact duplicate"), ("a.md:1:25", "near-duplicate (0.60)"),
        ("b.md:8:11", "exact duplicate")]


def test_markup_and_case_changes_are_exact_duplicates():
    a = (f"{OTHER_A}\n\nThe **Release Manager** checks that every [migration](a.md) has been "
         "applied to Staging. It uses `make check` here.\n")
    b = (f"{OTHER_B}\n\nthe release manager checks, that every *migration* has been applied to "
         "staging!\n")
    found = run_all({"a.md": a, "b.md": b})
    end_a = 1 + len("The **Release Manager** checks that every [migration](a.md) has been applied "
                    "to Staging.")
    end_b = 1 + len("the release manager checks, that every *migration* has been applied to staging!")
    assert [(f.code, pos(f)) for f in found] == [("DUP102", ("a.md", 3, 1, 3, end_a)),
                                                ("DUP102", ("b.md", 3, 1, 3, end_b))]
    assert found[0].text == ("the release manager checks that every migration has been applied to "
                             "staging")


def test_code_blocks_urls_and_inline_code_are_never_compared():
    code = "```\n" + SENTENCE + "\n```\n"
    a = f"{OTHER_A}\n\n{code}"
    b = f"{OTHER_B}\n\n{code}"
    assert run_all({"a.md": a, "b.md": b}) == []


# -- scope ------------------------------------------------------------------------------
def test_scope_within_and_across_files():
    a = f"{SENTENCE}\n\n{OTHER_A}\n\n{SENTENCE}\n"
    b = f"{OTHER_B}\n"
    c = f"{EDITED}\n"
    texts = {"a.md": a, "b.md": b, "c.md": c}
    both = run_all(texts)
    assert [(f.code, pos(f)[:3]) for f in both] == [
        ("DUP102", ("a.md", 1, 1)), ("DUP102", ("a.md", 5, 1)), ("DUP101", ("c.md", 1, 1))]
    within = run_all(texts, scope="within-file")
    assert [(f.code, pos(f)[:3]) for f in within] == [("DUP102", ("a.md", 1, 1)),
                                                    ("DUP102", ("a.md", 5, 1))]
    cross = run_all(texts, scope="cross-file")
    assert [(f.code, pos(f)[:3]) for f in cross] == [
        ("DUP101", ("a.md", 1, 1)), ("DUP101", ("a.md", 5, 1)), ("DUP101", ("c.md", 1, 1))]
    assert "near-duplicate (0.60) of c.md:1:1" in cross[0].message
    assert "of a.md:1:1 and 1 more" in cross[2].message


# -- DUP104: boilerplate clusters ----------------------------------------------------------
FOOTER = "This page is part of the project handbook; report mistakes in the issue tracker please."


def test_boilerplate_in_five_documents_is_one_cluster():
    topics = ["soup", "parking", "printers", "holidays", "badges"]
    texts = {f"doc{i}.md": f"# Page {i} about {topics[i]}\n\nThis page explains how {topics[i]} "
                           f"work here.\n\n{FOOTER}\n" for i in range(5)}
    found = run_all(texts)
    assert {f.code for f in found} == {"DUP104"}
    assert [pos(f) for f in found] == [(f"doc{i}.md", 5, 1, 5, 1 + len(FOOTER)) for i in range(5)]
    assert found[0].message.startswith(
        "boilerplate repeated in 5 documents (this is the first of 5 places, next at doc1.md:5:1)")
    assert found[3].message.startswith(
        "boilerplate repeated in 5 documents (5 places, first at doc0.md:5:1)")
    assert [r.span.path for r in found[3].related] == ["doc0.md", "doc1.md", "doc2.md", "doc4.md"]
    capped = run_corpus_rule(BoilerplatePassage, texts, max_related=2)
    assert all(len(f.related) == 2 for f in capped)
    # One document fewer: below the cluster size, they are exact duplicates.
    del texts["doc4.md"]
    found = run_all(texts)
    assert [f.code for f in found] == ["DUP102"] * 4
    assert found[1].message.startswith("exact duplicate of doc0.md:5:1 and 2 more")


def test_boilerplate_is_reported_only_when_selected(tmp_path):
    """DUP104 is off by default, and its clusters do not become DUP101/DUP102 pairs."""
    from helpers import textsieve

    topics = ["soup", "parking", "printers", "holidays", "badges"]
    for i, topic in enumerate(topics):
        (tmp_path / f"doc{i}.md").write_text(f"# Page about {topic}\n\nThis page explains how {topic} "
                                             f"work here.\n\n{FOOTER}\n")
    default = textsieve("check", "--no-cache", "--format", "json", str(tmp_path))
    assert json.loads(default.out)["findings"] == []
    chosen = textsieve("check", "--no-cache", "--format", "json", "--extend-select", "DUP104", str(tmp_path))
    assert {f["code"] for f in json.loads(chosen.out)["findings"]} == {"DUP104"}


def test_allow_list_silences_intended_boilerplate():
    texts = {f"doc{i}.md": f"{FOOTER}\n" for i in range(6)}
    assert run_all(texts, allow=["part of the project handbook"]) == []
    assert run_all(texts, allow=["Project Handbook;"]) == []  # as written, case-insensitive
    assert len(run_all(texts)) == 6


def test_identical_corpus_gives_one_finding_per_place_not_pairs():
    texts = {f"d{i:03d}.md": f"{SENTENCE}\n\n{OTHER_A} {OTHER_B}\n" for i in range(200)}
    found = run_corpus_rule(BoilerplatePassage, texts)
    assert len(found) == 400  # two places per document
    assert all(len(f.related) <= 5 for f in found)
    assert "200 documents (200 places, first at d000.md:1:1)" in found[-2].message
    assert run_corpus_rule(NearDuplicatePassage, texts) == []


# -- determinism, verification, cache -----------------------------------------------------
def test_findings_do_not_depend_on_document_order():
    texts = {f"doc{i}.md": f"{OTHER_A if i % 3 else SENTENCE}\n\n{EDITED if i % 2 else OTHER_B}\n"
             for i in range(9)}
    baseline = [(f.code, pos(f), f.message, f.related) for f in run_all(texts)]
    items = list(texts.items())
    random.Random(1).shuffle(items)
    shuffled = [(f.code, pos(f), f.message, f.related) for f in run_all(dict(items))]
    assert baseline == shuffled and baseline


def test_lsh_collisions_never_reach_the_user(monkeypatch):
    # Every passage in every band collides: all pairs become candidates, and only
    # the exactly verified one is reported. (numpy's band keys: the compiled ones are
    # held equal to them in test_speedups.)
    monkeypatch.setattr(sketch, "_speedups", None)
    monkeypatch.setattr(sketch, "band_keys",
                        lambda sig, bands, rows: np.zeros((len(sig), bands), dtype=np.uint32))
    monkeypatch.setattr(match, "estimator_minimum", lambda threshold, values: 0)
    texts = {"a.md": f"{SENTENCE}\n\n{OTHER_A}\n", "b.md": f"{OTHER_B}\n\n{EDITED}\n"}
    found = run_corpus_rule(NearDuplicatePassage, texts)
    assert [pos(f)[:3] for f in found] == [("a.md", 1, 1), ("b.md", 3, 1)]


@pytest.mark.parametrize("jobs, threads", [(1, []), (2, [2])])
def test_jobs_1_keeps_the_lsh_step_in_one_thread(tmp_path, monkeypatch, jobs, threads):
    from concurrent.futures import ThreadPoolExecutor

    from textsieve.runner import run

    started = []

    class Spy(ThreadPoolExecutor):
        def __init__(self, workers):
            started.append(workers)
            super().__init__(workers)

    monkeypatch.setattr(match, "ThreadPoolExecutor", Spy)
    monkeypatch.setattr(match.os, "cpu_count", lambda: 2)
    (tmp_path / "a.md").write_text(f"{SENTENCE}\n")
    (tmp_path / "b.md").write_text(f"{EDITED}\n")
    dup._MEMO_ANALYSIS.clear()
    result = run([str(tmp_path / "a.md"), str(tmp_path / "b.md")], [NearDuplicatePassage({})],
                 jobs=jobs)
    assert started == threads
    assert [f.code for f in result.findings] == ["DUP101", "DUP101"]


def test_second_run_reads_signatures_from_the_cache(tmp_path, monkeypatch):
    calls = []
    real = sketch.sketch_documents
    monkeypatch.setattr(sketch, "sketch_documents",
                        lambda docs, p: calls.extend(d.path for d in docs) or real(docs, p))
    rule = NearDuplicatePassage({})
    rule.cache = Cache(tmp_path)
    texts = {"a.md": f"{SENTENCE}\n", "b.md": f"{EDITED}\n"}
    first = run_corpus_rule(rule, texts)
    second = run_corpus_rule(rule, texts)
    assert calls == ["a.md", "b.md"] and first == second and len(first) == 2
    assert rule.cache.hits == 2
    # A changed option changes the key: the documents are sketched again.
    other = NearDuplicatePassage({"min-words": 5})
    other.cache = rule.cache
    run_corpus_rule(other, texts)
    assert calls == ["a.md", "b.md", "a.md", "b.md"]


def test_empty_and_prose_free_documents():
    texts = {"empty.md": "", "code.md": "```\nprint(1)\n```\n", "blank.txt": "\n\n\n",
             "front.md": "---\ntitle: x\n---\n", "a.md": f"{SENTENCE}\n", "b.md": f"{SENTENCE}\n"}
    found = run_all(texts)
    assert [pos(f)[0] for f in found] == ["a.md", "b.md"]
    assert run_all({"empty.md": ""}) == []


def test_text_and_rst_documents():
    texts = {"a.txt": f"# Notes\n\n{SENTENCE}\n", "b.rst": f"Title\n=====\n\n{EDITED}\n"}
    found = run_corpus_rule(NearDuplicatePassage, texts)
    assert [pos(f) for f in found] == [("a.txt", 3, 1, 3, 1 + len(SENTENCE)),
                                       ("b.rst", 4, 1, 4, 1 + len(EDITED))]


# -- DUP103: titles ------------------------------------------------------------------------
# Five short essays written for this test that restate each other in new words (as the
# person who asked for the tool wrote theirs), under titles built on one template.
ESSAYS = {
    "000.txt": ("Harbour Pilots: A Pillar of Coastal Towns' Maritime Safety",
                "Pilots who board arriving ships know every sandbank of the estuary. Their "
                "knowledge passes from one generation to the next through long apprenticeships. "
                "Without them, the port would close whenever the fog rolls in."),
    "001.txt": ("Lighthouse Keepers: A Pillar of Coastal Towns' Maritime Heritage",
                "The keepers who tended the lamps kept logbooks that historians still read. "
                "Each tower was a small household with its own routines and its own garden. "
                "Automation ended the trade, but the buildings remain as museums."),
    "002.txt": ("Why Tides Matter to Fishing Fleets",
                "Crews plan their departures around the height of the water over the bar. A "
                "missed tide can cost a day of work and a market for the catch. Modern tables "
                "help, yet older skippers trust the colour of the sea."),
    "003.txt": ("Lifeboat Crews: Fundamental Pillar of Coastal Towns' Maritime Safety",
                "Volunteers leave their jobs the moment the pager sounds. They train every week "
                "in all weathers and pay for much of their own equipment through local "
                "donations. Many rescues happen within sight of the harbour wall."),
    "004.txt": ("Shipyards and the Shape of the Waterfront",
                "Slipways once lined the river where apartments stand today. The cranes that "
                "survive are listed structures, repainted every few summers by the council. "
                "Some yards now repair yachts instead of building trawlers."),
}


def _essays() -> dict[str, str]:
    return {name: f"# {title}\n\n{body}\n" for name, (title, body) in ESSAYS.items()}


def test_titles_on_one_template_are_near_identical():
    found = run_corpus_rule(NearIdenticalTitle, _essays())
    assert [pos(f) for f in found] == [("000.txt", 1, 3, 1, 61), ("001.txt", 1, 3, 1, 67),
                                       ("003.txt", 1, 3, 1, 71)]
    assert found[2].message == (
        'near-identical title: "Lifeboat Crews: Fundamental Pillar of Coastal Towns\' Maritime '
        'Safety" shares "Pillar of Coastal Towns\' Maritime Safety" (6 of 9 words) with the '
        "title of 000.txt:1:3 and 1 more; give each document a title that says what is "
        "specific to it")


def test_paraphrases_are_not_duplicate_passages():
    # The essays restate each other in new words; surface similarity finds no copied passage.
    for rule in (NearDuplicatePassage, ExactDuplicatePassage, BoilerplatePassage):
        assert run_corpus_rule(rule, _essays()) == []


def test_titles_exact_short_and_same_document():
    texts = {"a.md": "# Getting Started\n\ntext\n", "b.md": "# Getting started!\n\nmore\n",
             "c.md": "# Overview\n", "d.md": "# Overview\n",
             "e.md": "# Install the command line tool\n\n# Install the command line tool\n"}
    found = run_corpus_rule(NearIdenticalTitle, texts)
    assert [pos(f) for f in found] == [("a.md", 1, 3, 1, 18), ("b.md", 1, 3, 1, 19)]
    assert found[1].message == ('identical title "Getting started!": also the title of a.md:1:3; '
                                "give each document a title of its own")
    assert run_corpus_rule(NearIdenticalTitle, texts, title_levels=0) == []


def test_a_title_shared_by_many_documents_counts_only_other_documents():
    # One cluster of 40 titles: each finding counts and lists the other documents'
    # titles only (a.md has two), and lists at most max-related of them.
    texts = {f"d{i:02}.md": "# Release Notes\n" for i in range(38)}
    texts["a.md"] = "# Release Notes\n\ntext\n\n# Release notes\n"
    found = run_corpus_rule(NearIdenticalTitle, texts, max_related=3)
    assert len(found) == 40
    by_path = {}
    for finding in found:
        by_path.setdefault(finding.path, []).append(finding)
    assert len(by_path["a.md"]) == 2
    assert all(" and 37 more;" in f.message for f in by_path["a.md"])  # 38 d*.md titles
    assert [" and 38 more;" in f.message for f in by_path["d05.md"]] == [True]  # 37 + a.md's 2
    assert all(len(f.related) == 3 and all(r.span.path != f.path for r in f.related)
               for f in found)


def test_title_template_needs_a_long_enough_shared_run():
    texts = {"a.md": "# Caching: How the Build Works\n", "b.md": "# Logging: How the Build Works\n",
             "c.md": "# How to Configure Logging Output Quickly\n"}
    found = run_corpus_rule(NearIdenticalTitle, texts)
    assert [pos(f)[0] for f in found] == ["a.md", "b.md"]
    assert 'shares "How the Build Works" (4 of 5 words)' in found[0].message
    assert run_corpus_rule(NearIdenticalTitle, texts, title_min_shared_words=5) == []


# -- packaging ------------------------------------------------------------------------------
def test_importing_the_rules_does_not_load_datasketch_or_scipy():
    code = ("import sys; import textsieve.rules.duplicates as d; d.RULES; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('datasketch', 'scipy'))))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True,
                         text=True, check=True).stdout
    assert json.loads(out) == []


def test_titles_are_the_same_whether_or_not_the_passage_rules_run(tmp_path):
    # DUP103 takes the titles from the passage rules' sketch when they run: same findings.
    from helpers import textsieve

    for name, title in (("a.md", "Military Cooperation: A Pillar of Islamic Nation's Defense"),
                        ("b.md", "Strategic Alliances: A Pillar of Islamic Nation's Defense"),
                        ("c.rst", "Strategic Alliances\n===================")):
        body = f"# {title}\n\nSome words of the body that differ in {name} only.\n"
        (tmp_path / name).write_text(body if name.endswith(".md") else title + "\n\nBody.\n")
    alone = textsieve("check", "--select", "DUP103", "--no-cache", "--format", "json",
                      str(tmp_path))
    family = textsieve("check", "--select", "DUP", "--no-cache", "--format", "json",
                       str(tmp_path))
    titles = lambda result: [f for f in result.json()["findings"] if f["code"] == "DUP103"]
    assert len(titles(alone)) == 2 and titles(family) == titles(alone)


def test_each_document_text_is_hashed_once_for_the_whole_family(monkeypatch):
    hashed = []
    real = dup.cache_key
    monkeypatch.setattr(dup, "cache_key", lambda *parts: hashed.append(parts[-1]) or real(*parts))
    documents = [make_document(f"# Title {i}\n\nSome words of the body, {i}.\n", f"{i}.md")
                 for i in range(3)]
    rules = [rule({}) for rule in dup.RULES]
    for rule in rules:
        rule.collect_many(documents)
    rules[0].close()
    assert sorted(hashed) == sorted(d.text for d in documents)
    # Other settings are another key.
    assert dup.ExactDuplicatePassage({"min-words": 3})._sketch_key(documents[0]) != \
        rules[1]._sketch_key(documents[0])


@pytest.mark.parametrize("allow", [[], ["quoted words"]])
def test_a_batch_of_documents_is_sketched_as_each_one_alone(allow):
    texts = {"a.md": "# Title of A\n\nFirst sentence of a here. Second one follows it now.\n\n"
                     "- an item with enough words to be a passage of its own\n",
             "b.md": "",
             "c.md": "```\ncode only\n```\n",
             "d.rst": "Title\n=====\n\nCafé naïve coöperation — “quoted” words, in reST. Another one.\n",
             "e.txt": "Plain text paragraph one is here with words.\n\nAnd a second paragraph too.\n",
             "f.md": "# Title of A\n\n" + "Sentence number %d is rather long and wordy. " * 40 % tuple(range(40))}
    params = dup.NearDuplicatePassage({"allow": allow}).sketch_params
    documents = [make_document(text, path) for path, text in texts.items()]
    together = sketch.sketch_documents(documents, params)
    assert len(together) == len(documents)
    assert sum(len(batched.p_first) > 0 for batched in together) >= 3
    for document, batched in zip(documents, together):
        alone = sketch.sketch_document(document, params)
        for name, value in vars(alone).items():
            other = getattr(batched, name)
            if isinstance(value, np.ndarray):
                assert value.dtype == other.dtype and np.array_equal(value, other), (document.path, name)
            else:
                assert value == other, (document.path, name)


# -- bad input ------------------------------------------------------------------------------
def test_a_nul_character_in_a_document_is_not_a_sentence_separator():
    # U+0000 reaches the rules from a UTF-16 file; it once split the batch of sentences
    # into more parts than there were sentences (IndexError).
    with_nul = SENTENCE.replace(" checks ", " checks \x00 ")
    texts = {"a.md": f"{with_nul}\n\nA second paragraph with\x00 enough words to be compared.\n",
             "b.md": f"{SENTENCE}\n\n{OTHER_A}\n"}
    found = run_all(texts)
    assert [(f.code, f.path) for f in found] == [("DUP102", "a.md"), ("DUP102", "b.md")]
    assert sketch.normalise_sentences(["one\x00two", "three"]) == ["one two", "three"]


def test_a_utf16_file_with_nul_is_checked(tmp_path):
    from helpers import textsieve

    text = SENTENCE.replace(" checks ", " checks \x00 ") + f"\n\n{OTHER_A}\n"
    (tmp_path / "a.md").write_bytes(text.encode("utf-16"))
    (tmp_path / "b.md").write_text(f"{SENTENCE}\n", encoding="utf-8")
    result = textsieve("check", "--select", "DUP", "--no-cache", "--format", "json", str(tmp_path))
    assert result.code == 1, result.err
    assert "internal error" not in result.err
    assert sorted(f["code"] for f in result.json()["findings"]) == ["DUP102", "DUP102"]


# -- what is compared: code, tables, navigation -----------------------------------------------
ENV = ("Each directive that runs during a build can read the settings of the project, which "
       "are available as ``self.{}`` on the directive object itself.")


def test_inline_code_takes_part_in_the_comparison():
    # Masked code once vanished before comparing: the two sentences were exact duplicates.
    texts = {"a.rst": ENV.format("env") + "\n", "b.rst": ENV.format("config") + "\n"}
    assert run_all(texts) == []
    # Differing only in the code, they are parallel phrasing (reported when frames are on),
    # and never exact duplicates.
    assert [f.code for f in run_all(texts, frames=True)] == ["DUP101", "DUP101"]
    same = {"a.rst": ENV.format("env") + "\n", "b.rst": ENV.format("env") + "\n"}
    assert [f.code for f in run_all(same)] == ["DUP102", "DUP102"]
    # Markdown code spans count by their content: `x` and ``x`` are one token.
    md = {"a.md": ENV.replace("``", "`").format("env") + "\n", "b.rst": ENV.format("env") + "\n"}
    assert [f.code for f in run_all(md)] == ["DUP102", "DUP102"]


def test_link_targets_are_not_compared_but_code_in_messages_is_left_out():
    one = "Hugo determines a match using a case-insensitive [glob pattern][] and the `path` of the page."
    two = "Hugo determines a match using a case-insensitive [glob pattern](g) and the `path` of the page."
    found = run_all({"a.md": one + "\n", "b.md": two + "\n"})
    assert [f.code for f in found] == ["DUP102", "DUP102"]
    assert '"Hugo determines a match using a case…"' in found[0].message
    assert "zq" not in found[0].text and found[0].text.startswith("hugo determines a match")


def test_table_cells_are_not_passages_unless_asked_and_never_twins_in_one_table():
    cell = "The build fails when the lock file is older than the manifest it was made from."
    table = f"| Option | Meaning |\n|---|---|\n| a | {cell} |\n| b | {cell} |\n"
    assert run_all({"a.md": table}) == []
    assert run_all({"a.md": table}, table_cells=True) == []  # rows of one table
    found = run_all({"a.md": table, "b.md": f"{cell}\n"}, table_cells=True)
    assert [(f.code, f.path, f.span.line) for f in found] == [
        ("DUP102", "a.md", 3), ("DUP102", "a.md", 4), ("DUP102", "b.md", 1)]
    assert found[0].message.startswith("exact duplicate of b.md:1:1:")  # not of row 4


def test_lists_of_links_are_navigation():
    chapters = {f"ch{i}.md": f"# {title}\n\n{body}\n" for i, (title, body) in enumerate([
        ("How the Build Cache Decides What to Rebuild Next",
         "A crate is a compilation unit that the build compiles and caches as one piece."),
        ("Publishing Your Packages to the Shared Registry Safely",
         "Publishing uploads the package and its metadata so that other teams can depend on it."),
    ])}
    summary = ("# Summary\n\n"
               "- [How the Build Cache Decides What to Rebuild Next](ch0.md)\n"
               "- [Publishing Your Packages to the Shared Registry Safely](ch1.md)\n"
               "- [Appendix: every option of the command line tool explained](ch2.md)\n")
    index = ("# Index\n\n"
             "- [Crates](ch0.md) - A crate is a compilation unit that the build compiles and caches as one piece.\n"
             "* [Publishing](ch1.md): Publishing uploads the package and its metadata so that other teams can depend on it.\n")
    translations = ("Translations: [日本語](https://ja.example.org/), [Español](https://es.example.org/), "
                    "[Português](https://pt.example.org/), [한국어](https://ko.example.org/)\n")
    texts = dict(chapters, **{"SUMMARY.md": summary, "index.md": index,
                              "news1.md": translations, "news2.md": translations})
    assert run_all(texts, min_words=4) == []


# -- parallel phrasing, stock lines and templating ----------------------------------------------
def test_one_sentence_frame_with_other_names_is_not_a_near_duplicate():
    texts = {
        "a.md": "First, we'll extract the `front_of_house` module to its own file and move its code there.\n",
        "b.md": "Next, we'll extract the `hosting` module to its own file and move its code there.\n",
        "c.md": "Path to the peer server TLS key file, used both for server and client traffic alike.\n",
        "d.md": "Path to the peer server TLS cert file, used both for server and client traffic alike.\n",
        "e.md": "In the future, whenever you push a change from your local repository, Cloudflare will "
                "rebuild and deploy your site.\n",
        "f.md": "In the future, whenever you push a change from your local repository, Vercel will "
                "rebuild and deploy your site. Vercel runs on Linux.\n",
    }
    assert run_all(texts) == []
    assert len(run_all(texts, frames=True)) == 6
    # A copied paragraph with a word changed is a near-duplicate all the same.
    paragraph = (f"{SENTENCE} {OTHER_A} Each team keeps its own runbook in the wiki and reviews "
                 "it after every incident.")
    copied = {"a.md": paragraph + "\n", "b.md": paragraph.replace("wiki", "handbook") + "\n"}
    assert [f.code for f in run_all(copied)] == ["DUP101", "DUP101"]


def test_a_short_line_said_twice_is_a_stock_phrase():
    line = "This is very useful for printed copies of the manual."
    texts = {"a.md": f"{OTHER_A}\n\n{line}\n", "b.md": f"{OTHER_B}\n\n{line}\n"}
    assert run_all(texts) == []
    assert [f.code for f in run_all(texts, frames=True)] == ["DUP102", "DUP102"]


def test_stock_lead_ins_and_short_lines_are_no_boilerplate():
    topics = ["soup", "parking", "holidays", "printers", "badges", "plants"]
    pages = {f"p{i}.md": (f"# Chapter {i} on {topic}\n\nThis page explains how {topic} work in the "
                          f"office on day {i}.\n\n"
                          "When we compile this code, we get this error:\n\n```\nerror\n```\n\n"
                          "Adjust the relevant privacy settings in your project configuration.\n")
             for i, topic in enumerate(topics)}
    assert run_all(pages) == []
    # A real paragraph repeated in six pages is boilerplate.
    footer = ("This page is part of the operations handbook, and the platform team reviews it "
              "every quarter before the planning meeting.")
    found = run_all({p: t + f"\n{footer}\n" for p, t in pages.items()})
    assert {f.code for f in found} == {"DUP104"} and len(found) == 6


def test_include_shortcodes_are_not_boilerplate():
    include = '{{% include "/_common/installation/prerequisites.md" %}}\n'
    pages = {f"install{i}.md": f"# Install on system {i}\n\n{include}\nSteps for system {i} only.\n"
             for i in range(6)}
    assert run_all(pages, min_words=2) == []


# -- languages and versions of one set of documents ---------------------------------------------
def test_a_translation_is_not_compared_with_its_source():
    english = f"# Guide\n\n{SENTENCE}\n\n{OTHER_A}\n"
    texts = {"content/en/guide.md": english, "content/ja/guide.md": f"# ガイド\n\n{SENTENCE}\n",
             "content/fr/guide.md": f"# Guide\n\n{EDITED}\n"}
    assert run_all(texts) == []
    found = run_all(texts, untranslated=True)
    assert [(f.code, f.path) for f in found] == [("DUP102", "content/ja/guide.md")]
    assert found[0].message.startswith(
        "untranslated copy of content/en/guide.md:3:1 (en): \"The release manager checks that "
        "every…\"; translate it, or disable DUP102 here if it stays in en")
    # Passages of one language are compared as ever.
    texts["content/ja/other.md"] = f"{SENTENCE}\n"
    assert [(f.code, f.path) for f in run_all(texts)] == [
        ("DUP102", "content/ja/guide.md"), ("DUP102", "content/ja/other.md")]


def test_languages_declared_in_front_matter_are_not_compared():
    texts = {"a.md": f"---\nlang: en\n---\n{SENTENCE}\n", "b.md": f"---\nlang: fr\n---\n{SENTENCE}\n",
             "c.md": f"---\ntitle: x\n---\n{OTHER_A}\n"}
    assert run_all(texts) == []
    texts["d.md"] = f"{SENTENCE}\n"  # no language: the corpus's usual one (en)
    assert [f.path for f in run_all(texts)] == ["a.md", "d.md"]


def test_versions_of_the_docs_are_compared_within_their_version():
    texts = {f"docs/v3.{k}/faq.md": f"# FAQ\n\n{SENTENCE}\n\n{OTHER_A}\n" for k in range(4, 7)}
    assert run_all(texts) == []
    texts["docs/v3.6/guide.md"] = f"# Guide for 3.6\n\n{SENTENCE}\n"
    assert [f.path for f in run_all(texts)] == ["docs/v3.6/faq.md", "docs/v3.6/guide.md"]
    # Titles too: each version's FAQ has the same title by design.
    assert run_corpus_rule(NearIdenticalTitle, texts) == []


# -- DUP103 --------------------------------------------------------------------------------------
def test_titles_keep_plus_and_hash_and_code():
    texts = {"c.rst": "The C Domain\n============\n\nText.\n",
             "cpp.rst": "The C++ Domain\n==============\n\nText.\n",
             "cs.md": "# The C# Domain\n", "env.md": "# The `env` attribute of a directive\n",
             "config.md": "# The `config` attribute of a directive\n"}
    assert run_corpus_rule(NearIdenticalTitle, texts, title_min_shared_words=5) == []
    texts["cpp2.md"] = "# The C++ Domain\n"
    found = run_corpus_rule(NearIdenticalTitle, texts, title_min_shared_words=5)
    assert [f.path for f in found] == ["cpp.rst", "cpp2.md"]
    assert found[0].message == ('identical title "The C++ Domain": also the title of cpp2.md:1:3; '
                                "give each document a title of its own")
    assert found[0].related[0].message == "identical title"


def test_titles_that_differ_only_in_a_version_or_year_are_a_series():
    texts = {f"release/{v}-notes.rst": f"NumPy {v} Release Notes\n{'=' * 30}\n\nText.\n"
             for v in ("1.5.0", "2.5.0", "2.6.0")}
    texts.update({"2023.md": "# Annual Report of the Platform Team for 2023\n",
                  "2024.md": "# Annual Report of the Platform Team for 2024\n"})
    assert run_corpus_rule(NearIdenticalTitle, texts) == []
    # Other numbers are the title's words: these two guides share a title apart from one.
    steps = {"a.md": "# Step 1: Configure the Platform Team Runners\n",
             "b.md": "# Step 2: Configure the Platform Team Runners\n"}
    assert [f.path for f in run_corpus_rule(NearIdenticalTitle, steps)] == ["a.md", "b.md"]


def test_a_page_left_where_a_moved_one_was_has_no_title():
    texts = {"dev/alignment.rst": "Memory alignment\n================\n\nHow numpy aligns the data of "
                                  "arrays, and why it matters for speed.\n",
             "reference/alignment.rst": ":orphan:\n\nMemory alignment\n================\n\n"
                                        "This document has been moved to :ref:`alignment`.\n"}
    assert run_corpus_rule(NearIdenticalTitle, texts) == []
    texts["reference/alignment.rst"] = texts["reference/alignment.rst"].replace("has been moved", "is")
    assert len(run_corpus_rule(NearIdenticalTitle, texts)) == 2


def test_a_navigation_document_has_no_title():
    book = "# The Rust Programming Language\n\n[Foreword](foreword.md)\n"
    summary = ("# The Rust Programming Language\n\n- [Foreword](foreword.md)\n"
               "- [Introduction](intro.md)\n- [Getting Started](start.md)\n")
    assert run_corpus_rule(NearIdenticalTitle, {"title-page.md": book, "SUMMARY.md": summary}) == []


def test_a_copy_with_words_added_at_an_edge_is_not_parallel_phrasing():
    sentence = ("The sample payload must stay text in every report that quotes it, never markup "
                "in the page.")
    found = run_all({"a.md": f"# A\n\n{sentence}\n", "b.md": f"# B\n\nIt is quoted again: {sentence}\n"})
    assert [(f.code, f.path) for f in found] == [("DUP101", "a.md"), ("DUP101", "b.md")]
    # A frame with a different thing named in it is still parallel phrasing.
    frame = "now we move the {} module into a file of its own so that the crate stays small and easy to read"
    assert match.parallel_frame(frame.format("parser").split(), frame.format("lexer").split())


@pytest.mark.xfail(strict=True, reason="regression of 632197f: the sentence after a short lead-in "
                   "ending in a colon is dropped with the lead-in, so its exact repeat goes unreported")
def test_a_sentence_after_a_colon_lead_in_is_still_a_passage():
    sentence = ("The sample payload must stay text in every report that quotes it, never markup "
                "in the page.")
    text = f"# Notes\n\n{sentence}\n\nIt is quoted again: {sentence}\n"
    assert {f.code for f in run_all({"a.md": text})} == {"DUP102"}


def test_release_notes_are_compared_with_themselves_only():
    para = (f"{SENTENCE} Each team keeps its own runbook in the wiki and reviews it after every "
            "incident, as the last release showed.")
    notes = {"doc/release/1.21.3-notes.rst": f"Release 1.21.3\n==============\n\n{para}\n",
             "doc/release/1.21.4-notes.rst": f"Release 1.21.4\n==============\n\n{para}\n",
             "CHANGELOG.md": f"# Changes\n\n{para}\n"}
    # Notes share entries with each other and with the reference page they describe.
    assert run_all(dict(notes, **{"doc/guide.rst": f"Guide\n=====\n\n{para}\n"})) == []
    # Within one record, a repeated section is still a copy.
    found = run_all({"doc/changes/2.0.rst": f"2.0\n===\n\n{para}\n\n{OTHER_A}\n\n{para}\n"})
    assert [f.path for f in found] == ["doc/changes/2.0.rst", "doc/changes/2.0.rst"]
    # Nor are they boilerplate: five releases' notes repeating their template.
    many = {f"doc/release/1.{i}.0-notes.rst": f"Release 1.{i}\n===========\n\n{para}\n" for i in range(6)}
    assert run_all(many) == []
    # A page whose name only starts like one is no record.
    assert len(run_all({"functions/NewScratch.md": f"# A\n\n{para}\n", "b.md": f"# B\n\n{para}\n"})) == 2


def test_versions_of_one_guide_side_by_side_are_not_each_others_copies():
    para = (f"{SENTENCE} Each team keeps its own runbook in the wiki and reviews it after every "
            "incident, as the last release showed.")
    guides = {f"upgrades/upgrade_3_{i}.md": f"# Upgrade to 3.{i}\n\n{para}\n" for i in (4, 5)}
    assert run_all(guides) == []
    # Another page that repeats them is a copy as ever.
    found = run_all(dict(guides, **{"op-guide/maintenance.md": f"# Maintenance\n\n{para}\n"}))
    assert sorted(f.path for f in found) == ["op-guide/maintenance.md", "upgrades/upgrade_3_4.md",
                                             "upgrades/upgrade_3_5.md"]
    assert "upgrade_3_5" not in next(f.message for f in found if f.path.endswith("upgrade_3_4.md"))


def test_posts_share_text_without_being_copies_to_merge():
    para = (f"{SENTENCE} Each team keeps its own runbook in the wiki and reviews it after every "
            "incident, as the last release showed.")
    posts = {"_posts/2024-01-02-release-1-1.md": f"# Release 1.1\n\n{para}\n",
             "blog/2024/release-1-2.md": f"# Release 1.2\n\n{para}\n"}
    assert run_all(posts) == []
    # A maintained page that repeats a post is a copy as ever, and so is a post that
    # repeats itself.
    found = run_all(dict(posts, **{"guide.md": f"# Guide\n\n{para}\n"}))
    assert [(f.code, f.path) for f in found] == [
        ("DUP102", "_posts/2024-01-02-release-1-1.md"), ("DUP102", "blog/2024/release-1-2.md"),
        ("DUP102", "guide.md")]
    assert all("guide.md" in f.message for f in found[:2])
    assert [f.path for f in run_all({"news/a.md": f"{para}\n\n{OTHER_A}\n\n{para}\n"})] == [
        "news/a.md", "news/a.md"]
    # In five posts it is boilerplate, which belongs in a layout.
    many = {f"blog/post{i}.md": f"# Post {i}\n\n{para}\n" for i in range(5)}
    assert {f.code for f in run_all(many)} == {"DUP104"}


def test_entries_of_one_page_on_one_pattern_are_not_near_duplicates():
    page = ("# Options\n\n"
            "refLinksNotFoundURL\n\n"
            ": The URL to return when the ref and relref functions, methods, and shortcodes are "
            "unable to resolve a reference to a page.\n\n"
            "refLinksErrorLevel\n\n"
            ": The logging error level to use when the ref and relref functions, methods, and "
            "shortcodes are unable to resolve a reference to a page. Either one or the other.\n")
    assert run_all({"a.md": page}) == []
    assert [f.code for f in run_all({"a.md": page}, frames=True)] == ["DUP101", "DUP101"]
    # In two pages, or sharing a sentence, they are near-duplicates as ever.
    one, two = page.split("refLinksErrorLevel")
    assert [f.code for f in run_all({"a.md": one, "b.md": "# Other\n\n" + two})] == ["DUP101"] * 2


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "(", ")", "!", "<", ">", "a", "b c", "`", ":ref:", ":doc:",
                                 "_", "__", "\n", "\n\n", " ", "https:", "//x", "<a href=x>", "</a>",
                                 "[x]", "[ ]"]), max_size=30).map("".join))
def test_link_scan_look_ahead_changes_no_match(text):
    # The look-ahead only lets the scan skip characters where no link can start.
    prefix = "\n    (?=[!\\[<:`])(?:"
    pattern = dtext._LINK.pattern
    assert pattern.startswith(prefix)
    plain = pattern[len(prefix):].split("\n", 1)[1].rstrip()
    assert plain.endswith(")")
    plain = re.compile(plain[:-1], dtext._LINK.flags)
    assert [m.span() for m in dtext._LINK.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_a_rest_section_among_others_is_no_title():
    # docutils makes a title only of a first section that has no sibling: a PEP's
    # first section ("Rejection Notice"), adorned like the "Abstract" after it, is
    # not the document's title. An overlined title above underlined sections is.
    pep = "PEP: {n}\nTitle: {t}\n\nRejection Notice\n================\n\nRejected.\n\nAbstract\n========\n\nText.\n"
    texts = {"pep-0001.rst": pep.format(n=1, t="One"), "pep-0002.rst": pep.format(n=2, t="Two")}
    assert run_corpus_rule(NearIdenticalTitle, texts) == []
    page = "=============\nInstall guide\n=============\n\nText.\n\nLinux\n=====\n\nMore.\n\nMacOS\n=====\n"
    texts = {"a.rst": page, "b.rst": page.replace("Linux", "Windows")}
    assert [f.path for f in run_corpus_rule(NearIdenticalTitle, texts)] == ["a.rst", "b.rst"]
