"""Throughput of a whole `textsieve check` (default rules, no cache), 1 and 2 jobs.

Uses the real-prose corpus that benchmarks/cache_speed.py builds (package
documentation and package descriptions found on this machine), and prints MB/s,
wall and CPU seconds, and peak memory of the process tree for each job count.

    python benchmarks/throughput.py [--size-mb 20] [--keep DIR] [--args "--select DUP"]
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cache_speed import build_corpus  # noqa: E402


def measure(corpus: Path, jobs: int, extra: list[str]) -> dict:
    exe = os.path.join(os.path.dirname(sys.executable), "textsieve")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", exe, "check", "--no-cache", "--exit-zero",
                           "--jobs", str(jobs), "--format", "json", *extra, str(corpus)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    findings = proc.stdout.count('"code":')
    peak_kb = int(proc.stderr.strip().splitlines()[-1]) if proc.stderr.strip() else 0
    return {"wall": wall, "cpu": cpu, "findings": findings, "peak_mb": peak_kb / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=float, default=20.0)
    parser.add_argument("--keep", help="build the corpus here and keep it")
    parser.add_argument("--args", default="", help="more options, e.g. '--select DUP'")
    args = parser.parse_args()
    extra = shlex.split(args.args)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(args.keep or os.path.join(tmp, "corpus"))
        if not corpus.exists() or not any(corpus.iterdir()):
            corpus.mkdir(parents=True, exist_ok=True)
            build_corpus(corpus, args.size_mb)
        files = [p for p in corpus.rglob("*") if p.is_file()]
        size_mb = sum(p.stat().st_size for p in files) / 1e6
        print(f"corpus: {len(files)} files, {size_mb:.1f} MB; options: {' '.join(extra) or '(default rules)'}")
        for jobs in (1, 2):
            m = measure(corpus, jobs, extra)
            print(f"--jobs {jobs}: {size_mb / m['wall']:.2f} MB/s wall ({m['wall']:.1f} s, "
                  f"{m['cpu']:.1f} CPU s, peak RSS of the largest process {m['peak_mb']:.0f} MB), "
                  f"{m['findings']} findings")


if __name__ == "__main__":
    main()
