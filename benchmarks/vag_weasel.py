"""Sentence-level precision, recall and F1 of the VAG rules on weasel-labelled text.

    python benchmarks/vag_weasel.py TSV [--profile thorough] [--codes VAG101,VAG104] [--errors N]

TSV holds one sentence per line, ``uncertain<TAB>sentence`` or ``certain<TAB>sentence``
(the CoNLL-2010 Wikipedia task's labels, for instance; the data is not shipped). A
sentence is predicted uncertain when any of the chosen rules reports something in it.
Each sentence is checked as a document of its own, as plain text. Prints the figures
for the rules together and for each code alone (its precision, and the recall it reaches
alone), then, with --errors N, N random false positives and N random false negatives.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from textsieve.document import Document
from textsieve.rules.vague import RULES


def figures(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"flagged {tp + fp:5}  TP {tp:5}  FP {fp:5}  precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tsv")
    parser.add_argument("--profile", default="default")
    parser.add_argument("--codes", help="comma-separated codes (default: those on by default)")
    parser.add_argument("--errors", type=int, default=0, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    settings = {"profile": args.profile}
    codes = args.codes.split(",") if args.codes else [r.code for r in RULES if r.default_enabled]
    rules = [r(settings) for r in RULES if r.code in codes]
    rows = []
    with open(args.tsv, encoding="utf-8") as handle:
        for line in handle:
            label, _, sentence = line.rstrip("\n").partition("\t")
            rows.append((label == "uncertain", sentence))
    started = time.perf_counter()
    flagged = []  # per sentence: {code: matched text}
    for index, (_, sentence) in enumerate(rows):
        document = Document(f"s{index}.txt", sentence + "\n", "text")
        flagged.append({f.code: f.text for rule in rules for f in rule.check(document)})
    elapsed = time.perf_counter() - started
    gold = sum(1 for wanted, _ in rows if wanted)
    print(f"{len(rows)} sentences, {gold} uncertain; profile {args.profile}; {elapsed:.1f} s")
    tp = sum(1 for (wanted, _), hit in zip(rows, flagged) if hit and wanted)
    fp = sum(1 for (wanted, _), hit in zip(rows, flagged) if hit and not wanted)
    print(f"{'together':9} {figures(tp, fp, gold - tp)}")
    for code in codes:
        tp = sum(1 for (wanted, _), hit in zip(rows, flagged) if code in hit and wanted)
        fp = sum(1 for (wanted, _), hit in zip(rows, flagged) if code in hit and not wanted)
        print(f"{code:9} {figures(tp, fp, gold - tp)}")
    if args.errors:
        rng = random.Random(args.seed)
        fps = [(hit, s) for (wanted, s), hit in zip(rows, flagged) if hit and not wanted]
        fns = [s for (wanted, s), hit in zip(rows, flagged) if wanted and not hit]
        print("\nfalse positives:")
        for hit, sentence in rng.sample(fps, min(args.errors, len(fps))):
            print(f"  {hit}  {sentence}")
        print("\nfalse negatives:")
        for sentence in rng.sample(fns, min(args.errors, len(fns))):
            print(f"  {sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
