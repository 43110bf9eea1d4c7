"""DUP, across the corpus: exact groups, LSH candidates, exact verification, clusters.

This is the ``check_corpus`` half of the DUP rules; it runs once, in the main
process, on the ``DocSketch`` of every document.

1. **Exact groups**: passages with the same normalised text (hash, then string
   comparison) form one group; only the first member of a group goes on.
2. **Candidates**: the classic LSH banding (b bands of r rows, chosen by
   ``choose_bands``), done with one numpy sort per band over all passages and
   one pass over its runs (compiled in ``textsieve._speedups`` when it is built)
   instead of datasketch's ``MinHashLSH`` dictionaries, which cost about 8 KB
   and 0.1 ms per key (``benchmarks/dup_speed.py lsh-baseline``): 200 MB of
   prose has about four million passages. A bucket of more than
   ``BUCKET_ANCHORS`` passages pairs each member with its first
   ``BUCKET_ANCHORS`` members only, so no bucket is quadratic; a bucket made
   only of overlapping windows of one paragraph is skipped before pairing
   (they are most collisions). A b-bit MinHash — the two low bits of every
   signature value, less the band that collided — then estimates each
   candidate's similarity and drops those that cannot be near the threshold
   (a pair exactly at it is dropped with probability <= 0.004).
3. **Verification**: every candidate's true Jaccard similarity over its exact
   shingle sets (strings, no hashing) must reach the threshold; nothing the LSH
   proposes is reported unverified. A verified pair is dropped when a passage
   inside one side matches the other side at least as well (``undominated``).
4. **Places**: in each document, matched passages that overlap merge into one
   place (so overlapping windows give one finding); places linked by exact
   groups or verified pairs form clusters (union-find). Every place of a
   cluster gets one finding that names its earliest twin (by path, then
   offset) with the similarity, and how many more places repeat it; links are
   capped per place, so a passage in a thousand documents gives a thousand
   findings with short ``related`` lists, never a million pairs.
"""

from __future__ import annotations

import bisect
import os
import re
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from textsieve.findings import Related, Span, span_in
from textsieve.rule import cyclic_gc_paused
from textsieve.rules.duplicates_sketch import (DocSketch, _speedups, sentence_shingles, sorted_unique,
                                               without_tokens, word_hashes)
from textsieve.rules.duplicates_text import (ANCHORS, MatchParams, Reported, UnionFind, Variants,
                                             corpus_variants, location)

BUCKET_ANCHORS = 256  # an LSH bucket up to this size gives all its pairs; a larger one, each
# member with its first BUCKET_ANCHORS members (short passages that share very common
# shingles make buckets of dozens: a smaller cap lost 6% of true pairs in dup_quality.py)
VERIFY_CACHE = 65536  # sentence shingle sets kept for verification
TRIM_EACH_BAND_FROM = 1_000_000  # passages: from here on, freed memory goes back after each band
PAIR_CHUNK = 1 << 20  # pairs of a band made and filtered at a time (bounds the memory)
SCOPE_CODES = {"both": 0, "cross-file": 1, "within-file": 2}  # as _speedups.band_pairs takes them


# -- the corpus as flat arrays ------------------------------------------------
class Corpus:
    def __init__(self, collected: list[tuple[str, DocSketch]]):
        pairs = sorted(((p, d) for p, d in collected if isinstance(d, DocSketch)),
                       key=lambda pd: pd[0])
        self.paths = [p for p, _ in pairs]
        self.docs = [d for _, d in pairs]
        counts = np.array([len(d.p_first) for d in self.docs], dtype=np.int64)
        self.base = np.concatenate(([0], np.cumsum(counts)))
        self.n = int(self.base[-1])
        self.p_doc = np.repeat(np.arange(len(self.docs), dtype=np.int32), counts)
        cat = (lambda name, dtype: np.concatenate([getattr(d, name) for d in self.docs]).astype(dtype)
               if self.docs else np.zeros(0, dtype=dtype))
        self.p_first = cat("p_first", np.int32)
        self.p_last = cat("p_last", np.int32)
        # Estimators and band keys are the bulk of the data: each goes into one
        # array (band keys one row per band), and every document's array becomes
        # a view of it, freed pages handed back as the copy goes, so nothing is
        # held twice.
        self.p_bits, self.p_bands = self._gather()
        self.p_words = self.p_bits.view(np.uint64)  # the estimators, 32 values a word
        first = self.docs[0] if self.docs else None
        self.num_perm = first.num_perm if first else 0
        self.rows = first.rows if first else 0
        self.padding = self.p_bits.shape[1] * 4 - self.num_perm if first else 0
        # A number for every segment of the corpus, increasing with the passage index.
        segment = np.zeros(self.n, dtype=np.int32)
        for d, doc in enumerate(self.docs):
            lo, hi = self.base[d], self.base[d + 1]
            if hi > lo:
                segment[lo:hi] = doc.sent_seg[doc.p_first]
        new_segment = np.ones(self.n, dtype=bool)
        if self.n:
            new_segment[1:] = (self.p_doc[1:] != self.p_doc[:-1]) | (segment[1:] != segment[:-1])
        del segment
        self.p_segid = (np.cumsum(new_segment, dtype=np.int64) - 1).astype(np.int32)
        # The table of each passage (-1: none), when table cells are compared.
        self.p_table = None
        if any(len(doc.seg_table) for doc in self.docs):
            self.p_table = np.full(self.n, -1, dtype=np.int32)
            for d, doc in enumerate(self.docs):
                lo, hi = self.base[d], self.base[d + 1]
                if hi > lo and len(doc.seg_table):
                    self.p_table[lo:hi] = doc.seg_table[doc.sent_seg[doc.p_first]]

    def _gather(self) -> tuple[np.ndarray, np.ndarray]:
        """Every document's estimators (passages by row) and band keys (one row per
        band: what each band's sort reads; documents send them band-major) in one
        array each. Each document's arrays become views into them and its own
        buffer is freed as the copy goes."""
        if not self.docs:
            return np.zeros((0, 8), dtype=np.uint8), np.zeros((1, 0), dtype=np.uint32)
        # Rows padded with zeros to whole 64-bit words, which the estimator reads.
        width = self.docs[0].p_bits.shape[1]
        bits = np.zeros((self.n, -(-width // 8) * 8), dtype=np.uint8)
        bands = np.empty((self.docs[0].p_bands.shape[0], self.n), dtype=np.uint32)
        freed = 0
        for d, doc in enumerate(self.docs):
            lo, hi = self.base[d], self.base[d + 1]
            bits[lo:hi, :width] = doc.p_bits
            bands[:, lo:hi] = doc.p_bands
            doc.p_bits, doc.p_bands = bits[lo:hi, :width], bands[:, lo:hi]
            freed += 1
            if freed >= 8000:
                _release_freed_memory()
                freed = 0
        _release_freed_memory()
        return bits, bands

    def band(self, j: int, index: np.ndarray) -> np.ndarray:
        """Band ``j``'s key of the passages ``index``."""
        return self.p_bands[j][index]

    # -- text and positions --------------------------------------------------
    def norm_bounds(self, d: int, first: int, last: int) -> tuple[int, int]:
        doc = self.docs[d]
        return int(doc.sent_norm[first, 0]), int(doc.sent_norm[last - 1, 1])

    def text(self, d: int, first: int, last: int) -> str:
        s, e = self.norm_bounds(d, first, last)
        return self.docs[d].norm[s:e]

    def passage_text(self, p: int) -> str:
        return self.text(int(self.p_doc[p]), int(self.p_first[p]), int(self.p_last[p]))

    def span(self, d: int, first: int, last: int) -> Span:
        doc = self.docs[d]
        start, end = int(doc.sent_src[first, 0]), int(doc.sent_src[last - 1, 1])
        return span_in(self.paths[d], doc.line_starts, start, end)

    def excerpt(self, d: int, first: int, last: int, limit: int = 44) -> str:
        """The start of a passage for messages: normalised text (words only), as
        the original is not kept for millions of sentences."""
        doc = self.docs[d]
        s, e = int(doc.sent_norm[first, 0]), int(doc.sent_norm[last - 1, 1])
        end = min(e, s + limit + 20)
        text = without_tokens(doc.norm[s:end])
        while len(text) <= limit + 1 and end < e:  # tokens took the room: read on
            end = min(e, end + limit + 20)
            text = without_tokens(doc.norm[s:end])
        return text[:1].upper() + text[1:]


def _release_freed_memory() -> None:
    """Give the heap pages freed by the documents' small arrays back to the system
    (glibc keeps them otherwise, and the peak memory of a 200 MB corpus grows by
    their size). A no-op where there is no glibc."""
    if _TRIM[0] is None:
        try:
            import ctypes

            _TRIM[0] = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM[0] = False
    if _TRIM[0]:
        _TRIM[0](0)


_TRIM: list = [None]


# -- 1. exact groups -----------------------------------------------------------
def exact_groups(corpus: Corpus, doc_variant: np.ndarray | None = None) -> np.ndarray:
    """``group[p]``: the first passage with the same normalised text as ``p`` (in the
    same variant of the corpus, ``doc_variant`` numbering each document's)."""
    n = corpus.n
    group = np.arange(n, dtype=np.int64 if n >= 2 ** 31 else np.int32)
    if n == 0:
        return group
    exact = (np.concatenate([d.p_exact for d in corpus.docs]) if corpus.docs
             else np.zeros(0, dtype=np.uint64))
    variant = None
    if doc_variant is not None:
        variant = doc_variant[corpus.p_doc]
        with np.errstate(over="ignore"):
            exact = exact ^ ((variant.astype(np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15))
    order = np.argsort(exact)  # not stable (2.5 times faster): each group is sorted below
    keys = exact[order]
    del exact
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    ends = np.concatenate((starts[1:], [n]))
    for s, e in zip(starts[ends - starts > 1], ends[ends - starts > 1]):
        members = np.sort(order[s:e])  # the first passage of a group represents it
        # The hash is 64 bits; the string comparison makes "exact" exact.
        by_text: dict[tuple, int] = {}
        for p in members:
            key = (corpus.passage_text(int(p)), -1 if variant is None else int(variant[p]))
            group[p] = by_text.setdefault(key, int(p))
    return group


# -- 2. LSH candidates -----------------------------------------------------------
def estimator_minimum(threshold: float, values: int, miss: float = 0.004) -> int:
    """Fewest equal 2-bit values (of ``values`` independent of the colliding band)
    a candidate needs to go on to exact verification: a pair exactly at
    ``threshold`` falls below it with probability at most ``miss`` (two 2-bit
    values of different shingles agree by chance one time in four)."""
    from math import comb

    p = threshold + (1.0 - threshold) / 4.0
    below = 0.0
    for k in range(values + 1):
        below += comb(values, k) * p ** k * (1.0 - p) ** (values - k)
        if below > miss:
            return k
    return values


_LOW_BITS = np.uint64(0x5555555555555555)  # the low bit of every 2-bit field


def agreeing_values(corpus: Corpus, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """How many 2-bit values of passages ``x`` and ``y`` are equal: a word of 32
    values at a time, XORed, each field's two bits folded into one, counted."""
    words = corpus.p_words
    differ = np.zeros(len(x), dtype=np.int32)
    for k in range(words.shape[1]):
        diff = words[x, k] ^ words[y, k]
        diff |= diff >> np.uint64(1)
        diff &= _LOW_BITS
        differ += np.bitwise_count(diff)
    return 32 * words.shape[1] - corpus.padding - differ


def _run_pairs(members: np.ndarray, starts: np.ndarray, lengths: np.ndarray):
    """Pairs (a, b) of the members of each run, a before b: all pairs in a run of at
    most BUCKET_ANCHORS members; in a longer run, each of its first BUCKET_ANCHORS
    members with every later one (so no bucket is quadratic). ``members[starts[r]:
    starts[r] + lengths[r]]`` is run ``r``, in passage order.

    Pairs come run by run, in chunks of about PAIR_CHUNK: the estimators of one run
    are read while they are in the processor's cache, which made the estimate
    three times faster than pairs ordered across runs."""
    if len(lengths) == 0:
        return
    run_start = np.repeat(starts, lengths)
    index = np.arange(len(run_start)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    position = run_start + index  # of each run member, in ``members``
    count = np.repeat(lengths, lengths) - 1 - index  # pairs it opens: with every later member
    count[index >= BUCKET_ANCHORS] = 0
    del run_start, index
    total = np.cumsum(count)
    cuts = np.searchsorted(total, np.arange(PAIR_CHUNK, int(total[-1]), PAIR_CHUNK), side="left")
    for lo, hi in zip(np.concatenate(([0], cuts + 1)), np.concatenate((cuts + 1, [len(count)]))):
        c = count[lo:hi]
        n = int(c.sum())
        if n == 0:
            continue
        a = np.repeat(position[lo:hi], c)
        b = a + 1 + (np.arange(n) - np.repeat(np.cumsum(c) - c, c))
        yield members[a], members[b]


def lsh_candidates(corpus: Corpus, reps: np.ndarray, bands: int, scope: str, threshold: float,
                   stats: dict | None = None, threads: int = 0) -> np.ndarray:
    """Candidate pairs (i < j, global passage indices) that share a band key, are
    allowed by ``scope``, do not overlap, and pass the b-bit estimate.

    One sort per band (the key and the passage number packed in one uint64, so
    ties keep passage order and anchors are the earliest passages), then one pass over
    its runs (compiled, or ``_band_pairs_numpy``); bands run in two threads (one
    when ``threads`` is 1: ``--jobs 1``), as both release the GIL.
    """
    stats = stats if stats is not None else {}
    stats.setdefault("band_collisions", 0)
    if len(reps) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    # The 2-bit values of the whole signature, less the ``rows`` values of the band
    # that made the pair a candidate (equal by construction), estimate J.
    rows = corpus.rows
    need = estimator_minimum(threshold, corpus.num_perm - rows) + rows
    if corpus.n >= 1 << 32:  # passage numbers go in the low half of the sort keys
        raise ValueError(f"{corpus.n} passages: more than DUP can number (2**32)")
    numbers = np.asarray(reps, dtype=np.uint64)
    # What the compiled pass reads of each passage, one 16-byte row apiece.
    passages = (np.stack((corpus.p_segid, corpus.p_first, corpus.p_last, corpus.p_doc), axis=1)
                if _speedups is not None else None)

    def one_band(j: int):
        packed = corpus.band(j, reps).astype(np.uint64)
        packed <<= np.uint64(32)
        packed |= numbers
        packed.sort()
        if _speedups is not None:
            collisions, keys = _speedups.band_pairs(
                packed, passages, corpus.p_words, corpus.padding, need, SCOPE_CODES[scope],
                BUCKET_ANCHORS)
            del packed
            kept = np.frombuffer(keys, dtype=np.int64)
        else:
            collisions, kept = _band_pairs_numpy(corpus, packed, scope, need)
        if trim_each_band:  # each thread's heap holds its band's freed arrays otherwise
            _release_freed_memory()
        return collisions, kept

    # Two threads halve the time (the sorts, gathers and band_pairs release the GIL).
    # Without the compiled pass, on large corpora the threads' heaps are trimmed after
    # every band, which costs a little time and keeps ~100 MB of freed numpy arrays
    # from the peak memory (band_pairs leaves none).
    trim_each_band = len(reps) >= TRIM_EACH_BAND_FROM and _speedups is None
    workers = max(1, min(2, threads or 2, os.cpu_count() or 1))
    if workers == 1:
        results = [one_band(j) for j in range(bands)]
    else:
        with ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(one_band, range(bands)))
    stats["band_collisions"] += sum(n for n, _ in results)
    found = [keys for _, keys in results if len(keys)]
    del results
    _release_freed_memory()
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    keys = np.concatenate(found)
    del found
    keys = sorted_unique(keys)
    return np.stack((keys // corpus.n, keys % corpus.n), axis=1)


def _band_pairs_numpy(corpus: Corpus, packed: np.ndarray, scope: str,
                      need: int) -> tuple[int, np.ndarray]:
    """One band's pairs made (count) and kept (keys ``a * n + b``) from its sorted
    ``packed`` keys, with numpy alone (``_speedups.band_pairs`` compiled)."""
    keys = packed.view(np.uint32)[1::2]  # the high halves (little-endian), no copy
    if sys.byteorder != "little":
        keys = (packed >> np.uint64(32)).astype(np.uint32)
    same = (keys[1:] == keys[:-1]).view(np.int8)
    del keys
    if not same.any():
        return 0, np.zeros(0, dtype=np.int64)
    edge = np.zeros(1, dtype=np.int8)
    step = np.diff(np.concatenate((edge, same, edge)))
    del same
    run_start = np.flatnonzero(step == 1)
    lengths = np.flatnonzero(step == -1) + 1 - run_start
    del step
    # Only the passages in a run of two or more, in sorted order.
    starts = np.cumsum(lengths) - lengths
    where = np.repeat(run_start - starts, lengths) + np.arange(int(lengths.sum()))
    members = (packed[where] & np.uint64(0xFFFFFFFF)).astype(np.int64)
    del packed, where
    # Most collisions are windows of one paragraph sharing a sentence with each
    # other: a run of one segment whose passages all share a sentence gives no
    # pair worth checking, and is dropped before its pairs are made.
    segment = corpus.p_segid[members]
    pure = segment[starts] == segment[starts + lengths - 1]
    common = (np.maximum.reduceat(corpus.p_first[members], starts)
              < np.minimum.reduceat(corpus.p_last[members], starts))
    useful = ~(pure & common)
    starts, lengths = starts[useful], lengths[useful]
    collisions, kept = 0, []
    for a, b in _run_pairs(members, starts, lengths):
        collisions += len(a)
        kept.append(_filter_pairs(corpus, a, b, scope, need))
    del members, segment, starts, lengths
    return collisions, np.concatenate(kept) if kept else np.zeros(0, dtype=np.int64)


def _filter_pairs(corpus: Corpus, a: np.ndarray, b: np.ndarray, scope: str, need: int):
    """Pair keys ``a * n + b`` of the pairs worth verifying."""
    same_doc = corpus.p_doc[a] == corpus.p_doc[b]
    keep = ~(same_doc & (corpus.p_first[a] < corpus.p_last[b])
             & (corpus.p_first[b] < corpus.p_last[a]))
    if scope == "cross-file":
        keep &= ~same_doc
    elif scope == "within-file":
        keep &= same_doc
    a, b = a[keep], b[keep]
    chunk = 1 << 16  # pairs per step: 64 estimator bytes each, twice
    passed = []
    for k in range(0, len(a), chunk):
        x, y = a[k:k + chunk], b[k:k + chunk]
        agree = agreeing_values(corpus, x, y)
        passed.append(x[agree >= need] * corpus.n + y[agree >= need])
    return np.concatenate(passed) if passed else np.zeros(0, dtype=np.int64)


# -- 3. verification -----------------------------------------------------------------
def jaccard(a: set, b: set) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class ShingleCache:
    """Exact shingle sets of passages, built from cached sentence sets."""

    def __init__(self, corpus: Corpus, kind: str, size: int):
        self.corpus, self.kind, self.size = corpus, kind, size
        # Sentences are cached by one number: a document's first sentence plus the sentence.
        counts = [len(d.sent_norm) for d in corpus.docs]
        self.first_sentence = np.concatenate(([0], np.cumsum(counts))).tolist() if counts else [0]
        self.sentences: dict[int, set[str]] = {}

    def sentence(self, d: int, s: int) -> set[str]:
        key = self.first_sentence[d] + s
        found = self.sentences.get(key)
        if found is None:
            if len(self.sentences) >= VERIFY_CACHE:
                self.sentences.clear()
            doc = self.corpus.docs[d]
            start, end = doc.sent_norm[s].tolist()
            found = self.sentences[key] = sentence_shingles(doc.norm[start:end], self.kind,
                                                            self.size)
        return found

    def get(self, d: int, first: int, last: int) -> set[str]:
        if last - first == 1:
            return self.sentence(d, first)
        return set().union(*[self.sentence(d, s) for s in range(first, last)])

    def passage(self, p: int) -> set[str]:
        c = self.corpus
        return self.get(int(c.p_doc[p]), int(c.p_first[p]), int(c.p_last[p]))


def verify(corpus: Corpus, pairs: np.ndarray, threshold: float, sets: ShingleCache):
    """The candidate pairs whose true Jaccard similarity reaches ``threshold``.

    Pairs come sorted by their first passage, whose set is built once for all of
    its pairs; positions are read from the arrays a chunk of pairs at a time."""
    edges = []
    get = sets.get
    for lo in range(0, len(pairs), 1 << 16):
        chunk = pairs[lo:lo + (1 << 16)]
        left, right = chunk[:, 0], chunk[:, 1]
        last_i, a = -1, set()
        for i, di, fi, li, j, dj, fj, lj in zip(
                left.tolist(), corpus.p_doc[left].tolist(), corpus.p_first[left].tolist(),
                corpus.p_last[left].tolist(), right.tolist(), corpus.p_doc[right].tolist(),
                corpus.p_first[right].tolist(), corpus.p_last[right].tolist()):
            if i != last_i:
                a, last_i = get(di, fi, li), i
            b = get(dj, fj, lj)
            na, nb = len(a), len(b)
            if na < nb:
                if na < threshold * nb:  # J <= small/large: cannot reach the threshold
                    continue
            elif nb < threshold * na:
                continue
            inter = len(a & b)
            similarity = inter / (na + nb - inter) if na or nb else 1.0
            if similarity >= threshold - 1e-9:  # 18/30 is 0.6 however it is rounded
                edges.append((i, j, similarity))
    return edges


# -- 4. places and clusters --------------------------------------------------------
class _Lookup:
    """``lookup[p]`` as a Python int, from a numpy array (a dict of a million
    entries would cost ten times the memory)."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray):
        self.array = array

    def __getitem__(self, index) -> int:
        return int(self.array[index])


@dataclass
class Analysis:
    reported: dict[str, list[Reported]]
    stats: dict[str, int]


def analyse_passages(collected, params: MatchParams, bands: int, threads: int = 0) -> Analysis:
    """DUP101, DUP102 and DUP104's findings; ``threads`` caps the LSH threads (0: no cap
    beyond two)."""
    with cyclic_gc_paused():
        return _analyse_passages(collected, params, bands, threads)


def _analyse_passages(collected, params: MatchParams, bands: int, threads: int) -> Analysis:
    corpus = Corpus(collected)
    stats = {"documents": len(corpus.docs), "passages": corpus.n}
    variants = corpus_variants(corpus.paths, [doc.lang for doc in corpus.docs])
    doc_variant = np.array(variants.variant, dtype=np.int64) if variants.count > 1 else None
    group = exact_groups(corpus, doc_variant)
    reps = np.flatnonzero(group == np.arange(corpus.n))
    stats["unique_passages"] = len(reps)
    pairs = lsh_candidates(corpus, reps, bands, params.scope, params.threshold, stats,
                           threads=threads)
    pairs = _comparable(corpus, pairs, doc_variant)
    stats["candidates"] = len(pairs)
    sets = ShingleCache(corpus, params.kind, params.size)
    edges = verify(corpus, pairs, params.threshold, sets)
    stats["verified"] = len(edges)
    del pairs
    sets.sentences.clear()
    reported = _places(corpus, group, edges, params, sets)
    if params.untranslated and variants.source:
        reported["DUP102"] += untranslated(corpus, variants)
    stats.update({code: len(items) for code, items in reported.items()})
    return Analysis(reported, stats)


_POST_PATH = re.compile(r"(?:^|[\\/])(?:_posts|blog|posts|news)[\\/]|(?:^|[\\/])\d{4}-\d{2}-\d{2}[-_][^\\/]*$")
# Records: release notes and changelogs (doc/changes/, release/1.21.0-notes.rst, CHANGELOG.md).
# Each is the record of one release: what it shares with another document (an entry for
# a backport, the reference text of a change, the release template) is there by design.
_RECORD_PATH = re.compile(
    r"(?:^|[\\/])(?:changes|changelogs?|releases?|release[-_]notes|whatsnew)[\\/]"
    r"|(?:^|[\\/])(?:changelog|changes|news|release[-_]?notes|whatsnew)(?:[-_]?v?[\d.]*\d)?(?:\.\w+)?$"
    r"|(?:^|[\\/])[^\\/]*\d[^\\/]*[-_.]notes\.[^\\/.]+$", re.IGNORECASE)


def is_record(path: str) -> bool:
    """Whether ``path`` is release notes or a changelog: a record compared with itself only."""
    return bool(_RECORD_PATH.search(path))


# A file name with a version in it (upgrade_3_4.md, v2-migration.md): its siblings that
# differ only in the version are versions of one guide.
_VERSIONED_NAME = re.compile(r"\d+[._-]\d+|(?<![a-z])v\d+", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")


def version_sibling_keys(paths: list[str]) -> list[str | None]:
    """Per document: its folder and name with every number replaced, when at least one
    other file of that folder has the same key and the name holds a version."""
    keys = []
    for path in paths:
        folder, _, name = path.replace("\\", "/").rpartition("/")
        keys.append(folder + "/" + _NUMBER.sub("#", name) if _VERSIONED_NAME.search(name) else None)
    seen = Counter(key for key in keys if key is not None)
    return [key if key is not None and seen[key] > 1 else None for key in keys]


# Boilerplate shorter than this (in words) is a stock line of documentation, not reported;
# nor is a duplicate that short (but with the frames option).
BOILERPLATE_MIN_WORDS = STOCK_WORDS = 12
FRAME = {"LEAD": 14, "SHORT": 25, "SENTENCE": 40, "LONG": 60, "OPS": 1, "WIDTH": 4,
         "SIBLING": 0.7}
# English function words: an edit made of these alone rewords a sentence ("store values
# that are of the same type"); one that changes another word, or a negation, changes what
# it is about.
_FUNCTION_WORDS = frozenset("""
    a an the this that these those it its they them their there here we our us you your i me my
    he she his her him is are was were be been being am do does did done have has had having
    will would shall should can could may might must and or but if then else so than
    too very also just only even still yet both either neither each every all any some such
    of in on at to for from by with without into onto about above below over under after before
    between through during as like until while when where which who whom whose what why how
    again further once more most other own same few much many up down out off
    """.split())
_NAMED = re.compile(r"zq[0-9a-f]{8}|.*\d.*")


def _sentences_of(corpus, p: int) -> set[str]:
    d, first, last = int(corpus.p_doc[p]), int(corpus.p_first[p]), int(corpus.p_last[p])
    doc = corpus.docs[d]
    return {doc.norm[int(doc.sent_norm[k, 0]):int(doc.sent_norm[k, 1])] for k in range(first, last)}


def _is_frame(corpus, edge) -> bool:
    i, j, similarity = edge
    di, dj = int(corpus.p_doc[i]), int(corpus.p_doc[j])
    if di == dj and similarity < FRAME["SIBLING"] and not any(
            s.count(" ") >= 4 for s in _sentences_of(corpus, i) & _sentences_of(corpus, j)):
        # Entries of one page written to one pattern ("The URL to return when…" / "The
        # logging error level to use when…"), with no sentence of five words in common.
        return True
    names = (corpus.docs[di].names, corpus.docs[dj].names)

    def named(word: str) -> bool:
        if _NAMED.fullmatch(word):
            return True
        if word in _FUNCTION_WORDS:  # "The", "When": capitalised where a sentence opens
            return False
        h = np.uint32(word_hashes(word)[0])
        return any(len(a) and a[min(int(np.searchsorted(a, h)), len(a) - 1)] == h for a in names)

    single = corpus.p_last[i] - corpus.p_first[i] == 1 and corpus.p_last[j] - corpus.p_first[j] == 1
    return parallel_frame(corpus.passage_text(i).split(), corpus.passage_text(j).split(), named,
                          bool(single))


def parallel_frame(a: list[str], b: list[str], named=lambda w: bool(_NAMED.fullmatch(w)),
                   single: bool = False) -> bool:
    """Whether two similar passages are one sentence frame with different named things,
    not a copy ("Next, we'll extract the `x` module…" / "First, we'll extract the `y`
    module…"): shorter than FRAME["LEAD"] words (a line such as "When we compile this
    code, we get this error:" is a stock phrase); or differing only where names are
    (code, numbers, words written as names) in up to FRAME["LONG"] words; or, in up to
    FRAME["SHORT"] words (FRAME["SENTENCE"] when both are one sentence), in at most
    FRAME["OPS"] other place of at most FRAME["WIDTH"] words (the same change twice
    counts once) changing a word that is not a function word. Longer passages that
    differ so, or that differ in more places, are copies of a paragraph, and so is a
    passage that holds the other whole with words added only at its edges (a lead-in)."""
    n = min(len(a), len(b))
    if n < FRAME["LEAD"]:
        return True
    if n > max(FRAME["LONG"], FRAME["SHORT"], FRAME["SENTENCE"]):
        return False
    ops = [op for op in SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if not ops:
        return False
    if all(t in ("insert", "delete") and (i1 == 0 or j1 == 0 or i2 == len(a) or j2 == len(b))
           for t, i1, i2, j1, j2 in ops):
        return False  # one holds the other whole, words added at an edge: "It is quoted again: …"
    others = [(i1, i2, j1, j2) for _t, i1, i2, j1, j2 in ops
              if not all(named(w) for w in a[i1:i2] + b[j1:j2])]
    if not others:
        return n <= FRAME["LONG"]
    distinct = {(tuple(a[i1:i2]), tuple(b[j1:j2])) for i1, i2, j1, j2 in others}
    return (n <= (FRAME["SENTENCE"] if single else FRAME["SHORT"]) and len(distinct) <= FRAME["OPS"]
            and all(i2 - i1 <= FRAME["WIDTH"] and j2 - j1 <= FRAME["WIDTH"]
                    and any(w not in _FUNCTION_WORDS for w in a[i1:i2] + b[j1:j2])
                    for i1, i2, j1, j2 in others))


def untranslated(corpus: Corpus, variants: Variants) -> list[Reported]:
    """Passages of a translation that are word for word passages of its source (the
    document at the same path in the source language, same version): text left
    untranslated, reported as DUP102 with a message of its own when the ``untranslated``
    option asks for it. One finding per place (overlapping passages merge)."""
    source_of: dict[tuple, int] = {}
    for d, (lang, key) in enumerate(zip(variants.lang, variants.key)):
        if lang == variants.source:
            source_of[key] = d
    out: list[Reported] = []
    for d, (lang, key) in enumerate(zip(variants.lang, variants.key)):
        s = source_of.get(key)
        if lang == variants.source or not lang or s is None:
            continue
        lo, hi = int(corpus.base[d]), int(corpus.base[d + 1])
        slo, shi = int(corpus.base[s]), int(corpus.base[s + 1])
        if hi == lo or shi == slo:
            continue
        theirs: dict[int, list[int]] = {}
        for p, h in zip(range(slo, shi), corpus.docs[s].p_exact.tolist()):
            theirs.setdefault(h, []).append(p)
        places: list[list] = []  # [first, last, twin passage]
        for p, h in zip(range(lo, hi), corpus.docs[d].p_exact.tolist()):
            twins = theirs.get(h)
            if not twins:
                continue
            text = corpus.passage_text(p)
            twin = next((t for t in twins if corpus.passage_text(t) == text), None)
            if twin is None:
                continue
            first, last = int(corpus.p_first[p]), int(corpus.p_last[p])
            if places and first < places[-1][1]:  # passages come sorted by (first, last)
                places[-1][1] = max(places[-1][1], last)
            else:
                places.append([first, last, twin])
        for first, last, twin in places:
            span = corpus.span(d, first, last)
            ref = _passage_span(corpus, twin)
            quoted = _quote(corpus.excerpt(d, first, last))
            message = (f"untranslated copy of {location(ref)} ({variants.source}): {quoted}; "
                       f"translate it, or disable DUP102 here if it stays in {variants.source}")
            out.append(Reported("DUP102", span, message, without_tokens(corpus.text(d, first, last)),
                                [Related(ref, f"the source ({variants.source})")]))
    return out


def _comparable(corpus: Corpus, pairs: np.ndarray, doc_variant: np.ndarray | None) -> np.ndarray:
    """The candidate pairs of one variant of the corpus, and not of one table."""
    if len(pairs) == 0:
        return pairs
    keep = np.ones(len(pairs), dtype=bool)
    if doc_variant is not None:
        keep &= doc_variant[corpus.p_doc[pairs[:, 0]]] == doc_variant[corpus.p_doc[pairs[:, 1]]]
    if corpus.p_table is not None:
        keep &= ~same_table(corpus, pairs[:, 0], pairs[:, 1])
    return pairs[keep]


def same_table(corpus: Corpus, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether passages ``a`` and ``b`` are cells of one table."""
    table = corpus.p_table
    return (corpus.p_doc[a] == corpus.p_doc[b]) & (table[a] == table[b]) & (table[a] >= 0)


def _members_by_group(group: np.ndarray, wanted: np.ndarray) -> dict[int, np.ndarray]:
    """Members (sorted) of the groups in ``wanted`` (group ids)."""
    mask = np.isin(group, wanted)
    idx = np.flatnonzero(mask)
    g = group[idx]
    order = np.argsort(g, kind="stable")
    idx, g = idx[order], g[order]
    starts = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1]))) if len(g) else np.zeros(0, int)
    ends = np.concatenate((starts[1:], [len(g)]))
    return {int(g[s]): idx[s:e] for s, e in zip(starts, ends)}


def undominated(corpus: Corpus, group: np.ndarray, edges):
    """Drop a verified pair when a passage inside one side already matches the
    other side at least as well (exactly, or by another verified pair).

    "X." in one file and "X. Short Y." in another are similar (0.65, say), but
    so are "X." and "X." (1.0): the finding belongs on "X." alone, not on a
    place stretched over "Short Y.", which has no counterpart.
    """
    similar: dict[tuple[int, int], float] = {}
    for i, j, sim in edges:
        gi, gj = int(group[i]), int(group[j])
        similar[(gi, gj)] = similar[(gj, gi)] = max(sim, similar.get((gi, gj), 0.0))

    # A document's passages as lists (first sentence, last, group), for a few thousand
    # documents at a time: scanning numpy arrays element by element is slow.
    by_doc: dict[int, tuple[int, list, list, list]] = {}

    def passages_of(d: int):
        found = by_doc.get(d)
        if found is None:
            if len(by_doc) >= 4096:
                by_doc.clear()
            lo, hi = int(corpus.base[d]), int(corpus.base[d + 1])
            found = by_doc[d] = (lo, corpus.p_first[lo:hi].tolist(), corpus.p_last[lo:hi].tolist(),
                                 group[lo:hi].tolist())
        return found

    def inner_groups(p: int):
        """Groups of the passages inside passage ``p`` (sorted by first, then last sentence)."""
        lo, firsts, lasts, groups = passages_of(int(corpus.p_doc[p]))
        k = p - lo
        first, last = firsts[k], lasts[k]
        m = bisect.bisect_left(firsts, first)
        while m < len(firsts) and firsts[m] < last:
            if lasts[m] <= last and m != k:
                yield groups[m]
            m += 1

    def beaten(p: int, other: int, sim: float) -> bool:
        target = int(group[other])
        for g in inner_groups(p):
            if g == target or similar.get((g, target), 0.0) >= sim:
                return True
        return False

    # A passage of one sentence has no passage inside it: most edges are decided here.
    ends = np.array([(i, j) for i, j, _ in edges], dtype=np.int64).reshape(-1, 2)
    wide = ((corpus.p_last[ends] - corpus.p_first[ends]) > 1).tolist()
    return [(i, j, sim) for (i, j, sim), (wide_i, wide_j) in zip(edges, wide)
            if not ((wide_i and beaten(i, j, sim)) or (wide_j and beaten(j, i, sim)))]


def _places(corpus: Corpus, group: np.ndarray, edges, params: MatchParams,
            sets: ShingleCache) -> dict[str, list[Reported]]:
    out: dict[str, list[Reported]] = {"DUP101": [], "DUP102": [], "DUP104": []}
    edges = undominated(corpus, group, edges)
    if not params.frames:  # after undominated: a frame inside a window still outranks it
        edges = [edge for edge in edges if not _is_frame(corpus, edge)]
    sizes = np.bincount(group, minlength=corpus.n)
    edge_groups = np.array(sorted({g for i, j, _ in edges for g in (int(group[i]), int(group[j]))}),
                           dtype=np.int64)
    twinned_groups = sorted_unique(np.concatenate((np.flatnonzero(sizes > 1), edge_groups)))
    if len(twinned_groups) == 0:
        return out
    members = _members_by_group(group, twinned_groups)
    hits = np.sort(np.concatenate(list(members.values())))

    # Places: overlapping hits of one document merge (they share a segment).
    doc = corpus.p_doc[hits].astype(np.int64)
    first = corpus.p_first[hits].astype(np.int64)
    last = corpus.p_last[hits].astype(np.int64)
    order = np.lexsort((last, first, doc))
    hits, doc, first, last = hits[order], doc[order], first[order], last[order]
    big = int(max(1, first.max(initial=0), last.max(initial=0))) + 1
    key_first, key_last = doc * big + first, doc * big + last
    reach = np.maximum.accumulate(key_last)
    new = np.concatenate(([True], key_first[1:] >= reach[:-1]))
    place_of_hit = np.cumsum(new) - 1
    n_places = int(place_of_hit[-1]) + 1
    pl_doc = doc[new]
    pl_first = first[new]
    pl_last = np.maximum.reduceat(last, np.flatnonzero(new))
    # A place lies in one segment: its table is its first passage's (-1: none).
    pl_table = (corpus.p_table[hits[new]].tolist() if corpus.p_table is not None
                else [-1] * len(pl_doc))
    # Read one by one from here on: as lists (numpy scalars are slow to index and compare).
    pl_doc, pl_first, pl_last = pl_doc.tolist(), pl_first.tolist(), pl_last.tolist()
    place_of = np.full(corpus.n, -1, dtype=np.int32)
    place_of[hits] = place_of_hit
    place = _Lookup(place_of)

    def allowed(a: int, b: int) -> bool:
        if a == b:
            return False
        same = pl_doc[a] == pl_doc[b]
        if same and pl_table[a] >= 0 and pl_table[a] == pl_table[b]:
            return False  # cells of one table
        return not same if params.scope == "cross-file" else (same if params.scope == "within-file"
                                                              else True)

    # Posts (dated announcements: _posts/, blog/, news/, a file named 2024-05-01-…) are
    # written once and never kept in sync: text two posts share is no copy to merge, but
    # a passage in five or more documents is boilerplate all the same. So are the
    # versions of one guide side by side (upgrade_3_4.md, upgrade_3_5.md). A record
    # (release notes, a changelog) is compared with itself only.
    posts = [bool(_POST_PATH.search(corpus.paths[d])) for d in range(len(corpus.docs))]
    apart = version_sibling_keys(corpus.paths)  # versions of one guide: not each other's twins
    records = [is_record(path) for path in corpus.paths]

    def boilerplate_twin(a: int, b: int) -> bool:
        """Whether places a and b may name each other as twins of boilerplate."""
        da, db = pl_doc[a], pl_doc[b]
        return allowed(a, b) and (da == db or not (records[da] or records[db]
                                                   or (apart[da] is not None and apart[da] == apart[db])))

    def reportable(a: int, b: int) -> bool:
        """... and of a duplicate, for which two posts are not twins either."""
        return boilerplate_twin(a, b) and not (posts[pl_doc[a]] and posts[pl_doc[b]] and pl_doc[a] != pl_doc[b])

    def covers(p: int) -> bool:
        q = place[p]
        return corpus.p_first[p] == pl_first[q] and corpus.p_last[p] == pl_last[q]

    # Links: place -> {twin place: (similarity, exact, twin passage, rank)}, capped per
    # group. Between two places the link kept is an exact copy of the whole place if
    # there is one, else the pair whose passage here is widest, then most similar: so
    # a paragraph reports its similarity to the twin paragraph, not that of one
    # identical sentence inside it.
    links: list[dict[int, tuple]] = [dict() for _ in range(n_places)]

    def link(p: int, targets: np.ndarray, similarity: float, exact: bool) -> None:
        a = place[p]
        exact = exact and covers(p)
        rank = (exact, int(corpus.p_last[p] - corpus.p_first[p]), similarity)
        count = 0
        for t in targets[:4 * ANCHORS].tolist():
            b = place[t]
            if not allowed(a, b):
                continue
            old = links[a].get(b)
            if old is None or rank > old[3]:
                links[a][b] = (similarity, exact, t, rank)
            count += 1
            if count >= ANCHORS:
                break

    uf = UnionFind(n_places)
    for g, ms in members.items():
        if len(ms) > 1:
            first_place = place[int(ms[0])]
            for p in ms.tolist():
                if params.scope != "within-file" or pl_doc[place[p]] == pl_doc[first_place]:
                    uf.union(first_place, place[p])
            if params.scope == "within-file":
                by_doc: dict[int, int] = {}
                for p in ms.tolist():
                    uf.union(by_doc.setdefault(int(pl_doc[place[p]]), place[p]), place[p])
            for p in ms.tolist():
                link(p, ms, 1.0, True)
    for i, j, similarity in edges:
        gi, gj = members[int(group[i])], members[int(group[j])]
        uf.union(place[i], place[j])
        for p in gi.tolist():
            link(p, gj, similarity, False)
        for p in gj.tolist():
            link(p, gi, similarity, False)

    clusters: dict[int, list[int]] = {}
    for q in range(n_places):
        clusters.setdefault(uf.find(q), []).append(q)
    for cluster in clusters.values():
        if len(cluster) < 2:
            continue
        cluster.sort(key=lambda q: (int(pl_doc[q]), int(pl_first[q])))
        per_doc: dict[int, int] = {}
        per_table: dict[tuple, int] = {}
        in_posts = 0
        has_apart = any(records[pl_doc[q]] or apart[pl_doc[q]] is not None for q in cluster)
        for q in cluster:
            per_doc[int(pl_doc[q])] = per_doc.get(int(pl_doc[q]), 0) + 1
            in_posts += posts[pl_doc[q]]
            if pl_table[q] >= 0:
                per_table[pl_doc[q], pl_table[q]] = per_table.get((pl_doc[q], pl_table[q]), 0) + 1
        documents = sum(1 for d in per_doc if not records[d])  # records are not counted
        boilerplate = documents >= params.boilerplate_min_documents and params.scope != "within-file"
        if boilerplate and max(len(without_tokens(corpus.text(int(pl_doc[q]), int(pl_first[q]),
                                                              int(pl_last[q]))).split())
                               for q in cluster[:ANCHORS]) < BOILERPLATE_MIN_WORDS:
            continue  # a short line many pages have ("Adjust the privacy settings…"): stock
        for q in cluster:
            same_doc = per_doc[int(pl_doc[q])]
            # Other cells of its own table are not twins.
            same_table = per_table[pl_doc[q], pl_table[q]] - 1 if pl_table[q] >= 0 else 0
            count = {"both": len(cluster) - 1 - same_table, "cross-file": len(cluster) - same_doc,
                     "within-file": same_doc - 1 - same_table}[params.scope]
            if not boilerplate and posts[pl_doc[q]] and params.scope != "within-file":
                count -= in_posts - same_doc  # the places in other posts
            q_boilerplate = boilerplate and not records[pl_doc[q]]
            if not q_boilerplate and (records[pl_doc[q]] or has_apart):
                count = sum(1 for t in cluster if reportable(q, t))
            if count == 0:
                continue
            if not (q_boilerplate or params.frames) and len(without_tokens(corpus.text(
                    int(pl_doc[q]), int(pl_first[q]), int(pl_last[q]))).split()) < STOCK_WORDS:
                continue  # a short line said twice ("This is very useful for printed copies.")
            if q_boilerplate:
                eligible = _first_eligible(cluster, q, boilerplate_twin, params.max_related + 1)
                if not eligible:
                    continue
                item = _boilerplate(corpus, q, cluster, eligible, documents, links, params, pl_doc,
                                    pl_first, pl_last)
            else:
                eligible = _first_eligible(cluster, q, reportable, params.max_related + 1)
                direct = {t: v for t, v in links[q].items() if reportable(q, t)}
                item = _duplicate(corpus, q, eligible, count, direct, params, sets, pl_doc,
                                  pl_first, pl_last)
            out[item.code].append(item)
    return out


def _first_eligible(cluster: list[int], q: int, allowed, limit: int) -> list[int]:
    found = []
    for t in cluster:
        if allowed(q, t):
            found.append(t)
            if len(found) >= limit:
                break
    return found


def _place_span(corpus, q, pl_doc, pl_first, pl_last) -> Span:
    return corpus.span(int(pl_doc[q]), int(pl_first[q]), int(pl_last[q]))


def _passage_span(corpus, p) -> Span:
    return corpus.span(int(corpus.p_doc[p]), int(corpus.p_first[p]), int(corpus.p_last[p]))


def _quote(text: str, limit: int = 44) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= limit else f'"{text[:limit].rsplit(" ", 1)[0]}…"'


def _duplicate(corpus, q, eligible, count, direct, params, sets, pl_doc, pl_first,
               pl_last) -> Reported:
    """DUP101 or DUP102 for place ``q``; ``direct``: its links to the twins it may name."""
    d, first, last = int(pl_doc[q]), int(pl_first[q]), int(pl_last[q])
    order = lambda t: (int(pl_doc[t]), int(pl_first[t]))
    exact_twins = [t for t, v in direct.items() if v[1]]
    if exact_twins:
        ref = min(exact_twins, key=order)
    elif direct:
        ref = min(direct, key=order)
    else:  # only linked through other places of its cluster
        ref = eligible[0]
    if ref in direct:
        similarity, exact, passage, _ = direct[ref]
        ref_span = _passage_span(corpus, passage)
    else:
        exact = False
        similarity = _jaccard_places(sets, (d, first, last),
                                     (int(pl_doc[ref]), int(pl_first[ref]), int(pl_last[ref])))
        ref_span = _place_span(corpus, ref, pl_doc, pl_first, pl_last)
    span = corpus.span(d, first, last)
    more = count - 1
    tail = f" and {more} more" if more else ""
    quoted = _quote(corpus.excerpt(d, first, last))
    if exact:
        code = "DUP102"
        message = (f"exact duplicate of {location(ref_span)}{tail}: {quoted}; keep one copy "
                   f"and link to it, or rewrite this one")
    else:
        code = "DUP101"
        message = (f"near-duplicate ({similarity:.2f}) of {location(ref_span)}{tail}: {quoted}; "
                   f"keep one copy and link to it, or rewrite this one")
    related = [Related(ref_span, _link_note(similarity, exact))]
    for t in sorted(set(eligible) | set(direct), key=order):
        if len(related) >= params.max_related:
            break
        if t == ref:
            continue
        if t in direct:
            sim, ex, passage, _ = direct[t]
            related.append(Related(_passage_span(corpus, passage), _link_note(sim, ex)))
        else:
            related.append(Related(_place_span(corpus, t, pl_doc, pl_first, pl_last),
                                   "repeats it through the other copies"))
    return Reported(code, span, message, without_tokens(corpus.text(d, first, last)), related)


def _boilerplate(corpus, q, cluster, eligible, documents, links, params, pl_doc, pl_first,
                 pl_last) -> Reported:
    d, first, last = int(pl_doc[q]), int(pl_first[q]), int(pl_last[q])
    span = corpus.span(d, first, last)
    quoted = _quote(corpus.excerpt(d, first, last))
    head = cluster[0]
    if head == q:
        where = f"this is the first of {len(cluster)} places"
        ref_span = _place_span(corpus, eligible[0], pl_doc, pl_first, pl_last)
        where += f", next at {location(ref_span)}"
    else:
        ref_span = _place_span(corpus, head, pl_doc, pl_first, pl_last)
        where = f"{len(cluster)} places, first at {location(ref_span)}"
    message = (f"boilerplate repeated in {documents} documents ({where}): {quoted}; keep it in "
               f"one place and link to it, or list it in the DUP 'allow' option if intended")
    related = []
    for t in eligible[:params.max_related]:
        note = "first occurrence" if t == head else "another copy"
        if t in links[q]:
            sim, exact, _, _ = links[q][t]
            note += f" ({_link_note(sim, exact)})"
        related.append(Related(_place_span(corpus, t, pl_doc, pl_first, pl_last), note))
    return Reported("DUP104", span, message, without_tokens(corpus.text(d, first, last)), related)


def _link_note(similarity: float, exact: bool) -> str:
    return "exact duplicate" if exact else f"near-duplicate ({similarity:.2f})"


def _jaccard_places(sets: ShingleCache, a: tuple, b: tuple) -> float:
    return jaccard(sets.get(*a), sets.get(*b))


