"""An on-disk cache of per-content results, keyed by content hash and options.

Default directory `.textsieve_cache` (with its own `.gitignore`), moved by
``TEXTSIEVE_CACHE_DIR`` or ``cache-dir``, disabled by ``--no-cache``. Entries
are pickles under ``<namespace>/<key[:2]>/<key>``; writes are atomic, and a
corrupt or unreadable entry is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any

from textsieve import __version__

DEFAULT_DIR = ".textsieve_cache"
PRUNE_AFTER_DAYS = 30
ENV_VAR = "TEXTSIEVE_CACHE_DIR"


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

    def get(self, namespace: str, key: str) -> Any | None:
        if not self.directory:
            return None
        path = self._path(namespace, key)
        try:
            with open(path, "rb") as handle:
                value = pickle.load(handle)
            os.utime(path)  # recently used: kept by prune()
        except Exception:
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, namespace: str, key: str, value: Any) -> None:
        if not self.directory:
            return
        path = self._path(namespace, key)
        try:
            self._ensure_root()
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
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
