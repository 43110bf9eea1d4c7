"""DUP, per document: passages, their normalised text, shingles and MinHash band keys.

This is the ``collect`` half of the DUP rules; it runs in the worker processes.

* A **passage** is a prose segment (paragraph, list item, table cell, block
  quote, heading below title level) or a window of one to three consecutive
  sentences inside one segment, with at least ``min-words`` words.
* **Normalised text** folds case, drops punctuation and masked markup, joins
  words with single spaces and removes apostrophes inside words (``Nation's``
  and ``Nations'`` both become ``nations``). Sentences of a document are joined
  in order, so a passage is one substring of it.
* **Shingles** are word n-grams or character n-grams taken *inside* each
  sentence; a passage's set is the union over its sentences, so reordering
  sentences or splitting one in two costs little.
* Every shingle is hashed with one vectorised polynomial hash over the code
  points (prefix sums modulo 2**64), then the MinHash of each sentence is the
  column minimum of datasketch's ``affine32`` permutations, computed for all
  shingles at once (in C where ``textsieve._speedups`` is built, with numpy
  otherwise: the same values, ``tests/test_speedups.py``); the signature of a window or segment is the
  element-wise minimum of its sentences' signatures (MinHash of a union).
  ``tests/test_duplicates.py`` checks the signatures bit for bit against
  ``datasketch.MinHash.update_batch``.
* The **band keys** (b bands of r rows, 32 bits each) are what LSH needs, and
  the two low bits of every signature value (packed four to a byte) estimate a
  candidate's similarity; with the normalised text, used for exact
  verification, they are all that leaves the worker: about 200 bytes per
  passage, one buffer per document.

numpy is imported at module level (cheap, and needed by every caller);
datasketch is the reference the tests hold these signatures to, not imported
at run time (it imports scipy: half a second for every worker process).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from textsieve.rules.duplicates_text import (TOKEN_PREFIX, WORD_RE, _APOSTROPHES, SketchParams,
                                             declared_language, navigation_segments, opaque_token,
                                             sketch_titles)

try:  # MinHash minima and passage outputs compiled (linter/_speedups.c); numpy without
    from textsieve import _speedups
except ImportError:  # built without a C compiler
    _speedups = None

SEED = 1  # datasketch MinHash seed of the permutations


U32 = np.uint32
U64 = np.uint64
_BASE = 0x9E3779B97F4A7C15  # odd, so invertible modulo 2**64
_BASE_INV = pow(_BASE, -1, 1 << 64)
_LEN_MIX = U64(0xC2B2AE3D27D4EB4F)
_BAND_MIX = U64(0x9FB21C651E98DF25)


# -- normalisation ------------------------------------------------------------
def words_of(text: str) -> list[str]:
    """The normalised words of a piece of prose."""
    return [w.translate(_APOSTROPHES) for w in WORD_RE.findall(text.casefold())]


# -- hashing ------------------------------------------------------------------
def _fmix64(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> U64(33))
    x = x * U64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> U64(33))
    x = x * U64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> U64(33))


def _fmix32(x: np.ndarray) -> np.ndarray:
    # The MurmurHash3 finalizer, as datasketch's affine32 scheme applies it to inputs.
    x = x ^ (x >> U32(16))
    x = x * U32(0x85EBCA6B)
    x = x ^ (x >> U32(13))
    x = x * U32(0xC2B2AE35)
    return x ^ (x >> U32(16))


_POWERS: list[np.ndarray] = [np.ones(1, dtype=U64), np.ones(1, dtype=U64)]


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i in 0..n."""
    if len(_POWERS[0]) <= n:
        size = max(n + 1, 2 * len(_POWERS[0]), 1 << 16)
        with np.errstate(over="ignore"):
            pw = np.empty(size, dtype=U64)
            pw[0] = 1
            pw[1:] = np.cumprod(np.full(size - 1, _BASE, dtype=U64))
            ipw = np.empty(size, dtype=U64)
            ipw[0] = 1
            ipw[1:] = np.cumprod(np.full(size - 1, _BASE_INV, dtype=U64))
        _POWERS[0], _POWERS[1] = pw, ipw
    return _POWERS[0], _POWERS[1]


class SubstringHasher:
    """64-bit hashes of any substring of ``text`` in O(1) each, vectorised.

    A polynomial hash over code points with prefix sums modulo 2**64, brought
    to position independence by the inverse power and finished with the
    MurmurHash3 64-bit finalizer mixed with the length.
    """

    def __init__(self, text: str):
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=U32).astype(U64)
        pw, ipw = _powers(len(codes))
        self.ipw = ipw
        self.prefix = np.zeros(len(codes) + 1, dtype=U64)
        with np.errstate(over="ignore"):
            np.cumsum((codes + U64(1)) * pw[:len(codes)], out=self.prefix[1:])

    def hash(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            raw = (self.prefix[ends] - self.prefix[starts]) * self.ipw[starts]
            return _fmix64(raw ^ ((ends - starts).astype(U64) * _LEN_MIX))


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-D integer array, sorted in place: numpy 2's own hashes
    large inputs (7 times slower) and imports ``numpy.ma`` (30 ms) on first use."""
    values.sort()
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


@lru_cache(maxsize=8)
def permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters (a, b) for ``num_perm`` values:
    ``MinHash(num_perm, seed=SEED, scheme="affine32").permutations``, drawn here
    the way datasketch 2 draws them (an odd ``a``, any ``b``, from numpy's
    ``RandomState(seed)``), because importing datasketch imports scipy, which
    cost every process half a second. ``tests/test_duplicates.py`` checks them
    against datasketch itself, and the signatures against ``MinHash.update_batch``."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, num_perm, dtype=U32) * U32(2) + U32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=U32)
    return a, b


def minhash_rows(shingles32: np.ndarray, groups: np.ndarray, num_perm: int) -> np.ndarray:
    """One MinHash signature per group of consecutive shingles (``groups`` are start
    indices, each group non-empty): datasketch's affine32 values, as uint32, one row
    per group. Compiled where ``_speedups`` is built: six times faster than numpy."""
    if _speedups is None:
        return minhash_rows_numpy(shingles32, groups, num_perm)
    a, b = permutations(num_perm)
    out = np.empty((len(groups), num_perm), dtype=U32)
    _speedups.minhash(np.ascontiguousarray(shingles32, dtype=U32),
                      np.ascontiguousarray(groups, dtype=np.int64), a, b, out)
    return out


def minhash_rows_numpy(shingles32: np.ndarray, groups: np.ndarray, num_perm: int) -> np.ndarray:
    """``minhash_rows`` with numpy alone.

    Computed permutation-major (each permutation over all shingles, then a
    row-wise ``minimum.reduceat``), in blocks of permutations for large inputs:
    five times faster than the shingle-major layout.
    """
    a, b = permutations(num_perm)
    mixed = _fmix32(shingles32)
    block = num_perm if len(mixed) * num_perm <= (1 << 22) else 16
    out = np.empty((num_perm, len(groups)), dtype=U32)
    values = np.empty((min(block, num_perm), len(mixed)), dtype=U32)
    with np.errstate(over="ignore"):
        for k in range(0, num_perm, block):
            width = min(block, num_perm - k)
            np.multiply.outer(a[k:k + width], mixed, out=values[:width])
            values[:width] += b[k:k + width, None]
            np.minimum.reduceat(values[:width], groups, axis=1, out=out[k:k + width])
    return out.T


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 32-bit key per band of each signature (chance key collisions are
    verified away like any other LSH candidate)."""
    n = len(signatures)
    if n == 0:
        return np.zeros((0, bands), dtype=U32)
    blocks = signatures[:, :bands * rows].reshape(n, bands, rows).astype(U64)
    with np.errstate(over="ignore"):
        key = np.zeros((n, bands), dtype=U64)
        for j in range(rows):
            key = (key ^ blocks[:, :, j]) * _BAND_MIX
        return (_fmix64(key) >> U64(32)).astype(U32)


# -- shingles -----------------------------------------------------------------
def shingle_spans(norm: str, sent_spans: np.ndarray, kind: str, size: int):
    """Start/end offsets (into ``norm``) of every shingle, grouped by sentence.

    Returns (starts, ends, group_starts): shingles of sentence i are
    ``group_starts[i]:group_starts[i+1]``; every sentence has at least one
    (a sentence shorter than one shingle is one shingle).
    """
    n_sent = len(sent_spans)
    s_start = sent_spans[:, 0]
    s_end = sent_spans[:, 1]
    if kind == "char":
        lengths = s_end - s_start
        counts = np.maximum(lengths - size + 1, 1)
        group_starts = np.zeros(n_sent + 1, dtype=np.int64)
        np.cumsum(counts, out=group_starts[1:])
        total = int(group_starts[-1])
        sent_of = np.repeat(np.arange(n_sent), counts)
        starts = np.arange(total, dtype=np.int64) - group_starts[sent_of] + s_start[sent_of]
        ends = np.minimum(starts + size, s_end[sent_of])
        return starts, ends, group_starts
    # Words: the spaces of the normalised text separate words and sentences alike.
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=U32)
    spaces = np.flatnonzero(codes == 32)
    w_start = np.concatenate(([0], spaces + 1))
    w_end = np.concatenate((spaces, [len(codes)]))
    # Sentence of each word: sentences are separated by single spaces too.
    w_sent = np.searchsorted(s_start, w_start, side="right") - 1
    n_words = np.bincount(w_sent, minlength=n_sent)
    first_word = np.zeros(n_sent + 1, dtype=np.int64)
    np.cumsum(n_words, out=first_word[1:])
    counts = np.maximum(n_words - size + 1, 1)
    group_starts = np.zeros(n_sent + 1, dtype=np.int64)
    np.cumsum(counts, out=group_starts[1:])
    total = int(group_starts[-1])
    sent_of = np.repeat(np.arange(n_sent), counts)
    k = np.arange(total, dtype=np.int64) - group_starts[sent_of]
    wi = first_word[sent_of] + k
    wj = np.minimum(wi + size - 1, first_word[sent_of + 1] - 1)
    return w_start[wi], w_end[wj], group_starts


def shingle_set(norm: str, sentence_bounds: list[tuple[int, int]], kind: str, size: int) -> set[str]:
    """The exact shingle set of the sentences at ``sentence_bounds`` of ``norm``
    (for verification): the shingles ``shingle_spans`` hashes, as strings."""
    out: set[str] = set()
    for s, e in sentence_bounds:
        out |= sentence_shingles(norm[s:e], kind, size)
    return out


def sentence_shingles(sentence: str, kind: str, size: int) -> set[str]:
    if kind == "char":
        if len(sentence) <= size:
            return {sentence}
        return {sentence[i:i + size] for i in range(len(sentence) - size + 1)}
    words = sentence.split(" ")
    if len(words) <= size:
        return {sentence}
    return set(map(" ".join, zip(*[words[i:] for i in range(size)])))


_TOKEN_RE = re.compile(r"(?<![^\W_])zq[0-9a-f]{8}(?![^\W_])")


def without_tokens(norm: str) -> str:
    """Normalised text as words only, for messages."""
    if TOKEN_PREFIX not in norm:
        return norm
    return " ".join(_TOKEN_RE.sub(" ", norm).split())


def _token_sentences(text: str, segment) -> tuple[list, list[int]]:
    """The segment's sentences with the token of each opaque run where the run stood
    (a run after a sentence's last word goes with that sentence, one before the first
    sentence with the first), and how many tokens each holds."""
    sentences = segment.sentences
    starts = [s for s, _e, _t in sentences]
    inserts: list[list] = [[] for _ in sentences]
    for a, b in segment.opaque:
        at = segment.start + a
        token = opaque_token(text[at:segment.start + b], text[at - 1] if at else "")
        if token is None:
            continue
        k = max(bisect.bisect_right(starts, at) - 1, 0)
        s0, e0, _t = sentences[k]
        inserts[k].append((min(max(at - s0, 0), e0 - s0), token))
    out, counts = [], []
    for (s0, e0, t), found in zip(sentences, inserts):
        if found:
            pieces, last = [], 0
            for position, token in found:
                pieces += [t[last:position], " ", token, " "]
                last = position
            pieces.append(t[last:])
            t = "".join(pieces)
        out.append((s0, e0, t))
        counts.append(len(found))
    return out, counts


# A passage ending in a colon with fewer words than this is a lead-in (see sketch_documents).
LEADIN_WORDS = 20


def table_numbers(document) -> list[int]:
    """Each segment's table (runs of table cells, numbered from 0), -1 outside tables."""
    out, number, previous = [], -1, False
    for segment in document.segments:
        cell = segment.kind == "table_cell"
        if cell and not previous:
            number += 1
        out.append(number if cell else -1)
        previous = cell
    return out


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CAPITALISED = re.compile(r"[A-Z][A-Za-z0-9]*(?:['’ʼ][A-Za-z0-9]+)*")
# Capitals of the Latin, Greek and Cyrillic blocks beyond ASCII (those of Latin Extended-A
# alternate with their small letters, hence the isupper() that follows).
_WIDE_CAPITALISED = re.compile(r"[À-ÖØ-ÞĀ-žΑ-ΩЀ-Я][^\W_]*(?:['’ʼ][^\W_]+)*")


def name_hashes(document, skip: set[int]) -> np.ndarray:
    """``name_words`` hashed (see ``word_hashes``)."""
    return word_hashes(name_words(document, skip))


def name_words(document, skip: set[int]) -> str:
    """The words a document writes as names, folded, one a line: with a
    capital first letter ("Vercel", "JavaScript", "Écrire"; words that open a sentence too, which
    the corpus step tells apart by their being function words or not), or in Latin
    letters inside a segment of another script ("Docusaurus 문서"). Headings are left
    out (title case capitalises every word). Parallel phrasing substitutes names:
    "Cloudflare will rebuild and deploy your site" / "Vercel will…"."""
    texts = [segment.text for index, segment in enumerate(document.segments)
             if segment.kind != "heading" and index not in skip]
    joined = "\n".join(texts)
    found = set(_CAPITALISED.findall(joined))
    if not joined.isascii():
        found.update(w for w in _WIDE_CAPITALISED.findall(joined) if w[0].isupper())
        for text in texts:
            # Mostly letters of more than one byte: another script, where the Latin
            # words are names.
            if 2 * len(text.encode("utf-8", "surrogatepass")) > 3 * len(text):
                words = WORD_RE.findall(text)
                latin = [w for w in words if _LATIN_WORD.fullmatch(w)]
                if 2 * len(latin) < len(words):
                    found.update(latin)
    return "\n".join(found).casefold().translate(_APOSTROPHES)


def word_hashes(lines: str) -> np.ndarray:
    """The 32-bit hashes (high half of ``SubstringHasher``'s), sorted and unique, of the
    words of ``lines``, one a line."""
    return batch_word_hashes([lines])[0]


def batch_word_hashes(texts: list[str]) -> list[np.ndarray]:
    """``word_hashes`` of each text, computed in one pass over all of them (a hasher
    per document cost more than the hashing)."""
    out = [np.zeros(0, dtype=U32)] * len(texts)
    joined = "\n".join(texts)
    if not joined:
        return out
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=U32)
    breaks = np.flatnonzero(codes == 10)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(codes)]))
    hashes = (SubstringHasher(joined).hash(starts, ends) >> U64(32)).astype(U32)
    # Lines of each text: a text of k lines holds k (an empty text holds one, empty).
    counts = np.array([t.count("\n") + 1 for t in texts], dtype=np.int64)
    bounds = np.concatenate(([0], np.cumsum(counts)))
    for i, text in enumerate(texts):
        if text:
            out[i] = sorted_unique(hashes[bounds[i]:bounds[i + 1]].copy())
    return out


# -- the per-document sketch --------------------------------------------------
# Batches of whole segments of about this many normalised characters bound the
# memory of one (shingles x permutations) matrix, whatever the document size.
BATCH_CHARS = 1 << 16
# The b-bit MinHash that estimates a candidate pair's similarity before the
# exact verification: the lowest BITS bits of every signature value, packed.
BITS = 2

_NON_WORD = re.compile(r"(?:[^\w\x00]|_)+")


@dataclass
class DocSketch:
    """What DUP's ``collect`` returns for one document (picklable, path-free)."""

    norm: str  # normalised sentences joined by single spaces
    sent_norm: np.ndarray  # (n_sent, 2) offsets into norm
    sent_src: np.ndarray  # (n_sent, 2) offsets into the document text
    sent_seg: np.ndarray  # (n_sent,) segment number of each sentence
    p_first: np.ndarray  # passages: first sentence
    p_last: np.ndarray  # one past the last sentence
    p_exact: np.ndarray  # uint64 hash of the normalised text
    p_bands: np.ndarray  # (bands, n_passages) uint32 LSH band keys, band-major as LSH reads them
    p_bits: np.ndarray  # (n_passages, num_perm / 4) uint8: 2-bit MinHash, 4 values a byte
    line_starts: np.ndarray  # offsets of line starts in the document text
    titles: list  # (start, end, words, display text, display word offsets, level)
    key: str = ""  # the cache key: document text, format and parameters
    num_perm: int = 0  # signature size and band height, for the estimator
    rows: int = 0
    lang: str = ""  # the language its front matter declares
    names: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=U32))  # name_hashes
    # Table of each segment (-1: none), when table cells are compared (``table-cells``).
    seg_table: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    def __getstate__(self):
        # Band keys and estimators travel as one buffer and come back as two views
        # of one allocation, which the corpus analysis frees in one piece.
        state = dict(self.__dict__)
        bands, bits = state.pop("p_bands"), state.pop("p_bits")
        state["_packed"] = (bands.shape, bits.shape, bands.tobytes() + bits.tobytes())
        return state

    def __setstate__(self, state):
        band_shape, bit_shape, data = state.pop("_packed")
        self.__dict__.update(state)
        self.p_bands, self.p_bits = _two_views(band_shape, bit_shape, data)


def _two_views(band_shape: tuple, bit_shape: tuple, data: bytes | None = None):
    """Band keys (uint32) and estimators (uint8) as views of one buffer."""
    size = band_shape[0] * band_shape[1] * 4
    buffer = np.empty(size + bit_shape[0] * bit_shape[1], dtype=np.uint8)
    if data is not None:
        buffer[:] = np.frombuffer(data, dtype=np.uint8)
    return buffer[:size].view(U32).reshape(band_shape), buffer[size:].reshape(bit_shape)


_ASCII_WORD = bytes(c if chr(c).isalnum() or c == 0 else 32 for c in range(128)) + b" " * 128
_ASCII_TABLE = bytes.maketrans(bytes(range(256)), _ASCII_WORD)
_QUOTES_AND_DASHES = "‘“”«»–—…"


def normalise_sentences(texts: list[str]) -> list[str]:
    """Normalised text of each sentence (as ``words_of`` would join it), in a few
    whole-batch string operations: bytes.translate for the sentences that are
    ASCII once apostrophes, quotes and dashes are gone, a regular expression for
    the others. (One degree sign sent a whole batch of 64 documents down the
    regular expression, three times slower.) NUL separates the sentences here, so a
    NUL inside one (a UTF-16 file can hold U+0000) is read as a space, as it is no
    word character."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != max(len(texts) - 1, 0):
        joined = "\x00".join(text.replace("\x00", " ") for text in texts)
    for mark in "'’ʼ":
        joined = joined.replace(mark, "")
    if not joined.isascii():
        for mark in _QUOTES_AND_DASHES:
            joined = joined.replace(mark, " ")
    if joined.isascii():
        return _normalise_ascii(joined)
    parts = joined.split("\x00")
    wide = [i for i, part in enumerate(parts) if not part.isascii()]
    wide_parts = _normalise_unicode("\x00".join([parts[i] for i in wide]))
    for i in wide:
        parts[i] = ""
    out = _normalise_ascii("\x00".join(parts))
    for i, part in zip(wide, wide_parts):
        out[i] = part
    return out


def _normalise_ascii(joined: str) -> list[str]:
    parts = joined.encode("ascii").lower().translate(_ASCII_TABLE).decode("ascii")
    return [" ".join(part.split()) for part in parts.split("\x00")]


def _normalise_unicode(joined: str) -> list[str]:
    import unicodedata

    joined = unicodedata.normalize("NFC", joined).casefold()
    return [part.strip() for part in _NON_WORD.sub(" ", joined).split("\x00")]


def sketch_document(document, params: SketchParams) -> DocSketch:
    return sketch_documents([document], params)[0]


def sketch_documents(documents: list, params: SketchParams) -> list[DocSketch]:
    """``sketch_document`` of each document, computed for all of them at once: their
    sentences are laid end to end (segment numbers made distinct, so no passage
    crosses from one document into the next), normalised, shingled and signed
    together, and the arrays are cut back per document. For a batch of small
    documents this halves the time, most of which went into setting up arrays.
    (With ``allow`` patterns, which read each document's text, one at a time.)"""
    if params.allow and len(documents) > 1:
        return [sketch_documents([document], params)[0] for document in documents]
    titles_of, texts, starts, ends, segs, doc_of, seg_base = [], [], [], [], [], [], [0]
    tokens, tables_of, names_of = [], [], []
    for d, document in enumerate(documents):
        nav = navigation_segments(document)
        names_of.append(name_words(document, nav))
        titles, title_segments = sketch_titles(document, params.title_levels, nav)
        titles_of.append(titles)
        tables_of.append(np.array(table_numbers(document) if params.table_cells else [],
                                  dtype=np.int32))
        skip = title_segments | nav
        base = seg_base[-1]
        for index, segment in enumerate(document.segments):
            if (index in skip or not segment.sentences
                    or (segment.kind == "table_cell" and not params.table_cells)):
                continue
            if segment.opaque:
                sentences, counts = _token_sentences(document.text, segment)
                tokens += counts
            else:
                sentences = segment.sentences
                tokens += [0] * len(sentences)
            s_starts, s_ends, s_texts = zip(*sentences)
            texts += s_texts
            starts += s_starts
            ends += s_ends
            segs += [base + index] * len(s_texts)
            doc_of += [d] * len(s_texts)
        seg_base.append(base + len(document.segments))
    names_of = batch_word_hashes(names_of)
    normal = normalise_sentences(texts)
    kept = np.array([i for i, n in enumerate(normal) if n], dtype=np.int64)
    norm_parts = [normal[i] for i in kept.tolist()]
    lengths = np.array([len(n) for n in norm_parts], dtype=np.int64)
    sent_norm = np.zeros((len(kept), 2), dtype=np.int64)
    if len(kept):
        sent_norm[:, 1] = np.cumsum(lengths + 1) - 1
        sent_norm[:, 0] = sent_norm[:, 1] - lengths
    sent_src = np.stack((np.array(starts, dtype=np.int64)[kept],
                         np.array(ends, dtype=np.int64)[kept]), axis=1).reshape(-1, 2)
    sent_seg = np.array(segs, dtype=np.int64)[kept]
    # Words of each sentence, its tokens not counted (they are not prose).
    n_words = (np.array([n.count(" ") + 1 for n in norm_parts], dtype=np.int64)
               - np.array(tokens, dtype=np.int64)[kept])
    norm = " ".join(norm_parts)
    # Each document's first kept sentence (and one past the last document's).
    sent_base = np.searchsorted(np.array(doc_of, dtype=np.int64)[kept],
                                np.arange(len(documents) + 1), side="left")

    # Sentences that end in a colon: a short passage ending in one leads in to a listing
    # or a list ("When we compile this code, we get this error:", "You can now use the
    # extension. For example:"), a stock phrase of documentation, not a passage.
    ends = np.array(ends, dtype=np.int64)[kept].tolist()
    colon = np.zeros(len(kept), dtype=bool)
    if len(kept):
        text_of = [documents[d].text for d in np.array(doc_of, dtype=np.int64)[kept].tolist()]
        colon = np.array([t[e - 1:e] in (":", "：") for t, e in zip(text_of, ends)], dtype=bool)
    p_first, p_last = _passages(sent_seg, n_words, params.min_words, colon)
    if params.allow and len(p_first):  # one document: see above
        p_first, p_last = _allowed(documents[0].text, norm, sent_src, sent_norm, p_first, p_last,
                                   params.allow)
    p_exact = np.zeros(len(p_first), dtype=U64)
    p_bands = np.empty((len(p_first), params.bands), dtype=U32)
    p_bits = np.empty((len(p_first), packed_width(params.num_perm)), dtype=np.uint8)
    if len(p_first):
        _sign(norm, sent_norm, sent_seg, p_first, p_last, p_exact, p_bands, p_bits, params)
    passage_base = np.searchsorted(p_first, sent_base, side="left")

    small = np.int32
    out = []
    for d, document in enumerate(documents):
        s0, s1 = int(sent_base[d]), int(sent_base[d + 1])
        q0, q1 = int(passage_base[d]), int(passage_base[d + 1])
        c0 = int(sent_norm[s0, 0]) if s1 > s0 else 0
        c1 = int(sent_norm[s1 - 1, 1]) if s1 > s0 else 0
        bands, bits = _two_views((params.bands, q1 - q0), (q1 - q0, p_bits.shape[1]))
        bands[:] = p_bands[q0:q1].T
        bits[:] = p_bits[q0:q1]
        out.append(DocSketch(
            norm=norm[c0:c1], sent_norm=(sent_norm[s0:s1] - c0).astype(small),
            sent_src=sent_src[s0:s1].astype(small),
            sent_seg=(sent_seg[s0:s1] - seg_base[d]).astype(small),
            p_first=(p_first[q0:q1] - s0).astype(small), p_last=(p_last[q0:q1] - s0).astype(small),
            p_exact=p_exact[q0:q1].copy(), p_bands=bands, p_bits=bits,
            line_starts=np.array(document.line_starts, dtype=small), titles=titles_of[d],
            num_perm=params.num_perm, rows=params.rows, lang=declared_language(document.text),
            seg_table=tables_of[d], names=names_of[d]))
    return out


def _passages(sent_seg: np.ndarray, n_words: np.ndarray, min_words: int,
              colon: np.ndarray | None = None):
    """Windows of 1-3 sentences inside a segment and whole segments of more than
    three, with at least ``min_words`` words, sorted by (first, last); none that is
    a lead-in (fewer than LEADIN_WORDS words, the last sentence ending in a colon:
    ``colon``)."""
    n = len(sent_seg)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    new_seg = np.concatenate(([True], sent_seg[1:] != sent_seg[:-1]))
    seg_start = np.flatnonzero(new_seg)
    seg_end = np.concatenate((seg_start[1:], [n]))
    seg_of = np.cumsum(new_seg) - 1
    end_of = seg_end[seg_of]
    index = np.arange(n)
    firsts = [index[index + w <= end_of] for w in (1, 2, 3)]
    lasts = [f + w for f, w in zip(firsts, (1, 2, 3))]
    whole = (seg_end - seg_start) > 3
    first = np.concatenate(firsts + [seg_start[whole]])
    last = np.concatenate(lasts + [seg_end[whole]])
    cum = np.concatenate(([0], np.cumsum(n_words)))
    words = cum[last] - cum[first]
    keep = words >= min_words
    if colon is not None and colon.any():
        keep &= ~(colon[last - 1] & (words < LEADIN_WORDS))
    first, last = first[keep], last[keep]
    order = np.lexsort((last, first))
    return first[order], last[order]


def _allowed(text, norm, sent_src, sent_norm, p_first, p_last, patterns):
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    keep = np.ones(len(p_first), dtype=bool)
    for i, (f, l) in enumerate(zip(p_first.tolist(), p_last.tolist())):
        raw = text[sent_src[f, 0]:sent_src[l - 1, 1]]
        normal = norm[sent_norm[f, 0]:sent_norm[l - 1, 1]]
        if any(p.search(raw) or p.search(normal) for p in compiled):
            keep[i] = False
    return p_first[keep], p_last[keep]


def packed_width(num_perm: int) -> int:
    return (num_perm * BITS + 7) // 8


def pack_bits(signatures: np.ndarray) -> np.ndarray:
    """The lowest two bits of every value, four values a byte (zero padding)."""
    n, width = signatures.shape
    padded = np.zeros((n, packed_width(width) * 4), dtype=np.uint8)
    padded[:, :width] = signatures & U32(3)
    fields = padded.reshape(n, -1, 4)
    return (fields[:, :, 0] | (fields[:, :, 1] << 2) | (fields[:, :, 2] << 4)
            | (fields[:, :, 3] << 6)).astype(np.uint8)


def _sign(norm, sent_norm, sent_seg, p_first, p_last, p_exact, p_bands, p_bits, params) -> None:
    """Exact hashes, band keys and b-bit estimators of the passages, computed a
    batch of whole segments at a time."""
    total_perm = params.num_perm
    n = len(sent_norm)
    # Batch boundaries: segment starts, cut about every BATCH_CHARS characters.
    seg_starts = np.flatnonzero(np.concatenate(([True], sent_seg[1:] != sent_seg[:-1])))
    cuts = [0]
    for s in seg_starts[1:].tolist():
        if sent_norm[s, 0] - sent_norm[cuts[-1], 0] >= BATCH_CHARS:
            cuts.append(s)
    cuts.append(n)
    bounds = np.searchsorted(p_first, cuts, side="left")
    for (s0, s1), (q0, q1) in zip(zip(cuts, cuts[1:]), zip(bounds, bounds[1:])):
        if q1 == q0:
            continue
        used = int(p_last[q0:q1].max())
        s1 = min(s1, used)
        base = int(sent_norm[s0, 0])
        text = norm[base:int(sent_norm[s1 - 1, 1])]
        spans = sent_norm[s0:s1] - base
        pf = p_first[q0:q1] - s0
        pl = p_last[q0:q1] - s0
        shingles, groups, p_exact[q0:q1] = shingle_hashes(text, spans, params.kind, params.size,
                                                          pf, pl)
        sigs = minhash_rows(shingles, groups[:-1], total_perm)
        passage_outputs(sigs, pf, pl, params.bands, params.rows, p_bands[q0:q1], p_bits[q0:q1])


def shingle_hashes(text: str, spans: np.ndarray, kind: str, size: int, first: np.ndarray,
                   last: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 32-bit hash of every shingle of the sentences at ``spans`` of ``text``, the
    start of each sentence's shingles (and the end), and the 64-bit hash of each
    passage (sentences ``first[i]:last[i]``): ``SubstringHasher`` over
    ``shingle_spans``, in one compiled pass where ``_speedups`` is built."""
    if _speedups is not None:
        hashes, groups, exact = _speedups.sketch_hashes(
            text, np.ascontiguousarray(spans, dtype=np.int64), kind == "char", size,
            np.ascontiguousarray(first, dtype=np.int64), np.ascontiguousarray(last, dtype=np.int64))
        return (np.frombuffer(hashes, dtype=U32), np.frombuffer(groups, dtype=np.int64),
                np.frombuffer(exact, dtype=U64))
    hasher = SubstringHasher(text)
    starts, ends, groups = shingle_spans(text, spans, kind, size)
    shingles = (hasher.hash(starts, ends) >> U64(32)).astype(U32)
    return shingles, groups, hasher.hash(spans[first, 0], spans[last - 1, 1])


def passage_outputs(sigs: np.ndarray, first: np.ndarray, last: np.ndarray, bands: int,
                    rows: int, out_bands: np.ndarray, out_bits: np.ndarray) -> None:
    """Band keys and packed estimators of the windows ``first[i]:last[i]`` of the
    sentence signatures ``sigs`` (a window's signature is the element-wise minimum
    of its sentences'), written into ``out_bands`` and ``out_bits``."""
    if _speedups is not None:
        _speedups.passages(np.ascontiguousarray(sigs, dtype=U32), sigs.shape[1],
                           np.ascontiguousarray(first, dtype=np.int64),
                           np.ascontiguousarray(last, dtype=np.int64), bands, rows,
                           out_bands, out_bits)
        return
    window = sigs[first]
    widths = last - first
    for k in range(1, int(widths.max())):
        more = np.flatnonzero(widths > k)
        window[more] = np.minimum(window[more], sigs[first[more] + k])
    out_bands[:] = band_keys(window[:, :bands * rows], bands, rows)
    out_bits[:] = pack_bits(window)
