"""The rule API: what a rule declares and the two ways it can check.

A rule is a class with a unique ``code`` (e.g. ``ENC101``), a kebab-case
``name``, a default ``severity``, whether it is on by default, and typed
``options``. Its docstring is its documentation (``textsieve explain``), with
the headings *What it flags*, *Why it matters*, *Example*, *Instead* and
*Options*.

A rule checks in one of two ways:

* per document: ``check(document)`` yields findings. It runs in worker
  processes, so it must not rely on shared state.
* across the corpus: ``collect(document)`` runs per document in the workers and
  returns picklable data; ``check_corpus(collected)`` then runs once, in the
  main process, on the list of ``(path, data)`` pairs of every document. A rule
  that judges each document on its own but checks them together (one request to
  a server for all) declares ``batched = True``: it is given the documents
  reported on only, never the ``--corpus`` context.

A ``RunRule`` checks no document: it reports on what the run itself saw (a file
it could not check, a suppression that matched nothing), through its hooks.

Rules never read files, print or format output. Options of every rule in a
family are read from the family's table, e.g. ``[tool.textsieve.dup]``.
"""

from __future__ import annotations

import gc
import inspect
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Iterable

from textsieve.findings import SEVERITIES, Finding, Fix, Related, Span

CODE_RE = re.compile(r"^[A-Z]{2,5}[0-9]{3}$")
ENTRY_POINT_GROUP = "textsieve.rules"


class OptionError(ValueError):
    """A configured option value is not valid."""


@dataclass(frozen=True)
class Option:
    """A typed rule option. ``kind`` is one of bool, int, float, str, list[str], choice."""

    default: Any
    help: str
    kind: str = ""
    choices: tuple = ()
    minimum: float | None = None
    maximum: float | None = None

    def resolved_kind(self) -> str:
        if self.kind:
            return self.kind
        if self.choices:
            return "choice"
        return {bool: "bool", int: "int", float: "float", str: "str", list: "list[str]"}.get(
            type(self.default), "str"
        )

    def validate(self, name: str, value: Any) -> Any:
        kind = self.resolved_kind()
        ok = {
            "bool": lambda v: isinstance(v, bool),
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "str": lambda v: isinstance(v, str),
            "list[str]": lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
            "choice": lambda v: v in self.choices,
        }[kind](value)
        if not ok:
            expected = f"one of {', '.join(map(repr, self.choices))}" if kind == "choice" else kind
            raise OptionError(f"option '{name}' must be {expected}, got {value!r}")
        if kind in ("int", "float"):
            if self.minimum is not None and value < self.minimum:
                raise OptionError(f"option '{name}' must be at least {self.minimum}, got {value!r}")
            if self.maximum is not None and value > self.maximum:
                raise OptionError(f"option '{name}' must be at most {self.maximum}, got {value!r}")
            if kind == "float":
                value = float(value)
        return value


class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[str] = "warning"
    default_enabled: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    # Which document formats the rule applies to; empty means every format.
    formats: ClassVar[tuple[str, ...]] = ()
    fixable: ClassVar[bool] = False
    # Documentation the rules of a family share (their common options), appended to each
    # rule's docstring by documentation().
    shared_documentation: ClassVar[str] = ""
    # A corpus-step rule whose findings in a document depend on that document alone: its
    # collect and check_corpus see the documents reported on, not the corpus context.
    batched: ClassVar[bool] = False
    # Set by the runner: a textsieve.cache.Cache (disabled when caching is off).
    cache = None
    # Set by the runner: the processes the user allowed (--jobs; 0 is every core). A
    # corpus rule that runs threads in its check_corpus uses no more than this.
    jobs = 0
    # Set when the rules are built: whether the user named the rule (or a prefix of its
    # code) in select or extend-select. A selected rule that cannot run fails the run.
    explicitly_selected = False

    def __init__(self, settings: dict[str, Any] | None = None):
        values = {name: opt.default for name, opt in self.options.items()}
        for key, value in (settings or {}).items():
            if key in self.options:
                values[key] = self.options[key].validate(key, value)
        self.settings = values

    # -- metadata -----------------------------------------------------------
    @classmethod
    def family(cls) -> str:
        return re.match(r"[A-Z]+", cls.code).group(0)

    @classmethod
    def summary(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        return doc.strip().split("\n\n")[0].replace("\n", " ")

    @classmethod
    def documentation(cls) -> str:
        doc = inspect.getdoc(cls) or cls.summary()
        return doc + "\n" + cls.shared_documentation if cls.shared_documentation else doc

    @classmethod
    def is_corpus_rule(cls) -> bool:
        return cls.check_corpus is not Rule.check_corpus

    def applies_to(self, document) -> bool:
        return not self.formats or document.format in self.formats

    # -- checking -----------------------------------------------------------
    def check(self, document) -> Iterable[Finding]:
        return ()

    def collect(self, document) -> Any:
        return None

    def collect_many(self, documents: list) -> list:
        """``collect`` for several documents at once (those of one worker task): a rule
        whose work has a fixed cost per call (array set-up, say) can batch it. Must
        return what ``collect`` returns for each, in order."""
        return [self.collect(document) for document in documents]

    def check_corpus(self, collected: list[tuple[str, Any]]) -> Iterable[Finding]:
        return ()

    def close(self) -> None:
        """Release what the rule holds across documents (a server session, say): called
        once when the run, or the language server, is done with the rule."""

    # -- helpers for building findings -------------------------------------
    def finding(
        self,
        document,
        start: int,
        end: int,
        message: str,
        *,
        code: str | None = None,
        severity: str | None = None,
        fix: Fix | str | None = None,
        related: Iterable[Related] = (),
    ) -> Finding:
        """A finding at character offsets ``start``..``end`` of ``document.text``."""
        if isinstance(fix, str):
            fix = Fix(fix)
        return Finding(
            code=code or self.code,
            message=message,
            severity=severity or self.severity,
            span=document.span(start, end),
            fix=fix,
            related=tuple(related),
            text=document.text[start:end],
        )

    def finding_at(self, span: Span, message: str, *, text: str = "", code: str | None = None,
                   severity: str | None = None, fix: Fix | None = None,
                   related: Iterable[Related] = ()) -> Finding:
        """A finding at a span computed earlier (for corpus rules)."""
        return Finding(code=code or self.code, message=message, severity=severity or self.severity,
                       span=span, fix=fix, related=tuple(related), text=text)


class RunRule(Rule):
    """A rule about the run rather than a document's text. The engine runs it on no
    document; after the run it calls these hooks, and each returns the rule's findings."""

    def not_checked(self, path: str, why: str, *, what: str = "file") -> Iterable[Finding]:
        """Findings for ``path``, which the run could not check, because ``why``."""
        return ()

    def unused_suppression(self, path: str, directive, code: str) -> Iterable[Finding]:
        """Findings for ``directive`` in ``path``, whose ``code`` (all of it, when
        empty) suppressed no finding of the rules that ran."""
        return ()


@contextmanager
def cyclic_gc_paused():
    """Run a block without Python's cyclic garbage collector, then restore it as it was.

    For corpus steps: they make millions of small tuples, sets and dicts (none in a
    cycle, so reference counting frees them), and each of them set off collections
    that walked every container alive. DUP at 200 MB spent 4 s of its 18 s corpus
    step in them. Cyclic garbage made meanwhile is collected once it is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
BUILT_IN = "textsieve"  # the distribution whose entry points are the built-in rules


def rule_problem(rule: Any) -> str | None:
    """What is wrong with a registered rule's metadata, or None: checked once, at
    registration, so that a bad plugin is named there and not in the middle of a run."""
    if not (isinstance(rule, type) and issubclass(rule, Rule)):
        return f"{rule!r} is not a textsieve.rule.Rule subclass"
    if not isinstance(rule.code, str) or not CODE_RE.match(rule.code):
        return f"{rule.__name__}: code {rule.code!r} is not 2-5 capitals and 3 digits (e.g. STY001)"
    if not isinstance(rule.name, str) or not NAME_RE.match(rule.name):
        return f"{rule.code}: name {rule.name!r} is not kebab-case (e.g. 'avoid-jargon')"
    if rule.severity not in SEVERITIES:
        return f"{rule.code}: severity {rule.severity!r} is not one of {', '.join(SEVERITIES)}"
    if not isinstance(rule.default_enabled, bool):
        return f"{rule.code}: default_enabled {rule.default_enabled!r} is not True or False"
    if not isinstance(rule.options, dict):
        return f"{rule.code}: options is not a dict of Option"
    for key, option in rule.options.items():
        if not isinstance(key, str) or not isinstance(option, Option):
            return f"{rule.code}: option {key!r} is not a textsieve.rule.Option"
        if option.default is None:
            continue  # "not set": the rule decides
        try:
            option.validate(key, option.default)
        except (OptionError, KeyError) as exc:
            return f"{rule.code}: the default of option '{key}' is not valid ({exc})"
    return None


def load_rules(problems: list[str] | None = None) -> dict[str, type[Rule]]:
    """Every registered rule class by code, built-ins first (all through entry points).

    A plugin that fails to import, or registers a rule with bad metadata, a code
    already taken, or a code under a prefix another package owns (``DUP900`` from a
    plugin), is left out, and why is appended to ``problems`` for the caller to
    show as a warning: one broken plugin does not stop the others, or the built-ins.
    A built-in that fails is an installation fault: ``RegistryError``.
    """
    from importlib.metadata import entry_points

    names: dict[int, str | None] = {}  # reading a name parses the distribution's METADATA

    def owner_of(ep) -> str:
        dist = getattr(ep, "dist", None)
        if dist is None:
            return ep.name
        if id(dist) not in names:
            names[id(dist)] = dist.name
        return names[id(dist)] or ep.name

    def from_plugin(ep) -> str:
        dist = getattr(ep, "dist", None)
        version = f" {dist.version}" if dist is not None and dist.version else ""
        return f"rule plugin '{ep.name}' ({ep.value}, from {owner_of(ep)}{version})"

    found = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (owner_of(e) != BUILT_IN, e.name))
    rules: dict[str, type[Rule]] = {}
    prefixes: dict[str, str] = {}  # family prefix -> the package that owns it
    for ep in found:
        built_in = owner_of(ep) == BUILT_IN
        try:
            loaded = ep.load()
        except Exception as exc:  # a broken plugin must not break the others
            message = f"{from_plugin(ep)} failed to load: {type(exc).__name__}: {exc}"
            if built_in:
                raise RegistryError(message) from exc
            if problems is not None:
                problems.append(message + "; its rules are not checked")
            continue
        offered = list(loaded) if isinstance(loaded, (list, tuple)) else [loaded]
        why = next((p for p in map(rule_problem, offered) if p), None)
        if why is None:
            for rule in offered:
                owner = prefixes.get(rule.family(), owner_of(ep))
                if owner != owner_of(ep):
                    why = f"{rule.code}: the prefix {rule.family()} belongs to {owner}"
                elif rule.code in rules and rules[rule.code] is not rule:
                    why = f"{rule.code} is registered already (by {rules[rule.code].__module__})"
                if why:
                    break
        if why is not None:
            if built_in:
                raise RegistryError(f"{from_plugin(ep)}: {why}")
            if problems is not None:
                problems.append(f"{from_plugin(ep)} is not loaded: {why}")
            continue
        for rule in offered:
            prefixes.setdefault(rule.family(), owner_of(ep))
            rules[rule.code] = rule
    return dict(sorted(rules.items()))


class RegistryError(RuntimeError):
    pass


class RuleUnavailable(Exception):
    """Raised by a rule that cannot run here (e.g. no LanguageTool server).

    The run goes on without it; the message is printed as a warning, and the
    exit code is 2 only when the user selected the rule explicitly.
    """
