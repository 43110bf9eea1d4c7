"""The version line of ``textsieve --version``: the release and whether the compiled
loops were built."""

from __future__ import annotations

from textsieve import __version__


def speedups_note() -> str:
    """Whether ``pip install`` could build the compiled loops (a C compiler was found)."""
    try:
        import textsieve._speedups  # noqa: F401
        return "compiled loops: built"
    except ImportError:
        return "compiled loops: not built (no C compiler at install; same results, slower)"


def version_line() -> str:
    return f"textsieve {__version__} ({speedups_note()})"
