"""--fix, --diff and --unsafe-fixes: atomic writes that touch nothing but the fixed spans."""

import errno
import os
import stat

import pytest

from helpers import textsieve, write
from textsieve import fixes
from textsieve.findings import Finding, Fix, Span
from textsieve.source import content_hash

ORIGINAL = "\ufeff# T\r\n\r\nRead the the guide.\r\nTrailing  spaces stay.  \r\n\r\nAnd the\nthe end.\r\n"


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "a.md", ORIGINAL.encode("utf-8"))
    write(tmp_path / "b.md", "Untouched the the.\n")
    os.chmod(tmp_path / "a.md", 0o640)
    return tmp_path


def test_fix_applies_safe_fixes_only_and_keeps_every_other_byte(project):
    result = textsieve("check", "--fix", "a.md", cwd=project)
    after = (project / "a.md").read_bytes().decode("utf-8")
    # The fix across a line break is unsafe: left alone and still reported.
    assert after == ORIGINAL.replace("the the guide", "the guide")
    assert stat.S_IMODE(os.stat(project / "a.md").st_mode) == 0o640
    assert (project / "b.md").read_text() == "Untouched the the.\n"
    assert result.code == 1 and "Fixed 1 finding." in result.out
    assert "a.md:6:5: TS003 'the' is repeated" in result.out


def test_unsafe_fixes_and_idempotence(project):
    textsieve("check", "--fix", "--unsafe-fixes", "a.md", cwd=project)
    once = (project / "a.md").read_bytes()
    assert once.decode() == ORIGINAL.replace("the the guide", "the guide").replace("And the\nthe end", "And the end")
    second = textsieve("check", "--fix", "--unsafe-fixes", "a.md", cwd=project)
    assert (project / "a.md").read_bytes() == once
    assert second.code == 0


def test_diff_writes_nothing(project):
    result = textsieve("check", "--diff", "a.md", cwd=project)
    assert result.code == 1
    assert "-Read the the guide.\r\n" in result.out and "+Read the guide.\r\n" in result.out
    assert (project / "a.md").read_bytes().decode() == ORIGINAL


def test_read_only_file_is_not_written(project):
    os.chmod(project / "a.md", 0o444)
    result = textsieve("check", "--fix", "a.md", cwd=project)
    assert "a.md: not fixed: the file is read-only" in result.err
    assert (project / "a.md").read_bytes().decode() == ORIGINAL


def _finding(path):
    text = (path).read_text()
    start = text.index("the the")
    return Finding("TS003", "x", "warning", Span(str(path), 1, 1, 1, 1, start, start + 7), Fix("the"))


def test_changed_deleted_or_replaced_files_are_not_written(tmp_path):
    path = tmp_path / "c.md"
    path.write_text("x the the y\n")
    finding = _finding(path)
    digest = content_hash(path.read_bytes())
    path.write_text("x the the y changed\n")
    outcome = fixes.apply_fixes([finding], {str(path): digest}, unsafe=False, write=True)
    assert outcome.errors == [f"{path}: not fixed: the file changed since it was checked"]
    assert path.read_text() == "x the the y changed\n"
    path.unlink()
    path.mkdir()
    outcome = fixes.apply_fixes([finding], {str(path): digest}, unsafe=False, write=True)
    assert outcome.errors and "not fixed" in outcome.errors[0] and path.is_dir()
    path.rmdir()
    outcome = fixes.apply_fixes([finding], {str(path): digest}, unsafe=False, write=True)
    assert outcome.errors and "not fixed" in outcome.errors[0]


def test_full_disk_keeps_the_original(tmp_path, monkeypatch):
    path = tmp_path / "d.md"
    path.write_text("x the the y\n")
    finding = _finding(path)

    def full(fd, *args, **kwargs):
        os.close(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fixes.os, "fdopen", full)
    outcome = fixes.apply_fixes([finding], {str(path): content_hash(path.read_bytes())},
                                unsafe=False, write=True)
    assert outcome.errors == [f"{path}: not fixed: No space left on device"]
    assert path.read_text() == "x the the y\n"
    assert os.listdir(tmp_path) == ["d.md"]  # no temporary file left behind


def test_non_utf8_file_is_written_back_in_its_encoding(tmp_path):
    write(tmp_path / "l.txt", "Caf\xe9 the the cr\xe8me.\n".encode("cp1252"))
    textsieve("check", "--fix", "l.txt", cwd=tmp_path)
    assert (tmp_path / "l.txt").read_bytes() == "Caf\xe9 the cr\xe8me.\n".encode("cp1252")


def test_overlapping_fixes_take_the_first():
    span = lambda a, b: Span("p", 1, a + 1, 1, b + 1, a, b)
    found = [Finding("X", "m", "info", span(0, 5), Fix("A")), Finding("X", "m", "info", span(3, 8), Fix("B")),
             Finding("X", "m", "info", span(8, 9), Fix("C"))]
    chosen = fixes.choose_fixes(found, unsafe=False)["p"]
    assert fixes.apply_to_text("0123456789", chosen) == "A567C9"


def test_mixed_utf8_and_stray_bytes_is_checked_but_never_rewritten(tmp_path):
    data = "Caf\u00e9 \u2014 fine.".encode() + b" A stray \x93quote\x94 and the the end.\n"
    write(tmp_path / "m.txt", data)
    result = textsieve("check", "--fix", "--select", "TS003", "m.txt", cwd=tmp_path)
    assert "m.txt:1:34: TS003 [*] 'the' is repeated" in result.out
    assert "m.txt: not fixed: its bytes do not survive a round trip through utf-8+windows-1252" in result.err
    assert (tmp_path / "m.txt").read_bytes() == data


def test_decode_reads_stray_bytes_as_windows_1252():
    from textsieve.source import decode

    text, info = decode("\u00e9".encode() + b" \x93x\x94 \x81")
    assert text == "\u00e9 \u201cx\u201d \x81"
    assert (info.is_utf8, info.encoding, info.bad_byte_offset) == (False, "utf-8+windows-1252", 3)
