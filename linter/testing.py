"""Helpers for testing rules (ours and plugins'): build documents, run one rule."""

from __future__ import annotations

from textsieve.document import Document, format_for
from textsieve.findings import Finding
from textsieve.rule import Rule


def make_document(text: str, path: str = "doc.md") -> Document:
    return Document(path, text, format_for(path) or "text")


def run_rule(rule: type[Rule] | Rule, text: str, path: str = "doc.md", **settings) -> list[Finding]:
    """Findings of one per-document rule on ``text`` (options as keyword arguments,
    with underscores for dashes)."""
    instance = rule if isinstance(rule, Rule) else rule(_settings(settings))
    return sorted(instance.check(make_document(text, path)), key=Finding.sort_key)


def run_corpus_rule(rule: type[Rule] | Rule, texts: dict[str, str], **settings) -> list[Finding]:
    """Findings of one corpus rule on documents given as ``{path: text}``."""
    instance = rule if isinstance(rule, Rule) else rule(_settings(settings))
    collected = [(path, instance.collect(make_document(text, path))) for path, text in texts.items()]
    return sorted(instance.check_corpus(collected), key=Finding.sort_key)


def _settings(settings: dict) -> dict:
    return {key.replace("_", "-"): value for key, value in settings.items()}
