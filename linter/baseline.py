"""Baselines: adopt textsieve on an existing corpus by reporting only new findings.

Entries are fingerprints (path, code and the normalised flagged text, never
line numbers), so edits that move lines keep them matching. Each fingerprint
carries a count, so a second copy of a baselined problem is still new.
"""

from __future__ import annotations

import json
from collections import Counter

from textsieve.findings import Finding, fingerprint

VERSION = 1


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
    """The entries by fingerprint; a file that is not a baseline is a ``ConfigError``
    naming it and the first entry that is wrong, never an internal error."""
    from textsieve.config import ConfigError

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found") from None
    except RecursionError:
        raise ConfigError(f"{path}: not a textsieve baseline: nested too deeply") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a textsieve baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("entries"), list):
        raise ConfigError(f"{path}: not a textsieve baseline (version {VERSION} expected)")
    entries: dict[str, dict] = {}
    for number, entry in enumerate(data["entries"], 1):
        problem = _entry_problem(entry)
        if problem:
            raise ConfigError(f"{path}: not a textsieve baseline: entry {number} {problem}")
        key = entry["fingerprint"]
        count = entry.get("count", 1)
        if key in entries:  # written twice: the counts add up
            count += entries[key]["count"]
        entries[key] = {"fingerprint": key, "path": entry["path"], "code": entry["code"],
                        "text": entry.get("text", ""), "count": count}
    return entries


def _entry_problem(entry) -> str:
    """What is wrong with one baseline entry, or ''."""
    if not isinstance(entry, dict):
        return f"is {_kind(entry)}, not an object"
    for key in ("fingerprint", "path", "code"):
        if key not in entry:
            return f"has no '{key}'"
        if not isinstance(entry[key], str):
            return f"has a '{key}' that is {_kind(entry[key])}, not a string"
    if not isinstance(entry.get("text", ""), str):
        return f"has a 'text' that is {_kind(entry['text'])}, not a string"
    count = entry.get("count", 1)
    if type(count) is not int or count < 1:
        return f"has a 'count' that is {_kind(count)}, not a whole number of at least 1"
    return ""


def _kind(value) -> str:
    """A JSON value's kind, as a person reading the file would name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"[:60]
    if isinstance(value, str):
        return "a string"
    return "an object" if isinstance(value, dict) else "a list"


def apply_baseline(path: str, findings: list[Finding], checked_paths: list[str]):
    """The findings not in the baseline, and the baseline entries that matched nothing."""
    entries = load_baseline(path)
    budget = Counter({key: e["count"] for key, e in entries.items()})
    new = []
    for f in findings:
        key = fingerprint(f)
        if budget[key] > 0:
            budget[key] -= 1
        else:
            new.append(f)
    checked = set(checked_paths)
    stale = [f"{e['path']}: {e['code']} \"{e['text'][:60]}\"" for key, e in entries.items()
             if e["path"] in checked and budget[key] == e["count"]]
    return new, stale
