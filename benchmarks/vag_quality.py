"""Precision and recall of the VAG rules on the labelled sentence set.

    python benchmarks/vag_quality.py            # the table, per code and per kind of prose
    python benchmarks/vag_quality.py --errors   # also every false positive and false negative
    python benchmarks/vag_quality.py --speed DIR  # words per second of the five rules on DIR

Each labelled line of benchmarks/data/vag/*.txt is scored once per code: a
true positive when the line is labelled with the code and the rule reports it
somewhere in the line, a false positive when the rule reports an unlabelled
code, a false negative when a labelled code is not reported. Every rule runs,
the off-by-default ones included, with their shipped word lists.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from textsieve.document import Document
from textsieve.rules.vague import RULES

DATA = Path(__file__).resolve().parent / "data" / "vag"
CODES = [rule.code for rule in RULES]


def load(path: Path):
    """Documents of one file: (doc id, markdown text, [(start, end, labels, sentence)])."""
    docs = []
    current = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("%%"):
            continue
        if line.startswith("@doc "):
            ident, _, title = line[5:].partition("|")
            current = {"id": ident.strip(), "title": title.strip(), "lines": []}
            docs.append(current)
            continue
        cont = line.startswith("+ ")
        labels, sep, sentence = (line[2:] if cont else line).partition(" | ")
        if not sep or current is None:
            raise SystemExit(f"{path}:{number}: expected '<labels> | <sentence>'")
        codes = set() if labels.strip() == "-" else {c.strip() for c in labels.split(",")}
        unknown = codes - set(CODES)
        if unknown:
            raise SystemExit(f"{path}:{number}: unknown codes {sorted(unknown)}")
        current["lines"].append((cont, codes, sentence.strip()))
    built = []
    for doc in docs:
        text = f"# {doc['title']}\n" if doc["title"] else ""
        spans = []
        for cont, codes, sentence in doc["lines"]:
            text += " " if cont else "\n\n"
            start = len(text)
            text += sentence
            spans.append((start, len(text), codes, sentence))
        built.append((doc["id"], text + "\n", spans))
    return built


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="list false positives and negatives")
    parser.add_argument("--speed", metavar="DIR", help="time the rules on the prose files under DIR")
    args = parser.parse_args(argv)
    if args.speed:
        return speed(Path(args.speed))
    rules = [rule() for rule in RULES]
    counts = defaultdict(lambda: [0, 0, 0])  # (code, kind) -> tp, fp, fn
    errors = []
    sentences = defaultdict(int)
    for path in sorted(DATA.glob("*.txt")):
        kind = path.stem
        for ident, text, spans in load(path):
            document = Document(f"{ident}.md", text, "markdown")
            findings = [f for rule in rules for f in rule.check(document)]
            for start, end, gold, sentence in spans:
                sentences[kind] += 1
                hits = {f.code: f for f in findings if start <= f.span.start < end}
                for code in CODES:
                    predicted, wanted = code in hits, code in gold
                    for key in ((code, kind), (code, "all")):
                        if predicted and wanted:
                            counts[key][0] += 1
                        elif predicted:
                            counts[key][1] += 1
                        elif wanted:
                            counts[key][2] += 1
                    if predicted != wanted:
                        what = f"'{hits[code].text}'" if predicted else "(missed)"
                        errors.append((code, "FP" if predicted else "FN", kind, ident, what, sentence))
    total = sum(sentences.values())
    print(f"VAG rules on {total} labelled sentences "
          f"({', '.join(f'{k} {n}' for k, n in sorted(sentences.items()))})\n")
    kinds = sorted(sentences) + ["all"]
    default = {rule.code: rule.default_enabled for rule in RULES}
    print(f"{'code':8} {'default':8} {'kind':14} {'labelled':>8} {'flagged':>8} {'TP':>4} {'FP':>4} "
          f"{'FN':>4} {'precision':>9} {'recall':>7}")
    for code in CODES:
        for kind in kinds:
            tp, fp, fn = counts[(code, kind)]
            if kind != "all" and tp + fp + fn == 0:
                continue
            precision = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
            recall = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
            print(f"{code:8} {'on' if default[code] else 'off':8} {kind:14} {tp + fn:8} {tp + fp:8} "
                  f"{tp:4} {fp:4} {fn:4} {precision:>9} {recall:>7}")
        print()
    if args.errors:
        for code, which, kind, ident, what, sentence in sorted(errors):
            print(f"{code} {which} {kind}/{ident} {what}: {sentence}")
    return 0


def speed(root: Path) -> int:
    """Time the five rules (one process, documents parsed beforehand) on root's files."""
    import time

    from textsieve.document import format_for

    documents = []
    for path in sorted(root.rglob("*")):
        fmt = format_for(str(path))
        if path.is_file() and fmt:
            text = path.read_text(encoding="utf-8", errors="replace")
            document = Document(str(path), text, fmt)
            document.sentences  # parsing and segmenting are not the rules' cost
            documents.append(document)
    words = sum(d.word_count for d in documents)
    rules = [rule() for rule in RULES]
    for rule in rules:
        start = time.perf_counter()
        count = sum(1 for d in documents for _ in rule.check(d))
        elapsed = time.perf_counter() - start
        print(f"{rule.code}: {elapsed:6.2f} s, {words / elapsed:>10,.0f} words/s, {count} findings")
    print(f"{len(documents)} documents, {words} words of prose")
    return 0


if __name__ == "__main__":
    sys.exit(main())
