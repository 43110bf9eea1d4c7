"""Run the fuzz suite's properties at length, on every core.

Each worker runs tests/test_fuzz.py's checks on documents built by its grammar from a
seeded random generator (the tests draw the same grammar through Hypothesis, which is
slower but shrinks), and counts the cases and documents tried per category and the
failures; the shortest document of each kind of failure is printed. Four categories
are single documents (parser, every per-document rule, the fix loop); the fifth is
corpora of 2 or 3 documents through the corpus step too (DUP, SEM), each document of
which counts. A corpus costs about 50 times a single document (SEM's embeddings), so
``--corpus-share`` (5% of the documents by default) keeps a run of a million to hours,
not a day. A seed and the task number give every batch again: ``--seed S``.

    python benchmarks/fuzz.py --documents 1000000 --jobs 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import sys
import time
import traceback
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

CATEGORIES = ("markdown", "rst", "text", "arbitrary", "corpus")
BATCH = 500  # documents per task
PROGRESS_EVERY = 50_000  # documents between progress lines


def _work(args):
    category, count, seed = args
    import test_fuzz as fz

    pick = fz.RandomPick(random.Random(seed))
    failures = []
    documents = 0
    for _ in range(count):
        if category == "corpus":
            value = fz.build_corpus(pick)
            documents += len(value)
        elif category == "arbitrary":
            value = (pick.choice(["doc.md", "doc.rst", "doc.txt"]), pick.any_text(0, 300))
        else:
            value = fz.build_named_document(pick, category)
        if category != "corpus":
            documents += 1
        try:
            if category == "corpus":
                fz.check_corpus(value)
            else:
                path, text = value
                fz.check_fixes(path, text, fz.check_document(path, text))
        except Exception as exc:  # a failure is counted and kept, the run goes on
            failures.append((repr(value), "".join(traceback.format_exception_only(exc)).strip()[:2000]))
    return category, count, documents, failures


def kind_of(error: str) -> str:
    """A failure's kind: its exception and message with numbers and quoted text left out,
    so that one bug met a thousand times is one kind."""
    first = error.splitlines()[0]
    first = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "'…'", first)
    return re.sub(r"\d+", "N", first)[:160]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1_000_000,
                        help="documents to try in all (at least this many)")
    parser.add_argument("--corpus-share", type=float, default=0.05,
                        help="the share of the documents that come in corpora (default 0.05)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)
    in_corpora = round(opts.documents * min(max(opts.corpus_share, 0.0), 1.0))
    cases = {category: (opts.documents - in_corpora) // 4 for category in CATEGORIES[:4]}
    cases["markdown"] += (opts.documents - in_corpora) % 4
    cases["corpus"] = -(-in_corpora // 2)  # a corpus holds 2 or 3 documents
    tasks, k = [], 0
    for category in CATEGORIES:
        left = cases[category]
        while left > 0:
            n = min(BATCH, left)
            tasks.append((category, n, opts.seed * 1_000_003 + k))
            left -= n
            k += 1
    random.Random(opts.seed).shuffle(tasks)  # the categories interleaved, the same for a seed
    tried, documents, failed = Counter(), Counter(), Counter()
    kinds: Counter = Counter()
    shortest: dict[str, tuple[str, str, str]] = {}  # kind -> the shortest document that showed it
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(opts.jobs) as pool:
        try:
            for category, n, docs, failures in pool.imap_unordered(_work, tasks):
                before = sum(documents.values())
                tried[category] += n
                documents[category] += docs
                failed[category] += len(failures)
                for value, error in failures:
                    kind = kind_of(error)
                    kinds[kind] += 1
                    if kind not in shortest or len(value) < len(shortest[kind][1]):
                        shortest[kind] = (category, value, error)
                done = sum(documents.values())
                if done // PROGRESS_EVERY > before // PROGRESS_EVERY:  # a long run shows where it is
                    print(f"... {done:,d} documents tried, {sum(failed.values()):,d} failures,"
                          f" {time.perf_counter() - started:.0f} s", flush=True)
        except KeyboardInterrupt:
            pool.terminate()
            print("interrupted; figures so far:")
    elapsed = time.perf_counter() - started
    for category in CATEGORIES:
        print(f"{category:10s} cases {tried[category]:>9,d}  documents {documents[category]:>9,d}"
              f"  failures {failed[category]:,d}")
    print(f"{'total':10s} cases {sum(tried.values()):>9,d}  documents {sum(documents.values()):>9,d}"
          f"  failures {sum(failed.values()):,d}  in {elapsed:.0f} s, {opts.jobs} processes")
    for kind, count in kinds.most_common():
        category, value, error = shortest[kind]
        print(f"\n--- {count} x {category}: {error}\n{value[:4000]}")
    return 1 if sum(failed.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
