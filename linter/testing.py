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


def documented_examples(rule: type[Rule]) -> tuple[list[str], list[str]]:
    """The example texts of a rule's documentation: those of its ``## Example`` section and
    those of its ``## Instead`` section. An example is a double-quoted sentence, or, when
    the section opens with backticks, the backticked texts of its first sentence."""
    import re

    def section(name: str) -> str:
        found = re.search(rf"^## {name}\n(.*?)(?=^## |\Z)", rule.documentation(), re.S | re.M)
        return found.group(1).strip() if found else ""

    def texts(body: str) -> list[str]:
        if body.startswith("`"):
            first = re.match(r"(?:`[^`]*`|[^`.])*", body).group(0)
            return re.findall(r"`([^`]+)`", first)
        return [" ".join(q.split()) for q in re.findall(r'"(.+?)"', body, re.S)][:1]

    return texts(section("Example")), texts(section("Instead"))


def check_documented_examples(rule: type[Rule], path: str = "doc.md") -> list[str]:
    """What is wrong with a per-document rule's documented examples, for a plugin's tests
    (``assert check_documented_examples(MyRule) == []``): each Example text must give a
    finding of the rule's code, each Instead text none, and there must be one of each."""
    examples, instead = documented_examples(rule)
    problems = []
    if not examples:
        problems.append(f"{rule.code}: no example in its '## Example' section")
    if not instead:
        problems.append(f"{rule.code}: no example in its '## Instead' section")
    for text in examples:
        if not any(f.code == rule.code for f in run_rule(rule, text + "\n", path)):
            problems.append(f"{rule.code}: its Example gives no finding: {text!r}")
    for text in instead:
        found = [f for f in run_rule(rule, text + "\n", path) if f.code == rule.code]
        if found:
            problems.append(f"{rule.code}: its Instead gives a finding: {text!r}: {found[0].message}")
    return problems
