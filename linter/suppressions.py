"""Inline control comments: which findings they suppress, and which suppressed nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from textsieve.segments import Directive
from textsieve.findings import Finding


def _matches(codes, code: str) -> bool:
    return not codes or any(code.startswith(c) for c in codes)


@dataclass
class _Range:
    directive: Directive
    codes: frozenset[str]  # empty: every code
    first_line: int
    last_line: int  # inclusive
    exempt: set[str] = field(default_factory=set)  # codes re-enabled inside an all-codes range

    def covers(self, finding: Finding) -> bool:
        return (self.first_line <= finding.span.line <= self.last_line
                and _matches(self.codes, finding.code)
                and not any(finding.code.startswith(c) for c in self.exempt))


class Suppressions:
    """The suppression state of one document, built from its directives."""

    def __init__(self, directives: list[Directive], line_count: int):
        self.ranges: list[_Range] = []
        open_ranges: list[_Range] = []
        for d in sorted(directives, key=lambda d: d.start):
            codes = frozenset(d.codes)
            if d.action == "disable-file":
                self.ranges.append(_Range(d, codes, 1, line_count))
            elif d.action == "disable-next-line":
                self.ranges.append(_Range(d, codes, d.line + 1, d.line + 1))
            elif d.action == "disable":
                rng = _Range(d, codes, d.line + 1, line_count)
                open_ranges.append(rng)
                self.ranges.append(rng)
            elif d.action == "enable":
                still_open = []
                for rng in open_ranges:
                    if not codes:
                        rng.last_line = d.line
                    elif rng.codes:
                        remaining = rng.codes - codes
                        rng.last_line = d.line
                        if remaining:
                            rest = _Range(rng.directive, frozenset(remaining), d.line + 1, line_count)
                            self.ranges.append(rest)
                            still_open.append(rest)
                    else:
                        rest = _Range(rng.directive, rng.codes, d.line + 1, line_count, rng.exempt | set(codes))
                        rng.last_line = d.line
                        self.ranges.append(rest)
                        still_open.append(rest)
                open_ranges = still_open
        self.used: set[tuple[int, str]] = set()  # (directive start offset, code or "")

    def suppresses(self, finding: Finding) -> bool:
        hit = False
        for rng in self.ranges:
            if rng.covers(finding):
                hit = True
                matched = [c for c in rng.codes if finding.code.startswith(c)] or [""]
                self.used.update((rng.directive.start, c) for c in matched)
        return hit

    def unused(self, ran_codes: set[str]) -> list[tuple[Directive, str]]:
        """Directives (and their codes) that suppressed nothing, among rules that ran."""
        out = []
        seen = set()
        for rng in self.ranges:
            d = rng.directive
            if d.action == "enable" or d.start in seen:
                continue
            seen.add(d.start)
            for code in d.codes or ("",):
                if (d.start, code) in self.used:
                    continue
                if code and not any(c.startswith(code) for c in ran_codes):
                    continue  # that rule did not run: we cannot tell
                out.append((d, code))
        return out
