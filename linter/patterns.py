"""Regular-expression building shared by the rules that match word lists."""

from __future__ import annotations

import re


def prefix_tree(words) -> str:
    """A pattern for any of ``words``, factored by prefix, so the regex engine follows one
    branch per character instead of trying every word at every place. A word that is a
    prefix of another is an optional tail (the engine backtracks to it). No words: a
    pattern that matches nothing."""
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree) if tree else "(?!)"
