"""Rules declared as data: ``[[tool.textsieve.rule]]`` tables and Vale style folders.

A declared rule has Vale's shape (``extends``, ``message``, ``level``, ``tokens``,
``swap``, ``ignorecase``, ``nonword``, ``scope``, ``exceptions``) plus a textsieve
code, and runs on textsieve's own prose segments, so code, URLs, links and markup
are never matched. Two of Vale's check types are read: ``existence`` (a token
appears) and ``substitution`` (a token has a preferred form, which is the fix).
A Vale style folder of YAML rules is read the same way; its rules of other types
are left out and named.

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

TYPES = ("existence", "substitution")
OTHER_VALE_TYPES = ("occurrence", "repetition", "consistency", "capitalization", "conditional",
                    "spelling", "readability", "sequence", "metric", "script")
LEVELS = {"suggestion": "info", "info": "info", "warning": "warning", "error": "error"}
# Vale's scopes that textsieve's segments answer, and the segment kinds each covers.
SCOPES = {"text": None, "sentence": None, "paragraph": {"paragraph"}, "heading": {"heading"},
          "list": {"list_item"}, "table": {"table_cell"}, "table.cell": {"table_cell"},
          "blockquote": {"blockquote"}}
HEADING_LEVEL = re.compile(r"^heading\.h([1-6])$")
KEYS = {"code", "name", "extends", "message", "level", "ignorecase", "nonword", "scope", "tokens",
        "swap", "exceptions", "description", "link", "safe-fix", "vale", "raw", "append"}
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
        if self.spec["extends"] == "existence" and self.spec["raw"]:
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
    if spec["extends"] == "existence":
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
    return type(f"Declared_{spec['code']}", (DeclaredRule,), attributes)


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
