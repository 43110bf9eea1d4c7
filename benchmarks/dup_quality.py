"""Quality of the DUP passage rules on copies injected into real prose.

    python benchmarks/dup_quality.py [--documents 250] [--copies 800] [--seed 5]
                                     [--threshold 0.6] [--shingles word-2] [--write DIR]
                                     [--frames]
    python benchmarks/dup_quality.py --shingle-study

1. **Base corpus**: real paragraphs on every machine with Python (the language
   reference in ``pydoc_data.topics``, plus CMake's reST help when installed;
   see ``dup_speed.real_paragraphs``), cut into sentences by textsieve's own
   segmenter and dealt into Markdown documents of 5–10 paragraphs, some under
   ``##`` headings, some wrapped, each paragraph used once.
2. **Injection**: a source unit — one sentence, a window of two or three
   sentences, or a whole paragraph — is copied into another document with one
   controlled edit: 0–10 word substitutions, insertions or deletions, a mix,
   sentences reordered, a sentence split in two or two merged, Markdown
   formatting added (emphasis, links, re-wrapping), or case and punctuation
   changed. A copied sentence goes *into an existing paragraph* of the target
   (the "sentence in an otherwise different paragraph" case); longer units
   become paragraphs of their own. One source in ten is copied into five to
   seven documents (a boilerplate cluster).
3. **Truth**: each copy's true similarity is the exact Jaccard index of the
   shingle sets of source and copy, as textsieve normalises the parsed text.
4. **Run**: DUP101, DUP102 and DUP104 through the rule classes, exactly as
   the runner calls them (``collect`` per document, ``check_corpus`` once).

Reported:

* **recall** of injected copies with true similarity >= threshold: a finding
  in the copy's document covering at least half of the copy, whose related
  locations include its source or another copy of the same source; also
  *exact-span recall* (the finding's span is exactly the copy's span), the
  source side, and recall by similarity and by edit kind (also below the
  threshold, where a finding is not expected);
* **precision**: findings on a real duplicate (an injected copy or source, or
  a passage in a pair that the exact all-pairs search finds at or above the
  threshold — the real text has duplicates of its own, CMake's templated
  pages above all), and findings whose span is exactly such a passage;
* **LSH recall against exact all-pairs search**: every pair of distinct
  passages with exact similarity >= threshold (found by a prefix-filtered
  all-pairs join, Bayardo et al. 2007) that the banding proposes, before and
  after the b-bit estimate, and after exact verification.

``--shingle-study`` compares shingle kinds instead (see ``shingle_study``).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dup_speed import edit_word, real_paragraphs  # noqa: E402

from textsieve.document import Document  # noqa: E402
from textsieve.rules import duplicates_match as match  # noqa: E402
from textsieve.rules import duplicates_sketch as sketch  # noqa: E402
from textsieve.rules import duplicates_text as dtext  # noqa: E402
from textsieve.rules.duplicates import (BoilerplatePassage, ExactDuplicatePassage,  # noqa: E402
                                        NearDuplicatePassage)
from textsieve.sentences import split_sentences  # noqa: E402


class Sent:
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


EDITS = ["exact", "sub", "ins", "del", "mix", "reorder", "split", "merge", "markup", "case"]


def build(n_docs: int, n_copies: int, seed: int):
    rng = random.Random(seed)
    paragraphs = [[Sent(s.text) for s in split_sentences(p)] for p in real_paragraphs()]
    paragraphs = [p for p in paragraphs if p]
    rng.shuffle(paragraphs)
    vocabulary = sorted({w for p in paragraphs for s in p for w in s.text.split()})
    docs: list[list] = []  # blocks: ("h", text) or ("p", [Sent])
    cursor = 0
    for d in range(n_docs):
        blocks: list = []
        for k in range(rng.randint(5, 10)):
            if k and rng.random() < 0.2:
                blocks.append(("h", f"Part {k} of section {d}"))
            if cursor == len(paragraphs):
                raise SystemExit(f"only {len(paragraphs)} real paragraphs: use fewer --documents")
            blocks.append(("p", paragraphs[cursor]))
            cursor += 1
        docs.append(blocks)
    protected: set[int] = set()  # paragraphs used as sources: nothing is inserted into them
    received: set[int] = set()  # paragraphs that received a copied sentence: not sources
    injections = []
    while len(injections) < n_copies:
        d = rng.randrange(n_docs)
        paras = [b[1] for b in docs[d] if b[0] == "p" and id(b[1]) not in received]
        if not paras:
            continue
        para = rng.choice(paras)
        unit = rng.choice(("sentence", "sentence", "window", "paragraph"))
        if unit == "sentence" or len(para) == 1:
            i = rng.randrange(len(para))
            source = para[i:i + 1]
        elif unit == "window":
            width = rng.randint(2, 3)
            i = rng.randrange(max(1, len(para) - width + 1))
            source = para[i:i + width]
        else:
            source = list(para)
        if len(" ".join(s.text for s in source).split()) < 8:
            continue
        protected.add(id(para))
        targets = rng.sample([t for t in range(n_docs) if t != d],
                             rng.randint(5, 7) if rng.random() < 0.1 else 1)
        for t in targets:
            kind = rng.choice(EDITS)
            level = rng.choice((1, 2, 3, 4, 5, 6, 8, 10)) if kind in ("sub", "ins", "del",
                                                                    "mix") else 0
            copy = [Sent(x) for x in edit(kind, level, [s.text for s in source], rng, vocabulary)]
            blocks = docs[t]
            if len(source) == 1:
                hosts = [b[1] for b in blocks if b[0] == "p" and id(b[1]) not in protected]
                if not hosts:
                    continue
                host = rng.choice(hosts)
                at = rng.randrange(len(host) + 1)
                host[at:at] = copy
                received.add(id(host))
            else:
                at = rng.randrange(len(blocks) + 1)
                blocks.insert(at, ("p", copy))
                protected.add(id(copy))
            injections.append({"source_doc": d, "source": source, "copy_doc": t, "copy": copy,
                               "edit": kind, "level": level, "group": id(source[0])})
    return docs, injections, rng


def edit(kind: str, level: int, sentences: list[str], rng: random.Random,
         vocabulary: list[str]) -> list[str]:
    out = list(sentences)
    if kind in ("sub", "ins", "del", "mix"):
        words = " ".join(out).split()
        for _ in range(level):
            op = rng.choice(("sub", "ins", "del")) if kind == "mix" else kind
            edit_word(words, op, rng, vocabulary)
        # Keep the sentence ends where they were (by word count).
        out, k = [], 0
        for s in sentences:
            n = len(s.split())
            out.append(" ".join(words[k:k + n]) if k + n <= len(words) else " ".join(words[k:]))
            k += n
        if k < len(words):
            out[-1] += " " + " ".join(words[k:])
        out = [s for s in out if s]
        out = [s if s.endswith((".", "!", "?", ":")) else s + "." for s in out]
    elif kind == "reorder" and len(out) > 1:
        while out == sentences:
            rng.shuffle(out)
    elif kind == "split":
        i = max(range(len(out)), key=lambda k: len(out[k].split()))
        words = out[i].split()
        if len(words) >= 10:
            cut = len(words) // 2
            first = " ".join(words[:cut]).rstrip(",;:") + "."
            second = " ".join(words[cut:])
            out[i:i + 1] = [first, second[:1].upper() + second[1:]]
    elif kind == "merge" and len(out) > 1:
        a, b = out[0].rstrip(".!?"), out[1]
        out[0:2] = [f"{a}, and {b[:1].lower()}{b[1:]}"]
    elif kind == "markup":
        words = " ".join(out).split()
        for _ in range(3):
            i = rng.randrange(len(words))
            if words[i][0].isalpha() and words[i][-1].isalpha():
                words[i] = rng.choice(("**{}**", "*{}*", "[{}](https://example.org/x)")).format(
                    words[i])
        joined, out, k = words, [], 0
        for s in sentences:
            n = len(s.split())
            out.append(" ".join(joined[k:k + n]))
            k += n
    elif kind == "case":
        out = [s.lower().replace(",", ";").rstrip(".") + "!" for s in out]
    return out


def render(blocks: list, rng: random.Random) -> tuple[str, dict[int, tuple[int, int]]]:
    """Markdown text and the offsets of every sentence (by object id)."""
    parts: list[str] = []
    offsets: dict[int, tuple[int, int]] = {}
    pos = 0

    def add(text: str):
        nonlocal pos
        parts.append(text)
        pos += len(text)

    add("# A document of the benchmark\n\n")
    for kind, value in blocks:
        if kind == "h":
            add(f"## {value}\n\n")
            continue
        wrap = rng.random() < 0.3
        column = 0
        for k, sentence in enumerate(value):
            if k:
                sep = "\n" if wrap and column > 60 else " "
                column = 0 if sep == "\n" else column + 1
                add(sep)
            offsets[id(sentence)] = (pos, pos + len(sentence.text))
            add(sentence.text)
            column += len(sentence.text)
        add("\n\n")
    return "".join(parts), offsets


# -- exact all-pairs search (prefix filtering) -----------------------------------------
def all_pairs(sets: list[set], threshold: float) -> set[tuple[int, int]]:
    frequency = Counter(token for s in sets for token in s)
    ordered = [sorted(s, key=lambda t: (frequency[t], t)) for s in sets]
    index: dict[str, list[int]] = defaultdict(list)
    candidates: set[tuple[int, int]] = set()
    for i, tokens in enumerate(ordered):
        prefix = len(tokens) - math.ceil(threshold * len(tokens)) + 1
        for token in tokens[:prefix]:
            for j in index[token]:
                candidates.add((j, i))
            index[token].append(i)
    return {(i, j) for i, j in candidates if match.jaccard(sets[i], sets[j]) >= threshold}


# -- evaluation ------------------------------------------------------------------------------
def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def evaluate(args) -> dict:
    docs, injections, rng = build(args.documents, args.copies, args.seed)
    paths = [f"doc{d:04d}.md" for d in range(len(docs))]
    texts, offsets = [], {}
    for blocks in docs:
        text, where = render(blocks, rng)
        texts.append(text)
        offsets.update(where)
    if args.write:
        out = Path(args.write)
        out.mkdir(parents=True, exist_ok=True)
        for path, text in zip(paths, texts):
            (out / path).write_text(text, encoding="utf-8")
    documents = [Document(p, t, "markdown") for p, t in zip(paths, texts)]
    # All twins in ``related``, so that a copy found inside a big cluster can be checked
    # against its source (the default lists five).
    settings = {"threshold": args.threshold, "shingles": args.shingles, "max-related": 100_000}
    if args.frames:
        settings["frames"] = True
    kind, size = dtext.parse_shingles(args.shingles)

    def span_of(sents):
        return offsets[id(sents[0])][0], offsets[id(sents[-1])][1]

    def shingles_in(d: int, span: tuple[int, int]) -> set:
        doc = documents[d]
        inside = [s.text for s in doc.sentences if span[0] <= s.start and s.end <= span[1]]
        normal = [n for n in sketch.normalise_sentences(inside) if n]
        joined, bounds, at = " ".join(normal), [], 0
        for n in normal:
            bounds.append((at, at + len(n)))
            at += len(n) + 1
        return sketch.shingle_set(joined, bounds, kind, size)

    for item in injections:
        item["source_span"] = span_of(item["source"])
        item["copy_span"] = span_of(item["copy"])
        item["similarity"] = match.jaccard(shingles_in(item["source_doc"], item["source_span"]),
                                           shingles_in(item["copy_doc"], item["copy_span"]))

    # The run, as the runner does it.
    rules = [NearDuplicatePassage(settings), ExactDuplicatePassage(settings),
             BoilerplatePassage(settings)]
    collected = [(p, rules[0].collect(d)) for p, d in zip(paths, documents)]
    findings = [f for rule in rules for f in rule.check_corpus(collected)]
    analysis = match.analyse_passages(collected, rules[0]._match_params(),
                                      rules[0].sketch_params.bands)
    by_path = defaultdict(list)
    for f in findings:
        by_path[f.span.path].append(f)

    # Exact all-pairs over the same passages, and the LSH candidates.
    corpus = match.Corpus(collected)
    group = match.exact_groups(corpus)
    reps = np.flatnonzero(group == np.arange(corpus.n))
    cache = match.ShingleCache(corpus, kind, size)
    rep_sets = [cache.passage(int(p)) for p in reps]
    truth = set()
    for a, b in all_pairs(rep_sets, args.threshold):
        i, j = int(reps[a]), int(reps[b])
        same = corpus.p_doc[i] == corpus.p_doc[j]
        if same and corpus.p_first[i] < corpus.p_last[j] and corpus.p_first[j] < corpus.p_last[i]:
            continue
        truth.add((min(i, j), max(i, j)))
    bands = rules[0].sketch_params.bands
    proposed = {tuple(p) for p in match.lsh_candidates(corpus, reps, bands, "both",
                                                       args.threshold).tolist()}
    real_minimum = match.estimator_minimum
    match.estimator_minimum = lambda threshold, values: 0
    try:
        banded = {tuple(p) for p in match.lsh_candidates(corpus, reps, bands, "both",
                                                         args.threshold).tolist()}
    finally:
        match.estimator_minimum = real_minimum
    verified = {(min(i, j), max(i, j)) for i, j, _ in
                match.verify(corpus, np.array(sorted(proposed)).reshape(-1, 2), args.threshold,
                             cache)}

    # Spans that are real duplicates: injected sources and copies, and passages of exact pairs.
    true_spans = defaultdict(list)
    for item in injections:
        true_spans[paths[item["source_doc"]]].append(item["source_span"])
        true_spans[paths[item["copy_doc"]]].append(item["copy_span"])
    sizes = np.bincount(group, minlength=corpus.n)
    exact_members = [int(p) for p in np.flatnonzero(sizes[group] > 1)]  # exact copies
    for p in [p for pair in truth for p in pair] + exact_members:
        d = int(corpus.p_doc[p])
        doc = corpus.docs[d]
        true_spans[corpus.paths[d]].append(
            (int(doc.sent_src[corpus.p_first[p], 0]), int(doc.sent_src[corpus.p_last[p] - 1, 1])))
    group_spans = defaultdict(list)
    for item in injections:
        group_spans[item["group"]].append((paths[item["source_doc"]], item["source_span"]))
        group_spans[item["group"]].append((paths[item["copy_doc"]], item["copy_span"]))

    def found(path: str, span: tuple[int, int], group: int) -> tuple[bool, bool]:
        for f in by_path[path]:
            fs = (f.span.start, f.span.end)
            if overlap(fs, span) * 2 < span[1] - span[0]:
                continue
            twins = [(r.span.path, (r.span.start, r.span.end)) for r in f.related]
            if any(p == tp and overlap(s, ts) > 0 for p, s in twins for tp, ts in group_spans[group]):
                return True, fs == span
        return False, False

    rows = []
    for item in injections:
        copy_hit, copy_exact = found(paths[item["copy_doc"]], item["copy_span"], item["group"])
        source_hit, _ = found(paths[item["source_doc"]], item["source_span"], item["group"])
        rows.append((item, copy_hit, copy_exact, source_hit))
    above = [r for r in rows if r[0]["similarity"] >= args.threshold]

    true_findings = exact_findings = 0
    unexplained = []
    for f in findings:
        fs = (f.span.start, f.span.end)
        spans = true_spans[f.span.path]
        if any(overlap(fs, s) > 0 for s in spans):
            true_findings += 1
        else:
            unexplained.append(f"{f.span.path}:{f.span.line}:{f.span.column} {f.code}")
        if fs in spans:
            exact_findings += 1

    bins = [(0.0, 0.3), (0.3, 0.45), (0.45, args.threshold), (args.threshold, 0.7), (0.7, 0.85),
            (0.85, 1.0001)]
    by_bin = {f"{lo:.2f}-{min(hi, 1):.2f}": _rate([r for r in rows if lo <= r[0]["similarity"] < hi])
              for lo, hi in bins}
    by_edit = {kind: _rate([r for r in above if r[0]["edit"] == kind]) for kind in EDITS}
    by_unit = {}
    for r in above:
        n = len(r[0]["source"])
        by_unit.setdefault("1 sentence" if n == 1 else "2-3 sentences" if n <= 3 else "paragraph",
                           []).append(r)
    return {
        "command": "python benchmarks/dup_quality.py " + " ".join(sys.argv[1:]),
        "settings": {"threshold": args.threshold, "shingles": args.shingles,
                     "bands": bands, "rows": rules[0].sketch_params.rows,
                     "num_perm": rules[0].settings["num-perm"], "frames": args.frames},
        "corpus": {"documents": len(docs), "megabytes": round(sum(map(len, texts)) / 1e6, 2),
                   "passages": corpus.n, "unique_passages": len(reps),
                   "injected_copies": len(injections), "copies_at_or_above_threshold": len(above)},
        "recall": {
            "copies >= threshold": _ratio(sum(r[1] for r in above), len(above)),
            "exact span, copies >= threshold": _ratio(sum(r[2] for r in above), len(above)),
            "sources of copies >= threshold": _ratio(sum(r[3] for r in above), len(above)),
            "by similarity (all copies)": by_bin,
            "by edit (copies >= threshold)": by_edit,
            "by unit (copies >= threshold)": {k: _rate(v) for k, v in sorted(by_unit.items())},
            # Which copies were missed, by their number in the (seeded) injection order:
            # two versions of the rules are compared on the same copies.
            "missed copies >= threshold": [
                {"copy": injections.index(r[0]), "edit": r[0]["edit"],
                 "similarity": round(r[0]["similarity"], 3),
                 "text": " ".join(s.text for s in r[0]["copy"])[:160]}
                for r in above if not r[1]],
        },
        "precision": {
            "findings": len(findings),
            "by code": dict(sorted(Counter(f.code for f in findings).items())),
            "on a real duplicate": _ratio(true_findings, len(findings)),
            "span exactly a duplicated passage": _ratio(exact_findings, len(findings)),
            "not on a real duplicate (first 10)": unexplained[:10],
        },
        "lsh_vs_exact_all_pairs": {
            "pairs >= threshold (exact search)": len(truth),
            "proposed by banding": _ratio(len(truth & banded), len(truth)),
            "after b-bit estimate": _ratio(len(truth & proposed), len(truth)),
            "verified (reported pairs)": _ratio(len(truth & verified), len(truth)),
            "candidates verified": len(proposed),
            "verified pairs not in exact search": len(verified - truth),
        },
        "analysis": analysis.stats,
    }


def shingle_study(seed: int) -> dict:
    """How each shingle kind scores a copy with k words substituted in a sentence of
    20-30 words, against how similar unrelated sentences of the same text are.

    "mean/p05" is the mean and 5th percentile similarity of the edited copies;
    "E[J^4]" the mean 4th power of the similarity of random unrelated pairs (with
    4-row bands, the chance that such a pair becomes an LSH candidate is about
    bands x E[J^4]: what the banding costs); "shingles/word" the hashing cost.
    """
    rng = random.Random(seed)
    sentences = [s.text for p in real_paragraphs() for s in split_sentences(p)]
    sentences = list(dict.fromkeys(s for s in sentences if len(s.split()) >= 8))
    rng.shuffle(sentences)
    normal = [n for n in sketch.normalise_sentences(sentences) if n]
    pool, vocabulary = normal[:2000], sorted({w for n in normal for w in n.split()})
    middle = [n for n in normal[2000:] if 20 <= len(n.split()) <= 30][:500]
    out = {}
    for choice in ("word-1", "word-2", "word-3", "word-5", "char-4", "char-5"):
        kind, size = dtext.parse_shingles(choice)
        sets = [sketch.sentence_shingles(n, kind, size) for n in pool]
        pairs = [(rng.randrange(len(sets)), rng.randrange(len(sets))) for _ in range(200_000)]
        background = np.array([match.jaccard(sets[a], sets[b]) for a, b in pairs if a != b])
        background = background[background < 0.5]  # unrelated pairs only
        row = {"shingles/word": round(sum(len(s) for s in sets) / sum(n.count(" ") + 1
                                                                       for n in pool), 2),
               "E[J^4] unrelated": f"{np.mean(background ** 4):.1e}"}
        for k in (1, 2, 3, 5):
            scores = []
            for n in middle:
                words = n.split()
                for i in rng.sample(range(len(words)), k):
                    words[i] = rng.choice(vocabulary)
                scores.append(match.jaccard(sketch.sentence_shingles(n, kind, size),
                                            sketch.sentence_shingles(" ".join(words), kind,
                                                                     size)))
            row[f"{k} substituted: mean/p05"] = (f"{np.mean(scores):.2f}/"
                                                 f"{np.quantile(scores, 0.05):.2f}")
        out[choice] = row
    return {"command": "python benchmarks/dup_quality.py --shingle-study", "shingles": out}


def _ratio(k: int, n: int) -> str:
    return f"{k}/{n} = {k / n:.3f}" if n else "0/0"


def _rate(rows) -> str:
    return _ratio(sum(r[1] for r in rows), len(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=250)
    parser.add_argument("--copies", type=int, default=800)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--threshold", type=float,
                        default=NearDuplicatePassage.options["threshold"].default)
    parser.add_argument("--shingles", default=NearDuplicatePassage.options["shingles"].default)
    parser.add_argument("--write", help="also write the corpus to this directory")
    parser.add_argument("--frames", action="store_true",
                        help="report parallel phrasing too (the DUP option frames = true): random "
                             "one-word edits of a short sentence look like it")
    parser.add_argument("--shingle-study", action="store_true",
                        help="compare shingle kinds on edited sentences instead")
    args = parser.parse_args()
    print(json.dumps(shingle_study(args.seed) if args.shingle_study else evaluate(args), indent=2))


if __name__ == "__main__":
    main()
