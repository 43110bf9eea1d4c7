"""Sample findings at random, with a fixed seed, and print each in its source for judging.

    python benchmarks/precision_sample.py CORPUS_DIR [--per-code 20] [--seed 1] [--select CODES]

Runs ``textsieve check --format json`` on the corpus (default rules unless ``--select``), prints
per code how many findings there are and how many per 1,000 lines, then for a random sample of
each code the finding's line(s) with the span marked ``[[...]]`` and, for findings with twins, the
first twin's line. Precision is judged by reading: write T or F beside each sample.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys


def run_check(corpus: str, select: str | None) -> list[dict]:
    command = [sys.executable, "-m", "textsieve", "check", corpus, "--no-cache", "--exit-zero",
               "--format", "json"]
    if select:
        command += ["--select", select]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        sys.exit(f"textsieve failed ({out.returncode}): {out.stderr.strip()}")
    return json.loads(out.stdout)["findings"]


def corpus_lines(corpus: str) -> int:
    total = 0
    for root, _dirs, files in os.walk(corpus):
        for name in files:
            if name.lower().endswith((".md", ".markdown", ".mdx", ".rst", ".txt")):
                with open(os.path.join(root, name), "rb") as handle:
                    total += handle.read().count(b"\n")
    return total


_LINES: dict[str, list[str]] = {}


def source_lines(path: str) -> list[str]:
    if path not in _LINES:
        with open(path, encoding="utf-8", errors="replace") as handle:
            _LINES[path] = handle.read().split("\n")
    return _LINES[path]


def excerpt(path: str, line: int, column: int, end_line: int, end_column: int,
            width: int = 220) -> str:
    lines = source_lines(path)
    if line == end_line:
        text = lines[line - 1]
        marked = (text[:column - 1] + "[[" + text[column - 1:end_column - 1] + "]]"
                  + text[end_column - 1:])
    else:
        marked = lines[line - 1][:column - 1] + "[[" + lines[line - 1][column - 1:] + " …"
    return marked if len(marked) <= width else marked[:width] + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--per-code", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--select")
    args = parser.parse_args()

    findings = run_check(args.corpus, args.select)
    lines = corpus_lines(args.corpus)
    by_code: dict[str, list[dict]] = collections.defaultdict(list)
    for finding in findings:
        by_code[finding["code"]].append(finding)
    print(f"{args.corpus}: {lines} lines, {len(findings)} findings")
    for code in sorted(by_code):
        print(f"  {code}: {len(by_code[code])} ({1000 * len(by_code[code]) / max(lines, 1):.2f} per 1,000 lines)")
    rng = random.Random(args.seed)
    for code in sorted(by_code):
        sample = rng.sample(by_code[code], min(args.per_code, len(by_code[code])))
        print(f"\n== {code}: {len(sample)} of {len(by_code[code])} sampled (seed {args.seed})")
        for number, f in enumerate(sample, 1):
            where = os.path.relpath(f["path"], args.corpus)
            print(f"{number:3}. {where}:{f['line']}:{f['column']}: {f['message'][:160]}")
            print("     " + excerpt(f["path"], f["line"], f["column"], f["end_line"], f["end_column"]))
            for twin in f.get("related") or []:
                print("     twin " + os.path.relpath(twin["path"], args.corpus) + f":{twin['line']}: "
                      + excerpt(twin["path"], twin["line"], twin["column"], twin["end_line"],
                                twin["end_column"]))
                break


if __name__ == "__main__":
    main()
