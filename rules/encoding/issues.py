"""What the ENC analysis finds: an issue per problem, at document offsets."""

from __future__ import annotations

from dataclasses import dataclass


# Bump when the analysis changes what it reports: it is part of the cache key.
ANALYSIS_VERSION = 1


@dataclass(frozen=True)
class Issue:
    """One problem found by the analysis, at document offsets ``start``..``end``."""

    code: str
    start: int
    end: int
    message: str
    replacement: str | None = None
    safe: bool = False
    # What the analysis saw beyond the code, for a rule's options to judge: "marks" (bidi
    # marks alone, ENC204), "between words" (an invisible character outside a word, ENC202).
    kind: str = ""
