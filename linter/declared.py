"""Rules declared as data: ``[[tool.textsieve.rule]]`` tables and Vale style folders.

A declared rule has Vale's shape (``extends``, ``message``, ``level``, ``tokens``,
``swap``, ``ignorecase``, ``nonword``, ``scope``, ``exceptions``) plus a textsieve
code, and runs on textsieve's own prose segments, so code, URLs, links and markup
are never matched. Six of Vale's check types are read: ``existence`` (a token
appears), ``substitution`` (a token has a preferred form, which is the fix),
``occurrence`` (a token appears more than ``max`` or fewer than ``min`` times in
a scope: sentences, paragraphs, headings), ``repetition`` (the same token twice
in a row), ``consistency`` (both spellings of an ``either`` pair in one
document: the one used second is reported) and ``capitalization`` (a heading or
other scope not in ``$sentence``, ``$lower`` or ``$upper`` case, or not matching
a pattern). A Vale style folder of YAML rules is read the same way; its rules of
other types (and ``capitalization`` with ``$title``) are left out and named.

Each declaration becomes a ``Rule`` subclass made here; its instances pickle as
their declaration, so worker processes build the same class again.
"""

from __future__ import annotations

import os
import re
from typing import Any

from textsieve.findings import Fix
from textsieve.patterns import prefix_tree
from textsieve.rule import CODE_RE, NAME_RE, Rule

TYPES = ("existence", "substitution", "occurrence", "repetition", "consistency", "capitalization")
OTHER_VALE_TYPES = ("conditional", "spelling", "readability", "sequence", "metric", "script")
LEVELS = {"suggestion": "info", "info": "info", "warning": "warning", "error": "error"}
# Vale's scopes that textsieve's segments answer, and the segment kinds each covers.
SCOPES = {"text": None, "sentence": None, "paragraph": {"paragraph"}, "heading": {"heading"},
          "list": {"list_item"}, "table": {"table_cell"}, "table.cell": {"table_cell"},
          "blockquote": {"blockquote"}}
HEADING_LEVEL = re.compile(r"^heading\.h([1-6])$")
KEYS = {"code", "name", "extends", "message", "level", "ignorecase", "nonword", "scope", "tokens",
        "swap", "exceptions", "description", "link", "safe-fix", "vale", "raw", "append",
        "token", "max", "min", "alpha", "either", "match", "indicators", "threshold", "style"}
VALE_ONLY_KEYS = {"action", "vocab", "limit"}  # read where they change nothing


class DeclarationError(ValueError):
    """A declared rule that cannot be built; the message names the rule and the key."""


def _strings(value: Any, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise DeclarationError(f"{where} '{key}' must be a list of strings")
    return list(value)


def _compile(pattern: str, flags: int, where: str, what: str) -> re.Pattern:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise DeclarationError(f"{where} {what} is not a regular expression Python reads: {exc}") from None


def normalise(spec: dict, where: str) -> dict:
    """The declaration checked and in one canonical shape (what the class is built from,
    and what a worker receives)."""
    unknown = set(spec) - KEYS - VALE_ONLY_KEYS
    if unknown:
        raise DeclarationError(f"{where} unknown key '{sorted(unknown)[0]}' "
                               f"(keys: {', '.join(sorted(KEYS - {'vale'}))})")
    code = spec.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise DeclarationError(f"{where} 'code' must be 2-5 capitals and 3 digits, such as \"STY001\"")
    where = f"{where} rule {code}:"
    extends = spec.get("extends")
    if extends not in TYPES:
        later = " (Vale's other check types are not read yet)" if extends in OTHER_VALE_TYPES else ""
        raise DeclarationError(f"{where} 'extends' must be one of {', '.join(TYPES)}, got {extends!r}{later}")
    name = spec.get("name", f"declared-{code.lower()}")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise DeclarationError(f"{where} 'name' must be kebab-case, such as \"avoid-jargon\"")
    message = spec.get("message")
    if not isinstance(message, str) or not message.strip():
        raise DeclarationError(f"{where} 'message' is missing (Vale's %s stands for the matched text)")
    level = spec.get("level", "warning")
    if level not in LEVELS:
        raise DeclarationError(f"{where} 'level' must be one of {', '.join(LEVELS)}, got {level!r}")
    for key in ("ignorecase", "nonword", "safe-fix", "append"):
        if not isinstance(spec.get(key, False), bool):
            raise DeclarationError(f"{where} '{key}' must be true or false")
    scopes = _strings(spec.get("scope", "text"), "scope", where)
    for scope in scopes:
        if scope not in SCOPES and not HEADING_LEVEL.match(scope):
            raise DeclarationError(f"{where} scope {scope!r} is not one textsieve reads "
                                   f"({', '.join(SCOPES)}, heading.h1 ... heading.h6)")
    out = {"code": code, "name": name, "extends": extends, "message": message, "level": level,
           "ignorecase": spec.get("ignorecase", False), "nonword": spec.get("nonword", False),
           "scope": scopes, "exceptions": _strings(spec.get("exceptions", []), "exceptions", where),
           "description": str(spec.get("description", "")), "link": str(spec.get("link", "")),
           "safe-fix": spec.get("safe-fix", False), "vale": str(spec.get("vale", "")),
           "append": spec.get("append", False)}
    flags = re.IGNORECASE if out["ignorecase"] else 0
    if extends == "existence":
        tokens = _strings(spec.get("tokens", []), "tokens", where)
        raw = "".join(_strings(spec.get("raw", []), "raw", where))  # Vale: pieces of one pattern
        if not tokens and not raw:
            raise DeclarationError(f"{where} an existence rule needs 'tokens'")
        out["tokens"], out["raw"] = tokens, raw
        for token in tokens:
            _compile(token, flags, where, f"token {token!r}")
        if raw:
            _compile(raw, flags, where, f"raw pattern {raw!r}")
    elif extends == "occurrence":
        token = spec.get("token")
        if not isinstance(token, str) or not token:
            raise DeclarationError(f"{where} an occurrence rule needs 'token', a pattern to count")
        _compile(token, flags, where, f"token {token!r}")
        out["token"] = token
        out["max"], out["min"] = _count(spec, "max", where), _count(spec, "min", where)
        if not out["max"] and not out["min"]:
            raise DeclarationError(f"{where} an occurrence rule needs 'max' or 'min' above 0")
    elif extends == "repetition":
        tokens = _strings(spec.get("tokens", []), "tokens", where)
        if not tokens:
            raise DeclarationError(f"{where} a repetition rule needs 'tokens'")
        _compile("|".join(tokens), flags, where, "tokens")
        out["tokens"], out["max"] = tokens, _count(spec, "max", where)
        if not isinstance(spec.get("alpha", False), bool):
            raise DeclarationError(f"{where} 'alpha' must be true or false")
        out["alpha"] = spec.get("alpha", False)
    elif extends == "consistency":
        either = spec.get("either")
        if not (isinstance(either, dict) and either and all(isinstance(k, str) and isinstance(v, str)
                                                            for k, v in either.items())):
            raise DeclarationError(f"{where} a consistency rule needs 'either', a table of "
                                   "\"one spelling\" = \"the other\"")
        for key, value in either.items():
            _compile(key, flags, where, f"either key {key!r}")
            _compile(value, flags, where, f"either value {value!r}")
        out["either"] = dict(either)
    elif extends == "capitalization":
        match = spec.get("match")
        if not isinstance(match, str) or not match:
            raise DeclarationError(f"{where} a capitalization rule needs 'match' "
                                   "($sentence, $lower, $upper or a pattern)")
        if match == "$title":
            raise DeclarationError(f"{where} match $title is not read yet "
                                   "($sentence, $lower, $upper and patterns are)")
        if not match.startswith("$"):
            _compile(match, 0, where, f"match {match!r}")
        elif match not in CASES:
            raise DeclarationError(f"{where} match {match!r} is not one of {', '.join(CASES)}, or a pattern")
        threshold = spec.get("threshold", 0.8)
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
            raise DeclarationError(f"{where} 'threshold' must be a number above 0, at most 1")
        out["match"], out["threshold"] = match, float(threshold)
        out["indicators"] = _strings(spec.get("indicators", []), "indicators", where)
        if out["exceptions"]:
            _compile("|".join(out["exceptions"]), 0, where, "exceptions")
    else:
        swap = spec.get("swap")
        if not (isinstance(swap, dict) and swap and all(isinstance(k, str) and isinstance(v, str)
                                                        for k, v in swap.items())):
            raise DeclarationError(f"{where} a substitution rule needs 'swap', a table of "
                                   "\"matched\" = \"preferred\"")
        out["swap"] = dict(swap)
        for key in swap:
            _compile(key, flags, where, f"swap key {key!r}")
    return out


CASES = ("$sentence", "$lower", "$upper")


def _count(spec: dict, key: str, where: str) -> int:
    value = spec.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DeclarationError(f"{where} '{key}' must be a whole number, 0 or more")
    return value


def _bounded(pattern: str, nonword: bool) -> str:
    return f"(?:{pattern})" if nonword else rf"\b(?:{pattern})\b"


class DeclaredRule(Rule):
    """The base of every declared rule; ``spec`` is its normalised declaration."""

    spec: dict = {}

    def __init__(self, settings: dict[str, Any] | None = None):
        super().__init__(settings)
        # The declaration is part of the settings, so the cache key changes with it.
        self.settings["declaration"] = repr(sorted(self.spec.items()))
        flags = re.IGNORECASE if self.spec["ignorecase"] else 0
        self._exceptions = {e.casefold() if flags else e for e in self.spec["exceptions"]}
        nonword = self.spec["nonword"]
        fold = str.casefold if flags else str
        # (pattern, by_text, by_group): a substitution's preferred form by the matched text
        # (literal keys) or by the key's group number; both None for existence.
        self._patterns: list[tuple[re.Pattern, dict | None, dict | None]] = []
        if self.spec["extends"] not in ("existence", "substitution"):
            pass  # the other types compile their own patterns
        elif self.spec["extends"] == "existence" and self.spec["raw"]:
            # As Vale builds it: raw's pieces as written, then the tokens as one word-bounded
            # group (after raw, or before it with append).
            group = _bounded("|".join(self.spec["tokens"]), nonword) if self.spec["tokens"] else ""
            pattern = group + self.spec["raw"] if self.spec["append"] else self.spec["raw"] + group
            self._patterns.append((_compile(pattern, flags, self.code, "tokens"), None, None))
        elif self.spec["extends"] == "existence":
            plain = [t for t in self.spec["tokens"] if _literals(t) is None]
            words = [w for t in self.spec["tokens"] for w in _literals(t) or ()]
            if words:
                self._patterns.append((_compile(_bounded(prefix_tree(words), nonword), flags, self.code, "tokens"),
                                       None, None))
            if plain:
                self._patterns.append((_compile(_bounded("|".join(plain), nonword), flags, self.code, "tokens"),
                                       None, None))
        else:
            # Literal keys (most of a long swap list) in one prefix tree, the matched text
            # naming its key; the other keys in one pattern, each in a group of its own, as
            # Vale builds it, the group naming the key.
            literal: dict[str, str] = {}
            groups, by_group, index = [], {}, 1
            for key, value in self.spec["swap"].items():
                forms = _literals(key)
                if forms:
                    for form in forms:
                        literal.setdefault(fold(form), value)
                    continue
                groups.append(f"({key})")
                by_group[index] = value
                index += 1 + re.compile(key, flags).groups
            if literal:
                self._patterns.append((_compile(_bounded(prefix_tree(list(literal)), nonword), flags, self.code,
                                                "swap"), literal, None))
            if groups:
                self._patterns.append((_compile(_bounded("|".join(groups), nonword), flags, self.code, "swap"),
                                       None, by_group))
        self._fold = fold
        kinds: set[str] | None = set()
        levels: set[int] = set()  # heading.h2 and its kin: headings of these levels only
        for scope in self.spec["scope"]:
            heading = HEADING_LEVEL.match(scope)
            if heading:
                levels.add(int(heading.group(1)))
            elif SCOPES[scope] is None:
                kinds = None
                break
            else:
                kinds |= SCOPES[scope]
        self._kinds, self._levels = kinds, levels

    def __reduce__(self):
        return (_rebuild, (self.spec, self.settings))

    def _in_scope(self, segment) -> bool:
        if self._kinds is None or segment.kind in self._kinds:
            return True
        return segment.kind == "heading" and segment.level in self._levels

    def _matches(self, text: str):
        """(start, end, matched text, preferred form or None), left to right, not overlapping."""
        found = []
        for pattern, by_text, by_group in self._patterns:
            for match in pattern.finditer(text):
                form = None
                if by_text is not None:
                    form = by_text.get(self._fold(match.group()))
                elif by_group is not None:
                    form = next((v for k, v in by_group.items() if match.group(k) is not None), None)
                if form is None and (by_text is not None or by_group is not None):
                    continue
                found.append((match.start(), match.end(), match.group(), form))
        found.sort(key=lambda m: (m[0], -m[1]))
        end = -1
        for match in found:
            if match[0] >= end:
                yield match
                end = match[1]

    def check(self, document):
        message = self.spec["message"]
        for segment in document.segments:
            if not self._in_scope(segment):
                continue
            for start, end, found, form in self._matches(segment.text):
                if start == end or not found.strip() or segment.opaque_between(start, end):
                    continue
                if self._fold(found) in self._exceptions:
                    continue
                shown = re.sub(r"\s+", " ", found)  # a match across a line break reads as one line
                if form is None:
                    yield self.finding(document, segment.start + start, segment.start + end,
                                       message.replace("%s", shown, 1))
                    continue
                wanted = _preferred(found, form)
                if wanted == found:
                    continue
                text = message.replace("%s", wanted, 1).replace("%s", shown, 1)
                fix = Fix(wanted, safe=self.spec["safe-fix"]) if "|" not in form and \
                    segment.is_prose(start, end) else None
                yield self.finding(document, segment.start + start, segment.start + end, text, fix=fix)

    def _blocks(self, document):
        """(segment, start, end) of each block the scope names, segment-relative:
        each sentence of a segment for the ``sentence`` scope, else the segment."""
        by_sentence = "sentence" in self.spec["scope"]
        for segment in document.segments:
            if not self._in_scope(segment):
                continue
            if not by_sentence:
                yield segment, 0, len(segment.text)
                continue
            for sentence in segment.sentences:
                yield segment, sentence.start - segment.start, sentence.end - segment.start


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``..``end`` of ``text`` without the white space at either end."""
    part = text[start:end]
    return start + len(part) - len(part.lstrip()), start + len(part.rstrip())


def _flags(spec: dict) -> int:
    return re.IGNORECASE if spec["ignorecase"] else 0


class OccurrenceRule(DeclaredRule):
    """Vale's ``occurrence``: the token counted in each block of the scope; a block
    with more than ``max`` (or fewer than ``min``) is reported at its first match,
    or whole when it has none. ``%s`` in the message is the count."""

    def __init__(self, settings=None):
        super().__init__(settings)
        self._token = re.compile(self.spec["token"], _flags(self.spec))

    def check(self, document):
        most, least = self.spec["max"], self.spec["min"]
        for segment, start, end in self._blocks(document):
            if not segment.text[start:end].strip():
                continue
            found = [m for m in self._token.finditer(segment.text, start, end) if m.end() > m.start()]
            if not (most and len(found) > most or least and len(found) < least):
                continue
            at, to = found[0].span() if found else _trimmed(segment.text, start, end)
            message = self.spec["message"].replace("%s", str(len(found)), 1)
            yield self.finding(document, segment.start + at, segment.start + to, message)


class RepetitionRule(DeclaredRule):
    """Vale's ``repetition``: one match of the tokens followed by the same one ("the
    the"), more than ``max`` times in a row, inside one sentence and with no code or
    markup between; ``alpha`` counts only words of letters. ``%s`` is the word."""

    def __init__(self, settings=None):
        super().__init__(settings)
        self._token = re.compile("(?:" + "|".join(self.spec["tokens"]) + ")", _flags(self.spec))

    def check(self, document):
        alpha, most = self.spec["alpha"], self.spec["max"]
        for segment in document.segments:
            if not self._in_scope(segment):
                continue
            ends = [s.end - segment.start for s in segment.sentences]
            previous, repeats = None, 0
            for match in self._token.finditer(segment.text):
                word = match.group().strip()
                same = previous is not None and word != "" and \
                    self._fold(word) == self._fold(previous.group().strip()) and \
                    (not alpha or word.isalpha())
                repeats = repeats + 1 if same else 0
                if same and repeats > most:
                    start, end = previous.start(), match.end()
                    one_sentence = not any(start < e < end for e in ends[:-1])
                    if one_sentence and not segment.opaque_between(start, end) and \
                            self._fold(word) not in self._exceptions:
                        message = self.spec["message"].replace("%s", word, 1)
                        yield self.finding(document, segment.start + start, segment.start + end, message)
                        repeats = 0
                previous = match


class ConsistencyRule(DeclaredRule):
    """Vale's ``consistency``: both spellings of an ``either`` pair in one document.
    The one used first sets the document's convention; each use of the other is
    reported. ``%s`` is the spelling reported."""

    def __init__(self, settings=None):
        super().__init__(settings)
        flags, nonword = _flags(self.spec), self.spec["nonword"]
        self._pairs = [re.compile(_bounded(f"(?P<a>{a})|(?P<b>{b})", nonword), flags)
                       for a, b in self.spec["either"].items()]

    def check(self, document):
        found = []
        for pattern in self._pairs:
            uses = [(segment.start + m.start(), segment.start + m.end(), m.lastgroup, m.group())
                    for segment in document.segments if self._in_scope(segment)
                    for m in pattern.finditer(segment.text)
                    if m.end() > m.start() and not segment.opaque_between(m.start(), m.end())]
            if {use[2] for use in uses} != {"a", "b"}:
                continue
            second = "b" if min(uses)[2] == "a" else "a"
            found += [use for use in uses if use[2] == second]
        for start, end, _, text in sorted(found):
            yield self.finding(document, start, end, self.spec["message"].replace("%s", text, 1))


_CASE_TOKEN = r"(?:[^\W_]|\*)+\S*"


class CapitalizationRule(DeclaredRule):
    """Vale's ``capitalization``: each block of the scope (headings, usually) in the
    case ``match`` names. ``$sentence`` counts the words after the first that are
    lower case, all capitals, an exception, or after an indicator (``:``): more than
    ``threshold`` of all must be, and the first must not be lower case. ``%s`` is
    the block's text."""

    def __init__(self, settings=None):
        super().__init__(settings)
        exceptions = sorted(self.spec["exceptions"], key=len, reverse=True)
        self._except = re.compile(rf"\b(?:{'|'.join(exceptions)})\b") if exceptions else None
        self._words = re.compile((self._except.pattern + "|" if self._except else "") + _CASE_TOKEN)
        match = self.spec["match"]
        self._pattern = None if match.startswith("$") else re.compile(match)

    def _excepted(self, text: str) -> bool:
        return self._except is not None and self._except.search(text) is not None

    def _sentence_case(self, text: str) -> bool:
        words = self._words.findall(text.rstrip("?!.:"))
        if not words:
            return True
        right = 0
        for index, word in enumerate(words):
            previous = words[index - 1] if index else ""
            for mark in ("-", "'", "’"):
                if mark in word:
                    word = word.split(mark)[0]
                    break
            if word == word.upper() or any(previous.endswith(i) for i in self.spec["indicators"]) \
                    or self._excepted(word):
                right += 1
            elif index == 0 and word != word.lower().title():
                return False
            elif index == 0 or word == word.lower():
                right += 1
        return right / len(words) > self.spec["threshold"]

    def _right(self, text: str) -> bool:
        match = self.spec["match"]
        if match == "$sentence":
            return self._sentence_case(text)
        if match == "$lower":
            return text == text.lower() or self._excepted(text)
        if match == "$upper":
            return text == text.upper() or self._excepted(text)
        return self._pattern.search(text) is not None or self._excepted(text)

    def check(self, document):
        for segment, start, end in self._blocks(document):
            raw = segment.text[start:end]
            if not raw.strip():
                continue
            # Inline code and other non-prose count as one word in the right case
            # (Vale's "****"): "Using `npm` Offline" is judged on Using, *, Offline.
            judged = list(raw)
            for s, e in segment.opaque:
                if s < end and e > start:
                    judged[max(s, start) - start:min(e, end) - start] = "*" * (min(e, end) - max(s, start))
            judged = "".join(judged)
            if self._right(" ".join(judged.split())):
                continue
            at, to = _trimmed(judged, 0, len(judged))
            at, to = start + at, start + to
            shown = " ".join(document.text[segment.start + at:segment.start + to].split())
            yield self.finding(document, segment.start + at, segment.start + to,
                               self.spec["message"].replace("%s", shown, 1))


_CLASSES = {"occurrence": OccurrenceRule, "repetition": RepetitionRule,
            "consistency": ConsistencyRule, "capitalization": CapitalizationRule}


_LITERAL = re.compile(r"[\w '’-]+")
_LITERAL_GROUP = re.compile(r"\(\?:([\w '’-]+(?:\|[\w '’-]+)*)\)")


def _literals(pattern: str) -> list[str] | None:
    """The texts a pattern matches when it is plain words (``abolishment``, ``in order to``)
    or a group of them (``(?:cell phone|cell-phone)``); None for any other pattern."""
    if _LITERAL.fullmatch(pattern):
        return [pattern]
    group = _LITERAL_GROUP.fullmatch(pattern)
    return group.group(1).split("|") if group else None


def _preferred(found: str, preferred: str) -> str:
    """The preferred form, with a capital where the writer had one at the start."""
    if found[:1].isupper() and preferred[:1].islower():
        return preferred[:1].upper() + preferred[1:]
    return preferred


def _documentation(spec: dict) -> str:
    extends = spec["extends"]
    if extends == "occurrence":
        limits = " and ".join(f"{word} {spec[key]}" for key, word in (("max", "more than"), ("min", "fewer than"))
                              if spec[key])
        flags = f"A block of the scope where `{spec['token']}` occurs {limits} times."
    elif extends == "repetition":
        flags = "The same one of these twice in a row: " + ", ".join(f"`{t}`" for t in spec["tokens"]) + "."
    elif extends == "consistency":
        flags = "Both spellings in one document (the second one used is reported): " + \
            ", ".join(f"`{a}` / `{b}`" for a, b in list(spec["either"].items())[:20]) + "."
    elif extends == "capitalization":
        flags = f"Text of the scope not in the case `{spec['match']}`."
    elif extends == "existence":
        shown = spec["tokens"][:20] + ([spec["raw"]] if spec["raw"] else [])
        flags = f"Any of: {', '.join(f'`{t}`' for t in shown)}" + \
            (" ..." if len(spec["tokens"]) > 20 else "") + "."
    else:
        pairs = list(spec["swap"].items())
        flags = "These, with the form preferred: " + ", ".join(f"`{k}` → `{v}`" for k, v in pairs[:20]) + \
            (" ..." if len(pairs) > 20 else "") + "."
    source = f"Declared in {spec['vale']} (a Vale style)." if spec["vale"] else "Declared in the configuration."
    why = spec["description"] or spec["message"].replace("%s", "…")
    if spec["link"]:
        why += f" See {spec['link']}."
    return (f"{why}\n\n## What it flags\n\n{flags} Scope: {', '.join(spec['scope'])}.\n\n"
            f"## Why it matters\n\n{source}\n\n## Example\n\n(none given)\n\n## Instead\n\n(none given)\n\n"
            "## Options\n\nNone: the declaration is the rule.")


def build_rule(spec: dict) -> type[DeclaredRule]:
    """A rule class from a normalised declaration."""
    attributes = {"code": spec["code"], "name": spec["name"], "severity": LEVELS[spec["level"]],
                  "fixable": spec["extends"] == "substitution", "spec": spec,
                  "__doc__": _documentation(spec), "__module__": __name__}
    base = _CLASSES.get(spec["extends"], DeclaredRule)
    return type(f"Declared_{spec['code']}", (base,), attributes)


def _rebuild(spec: dict, settings: dict) -> DeclaredRule:
    rule = build_rule(spec)({})
    rule.settings = dict(settings)
    return rule


# -- Vale styles ------------------------------------------------------------------
def _kebab(text: str) -> str:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text)
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-") or "rule"


def read_vale_style(folder: str, prefix: str, where: str) -> tuple[list[dict], list[str]]:
    """The declarations of a Vale style folder's YAML rules, coded ``prefix`` + 001, 002 ...
    in file-name order, and a line for each rule left out (a check type not read here,
    or a pattern Python's regular expressions do not read)."""
    try:
        import yaml
    except ImportError:
        raise DeclarationError(f"{where} reading a Vale style needs PyYAML: "
                               "pip install 'textsieve[vale]'") from None
    if not os.path.isdir(folder):
        raise DeclarationError(f"{where} Vale style folder {folder} not found")
    style = os.path.basename(os.path.normpath(folder))
    specs, skipped = [], []
    names = sorted(n for n in os.listdir(folder) if n.endswith((".yml", ".yaml")))
    for number, file_name in enumerate(names, 1):
        path = os.path.join(folder, file_name)
        code = f"{prefix}{number:03d}"
        try:
            with open(path, encoding="utf-8") as handle:
                data = yaml.safe_load(handle)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            skipped.append(f"{path}: not read ({type(exc).__name__}): {code} left out")
            continue
        if not isinstance(data, dict):
            skipped.append(f"{path}: not a Vale rule (a YAML mapping): {code} left out")
            continue
        spec = {k: v for k, v in data.items() if k in KEYS | VALE_ONLY_KEYS}
        spec.update(code=code, name=f"{_kebab(style)}-{_kebab(os.path.splitext(file_name)[0])}",
                    vale=path)
        if "swap" in spec and isinstance(spec["swap"], dict):
            spec["swap"] = {str(k): str(v) for k, v in spec["swap"].items()}
        try:
            specs.append(normalise(spec, f"{path}:"))
        except DeclarationError as exc:
            skipped.append(f"{exc}; {code} left out")
    return specs, skipped
