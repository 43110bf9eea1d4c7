"""The progress line: drawn on a terminal's stderr only, never on a pipe, in CI, with
--quiet, or beside a machine format on the same terminal."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import pytest

from helpers import write
from textsieve.progress import TerminalProgress, wanted

# The command line with the progress line's delay at zero, so that a run of a few files
# shows it: the real entry point, run the way a user runs it.
ENTRY = "import sys, textsieve.progress as p; p.DELAY = 0; from textsieve.cli import entry; entry()"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def no_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")


def test_wanted_on_a_terminal_for_the_text_format(no_ci):
    assert wanted(quiet=False, fmt="text", output_file=None, stream=FakeTerminal())


@pytest.mark.parametrize("case", ["quiet", "ci", "dumb", "pipe", "json", "sarif", "github"])
def test_not_wanted(no_ci, monkeypatch, case):
    stream = io.StringIO() if case == "pipe" else FakeTerminal()
    if case == "ci":
        monkeypatch.setenv("CI", "true")
    if case == "dumb":
        monkeypatch.setenv("TERM", "dumb")
    fmt = case if case in ("json", "sarif", "github") else "text"
    assert not wanted(quiet=case == "quiet", fmt=fmt, output_file=None, stream=stream)


def test_a_machine_format_written_to_a_file_leaves_the_terminal_free(no_ci):
    assert wanted(quiet=False, fmt="json", output_file="out.json", stream=FakeTerminal())


@pytest.mark.parametrize("value", ["0", "false", "no", ""])
def test_ci_set_to_a_false_value_is_not_ci(no_ci, monkeypatch, value):
    monkeypatch.setenv("CI", value)
    assert wanted(quiet=False, fmt="text", output_file=None, stream=FakeTerminal())


def run_steps(progress: TerminalProgress) -> None:
    progress.start(3)
    for _ in range(3):
        progress.advance(1, 1)
    progress.corpus(["DUP101", "DUP102"])
    progress.corpus_rule("DUP101")
    progress.corpus_rule("DUP102")
    progress.done(3)


def test_a_run_past_the_delay_shows_each_step_and_the_total():
    stream = FakeTerminal()
    run_steps(TerminalProgress(stream, delay=0))
    shown = stream.getvalue()
    assert "reading" in shown
    assert "corpus step" in shown and "DUP102" in shown
    last = shown.splitlines()[-1]
    assert last.startswith("done: 3 documents in ") and last.endswith(" s")


def test_a_short_run_prints_nothing():
    stream = FakeTerminal()
    run_steps(TerminalProgress(stream, delay=3600))
    assert stream.getvalue() == ""


# -- the command line under a real pseudo-terminal ---------------------------------


def run_on_a_terminal(args: list[str], cwd, env_extra: dict | None = None) -> tuple[int, str, str]:
    """Runs the command with stderr on a pseudo-terminal and stdout on a pipe; returns the exit
    code, stdout and what the terminal showed."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update({"TERM": "xterm", "NO_COLOR": "1"}, **(env_extra or {}))
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", ENTRY, *args], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    out = proc.stdout.read().decode("utf-8", "replace")
    proc.stdout.close()
    return proc.wait(timeout=120), out, shown.decode("utf-8", "replace")


@pytest.fixture
def corpus(tmp_path):
    """More files than one batch of the reading step (64), so that it has parts to show."""
    for n in range(130):
        write(tmp_path / f"page{n}.md", f"# Page {n}\n\nThe page number {n} has its own words.\n")
    return tmp_path


def test_the_progress_line_on_a_terminal(corpus):
    code, out, shown = run_on_a_terminal(["check", "--no-cache", "--jobs", "1", "."], corpus)
    assert code == 0, shown
    assert "reading" in shown
    assert "corpus step" in shown
    assert "done: 130 documents in" in shown
    assert "done:" not in out  # stdout carries findings only


@pytest.mark.parametrize("args, env", [
    (["--quiet"], {}),
    (["-q"], {}),
    ([], {"CI": "true"}),
    (["--format", "json"], {}),
])
def test_no_progress_line(corpus, args, env):
    code, out, shown = run_on_a_terminal(["check", "--no-cache", "--jobs", "1", *args, "."], corpus, env)
    assert code == 0, shown
    assert "reading" not in shown and "done:" not in shown


def test_no_progress_line_on_a_pipe(corpus):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.run([sys.executable, "-c", ENTRY, "check", "--no-cache", "--jobs", "1", "."],
                          cwd=corpus, env=dict(env, TERM="xterm"), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert b"done:" not in proc.stderr and b"reading" not in proc.stderr
