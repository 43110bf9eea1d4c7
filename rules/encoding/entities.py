"""ENC103: HTML entities left in text that shows them literally."""

from __future__ import annotations

import re

from textsieve.rules.encoding.issues import Issue
from textsieve.rules.encoding.prose import Prose
from textsieve.rules.encoding.tables import char_name, show


_ENTITY_RE = re.compile(r"&((?:amp;)*)(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MARKUP_CHARS = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_CLOSING_TAG_RE = re.compile(r"</[A-Za-z][A-Za-z0-9]*\s*>")


def entity_issues(document, prose: Prose) -> list[Issue]:
    import html

    text = document.text
    markdown = document.format == "markdown"
    if not markdown and len(_CLOSING_TAG_RE.findall(text, 0, 200_000)) >= 2:
        return []  # HTML kept in a .txt (a template, a snippet): its entities are HTML's
    issues = []
    for m in _ENTITY_RE.finditer(text):
        depth = len(m.group(1)) // 4
        if markdown and depth == 0:
            continue  # Markdown decodes a single entity: it is fine there
        entity = f"&{m.group(2)};"
        char = html.unescape(entity)
        if char == entity or not prose.visible(m.start()):
            continue
        if markdown:
            # Markdown shows '&amp;amp;' as '&amp;': one level too many.
            replacement = _MARKUP_CHARS.get(char, char)
            issues.append(Issue(
                "ENC103", m.start(), m.end(),
                f"'{m.group(0)}' is an HTML entity escaped twice: Markdown shows it as "
                f"'{show(m.group(0)[:1] + m.group(0)[5:])}'; write '{show(replacement)}'",
                replacement, False))
            continue
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        between_words = before.isalnum() and after.isalnum()
        safe = char not in "&<>\"'" or between_words
        shown = show(char) if char.isprintable() and not char.isspace() else char_name(char)
        twice = " (escaped more than once)" if depth else ""
        issues.append(Issue(
            "ENC103", m.start(), m.end(),
            f"'{m.group(0)}' is an HTML entity{twice} in {_FORMAT_NAMES[document.format]}, "
            f"which does not decode entities; write '{shown}'", char, safe))
    return issues


_FORMAT_NAMES = {"text": "plain text", "rst": "reStructuredText", "markdown": "Markdown"}
