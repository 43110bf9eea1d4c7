"""The console script. ``textsieve --version`` is answered here, before the modules of
the command line (click among them) are imported: editors and hooks ask it often."""

from __future__ import annotations

import sys

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


def entry() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        print(version_line())
        return
    from textsieve.cli import entry as run_command_line

    run_command_line()
