"""Rules of the engine itself (TS): files it could not check, unused suppressions,
and a repeated word, the one prose rule that needs nothing but the text."""

from __future__ import annotations

import re

from textsieve.findings import Fix
from textsieve.rule import Rule


class FileNotChecked(Rule):
    """A file was named or found but could not be checked.

    ## What it flags
    A file that is unreadable (permissions), binary (it holds NUL bytes), larger
    than `max-file-size`, or reached through a symbolic-link loop.

    ## Why it matters
    A linter that silently skips a file lets its problems through; this says which
    file was left out and why.

    ## Example
    `docs/logo.md:1:1: TS002 file not checked: binary content (a NUL byte at byte 12)`

    ## Instead
    Fix the permissions, exclude the file (`exclude = ["docs/logo.md"]`), or raise
    `max-file-size`.

    ## Options
    `max-file-size` (in `[tool.textsieve]`): the largest file read, in bytes.
    """

    code = "TS002"
    name = "file-not-checked"
    severity = "warning"


class UnusedSuppression(Rule):
    """An inline `textsieve: disable…` comment that suppressed nothing.

    ## What it flags
    A `disable`, `disable-next-line` or `disable-file` directive (or one of its
    codes) under which no finding was suppressed in this run.

    ## Why it matters
    Stale suppressions hide future problems and tell readers of the source that
    a problem exists where there is none.

    ## Example
    `<!-- textsieve: disable-next-line VAG101 -->` above a line with no vague claim.

    ## Instead
    Delete the comment, or the codes in it that no longer match anything.

    ## Options
    None. Off by default: select it with `--extend-select TS001`. Codes of rules
    that did not run in this invocation are never reported as unused.
    """

    code = "TS001"
    name = "unused-suppression"
    severity = "info"
    default_enabled = False


_REPEATED = re.compile(r"\b(\w+)(\s+)(\1)\b", re.IGNORECASE)
# Doubled words that are grammatical English ("that that", "had had") or names.
_ALLOWED_REPEATS = frozenset({"that", "had", "is", "do", "can", "bye", "no", "yes", "very",
                              "so", "ha", "wow", "chop", "knock", "tut", "pooh", "dum", "la"})


class RepeatedWord(Rule):
    """The same word twice in a row, as in "the the".

    ## What it flags
    A word immediately repeated within a sentence, ignoring case, where the
    repetition is not grammatical ("that that" and "had had" are left alone).
    Numbers are ignored.

    ## Why it matters
    A doubled word is nearly always an editing slip, most often across a line
    break where the eye misses it.

    ## Example
    "Read the the guide."

    ## Instead
    "Read the guide." The fix deletes the second word.

    ## Options
    None.
    """

    code = "TS003"
    name = "repeated-word"
    severity = "warning"
    fixable = True

    def check(self, document):
        for segment in document.segments:
            for match in _REPEATED.finditer(segment.text):
                word = match.group(1)
                if word.lower() in _ALLOWED_REPEATS or word.isdigit() or len(word) == 1 and word != "a":
                    continue
                if match.group(1) != match.group(3) and not match.group(3).islower():
                    continue  # "Will will": a name and a verb
                # The fix keeps the first word; across a line break it would join lines, so
                # it is offered but not applied by --fix alone.
                fix = Fix(match.group(1), safe="\n" not in match.group(2))
                yield self.finding(document, segment.start + match.start(1),
                                   segment.start + match.end(3), f"'{word}' is repeated", fix=fix)


RULES = [FileNotChecked, UnusedSuppression, RepeatedWord]
