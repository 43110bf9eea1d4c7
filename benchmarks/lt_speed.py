"""LT speed: words per second, cold and cached, and the cache hit rate of the second run.

    python benchmarks/lt_speed.py [--url URL] [--corpus DIR ...] [--size 1000000]

Runs LT001-LT003 through the runner, as `textsieve check --select LT` does, twice per
corpus with one fresh cache directory: a cold run (empty cache), then a cached run.
Corpora: samples/ and about 1 MB of real English prose (the Node.js API documentation
in /usr/share/doc/nodejs/api, Markdown with code blocks, files in name order until the
size is reached), or the directories given with --corpus.

The server: the one at --url, or the server scripts/languagetool/setup.sh assembles,
started here on a free loopback port and warmed up (its start and first check are
printed, not counted in the runs). Also printed: a local-mode run on samples/, where
textsieve starts and stops the server itself, start-up included.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from textsieve.cache import Cache
from textsieve.discovery import DEFAULT_INCLUDE, discover
from textsieve.document import Document, format_for
from textsieve.rules import languagetool as lt
from textsieve.runner import run
from textsieve.source import read_file

REPO = Path(__file__).resolve().parents[1]
NODE_DOCS = Path("/usr/share/doc/nodejs/api")


def corpus_files(root: Path, size: int | None) -> list[str]:
    found = discover([str(root)], str(root), DEFAULT_INCLUDE, [], False)
    files = sorted(found.files)
    if size is None:
        return files
    chosen, total = [], 0
    for path in files:
        if total >= size:
            break
        chosen.append(path)
        total += os.path.getsize(path)
    return chosen


def words(files: list[str]) -> int:
    total = 0
    for path in files:
        _, text, info = read_file(path, 50_000_000)
        total += Document(path, text, format_for(path) or "text", info).word_count
    return total


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([str(REPO / "scripts/languagetool/start.sh"), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    while True:
        if process.poll() is not None:
            sys.exit(f"the LanguageTool server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/v2/languages", timeout=2):
                break
        except OSError:
            time.sleep(0.1)
        if time.perf_counter() - start > 300:
            sys.exit("the LanguageTool server did not answer within 300 s")
    print(f"server start (to /v2/languages answering): {time.perf_counter() - start:.1f} s")
    return process, url


def warm_up(url: str) -> None:
    start = time.perf_counter()
    data = urllib.parse.urlencode({"language": "en-US", "text": "This are a tset."}).encode()
    with urllib.request.urlopen(url + "/v2/check", data, timeout=300) as response:
        json.load(response)
    print(f"first check (LanguageTool loads its rules): {time.perf_counter() - start:.1f} s")


def timed_run(files: list[str], settings: dict, cache_dir: str):
    rules = [cls(dict(settings)) for cls in lt.RULES]
    start = time.perf_counter()
    result = run(files, rules, cache=Cache(cache_dir), jobs=1)
    elapsed = time.perf_counter() - start
    if result.errors or result.unavailable:
        sys.exit(f"run failed: {result.errors or result.unavailable}")
    return elapsed, lt.last_stats(), len(result.findings)


def measure(label: str, files: list[str], settings: dict) -> None:
    n_words = words(files)
    size = sum(os.path.getsize(f) for f in files)
    with tempfile.TemporaryDirectory() as cache_dir:
        cold, cold_stats, found = timed_run(files, settings, cache_dir)
        warm, warm_stats, found_again = timed_run(files, settings, cache_dir)
    assert found == found_again, (found, found_again)
    hit_rate = warm_stats.cache_hits / warm_stats.paragraphs if warm_stats.paragraphs else 1.0
    print(f"{label}: {len(files)} files, {size / 1e3:.0f} kB, {n_words} words, "
          f"{cold_stats.paragraphs} distinct paragraphs, {found} findings")
    print(f"  cold:   {cold:7.2f} s  {n_words / cold:9.0f} words/s  "
          f"({cold_stats.requests} requests, {cold_stats.characters_sent} characters sent)")
    print(f"  cached: {warm:7.2f} s  {n_words / warm:9.0f} words/s  "
          f"(cache hit rate {hit_rate:.1%}: {warm_stats.cache_hits}/{warm_stats.paragraphs} "
          f"paragraphs, {warm_stats.requests} requests)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="a running LanguageTool server (default: start one)")
    parser.add_argument("--corpus", action="append", type=Path,
                        help="a directory to measure (default: samples/ and ~1 MB of Node.js docs)")
    parser.add_argument("--size", type=int, default=1_000_000,
                        help="bytes taken from the large corpus (default 1000000)")
    parser.add_argument("--no-local", action="store_true", help="skip the local-mode run")
    args = parser.parse_args()

    os.environ.setdefault("TEXTSIEVE_LT_HOME", str(REPO / ".languagetool"))
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    process = None
    url = args.url
    if not url:
        subprocess.run([str(REPO / "scripts/languagetool/setup.sh"), "--print-dir"], check=True,
                       stdout=subprocess.DEVNULL)
        process, url = start_server()
    try:
        warm_up(url)
        settings = {"url": url}
        corpora = [(str(c), corpus_files(c, None)) for c in args.corpus] if args.corpus else [
            ("samples/", corpus_files(REPO / "samples", None))]
        if not args.corpus:
            if NODE_DOCS.is_dir():
                corpora.append((f"{NODE_DOCS} (first ~{args.size / 1e6:g} MB)",
                                corpus_files(NODE_DOCS, args.size)))
            else:
                print(f"{NODE_DOCS} not found: give a ~1 MB corpus with --corpus DIR")
        for label, files in corpora:
            measure(label, files, settings)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)

    if not args.no_local and not args.url:
        files = corpus_files(REPO / "samples", None)
        with tempfile.TemporaryDirectory() as cache_dir:
            elapsed, stats, found = timed_run(files, {"home": str(REPO / ".languagetool")},
                                              cache_dir)
        print(f"local mode on samples/ (textsieve starts and stops the server, cold cache): "
              f"{elapsed:.1f} s, {found} findings, {stats.requests} requests")


if __name__ == "__main__":
    main()
