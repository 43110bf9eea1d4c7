"""Markdown parsing speed: Document construction, per backend, one process.

    python benchmarks/parse_speed.py [--repeat 3] [--prose-mb 2] [--api GLOB]
    python benchmarks/parse_speed.py --compare [DIR ...]

Prints MB/s (UTF-8 input bytes per wall second, best of ``--repeat`` runs) of
``Document(path, text, "markdown")`` for two inputs:

- prose: the seed essays in /work/shared/seeds (Markdown syntax), repeated as
  separate documents up to ``--prose-mb``;
- API docs: link-heavy reference Markdown, the Node.js API docs under
  /usr/share/doc/nodejs/api when present, else every README.md under
  /usr/lib/node_modules.

``--compare`` instead runs both backends over every *.md and *.mdx under the
directories (default: /usr/share/doc, /usr/lib/node_modules, the Python
site-packages) and prints how many documents come out different, with the
first differing segment of each.

Backends: ``python`` (markdown-it-py, forced with TEXTSIEVE_MARKDOWN=python)
and ``rust`` (markdown-it-pyrs, the default when it is importable).
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import sysconfig
import time

SEEDS = "/work/shared/seeds"
API_DIRS = ["/usr/share/doc/nodejs/api/*.md", "/usr/lib/node_modules/**/README.md"]


def read(paths: list[str]) -> list[tuple[str, str]]:
    docs = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as handle:
            docs.append((path, handle.read()))
    return docs


def prose_docs(megabytes: float) -> list[tuple[str, str]]:
    seeds = read(sorted(glob.glob(os.path.join(SEEDS, "*"))))
    if not seeds:
        sys.exit(f"no seeds in {SEEDS}")
    docs, size = [], 0
    while size < megabytes * 1e6:
        for path, text in seeds:
            docs.append((f"{len(docs)}-{os.path.basename(path)}.md", text))
            size += len(text.encode("utf-8"))
    return docs


def api_docs(pattern: str | None) -> list[tuple[str, str]]:
    for candidate in ([pattern] if pattern else API_DIRS):
        paths = sorted(glob.glob(candidate, recursive=True))
        if paths:
            return read(paths)
    sys.exit("no API docs found")


def measure(docs: list[tuple[str, str]], backend: str, repeat: int) -> float:
    from textsieve.document import Document

    os.environ["TEXTSIEVE_MARKDOWN"] = backend
    size = sum(len(text.encode("utf-8", "surrogatepass")) for _, text in docs)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for path, text in docs:
            Document(path, text, "markdown")
        best = min(best, time.perf_counter() - start)
    return size / 1e6 / best


COMPARE_DIRS = ["/usr/share/doc", "/usr/lib/node_modules", "/usr/local/lib/python3*/site-packages",
                sysconfig.get_paths()["purelib"]]


def outcome(text: str, parse, mdx: bool) -> tuple[list[tuple], list]:
    segments, directives = parse(text, mdx)
    return [(s.kind, s.start, s.end, s.text, s.level, s.revealed, s.opaque) for s in segments], directives


def first_difference(text: str, left, right) -> str:
    for name, a, b in (("segment", left[0], right[0]), ("directive", left[1], right[1])):
        for i in range(max(len(a), len(b))):
            x = a[i] if i < len(a) else None
            y = b[i] if i < len(b) else None
            if x != y:
                where = (x or y)[1] if name == "segment" else (x or y).start
                line = text.count("\n", 0, where) + 1
                return f"{name} {i} (line {line}):\n    python {x!r:.300}\n    rust   {y!r:.300}"
    return ""


def compare(directories: list[str], show: int) -> None:
    from textsieve import markup

    if not markup.rust_backend_available():
        sys.exit("markdown-it-pyrs is not importable: nothing to compare")
    os.environ.pop("TEXTSIEVE_MARKDOWN", None)
    paths = sorted({os.path.realpath(p) for d in directories for root in glob.glob(d)
                    for suffix in ("*.md", "*.mdx")
                    for p in glob.glob(os.path.join(root, "**", suffix), recursive=True)
                    if os.path.isfile(p)})
    docs = read(paths)
    size = sum(len(text.encode("utf-8", "surrogatepass")) for _, text in docs)
    differ = declined = 0
    for path, text in docs:
        mdx = path.endswith(".mdx")
        left = outcome(text, markup._parse_markdown_py, mdx)
        if markup._parse_markdown_rs(text, mdx) is None:
            declined += 1  # the rust backend hands it to markdown-it-py: same by construction
        right = outcome(text, markup._parse_markdown, mdx)
        if left != right:
            differ += 1
            if differ <= show:
                print(path, first_difference(text, left, right), sep="\n  ", flush=True)
    print(f"compared {len(docs)} Markdown documents, {size / 1e6:.1f} MB: "
          f"{differ} differ between the backends (segments, opaque runs, directives); "
          f"the rust backend handed "
          f"{declined} to markdown-it-py")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--prose-mb", type=float, default=2.0)
    parser.add_argument("--api", help="glob of link-heavy Markdown files")
    parser.add_argument("--compare", nargs="*", metavar="DIR",
                        help="compare the backends' output on every *.md under DIRs")
    parser.add_argument("--show", type=int, default=20, help="differences to print")
    args = parser.parse_args()
    if args.compare is not None:
        compare(args.compare or COMPARE_DIRS, args.show)
        return
    from textsieve import markup

    backends = ["python"]
    # (getattr: the same script measures a checkout from before the Rust backend)
    if getattr(markup, "rust_backend_available", lambda: False)():
        backends.append("rust")
    else:
        print("no rust backend (markdown-it-pyrs is not importable): measuring python only")
    inputs = {"prose": prose_docs(args.prose_mb), "API docs": api_docs(args.api)}
    for label, docs in inputs.items():
        size = sum(len(text.encode("utf-8", "surrogatepass")) for _, text in docs) / 1e6
        for backend in backends:
            speed = measure(docs, backend, args.repeat)
            print(f"{label:9} {len(docs):5} docs {size:5.1f} MB  {backend:6}  "
                  f"Document construction {speed:6.2f} MB/s", flush=True)


if __name__ == "__main__":
    main()
