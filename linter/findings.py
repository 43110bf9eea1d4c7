"""Findings: what a rule reports, independent of any output format."""

from __future__ import annotations

import bisect
import hashlib
import os
from dataclasses import dataclass, field

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Span:
    """A range in one file: 1-based lines and columns, counted in characters.

    ``start``/``end`` are 0-based character offsets into the decoded text;
    they are what fixes and fingerprints use. The end column is exclusive.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0


def position_in(line_starts, offset: int) -> tuple[int, int]:
    """1-based (line, column) of ``offset`` in a text whose lines start at the offsets
    ``line_starts`` (ascending, from 0: a list, a tuple or a numpy array)."""
    index = bisect.bisect_right(line_starts, offset) - 1
    return index + 1, offset - int(line_starts[index]) + 1


def span_in(path: str, line_starts, start: int, end: int) -> Span:
    """The span of offsets ``start``..``end`` of such a text: how every rule's offsets
    become lines and columns."""
    return Span(path, *position_in(line_starts, start), *position_in(line_starts, end), start, end)


@dataclass(frozen=True)
class Fix:
    """Replace the finding's span with ``replacement``.

    ``safe`` fixes are applied by ``--fix``; the others only with ``--unsafe-fixes``.
    """

    replacement: str
    safe: bool = True


@dataclass(frozen=True)
class Related:
    """Another place that belongs to a finding (the other copies of a duplicate)."""

    span: Span
    message: str = ""


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    severity: str
    span: Span
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    # The flagged source text: the fingerprint for baselines, independent of line numbers.
    text: str = field(default="", compare=False)

    @property
    def path(self) -> str:
        return self.span.path

    def sort_key(self) -> tuple:
        s = self.span
        return (s.path, s.line, s.column, self.code, s.end_line, s.end_column, self.message)


def fingerprint(finding: Finding) -> str:
    """Stable across edits that move lines: path, code and the normalised flagged text."""
    normalised = " ".join(finding.text.split()).lower()
    material = "\x1f".join((finding.path.replace(os.sep, "/"), finding.code, normalised))
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32]
