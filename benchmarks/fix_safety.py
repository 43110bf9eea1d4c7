"""Is `--fix` safe on real documentation? Fix copies of real corpora and diff the trees.

    python benchmarks/fix_safety.py [--corpora /work/corpora] [--only rbe,sphinx] [--work /tmp/fix_safety]

For each corpus (a directory under ``--corpora``) and each mode (``--fix``, then
``--fix --unsafe-fixes``), the corpus is copied to ``--work`` (the original is only
read), ``textsieve check --fix`` runs on the copy with the default rules, and the
trees are compared. ``textsieve check`` runs in a child process with the fix loop's
``apply_to_text`` wrapped, to record each pass's fixes (span, the line and column
that were reported, replacement) without changing what the loop does. Printed per
corpus and mode:

- files changed and fixes applied (by code), passes;
- reported position ≠ edited offsets: fixes whose reported line/column is not where
  their offsets edit (must be 0);
- changes outside reported spans: files whose text outside the spans of the applied
  fixes (every pass's, mapped back to the original text) is not kept, in order,
  in the file written (must be 0);
- written ≠ fixed text: files whose bytes on disk are not the loop's final text in
  the file's own encoding (must be 0);
- code spans, link targets and URLs removed or altered (must be 0): inline code,
  code blocks, link and image targets, autolinks (markdown-it-py) and URLs
  (a regular expression; reST literals and targets too), as multisets before/after;
- second run: files a second ``--fix`` run changes (must be 0), the real CLI.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time

INCLUDE = ["*.md", "*.markdown", "*.mdx", "*.txt", "*.rst"]  # .mdx too (Starlight sites)
MODES = {"safe": ["--fix"], "unsafe": ["--fix", "--unsafe-fixes"]}
CONFIG_NAME = "textsieve.toml"


# -- what must survive a fix: code, link targets, URLs --------------------------

URL_RE = re.compile(r"""(?:https?|ftp)://[^\s<>()\[\]{}"'`|\\]+""")
RST_LITERAL_RE = re.compile(r"``(?!\s)(.+?)(?<!\s)``", re.S)
RST_TARGET_RE = re.compile(r"`[^`<>]*<([^`<>]+)>`__?|^\.\. _[^:]+:\s*(\S+)", re.M)


def protected(text: str, path: str) -> collections.Counter:
    """The non-prose items of a document, as a multiset of (kind, text)."""
    items: collections.Counter = collections.Counter(("url", m.group(0)) for m in URL_RE.finditer(text))
    lower = path.lower()
    if lower.endswith((".md", ".markdown", ".mdx")):
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark").enable("table")
        try:
            tokens = md.parse(text)
        except Exception:  # noqa: BLE001 - a parser failure must not end the measurement
            tokens = []
        stack = list(tokens)
        while stack:
            token = stack.pop()
            if token.type in ("fence", "code_block"):
                items[("code block", token.content)] += 1
            elif token.type == "code_inline":
                items[("code", token.content)] += 1
            elif token.type == "link_open":
                items[("link", str(token.attrs.get("href", "")))] += 1
            elif token.type == "image":
                items[("image", str(token.attrs.get("src", "")))] += 1
            stack.extend(token.children or ())
    elif lower.endswith(".rst"):
        items.update(("code", m.group(1)) for m in RST_LITERAL_RE.finditer(text))
        items.update(("link", m.group(1) or m.group(2)) for m in RST_TARGET_RE.finditer(text))
    return items


# -- the instrumented run (in a child process) -----------------------------------

def run_instrumented(tree: str, flags: list[str], record: str) -> None:
    """``textsieve check`` with ``flags`` in ``tree``; writes each path's passes to ``record``."""
    from textsieve import check, fixes

    passes: dict[str, list[list[dict]]] = collections.defaultdict(list)
    real_apply = fixes.apply_to_text

    def recording(text, chosen):
        if chosen:
            passes[chosen[0].path].append([{
                "code": f.code, "start": f.span.start, "end": f.span.end,
                "line": f.span.line, "column": f.span.column,
                "end_line": f.span.end_line, "end_column": f.span.end_column,
                "replacement": f.fix.replacement} for f in chosen])
        return real_apply(text, chosen)

    fixes.apply_to_text = recording
    os.chdir(tree)
    options = check.CheckOptions(paths=["."], fix=True, unsafe_fixes="--unsafe-fixes" in flags,
                                 no_cache=True, exit_zero=True, fmt="json",
                                 output_file=os.devnull)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = check.run_check(options)
    with open(record, "w", encoding="utf-8") as handle:
        json.dump({"exit": code, "stderr": err.getvalue(), "passes": passes}, handle)


# -- analysis ---------------------------------------------------------------------

def offset_of(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column (lines end at \\n, as in Document)."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - 1


def apply(text: str, edits: list[dict]) -> str:
    parts, last = [], 0
    for e in edits:
        parts.append(text[last:e["start"]])
        parts.append(e["replacement"])
        last = e["end"]
    parts.append(text[last:])
    return "".join(parts)


def back(position: int, edits: list[dict], upper: bool) -> int:
    """A position in the text after ``edits`` mapped into the text before them; inside a
    replacement, its whole original range (start or end as ``upper`` says)."""
    shift = 0
    for e in edits:
        new_start = e["start"] + shift
        new_end = new_start + len(e["replacement"])
        if position < new_start or (position == new_start and not upper):
            return position - shift
        if position <= new_end:
            return e["end"] if upper else e["start"]
        shift += len(e["replacement"]) - (e["end"] - e["start"])
    return position - shift


def kept_outside(original: str, final: str, spans: list[tuple[int, int]]) -> bool:
    """Whether the text outside ``spans`` appears in ``final`` unchanged and in order."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    cuts = [0] + [x for s in merged for x in s] + [len(original)]
    segments = [original[cuts[i]:cuts[i + 1]] for i in range(0, len(cuts), 2)]
    if not final.startswith(segments[0]):
        return False
    position = len(segments[0])
    for segment in segments[1:-1]:
        found = final.find(segment, position)
        if found < 0:
            return False
        position = found + len(segment)
    return final.endswith(segments[-1]) and len(final) - len(segments[-1]) >= position


def analyse(before_root: str, after_root: str, record: dict) -> dict:
    from textsieve.source import SourceError, decode, encode

    figures = collections.Counter()
    by_code = collections.Counter()
    problems: list[str] = []
    changed_files = []
    for root, _dirs, names in os.walk(before_root):
        for name in names:
            before_path = os.path.join(root, name)
            rel = os.path.relpath(before_path, before_root)
            after_path = os.path.join(after_root, rel)
            with open(before_path, "rb") as handle:
                before = handle.read()
            try:
                with open(after_path, "rb") as handle:
                    after = handle.read()
            except OSError:
                figures["files missing after the fix"] += 1
                problems.append(f"{rel}: missing after the fix")
                continue
            if before != after:
                changed_files.append(rel)
    figures["files changed"] = len(changed_files)
    recorded = record["passes"]
    unexplained = sorted(set(changed_files) - set(recorded))
    figures["files changed with no fix recorded"] = len(unexplained)
    problems += [f"{rel}: changed, but no fix was applied to it" for rel in unexplained]
    for rel, passes in sorted(recorded.items()):
        with open(os.path.join(before_root, rel), "rb") as handle:
            before = handle.read()
        with open(os.path.join(after_root, rel), "rb") as handle:
            after = handle.read()
        try:
            text, info = decode(before)
        except SourceError:
            continue
        figures["passes"] = max(figures["passes"], len(passes))
        current, history, spans = text, [], []
        for edits in passes:
            for e in edits:
                by_code[e["code"]] += 1
                where = (offset_of(current, e["line"], e["column"]),
                         offset_of(current, e["end_line"], e["end_column"]))
                if where != (e["start"], e["end"]):
                    figures["reported position != edited offsets"] += 1
                    problems.append(f"{rel}:{e['line']}:{e['column']}: {e['code']} reported at offsets "
                                    f"{where}, edits {e['start']}..{e['end']}")
                start, end = e["start"], e["end"]
                for earlier in reversed(history):
                    start, end = back(start, earlier, False), back(end, earlier, True)
                spans.append((start, end))
            history.append(edits)
            current = apply(current, edits)
        try:
            written_ok = encode(current, info) == after
        except UnicodeEncodeError:
            written_ok = False
        if not written_ok:
            figures["written != fixed text"] += 1
            problems.append(f"{rel}: the bytes written are not the fixed text")
        final_text = decode(after)[0] if after else ""
        if not kept_outside(text, final_text, spans):
            figures["changes outside reported spans"] += 1
            problems.append(f"{rel}: text outside the fixes' spans changed")
        lost = protected(text, rel) - protected(final_text, rel)
        gained = protected(final_text, rel) - protected(text, rel)
        if lost or gained:
            figures["code/links/URLs removed or altered"] += sum(lost.values())
            problems.append(f"{rel}: lost {sorted(lost)[:3]} gained {sorted(gained)[:3]}")
    figures["fixes applied"] = sum(by_code.values())
    return {"figures": figures, "by_code": by_code, "problems": problems}


def snapshot(root: str) -> dict[str, bytes]:
    out = {}
    for directory, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                out[os.path.relpath(path, root)] = handle.read()
    return out


def copy_tree(source: str, target: str) -> None:
    if os.path.exists(target):
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=True)
    with open(os.path.join(target, CONFIG_NAME), "w", encoding="utf-8") as handle:
        handle.write(f"include = {json.dumps(INCLUDE)}\n")


def measure(corpus: str, mode: str, work: str) -> dict:
    name = os.path.basename(corpus.rstrip(os.sep))
    before = os.path.join(work, name, "before")
    after = os.path.join(work, name, mode)
    if not os.path.isdir(before):
        copy_tree(corpus, before)
    copy_tree(corpus, after)
    record_path = os.path.join(work, name, f"{mode}.record.json")
    started = time.perf_counter()
    subprocess.run([sys.executable, os.path.abspath(__file__), "--record", after, mode, record_path],
                   check=True)
    seconds = time.perf_counter() - started
    with open(record_path, encoding="utf-8") as handle:
        record = json.load(handle)
    result = analyse(before, after, record)
    result["seconds"] = seconds
    result["stderr"] = [ln for ln in record["stderr"].splitlines() if "not fixed" in ln or "settle" in ln]
    # Idempotency, through the real command line: a second run changes nothing.
    once = snapshot(after)
    second = subprocess.run([sys.executable, "-m", "textsieve", "check", *MODES[mode], "--no-cache",
                             "--exit-zero", "."], cwd=after, capture_output=True, text=True)
    twice = snapshot(after)
    result["figures"]["second-run changes"] = sum(1 for k in once if once[k] != twice.get(k))
    fixed_again = re.search(r"Fixed (\d+) finding", second.stdout)
    result["figures"]["second-run fixes"] = int(fixed_again.group(1)) if fixed_again else 0
    return result


MUST_BE_ZERO = ("reported position != edited offsets", "changes outside reported spans",
                "written != fixed text", "code/links/URLs removed or altered", "second-run changes",
                "second-run fixes", "files changed with no fix recorded", "files missing after the fix")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--record":
        run_instrumented(sys.argv[2], MODES[sys.argv[3]], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default="/work/corpora")
    parser.add_argument("--only", help="comma-separated corpus names")
    parser.add_argument("--work", default="/tmp/fix_safety")
    parser.add_argument("--show", type=int, default=5, help="problems printed per corpus and mode")
    args = parser.parse_args()
    corpora = sorted(os.path.join(args.corpora, d) for d in os.listdir(args.corpora)
                     if os.path.isdir(os.path.join(args.corpora, d)))
    if args.only:
        wanted = set(args.only.split(","))
        corpora = [c for c in corpora if os.path.basename(c) in wanted]
    work = os.path.abspath(args.work)
    if os.path.realpath(work).startswith(os.path.realpath(args.corpora) + os.sep):
        sys.exit("--work must not be inside --corpora: the corpora are only read")
    totals = {mode: collections.Counter() for mode in MODES}
    header = (f"{'corpus':<10} {'mode':<7} {'files':>6} {'fixes':>6} {'passes':>6} {'pos≠':>5} "
              f"{'outside':>7} {'written≠':>8} {'code/url':>8} {'2nd run':>7} {'secs':>6}  by code")
    print(header)
    for corpus in corpora:
        for mode in MODES:
            result = measure(corpus, mode, work)
            fig = result["figures"]
            totals[mode].update(fig)
            codes = ", ".join(f"{c} {n}" for c, n in sorted(result["by_code"].items()))
            print(f"{os.path.basename(corpus):<10} {mode:<7} {fig['files changed']:>6} "
                  f"{fig['fixes applied']:>6} {fig['passes']:>6} "
                  f"{fig['reported position != edited offsets']:>5} "
                  f"{fig['changes outside reported spans']:>7} {fig['written != fixed text']:>8} "
                  f"{fig['code/links/URLs removed or altered']:>8} {fig['second-run changes']:>7} "
                  f"{result['seconds']:>6.1f}  {codes}", flush=True)
            for problem in result["problems"][:args.show]:
                print(f"    {problem}")
            for line in result["stderr"][:args.show]:
                print(f"    {line}")
    print()
    for mode, fig in totals.items():
        print(f"all corpora, {mode}: {fig['files changed']} files changed, {fig['fixes applied']} fixes; "
              + ", ".join(f"{key}: {fig[key]}" for key in MUST_BE_ZERO))


if __name__ == "__main__":
    main()
