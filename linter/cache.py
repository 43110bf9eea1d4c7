"""An on-disk cache of per-content results, keyed by content hash and options.

Default directory `.textsieve_cache` (with its own `.gitignore`), moved by
``TEXTSIEVE_CACHE_DIR`` or ``cache-dir``, disabled by ``--no-cache``. Entries
live under ``<namespace>/<key[:2]>/<key>``; writes are atomic.

The cache directory may be written by others (committed by mistake, shared in
CI, named by a repository's own ``cache-dir``), so an entry holds data only and
reading one can never run code: a JSON tree of plain values, tagged tuples,
dicts, sets, numpy arrays (raw bytes of a numeric dtype after the JSON) and
instances of the dataclasses registered here, each field checked against its
annotation. A corrupt, foreign or old entry, or one of the wrong shape for its
namespace, is a miss, never an error.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import json
import os
import struct
import tempfile
import time
import types
import typing
from pathlib import Path
from typing import Any

from textsieve import __version__

DEFAULT_DIR = ".textsieve_cache"
PRUNE_AFTER_DAYS = 30
ENV_VAR = "TEXTSIEVE_CACHE_DIR"

# The first bytes of every entry; a new layout gets a new number, and old entries are misses.
MAGIC = b"textsieve-cache/2\n"
_LENGTH = struct.Struct("<Q")  # length of the JSON part
_ALIGN = 16  # arrays start at multiples of this, so that their views are aligned


def cache_key(*parts: Any) -> str:
    """A stable hex key for the given parts (text, option values, versions)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(__version__.encode())
    for part in parts:
        # A document's text goes in as it is (its repr would be a copy with escapes).
        if isinstance(part, str):
            digest.update(b"\x1fs")
            digest.update(part.encode("utf-8", "surrogatepass"))
        elif isinstance(part, bytes):
            digest.update(b"\x1fb")
            digest.update(part)
        else:
            digest.update(b"\x1f")
            digest.update(repr(part).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


# -- the types an entry may hold -------------------------------------------------------
# The dataclasses textsieve caches, by the name entries give them. Only these (and the ones
# a plugin registers) are ever built from an entry, and only through their generated
# __init__; a module here is imported when an entry first names one of its classes.
_BUILTIN_TYPES = {
    "Finding": "textsieve.findings:Finding",
    "Span": "textsieve.findings:Span",
    "Fix": "textsieve.findings:Fix",
    "Related": "textsieve.findings:Related",
    "Directive": "textsieve.document:Directive",
    "SourceInfo": "textsieve.document:SourceInfo",
    "DocSketch": "textsieve.rules.duplicates_sketch:DocSketch",
    "TitleSketch": "textsieve.rules.duplicates:TitleSketch",
    "Paragraph": "textsieve.rules.languagetool:Paragraph",
    "Collected": "textsieve.rules.languagetool:Collected",
    "RawMatch": "textsieve.rules.languagetool:RawMatch",
}
_TYPES: dict[str, type] = {}  # name -> class, filled on first use
_NAMES: dict[type, str] = {}  # class -> name


def register_type(cls: type, name: str | None = None) -> type:
    """Let a plugin cache instances of its dataclass ``cls`` (usable as a decorator).
    Its fields must be annotated with types the cache can check."""
    if not dataclasses.is_dataclass(cls) or any(not f.init for f in dataclasses.fields(cls)):
        raise TypeError(f"{cls!r}: only dataclasses whose fields are all set by __init__ can be cached")
    name = name or f"{cls.__module__}:{cls.__qualname__}"
    _TYPES[name] = cls
    _NAMES[cls] = name
    return cls


def _type_named(name: str) -> type:
    cls = _TYPES.get(name)
    if cls is None:
        module, _, qualname = _BUILTIN_TYPES[name].partition(":")  # KeyError: not ours, a miss
        register_type(getattr(importlib.import_module(module), qualname), name)
        cls = _TYPES[name]
    return cls


def _name_of(cls: type) -> str:
    name = _NAMES.get(cls)
    if name is None:
        for short, where in _BUILTIN_TYPES.items():
            if where == f"{cls.__module__}:{cls.__qualname__}":
                register_type(cls, short)
                return short
        raise TypeError(f"{cls.__module__}.{cls.__qualname__} is not a registered cache type")
    return name


# -- checking a value against an annotation ---------------------------------------------
def _anything(value) -> bool:
    return True


@functools.lru_cache(maxsize=None)
def _checker(hint) -> typing.Callable[[Any], bool]:
    """A function telling whether a value fits the annotation ``hint``."""
    if hint in (Any, object):
        return _anything
    if hint is float:
        return lambda v: type(v) in (float, int)
    if hint in (int, str, bool, bytes) or hint is type(None):
        return lambda v, t=hint: type(v) is t
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        checks = tuple(_checker(a) for a in args)
        return lambda v: any(check(v) for check in checks)
    if origin in (list, set, frozenset) or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
        item = _checker(args[0]) if args else _anything
        return lambda v, o=origin: type(v) is o and all(item(x) for x in v)
    if origin is tuple:
        items = tuple(_checker(a) for a in args)
        return lambda v: type(v) is tuple and len(v) == len(items) and all(
            check(x) for check, x in zip(items, v))
    if origin is dict:
        key, value = (_checker(args[0]), _checker(args[1])) if args else (_anything, _anything)
        return lambda v: type(v) is dict and all(key(k) and value(x) for k, x in v.items())
    if isinstance(hint, type):
        return lambda v, t=hint: isinstance(v, t)
    return _anything  # a hint the cache cannot check (a TypeVar, a Protocol...)


def _exact_types(hint) -> frozenset | None:
    """The types a value fitting ``hint`` may have, when checking its type alone is
    enough (str, int, a dataclass, X | None...); None when it is not (list[X]...)."""
    if hint is float:
        return frozenset((float, int))
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        parts = [_exact_types(a) for a in typing.get_args(hint)]
        return None if None in parts else frozenset().union(*parts)
    if hint is type(None) or (origin is None and isinstance(hint, type) and hint not in (
            object, list, tuple, dict, set, frozenset) and (
            hint in (int, str, bool, bytes) or dataclasses.is_dataclass(hint))):
        return frozenset((hint,))
    return None


@functools.lru_cache(maxsize=None)
def _field_checks(cls: type) -> tuple[int, tuple]:
    """How many fields ``cls`` has and, for each, the exact types it may have or a
    check, from its annotations (a set lookup a field is what keeps a warm run fast)."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    checks = []
    for f in fields:
        hint = hints.get(f.name, Any)
        checks.append((_exact_types(hint), _checker(hint)))
    return len(fields), tuple(checks)


def _sketch_holds_together(s) -> bool:
    """The arrays of a DUP sketch agree on their sizes (the analysis indexes one by another)."""
    n, m = len(s.sent_seg), len(s.p_first)
    return (s.sent_norm.shape == (n, 2) and s.sent_src.shape == (n, 2) and s.sent_seg.ndim == 1
            and s.p_first.shape == s.p_last.shape == s.p_exact.shape == (m,)
            and s.p_bands.ndim == 2 and s.p_bands.shape[1] == m
            and s.p_bits.ndim == 2 and s.p_bits.shape[0] == m and s.line_starts.ndim == 1
            and bool(m == 0 or (s.p_first.min() >= 0 and s.p_last.max() <= n
                                and (s.p_first < s.p_last).all())))


# Checks beyond the field types, for the values other code indexes by.
_VALID = {
    "Finding": lambda f: f.severity in ("info", "warning", "error"),
    "DocSketch": _sketch_holds_together,
}


# -- encoding ----------------------------------------------------------------------------
def dumps(value: Any) -> bytes:
    """An entry's bytes: MAGIC, the JSON tree's length and the tree, then the arrays."""
    blobs: list[bytes] = []
    tree = _encode(value, blobs, {})
    head = json.dumps(tree, separators=(",", ":"), allow_nan=True).encode("ascii")
    out = [MAGIC, _LENGTH.pack(len(head)), head]
    size = len(MAGIC) + _LENGTH.size + len(head)
    for blob in blobs:
        pad = -size % _ALIGN
        out.append(b"\0" * pad)
        out.append(blob)
        size += pad + len(blob)
    return b"".join(out)


def _encode(value: Any, blobs: list[bytes], seen: dict[int, int]) -> Any:
    """The JSON tree of ``value``; bytes and arrays go to ``blobs``. A dataclass instance
    met again is a reference to its first copy (``seen``: id -> number, counted in the
    order their encodings end, which is the order the decoder finishes them in)."""
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return value
    if kind is list:
        return [_encode(v, blobs, seen) for v in value]
    if kind is tuple:
        return {"T": [_encode(v, blobs, seen) for v in value]}
    if kind is dict:
        return {"D": [[_encode(k, blobs, seen), _encode(v, blobs, seen)] for k, v in value.items()]}
    if kind in (set, frozenset):
        return {"S" if kind is set else "FS": [_encode(v, blobs, seen) for v in value]}
    if kind is bytes:
        blobs.append(value)
        return {"B": [len(blobs) - 1, len(value)]}
    if kind.__module__ == "numpy":
        import numpy as np

        if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
            blobs.append(np.ascontiguousarray(value).tobytes())
            return {"A": [len(blobs) - 1, value.dtype.str, list(value.shape)]}
        if isinstance(value, np.generic) and value.dtype.kind in "biuf":
            return {"N": [value.dtype.str, value.item()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        number = seen.get(id(value))
        if number is not None:
            return {"R": number}
        name = _name_of(kind)
        tree = {"O": name, "F": [_encode(getattr(value, f.name), blobs, seen)
                                 for f in dataclasses.fields(value)]}
        seen[id(value)] = len(seen)
        return tree
    raise TypeError(f"a {kind.__name__} cannot go into the cache")


# -- decoding ----------------------------------------------------------------------------
class _Foreign(Exception):
    """The entry is not one this version wrote."""


def loads(data: bytes | bytearray) -> Any:
    """The value of an entry; raises for anything that is not a well-formed entry."""
    if not data.startswith(MAGIC):
        raise _Foreign("not a textsieve cache entry")
    start = len(MAGIC) + _LENGTH.size
    (length,) = _LENGTH.unpack_from(data, len(MAGIC))
    if start + length > len(data):
        raise _Foreign("truncated")
    buffer = data if isinstance(data, bytearray) else bytearray(data)
    layout: list[tuple[int, int]] = []  # (offset, length) of each blob, in order
    built: list = []  # the dataclass instances, in the order they were finished
    end = start + length

    def hook(obj: dict) -> Any:
        values = obj.get("F")
        if type(values) is list and len(obj) == 2:  # a dataclass, the commonest by far
            cls, count, checks, valid = _PLANS.get(obj.get("O")) or _plan(obj.get("O"))
            if len(values) != count:
                raise _Foreign(f"a {cls.__name__} of another shape")
            for value, (allowed, check) in zip(values, checks):
                if (type(value) not in allowed) if allowed is not None else not check(value):
                    raise _Foreign(f"a {cls.__name__} of another shape")
            value = cls(*values)
            if valid is not None and not valid(value):
                raise _Foreign(f"a {cls.__name__} that does not hold together")
            built.append(value)
            return value
        return _decode_object(buffer, layout, built, end, obj)

    return json.loads(memoryview(buffer)[start:end].tobytes(), object_hook=hook)


_PLANS: dict[str, tuple] = {}  # name -> (class, field count, field checks, further check)


def _plan(name) -> tuple:
    """How to build and check an instance of the registered dataclass ``name``."""
    if type(name) is not str:
        raise _Foreign("unknown object")
    cls = _type_named(name)
    count, checks = _field_checks(cls)
    plan = _PLANS[name] = (cls, count, checks, _VALID.get(name))
    return plan


def _blob(buffer: bytearray, layout: list, end: int, index: int, size: int) -> int:
    """The offset of blob ``index`` (blobs are decoded in the order they were written)."""
    if type(index) is not int or index != len(layout) or size < 0:
        raise _Foreign("blob out of order")
    offset = layout[-1][0] + layout[-1][1] if layout else end
    offset += -offset % _ALIGN
    if offset + size > len(buffer):
        raise _Foreign("truncated")
    layout.append((offset, size))
    return offset


def _decode_object(buffer: bytearray, layout: list, built: list, end: int, obj: dict) -> Any:
    """Every tagged object but a dataclass."""
    if len(obj) == 1:
        (tag, body), = obj.items()
        if tag == "R" and type(body) is int and 0 <= body < len(built):
            return built[body]
        if tag == "T" and type(body) is list:
            return tuple(body)
        if tag == "D" and type(body) is list:
            return {k: v for k, v in body}
        if tag in ("S", "FS") and type(body) is list:
            return set(body) if tag == "S" else frozenset(body)
        if tag == "A" and type(body) is list and len(body) == 3:
            return _array(buffer, layout, end, *body)
        if tag == "B" and type(body) is list and len(body) == 2 and type(body[1]) is int:
            offset = _blob(buffer, layout, end, body[0], body[1])
            return bytes(buffer[offset:offset + body[1]])
        if tag == "N" and type(body) is list and len(body) == 2:
            import numpy as np

            dtype = np.dtype(body[0])
            if dtype.kind not in "biuf" or dtype.hasobject:
                raise _Foreign("not a numeric dtype")
            return dtype.type(body[1])
    raise _Foreign("unknown object")


def _array(buffer: bytearray, layout: list, end: int, index, dtype_name, shape) -> Any:
    import numpy as np

    dtype = np.dtype(dtype_name)
    if dtype.kind not in "biuf" or dtype.hasobject:
        raise _Foreign("not a numeric dtype")
    if type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
        raise _Foreign("bad shape")
    count = 1
    for n in shape:
        count *= n
    offset = _blob(buffer, layout, end, index, count * dtype.itemsize)
    array = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset).reshape(shape)
    return array if array.flags.aligned else array.copy()


def _expected(namespace: str):
    """The shape of the values each namespace of textsieve's holds (None: not checked)."""
    from textsieve.segments import Directive
    from textsieve.findings import Finding

    if namespace == "files":  # findings, corpus rules' data by code, directives, line count
        return tuple[list[Finding], dict[str, object], list[Directive], int]
    if namespace == "corpus":
        return list[Finding]
    if namespace == "dup":
        return _type_named("DocSketch")
    if namespace == "lt":
        return tuple[_type_named("RawMatch"), ...]
    if namespace == "read":  # a readability score and the (sentence, score) pulls
        return tuple[float, list[tuple[int, float]]]
    return None


class Cache:
    def __init__(self, directory: str | os.PathLike | None):
        self.directory = Path(directory) if directory else None
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    def _path(self, namespace: str, key: str) -> Path:
        return self.directory / namespace / key[:2] / key

    def get(self, namespace: str, key: str, expect: Any = None) -> Any | None:
        """The value stored under ``key``, or None. ``expect`` is the value's type
        (``list[Finding]``...); textsieve's own namespaces know theirs."""
        if not self.directory:
            return None
        path = self._path(namespace, key)
        try:
            with open(path, "rb") as handle:
                data = bytearray(handle.read())
            value = loads(data)
            shape = expect if expect is not None else _expected(namespace)
            if shape is not None and not _checker(shape)(value):
                raise _Foreign(f"not the shape of a {namespace} entry")
            os.utime(path)  # recently used: kept by prune()
        except Exception:  # unreadable, corrupt, foreign or of another shape: a miss
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, namespace: str, key: str, value: Any) -> None:
        if not self.directory:
            return
        try:
            data = dumps(value)
        except (TypeError, ValueError, RecursionError):
            return  # a value the cache cannot hold as data is simply not cached
        path = self._path(namespace, key)
        try:
            self._ensure_root()
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def prune(self, max_age_days: float = PRUNE_AFTER_DAYS, now: float | None = None) -> int:
        """Delete entries unused for ``max_age_days``, at most once a day; returns how many.

        Every edit of a file leaves its old entries behind; this keeps the cache
        from growing without bound."""
        if not self.directory or not self.directory.is_dir():
            return 0
        now = time.time() if now is None else now
        marker = self.directory / ".last-prune"
        try:
            if now - marker.stat().st_mtime < 86400:
                return 0
        except OSError:
            pass
        removed = 0
        for root, _dirs, names in os.walk(self.directory):
            for name in names:
                path = os.path.join(root, name)
                if name.startswith(".") and root == str(self.directory):
                    continue
                try:
                    if now - os.stat(path).st_mtime > max_age_days * 86400:
                        os.unlink(path)
                        removed += 1
                except OSError:
                    pass
        try:
            marker.touch()
            os.utime(marker, (now, now))
        except OSError:
            pass
        return removed

    def _ensure_root(self) -> None:
        ignore = self.directory / ".gitignore"
        if not ignore.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore.write_text("# Created by textsieve.\n*\n", encoding="utf-8")


NO_CACHE = Cache(None)
