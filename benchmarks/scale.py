"""The local engine against --engine dask with two workers, on a large JSONL corpus.

Builds a corpus of JSONL records in a scratch directory (never in the repository):
the Markdown, reST and text files of /work/corpora (or --source), repeated with
edits until --size-mb (each copy has a few words changed, a sentence dropped or
swapped with another copy's, so DUP has near-duplicates, exact repeats and
boilerplate to find, as a crawl would). Then runs, interleaved --runs times:

  local   textsieve check --jobs 2 (a process pool on this machine)
  dask    textsieve check --engine dask --scheduler tcp://127.0.0.1:PORT, with a
          `dask scheduler` and two `dask worker --nthreads 1` processes started here

and prints wall time, MB/s, the client's peak memory (it runs the corpus step) and
each worker's peak memory (RSS sampled every 0.2 s over the process tree), and
whether the two engines' outputs are identical.

    python benchmarks/scale.py --size-mb 1000 --select DUP,ENC --runs 1 [--dir /tmp/scale]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

SUFFIXES = (".md", ".mdx", ".rst", ".txt", ".markdown")
WORD = re.compile(r"\b[a-z]{4,}\b")


def sources(root: Path) -> list[tuple[str, str]]:
    out = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() in SUFFIXES and path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            if 200 < len(text) < 400_000:
                out.append((str(path.relative_to(root)), text))
    return out


def edited(text: str, rng: random.Random, donor: str) -> str:
    """A copy with a few words changed, a paragraph dropped and one taken from another document."""
    paragraphs = text.split("\n\n")
    if len(paragraphs) > 3:
        del paragraphs[rng.randrange(len(paragraphs))]
    donor_paragraphs = donor.split("\n\n")
    paragraphs.insert(rng.randrange(len(paragraphs) + 1), rng.choice(donor_paragraphs))
    out = "\n\n".join(paragraphs)
    words = list(WORD.finditer(out))
    for match in rng.sample(words, min(len(words), max(1, len(words) // 40))):
        out = out[:match.start()] + match.group()[::-1] + out[match.end():]
    return out


def build(directory: Path, size_mb: int, source: Path, seed: int = 1) -> Path:
    path = directory / f"corpus-{size_mb}mb.jsonl"
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    docs = sources(source)
    rng = random.Random(seed)
    target = size_mb * 1_000_000
    written = copy = 0
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as handle:
        while written < target:
            for name, text in docs:
                if copy:
                    text = edited(text, rng, rng.choice(docs)[1])
                line = json.dumps({"id": f"copy{copy}/{name}", "text": text}, ensure_ascii=False) + "\n"
                handle.write(line)
                written += len(line.encode("utf-8"))
                if written >= target:
                    break
            copy += 1
    tmp.rename(path)
    return path


class Peak:
    """Peak RSS of processes, sampled: a process tree each, summed per root."""

    def __init__(self, roots: dict[str, int]):
        self.roots = roots
        self.peak = {name: 0 for name in roots}
        self.children_peak: dict[str, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            for name, pid in self.roots.items():
                try:
                    proc = psutil.Process(pid)
                    own = proc.memory_info().rss
                    self.peak[name] = max(self.peak[name], own)
                    for i, child in enumerate(proc.children(recursive=True)):
                        key = f"{name}/child{i}"
                        self.children_peak[key] = max(self.children_peak.get(key, 0), child.memory_info().rss)
                except psutil.Error:
                    pass
            time.sleep(0.2)

    def close(self):
        self.stop.set()
        self.thread.join()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_check(args: list[str], workers: dict[str, int]) -> dict:
    exe = os.path.join(os.path.dirname(sys.executable), "textsieve")
    start = time.perf_counter()
    proc = subprocess.Popen([exe, "check", "--no-cache", "--exit-zero", "--quiet", "--format", "json", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = Peak({"client": proc.pid, **workers})
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    peak.close()
    findings = json.loads(out)["findings"] if out else []
    return {"wall": wall, "code": proc.returncode, "digest": hashlib.blake2b(out).hexdigest()[:16],
            "findings": len(findings), "err": err.decode()[-400:], "peak": peak.peak,
            "children": peak.children_peak}


def start_cluster(workers: int):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    bindir = os.path.dirname(sys.executable)
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    scheduler = subprocess.Popen([os.path.join(bindir, "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                                  str(port), "--no-dashboard"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, env=env)
    procs = [scheduler]
    for _ in range(workers):
        procs.append(subprocess.Popen([os.path.join(bindir, "dask"), "worker", address, "--nthreads", "1",
                                       "--nworkers", "1", "--no-dashboard", "--memory-limit", "0"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, procs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--dir", default="/tmp/textsieve-scale")
    parser.add_argument("--source", default="/work/corpora")
    parser.add_argument("--select", default="DUP,ENC")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the corpus for the next run")
    options = parser.parse_args()

    t0 = time.perf_counter()
    corpus = build(Path(options.dir), options.size_mb, Path(options.source))
    size = corpus.stat().st_size
    records = sum(1 for _ in open(corpus, "rb"))
    print(f"corpus: {corpus} {size / 1e6:,.0f} MB, {records:,} records (built or found in "
          f"{time.perf_counter() - t0:.0f} s); load: {os.getloadavg()}", flush=True)
    common = ["--select", options.select, "--input-format", "jsonl", "--id-field", "id", str(corpus)]
    address, procs = start_cluster(options.workers)
    worker_pids = {f"worker{i}": p.pid for i, p in enumerate(procs[1:])}
    try:
        results: dict[str, list[dict]] = {"local": [], "dask": []}
        for run in range(options.runs):
            for engine in ("local", "dask"):
                args = ["--jobs", str(options.workers), *common] if engine == "local" else \
                    ["--engine", "dask", "--scheduler", address, *common]
                result = run_check(args, worker_pids if engine == "dask" else {})
                results[engine].append(result)
                mb = 1 << 20
                workers = ({k: v for k, v in result["peak"].items() if k.startswith("worker")}
                           if engine == "dask" else
                           {k: v for k, v in result["children"].items() if k.startswith("client/")})
                worker_text = ", ".join(f"{k} {v / mb:,.0f}" for k, v in sorted(workers.items())
                                        if engine == "dask" or v > 50 * mb)
                print(f"run {run + 1} {engine:5}: {result['wall']:7.1f} s  {size / 1e6 / result['wall']:5.2f} MB/s  "
                      f"exit {result['code']}  {result['findings']:,} findings  output {result['digest']}  "
                      f"client peak {result['peak']['client'] / mb:,.0f} MiB  worker peaks (MiB): {worker_text}",
                      flush=True)
                if result["code"] not in (0, 1):
                    print(result["err"], flush=True)
        same = {r["digest"] for rs in results.values() for r in rs}
        print(f"outputs identical across engines and runs: {len(same) == 1}; load: {os.getloadavg()}")
        for engine, rs in results.items():
            walls = sorted(r["wall"] for r in rs)
            print(f"{engine}: median {walls[len(walls) // 2]:.1f} s")
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not options.keep:
            shutil.rmtree(options.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
