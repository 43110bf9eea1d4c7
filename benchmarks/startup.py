"""Start-up figures: wall time of light commands, best and median of N runs.

    python benchmarks/startup.py [--runs 20]

Prints one line per command. The target for `textsieve --version` is under 150 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = {
    "textsieve --version": ["--version"],
    "textsieve rules": ["rules"],
    "textsieve check one small file (default rules, no cache)": ["check", "--no-cache", "{file}"],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    exe = os.path.join(os.path.dirname(sys.executable), "textsieve")
    with tempfile.TemporaryDirectory() as tmp:
        small = os.path.join(tmp, "small.md")
        with open(small, "w", encoding="utf-8") as handle:
            handle.write("# A note\n\nThe build takes 4 minutes on the CI runner.\n")
        for label, argv in COMMANDS.items():
            argv = [a.format(file=small) for a in argv]
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run([exe, *argv], cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{label}: best {min(times):.0f} ms, median {statistics.median(times):.0f} ms "
                  f"({args.runs} runs)")


if __name__ == "__main__":
    main()
