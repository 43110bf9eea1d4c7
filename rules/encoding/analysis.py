"""The ENC analysis: every issue of a document, made once and shared by the rules."""

from __future__ import annotations


from textsieve.rules.encoding.characters import character_issues
from textsieve.rules.encoding.entities import entity_issues
from textsieve.rules.encoding.issues import Issue
from textsieve.rules.encoding.mojibake import mojibake_issues
from textsieve.rules.encoding.not_utf8 import not_utf8_issues
from textsieve.rules.encoding.prose import Prose


def analyse(document, cache=None) -> list[Issue]:
    """Every ENC issue of ``document``, options aside (each rule applies its own), made
    once per document so that the eight rules share one pass."""
    return document.shared(("ENC", "issues"), lambda: _analyse(document, cache))


def _analyse(document, cache) -> list[Issue]:
    text = document.text
    prose = Prose(document)
    issues: list[Issue] = []
    if not text.isascii():
        issues.extend(mojibake_issues(document, prose, cache))
    taken = sorted((i.start, i.end) for i in issues)
    issues.extend(character_issues(document, prose, taken))
    if "&" in text:
        issues.extend(entity_issues(document, prose))
    issues.extend(not_utf8_issues(document))
    issues.sort(key=lambda i: (i.start, i.end, i.code))
    return issues
