"""`--stdin-filename`: an editor's unsaved buffer, checked as if it were that file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def textsieve(*args: str, cwd: Path, stdin: bytes | str = b"") -> subprocess.CompletedProcess:
    env = {**os.environ, "TEXTSIEVE_CACHE_DIR": str(cwd / ".cache-for-test")}
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    done = subprocess.run([sys.executable, "-m", "textsieve", "check", *args], cwd=cwd, input=data,
                          capture_output=True, env=env)
    done.out = done.stdout.decode("utf-8")
    done.err = done.stderr.decode("utf-8")
    return done


def test_reported_under_the_given_path_with_character_columns(tmp_path):
    done = textsieve("--stdin-filename", "notes/unsaved.md", "--select", "TS003", cwd=tmp_path,
                     stdin="# Title\n\n😀 é the the end\n")
    assert done.returncode == 1, done.err
    path = os.path.join("notes", "unsaved.md")
    assert done.out.splitlines()[0] == f"{path}:3:5: TS003 [*] 'the' is repeated"
    assert not (tmp_path / "notes").exists()  # the file need not exist, and is not created


def test_absolute_filename_inside_the_directory_is_shown_relative(tmp_path):
    done = textsieve("--stdin-filename", str(tmp_path / "a.txt"), "--select", "TS003",
                     "--format", "json", cwd=tmp_path, stdin="so the the end\n")
    [finding] = json.loads(done.out)["findings"]
    assert (finding["path"], finding["line"], finding["column"], finding["end_line"],
            finding["end_column"]) == ("a.txt", 1, 4, 1, 11)


@pytest.mark.parametrize("name, flagged", [("doc.md", False), ("doc.txt", True)])
def test_the_format_follows_the_filename(tmp_path, name, flagged):
    """In Markdown, inline code is not prose; in plain text the backticks are just characters."""
    done = textsieve("--stdin-filename", name, "--select", "TS003", cwd=tmp_path,
                     stdin="Run `the the` here.\n")
    assert (done.returncode == 1) is flagged
    assert (f"{name}:1:6: TS003" in done.out) is flagged


def test_configuration_and_per_file_ignores_apply_as_for_that_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.textsieve]\nselect = ["TS003"]\n'
        '[tool.textsieve.per-file-ignores]\n"drafts/**" = ["TS003"]\n', encoding="utf-8")
    text = "- item with the the slip\n"
    drafted = textsieve("--stdin-filename", "drafts/x.md", cwd=tmp_path, stdin=text)
    assert drafted.returncode == 0 and "All checks passed (1 file)." in drafted.out
    published = textsieve("--stdin-filename", "docs/x.md", cwd=tmp_path, stdin=text)
    assert published.returncode == 1
    assert published.out.startswith(f"{os.path.join('docs', 'x.md')}:1:13: TS003")
    # From a subdirectory the same configuration is found, and paths are relative to it.
    (tmp_path / "drafts").mkdir()
    inner = textsieve("--stdin-filename", "x.md", cwd=tmp_path / "drafts", stdin=text)
    assert inner.returncode == 0, inner.out


def test_inline_suppressions_apply(tmp_path):
    text = "<!-- textsieve: disable-next-line TS003 -->\nthe the\n\nand and\n"
    done = textsieve("--stdin-filename", "s.md", "--select", "TS003", cwd=tmp_path, stdin=text)
    assert [line.split(": TS003")[0] for line in done.out.splitlines() if "TS003" in line] == ["s.md:4:1"]


def test_fix_writes_the_fixed_buffer_to_stdout_and_leaves_files_alone(tmp_path):
    (tmp_path / "doc.md").write_text("on disk the the\n", encoding="utf-8")
    done = textsieve("--stdin-filename", "doc.md", "--select", "TS003", "--fix", cwd=tmp_path,
                     stdin=b"Read the the guide.\r\nIt\nit works.\r\n")
    # Line endings are kept; the fix across a line break is unsafe, so not applied; its finding
    # goes to standard error, with the report.
    assert done.stdout == b"Read the guide.\r\nIt\nit works.\r\n"
    assert "doc.md:2:1: TS003 'It' is repeated\n" in done.err and "Fixed 1 finding." in done.err
    assert (tmp_path / "doc.md").read_text(encoding="utf-8") == "on disk the the\n"


def test_diff_of_the_buffer(tmp_path):
    done = textsieve("--stdin-filename", "d.md", "--select", "TS003", "--diff", cwd=tmp_path,
                     stdin="Read the the guide.\n")
    assert done.returncode == 1
    assert "-Read the the guide.\n+Read the guide.\n" in done.out


def test_bytes_that_are_not_utf8_are_decoded_not_fatal(tmp_path):
    done = textsieve("--stdin-filename", "latin.txt", "--select", "TS003", cwd=tmp_path,
                     stdin="café au lait, the the end\n".encode("latin-1"))
    assert done.returncode == 1, done.err
    assert "latin.txt:1:15: TS003 [*] 'the' is repeated" in done.out


def test_paths_with_stdin_are_a_usage_error(tmp_path):
    done = textsieve("--stdin-filename", "a.md", "other.md", cwd=tmp_path, stdin="x\n")
    assert done.returncode == 2 and "--stdin-filename takes no paths" in done.err


def test_stdin_buffer_is_compared_with_the_corpus_and_replaces_its_own_copy(tmp_path):
    passage = ("The committee met on a cold Tuesday morning to review the harbour budget, and after "
               "three hours of argument it agreed to repair the north pier before the winter storms.")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "old.md").write_text(f"# Old\n\n{passage}\n", encoding="utf-8")
    buffer = f"# New\n\nAn opening line.\n\n{passage}\n"
    done = textsieve("--stdin-filename", "docs/new.md", "--corpus", "docs", "--select", "DUP102",
                     cwd=tmp_path, stdin=buffer)
    assert done.returncode == 1, done.err
    new, old = os.path.join("docs", "new.md"), os.path.join("docs", "old.md")
    [line] = [line for line in done.out.splitlines() if "DUP102" in line]
    assert line.startswith(f"{new}:5:1: DUP102 exact duplicate of {old}:3:1")
    # Editing old.md itself: the buffer stands in for the file on disk, so no self-duplicate.
    done = textsieve("--stdin-filename", "docs/old.md", "--corpus", "docs", "--select", "DUP102",
                     cwd=tmp_path, stdin=f"# Old\n\n{passage}\n")
    assert done.returncode == 0, done.out


def test_fix_on_stdin_with_nothing_to_fix_echoes_the_input_byte_for_byte(tmp_path):
    data = "Caf\xe9 cr\xe8me, nothing doubled.\r\n".encode("cp1252")
    proc = subprocess.run([sys.executable, "-m", "textsieve", "check", "--fix", "--select", "TS",
                           "--stdin-filename", "x.txt"], cwd=tmp_path, input=data, capture_output=True)
    assert proc.returncode == 0
    assert proc.stdout == data


def test_fix_on_stdin_settles_in_one_run(tmp_path):
    # "the the the" (one finding or two, as TS003 reports runs) is gone in one run; the report
    # (on standard error) is about the fixed buffer: the unsafe repeat across the line break
    # is at its column there.
    done = textsieve("--stdin-filename", "doc.md", "--select", "TS003", "--fix", cwd=tmp_path,
                     stdin="The the the x and the\nthe end.\n")
    assert done.stdout == b"The x and the\nthe end.\n"
    assert "doc.md:1:11: TS003 'the' is repeated" in done.err and "Fixed " in done.err
