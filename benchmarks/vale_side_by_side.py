"""A Vale style through Vale and through textsieve (vale-styles) on the same files.

Writes a .vale.ini and a textsieve.toml in a temporary folder, runs ``vale --output=line``
and ``textsieve check`` on the folder given, and prints, per rule of the style, the
findings both report (same file, line, column and message), those only one reports,
and a sample of each difference, and the lines both flag for the rule (whatever the
column or the wording); and the time of each run. Rules of check types
textsieve does not read are counted apart.

    python benchmarks/vale_side_by_side.py --vale /path/to/vale --style styles/write-good DOCS
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter


def run(command: list[str], cwd: str) -> tuple[str, float]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout, time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vale", default="vale", help="the vale executable")
    parser.add_argument("--style", required=True, help="a Vale style folder (its YAML rules)")
    parser.add_argument("--prefix", default="VS", help="the textsieve code prefix for the style")
    parser.add_argument("--sample", type=int, default=10, help="differences shown per side")
    parser.add_argument("folder", help="the documents, checked from their parent folder")
    opts = parser.parse_args(argv)
    style = os.path.abspath(opts.style)
    folder = os.path.abspath(opts.folder)
    cwd, target = os.path.dirname(folder), os.path.basename(folder)
    names = sorted(n for n in os.listdir(style) if n.endswith((".yml", ".yaml")))
    rule_of = {f"{opts.prefix}{i:03d}": os.path.splitext(n)[0] for i, n in enumerate(names, 1)}
    style_name = os.path.basename(style)
    with tempfile.TemporaryDirectory() as scratch:
        vale_ini = os.path.join(scratch, ".vale.ini")
        with open(vale_ini, "w", encoding="utf-8") as handle:
            handle.write(f"StylesPath = {os.path.dirname(style)}\nMinAlertLevel = suggestion\n\n"
                         f"[*.md]\nBasedOnStyles = {style_name}\n")
        toml = os.path.join(scratch, "textsieve.toml")
        with open(toml, "w", encoding="utf-8") as handle:
            handle.write(f'vale-styles = {{ {opts.prefix} = "{style}" }}\ninclude = ["*.md"]\n')
        vale_out, vale_s = run([opts.vale, f"--config={vale_ini}", "--output=line", "--no-wrap", target], cwd)
        ts_out, ts_s = run([sys.executable, "-m", "textsieve", "check", "--config", toml, "--no-cache",
                            "--select", opts.prefix, "--format", "text", target], cwd)
    vale, ours = set(), set()
    for line in vale_out.splitlines():
        m = re.match(rf"(.*?):(\d+):(\d+):{re.escape(style_name)}\.([\w-]+):(.*)", line)
        if m:
            vale.add((m[1], int(m[2]), int(m[3]), m[4], m[5]))
    for line in ts_out.splitlines():
        m = re.match(r"(.*?):(\d+):(\d+): ([A-Z]+\d+) (.*)", line)
        if m and m[4] in rule_of:
            ours.add((m[1], int(m[2]), int(m[3]), rule_of[m[4]], m[5]))
    print(f"vale {vale_s:.2f} s, {len(vale)} findings; textsieve {ts_s:.2f} s, {len(ours)} findings")
    print(f"{'rule':24s} {'both':>6s} {'vale only':>10s} {'textsieve only':>15s} {'same lines':>11s}")
    for rule in sorted({f[3] for f in vale | ours}):
        v = {f for f in vale if f[3] == rule}
        t = {f for f in ours if f[3] == rule}
        lines = len({f[:2] for f in v} & {f[:2] for f in t})  # places both flag, whatever the column or wording
        print(f"{rule:24s} {len(v & t):>6d} {len(v - t):>10d} {len(t - v):>15d} {lines:>11d}")
    skipped = Counter(f[3] for f in vale if not any(o[3] == f[3] for o in ours))
    if skipped:
        print("rules with no textsieve finding (a check type not read, or none found):",
              ", ".join(f"{r} ({n})" for r, n in sorted(skipped.items())))
    rng = random.Random(1)
    for label, only in (("vale only", vale - ours), ("textsieve only", ours - vale)):
        shown = rng.sample(sorted(only), min(opts.sample, len(only)))
        for finding in shown:
            print(f"{label}: {finding[0]}:{finding[1]}:{finding[2]} {finding[3]}: {finding[4]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
