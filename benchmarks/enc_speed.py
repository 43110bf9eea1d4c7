"""Throughput of the whole ENC family on clean and on damaged text.

    python benchmarks/enc_speed.py [--mb 8] [--data DIR]

Prints MB/s (UTF-8 bytes of input per CPU second of ENC rule time, one process;
the best of three runs for clean inputs),
for documents already parsed: parsing belongs to the engine and is timed apart.
Inputs, each about --mb megabytes, cut into documents of a few kilobytes:

* ascii: the seed essays (the ASCII ones), repeated;
* english-utf8: the same with typographic quotes, dashes and ellipses;
* multilingual: the clean multilingual set of enc_quality.py (translation
  catalogues and manual pages of ~190 languages; built if missing);
* damaged-light: the multilingual text with one word in 50 lines mis-decoded
  (UTF-8 read as Windows-1252);
* damaged-heavy: every line of the multilingual text mis-decoded.

The first document also pays for importing ftfy; that is reported separately.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _seed_texts() -> list[str]:
    candidates = [SEEDS, Path("/work/shared/seeds")]
    for folder in candidates:
        if folder.is_dir():
            texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
            return [t for t in texts if t.isascii()]
    raise SystemExit("seed essays not found")


def _typographic(text: str) -> str:
    text = re.sub(r"(\w)'(\w)", "\\1\u2019\\2", text)
    text = re.sub(r'"([^"\n]*)"', "\u201c\\1\u201d", text)
    return text.replace(" - ", " \u2014 ").replace("...", "\u2026")


def _fill(texts: list[str], megabytes: float, size: int = 4000) -> list[str]:
    """Documents of about ``size`` characters, cut from ``texts`` at paragraph ends."""
    docs, current, total = [], [], 0
    goal = megabytes * 1e6
    while total < goal:
        for text in texts:
            for para in text.split("\n\n"):
                current.append(para)
                if sum(len(p) for p in current) >= size:
                    doc = "\n\n".join(current) + "\n"
                    docs.append(doc)
                    total += len(doc.encode())
                    current = []
                    if total >= goal:
                        return docs
    return docs


def _multilingual(data: Path) -> list[str]:
    clean = data / "clean"
    if not clean.is_dir():
        sys.path.insert(0, str(HERE))
        import enc_quality

        clean.mkdir(parents=True, exist_ok=True)
        enc_quality.build_mo(clean)
        enc_quality.build_man(clean)
    return [p.read_text(encoding="utf-8") for p in sorted(clean.iterdir())
            if p.name.startswith(("mo-", "man-"))]


def _sloppy_1252(text: str) -> str:
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def _damage_light(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if rng.random() < 0.02:
            words = [m for m in re.finditer(r"\S*[^\x00-\x7f]\S*", line)]
            if words:
                w = rng.choice(words)
                lines[i] = line[:w.start()] + _sloppy_1252(w.group(0)) + line[w.end():]
    return "\n".join(lines)


def _time(documents) -> tuple[float, float, int]:
    from textsieve.rules import encoding
    from textsieve.rules.encoding import analysis, characters

    analysis._MEMO.clear()  # the analysis is memoised per document: start cold
    characters._RTL_MEMO.clear()
    rules = [rule() for rule in encoding.RULES]
    size = sum(len(d.text.encode()) for d in documents)
    findings = 0
    start = time.process_time()  # CPU time: other processes on the machine do not count
    for document in documents:
        for rule in rules:
            findings += sum(1 for _ in rule.check(document))
    return size, time.process_time() - start, findings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=8.0)
    parser.add_argument("--data", default="/tmp/textsieve-enc")
    args = parser.parse_args(argv)

    from textsieve.document import Document

    rng = random.Random(7)
    seeds = _seed_texts()
    multi = _multilingual(Path(args.data))
    rng.shuffle(multi)
    inputs = {
        "ascii": (_fill(seeds, args.mb), "markdown"),
        "english-utf8": (_fill([_typographic(t) for t in seeds], args.mb), "markdown"),
        "multilingual": (_fill(multi, args.mb), "text"),
    }
    inputs["damaged-light"] = ([_damage_light(t, rng) for t in inputs["multilingual"][0]], "text")
    inputs["damaged-heavy"] = ([_sloppy_1252(t) for t in inputs["multilingual"][0]], "text")

    warm = Document("warm.md", "Café déjà vu: centuryâ€™s \u200b test.\n", "markdown")
    start = time.perf_counter()
    _time([warm])
    print(f"first document (imports ftfy, builds tables): {time.perf_counter() - start:.3f} s")
    print(f"{'input':14} {'MB':>6} {'docs':>6} {'parse s':>8} {'ENC cpu s':>9} {'ENC MB/s':>9} {'findings':>9}")
    for name, (texts, fmt) in inputs.items():
        start = time.perf_counter()
        documents = [Document(f"doc{i}.{'md' if fmt == 'markdown' else 'txt'}", t, fmt)
                     for i, t in enumerate(texts)]
        parse = time.perf_counter() - start
        # Best of three on clean text (other processes share the machine); damaged text once.
        runs = 1 if name.startswith("damaged") else 3
        size, elapsed, findings = min((_time(documents) for _ in range(runs)), key=lambda r: r[1])
        print(f"{name:14} {size / 1e6:6.2f} {len(documents):6} {parse:8.2f} {elapsed:9.3f} "
              f"{size / 1e6 / elapsed:9.1f} {findings:9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
