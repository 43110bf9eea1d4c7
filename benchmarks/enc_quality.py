"""Precision and recall of the ENC rules on a labelled set.

    python benchmarks/enc_quality.py [--data DIR] [--rebuild] [--per-scheme N]

Clean set (false positives): real multilingual prose found on this machine,
built reproducibly into DIR/clean (default /tmp/textsieve-enc):

* every translation catalogue under /usr/share/locale (gettext .mo files: the
  translated strings of ~190 languages, Markdown documents, one paragraph per
  string, capped per language so no language dominates);
* every translated manual page under /usr/share/man/<lang>/ rendered to plain
  text with groff;
* the machine's English documentation (Markdown, reST and text files under
  /usr/share/doc and in the installed Python packages), as they are: a few are
  not UTF-8, which ENC104 reports;
* benchmarks/data/enc/tricky_clean.jsonl: hand-written legitimate text that
  looks like mojibake to a naive check (SÃO PAULO, ROMÂNIA, NESTLÉ®, £€¥, ...).

Strings holding C0 control characters other than tab and newline are left out
of the clean set: terminal escape sequences in program messages are not prose
(and ENC201 rightly reports them).

Damaged set (recall): lines of that prose with non-ASCII characters, damaged the
way real systems damage text: UTF-8 bytes decoded as Windows-1252 (as browsers
do, undefined bytes passed through as C1 controls), as strict Windows-1252 with
U+FFFD for undefined bytes (Python's errors="replace"), as Latin-1, MacRoman,
Windows-1251, Windows-1250 and code page 437, twice as Windows-1252 (double
encoding), and one word of an otherwise clean line damaged (text pasted from a
broken source, as in the seed essays); plus the strings quoted in public bug
reports, benchmarks/data/enc/real_mojibake.jsonl.

Figures printed: findings per MB of clean text by code, sorted by the verdicts in
benchmarks/data/enc/clean_adjudication.jsonl (every finding on the clean set was
read by hand: the machine's own files hold real mojibake, lost characters and
stray BOMs, which count as found, not as false positives; whatever no verdict
explains is a false positive), written to DIR/clean_findings.txt; and per
damage scheme: recall (the line has an ENC101 finding covering every damaged
word), and repair accuracy (applying every ENC101 fix, safe or not, restores the
original exactly), and safe-fix errors (a *safe* fix that does not restore it).
"""

from __future__ import annotations

import argparse
import bisect
import gettext
import glob
import gzip
import json
import os
import random
import re
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "enc"
PER_LANGUAGE_MO = 160_000  # characters of .mo strings per language at most
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


# -- building the clean set --------------------------------------------------------
def _mo_strings(path: str) -> list[str]:
    try:
        with open(path, "rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog
    except Exception:
        return []
    out = []
    for key, value in catalog.items():
        if key == "" or not isinstance(value, str) or not value.strip():
            continue
        if CONTROL_RE.search(value):
            continue
        out.append(value.strip())
    return out


def build_mo(out: Path) -> int:
    by_language: dict[str, list[str]] = {}
    for path in sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/*.mo")):
        language = path.split("/")[4]
        if language.startswith("en"):
            continue
        by_language.setdefault(language, []).extend(_mo_strings(path))
    total = 0
    for language, strings in sorted(by_language.items()):
        seen, kept, size = set(), [], 0
        for s in strings:
            # One paragraph per string; a blank line inside a string would split it anyway.
            s = re.sub(r"\n\s*\n", "\n", s)
            if s in seen:
                continue
            seen.add(s)
            kept.append(s)
            size += len(s)
            if size > PER_LANGUAGE_MO:
                break
        if kept:
            text = "\n\n".join(kept) + "\n"
            (out / f"mo-{language}.md").write_text(text, encoding="utf-8")
            total += len(text.encode())
    return total


def _render_man(path: str) -> tuple[str, str]:
    try:
        source = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
        done = subprocess.run(["groff", "-k", "-man", "-Tutf8", "-rHY=0", "-P-cbou"],
                              input=source, capture_output=True, timeout=60)
        return path, done.stdout.decode("utf-8", "replace")
    except Exception:
        return path, ""


def build_man(out: Path) -> int:
    pages = sorted(p for p in glob.glob("/usr/share/man/*/man*/*")
                   if not re.match(r"/usr/share/man/man", p))
    total = 0
    with ProcessPoolExecutor() as pool:
        for path, text in pool.map(_render_man, pages, chunksize=16):
            if "\ufffd" in text or not text.strip():
                continue  # a page groff could not decode is not clean text
            lang = path.split("/")[4]
            name = f"man-{lang}-{os.path.basename(path).replace('.gz', '')}.txt"
            (out / name).write_text(text, encoding="utf-8")
            total += len(text.encode())
    return total


def build_docs(out: Path) -> int:
    """The machine's own English documentation: Markdown, reST and text files under
    /usr/share/doc and in the installed Python packages, copied byte for byte."""
    import site

    roots = ["/usr/share/doc", *site.getsitepackages()]
    total = 0
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if path.suffix not in (".md", ".rst", ".txt") or not path.is_file():
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if len(data) > 2_000_000 or b"\x00" in data:
                continue
            name = "doc-" + re.sub(r"[^A-Za-z0-9.]+", "_", str(path.relative_to(root)))[-120:]
            (out / name).write_bytes(data)
            total += len(data)
    return total


def build_tricky(out: Path) -> int:
    lines = [json.loads(line)["text"] for line in open(DATA / "tricky_clean.jsonl", encoding="utf-8")]
    text = "\n\n".join(lines) + "\n"
    for suffix in (".md", ".txt"):
        (out / f"tricky{suffix}").write_text(text, encoding="utf-8")
    return 2 * len(text.encode())


# -- building the damaged set -------------------------------------------------------
def _sloppy(data: bytes, encoding: str) -> str:
    """Decode single bytes, undefined ones as their Latin-1 character (as browsers do)."""
    out = []
    for b in data:
        try:
            out.append(bytes([b]).decode(encoding))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


SCHEMES = {
    "cp1252": lambda s: _sloppy(s.encode("utf-8"), "cp1252"),
    "cp1252-strict": lambda s: s.encode("utf-8").decode("cp1252", "replace"),
    "latin-1": lambda s: s.encode("utf-8").decode("latin-1"),
    "macroman": lambda s: s.encode("utf-8").decode("mac_roman"),
    "cp1251": lambda s: _sloppy(s.encode("utf-8"), "cp1251"),
    "cp1250": lambda s: _sloppy(s.encode("utf-8"), "cp1250"),
    "cp437": lambda s: s.encode("utf-8").decode("cp437"),
    "double-cp1252": lambda s: _sloppy(_sloppy(s.encode("utf-8"), "cp1252").encode("utf-8"), "cp1252"),
}
WORD_RE = re.compile(r"\S*[^\x00-\x7f]\S*")


def source_lines(clean: Path, rng: random.Random, count: int) -> list[str]:
    # (Lines come from the multilingual part: the catalogues and manual pages.)
    """Lines to damage: with non-ASCII characters, and clean (no ENC101 finding: a few
    catalogues and manual pages on the machine already hold real mojibake)."""
    from textsieve.document import Document
    from textsieve.rules.encoding import Mojibake

    lines = []
    for path in sorted(clean.iterdir()):
        if not path.name.startswith(("mo-", "man-")):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if 20 <= len(line) <= 300 and not line.isascii() and "\ufffd" not in line:
                lines.append(line)
    rng.shuffle(lines)
    chosen = []
    for line in lines:
        if not list(Mojibake().check(Document("line.txt", line, "text"))):
            chosen.append(line)
            if len(chosen) == count:
                break
    return chosen


def _damage(line: str, damage, only: tuple[int, int] | None = None) -> tuple[str, list[int]]:
    """``line`` damaged (every scheme maps each character on its own), and for each of
    its characters (plus the end) the offset where its damaged form starts."""
    out, starts, at = [], [], 0
    for k, ch in enumerate(line):
        bad = damage(ch) if only is None or only[0] <= k < only[1] else ch
        starts.append(at)
        out.append(bad)
        at += len(bad)
    starts.append(at)
    return "".join(out), starts


def damaged_items(clean: Path, per_scheme: int) -> list[dict]:
    rng = random.Random(20240611)
    pool = source_lines(clean, rng, per_scheme * (len(SCHEMES) + 1))
    items = []
    k = 0
    for scheme, damage in SCHEMES.items():
        for line in pool[k:k + per_scheme]:
            damaged, starts = _damage(line, damage)
            assert damaged == damage(line)
            items.append({"scheme": scheme, "original": line, "damaged": damaged, "starts": starts})
        k += per_scheme
    for line in pool[k:k + per_scheme]:  # one word damaged, the rest clean
        w = rng.choice(list(WORD_RE.finditer(line)))
        damaged, starts = _damage(line, SCHEMES["cp1252"], w.span())
        items.append({"scheme": "one-word-cp1252", "original": line, "damaged": damaged,
                      "starts": starts})
    for line in open(DATA / "real_mojibake.jsonl", encoding="utf-8"):
        o = json.loads(line)
        items.append({"scheme": "bug-reports", "original": o["expected"], "damaged": o["damaged"],
                      "starts": None})
    return items


# -- measuring ------------------------------------------------------------------------
def _check_file(args):
    path, fmt = args
    from textsieve.document import Document
    from textsieve.rules.encoding import RULES
    from textsieve.source import decode

    data = Path(path).read_bytes()
    text, info = decode(data)  # as the engine reads files: not every file here is UTF-8
    document = Document(path, text, fmt, info)
    rules = [rule() for rule in RULES]
    start = time.process_time()
    findings = [f for rule in rules for f in rule.check(document)]
    elapsed = time.process_time() - start
    return path, len(data), elapsed, [
        (f.code, f.span.line, f.span.column, f.message, text[f.span.start:f.span.end])
        for f in findings]


def measure_clean(clean: Path, report: Path) -> dict:
    files = sorted(clean.iterdir())
    formats = {".md": "markdown", ".rst": "rst"}
    jobs = [(str(p), formats.get(p.suffix, "text")) for p in files]
    size = 0
    rule_time = 0.0
    by_code: dict[str, int] = {}
    with ProcessPoolExecutor() as pool, open(report, "w", encoding="utf-8") as out:
        for path, n, elapsed, findings in pool.map(_check_file, jobs, chunksize=4):
            size += n
            rule_time += elapsed
            for code, line, column, message, _text in findings:
                by_code[code] = by_code.get(code, 0) + 1
                out.write(f"{path}:{line}:{column}: {code} {message}\n")
    return {"files": len(files), "bytes": size, "rule_seconds": rule_time, "by_code": by_code}


def adjudicate(report: Path) -> dict[str, int]:
    """Sort the findings on the clean set by the verdicts reviewed by hand: damage that
    really is in the machine's files, deliberate use, and the rest (false positives)."""
    import fnmatch

    rules = [json.loads(line) for line in open(DATA / "clean_adjudication.jsonl", encoding="utf-8")]
    counts: dict[str, int] = {}
    for line in open(report, encoding="utf-8"):
        path, _, rest = line.partition(": ")
        name = Path(path.split(":")[0]).name
        code = rest.split(" ", 1)[0]
        verdict = "unexplained (false positives)"
        for rule in rules:
            if (rule["code"] == code and fnmatch.fnmatch(name, rule["file"])
                    and rule["message_contains"] in rest):
                verdict = {"damage": "true findings (the files really hold this damage)",
                           "deliberate": "deliberate use, reported by design"}[rule["verdict"]]
                break
        counts[verdict] = counts.get(verdict, 0) + 1
    return counts


def measure_damaged(items: list[dict]) -> dict:
    from textsieve.document import Document
    from textsieve.rules.encoding import Mojibake

    rule = Mojibake()
    results: dict[str, dict] = {}
    misses, wrong = [], []
    for item in items:
        r = results.setdefault(item["scheme"], dict.fromkeys(
            ("n", "detected", "exact", "chars", "chars_covered", "fixes", "fixes_wrong",
             "safe", "safe_wrong"), 0))
        text, original, starts = item["damaged"], item["original"], item["starts"]
        findings = list(rule.check(Document("item.txt", text, "text")))
        r["n"] += 1
        r["detected"] += bool(findings)
        fixed = text
        for f in sorted(findings, key=lambda f: -f.span.start):
            if f.fix is not None:
                fixed = fixed[:f.span.start] + f.fix.replacement + fixed[f.span.end:]
        r["exact"] += fixed == original
        if not findings:
            misses.append((item["scheme"], text[:160], original[:160]))
        if starts is None:
            continue
        spans = [(f.span.start, f.span.end) for f in findings]
        for k, ch in enumerate(original):
            if text[starts[k]:starts[k + 1]] != ch:
                r["chars"] += 1
                r["chars_covered"] += any(s <= starts[k] and starts[k + 1] <= e for s, e in spans)
        for f in findings:
            if f.fix is None:
                continue
            # The characters of the original whose damaged forms the span touches, and
            # what the fix makes of those damaged forms.
            a = bisect.bisect_right(starts, f.span.start) - 1
            b = bisect.bisect_left(starts, f.span.end)
            made = text[starts[a]:f.span.start] + f.fix.replacement + text[f.span.end:starts[b]]
            ok = made == original[a:b]
            r["fixes"] += 1
            r["fixes_wrong"] += not ok
            if f.fix.safe:
                r["safe"] += 1
                r["safe_wrong"] += not ok
            if not ok:
                wrong.append((item["scheme"], f.fix.safe, text[f.span.start:f.span.end],
                              f.fix.replacement, original[:160]))
    return {"schemes": results, "misses": misses, "wrong": wrong}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="/tmp/textsieve-enc")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--per-scheme", type=int, default=2000)
    args = parser.parse_args(argv)
    data = Path(args.data)
    clean = data / "clean"
    if args.rebuild or not clean.exists():
        clean.mkdir(parents=True, exist_ok=True)
        for old in clean.iterdir():
            old.unlink()
        sizes = {"mo": build_mo(clean), "man": build_man(clean), "docs": build_docs(clean),
                 "tricky": build_tricky(clean)}
        print("built clean set:", {k: f"{v / 1e6:.1f} MB" for k, v in sizes.items()})

    stats = measure_clean(clean, data / "clean_findings.txt")
    mb = stats["bytes"] / 1e6
    total = sum(stats["by_code"].values())
    print(f"clean set: {stats['files']} files, {mb:.2f} MB; ENC findings: {total} "
          f"({total / mb:.3f} per MB); by code: {stats['by_code'] or '{}'}")
    verdicts = adjudicate(data / "clean_findings.txt")
    for verdict, count in sorted(verdicts.items()):
        print(f"  {verdict}: {count}")
    false = verdicts.get("unexplained (false positives)", 0)
    print(f"  false positives: {false} ({false / mb:.3f} per MB)")
    print(f"  (every finding listed in {data / 'clean_findings.txt'}; verdicts from "
          f"benchmarks/data/enc/clean_adjudication.jsonl)")
    print(f"  ENC rule CPU time on it: {stats['rule_seconds']:.2f} s "
          f"({mb / max(stats['rule_seconds'], 1e-9):.0f} MB/s, parsing excluded)")

    items = damaged_items(clean, args.per_scheme)
    result = measure_damaged(items)
    print(f"damaged set: {len(items)} lines")
    print("  recall = lines with an ENC101 finding; chars = damaged characters inside a finding;")
    print("  repaired = lines that all ENC101 fixes (safe and unsafe) restore exactly;")
    print("  wrong = fixes whose replacement is not the original text of their span")
    print(f"  {'scheme':16} {'lines':>5} {'recall':>7} {'chars':>6} {'repaired':>8} "
          f"{'wrong fixes':>13} {'wrong safe fixes':>17}")
    total = dict.fromkeys(("n", "detected", "exact", "chars", "chars_covered"), 0)
    for scheme, r in result["schemes"].items():
        for key in total:
            total[key] += r[key]
        chars = f"{r['chars_covered'] / r['chars']:6.3f}" if r["chars"] else f"{'-':>6}"
        print(f"  {scheme:16} {r['n']:5} {r['detected'] / r['n']:7.3f} {chars} "
              f"{r['exact'] / r['n']:8.3f} {r['fixes_wrong']:>5} of {r['fixes']:<5} "
              f"{r['safe_wrong']:>7} of {r['safe']:<5}")
    print(f"  {'all':16} {total['n']:5} {total['detected'] / total['n']:7.3f} "
          f"{total['chars_covered'] / total['chars']:6.3f} {total['exact'] / total['n']:8.3f}")
    with open(data / "damaged_misses.txt", "w", encoding="utf-8") as out:
        for scheme, damaged, original in result["misses"]:
            out.write(f"{scheme}\t{damaged!r}\t{original!r}\n")
        for scheme, safe, span, replacement, original in result["wrong"]:
            out.write(f"WRONG {'safe' if safe else 'unsafe'} {scheme}\t{span!r} -> "
                      f"{replacement!r}\t{original!r}\n")
    print(f"  (missed lines and wrong fixes listed in {data / 'damaged_misses.txt'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
