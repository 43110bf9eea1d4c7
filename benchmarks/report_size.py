"""Size and load time of the HTML report at 50,000 findings.

Builds a synthetic corpus in memory (documents of generated prose, clusters of
documents sharing edited copies of a paragraph, findings of every family at
random places, grades), renders the report with ``render_html``, and prints the
render time and file size. With Chromium on PATH it then opens the file headless
and prints the time from navigation to the page's ``textsieve-ready`` mark, the
JavaScript heap, and how long a code filter, a sort by message and a click on
the map take (each measured inside the page).

    python benchmarks/report_size.py [--findings 50000] [--documents 1000] [--out FILE]
    python benchmarks/report_size.py --from-json findings.json   # a real run's findings
    python benchmarks/report_size.py --screenshots docs/report   # the docs' screenshots
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

WORDS = ("release cluster engineer branch incident dashboard rollback quarter outage service "
         "database pager vault secret deploy staging review config cache token request latency "
         "metric alert owner runbook schedule window budget replica shard index query backup "
         "restore region network policy team handbook page section guide install update").split()
CODES = [("ENC101", "warning", "mojibake: 'Ã©' is 'é' decoded as Latin-1; replace it with 'é'"),
         ("ENC201", "warning", "invisible character U+200B (zero width space) inside a word"),
         ("VAG101", "warning", "vague claim: 'a significant number of' names no number; say how many"),
         ("VAG102", "info", "hedge: 'arguably' weakens the claim without saying why"),
         ("READ102", "warning", "sentence of 47 words, above the limit of 40: split it"),
         ("TS003", "warning", "'the' is repeated"),
         ("LT201", "error", "possible agreement error: 'the servers is' — did you mean 'are'?"),
         ("DUP103", "warning", "near-identical title shares \"a guide for the platform team\" "
                               "(6 of 8 words) with the title of another page")]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def build(findings: int, documents: int, seed: int = 7):
    """(sources, findings as JSON items, document summaries) of a synthetic corpus."""
    from textsieve.report_html import DocumentSummary

    rng = random.Random(seed)
    section_count = max(1, min(40, documents // 25))
    paths = [f"docs/section-{i % section_count:02d}/page-{i:05d}.md" for i in range(documents)]
    lines = {p: [f"# Page {i}", ""] for i, p in enumerate(paths)}
    for p in paths:
        for _ in range(rng.randint(20, 60)):
            lines[p].append(" ".join(sentence(rng, rng.randint(8, 22)) for _ in range(rng.randint(1, 3))))
            lines[p].append("")
    items = []
    # Clusters of 2-8 documents of one section sharing an edited copy of one paragraph
    # (DUP101/DUP102): a fifth of the findings.
    sections: dict[int, list[str]] = {}
    for i, p in enumerate(paths):
        sections.setdefault(i % section_count, []).append(p)
    dup_budget = findings // 5
    while dup_budget > 0:
        section = sections[rng.randrange(len(sections))]
        members = rng.sample(section, min(len(section), rng.randint(2, 8)))
        if len(members) < 2:
            break
        base = [rng.choice(WORDS) for _ in range(30)]
        places = []
        for m in members:
            words = base[:]
            for _ in range(rng.randint(0, 4)):
                words[rng.randrange(len(words))] = rng.choice(WORDS)
            line = rng.randrange(3, len(lines[m]), 2)
            text = " ".join(words).capitalize() + "."
            lines[m][line] = text
            places.append((m, line + 1, len(text) + 1, words == base))
        for here in places:
            related = [{"path": t[0], "line": t[1], "column": 1, "end_line": t[1], "end_column": t[2],
                        "message": "exact duplicate" if here[3] and t[3] else
                        f"near-duplicate ({rng.uniform(0.6, 0.95):.2f})"}
                       for t in places if t is not here][:5]
            code = "DUP102" if related and related[0]["message"] == "exact duplicate" else "DUP101"
            items.append({"path": here[0], "line": here[1], "column": 1, "end_line": here[1],
                          "end_column": here[2], "code": code, "severity": "warning",
                          "message": f"near-duplicate of {related[0]['path']}:{related[0]['line']}:1 and "
                                     f"{len(related) - 1} more; keep one copy and link to it, or rewrite this one",
                          "related": related, "fingerprint": f"{len(items):032x}"})
            dup_budget -= 1
    while len(items) < findings:
        p = rng.choice(paths)
        line = rng.randrange(3, len(lines[p]) + 1, 2)
        text = lines[p][line - 1]
        column = rng.randint(1, max(1, len(text) - 10))
        code, severity, message = rng.choice(CODES)
        items.append({"path": p, "line": line, "column": column, "end_line": line,
                      "end_column": min(len(text) + 1, column + rng.randint(3, 30)), "code": code,
                      "severity": severity, "message": message, "related": [],
                      "fingerprint": f"{len(items):032x}"})
    sources = {p: "\n".join(ls) + "\n" for p, ls in lines.items()}
    dup_lines: dict[str, int] = {}
    for item in items:
        if item["code"] in ("DUP101", "DUP102"):
            dup_lines[item["path"]] = dup_lines.get(item["path"], 0) + 31
    summaries = [DocumentSummary(p, sum(len(x.split()) for x in lines[p]),
                                 max(2.0, rng.gauss(10.5, 3.0)) if rng.random() > 0.1 else None,
                                 dup_lines.get(p, 0)) for p in paths]
    return sources, items, summaries


def measure_browser(path: Path, chromium: str) -> dict:
    from test_report_browser import Chromium

    with tempfile.TemporaryDirectory() as profile:
        browser = Chromium(chromium, profile)
        try:
            start = time.perf_counter()
            browser.open(path.as_uri())
            wall = time.perf_counter() - start
            ready = browser.evaluate("performance.getEntriesByName('textsieve-ready')[0].startTime")
            browser.send("Performance.enable", session=True)
            metrics = browser.send("Performance.getMetrics", session=True)["metrics"]
            heap = {m["name"]: m["value"] for m in metrics}.get("JSHeapUsedSize", 0)
            filter_ms = browser.evaluate("""(() => { const s = document.querySelector('#f-code');
                const t = performance.now(); s.value = s.options[1].value;
                s.dispatchEvent(new Event('change')); return performance.now() - t; })()""")
            browser.evaluate("""(() => { const s = document.querySelector('#f-code');
                s.value = ''; s.dispatchEvent(new Event('change')); })()""")
            sort_ms = browser.evaluate("""(() => { const b = document.querySelector(
                '#findings-table th:nth-child(4) button'); const t = performance.now(); b.click();
                return performance.now() - t; })()""")
            click_ms = browser.evaluate("""(() => { const cells = Array.from(
                document.querySelectorAll('#map-svg rect.cell'));
                const c = cells.sort((a, b) => b.dataset.count - a.dataset.count)[0];
                if (!c) return 0;
                const t = performance.now();
                c.dispatchEvent(new MouseEvent('click', {bubbles: true}));
                return performance.now() - t; })()""")
            cells = browser.evaluate("document.querySelectorAll('#map-svg rect.cell').length")
            problems = browser.problems()
            requests = browser.requests()
        finally:
            browser.close()
    return {"wall_s": wall, "ready_ms": ready, "heap_mb": heap / 1e6, "filter_ms": filter_ms,
            "sort_ms": sort_ms, "click_ms": click_ms, "cells": cells, "problems": problems,
            "requests": len(requests)}


def screenshots(directory: Path, chromium: str) -> None:
    """Section screenshots of the report on samples/ (checked by the real command),
    and of the map of a 300-document synthetic corpus."""
    import subprocess

    from test_report_browser import Chromium
    from textsieve.report_html import load_findings_json, render_html, summarise_documents

    directory.mkdir(parents=True, exist_ok=True)
    root = HERE.parent
    with tempfile.TemporaryDirectory() as tmp:
        findings_file = Path(tmp) / "samples.json"
        subprocess.run([sys.executable, "-m", "textsieve", "check", "--no-cache", "--exit-zero",
                        "--format", "json", "-o", str(findings_file), "samples"], cwd=root, check=True)
        os.chdir(root)
        data = load_findings_json(str(findings_file))
        paths = sorted(str(p.relative_to(root)) for p in (root / "samples").glob("*.md"))
        documents, readability = summarise_documents(paths, data["findings"])
        old = {"version": 1, "findings": data["findings"][3:] + [
            {"path": "samples/clean.md", "line": 3, "code": "VAG101", "severity": "warning",
             "message": "vague claim (since fixed)", "fingerprint": "0" * 32}]}
        page = Path(tmp) / "samples.html"
        page.write_text(render_html(data["findings"], documents, readability=readability,
                                    compare_old=old, title="textsieve report: samples/"),
                        encoding="utf-8")
        sources, items, summaries = build(3000, 300)
        big = Path(tmp) / "big.html"
        big.write_text(render_html(items, summaries, sources=sources, read_files=False,
                                   title="textsieve report: 300 documents"), encoding="utf-8")
        with tempfile.TemporaryDirectory() as profile:
            browser = Chromium(chromium, profile, width=1100, height=800)
            try:
                browser.open(page.as_uri())
                browser.click('#map-svg rect.cell[data-a="samples/duplicates-a.md"]'
                              '[data-b="samples/duplicates-b.md"]')
                for name, selector in (("summary", "#summary"), ("map", "#map"),
                                       ("findings", "#findings"), ("readability", "#readability"),
                                       ("history", "#history")):
                    shot(browser, selector, directory / f"{name}.png")
                browser.open(big.as_uri())
                shot(browser, "#map-svg", directory / "map-300-documents.png")
            finally:
                browser.close()
    for png in sorted(directory.glob("*.png")):
        print(f"{png}: {png.stat().st_size / 1024:.0f} KB")


def shot(browser, selector: str, path: Path, max_height: int = 900) -> None:
    import base64

    box = browser.evaluate(f"""(() => {{ const e = document.querySelector('{selector}');
        e.scrollIntoView(); const r = e.getBoundingClientRect();
        return [r.left + scrollX, r.top + scrollY, r.width, r.height]; }})()""")
    clip = {"x": max(0, box[0] - 8), "y": max(0, box[1] - 8), "width": box[2] + 16,
            "height": min(max_height, box[3] + 16), "scale": 1}
    data = browser.send("Page.captureScreenshot", session=True, format="png", clip=clip,
                        captureBeyondViewport=True)["data"]
    path.write_bytes(base64.b64decode(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, default=50_000)
    parser.add_argument("--documents", type=int, default=1_000)
    parser.add_argument("--from-json", help="a findings file of a real run (paths read from the cwd)")
    parser.add_argument("--out", help="keep the report here")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--screenshots", help="write the docs' screenshots into this directory")
    args = parser.parse_args()
    from test_report_browser import find_chromium
    from textsieve.report_html import load_findings_json, render_html, summarise_documents

    chromium = None if args.no_browser else find_chromium()
    if args.screenshots:
        if chromium is None:
            sys.exit("report_size.py: --screenshots needs Chromium on PATH")
        screenshots(Path(args.screenshots).resolve(), chromium)
        return
    start = time.perf_counter()
    if args.from_json:
        data = load_findings_json(args.from_json)
        items = data["findings"]
        paths = sorted({f["path"] for f in items})
        documents, readability = summarise_documents(paths, items)
        built = time.perf_counter() - start
        print(f"{len(items):,} findings in {len(paths):,} documents; documents summarised in {built:.2f} s")
        start = time.perf_counter()
        page = render_html(items, documents, readability=readability)
    else:
        sources, items, documents = build(args.findings, args.documents)
        built = time.perf_counter() - start
        print(f"{len(items):,} findings ({sum(f['code'] in ('DUP101', 'DUP102') for f in items):,} "
              f"DUP101/102) in {args.documents:,} documents, built in {built:.2f} s")
        start = time.perf_counter()
        page = render_html(items, documents, sources=sources, read_files=False)
    rendered = time.perf_counter() - start
    data = page.encode("utf-8")
    print(f"render_html: {rendered:.2f} s; file size {len(data) / 1e6:.2f} MB "
          f"({len(data) / max(1, len(items)):.0f} bytes a finding)")
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp()) / "report.html"
    out.write_bytes(data)
    if chromium is None:
        print("no Chromium on PATH (or --no-browser): load time not measured")
        return
    m = measure_browser(out.resolve(), chromium)
    print(f"Chromium (headless): ready {m['ready_ms']:.0f} ms after navigation "
          f"({m['wall_s']:.2f} s wall, polling included); JS heap {m['heap_mb']:.0f} MB; "
          f"{m['cells']:,} map cells")
    print(f"  code filter {m['filter_ms']:.0f} ms, sort by message {m['sort_ms']:.0f} ms, "
          f"map cell click {m['click_ms']:.0f} ms")
    print(f"  console problems: {len(m['problems'])}; network requests: {m['requests']} (the file itself)")
    for problem in m["problems"][:5]:
        print("   ", problem)


if __name__ == "__main__":
    main()
