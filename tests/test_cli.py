"""The command line end to end: exit codes, config, selection, files, bad input."""

import os
import signal
import subprocess
import sys

import pytest

from helpers import textsieve, write

DOUBLED = "# Title\n\nRead the the guide.\n"


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "docs" / "a.md", DOUBLED)
    write(tmp_path / "docs" / "clean.md", "# Clean\n\nNothing to see here.\n")
    return tmp_path


def lines(result):
    return [ln for ln in result.out.splitlines() if ": " in ln and ln.split(":")[1].isdigit()]


def test_version_and_help():
    result = textsieve("--version")
    assert result.code == 0 and result.out.startswith("textsieve 0.")
    assert "compiled loops: " in result.out  # whether pip install found a C compiler
    assert textsieve("check", "--help").code == 0


def test_version_is_answered_before_the_command_line_loads():
    # The console script prints what click's --version prints, without importing click.
    code = ("import sys\nsys.argv = ['textsieve', '-V']\nfrom textsieve.console import entry\n"
            "entry()\nprint('click' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [textsieve("--version", "--help").out.splitlines()[0], "False"]


def test_findings_exit_1_and_lint_style_lines(project):
    result = textsieve("check", "docs", cwd=project)
    assert result.code == 1
    assert lines(result) == ["docs/a.md:3:6: TS003 [*] 'the' is repeated"]
    assert "Found 1 finding" in result.out


def test_clean_exit_0_and_exit_zero(project):
    assert textsieve("check", "docs/clean.md", cwd=project).code == 0
    assert textsieve("check", "--exit-zero", "docs", cwd=project).code == 0


def test_fail_level(project):
    assert textsieve("check", "--fail-level", "error", "docs", cwd=project).code == 0
    assert textsieve("check", "--fail-level", "warning", "docs", cwd=project).code == 1


def test_missing_path_is_a_usage_error(project):
    result = textsieve("check", "nope.md", cwd=project)
    assert result.code == 2
    assert "nope.md: no such file or directory" in result.err
    assert "Traceback" not in result.err


def test_default_path_is_the_current_directory(project):
    assert lines(textsieve("check", cwd=project)) == ["docs/a.md:3:6: TS003 [*] 'the' is repeated"]


@pytest.mark.parametrize("flag", ["--select", "--ignore", "--extend-select"])
def test_unknown_code_on_the_command_line(project, flag):
    result = textsieve("check", flag, "XYZ999", "docs", cwd=project)
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"textsieve: error: {flag}: unknown rule code or prefix 'XYZ999'"]


def test_select_ignore_and_prefixes(project):
    assert lines(textsieve("check", "--ignore", "TS", "docs", cwd=project)) == []
    assert lines(textsieve("check", "--select", "TS003", "docs", cwd=project)) != []
    assert lines(textsieve("check", "--select", "TS001", "docs", cwd=project)) == []
    # The more specific selector wins over the less specific one.
    assert lines(textsieve("check", "--select", "TS", "--ignore", "TS003", "docs", cwd=project)) == []
    assert lines(textsieve("check", "--select", "TS003", "--ignore", "TS", "docs", cwd=project)) != []


@pytest.mark.parametrize("name, content, message", [
    ("textsieve.toml", "colour = true\n", "textsieve.toml: unknown key 'colour'"),
    ("textsieve.toml", "select = \"TS\"\n", "'select' must be a list of strings"),
    ("textsieve.toml", "select = [\"NOPE1\"]\n", "unknown rule code or prefix 'NOPE1'"),
    ("textsieve.toml", "fail-level = \"fatal\"\n", "'fail-level' must be one of info, warning, error"),
    ("textsieve.toml", "select = [\n", "invalid TOML"),
    ("pyproject.toml", "[tool.textsieve]\nbogus = 1\n", "[tool.textsieve] unknown key 'bogus'"),
    ("textsieve.toml", "[ts]\nnope = 1\n", "[ts] unknown option 'nope'"),
    ("textsieve.toml", "[per-file-ignores]\n\"*.md\" = [\"ZZZ\"]\n", "unknown rule code or prefix 'ZZZ'"),
])
def test_bad_config_exits_2_with_one_line(project, name, content, message):
    write(project / name, content)
    result = textsieve("check", "docs", cwd=project)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert message in result.err and name in result.err


def test_config_found_walking_up_and_explicit(project):
    write(project / "pyproject.toml", "[tool.textsieve]\nignore = [\"TS003\"]\n")
    assert lines(textsieve("check", ".", cwd=project / "docs")) == []
    write(project / "other.toml", "select = [\"TS003\"]\n")
    assert lines(textsieve("check", "--config", str(project / "other.toml"), ".", cwd=project / "docs"))
    result = textsieve("check", "--config", "missing.toml", "docs", cwd=project)
    assert result.code == 2 and "missing.toml: config file not found" in result.err


def test_pyproject_without_table_is_skipped_for_the_next_one_up(project):
    write(project / "textsieve.toml", "ignore = [\"TS003\"]\n")
    write(project / "docs" / "pyproject.toml", "[project]\nname = 'x'\n")
    assert lines(textsieve("check", ".", cwd=project / "docs")) == []


def test_per_file_ignores(project):
    write(project / "textsieve.toml", "[per-file-ignores]\n\"docs/a.md\" = [\"TS\"]\n")
    assert lines(textsieve("check", "docs", cwd=project)) == []
    write(project / "textsieve.toml", "[per-file-ignores]\n\"other/*.md\" = [\"TS\"]\n")
    assert lines(textsieve("check", "docs", cwd=project)) != []


def test_discovery_honours_gitignore_excludes_and_defaults(project):
    for name in ("node_modules/x.md", ".venv/x.md", "build/x.md", "ignored/x.md", "docs/skip.md",
                 "notes.txt", "guide.rst", "data.json", "page.markdown", "src/CMakeLists.txt",
                 "requirements-dev.txt", "robots.txt", "LICENSE.md", "about/license.md", "licensing.md"):
        write(project / name, DOUBLED)
    write(project / ".gitignore", "ignored/\n")
    write(project / "textsieve.toml", "exclude = [\"docs/skip.md\"]\n")
    found = sorted({ln.split(":")[0] for ln in lines(textsieve("check", ".", cwd=project))})
    assert found == ["docs/a.md", "guide.rst", "licensing.md", "notes.txt", "page.markdown"]
    # A file named explicitly is always checked, whatever its extension or excludes.
    assert lines(textsieve("check", "docs/skip.md", "data.json", cwd=project))


def test_include_globs(project):
    write(project / "notes.text", DOUBLED)
    write(project / "textsieve.toml", "include = [\"*.text\"]\n")
    found = {ln.split(":")[0] for ln in lines(textsieve("check", ".", cwd=project))}
    assert found == {"notes.text"}


def test_symlink_loop_is_reported_and_skipped(project):
    os.symlink(project / "docs", project / "docs" / "loop")
    result = textsieve("check", "docs", cwd=project)
    assert result.code == 1
    assert "symbolic-link loop" in result.err
    assert lines(result) == ["docs/a.md:3:6: TS003 [*] 'the' is repeated"]


def test_a_file_reached_twice_is_checked_once(project, tmp_path):
    # Through a symlinked directory, a symlinked file, and named again on the command line.
    from textsieve.discovery import DEFAULT_INCLUDE, discover

    os.symlink(project / "docs", project / "mirror")
    os.symlink(project / "docs" / "a.md", project / "alias.md")
    cwd = os.getcwd()
    os.chdir(project)
    try:
        found = discover(["docs", "mirror", "alias.md", "docs/a.md"], str(project),
                         DEFAULT_INCLUDE, [], True)
    finally:
        os.chdir(cwd)
    assert [f for f in found.files if f.endswith("a.md")] == ["docs/a.md"]


def test_bad_files_do_not_stop_the_run(project):
    write(project / "docs" / "binary.md", b"PK\x03\x04\x00\x00binary")
    write(project / "docs" / "empty.md", b"")
    write(project / "docs" / "latin1.txt", "Caf\xe9 cr\xe8me: the the end.\n".encode("cp1252"))
    write(project / "docs" / "bom-crlf.md", "\ufeff# T\r\n\r\nSee the the \u00e9t\u00e9.\r\n".encode())
    with open(project / "docs" / "huge.md", "wb") as handle:
        handle.write(b"word " * (10 * 1024 * 1024))  # 50 MB
    result = textsieve("check", "docs", cwd=project)
    assert "Traceback" not in result.err
    got = lines(result)
    assert "docs/binary.md:1:1: TS002 file not checked: binary content (a NUL byte at byte 4)" in got
    assert any(ln.startswith("docs/huge.md:1:1: TS002 file not checked: too large (52.4 MB") for ln in got)
    assert "docs/latin1.txt:1:13: TS003 [*] 'the' is repeated" in got
    assert "docs/bom-crlf.md:3:5: TS003 [*] 'the' is repeated" in got
    assert not any("empty.md" in ln for ln in got)


def test_unreadable_file(project, monkeypatch):
    from textsieve import source

    real_open = open

    def deny(path, *args, **kwargs):
        if str(path).endswith("a.md"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(source.SourceError, match="permission denied"):
        source.read_file(str(project / "docs" / "a.md"))


def test_max_file_size_config(project):
    write(project / "textsieve.toml", "max-file-size = 10\n")
    result = textsieve("check", "docs", cwd=project)
    assert "docs/a.md:1:1: TS002 file not checked: too large" in result.out


def test_results_identical_for_any_jobs(tmp_path):
    for i in range(40):
        write(tmp_path / f"d{i % 4}" / f"f{i:02}.md", f"# Doc {i}\n\nA line.\n\nThe the {i}.\n" * (1 + i % 3))
    one = textsieve("check", "--no-cache", "--jobs", "1", "--format", "json", ".", cwd=tmp_path)
    two = textsieve("check", "--no-cache", "--jobs", "2", "--format", "json", ".", cwd=tmp_path)
    assert one.out == two.out and len(one.json()["findings"]) == 79


def test_rules_and_explain():
    listed = textsieve("rules")
    assert listed.code == 0
    assert any(ln.startswith("TS003    repeated-word") and " on " in ln for ln in listed.out.splitlines())
    assert any(ln.startswith("TS001") and " off " in ln for ln in listed.out.splitlines())
    doc = textsieve("explain", "ts003")
    assert doc.code == 0
    for heading in ("## What it flags", "## Why it matters", "## Example", "## Instead", "## Options"):
        assert heading in doc.out
    bad = textsieve("explain", "NOPE999")
    assert bad.code == 2 and "unknown rule code 'NOPE999'" in bad.err


def test_every_registered_rule_is_documented():
    from textsieve.rule import load_rules

    for code, rule in load_rules().items():
        doc = rule.documentation()
        for heading in ("## What it flags", "## Why it matters", "## Example", "## Instead", "## Options"):
            assert heading in doc, f"{code} lacks {heading}"
        assert not doc.splitlines()[2].startswith(" "), f"{code}: docstring indentation kept"
        assert rule.summary(), code
        assert rule.name and rule.severity in ("info", "warning", "error")


HEAVY = ["datasketch", "scipy", "numpy", "textstat", "language_tool_python", "ftfy", "pygls",
         "markdown_it", "charset_normalizer"]


@pytest.mark.parametrize("argv", [["--version"], ["rules"], ["explain", "TS003"]])
def test_start_up_imports_nothing_heavy(argv):
    code = ("import sys\nfrom textsieve.cli import cli\n"
            f"try:\n    cli({argv!r}, prog_name='textsieve')\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_checking_one_small_file_imports_nothing_heavy_for_core_rules(project):
    code = ("import sys\nfrom textsieve.cli import cli\n"
            "try:\n    cli(['check', '--select', 'TS', '--no-cache', 'docs/a.md'], prog_name='textsieve')\n"
            "except SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY[:-2]!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=project).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_checking_named_files_loads_no_process_pool_and_no_patterns(project):
    # One process does the work of one file, and a file named on the command line
    # is checked without include or exclude patterns (the editor and pre-commit case).
    code = ("import sys\nfrom textsieve.cli import cli\n"
            "try:\n    cli(['check', '--no-cache', 'docs/a.md'], prog_name='textsieve')\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in ('multiprocessing', 'concurrent.futures.process', 'pathspec') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=project).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_an_option_a_rule_rejects_at_construction_is_a_config_error(project, monkeypatch, capsys):
    from textsieve import check, rule

    class Picky(rule.Rule):
        """Rejects its settings."""

        code = "PICK001"
        name = "picky"
        options = {"level": rule.Option(1, "a level")}

        def __init__(self, settings=None):
            super().__init__(settings)
            raise rule.OptionError("option 'level' does not fit the other options")

    write(project / "textsieve.toml", "[pick]\nlevel = 2\n")
    monkeypatch.setattr(rule, "load_rules", lambda problems=None: {"PICK001": Picky})
    monkeypatch.chdir(project)
    code = check.run_check(check.CheckOptions(paths=["docs"]))
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [
        f"textsieve: error: {project / 'textsieve.toml'}: [pick] option 'level' does not fit the other options"]


def test_a_rule_family_that_cannot_run_is_named_once_and_fails_only_when_selected_by_code(project):
    url = "http://127.0.0.1:9"  # nothing listens on the discard port
    result = textsieve("check", "--select", "LT,TS", "--languagetool-url", url, "docs", cwd=project)
    assert result.code == 2
    assert [ln for ln in result.err.splitlines() if "skipped" in ln] == [
        f"textsieve: warning: LT001, LT002, LT003 skipped: the LanguageTool server at {url} is not "
        "reachable (connection refused or no such host)"]
    assert "Not checked: LT001, LT002, LT003 could not run" in result.out
    assert lines(result) == ["docs/a.md:3:6: TS003 [*] 'the' is repeated"]
    # Selected only through ALL: skipped with the same warning, but the exit code is the findings'.
    assert textsieve("check", "--select", "ALL", "--languagetool-url", url, "docs", cwd=project).code == 1


def test_force_exclude_applies_excludes_to_named_files(project):
    write(project / "textsieve.toml", "exclude = [\"docs/a.md\"]\n")
    assert lines(textsieve("check", "docs/a.md", cwd=project))
    assert lines(textsieve("check", "--force-exclude", "docs/a.md", cwd=project)) == []
    write(project / "textsieve.toml", "exclude = [\"docs/a.md\"]\nforce-exclude = true\n")
    assert lines(textsieve("check", "docs/a.md", cwd=project)) == []


def test_unwritable_baseline_is_a_clear_error(project):
    result = textsieve("check", "--write-baseline", "no/such/dir/b.json", "docs", cwd=project)
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "textsieve: error: no/such/dir/b.json: cannot write the baseline: No such file or directory"]


def test_an_unforeseen_exception_exits_2_without_a_traceback(monkeypatch, capsys):
    from textsieve import check, cli

    def boom(options):
        raise RuntimeError("something broke")

    monkeypatch.setattr(check, "run_check", boom)
    monkeypatch.setattr(sys, "argv", ["textsieve", "check", "."])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.startswith("textsieve: internal error: RuntimeError: something broke (at ")
    assert "Traceback" not in err


def test_readme_rules_table_lists_every_rule():
    import re
    from pathlib import Path

    from textsieve.rule import load_rules

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules-table -->")[1].split("<!-- /rules-table -->")[0]
    listed = re.findall(r"^\| `([A-Z]+\d+)` \| ([\w-]+) \| (\w+) \| (on|off) \|", table, re.M)
    # The built-ins: a plugin installed beside textsieve is not in its README.
    registry = {c: r for c, r in load_rules().items() if r.__module__.startswith("textsieve.")}
    assert [(c, n, s, d) for c, n, s, d in listed] == [
        (r.code, r.name, r.severity, "on" if r.default_enabled else "off") for r in registry.values()
    ], "README.md is stale: run python scripts/update_readme.py"


@pytest.mark.parametrize("setting, expected", [(None, "False"), ("1", "True")])
def test_numpy_huge_pages_are_off_unless_the_user_turns_them_on(setting, expected):
    # First writes to a large fresh numpy array were 3-7x slower with them (see cli.main).
    code = ("import sys\nfrom textsieve import cli\nsys.argv = ['textsieve', '--version']\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            "import numpy\nprint(numpy._core.multiarray._get_madvise_hugepage())")
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if setting is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = setting
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout
    assert out.split()[-1] == expected


def test_output_is_complete_and_a_closed_pipe_is_quiet(tmp_path):
    # The console script leaves with os._exit after flushing: every finding of a long
    # report (110 KB, more than a pipe holds) arrives, and a reader that stops early
    # (| head) gets no traceback.
    for i in range(1000):
        write(tmp_path / "docs" / f"d{i:03}.md", "# Notes\n\nThe centuryâ€™s end.\n")
    result = textsieve("check", "--select", "ENC101", "--no-cache", "docs", cwd=tmp_path)
    assert result.code == 1 and len(lines(result)) == 1000
    proc = subprocess.Popen([sys.executable, "-m", "textsieve", "check", "--select", "ENC101",
                             "--no-cache", "docs"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1 and first.startswith(b"docs/d000.md:3:")
    assert "Traceback" not in err and "Exception ignored" not in err


# -- unreadable files, interrupts, empty selections -----------------------------

@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a mode-000 file; the next test covers it as root")
def test_a_mode_000_file_on_the_command_line_is_reported_and_the_others_checked(project):
    os.chmod(project / "docs" / "a.md", 0)
    write(project / "docs" / "b.md", DOUBLED)
    result = textsieve("check", "docs/a.md", "docs/b.md", cwd=project)
    assert result.code == 1, result.err
    assert lines(result) == ["docs/a.md:1:1: TS002 file not checked: permission denied",
                             "docs/b.md:3:6: TS003 [*] 'the' is repeated"]


def test_an_unreadable_file_on_the_command_line_is_reported_and_the_others_checked(project, monkeypatch,
                                                                                    capsys):
    # What a non-root user meets with a mode-000 file, made here for any user: access()
    # (which click consulted) and open() refuse a.md.
    import builtins

    from textsieve import cli

    write(project / "docs" / "b.md", DOUBLED)
    real_access, real_open = os.access, builtins.open

    def access(path, mode, *args, **kwargs):
        return False if str(path).endswith("a.md") else real_access(path, mode, *args, **kwargs)

    def open_(path, *args, **kwargs):
        if str(path).endswith("a.md"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.chdir(project)
    monkeypatch.setattr(sys, "argv", ["textsieve", "check", "--no-cache", "--jobs", "1",
                                      "docs/a.md", "docs/b.md"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    out, err = capsys.readouterr()
    assert exit_info.value.code == 1, err
    assert "docs/a.md:1:1: TS002 file not checked: permission denied" in out
    assert "docs/b.md:3:6: TS003 [*] 'the' is repeated" in out


def test_ctrl_c_exits_130_without_aborted(monkeypatch, capsys):
    from textsieve import check, cli

    def interrupted(options):
        raise KeyboardInterrupt

    monkeypatch.setattr(check, "run_check", interrupted)
    monkeypatch.setattr(sys, "argv", ["textsieve", "check", "."])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 130
    assert capsys.readouterr().err.strip() == ""


def test_sigint_to_the_console_script_exits_130_quietly(tmp_path):
    # The process sends itself SIGINT in the middle of the check: no timing involved.
    code = ("import os, signal, sys\nfrom textsieve import check, cli\n"
            "def run(options):\n    os.kill(os.getpid(), signal.SIGINT)\n    signal.pause()\n"
            "check.run_check = run\nsys.argv = ['textsieve', 'check', '.']\ncli.entry()\n")
    # A terminal delivers Ctrl-C with SIGINT's default handling, even when the test run itself
    # was started in the background (which ignores SIGINT, and children inherit that).
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.returncode == 130
    assert proc.stderr.strip() == "" and "Aborted" not in proc.stderr


def test_click_usage_errors_still_exit_2_with_its_message(project):
    result = textsieve("check", "--bogus", "docs", cwd=project)
    assert result.code == 2
    assert "Error: No such option '--bogus'" in result.err and "Traceback" not in result.err
    assert textsieve("check", "--format", "xml", "docs", cwd=project).code == 2
    assert textsieve("check", "--help", cwd=project).code == 0


@pytest.mark.parametrize("flag", ["--select", "--extend-select", "--ignore"])
@pytest.mark.parametrize("value", ["", " ", ","])
def test_an_empty_selection_is_a_usage_error_not_a_silent_pass(project, flag, value):
    result = textsieve("check", flag, value, "docs", cwd=project)
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"textsieve: error: {flag} is empty: name codes or prefixes (e.g. {flag} TS003,ENC), "
        "or leave the option out"]


def test_control_characters_in_a_file_name_are_escaped_in_messages(tmp_path):
    # A name that would retitle the terminal and forge a finding line for a problem matcher.
    name = "bell\x1b]0;TITLE\x07\nfake.md:9:9: VAG101 forged.md"
    result = textsieve("check", name, cwd=tmp_path)
    assert result.code == 2
    assert result.err.splitlines() == [
        "textsieve: error: bell\\x1b]0;TITLE\\x07\\x0afake.md:9:9: VAG101 forged.md: no such file or directory"]


def test_html_report_is_one_file_and_compare_reads_an_earlier_run(project):
    assert textsieve("check", "docs", "--format", "json", "-o", "old.json", cwd=project).code == 1
    write(project / "docs" / "a.md", "# Title\n\nRead the guide, then the the map.\n")
    result = textsieve("check", "docs", "--format", "html", "-o", "report.html",
                       "--compare", "old.json", cwd=project)
    assert result.code == 1, result.err
    page = (project / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "docs/a.md" in page
    assert "<script src" not in page and "<link" not in page  # nothing fetched


@pytest.mark.parametrize("args, message", [
    (("--compare", "old.json"), "--compare needs --format html"),
    (("--format", "html", "--fix"), "fixes nothing"),
    (("--format", "html", "--compare", "missing.json"), "missing.json"),
])
def test_html_report_usage_errors(project, args, message):
    result = textsieve("check", "docs", *args, cwd=project)
    assert result.code == 2 and message in result.err and "internal error" not in result.err


def test_mdx_files_are_read_by_default_and_their_imports_are_not_prose(tmp_path):
    write(tmp_path / "docs" / "page.mdx",
          "import Tabs from '@theme/Tabs';\nimport Tabs from '@theme/Tabs';\n\n# Page\n\nRead the the guide.\n")
    result = textsieve("check", "docs", "--select", "TS003", cwd=tmp_path)
    assert lines(result) == ["docs/page.mdx:6:6: TS003 [*] 'the' is repeated"]
