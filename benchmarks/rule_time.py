"""Where a cold run's time goes: reading, parsing and each rule, one process.

    python benchmarks/rule_time.py DIR [--select CODES] [--ignore CODES]

Reads every Markdown, reST and text file under DIR, then prints the wall
seconds of: decoding, building the Documents, each per-document rule's checks,
each corpus rule's collect_many and its corpus step, with MB/s of the whole.
Rules selected as ``textsieve check`` selects them (the defaults unless told).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from textsieve.config import build_rules, selected_codes, split_codes
from textsieve.document import Document
from textsieve.rule import load_rules
from textsieve.runner import corpus_step
from textsieve.source import decode, format_for


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--select")
    parser.add_argument("--ignore", default="LT")
    args = parser.parse_args()
    registry = load_rules()
    codes = selected_codes(registry, split_codes(args.select) or None, [], split_codes(args.ignore))
    start = time.perf_counter()
    rules, _ = build_rules(registry, codes, {}, set(split_codes(args.select)), "benchmark")
    timing: dict[str, float] = defaultdict(float)
    timing["build rules"] = time.perf_counter() - start
    paths = sorted(p for p in Path(args.dir).rglob("*") if p.is_file() and format_for(str(p)))
    size = 0
    documents = []
    for path in paths:
        data = path.read_bytes()
        size += len(data)
        start = time.perf_counter()
        text, info = decode(data)
        timing["decode"] += time.perf_counter() - start
        start = time.perf_counter()
        documents.append(Document(str(path), text, format_for(str(path)), info))
        timing["parse"] += time.perf_counter() - start
    # Document by document, every rule on each, as the runner goes: what one rule
    # computes and shares for a document (its sentences, VAG's key index) is paid
    # by the first rule that needs it.
    per_document = [rule for rule in rules if not rule.is_corpus_rule()]
    for document in documents:
        for rule in per_document:
            if rule.applies_to(document):
                start = time.perf_counter()
                list(rule.check(document))
                timing[rule.code] += time.perf_counter() - start
    for rule in rules:
        if not rule.is_corpus_rule():
            continue
        start = time.perf_counter()
        chosen = [d for d in documents if rule.applies_to(d)]
        collected = list(zip((d.path for d in chosen), rule.collect_many(chosen)))
        timing[f"{rule.code} collect"] += time.perf_counter() - start
        start = time.perf_counter()
        corpus_step(rule, collected)
        timing[f"{rule.code} corpus"] += time.perf_counter() - start
    total = sum(timing.values())
    print(f"{len(paths)} files, {size / 1e6:.2f} MB, {total:.2f} s in all: {size / 1e6 / total:.2f} MB/s")
    for name, seconds in sorted(timing.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<16} {seconds:7.3f} s  {100 * seconds / total:5.1f} %")


if __name__ == "__main__":
    main()
