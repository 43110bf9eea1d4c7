"""The editor case: how long the language server's engine takes to lint a buffer.

    python benchmarks/lsp_latency.py [FILE] [--root DIR] [--runs 20]

Builds the engine the language server uses (``textsieve.lsp.Engine``) for the
workspace ``--root`` (default: the file's folder), lints FILE's text once
(the first change after opening: rules built, dictionaries read), then edits
one word per run, as a keystroke does, and prints the first lint's time and the
median and worst of the edits, with and without the corpus rules (the server
runs those too while they take under its budget). Default rules, the
workspace's configuration. FILE defaults to a 3 KB Markdown page written here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

PAGE = ("# Release checklist\n\n" + "Before each release the on-call engineer reads the open issues, "
        "checks that every migration ran on the staging database and writes a short note for the "
        "team. " * 3 + "\n\n" + "- The build takes about four minutes on the CI runner.\n" * 6 + "\n"
        + "Experts agree that the new cache is a testament to careful design. " * 4 + "\n") * 4


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?")
    parser.add_argument("--root")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = args.file or os.path.join(scratch, "page.md")
        if not args.file:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(PAGE)
        root = args.root or os.path.dirname(os.path.abspath(path))
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        start = time.perf_counter()
        from textsieve.lsp import Engine

        engine = Engine(root)
        built = time.perf_counter() - start
        start = time.perf_counter()
        engine.lint(path, text)
        first = time.perf_counter() - start
        print(f"{len(text.encode()):,} bytes; engine built in {built * 1000:.0f} ms (imports, rules, "
              f"configuration); first lint {first * 1000:.0f} ms")
        for corpus in (False, True):
            times = []
            for run in range(args.runs):
                edited = text.replace(" the ", f" the{'e' * (run + 1)} ", 1)  # each text new: no cache hit
                start = time.perf_counter()
                engine.lint(path, edited, corpus=corpus)
                times.append((time.perf_counter() - start) * 1000)
            label = "with the corpus rules" if corpus else "per-document rules"
            print(f"one-word edit, {label}: median {statistics.median(times):.1f} ms, "
                  f"worst {max(times):.1f} ms ({args.runs} runs)")


if __name__ == "__main__":
    main()
