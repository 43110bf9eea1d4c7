"""A progress line on stderr for long runs: documents read, the corpus step, done.

Drawn with click's progress bar (click is already the command line's library; a
second one, tqdm or rich, would add a dependency for one line). Shown only where a
person watches: stderr is a terminal, CI is not set, --quiet is not given, and
stdout does not carry a machine format (json, sarif, github) that the same
terminal shows. Nothing is drawn before the run has taken ``DELAY`` seconds, so a
short run prints nothing at all.
"""

from __future__ import annotations

import os
import sys
import time

DELAY = 1.0  # seconds: runs shorter than this show no progress
MACHINE_FORMATS = ("json", "sarif", "github")


def wanted(*, quiet: bool, fmt: str, output_file: str | None, stream=None) -> bool:
    """Whether a progress line belongs on ``stream`` (stderr) for this run."""
    stream = stream if stream is not None else sys.stderr
    if quiet or os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    if fmt in MACHINE_FORMATS and not output_file:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """What the runner tells: ``start(parts)``, ``advance(parts, documents)`` as parts of the
    work end, ``corpus(codes)``,
    ``corpus_rule(code)``, ``done()``. The no-op base is what a run without a terminal gets."""

    def start(self, total: int) -> None:
        pass

    def advance(self, parts: int = 1, documents: int = 0) -> None:
        pass

    def corpus(self, codes: list[str]) -> None:
        pass

    def corpus_rule(self, code: str) -> None:
        pass

    def done(self, documents: int) -> None:
        pass


NO_PROGRESS = Progress()


class TerminalProgress(Progress):
    def __init__(self, stream=None, delay: float | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.delay = DELAY if delay is None else delay
        self.started = time.monotonic()
        self.bar = None
        self.total = 0
        self.position = 0
        self.documents = 0
        self.shown = False
        self.codes: list[str] = []
        self.current = ""

    def _due(self) -> bool:
        return time.monotonic() - self.started >= self.delay

    def _rate(self, _item=None) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return f"{self.documents:,} documents, {self.documents / elapsed:,.0f}/s"

    def _open(self, length: int, label: str, position: int, show):
        import click

        bar = click.progressbar(length=max(length, 1), label=label, file=self.stream, show_eta=True,
                                show_pos=True, item_show_func=show, width=24)
        bar.start = time.time() - (time.monotonic() - self.started)  # the rate since the run began
        bar.__enter__()
        if position:
            bar.update(position)
        self.shown = True
        return bar

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, parts: int = 1, documents: int = 0) -> None:
        self.position += parts
        self.documents += documents
        if self.bar is None and self._due() and self.position < self.total:
            self.bar = self._open(self.total, "reading", self.position, self._rate)
        elif self.bar is not None:
            self.bar.update(parts)

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None

    def corpus(self, codes: list[str]) -> None:
        if self.bar is not None:
            self.bar.update(self.total - self.bar.pos)
        self._close()
        self.codes = codes

    def corpus_rule(self, code: str) -> None:
        self.current = code
        index = self.codes.index(code) if code in self.codes else 0
        if self.bar is None and self._due():
            self.bar = self._open(len(self.codes), "corpus step", index, lambda _: self.current)
        elif self.bar is not None:
            self.bar.update(index - self.bar.pos)
            self.bar.render_progress()

    def done(self, documents: int) -> None:
        if self.bar is not None:
            self.bar.update(self.bar.length - self.bar.pos)
        self._close()
        if self.shown:
            elapsed = time.monotonic() - self.started
            self.stream.write(f"done: {documents:,} documents in {elapsed:.1f} s\n")
            self.stream.flush()
