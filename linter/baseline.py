"""Baselines: adopt textsieve on an existing corpus by reporting only new findings.

Entries are fingerprints (path, code and the normalised flagged text, never
line numbers), so edits that move lines keep them matching. Each fingerprint
carries a count, so a second copy of a baselined problem is still new.
"""

from __future__ import annotations

import json
from collections import Counter

from textsieve.findings import Finding
from textsieve.reporters import fingerprint

VERSION = 1


class BaselineError(Exception):
    pass


def write_baseline(path: str, findings: list[Finding]) -> int:
    entries: dict[str, dict] = {}
    for f in findings:
        key = fingerprint(f)
        entry = entries.setdefault(key, {"fingerprint": key, "path": f.path, "code": f.code,
                                         "text": " ".join(f.text.split())[:200], "count": 0})
        entry["count"] += 1
    data = {"version": VERSION, "tool": "textsieve",
            "entries": sorted(entries.values(), key=lambda e: (e["path"], e["code"], e["fingerprint"]))}
    from textsieve.fixes import write_atomically
    import os

    payload = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if os.path.exists(path):
        error = write_atomically(path, payload)
        if error:
            raise OSError(error)
    else:
        with open(path, "wb") as handle:
            handle.write(payload)
    return len(findings)


def load_baseline(path: str) -> dict[str, dict]:
    from textsieve.config import ConfigError

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a textsieve baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("entries"), list):
        raise ConfigError(f"{path}: not a textsieve baseline (version {VERSION} expected)")
    return {e["fingerprint"]: e for e in data["entries"] if isinstance(e, dict) and "fingerprint" in e}


def apply_baseline(path: str, findings: list[Finding], checked_paths: list[str]):
    """The findings not in the baseline, and the baseline entries that matched nothing."""
    entries = load_baseline(path)
    budget = Counter({key: int(e.get("count", 1)) for key, e in entries.items()})
    new = []
    for f in findings:
        key = fingerprint(f)
        if budget[key] > 0:
            budget[key] -= 1
        else:
            new.append(f)
    checked = set(checked_paths)
    stale = [f"{e['path']}: {e['code']} \"{e['text'][:60]}\"" for key, e in entries.items()
             if e["path"] in checked and budget[key] == int(e.get("count", 1))]
    return new, stale
