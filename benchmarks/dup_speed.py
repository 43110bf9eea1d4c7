"""Speed and memory of the DUP family, on generated corpora and on hard inputs.

    python benchmarks/dup_speed.py generate DIR MB [--seed 7]
    python benchmarks/dup_speed.py run DIR [--jobs N] [--repeat 1]
    python benchmarks/dup_speed.py scale [--sizes 10,50,200] [--jobs 1,2] [--work /tmp/dupspeed]
    python benchmarks/dup_speed.py hard [--work /tmp/duphard]
    python benchmarks/dup_speed.py lsh-baseline [--keys 200000]

``generate`` writes about MB megabytes of Markdown documents (1–20 KB each) of
Markov-chain prose over real text on every machine with Python — the paragraphs
of the language reference in ``pydoc_data.topics`` (PSF licence), plus CMake's
reST help when installed — with headings, lists and code blocks, and plants
known duplication as real corpora have it: 2% of paragraphs are copies of an
earlier document's paragraph with 0–3 word edits, 1% of documents end with one
boilerplate footer. An order-1 chain is used: order 2 copies its source
sentences verbatim (a quarter of generated sentences were repeats).

``run`` times ``/usr/bin/time -v textsieve check --select DUP --no-cache
--exit-zero --statistics --jobs N DIR`` (the ``textsieve`` script beside the
Python that runs this benchmark, not a shim that may come first in PATH) and prints wall seconds, MB/s (input
bytes over wall time), CPU seconds (user + system, all processes), the load
average before the run (the machine may be shared), and peak RSS ("Maximum resident set size": with
``--jobs 2``, the largest single process of the run). ``scale`` does that for each size and job count, generating the
corpora first. ``hard`` builds and times the hard inputs: 40,000 tiny files,
one 50 MB file, 1,000 identical documents, empty documents and documents
without prose. (The 50 MB file needs ``max-file-size = 100_000_000``: a config file in the work
directory says so.) ``lsh-baseline`` measures datasketch's ``MinHashLSH`` insert
time and memory per key, the reason the banding is done with numpy sorts (datasketch
comes with the test extra: ``pip install '.[test]'``).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

_CMAKE_HELP = "/usr/share/cmake-*/Help/**/*.rst"


# -- real prose ----------------------------------------------------------------
_ROLE = re.compile(r":[\w:.+-]+:`([^`<]*?)\s*(?:<[^>]*>)?`")
_LITERAL = re.compile(r"``([^`]*)``|`([^`<]*?)\s*(?:<[^>]*>)?`_{0,2}")


def _blocks(body: str, skip_prefixes: tuple[str, ...]) -> list[str]:
    """Prose paragraphs of a text or reST file, with inline markup reduced to its text."""
    out = []
    for block in re.split(r"\n\s*\n", body):
        lines = block.split("\n")
        if any(line.startswith(skip_prefixes) for line in lines):
            continue
        text = " ".join(line.strip() for line in lines)
        text = _ROLE.sub(r"\1", text)
        text = _LITERAL.sub(lambda m: m.group(1) or m.group(2) or "", text)
        text = re.sub(r"\*\*?(\S[^*]*?)\*\*?", r"\1", text).replace('"', "")
        text = re.sub(r"\s+", " ", text).strip()
        if len(text.split()) < 20 or not text.endswith("."):
            continue
        if re.search(r"[`|<>\\]|::|={2,}|-{2,}|\[\d+\]", text):
            continue
        out.append(text)
    return out


def real_paragraphs(with_cmake: bool = True) -> list[str]:
    """Prose paragraphs of at least 20 words, each once, in a fixed order."""
    import pydoc_data.topics as topics

    paragraphs: list[str] = []
    for _, body in sorted(topics.topics.items()):
        paragraphs.extend(_blocks(body, (" ", "\t")))
    if with_cmake:
        for path in sorted(glob.glob(_CMAKE_HELP, recursive=True)):
            body = Path(path).read_text(encoding="utf-8", errors="replace")
            paragraphs.extend(_blocks(body, (" ", "\t", "..")))
    return list(dict.fromkeys(paragraphs))


def split_sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph) if s]


class Markov:
    """An order-1 word chain over real sentences."""

    def __init__(self, paragraphs: list[str]):
        self.next: dict[str, list[str]] = defaultdict(list)
        for paragraph in paragraphs:
            for sentence in split_sentences(paragraph):
                words = ["<s>"] + sentence.split() + ["</s>"]
                for a, b in zip(words, words[1:]):
                    self.next[a].append(b)
        self.vocabulary = sorted(w for w in self.next if w != "<s>")

    def sentence(self, rng: random.Random, max_words: int = 40) -> str:
        word = "<s>"
        out: list[str] = []
        while len(out) < max_words:
            word = rng.choice(self.next[word])
            if word == "</s>":
                break
            out.append(word)
        text = " ".join(out).rstrip(",;:")
        if not text.endswith((".", "?", "!")):
            text += "."
        return text[0].upper() + text[1:]


def edit_words(text: str, edits: int, rng: random.Random, vocabulary: list[str]) -> str:
    """``edits`` random word substitutions, insertions or deletions."""
    words = text.split()
    for _ in range(edits):
        edit_word(words, rng.choice(("sub", "ins", "del")), rng, vocabulary)
    return " ".join(words)


def edit_word(words: list[str], op: str, rng, vocabulary: list[str]) -> None:
    """One word substituted, inserted or deleted (never below 8 words), in place."""
    i = rng.randrange(len(words))
    if op == "sub":
        words[i] = rng.choice(vocabulary)
    elif op == "ins":
        words.insert(i, rng.choice(vocabulary))
    elif len(words) > 8:
        del words[i]


FOOTER = ("This page is part of the project handbook. If you find an error or something "
          "that is out of date, open an issue or send a pull request.")


def generate(out_dir: str | Path, megabytes: float, seed: int = 7, copy_rate: float = 0.02,
             footer_rate: float = 0.01) -> dict:
    """Write about ``megabytes`` of Markdown documents to ``out_dir``; returns counts."""
    rng = random.Random(seed)
    chain = Markov(real_paragraphs())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = int(megabytes * 1_000_000)
    written = copies = footers = n = 0
    recent: list[str] = []  # paragraphs of earlier documents, for planted copies
    while written < target:
        parts = [f"# {_title(chain, rng)}", ""]
        for _ in range(rng.randint(2, 8)):
            parts += [f"## {_title(chain, rng)}", ""]
            for _ in range(rng.randint(1, 4)):
                roll = rng.random()
                if roll < copy_rate and recent:
                    paragraph = edit_words(rng.choice(recent), rng.randint(0, 3), rng,
                                           chain.vocabulary)
                    copies += 1
                elif roll < 0.12:
                    items = [chain.sentence(rng, 25) for _ in range(rng.randint(2, 5))]
                    parts += [f"- {item}" for item in items] + [""]
                    continue
                elif roll < 0.16:
                    parts += ["```", "value = compute(items)", "print(value)", "```", ""]
                    continue
                else:
                    paragraph = " ".join(chain.sentence(rng) for _ in range(rng.randint(1, 6)))
                    if rng.random() < 0.05:
                        recent.append(paragraph)
                        del recent[:-200]
                parts += [paragraph, ""]
        if rng.random() < footer_rate:
            parts += [FOOTER, ""]
            footers += 1
        text = "\n".join(parts)
        path = out / f"d{n // 1000:03d}" / f"doc{n:06d}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))
        n += 1
    return {"documents": n, "bytes": written, "planted_copies": copies, "footers": footers}


def _title(chain: Markov, rng: random.Random) -> str:
    words = chain.sentence(rng, 8).rstrip(".?!").split()
    return " ".join(words[: rng.randint(2, 7)])


# -- timing ----------------------------------------------------------------------
def corpus_bytes(directory: str | Path) -> int:
    return sum(p.stat().st_size for p in Path(directory).rglob("*") if p.is_file())


def textsieve_script() -> str:
    """The console script installed beside this interpreter: what ``textsieve`` runs
    in its environment, without a version manager's shim that may come first in PATH
    (pyenv's took 60 ms a call here)."""
    script = Path(sys.executable).parent / "textsieve"
    return str(script) if script.exists() else "textsieve"


def timed_check(target: str | Path, jobs: int, extra: list[str] | None = None) -> dict:
    """Run textsieve's DUP rules on ``target`` under /usr/bin/time -v."""
    command = ["/usr/bin/time", "-v", textsieve_script(), "check", "--select", "DUP", "--no-cache",
               "--exit-zero", "--statistics", "--jobs", str(jobs), *(extra or []), str(target)]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)",
                                           proc.stderr))
    size = corpus_bytes(target) if Path(target).is_dir() else Path(target).stat().st_size
    return {
        "command": " ".join(command[2:]),
        "megabytes": round(size / 1e6, 1),
        "jobs": jobs,
        "wall_s": round(wall, 1),
        "mb_per_s": round(size / 1e6 / wall, 2),
        "cpu_s": round(cpu, 1),
        "mb_per_cpu_s": round(size / 1e6 / cpu, 2) if cpu else None,
        "load_before": round(load, 1),
        "peak_rss_mb": round(int(rss.group(1)) / 1024) if rss else None,
        "exit": proc.returncode,
        "statistics": proc.stdout.strip().splitlines()[-6:],
        "errors": [line for line in proc.stderr.splitlines() if "error" in line.lower()][:5],
    }


def scale(sizes: list[float], jobs: list[int], work: Path) -> list[dict]:
    results = []
    for size in sizes:
        directory = work / f"corpus-{size:g}mb"
        if not directory.exists():
            print(json.dumps({"generated": str(directory), **generate(directory, size)}),
                  flush=True)
        for n in jobs:
            result = timed_check(directory, n)
            print(json.dumps(result), flush=True)
            results.append(result)
    return results


# -- hard inputs -----------------------------------------------------------------------
def build_hard(work: Path) -> dict[str, Path]:
    rng = random.Random(11)
    chain = Markov(real_paragraphs())
    made: dict[str, Path] = {}

    tiny = work / "tiny-40000"
    if not tiny.exists():
        for i in range(40_000):
            path = tiny / f"t{i // 1000:02d}" / f"tiny{i:05d}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{chain.sentence(rng, 14)}\n", encoding="utf-8")
    made["40,000 tiny files"] = tiny

    big = work / "one-50mb.md"
    if not big.exists():
        with open(big, "w", encoding="utf-8") as handle:
            size = 0
            while size < 50_000_000:
                if rng.random() < 0.05:
                    block = f"## {_title(chain, rng)}\n\n"
                else:
                    block = " ".join(chain.sentence(rng) for _ in range(rng.randint(1, 6))) + "\n\n"
                handle.write(block)
                size += len(block.encode())
    made["one 50 MB file"] = big

    same = work / "identical-1000"
    if not same.exists():
        same.mkdir(parents=True)
        body = "# The same page\n\n" + "\n\n".join(
            " ".join(chain.sentence(rng) for _ in range(4)) for _ in range(6)) + "\n"
        for i in range(1000):
            (same / f"same{i:04d}.md").write_text(body, encoding="utf-8")
    made["1,000 identical documents"] = same

    empty = work / "empty-and-no-prose"
    if not empty.exists():
        empty.mkdir(parents=True)
        for i in range(500):
            (empty / f"empty{i:03d}.md").write_text("", encoding="utf-8")
            (empty / f"code{i:03d}.md").write_text(
                f"```python\nprint({i})\n```\n\n<div>html {i}</div>\n\nhttps://example.org/{i}\n",
                encoding="utf-8")
    made["500 empty + 500 prose-free documents"] = empty
    return made


def hard(work: Path, jobs: int) -> list[dict]:
    config = work / "textsieve.toml"  # the 50 MB file is over the default max-file-size
    config.write_text("max-file-size = 100_000_000\n", encoding="utf-8")
    results = []
    for name, target in build_hard(work).items():
        result = {"input": name, **timed_check(target, jobs, ["--config", str(config)])}
        print(json.dumps(result), flush=True)
        results.append(result)
    return results


# -- datasketch MinHashLSH baseline ----------------------------------------------------
def lsh_baseline(keys: int) -> dict:
    import resource

    import numpy as np
    try:
        from datasketch import LeanMinHash, MinHashLSH
    except ImportError:
        sys.exit("lsh-baseline needs datasketch, which comes with the test extra: "
                 "pip install '.[test]'")

    rng = np.random.default_rng(0)
    values = rng.integers(0, 2 ** 32, size=(keys, 160), dtype=np.uint32)
    lsh = MinHashLSH(num_perm=160, params=(40, 4))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    for i in range(keys):
        lsh.insert(i, LeanMinHash(seed=1, hashvalues=values[i], scheme="affine32"),
                   check_duplication=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"keys": keys, "bands": 40, "rows": 4, "insert_s": round(seconds, 1),
            "us_per_key": round(seconds / keys * 1e6, 1),
            "rss_growth_mb": round((after - before) / 1024),
            "bytes_per_key": round((after - before) * 1024 / keys)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("out_dir")
    g.add_argument("megabytes", type=float)
    g.add_argument("--seed", type=int, default=7)
    r = sub.add_parser("run")
    r.add_argument("target")
    r.add_argument("--jobs", type=int, default=1)
    s = sub.add_parser("scale")
    s.add_argument("--sizes", default="10,50,200")
    s.add_argument("--jobs", default="1,2")
    s.add_argument("--work", default="/tmp/dupspeed")
    h = sub.add_parser("hard")
    h.add_argument("--work", default="/tmp/duphard")
    h.add_argument("--jobs", type=int, default=2)
    b = sub.add_parser("lsh-baseline")
    b.add_argument("--keys", type=int, default=200_000)
    args = parser.parse_args()
    if args.command == "generate":
        print(json.dumps(generate(args.out_dir, args.megabytes, args.seed)))
    elif args.command == "run":
        print(json.dumps(timed_check(args.target, args.jobs)))
    elif args.command == "scale":
        work = Path(args.work)
        work.mkdir(parents=True, exist_ok=True)
        scale([float(x) for x in args.sizes.split(",")], [int(x) for x in args.jobs.split(",")],
              work)
    elif args.command == "hard":
        work = Path(args.work)
        work.mkdir(parents=True, exist_ok=True)
        hard(work, args.jobs)
    else:
        print(json.dumps(lsh_baseline(args.keys)))


if __name__ == "__main__":
    sys.setrecursionlimit(10_000)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
