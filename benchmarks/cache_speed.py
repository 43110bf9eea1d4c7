"""How much faster a second `textsieve check` is with the cache: cold run, warm run, ratio.

Builds a large corpus of Markdown and text from real prose found on this machine
(package documentation under /usr/share/doc and the descriptions of installed
Python packages), cut into documents of about 32 KB at blank lines outside code
fences, then runs `textsieve check` with the default rules three times with a
fresh cache directory: cold, warm, and warm after editing 1% of the files. It
checks that every run reports exactly the same findings (the cache must not
change results), and prints the figures. Timing is only printed, never asserted.

    python benchmarks/cache_speed.py [--size-mb 20] [--jobs 0] [--keep DIR] [--args "--ignore DUP"]

The corpus rules (DUP) compare every document with every other on each run, so
their corpus phase is not saved by a per-file cache; `--args "--ignore DUP"`
measures the per-file rules alone.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOC_SIZE = 32_000
PROSE_NAMES = re.compile(r"(\.md|\.markdown|\.txt|\.rst|/README[^/]*|/NEWS[^/]*|/AUTHORS|/TODO)$")


def sources() -> list[str]:
    """Real prose on this machine, each file once: documentation first, then package
    descriptions, then (only if more is needed) the Debian copyright files, which are
    mostly licence texts repeated from package to package."""
    docs = sorted(glob.glob("/usr/share/doc/**/*", recursive=True))
    found = [p for p in docs if PROSE_NAMES.search(p) and os.path.isfile(p) and not os.path.islink(p)]
    for site in sorted({p for p in sys.path if p.endswith("site-packages")}):
        found.extend(sorted(glob.glob(os.path.join(site, "*.dist-info", "METADATA"))))
    found.extend(p for p in docs if p.endswith("/copyright") and os.path.isfile(p) and not os.path.islink(p))
    return found


def blocks(text: str):
    """Paragraph-sized pieces, never cut inside a fenced code block."""
    piece: list[str] = []
    fenced = False
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        piece.append(line)
        if not fenced and not line.strip():
            yield "".join(piece)
            piece = []
    if piece and not fenced:
        yield "".join(piece)


def build_corpus(target: Path, size_mb: float) -> tuple[int, int]:
    """Write documents of about DOC_SIZE bytes until size_mb is reached; (files, bytes)."""
    target.mkdir(parents=True, exist_ok=True)
    limit = int(size_mb * 1_000_000)
    written = files = 0
    pending: dict[str, list[str]] = {".md": [], ".txt": []}  # one document being filled per format

    def flush(suffix: str) -> None:
        nonlocal written, files
        if pending[suffix]:
            data = "".join(pending[suffix]).encode("utf-8")
            folder = target / f"part{files // 200:03d}"
            folder.mkdir(exist_ok=True)
            (folder / f"doc{files:05d}{suffix}").write_bytes(data)
            written += len(data)
            files += 1
        pending[suffix] = []

    for path in sources():
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if path.endswith("METADATA"):
            text = text.partition("\n\n")[2]  # the long description, after the headers
        suffix = ".txt" if path.endswith((".txt", "copyright")) else ".md"
        for block in blocks(text):
            pending[suffix].append(block)
            if sum(map(len, pending[suffix])) >= DOC_SIZE:
                flush(suffix)
                if written >= limit:
                    return files, written
    flush(".md")
    flush(".txt")
    return files, written


def run(corpus: Path, cache: Path, jobs: int, extra: list[str]) -> tuple[float, list[str]]:
    """One `textsieve check` as a user runs it (text output); its time and its output lines."""
    env = {**os.environ, "TEXTSIEVE_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "textsieve", "check", str(corpus), "--exit-zero",
                           "--color", "never", "--jobs", str(jobs), *extra], capture_output=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"textsieve failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return elapsed, done.stdout.decode("utf-8").splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=20.0, help="corpus size (default 20)")
    parser.add_argument("--jobs", type=int, default=0, help="textsieve --jobs (0: one per core)")
    parser.add_argument("--keep", help="build the corpus in this directory and keep it")
    parser.add_argument("--args", default="", help="more options for textsieve check, e.g. '--ignore DUP'")
    args = parser.parse_args()
    extra = args.args.split()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="textsieve-cache-bench-"))
    try:
        corpus, cache = work / "corpus", work / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        if not corpus.exists():
            files, size = build_corpus(corpus, args.size_mb)
        else:
            paths = [p for p in corpus.rglob("*") if p.is_file()]
            files, size = len(paths), sum(p.stat().st_size for p in paths)
        print(f"corpus: {files} files, {size / 1e6:.1f} MB of real prose, in {corpus}", flush=True)
        print(f"machine: {os.cpu_count()} cores; textsieve check --jobs {args.jobs or os.cpu_count()} "
              f"{' '.join(extra)}", flush=True)

        cold, first = run(corpus, cache, args.jobs, extra)
        warm, second = run(corpus, cache, args.jobs, extra)
        same = first == second
        tally = next((line for line in first if line.startswith(("Found ", "All checks"))), "no summary")
        print(f"cold run (empty cache): {cold:8.2f} s  ({tally})", flush=True)
        print(f"warm run (full cache):  {warm:8.2f} s  (same findings: {'yes' if same else 'NO'})")
        print(f"speed-up: {cold / warm:.1f}x (goal: at least 5x)")
        entries = [p for p in cache.rglob("*") if p.is_file() and not p.name.startswith(".")]
        print(f"cache: {len(entries)} entries, {sum(p.stat().st_size for p in entries) / 1e6:.1f} MB")

        # Edit 1% of the files: only they are checked again.
        edited = sorted(p for p in corpus.rglob("*") if p.is_file())[:: 100]
        for path in edited:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write("\nAn added closing line for the benchmark.\n")
        partial, _ = run(corpus, cache, args.jobs, extra)
        print(f"after editing {len(edited)} files (1%): {partial:8.2f} s  ({cold / partial:.1f}x faster than cold)")
        if not same:
            sys.exit("the warm run reported different findings from the cold run")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
