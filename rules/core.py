"""Rules of the engine itself (TS): files it could not check, unused suppressions,
and a repeated word, the one prose rule that needs nothing but the text."""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import NamedTuple

from textsieve.findings import Finding, Fix, Span
from textsieve.rule import Rule, RunRule


class FileNotChecked(RunRule):
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

    def not_checked(self, path: str, why: str, *, what: str = "file") -> list[Finding]:
        return [self.finding_at(Span(path, 1, 1, 1, 1), f"{what} not checked: {why}", text=why)]


class UnusedSuppression(RunRule):
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

    def unused_suppression(self, path: str, directive, code: str) -> list[Finding]:
        what = f"'{code}'" if code else "it"
        width = directive.end - directive.start
        span = Span(path, directive.line, directive.column, directive.line, directive.column + width,
                    directive.start, directive.end)
        return [self.finding_at(span, f"unused suppression: {directive.action} {what} suppressed no finding",
                                text=f"{directive.action} {code}")]


# A word glued to the one before by one of these is part of an identifier ("rst:directive").
_GLUE = frozenset("_-:/.@#$%&=+\\")
# A word: letters and digits, joined by inner hyphens and apostrophes ("array-wrap" is
# not "array", "segunda-feira" not "segunda").
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# A word followed by itself, found cheaply (masked text is spaces there); the run it
# starts is then read word by word, each pair judged on what stood between them.
# Where Python has possessive quantifiers (3.11), the word is taken whole: a shorter
# part of it is followed by a word character, never by the white space the pattern
# needs, so backtracking into it finds nothing.
_CANDIDATE = re.compile(r"\b(\w++)\s+\1\b" if sys.version_info >= (3, 11) else r"\b(\w+)\s+\1\b",
                        re.IGNORECASE)
# Doubled words that are grammatical ("that that", "had had", "long long", German "die
# die" and "sie sie", French "vous vous", Italian "sia sia") or intensifiers ("very very",
# "many many").
_ALLOWED_REPEATS = frozenset({"that", "had", "is", "do", "can", "bye", "no", "yes", "very",
                              "so", "ha", "wow", "chop", "knock", "tut", "pooh", "dum", "la",
                              "many", "long", "double", "template", "der", "die", "das", "den",
                              "dem", "sie", "nous", "vous", "sia"})
# Scripts whose writers double words by grammar (Hindi "कभी कभी", Bengali "কখনও কখনও":
# sometimes) or spell out Latin letters ("آر إس إس": RSS): Arabic and the Indic blocks.
_REDUPLICATING = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff"
                            "\ufe70-\ufeff\u0900-\u0dff]")
# What str.splitlines() breaks at: a gap holding one is a line break, whatever the segment shows.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_LINE_BREAK_RE = re.compile("[" + "".join(sorted(_LINE_BREAKS)) + "]")
_ARTICLES = frozenset({"the", "a", "an"})
_SENTENCE_END = frozenset(".!?:;…。！？")
_CLOSERS = "'\"’”)]*_ \t\n"


class _Word(NamedTuple):
    start: int  # segment-relative
    end: int
    text: str


def _opens_sentence(text: str) -> bool:
    """Whether a word after ``text`` (the segment before it) opens a sentence."""
    text = text.rstrip().rstrip(_CLOSERS)
    return not text or text[-1] in _SENTENCE_END


def _joins(ch: str) -> bool:
    """Whether ``ch`` continues a word (a letter or digit, or a combining mark)."""
    return ch.isalnum() or ch == "_" or unicodedata.category(ch)[0] == "M"


class RepeatedWord(Rule):
    """The same word twice in a row, as in "the the".

    ## What it flags
    A word immediately repeated within a sentence, ignoring case, where the
    repetition is not grammatical ("that that" and "had had" are left alone).
    Numbers are ignored, and so are a capitalised pair that does not open a
    sentence ("by Lin Lin") and a pair whose case differs unless the first
    word opens a sentence ("The the", but not German "dass Sie sie"). Words
    with code, a URL, a link target or other markup between them are not
    adjacent ("Set it to `false` to disable", "the node *node*"), and nor are
    words of Arabic or Indic scripts, whose writers double words by grammar.
    A word in capitals before the same word in lower case is a keyword or an
    acronym beside the word ("AND and NOT patterns"), and five words or fewer
    in quotation marks are mentioned, not used ("clearer than "not not x"").
    A run ("the the the") is one finding.

    ## Why it matters
    A doubled word is nearly always an editing slip, most often across a line
    break where the eye misses it.

    ## Example
    "Read the the guide."

    ## Instead
    "Read the guide." The fix keeps the first word. It is applied by `--fix`
    only where the words and the space between them are plain prose on one
    line; across a line break or markup it is offered for `--unsafe-fixes`,
    and so it is for a doubled first word of a sentence other than an article
    ("It it turns out" was "If it turns out", "It it not" was "It is not").

    ## Options
    None.
    """

    code = "TS003"
    name = "repeated-word"
    severity = "warning"
    fixable = True

    def check(self, document):
        for segment in document.segments:
            text = segment.text
            match = _CANDIDATE.search(text)
            while match is not None:
                words = []
                for w in _WORD.finditer(text, match.start()):
                    if words and (w.group().lower() != words[0].text.lower()
                                  or text[words[-1].end:w.start()].strip()):
                        break
                    words.append(_Word(w.start(), w.end(), w.group()))
                i = 0
                while i < len(words):
                    j = i
                    while j + 1 < len(words) and self._adjacent(document, segment, words[j], words[j + 1]):
                        j += 1
                    if j > i:
                        finding = self._finding(document, segment, words[i:j + 1])
                        if finding is not None:
                            yield finding
                    i = j + 1
                match = _CANDIDATE.search(text, max(words[-1].end, match.end()))

    @staticmethod
    def _adjacent(document, segment, first, second) -> bool:
        """Whether ``second`` repeats ``first`` with nothing but space between them."""
        a, b = first.text, second.text
        if a.lower() != b.lower() or a.isdigit() or (len(a) == 1 and a.lower() != "a"):
            return False
        if a[0].isupper() or a != b:
            # "The the" opens a sentence; mid-sentence "Lin Lin" is a name and "dass Sie
            # sie" a pronoun and its namesake; "AND and" a keyword and the word.
            if not _opens_sentence(segment.text[:first.start]) or a != b and (
                    not b.islower() or len(a) > 1 and a.isupper()):
                return False
        if _REDUPLICATING.match(a):
            return False
        base = segment.start
        text = document.text
        gap_start, gap_end = first.end, second.start
        if segment.opaque_between(gap_start, gap_end):
            return False
        # Only space in the source too: markup between the words ("the node *node*",
        # "[*Astro Docs* Docs]") sets one apart as a name; a blockquote's "> " after a
        # line break is the one markup allowed.
        lines = _LINE_BREAK_RE.split(text[base + gap_start:base + gap_end])
        if lines[0].strip() or any(line.lstrip(" \t>").strip() for line in lines[1:]):
            return False
        # A word cut out of a longer one by a mark or joiner the pattern does not take, or
        # the end of an identifier ("rst:directive directive").
        start, end = base + first.start, base + second.end
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if _joins(before) or _joins(after):
            return False
        return not (before in _GLUE and start > 1 and _joins(text[start - 2])
                    or after in _GLUE and end + 1 < len(text) and _joins(text[end + 1]))

    def _finding(self, document, segment, run):
        word = run[0].text
        if word.lower() in _ALLOWED_REPEATS and len(run) == 2:
            return None
        if _in_short_quote(segment.text, run[0].start, run[-1].end):
            return None  # "not not x": words mentioned, not used
        keep = run[1] if word.lower() in _ALLOWED_REPEATS else run[0]  # "is is is": "is is"
        start, end = run[0].start, run[-1].end
        base = segment.start
        span = document.text[base + start:base + end]
        breaks = any(ch in _LINE_BREAKS for ch in span)
        fix = None
        # A doubled first word of a sentence is often another word mistyped ("It it
        # turns out": "If it"), an article seldom ("The the"): only the article's fix is safe.
        opening = word[0].isupper() and word.lower() not in _ARTICLES
        if segment.is_prose(start, end) and not breaks:
            fix = Fix(span[:keep.end - start], safe=not opening)
        elif breaks and _prose_but_line_breaks(document, segment, start, end) and not any(
                document.text[base + x.end:base + y.start].strip() for x, y in zip(run, run[1:])):
            # Across a line break the fix would join the lines: offered, not applied by --fix
            # alone, and not where the next line's indentation is markup.
            fix = Fix(span[:keep.end - start], safe=False)
        return self.finding(document, base + start, base + end, f"'{word}' is repeated", fix=fix)


# A short quotation: a few words quoted are mentioned, an expression or an example
# ('"not not x" is clearer'), not the writer's own sentence.
_SHORT_QUOTE = re.compile(r'"[^"\n]{1,80}"|“[^”\n]{1,80}”|«[^»\n]{1,80}»')
SHORT_QUOTE_WORDS = 5


def _in_short_quote(text: str, start: int, end: int) -> bool:
    if '"' not in text and "“" not in text and "«" not in text:
        return False
    return any(m.start() < start and end < m.end() and len(m.group().split()) <= SHORT_QUOTE_WORDS
               for m in _SHORT_QUOTE.finditer(text))


def _prose_but_line_breaks(document, segment, start: int, end: int) -> bool:
    """Whether ``start``..``end`` is prose but for its line breaks (hidden in a segment):
    a fix that joins lines may delete those, never a continuation line's indentation."""
    if segment.opaque_between(start, end):
        return False
    revealed, text, base = segment.revealed, document.text, segment.start
    return revealed is None or all(revealed[k] or text[base + k] in _LINE_BREAKS
                                   for k in range(start, end))


RULES = [FileNotChecked, UnusedSuppression, RepeatedWord]
