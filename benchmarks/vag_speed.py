"""Throughput of the VAG rules (all six) on a corpus of real prose.

    python benchmarks/vag_speed.py [DIR] [--size-mb 10] [--repeat 3] [--no-cli]

DIR is a folder of .md/.txt/.rst files; without it, a corpus of real package
documentation is built in a temporary folder by cache_speed.build_corpus.

Prints, in this order:

* the rules alone: MB/s of UTF-8 input per CPU second spent in the rules'
  ``check`` (all on, the off-by-default ones included), on documents built
  and split into sentences beforehand (parsing and sentence splitting are the
  engine's and every rule shares them; their times are printed apart). The
  rules run document by document, as the runner calls them; the best of
  --repeat runs on fresh documents. Time per rule is what each rule's check
  took, so the first rule to read a document also pays for the scan they all
  share;
* the whole command: CPU (user+sys) and wall seconds of
  ``textsieve check --select VAG --no-cache --jobs 1 DIR``, and of the same with
  ``--select TS003`` (a rule that only reads segments: the cost of reading and
  parsing), whose difference is what VAG adds to a run, sentence splitting
  included.

Timing is only printed, never asserted.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(corpus: Path) -> list[tuple]:
    """(path, format, text, SourceInfo, size in bytes) of each document under ``corpus``."""
    from textsieve.document import format_for
    from textsieve.source import read_file

    files = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        fmt = format_for(str(path))
        if fmt is None:
            continue
        data, text, info = read_file(str(path))
        files.append((str(path), fmt, text, info, len(data)))
    return files


def rules_alone(files, repeat: int) -> None:
    from textsieve.document import Document
    from textsieve.rules.vague import RULES

    size = sum(f[4] for f in files)
    best = None
    for _ in range(repeat):
        started = time.process_time()
        documents = [Document(path, text, fmt, info) for path, fmt, text, info, _ in files]
        parsed = time.process_time()
        for document in documents:
            document.sentences
        split = time.process_time()
        rules = [rule() for rule in RULES]
        per_rule = dict.fromkeys((rule.code for rule in rules), 0.0)
        findings = 0
        for document in documents:
            for rule in rules:
                began = time.process_time()
                findings += sum(1 for _ in rule.check(document))
                per_rule[rule.code] += time.process_time() - began
        total = sum(per_rule.values())
        run = (total, parsed - started, split - parsed, per_rule, findings)
        if best is None or total < best[0]:
            best = run
    total, parse, split, per_rule, findings = best
    print(f"corpus: {len(files)} files, {size / 1e6:.2f} MB")
    print(f"engine, once per run: parsing {parse:.2f} s, sentence splitting {split:.2f} s (CPU)")
    print(f"VAG rules alone: {total:.2f} s CPU, {size / 1e6 / total:.1f} MB/s, "
          f"{total / (size / 1e6):.3f} s per MB, {findings} findings (best of {repeat})")
    print("  " + ", ".join(f"{code} {seconds:.2f} s" for code, seconds in per_rule.items()))


def command(corpus: Path, select: str) -> tuple[float, float, str]:
    """CPU and wall seconds of one `textsieve check`, and its summary line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "textsieve", "check", str(corpus), "--select", select,
                           "--no-cache", "--jobs", "1", "--exit-zero", "--color", "never"],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"textsieve failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = next((line for line in done.stdout.splitlines()
                    if line.startswith(("Found ", "All checks"))), "no summary")
    return cpu, wall, summary


def whole_command(corpus: Path, size: int) -> None:
    vag_cpu, vag_wall, summary = command(corpus, "VAG")
    base_cpu, base_wall, _ = command(corpus, "TS003")
    print(f"textsieve check --select VAG --no-cache --jobs 1: {vag_cpu:.2f} s CPU, "
          f"{vag_wall:.2f} s wall ({summary})")
    print(f"textsieve check --select TS003 --no-cache --jobs 1: {base_cpu:.2f} s CPU, "
          f"{base_wall:.2f} s wall (reading and parsing)")
    extra = vag_cpu - base_cpu
    print(f"VAG adds {extra:.2f} s CPU to a run, {extra / (size / 1e6):.3f} s per MB "
          f"(sentence splitting included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", help="folder of documents (default: build one)")
    parser.add_argument("--size-mb", type=float, default=10.0, help="size of a built corpus (default 10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the rules alone (best is shown)")
    parser.add_argument("--no-cli", action="store_true", help="skip timing the whole command")
    args = parser.parse_args()

    work = None
    if args.corpus:
        corpus = Path(args.corpus)
    else:
        sys.path.insert(0, str(HERE))
        from cache_speed import build_corpus

        work = Path(tempfile.mkdtemp(prefix="textsieve-vag-bench-"))
        corpus = work / "corpus"
        build_corpus(corpus, args.size_mb)
    try:
        files = load(corpus)
        rules_alone(files, max(1, args.repeat))
        if not args.no_cli:
            whole_command(corpus, sum(f[4] for f in files))
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
