"""--fix, --diff and --unsafe-fixes: writes that touch nothing but the fixed spans and keep the file."""

import errno
import os
import signal
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


# -- the file is kept: same inode, links, owner, mode, xattrs ------------------

def _fixable(tmp_path, name="d.md", text="x the the y\n"):
    path = tmp_path / name
    path.write_text(text)
    return path, _finding(path), {str(path): content_hash(path.read_bytes())}


def test_full_disk_in_the_middle_of_the_write_puts_the_original_back(tmp_path, monkeypatch):
    path, finding, digests = _fixable(tmp_path)
    real_write, calls = os.write, []

    def full(fd, data):
        if bytes(data) == b"x the y\n" and not calls:  # the new text: a part lands, then the disk is full
            calls.append(real_write(fd, bytes(data[:4])))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(fixes.os, "write", full)
    outcome = fixes.apply_fixes([finding], digests, unsafe=False, write=True)
    assert outcome.errors == [f"{path}: not fixed: No space left on device"]
    assert calls == [4] and path.read_text() == "x the the y\n"
    assert os.listdir(tmp_path) == ["d.md"]  # no backup left behind


def test_no_room_for_a_longer_text_stops_before_writing(tmp_path, monkeypatch):
    path = tmp_path / "g.md"
    path.write_text("x the the y\n")
    start = path.read_text().index("the the")
    finding = Finding("X", "x", "warning", Span(str(path), 1, 1, 1, 1, start, start + 7), Fix("the longer"))

    def no_room(fd, offset, length):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fixes.os, "posix_fallocate", no_room, raising=False)
    outcome = fixes.apply_fixes([finding], {str(path): content_hash(path.read_bytes())},
                                unsafe=False, write=True)
    assert outcome.errors == [f"{path}: not fixed: No space left on device"]
    assert path.read_bytes() == b"x the the y\n"


def test_the_original_is_on_disk_while_the_file_is_overwritten(tmp_path, monkeypatch):
    path, finding, digests = _fixable(tmp_path)
    real_overwrite, seen = fixes._overwrite, []

    def look(fd, data, old_size):
        [backup] = [name for name in os.listdir(tmp_path) if name != "d.md"]
        seen.append((backup, (tmp_path / backup).read_bytes()))
        return real_overwrite(fd, data, old_size)

    monkeypatch.setattr(fixes, "_overwrite", look)
    assert not fixes.apply_fixes([finding], digests, unsafe=False, write=True).errors
    [(backup, content)] = seen
    assert content == b"x the the y\n" and backup.startswith(".d.md.") and not backup.endswith(".md")
    assert path.read_text() == "x the y\n" and os.listdir(tmp_path) == ["d.md"]


def _interrupt_the_write(tmp_path, monkeypatch, request, pause: float = 0.0) -> None:
    """Ctrl-C in the middle of a fix's write (``pause`` seconds before the write goes on):
    the interrupt comes after the file is written whole."""
    import time

    path, finding, digests = _fixable(tmp_path)
    real_overwrite = fixes._overwrite

    def interrupted(fd, data, old_size):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(pause)
        return real_overwrite(fd, data, old_size)

    monkeypatch.setattr(fixes, "_overwrite", interrupted)
    # Ctrl-C as a terminal delivers it, even in a test run started in the background
    # (which ignores SIGINT).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    request.addfinalizer(lambda: signal.signal(signal.SIGINT, previous))
    with pytest.raises(KeyboardInterrupt):
        fixes.apply_fixes([finding], digests, unsafe=False, write=True)
    assert path.read_text() == "x the y\n" and os.listdir(tmp_path) == ["d.md"]


def test_an_interrupt_waits_until_the_file_is_written(tmp_path, monkeypatch, request):
    _interrupt_the_write(tmp_path, monkeypatch, request)


def test_an_interrupt_waits_for_the_write_with_other_threads_running(tmp_path, monkeypatch, request):
    """A signal sent to the process goes to a thread that does not block it: blocking it in
    the writing thread alone let Ctrl-C through while a thread of an earlier test lived."""
    import threading

    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
    request.addfinalizer(stop.set)
    _interrupt_the_write(tmp_path, monkeypatch, request, pause=0.2)  # time for the other thread


def test_same_inode_mode_and_hard_links(tmp_path):
    path, finding, digests = _fixable(tmp_path)
    os.chmod(path, 0o640)
    os.link(path, tmp_path / "other-name.md")
    before = os.stat(path)
    assert not fixes.apply_fixes([finding], digests, unsafe=False, write=True).errors
    after = os.stat(path)
    assert (after.st_ino, after.st_dev, after.st_nlink) == (before.st_ino, before.st_dev, 2)
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert (tmp_path / "other-name.md").read_text() == "x the y\n"


def test_two_names_of_one_file_are_fixed_once_without_an_error(tmp_path):
    write(tmp_path / "docs" / "a.md", "Read the the guide.\n")
    os.link(tmp_path / "docs" / "a.md", tmp_path / "docs" / "b.md")
    result = textsieve("check", "--fix", "docs", cwd=tmp_path)
    assert result.code == 0 and result.err == "", result.err
    assert (tmp_path / "docs" / "b.md").read_text() == "Read the guide.\n"
    assert os.stat(tmp_path / "docs" / "a.md").st_nlink == 2


def test_a_symlink_stays_a_link_and_its_target_is_fixed(tmp_path):
    write(tmp_path / "real" / "doc.md", "Read the the guide.\n")
    os.symlink(os.path.join("real", "doc.md"), tmp_path / "link.md")
    result = textsieve("check", "--fix", "link.md", cwd=tmp_path)
    assert result.code == 0, result.err
    assert os.path.islink(tmp_path / "link.md")
    assert os.readlink(tmp_path / "link.md") == os.path.join("real", "doc.md")
    assert (tmp_path / "real" / "doc.md").read_text() == "Read the guide.\n"
    assert sorted(os.listdir(tmp_path / "real")) == ["doc.md"]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_owner_group_and_setuid_stay_as_they_were(tmp_path):
    path, finding, digests = _fixable(tmp_path)
    os.chown(path, 65534, 65534)
    os.chmod(path, 0o4755)
    assert not fixes.apply_fixes([finding], digests, unsafe=False, write=True).errors
    after = os.stat(path)
    # Not a file of root's with the setuid bit, which writing a new file as root made.
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (65534, 65534, 0o4755)
    assert path.read_text() == "x the y\n"


def test_extended_attributes_are_kept(tmp_path):
    path, finding, digests = _fixable(tmp_path)
    try:
        os.setxattr(path, "user.textsieve.test", b"kept")
    except (OSError, AttributeError) as exc:
        pytest.skip(f"no user.* extended attributes on this file system: {exc}")
    assert not fixes.apply_fixes([finding], digests, unsafe=False, write=True).errors
    assert os.getxattr(path, "user.textsieve.test") == b"kept"
    assert path.read_text() == "x the y\n"


# -- compare-and-swap ---------------------------------------------------------

@pytest.mark.parametrize("edit", ["content", "mtime"])
def test_a_save_between_the_read_and_the_write_is_not_overwritten(tmp_path, monkeypatch, edit):
    path, finding, digests = _fixable(tmp_path)
    real_fix_text = fixes.fix_text

    def editor_saves(*args, **kwargs):
        if edit == "content":
            path.write_text("x the the y, saved by an editor\n")
        else:  # the same bytes written again: still another program's write
            st = os.stat(path)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        return real_fix_text(*args, **kwargs)

    monkeypatch.setattr(fixes, "fix_text", editor_saves)
    outcome = fixes.apply_fixes([finding], digests, unsafe=False, write=True)
    assert outcome.errors == [f"{path}: not fixed: {fixes.CHANGED_WHILE_FIXING}"]
    assert path.read_text() == ("x the the y, saved by an editor\n" if edit == "content" else "x the the y\n")
    assert os.listdir(tmp_path) == ["d.md"]


def test_a_save_at_the_last_moment_is_not_overwritten(tmp_path, monkeypatch):
    # Between the first comparison and the write (while the backup is made).
    path, finding, digests = _fixable(tmp_path)
    real_backup = fixes._backup

    def editor_saves(target, data):
        with open(path, "r+b") as handle:  # same length, same inode
            handle.write(b"X")
        return real_backup(target, data)

    monkeypatch.setattr(fixes, "_backup", editor_saves)
    outcome = fixes.apply_fixes([finding], digests, unsafe=False, write=True)
    assert outcome.errors == [f"{path}: not fixed: {fixes.CHANGED_WHILE_FIXING}"]
    assert path.read_text() == "X the the y\n" and os.listdir(tmp_path) == ["d.md"]


def test_a_refused_write_is_an_error_exit(tmp_path, monkeypatch, capsys):
    from textsieve import check

    write(tmp_path / "e.md", "Read the the guide.\n")
    real_fix_text = fixes.fix_text

    def editor_saves(*args, **kwargs):
        (tmp_path / "e.md").write_text("Read the the guide, edited.\n")
        return real_fix_text(*args, **kwargs)

    monkeypatch.setattr(fixes, "fix_text", editor_saves)
    monkeypatch.chdir(tmp_path)
    code = check.run_check(check.CheckOptions(paths=["e.md"], fix=True, no_cache=True, jobs=1))
    err = capsys.readouterr().err
    assert code == 2
    assert f"textsieve: error: e.md: not fixed: {fixes.CHANGED_WHILE_FIXING}" in err
    assert (tmp_path / "e.md").read_text() == "Read the the guide, edited.\n"


# -- fixes until nothing is left to fix ---------------------------------------

@pytest.mark.parametrize("before, after", [
    ("Read the the the guide.\n", "Read the guide.\n"),
    ("Read the the the guide and the the the the the end.\n", "Read the guide and the end.\n"),
    ("It is is is here.\n", None),
    # ENC201 deletes the BEL, which makes a repeat that TS003 then fixes; ENC101 and TS003 too.
    ("Press the\x07 the button. The century\u00e2\u20ac\u2122s the the the end.\n",
     "Press the button. The century\u2019s the end.\n"),
])
def test_one_run_fixes_everything_and_a_second_changes_nothing(tmp_path, before, after):
    write(tmp_path / "r.md", before)
    first = textsieve("check", "--fix", "r.md", cwd=tmp_path)
    once = (tmp_path / "r.md").read_bytes()
    if after is not None:
        assert once.decode() == after, first.err
    second = textsieve("check", "--fix", "r.md", cwd=tmp_path)
    assert (tmp_path / "r.md").read_bytes() == once
    assert "Fixed" not in second.out and second.code == 0, second.out


def test_passes_are_counted_and_the_diff_shows_the_end_result(tmp_path):
    # First pass: ENC201 (the BEL) and ENC101 (the mojibake); second pass: TS003.
    text = "Press the\x07 the button. The century\u00e2\u20ac\u2122s end.\n"
    write(tmp_path / "r.md", text)
    diff = textsieve("check", "--diff", "r.md", cwd=tmp_path)
    assert "+Press the button. The century\u2019s end.\n" in diff.out
    assert (tmp_path / "r.md").read_text() == text
    result = textsieve("check", "--fix", "r.md", cwd=tmp_path)
    assert "Fixed 3 findings." in result.out and result.code == 0


def test_what_is_left_is_reported_where_it_is_in_the_fixed_text(tmp_path):
    write(tmp_path / "p.md", "The the the x and the\nthe end.\n")
    result = textsieve("check", "--fix", "p.md", cwd=tmp_path)
    assert (tmp_path / "p.md").read_text() == "The x and the\nthe end.\n"
    # The unsafe fix across the line break stays; its column is the fixed text's (11, not 15).
    assert "p.md:1:11: TS003 'the' is repeated" in result.out, result.out


def test_fixes_that_never_settle_stop_after_a_bound(monkeypatch):
    span = Span("p", 1, 1, 1, 2, 0, 1)
    flip = {"a": "b", "b": "a"}

    def recheck(path, text, info):
        return [Finding("X", "m", "info", span, Fix(flip[text[0]]))]

    result = fixes.fix_text("p", "a", [Finding("X", "m", "info", span, Fix("b"))], unsafe=False,
                            recheck=recheck)
    assert not result.settled and len(result.applied) == fixes.MAX_PASSES
