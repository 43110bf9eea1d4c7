#!/usr/bin/env python3
"""Does `textsieve check` on the user's essays (../shared/seeds) find what it should?

The expected findings are in .ci/seeds-expected.txt, one `path:line:col: CODE` a line
(paths relative to the seeds directory), as `textsieve check` reports them with the
default rules. Only codes and positions are compared: a reworded message is not a
change of findings, a finding gained, lost or moved is.

    python .ci/seeds.py [SEEDS]            compare (exit 0: the same, 1: not, 2: could not run)
    python .ci/seeds.py --write [SEEDS]    record the current findings as the expected ones
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "seeds-expected.txt")
DEFAULT_SEEDS = os.path.join(HERE, "..", "..", "shared", "seeds")
HEADER = ("# textsieve check ../shared/seeds with the default rules: path:line:col: CODE, paths relative\n"
          "# to the seeds directory. Compared by .ci/seeds.py; regenerate with: python .ci/seeds.py --write\n")


def _order(line: str) -> tuple:
    """Path, then line and column as numbers, then code."""
    place, _, code = line.rpartition(": ")
    path, line_no, column = place.rsplit(":", 2)
    return path, int(line_no), int(column), code


def current(seeds: str) -> list[str]:
    """The findings of `textsieve check SEEDS` as sorted `path:line:col: CODE` lines."""
    done = subprocess.run([sys.executable, "-m", "textsieve", "check", seeds, "--format", "json",
                           "--no-cache"], capture_output=True, text=True, encoding="utf-8")
    if done.returncode not in (0, 1):
        sys.exit(f"seeds: textsieve check exited {done.returncode}:\n{done.stderr}")
    lines = []
    for f in json.loads(done.stdout)["findings"]:
        path = os.path.relpath(os.path.abspath(f["path"]), seeds).replace(os.sep, "/")
        lines.append(f"{path}:{f['line']}:{f['column']}: {f['code']}")
    return sorted(lines, key=_order)


def expected() -> list[str]:
    with open(EXPECTED, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def main(argv: list[str]) -> int:
    write = "--write" in argv
    args = [a for a in argv if a != "--write"]
    seeds = os.path.abspath(args[0] if args else DEFAULT_SEEDS)
    if not os.path.isdir(seeds):
        print(f"seeds: no directory {seeds}", file=sys.stderr)
        return 2
    found = current(seeds)
    if write:
        with open(EXPECTED, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(HEADER + "".join(f"{line}\n" for line in found))
        print(f"seeds: wrote {len(found)} findings to {os.path.relpath(EXPECTED)}")
        return 0
    want = expected()
    missing = collections.Counter(want) - collections.Counter(found)
    extra = collections.Counter(found) - collections.Counter(want)
    for line in sorted(missing.elements(), key=_order):
        print(f"missing:    {line}")
    for line in sorted(extra.elements(), key=_order):
        print(f"unexpected: {line}")
    if missing or extra:
        print(f"seeds: of {len(want)} expected findings {sum(missing.values())} missing, "
              f"{sum(extra.values())} unexpected (once the new ones are right, record them with "
              "python .ci/seeds.py --write)", file=sys.stderr)
        return 1
    print(f"seeds: the {len(found)} expected findings, at the expected places")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
