"""Applying fixes: only on request, touching nothing but the fixed spans, keeping the file.

Fixes are applied in passes, as ruff does: the fixed text is checked again and its new
fixes applied, until no fixable finding is left (or ``MAX_PASSES``), so that a second run
changes nothing. A fix that overlaps one taken in the same pass waits for the next pass.

A file is re-read before fixing and compared with the content hash taken when it was
checked; if it changed (or vanished, or became a directory) it is not written. The new
text is encoded as the original was (encoding, BOM and line endings are untouched
because only the fixed spans change).

Writing goes through the file itself, as vim does with ``backupcopy=yes``: the same
inode is opened (through a symbolic link, whose target is what gets fixed), overwritten
and truncated. So a symbolic link stays a link, hard links stay one file, and owner,
group, mode, ACLs and extended attributes stay as they are, since nothing but the
content is written; no setuid bit lands on a file of a new owner. Writing a new file
and renaming it over the old one (vim's ``backupcopy=no``) is atomic, but it makes a
new file: links, hard links, ownership (as root) and xattrs were lost that way.

The price is that an overwrite is not atomic. Against that: the original bytes are
first copied to a backup file beside the file (or in the temporary directory) and
fsynced; SIGINT, SIGTERM and SIGHUP are held off while the file is overwritten,
truncated and fsynced; a failed write (disk full) puts the original back; and the
backup is removed once the new content is on disk. A crash in the middle (power loss,
SIGKILL) leaves the backup, whose name the next run cannot mistake for a document.
Writing the new text to a temporary file first and copying it in would leave the new
text instead of the old one after a crash; the old one is what a user can trust.

Compare-and-swap, as an editor does before saving: just before the write, through the
descriptor that writes, the file's inode, size, mtime and content are compared with
what was read; if any differs (an editor saved meanwhile), the file is not written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import errno
import os
import signal
import stat
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Callable

from textsieve.findings import Finding
from textsieve.source import SourceError, content_hash, decode, encode

MAX_PASSES = 10  # a fix that does not settle by then is a rule bug: the file is written as it stands

CHANGED = "the file changed since it was checked"
CHANGED_WHILE_FIXING = "the file changed while it was being fixed (saved by another program?); it is left as it is"

# Rechecks fixed text: (path, text, source info) -> the findings on it, filtered as the
# run's were (suppressions, per-file ignores, baseline).
Recheck = Callable[[str, str, object], list[Finding]]


@dataclass
class FixOutcome:
    fixed: list[Finding] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_texts: dict[str, str] = field(default_factory=dict)
    # For each fixed path that was checked again: the findings on its fixed text.
    remaining: dict[str, list[Finding]] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """A file as it was read for fixing; compared again just before it is written."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    digest: str


def choose_fixes(findings: list[Finding], unsafe: bool) -> dict[str, list[Finding]]:
    """Per path, the applicable fixes that do not overlap, in order."""
    chosen: dict[str, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (f.path, f.span.start, f.span.end)):
        if f.fix is None or (not f.fix.safe and not unsafe):
            continue
        taken = chosen.setdefault(f.path, [])
        if taken and f.span.start < taken[-1].span.end:
            continue  # overlaps a fix already taken; the next pass sees it again
        taken.append(f)
    return chosen


def apply_to_text(text: str, fixes: list[Finding]) -> str:
    parts, last = [], 0
    for f in fixes:
        parts.append(text[last:f.span.start])
        parts.append(f.fix.replacement)
        last = f.span.end
    parts.append(text[last:])
    return "".join(parts)


@dataclass
class FixedText:
    text: str
    applied: list[Finding]
    remaining: list[Finding] | None  # the last recheck's findings; None if never rechecked
    settled: bool


def fix_text(path: str, text: str, fixes: list[Finding], *, unsafe: bool,
             recheck: Recheck | None = None, info=None) -> FixedText:
    """Apply ``fixes``, then, while ``recheck`` finds fixable findings in the result,
    those too (at most ``MAX_PASSES`` passes)."""
    applied: list[Finding] = []
    remaining = None
    for _ in range(MAX_PASSES):
        new_text = apply_to_text(text, fixes)
        if new_text == text:  # fixes that change nothing: nothing more will
            return FixedText(text, applied, remaining, True)
        applied.extend(fixes)
        text = new_text
        if recheck is None:
            return FixedText(text, applied, None, True)
        remaining = recheck(path, text, info)
        fixes = choose_fixes(remaining, unsafe).get(path, [])
        if not fixes:
            return FixedText(text, applied, remaining, True)
    return FixedText(text, applied, remaining, False)


def apply_fixes(findings: list[Finding], digests: dict[str, str], *, unsafe: bool, write: bool,
                stdin: dict[str, bytes] | None = None, recheck: Recheck | None = None) -> FixOutcome:
    outcome = FixOutcome()
    # Files written in this run by (device, inode): the digest written and the fix result.
    written: dict[tuple[int, int], tuple[str, FixedText]] = {}
    for path, fixes in choose_fixes(findings, unsafe).items():
        from_stdin = bool(stdin) and path in stdin
        snapshot = None
        try:
            if from_stdin:
                data = stdin[path]
            else:
                data, snapshot = read_snapshot(path)
        except OSError as exc:
            outcome.errors.append(f"{path}: not fixed: {_reason(exc)}")
            continue
        done = written.get((snapshot.device, snapshot.inode)) if snapshot else None
        if done and done[0] == snapshot.digest:
            # Another name (a hard link) of a file fixed a moment ago: fixed with it.
            outcome.fixed.extend(fixes)
            if done[1].remaining is not None:
                outcome.remaining[path] = [dataclasses.replace(f, span=dataclasses.replace(f.span, path=path))
                                           for f in done[1].remaining]
            continue
        if content_hash(data) != digests.get(path):
            outcome.errors.append(f"{path}: not fixed: {CHANGED}")
            continue
        try:
            text, info = decode(data)
        except SourceError as exc:
            outcome.errors.append(f"{path}: not fixed: {exc}")
            continue
        try:
            lossless = encode(text, info) == data
        except UnicodeEncodeError:
            lossless = False
        if not lossless:
            outcome.errors.append(f"{path}: not fixed: its bytes do not survive a round trip through "
                                  f"{info.encoding}, so writing it could change text outside the fixes")
            continue
        result = fix_text(path, text, fixes, unsafe=unsafe, recheck=recheck, info=info)
        if result.text == text:
            continue
        if not result.settled:
            outcome.warnings.append(f"{path}: fixes did not settle after {MAX_PASSES} passes; "
                                    "a second run will change it again (please report it)")
        new_text = result.text
        if not write:
            outcome.diffs.append("".join(difflib.unified_diff(
                text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                fromfile=f"a/{path}", tofile=f"b/{path}")))
        elif not from_stdin:
            try:
                new_data = encode(new_text, info)
            except UnicodeEncodeError:
                outcome.errors.append(f"{path}: not fixed: the fixed text cannot be written in {info.encoding}")
                continue
            error = write_in_place(path, new_data, snapshot)
            if error:
                outcome.errors.append(f"{path}: not fixed: {error}")
                continue
            written[(snapshot.device, snapshot.inode)] = (content_hash(new_data), result)
        outcome.new_texts[path] = new_text
        outcome.fixed.extend(result.applied)
        if result.remaining is not None:
            outcome.remaining[path] = result.remaining
    return outcome


# -- reading and writing ------------------------------------------------------

# O_NONBLOCK: a FIFO put in the file's place must not block the open. O_BINARY: Windows.
_OPEN_FLAGS = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _read_all(fd: int, size_hint: int) -> bytes:
    """The whole file from its start (lseek and read: os.pread is not on Windows)."""
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, max(size_hint - sum(map(len, chunks)), 0) + 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _write_all(fd: int, data: bytes) -> None:
    view, offset = memoryview(data), 0
    while offset < len(data):
        offset += os.write(fd, view[offset:])


def read_snapshot(path: str) -> tuple[bytes, Snapshot]:
    """The file's bytes and what to compare them with before writing."""
    fd = os.open(path, os.O_RDONLY | _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "it is no longer a regular file")
        data = _read_all(fd, st.st_size)
    finally:
        os.close(fd)
    return data, Snapshot(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, content_hash(data))


def _differs(fd: int, expected: Snapshot) -> bool:
    st = os.fstat(fd)
    if (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) != (
            expected.device, expected.inode, expected.size, expected.mtime_ns):
        return True
    return content_hash(_read_all(fd, st.st_size)) != expected.digest


@contextlib.contextmanager
def _signals_held():
    """SIGINT, SIGTERM and SIGHUP wait until the block ends (then they act as usual).

    Blocking them in this thread is not enough: the kernel gives a signal sent to the
    process to any thread that does not block it, and Python then runs the handler in
    the main thread all the same. So, in the main thread, the handlers are also replaced
    by one that notes the signal, which is raised again once the block is done."""
    held = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)]
    masked = hasattr(signal, "pthread_sigmask")
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, set(held)) if masked else None
    arrived: list[int] = []
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        for number in held:
            current = signal.getsignal(number)
            if current not in (signal.SIG_IGN, None):
                handlers[number] = signal.signal(number, lambda signum, frame: arrived.append(signum))
    try:
        yield
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        if masked:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
        for number in dict.fromkeys(arrived):
            signal.raise_signal(number)


def _overwrite(fd: int, data: bytes, old_size: int) -> None:
    """The file's content becomes ``data``, on disk when this returns."""
    if len(data) > old_size and hasattr(os, "posix_fallocate"):
        # Reserve the room first, so that a full disk stops the write before it starts.
        try:
            os.posix_fallocate(fd, old_size, len(data) - old_size)
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                os.ftruncate(fd, old_size)
                raise
    os.lseek(fd, 0, os.SEEK_SET)
    _write_all(fd, data)
    os.ftruncate(fd, len(data))
    os.fsync(fd)


def _fsync_directory(directory: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _backup(path: str, data: bytes) -> str:
    """A copy of ``data`` on disk, beside the file or else in the temporary directory."""
    real = os.path.realpath(path)
    prefix = "." + os.path.basename(real)[:100] + "."
    error = None
    for directory in (os.path.dirname(real), tempfile.gettempdir()):
        try:
            fd, backup = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".textsieve-backup")
        except OSError as exc:
            error = exc
            continue
        try:
            _write_all(fd, data)
            os.fsync(fd)
        except OSError as exc:
            os.close(fd)
            os.unlink(backup)
            error = exc
            continue
        os.close(fd)
        _fsync_directory(directory)  # so that the backup's name survives a crash too
        return backup
    raise OSError(error.errno, f"cannot keep a copy of the original while writing: {_reason(error)}")


def write_in_place(path: str, data: bytes, expected: Snapshot | None = None) -> str | None:
    """Write ``data`` through ``path``'s own inode; returns an error message or None.

    With ``expected``, the file is written only if it is still what was read."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return _reason(exc)
    # Mode bits, not os.access alone: as root, access() calls every file writable.
    if not mode & 0o222 or not os.access(path, os.W_OK):
        return "the file is read-only"
    try:
        fd = os.open(path, os.O_RDWR | _OPEN_FLAGS)
    except OSError as exc:
        return _reason(exc)
    try:
        return _write_fd(fd, path, data, expected)
    finally:
        os.close(fd)


def _write_fd(fd: int, path: str, data: bytes, expected: Snapshot | None) -> str | None:
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return "it is no longer a regular file"
        try:  # against a second textsieve fixing the same file; editors take no lock
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return "another process holds a lock on it"
        except (ImportError, OSError):
            pass  # no flock here (Windows, some network file systems)
        original = _read_all(fd, st.st_size)
        if expected is None:
            expected = Snapshot(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, content_hash(original))
        elif _differs(fd, expected):
            return CHANGED_WHILE_FIXING
        backup = _backup(path, original)
    except OSError as exc:
        return _reason(exc)
    try:
        with _signals_held():
            # Compare-and-swap: the last look, right before the first byte is written.
            if _differs(fd, expected):
                return CHANGED_WHILE_FIXING
            try:
                _overwrite(fd, data, len(original))
            except OSError as exc:
                try:
                    _overwrite(fd, original, len(original))
                except OSError:
                    kept, backup = backup, None
                    return f"{_reason(exc)}; the original is kept in {kept}"
                return _reason(exc)
    except OSError as exc:
        return _reason(exc)
    finally:
        if backup:
            with contextlib.suppress(OSError):
                os.unlink(backup)
    return None


# The name baseline.py writes through.
write_atomically = write_in_place
