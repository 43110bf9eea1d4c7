"""The console script. ``textsieve --version`` is answered here, before the modules of
the command line (click among them) are imported: editors and hooks ask it often."""

from __future__ import annotations

import sys


def entry() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from textsieve.version import version_line

        print(version_line())
        return
    from textsieve.cli import entry as run_command_line

    run_command_line()
