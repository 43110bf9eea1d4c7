"""Configuration: found, parsed, validated, and turned into a rule selection.

Looked up from the working directory upwards: ``textsieve.toml``,
``.textsieve.toml`` (keys at the top level) or ``pyproject.toml`` with a
``[tool.textsieve]`` table; ``--config`` names a file directly. Every unknown
key, bad value or unknown code is a ``ConfigError`` naming the file and key.
"""

from __future__ import annotations

import math
import re
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from textsieve.findings import SEVERITIES
from textsieve.rule import OptionError, Rule, RunRule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAMES = ("textsieve.toml", ".textsieve.toml", "pyproject.toml")
MAX_FILE_SIZE_LIMIT = sys.maxsize - 1  # a read of max-file-size + 1 bytes must fit a C size
INT_LIMIT = 2**63 - 1  # whole-number options go to numpy and C code as 64-bit integers


class ConfigError(Exception):
    """Bad configuration; the message is one line naming the file and the key or value."""


@dataclass
class Config:
    path: str | None = None  # the file it came from
    root: str = "."  # the directory that globs are relative to
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    include: list[str] | None = None
    exclude: list[str] = field(default_factory=list)
    extend_exclude: list[str] = field(default_factory=list)
    fail_level: str = "warning"
    corpus: list[str] = field(default_factory=list)
    max_file_size: int | None = None
    respect_gitignore: bool = True
    force_exclude: bool = False
    cache_dir: str | None = None
    max_findings_per_code: int | None = None  # per document; 0: no bound; None: the runner's default
    engine: str = "local"  # "local" (a process pool) or "dask" (a cluster's workers)
    scheduler: str | None = None  # the Dask scheduler's address, tcp://HOST:PORT
    rule_settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # family → options
    # Rules declared as data ([[rule]] tables, vale-styles folders), by code; and what was left out.
    declared_rules: dict[str, type[Rule]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


_LIST_KEYS = ("select", "extend-select", "ignore", "include", "exclude", "extend-exclude", "corpus")
_KNOWN = set(_LIST_KEYS) | {"per-file-ignores", "fail-level", "max-file-size", "respect-gitignore",
                            "force-exclude", "cache-dir", "max-findings-per-code", "engine", "scheduler",
                            "rule", "vale-styles"}


def find_config(start: str) -> tuple[str, dict] | None:
    """The nearest config file at or above ``start`` and its textsieve table."""
    current = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(current, name)
            if os.path.isfile(candidate):
                table = _load(candidate)
                if table is not None:
                    return candidate, table
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _load(path: str, required: bool = False) -> dict | None:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (a TOML file must be): byte 0x{exc.object[exc.start]:02x} "
                          f"at byte {exc.start}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if os.path.basename(path) == "pyproject.toml":
        table = data.get("tool", {}).get("textsieve")
        if table is None and required:
            return {}
        return table
    return data


def load_config(explicit: str | None, rules: dict[str, type[Rule]], cwd: str = ".") -> Config:
    if explicit:
        if not os.path.exists(explicit):
            raise ConfigError(f"{explicit}: config file not found")
        found = (explicit, _load(explicit, required=True))
    else:
        found = find_config(cwd)
    if not found:
        return Config(root=os.path.abspath(cwd))
    path, table = found
    return parse_config(table, rules, path)


def parse_config(table: dict, rules: dict[str, type[Rule]], path: str) -> Config:
    where = f"{path}: [tool.textsieve]" if path.endswith("pyproject.toml") else path + ":"
    config = Config(path=path, root=os.path.dirname(os.path.abspath(path)))
    config.declared_rules, config.warnings = _declared_rules(table, rules, config.root, where)
    rules = {**rules, **config.declared_rules}
    families = {rule.family().lower(): rule.family() for rule in rules.values()}
    for key, value in table.items():
        if key in ("rule", "vale-styles"):
            continue
        if isinstance(value, dict) and key.lower() in families:
            config.rule_settings[families[key.lower()]] = _rule_options(
                value, [r for r in rules.values() if r.family() == families[key.lower()]],
                f"{where} [{key}]")
            continue
        if key not in _KNOWN:
            raise ConfigError(f"{where} unknown key '{key}'")
        attr = key.replace("-", "_")
        if key in _LIST_KEYS:
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise ConfigError(f"{where} '{key}' must be a list of strings")
            if key in ("select", "extend-select", "ignore"):
                check_codes(value, rules, f"{where} '{key}'")
            setattr(config, attr, list(value))
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} 'per-file-ignores' must be a table of glob = [codes]")
            for glob, codes in value.items():
                if not (isinstance(codes, list) and all(isinstance(c, str) for c in codes)):
                    raise ConfigError(f"{where} per-file-ignores '{glob}' must be a list of codes")
                check_codes(codes, rules, f"{where} per-file-ignores '{glob}'")
            config.per_file_ignores = dict(value)
        elif key == "fail-level":
            if value not in SEVERITIES:
                raise ConfigError(f"{where} 'fail-level' must be one of {', '.join(SEVERITIES)}, got {value!r}")
            config.fail_level = value
        elif key == "max-file-size":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{where} 'max-file-size' must be a positive whole number of bytes")
            if value > MAX_FILE_SIZE_LIMIT:
                raise ConfigError(f"{where} 'max-file-size' must be at most {MAX_FILE_SIZE_LIMIT} bytes, "
                                  f"got {value}")
            config.max_file_size = value
        elif key == "max-findings-per-code":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= INT_LIMIT:
                raise ConfigError(f"{where} 'max-findings-per-code' must be a whole number of findings "
                                  "a document shows per code (0: all of them)")
            config.max_findings_per_code = value
        elif key in ("respect-gitignore", "force-exclude"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where} '{key}' must be true or false")
            setattr(config, attr, value)
        elif key == "cache-dir":
            if not isinstance(value, str):
                raise ConfigError(f"{where} 'cache-dir' must be a string")
            if not value.strip():
                raise ConfigError(f"{where} 'cache-dir' is empty: name a directory, or leave the key "
                                  "out for the default (--no-cache turns the cache off)")
            config.cache_dir = value
        elif key == "engine":
            if value not in ("local", "dask"):
                raise ConfigError(f"{where} 'engine' must be \"local\" or \"dask\"")
            config.engine = value
        elif key == "scheduler":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where} 'scheduler' must be a scheduler address such as "
                                  "\"tcp://HOST:8786\"")
            config.scheduler = value
    return config


def _declared_rules(table: dict, rules: dict[str, type[Rule]], root: str,
                    where: str) -> tuple[dict[str, type[Rule]], list[str]]:
    """The rules the configuration declares: ``[[rule]]`` tables, then the Vale style folders
    of ``vale-styles = {PREFIX = "folder"}``. A code may not be one already registered, or
    under a registered family's prefix."""
    from textsieve.declared import DeclarationError, build_rule, normalise, read_vale_style

    declared_tables = table.get("rule", [])
    styles = table.get("vale-styles", {})
    if not (isinstance(declared_tables, list) and all(isinstance(t, dict) for t in declared_tables)):
        raise ConfigError(f"{where} 'rule' must be an array of tables: [[tool.textsieve.rule]] "
                          "(or [[rule]] in textsieve.toml)")
    if not (isinstance(styles, dict) and all(isinstance(v, str) for v in styles.values())):
        raise ConfigError(f"{where} 'vale-styles' must be a table of PREFIX = \"folder\"")
    specs, warnings = [], []
    try:
        for number, spec in enumerate(declared_tables, 1):
            specs.append(normalise(spec, f"{where} [[rule]] #{number}"))
        for prefix, folder in styles.items():
            if not re.fullmatch(r"[A-Z]{2,5}", prefix):
                raise ConfigError(f"{where} vale-styles: the prefix {prefix!r} must be 2-5 capitals")
            found, skipped = read_vale_style(os.path.join(root, folder), prefix, f"{where} vale-styles:")
            specs += found
            warnings += skipped
    except DeclarationError as exc:
        raise ConfigError(str(exc)) from None
    taken = {rule.family() for rule in rules.values()}
    out: dict[str, type[Rule]] = {}
    for spec in specs:
        code = spec["code"]
        if code in rules or code in out:
            raise ConfigError(f"{where} rule {code} is declared twice, or is a registered rule's code")
        family = re.match(r"[A-Z]+", code).group(0)
        if family in taken:
            raise ConfigError(f"{where} rule {code}: the prefix {family} belongs to registered rules; "
                              "choose another (e.g. STY)")
        out[code] = build_rule(spec)
    return out, warnings


def _rule_options(table: dict, family_rules: list[type[Rule]], where: str) -> dict[str, Any]:
    declared = {}
    for rule in family_rules:
        declared.update(rule.options)
    settings = {}
    for key, value in table.items():
        if key not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise ConfigError(f"{where} unknown option '{key}' (options: {known})")
        try:
            settings[key] = declared[key].validate(key, value)
        except OptionError as exc:
            raise ConfigError(f"{where} {exc}") from None
        number = settings[key]
        if isinstance(number, float) and not math.isfinite(number):
            # nan passes every minimum and maximum (all comparisons with it are false).
            raise ConfigError(f"{where} option '{key}' must be a finite number, got {value!r}")
        if type(number) is int and not -INT_LIMIT <= number <= INT_LIMIT:
            raise ConfigError(f"{where} option '{key}' is out of range, got {value!r}")
    return settings


def override_options(config: Config, rules: dict[str, type[Rule]], overrides: list[str]) -> None:
    """Apply ``--option FAMILY.KEY=VALUE`` settings over the configuration's, each checked
    as the configuration's are. VALUE is read as a TOML value (``12``, ``true``,
    ``["a", "b"]``), or taken as it is when it is not one (``http://localhost:8081``)."""
    import tomllib

    families = {rule.family().lower(): rule.family() for rule in rules.values()}
    for override in overrides:
        where = f"--option {override}:"
        name, equals, raw = override.partition("=")
        family, dot, key = name.strip().partition(".")
        if not equals or not dot or not family or not key.strip():
            raise ConfigError(f"{where} write FAMILY.KEY=VALUE, e.g. --option read.max-grade=12")
        if family.lower() not in families:
            raise ConfigError(f"{where} no rule family '{family}' (families: "
                              f"{', '.join(sorted(families.values()))})")
        family = families[family.lower()]
        try:
            value = tomllib.loads(f"value = {raw.strip()}")["value"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        checked = _rule_options({key.strip(): value}, [r for r in rules.values() if r.family() == family],
                                where)
        config.rule_settings.setdefault(family, {}).update(checked)


def check_codes(codes: list[str], rules: dict[str, type[Rule]], where: str) -> None:
    for code in codes:
        if code == "ALL":
            continue
        if not any(known.startswith(code) for known in rules):
            raise ConfigError(f"{where}: unknown rule code or prefix '{code}'")


def split_codes(value: str | None) -> list[str]:
    return [c.strip() for c in (value or "").split(",") if c.strip()]


def selected_codes(rules: dict[str, type[Rule]], select: list[str] | None,
                   extend_select: list[str], ignore: list[str]) -> list[str]:
    """The codes to run. The most specific matching selector decides (ruff's way);
    on a tie, ignoring wins. With no ``select``, rules on by default are selected."""

    def best(code: str, selectors: list[str]) -> int:
        lengths = [len(s) if s != "ALL" else 0 for s in selectors if s == "ALL" or code.startswith(s)]
        return max(lengths) if lengths else -1

    chosen = []
    for code, rule in rules.items():
        positive = best(code, (select or []) + extend_select)
        if positive < 0 and select is None and rule.default_enabled:
            positive = 0  # on by default: as weak as the least specific selector
        if positive >= 0 and positive > best(code, ignore):
            chosen.append(code)
    return chosen


def build_rules(registry: dict[str, type[Rule]], codes: list[str], settings: dict[str, dict],
                explicit: set[str], where: str) -> tuple[list[Rule], list[RunRule]]:
    """The selected rules, built with their family's settings: those that check
    documents, and the run rules. ``explicit`` is what select and extend-select named;
    ``where`` names the settings' source in an error."""
    rules: list[Rule] = []
    for code in codes:
        rule_cls = registry[code]
        try:
            rule = rule_cls(settings.get(rule_cls.family(), {}))
        except (OptionError, ValueError) as exc:
            raise ConfigError(f"{where}: [{rule_cls.family().lower()}] {exc}") from None
        rule.explicitly_selected = any(code.startswith(s) for s in explicit if s != "ALL")
        rules.append(rule)
    return ([r for r in rules if not isinstance(r, RunRule)],
            [r for r in rules if isinstance(r, RunRule)])


def per_file_matcher(config: Config):
    """``ignored(path, code)``: whether ``per-file-ignores`` turns ``code`` off in ``path``."""
    specs = []
    if config.per_file_ignores:
        import pathspec

        specs = [(pathspec.GitIgnoreSpec.from_lines([glob]), codes)
                 for glob, codes in config.per_file_ignores.items()]
    memo: dict[str, list[str]] = {}

    def ignored(path: str, code: str) -> bool:
        if not specs:
            return False
        if path not in memo:
            rel = os.path.relpath(os.path.abspath(path), config.root).replace(os.sep, "/")
            memo[path] = [c for spec, codes in specs if spec.match_file(rel) for c in codes]
        return any(code.startswith(c) or c == "ALL" for c in memo[path])

    return ignored
