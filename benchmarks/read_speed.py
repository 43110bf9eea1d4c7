"""Speed of the READ rules on a large prose corpus, in MB/s, with 1 and 2 processes.

    python benchmarks/read_speed.py [--size-mb 30] [--jobs 1 2] [--source DIR ...]
    python benchmarks/read_speed.py --grades [--source DIR ...]

The corpus is gathered from Markdown, reStructuredText and text files found
under the sources (by default the Node.js, npm and CMake manuals and the
Python packages' documentation installed on this machine, plus the project's
samples) and copied round-robin into a temporary directory until it reaches
--size-mb. Each copy gets one sentence of its own at the end, so no copy
scores from a cache that an earlier identical copy filled.

Three figures per job count:

* READ rules alone: the documents are parsed first, then each worker times
  only the READ rules on its share; the figure is corpus size / the slowest
  worker's READ time. This is the READ family's own throughput.
* engine parse + READ, in process: parsing and the READ rules, slowest
  worker's time (worker start-up left out).
* the command line: ``textsieve check --select <codes> --no-cache --jobs N``
  wall time and CPU time (the command and its workers), for TS003 alone (the
  engine's cost with a trivial rule), for the default READ rules and for every
  READ rule; the READ rules' share is the CPU time above the TS003 run.

--grades prints instead how the formulas score the documents of the sources
(median, 95th and 99th percentiles), the figures behind the default targets.
"""

from __future__ import annotations

import argparse
import glob
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_SOURCES = [
    "/usr/share/doc/nodejs",
    "/usr/lib/node_modules/npm/docs",
    "/usr/share/cmake-*/Help",
    os.path.join(sys.prefix, "lib", "python3*", "site-packages"),
    "/work/shared/seeds",
    os.path.join(ROOT, "samples"),
]
SUFFIXES = (".md", ".rst", ".txt")
DEFAULT_CODES = "READ101,READ102"
ALL_CODES = "READ"


def gather(sources: list[str], min_size: int = 2_000) -> list[str]:
    files = []
    for pattern in sources:
        for root in sorted(glob.glob(pattern)):
            for dirpath, _, names in os.walk(root):
                for name in sorted(names):
                    path = os.path.join(dirpath, name)
                    if name.endswith(SUFFIXES) and min_size <= os.path.getsize(path) <= 2_000_000:
                        files.append(path)
    return files


def build_corpus(files: list[str], size_mb: float, target: str) -> tuple[list[str], int]:
    texts = []
    for path in files:
        try:
            with open(path, encoding="utf-8") as handle:
                texts.append((os.path.splitext(path)[1], handle.read()))
        except (UnicodeDecodeError, OSError):
            continue
    if not texts:
        raise SystemExit("no documents found under the sources")
    paths, total, limit, i = [], 0, int(size_mb * 1e6), 0
    while total < limit:
        suffix, text = texts[i % len(texts)]
        text = text.rstrip("\n") + f"\n\nThis is copy number {i} of the corpus.\n"
        path = os.path.join(target, f"{i // 500:03d}", f"doc{i:06d}{suffix}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        paths.append(path)
        total += len(text.encode("utf-8"))
        i += 1
    return paths, total


# -- in-process measurement ---------------------------------------------------
def _read_rules(codes: str):
    from textsieve.rules import readability

    wanted = [c for c in codes.split(",")]
    return [rule() for rule in readability.RULES
            if any(rule.code.startswith(w) for w in wanted)]


def _worker(args):
    paths, codes = args
    from textsieve.document import Document, format_for
    from textsieve.rules import readability

    rules = _read_rules(codes)
    # Loading CMUdict and Pyphen is start-up, not per-document work (the command-line
    # figures include it).
    readability._textstat()().syllable_count("warm up the dictionaries")
    start, cpu_start = time.perf_counter(), time.process_time()
    docs = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            docs.append(Document(path, handle.read(), format_for(path) or "text"))
    for doc in docs:
        doc.sentences  # the shared segmenter is the engine's work too
    parsed, cpu_parsed = time.perf_counter(), time.process_time()
    findings = sum(len(list(rule.check(doc))) for doc in docs for rule in rules)
    done, cpu_done = time.perf_counter(), time.process_time()
    return parsed - start, done - parsed, findings, cpu_parsed - cpu_start, cpu_done - cpu_parsed


def in_process(paths: list[str], jobs: int, codes: str) -> dict:
    """Seconds (wall and CPU) of the slowest worker for the READ rules, for parsing
    and for both, and the findings; worker start-up is left out."""
    shares = [(paths[k::jobs], codes) for k in range(jobs)]
    # Fresh processes for every measurement, so that no run inherits another's
    # caches (textstat's, the syllable memos); the parent never imports textstat.
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        results = pool.map(_worker, shares)
    return {"read": max(r[1] for r in results),
            "total": max(r[0] + r[1] for r in results),
            "parse": max(r[0] for r in results),
            "read_cpu": max(r[4] for r in results),
            "total_cpu": max(r[3] + r[4] for r in results),
            "findings": sum(r[2] for r in results)}


def command_line(corpus: str, jobs: int, codes: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the command and its workers) and its summary line."""
    exe = shutil.which("textsieve") or os.path.join(os.path.dirname(sys.executable), "textsieve")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([exe, "check", "--select", codes, "--no-cache", "--jobs", str(jobs),
                           "--statistics", "--exit-zero", corpus],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = proc.stdout.strip().splitlines() + proc.stderr.strip().splitlines()
    summary = next((ln for ln in lines if ln.startswith(("Found", "All checks"))), lines[-1:])
    return wall, cpu, summary


def speed(args) -> None:
    files = gather(args.source)
    with tempfile.TemporaryDirectory() as tmp:
        paths, size = build_corpus(files, args.size_mb, tmp)
        mb = size / 1e6
        print(f"corpus: {len(paths)} files, {mb:.1f} MB, copied from {len(files)} documents; "
              f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
        for jobs in args.jobs:
            for label, codes in (("default READ (READ101, READ102)", DEFAULT_CODES),
                                 ("every READ rule", ALL_CODES)):
                t = in_process(paths, jobs, codes)
                print(f"jobs={jobs} {label}: READ rules alone {mb / t['read']:.1f} MB/s "
                      f"({mb / t['read_cpu']:.1f} by CPU time); engine parse + READ "
                      f"{mb / t['total']:.1f} MB/s ({mb / t['total_cpu']:.1f} by CPU time; "
                      f"parsing {t['parse']:.1f} s of {t['total']:.1f} s); "
                      f"{t['findings']} findings")
            if shutil.which("textsieve") and not args.no_cli:
                cpu_by_codes = {}
                for label, codes in (("TS003 only, the engine's baseline", "TS003"),
                                     ("default READ", DEFAULT_CODES), ("every READ rule", ALL_CODES)):
                    wall, cpu, summary = command_line(tmp, jobs, codes)
                    cpu_by_codes[codes] = cpu
                    extra = ""
                    if codes != "TS003":
                        read_cpu = cpu - cpu_by_codes["TS003"]
                        extra = (f"; the READ rules' share {read_cpu:.1f} CPU s = "
                                 f"{mb / max(read_cpu, 1e-9):.1f} MB per CPU second")
                    print(f"jobs={jobs} textsieve check --select {codes} --no-cache: "
                          f"{mb / wall:.1f} MB/s wall ({wall:.1f} s; {cpu:.1f} CPU s{extra}) "
                          f"[{label}: {summary}]")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (figures are wall time "
              "unless marked; a busy machine lowers them, CPU-time figures less so)")


# -- grade distribution -------------------------------------------------------
def grades(args) -> None:
    from textsieve.document import Document, format_for
    from textsieve.rules import readability as R

    files = gather(args.source, min_size=0)
    if args.source == DEFAULT_SOURCES:  # the manuals only, not the essays and samples
        files = [f for f in files if "/seeds/" not in f and "/samples/" not in f]
    sentence_lists = []
    counts = dict.fromkeys(("sentences", "READ102", "READ103", "READ104", "paragraphs",
                            "READ105"), 0)
    rules = {code: cls() for cls in R.RULES for code in (cls.code,) if code != "READ101"}
    for path in files:
        try:
            with open(path, encoding="utf-8") as handle:
                doc = Document(path, handle.read(), format_for(path) or "text")
        except (UnicodeDecodeError, OSError):
            continue
        blocks = R.prose(doc)
        counts["sentences"] += sum(len(b.sentences) for b in blocks)
        counts["paragraphs"] += sum(b.kind not in ("heading", "table_cell") for b in blocks)
        for code, rule in rules.items():
            counts[code] += len(list(rule.check(doc)))
        sentences = [s for b in blocks for s in b.sentences if s.words > R.FRAGMENT_WORDS]
        if sum(s.words for s in sentences) >= 100 and len(sentences) >= 5:
            sentence_lists.append(sentences)
    print(f"{len(files)} files, {counts['sentences']} sentences, {counts['paragraphs']} "
          "paragraphs and list items")
    for code in ("READ102", "READ103", "READ104"):
        print(f"{code} {rules[code].name}: {counts[code]} sentences "
              f"({100 * counts[code] / max(1, counts['sentences']):.2f}%) at the default settings")
    print(f"READ105 long-paragraph: {counts['READ105']} paragraphs "
          f"({100 * counts['READ105'] / max(1, counts['paragraphs']):.2f}%) at the default settings")
    if not sentence_lists:
        return
    print(f"READ101 on the {len(sentence_lists)} documents of 100 words and 5 sentences or more:")
    for formula in R.FORMULAS:
        rule = R.DocumentGrade({"formula": formula})
        scores = sorted(rule.score(s)[0] for s in sentence_lists)
        q = statistics.quantiles(scores, n=100) if len(scores) > 1 else scores * 99
        flagged = sum(rule._too_hard(x) for x in scores)
        print(f"{formula:22s} p05 {q[4]:5.1f}  median {statistics.median(scores):5.1f}  "
              f"p95 {q[94]:5.1f}  p99 {q[98]:5.1f}  flagged at the default target: "
              f"{flagged} ({100 * flagged / len(scores):.1f}%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=30)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--source", nargs="+", default=DEFAULT_SOURCES)
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line runs")
    parser.add_argument("--grades", action="store_true",
                        help="print the formulas' score distribution instead")
    args = parser.parse_args()
    (grades if args.grades else speed)(args)


if __name__ == "__main__":
    main()
