"""ENC: encoding damage — mojibake, lost characters, stray control and invisible
characters, HTML entities left in plain text, and files that are not UTF-8.

Every rule of the family reads one shared analysis of the document, made once
per document by ``analyse``: each rule picks its own code out of it and applies
its own options, so a character is reported once, by the most specific rule (a
C1 character inside mojibake is ENC101, not ENC201 as well).

Mojibake is found by ftfy, and by a stricter fallback of our own for the
common cases ftfy's heuristic leaves alone (see ``_Codec``); repairs are
reported per damaged word, with ftfy's explanation of what happened.

Speed: pure-ASCII text skips the mojibake pass entirely (``str.isascii``);
other text goes through one fast two-character regex for a UTF-8 lead byte
followed by a continuation byte as some single-byte encoding shows them, and a
check that lead and continuation come from the *same* encoding; only the lines
that pass reach ftfy (imported lazily, on the first such line).
"""

from __future__ import annotations

import re

from textsieve.findings import Fix
from textsieve.rule import Option, Rule
from textsieve.rules.encoding.analysis import analyse


ALLOW = Option([], "Characters never reported by ENC201-ENC204, given as the character itself "
                   "or as 'U+00AD' (e.g. deliberate soft hyphens).", kind="list[str]")
INVISIBLE_ANYWHERE = Option(
    False, "ENC202: report invisible characters wherever they stand, not only inside words "
           "(still never where a script or an emoji sequence needs them).")
BIDI_MARKS = Option(
    False, "ENC204: also report the implicit direction marks LRM, RLM and ALM, which "
           "right-to-left text uses legitimately.")


def _allowed(values: list[str]) -> frozenset[str]:
    out = set()
    for value in values:
        m = re.fullmatch(r"(?:U\+|\\u|0x)?([0-9A-Fa-f]{4,6})", value.strip())
        if m and len(value.strip()) > 1:
            out.add(chr(int(m.group(1), 16)))
        else:
            out.update(value)
    return frozenset(out)


class _EncodingRule(Rule):
    options: dict = {}

    def check(self, document):
        allow = _allowed(self.settings.get("allow", []))
        for issue in analyse(document, self.cache):
            if issue.code != self.code:
                continue
            if not self.reports(issue):
                continue
            if allow and all(c in allow for c in document.text[issue.start:issue.end]):
                continue
            fix = Fix(issue.replacement, safe=issue.safe) if issue.replacement is not None else None
            yield self.finding(document, issue.start, issue.end, issue.message, fix=fix)

    def reports(self, issue) -> bool:
        """Whether the rule's options report an issue of its code."""
        return True


class Mojibake(_EncodingRule):
    """Mojibake: UTF-8 text that was decoded with the wrong encoding, such as `â€™` for `’`.

    ## What it flags
    Words whose characters are the bytes of UTF-8 read as Windows-1252, Latin-1,
    MacRoman, Windows-1250/1251/1253/1254/1257, ISO-8859-2 or code page 437,
    once or twice over ("double-encoded"): `centuryâ€™s`, `CafÃ©`, `Ã¢â‚¬â„¢`,
    `Ð¿Ñ€Ð¸Ð²ÐµÑ‚`, `K√∂nig`. The span is the damaged word (or run of damaged
    words), the message names the mix-up, and the fix is the repair. Detection
    is ftfy's, plus a stricter check of our own for mojibake ftfy leaves alone
    (`zostanÄ…`, `oluÅŸturuluyor`). Legitimate text that merely looks unusual
    (`SÃO PAULO`, `ROMÂNIA`, `NESTLÉ®`, `£€¥`) is left alone: a word is only
    repaired when its characters decode as valid UTF-8, it is implausible as
    written, and the decoded word is plausible.

    ## Why it matters
    Readers see garbage where a quotation mark or a letter should be, and
    search, spell checking and every later conversion inherit it.

    ## Example
    `the 21st centuryâ€™s security landscape`

    ## Instead
    `the 21st century’s security landscape`. The fix is safe when the repair is
    a plain UTF-8/Windows-1252 (or Latin-1) mix-up in a file that was valid
    UTF-8; repairs that involve other encodings, lost bytes or a restored
    no-break space are offered as unsafe fixes (`--unsafe-fixes`).

    ## Options
    None. Never reported inside code spans or code blocks.
    """

    code = "ENC101"
    name = "mojibake"
    severity = "error"
    fixable = True


class ReplacementCharacter(_EncodingRule):
    """U+FFFD replacement characters: text already lost in decoding.

    ## What it flags
    Each run of U+FFFD REPLACEMENT CHARACTER (`�`) in prose, unless it is part
    of mojibake that ENC101 reports, or stands alone on a line that talks about
    the character itself ("U+FFFD", "replacement character").

    ## Why it matters
    A decoder put `�` where it met bytes it could not read: the original
    character is gone, and only a person with the source can restore it.

    ## Example
    `Le caf� est pr�t.`

    ## Instead
    `Le café est prêt.` There is no automatic fix: the lost character is unknown.

    ## Options
    None.
    """

    code = "ENC102"
    name = "replacement-character"
    severity = "error"


class HtmlEntity(_EncodingRule):
    """HTML entities left in prose where the format does not decode them.

    ## What it flags
    In plain text and reStructuredText, which show entities literally: any valid
    HTML entity (`&#8217;`, `&eacute;`, `&amp;`, `&nbsp;`), including entities
    escaped more than once (`&amp;amp;`). In Markdown, which decodes one level of
    entities itself, only entities escaped twice (`&amp;amp;`, `&amp;#8217;`),
    which Markdown shows as `&amp;` and `&#8217;`. A `.txt` that holds HTML
    (closing tags) is HTML, and its entities are left alone.

    ## Why it matters
    The entity is a leftover of an HTML export or of escaping applied twice;
    readers see the code instead of the character.

    ## Example
    `It&#8217;s AT&amp;T&#8217;s network` in a `.txt` file.

    ## Instead
    `It’s AT&T’s network`. In plain text the fix writes the character and is
    safe, except for `&`, `<`, `>`, `"` and `'` standing alone (a text about
    HTML may mean the entity literally): those fixes are unsafe. In Markdown the
    fix (one level of escaping removed) is always unsafe, for the same reason.

    ## Options
    None. Never reported inside code spans, code blocks, URLs or HTML.
    """

    code = "ENC103"
    name = "html-entity"
    severity = "warning"
    fixable = True


class NotUtf8(_EncodingRule):
    """A file that is not valid UTF-8, with the encoding it was read as.

    ## What it flags
    A file whose bytes are not valid UTF-8. The finding stands at the first
    invalid byte (as decoded) and names the encoding that charset-normalizer
    detected, which the run used to read the file, with a command that converts
    from it (iconv's name for it; Python where iconv lacks it). A UTF-8 file with
    a few stray bytes pasted in from another encoding is read as UTF-8 with those
    bytes as Windows-1252, and the finding says to re-type them instead.

    ## Why it matters
    Tools that assume UTF-8 (most of them) will show or store this file as
    mojibake or reject it; the detected encoding is a statistical guess.

    ## Example
    `notes.txt:3:14: ENC104 file is not valid UTF-8 (byte 0xE9 at byte offset 57,
    shown here as 'é'); it was read as cp1252 (detected, a guess) ...`

    ## Instead
    Check that the text reads correctly, then convert the file to UTF-8, e.g.
    `iconv -f CP1252 -t UTF-8 notes.txt > notes.utf8.txt`. There is no
    automatic fix: the detected encoding may be wrong, and converting a whole
    file on a guess is a decision for a person.

    ## Options
    None.
    """

    code = "ENC104"
    name = "not-utf8"
    severity = "warning"


class ControlCharacter(_EncodingRule):
    """C0 and C1 control characters in prose.

    ## What it flags
    Control characters other than tab and line breaks: C0 (`\\x00`-`\\x1f`), DEL,
    C1 (`\\x80`-`\\x9f`), and terminal escape sequences (`\\x1b[31m`). A form feed
    on a line boundary in plain text (a page break) is left alone.

    ## Why it matters
    They are invisible or show as boxes, break parsers and diffs, and C1
    characters are almost always Windows-1252 punctuation read as Latin-1
    (`\\x93quoted\\x94` for `“quoted”`).

    ## Example
    `Press\\x07 the button` or `\\x93quoted\\x94`

    ## Instead
    `Press the button`, `“quoted”`. Deleting a C0 character and removing a
    terminal escape sequence are safe fixes; a vertical tab, form feed or
    separator becomes a space and a C1 character its Windows-1252 reading,
    both unsafe. SUB (`\\x1a`) and undefined C1 bytes mark a lost character
    and get no fix.

    ## Options
    `allow`: characters never reported.
    """

    code = "ENC201"
    name = "control-character"
    severity = "warning"
    options = {"allow": ALLOW}
    fixable = True


class InvisibleCharacter(_EncodingRule):
    """Invisible characters inside words: zero-width spaces, word joiners, soft hyphens.

    ## What it flags
    Zero-width space, zero-width (non-)joiner, word joiner, soft hyphen,
    combining grapheme joiner, invisible operators, Mongolian vowel separator and
    Hangul fillers standing between two letters or digits of Latin, Greek,
    Cyrillic or Armenian text; deprecated format characters anywhere; and
    Unicode tag characters outside an emoji flag sequence (hidden text). Never
    the joiners a script or an emoji sequence needs (ZWNJ in Persian, ZWJ in
    Indic scripts and in 👩‍💻), nor zero-width spaces in Thai, Khmer or Japanese,
    nor a soft hyphen placed where a compound may break, as German and
    Norwegian writers place them ("Entwicklungs\u00adserver": the only one in
    its word, between parts of four letters or more, the second in lower case).

    ## Why it matters
    An invisible character splits a word for search, spell checking and
    duplicate detection while looking identical; they arrive with copy-paste
    from web pages and word processors.

    ## Example
    `pass\\u200bword` (a zero-width space inside "password")

    ## Instead
    `password`. The fix deletes the characters and is safe: nothing visible
    changes.

    ## Options
    `invisible-anywhere`: also report them between words and at word edges.
    `allow`: characters never reported (e.g. `["U+00AD"]` to keep soft hyphens).
    """

    code = "ENC202"
    name = "invisible-character"
    severity = "warning"
    options = {"allow": ALLOW, "invisible-anywhere": INVISIBLE_ANYWHERE}

    def reports(self, issue) -> bool:
        return issue.kind != "between words" or self.settings["invisible-anywhere"]
    fixable = True


class StrayBom(_EncodingRule):
    """A byte-order mark (U+FEFF) anywhere but the start of the file.

    ## What it flags
    U+FEFF inside the text, usually where files were concatenated, or a second
    one right after the file's own byte-order mark.

    ## Why it matters
    It is invisible, but it is a character: it breaks headings, search and
    parsers that expect the text to start where it seems to.

    ## Example
    `end of part one.\\n\\ufeff# Part two`

    ## Instead
    Delete it (a safe fix).

    ## Options
    `allow`.
    """

    code = "ENC203"
    name = "stray-bom"
    severity = "warning"
    options = {"allow": ALLOW}
    fixable = True


class BidiControl(_EncodingRule):
    """Bidirectional control characters: the "Trojan Source" class.

    ## What it flags
    The overrides LRO and RLO (U+202D, U+202E) anywhere in prose; the
    embeddings and isolates (U+202A-U+202C, U+2066-U+2069) in documents with no
    right-to-left script, where nothing needs them (Arabic, Hebrew and Persian
    text use them to hold left-to-right runs); with `bidi-marks`, also the
    marks LRM, RLM and ALM.

    ## Why it matters
    They change the order in which text is displayed, so a reader (or a
    reviewer) sees something other than what is written: the trick behind
    "Trojan Source" (CVE-2021-42574) and spoofed file names.

    ## Example
    `Pay to: \\u202eredro_evil.exe`

    ## Instead
    Delete them. The fix is unsafe: right-to-left text may need them.

    ## Options
    `bidi-marks`: also report LRM, RLM and ALM. `allow`.
    """

    code = "ENC204"
    name = "bidi-control"
    severity = "error"
    options = {"allow": ALLOW, "bidi-marks": BIDI_MARKS}

    def reports(self, issue) -> bool:
        return issue.kind != "marks" or self.settings["bidi-marks"]
    fixable = True


RULES = [Mojibake, ReplacementCharacter, HtmlEntity, NotUtf8, ControlCharacter,
         InvisibleCharacter, StrayBom, BidiControl]
