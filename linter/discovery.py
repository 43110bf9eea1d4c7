"""Which files to check: paths from the command line, walked recursively.

Directories are walked in sorted order, honouring ``.gitignore`` files (those
in walked directories and in their parents up to the repository root), the
default excludes and the configured ``include``/``exclude`` globs (gitignore
syntax, relative to the project root). A file named explicitly is always
checked. Symbolic links to directories are followed once; a loop is reported
and skipped, as is a directory that cannot be read (a warning: its files are
not checked). A file that cannot be read is still listed; reading it fails in
the run, which reports it as TS002.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_INCLUDE = ["*.md", "*.markdown", "*.mdx", "*.txt", "*.rst"]
DEFAULT_EXCLUDE = [
    ".git/", ".hg/", ".svn/", ".bzr/", "node_modules/", ".venv/", "venv/", ".tox/", ".nox/",
    "__pycache__/", "build/", "dist/", "_build/", "site-packages/", "*.egg-info/", ".eggs/",
    ".mypy_cache/", ".pytest_cache/", ".ruff_cache/", ".textsieve_cache/", "__pypackages__/",
    # .txt files that are not prose: build scripts, package lists, crawler rules.
    "CMakeLists*.txt", "requirements*.txt", "constraints*.txt", "robots.txt",
    # Licence texts: legal text quoted verbatim, not the project's to rewrite.
    "LICENSE.*", "LICENCE.*", "COPYING.*", "license.md", "license.txt", "license.rst", "licence.md",
    "licence.txt", "licence.rst",
]


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)  # display paths, in order
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def display_path(path: str) -> str:
    """Relative to the working directory when inside it, as given otherwise."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute == cwd:
        return os.curdir
    prefix = cwd.rstrip(os.sep) + os.sep
    if absolute.startswith(prefix):  # both normalised: what relpath gives, without its work
        return absolute[len(prefix):]
    return path if not os.path.isabs(path) else absolute


def _spec(lines):
    import pathspec  # here: files named on the command line need no pattern

    return pathspec.GitIgnoreSpec.from_lines(list(lines))


def _git_root(start: str) -> str | None:
    current = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class _Ignores:
    """The .gitignore files that apply to a directory, read once each."""

    def __init__(self):
        self._by_dir: dict[str, object] = {}  # a pathspec.PathSpec, or None

    def _load(self, directory: str):
        if directory not in self._by_dir:
            try:
                with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as fh:
                    self._by_dir[directory] = _spec(fh)
            except OSError:
                self._by_dir[directory] = None
        return self._by_dir[directory]

    def ignored(self, path: str, is_dir: bool, top: str) -> bool:
        """Whether ``path`` is ignored by a .gitignore in ``top`` or below, up to its parent."""
        directory = os.path.dirname(path)
        chain = []
        while True:
            chain.append(directory)
            if directory == top or len(directory) <= len(top):
                break
            directory = os.path.dirname(directory)
        for directory in reversed(chain):
            spec = self._load(directory)
            if spec is not None:
                rel = os.path.relpath(path, directory).replace(os.sep, "/") + ("/" if is_dir else "")
                if spec.match_file(rel):
                    return True
        return False


def discover(paths: list[str], root: str, include: list[str], exclude: list[str],
             respect_gitignore: bool = True, force_exclude: bool = False) -> Discovery:
    result = Discovery()
    specs: dict[str, object] = {}

    def include_spec():
        if "include" not in specs:
            specs["include"] = _spec(include)
        return specs["include"]

    def exclude_spec():
        if "exclude" not in specs:
            specs["exclude"] = _spec(DEFAULT_EXCLUDE + list(exclude))
        return specs["exclude"]
    ignores = _Ignores()
    seen: set[str] = set()
    root = os.path.abspath(root)

    root_prefix = root.rstrip(os.sep) + os.sep

    def rel_to_root(absolute: str, is_dir: bool) -> str | None:
        # ``absolute`` is normalised (abspath), so the path below root is a slice of it.
        if absolute == root or not absolute.startswith(root_prefix):
            return None
        return absolute[len(root_prefix):].replace(os.sep, "/") + ("/" if is_dir else "")

    def excluded(absolute: str, is_dir: bool) -> bool:
        rel = rel_to_root(absolute, is_dir)
        name = os.path.basename(absolute) + ("/" if is_dir else "")
        spec = exclude_spec()
        return spec.match_file(name) or (rel is not None and spec.match_file(rel))

    real_dirs: dict[str, str] = {}

    def real_path(display: str) -> str:
        """os.path.realpath, with each directory resolved once (one lstat a file, not
        one a path component)."""
        if os.path.islink(display):
            return os.path.realpath(display)
        directory, name = os.path.split(display)
        real_dir = real_dirs.get(directory)
        if real_dir is None:
            real_dir = real_dirs[directory] = os.path.realpath(directory or os.curdir)
        return os.path.join(real_dir, name)

    def add(display: str) -> None:
        key = real_path(display)
        if key not in seen:
            seen.add(key)
            result.files.append(display)

    for given in paths:
        if not os.path.lexists(given):
            result.missing.append(given)
            continue
        if not os.path.isdir(given):
            # Named explicitly: always checked, unless excludes are forced (pre-commit
            # names every staged file, and the project's excludes should still hold).
            if not (force_exclude and excluded(os.path.abspath(given), False)):
                add(display_path(given))
            continue
        top = os.path.abspath(given)
        included = include_spec()
        git_top = _git_root(top) if respect_gitignore else None
        gitignore_top = git_top if git_top and top.startswith(git_top) else top
        visited: set[tuple[int, int]] = set()
        found: list[str] = []

        def unreadable(error: OSError) -> None:
            why = (error.strerror or str(error)).lower()
            result.warnings.append(f"{display_path(error.filename or given)}: skipped, {why}")

        for dirpath, dirnames, filenames in os.walk(given, followlinks=True, onerror=unreadable):
            st = os.stat(dirpath)
            if (st.st_dev, st.st_ino) in visited:
                result.warnings.append(f"{display_path(dirpath)}: skipped, a symbolic-link loop")
                dirnames[:] = []
                continue
            visited.add((st.st_dev, st.st_ino))
            # Normalised once a directory: os.walk's names are plain names, never . or ..
            absolute_dir = os.path.join(os.path.abspath(dirpath), "")
            kept = []
            for name in sorted(dirnames):
                full = absolute_dir + name
                if excluded(full, True) or (respect_gitignore and ignores.ignored(full, True, gitignore_top)):
                    continue
                try:
                    sub = os.stat(full)
                except (FileNotFoundError, NotADirectoryError):
                    result.warnings.append(f"{display_path(full)}: skipped, a broken symbolic link")
                    continue
                except OSError as exc:
                    result.warnings.append(f"{display_path(full)}: skipped, "
                                           f"{(exc.strerror or str(exc)).lower()}")
                    continue
                if (sub.st_dev, sub.st_ino) in visited:
                    result.warnings.append(f"{display_path(full)}: skipped, a symbolic-link loop")
                    continue
                kept.append(name)
            dirnames[:] = kept
            for name in sorted(filenames):
                full = absolute_dir + name
                if not included.match_file(name) and not included.match_file(
                        rel_to_root(full, False) or name):
                    continue
                if excluded(full, False) or (respect_gitignore and ignores.ignored(full, False, gitignore_top)):
                    continue
                # As the user spelled it: relative to the working directory, or as given.
                found.append(display_path(os.path.join(dirpath, name)))
        for display in sorted(found):
            add(display)
    return result
