"""Applying fixes: only on request, atomically, touching nothing but the fixed spans.

A file is re-read and compared with the content hash taken when it was
checked; if it changed (or vanished, or became a directory) it is not written.
The new text is encoded as the original was (encoding, BOM, line endings are
untouched because only the fixed spans change), written to a temporary file in
the same directory with the original's permissions, then renamed over it.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass, field

from textsieve.findings import Finding
from textsieve.source import SourceError, content_hash, decode, encode


@dataclass
class FixOutcome:
    fixed: list[Finding] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    new_texts: dict[str, str] = field(default_factory=dict)


def choose_fixes(findings: list[Finding], unsafe: bool) -> dict[str, list[Finding]]:
    """Per path, the applicable fixes that do not overlap, in order."""
    chosen: dict[str, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (f.path, f.span.start, f.span.end)):
        if f.fix is None or (not f.fix.safe and not unsafe):
            continue
        taken = chosen.setdefault(f.path, [])
        if taken and f.span.start < taken[-1].span.end:
            continue  # overlaps a fix already taken; the next run will see it again
        taken.append(f)
    return chosen


def apply_to_text(text: str, fixes: list[Finding]) -> str:
    parts, last = [], 0
    for f in fixes:
        parts.append(text[last:f.span.start])
        parts.append(f.fix.replacement)
        last = f.span.end
    parts.append(text[last:])
    return "".join(parts)


def apply_fixes(findings: list[Finding], digests: dict[str, str], *, unsafe: bool, write: bool,
                stdin: dict[str, bytes] | None = None) -> FixOutcome:
    outcome = FixOutcome()
    for path, fixes in choose_fixes(findings, unsafe).items():
        try:
            data = stdin[path] if stdin and path in stdin else _read(path)
        except OSError as exc:
            outcome.errors.append(f"{path}: not fixed: {exc.strerror or exc}")
            continue
        if content_hash(data) != digests.get(path):
            outcome.errors.append(f"{path}: not fixed: the file changed since it was checked")
            continue
        try:
            text, info = decode(data)
        except SourceError as exc:
            outcome.errors.append(f"{path}: not fixed: {exc}")
            continue
        try:
            lossless = encode(text, info) == data
        except UnicodeEncodeError:
            lossless = False
        if not lossless:
            outcome.errors.append(f"{path}: not fixed: its bytes do not survive a round trip through "
                                  f"{info.encoding}, so writing it could change text outside the fixes")
            continue
        new_text = apply_to_text(text, fixes)
        if new_text == text:
            continue
        outcome.new_texts[path] = new_text
        if not write:
            outcome.diffs.append("".join(difflib.unified_diff(
                text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                fromfile=f"a/{path}", tofile=f"b/{path}")))
            outcome.fixed.extend(fixes)
            continue
        if stdin and path in stdin:
            outcome.fixed.extend(fixes)
            continue
        try:
            new_data = encode(new_text, info)
        except UnicodeEncodeError:
            outcome.errors.append(f"{path}: not fixed: the fixed text cannot be written in {info.encoding}")
            continue
        error = write_atomically(path, new_data)
        if error:
            outcome.errors.append(f"{path}: not fixed: {error}")
        else:
            outcome.fixed.extend(fixes)
    return outcome


def _read(path: str) -> bytes:
    if not os.path.isfile(path):
        raise FileNotFoundError(0, "it is no longer a regular file")
    with open(path, "rb") as handle:
        return handle.read()


def write_atomically(path: str, data: bytes) -> str | None:
    """Write ``data`` over ``path`` by rename; returns an error message or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return exc.strerror or str(exc)
    # Mode bits, not os.access: as root, access() calls every file writable.
    if not mode & 0o222 or not os.access(path, os.W_OK):
        return "the file is read-only"
    directory = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".textsieve-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    return None
