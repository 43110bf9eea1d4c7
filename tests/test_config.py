"""Configuration values that are not what they claim: a clear one-line error naming the file."""

import pytest

from helpers import textsieve, write
from textsieve.config import ConfigError, load_config
from textsieve.rule import load_rules


def _load(tmp_path, content: bytes | str):
    write(tmp_path / "textsieve.toml", content)
    return load_config(None, load_rules(), cwd=str(tmp_path))


@pytest.mark.parametrize("content, message", [
    ("max-file-size = 99999999999999999999999\n", "'max-file-size' must be at most"),
    ("max-file-size = 1.5\n", "'max-file-size' must be a positive whole number of bytes"),
    ("max-file-size = 0\n", "'max-file-size' must be a positive whole number of bytes"),
    ('cache-dir = ""\n', "'cache-dir' is empty"),
    ('cache-dir = "  "\n', "'cache-dir' is empty"),
    ("[dup]\nthreshold = nan\n", "option 'threshold' must be a finite number, got nan"),
    ("[dup]\nthreshold = -nan\n", "option 'threshold' must be a finite number"),
    ("[read]\nmax-grade = nan\n", "option 'max-grade' must be a finite number"),
    ("[read]\nmin-reading-ease = inf\n", "option 'min-reading-ease' must be at most"),
    ("[read]\nmin-reading-ease = -inf\n", "option 'min-reading-ease' must be at least"),
    ("[lt]\ntimeout = nan\n", "option 'timeout' must be a finite number"),
    ("[dup]\nmax-related = 99999999999999999999\n", "option 'max-related' is out of range"),
])
def test_bad_values_are_config_errors(tmp_path, content, message):
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, content)
    assert message in str(error.value) and "textsieve.toml" in str(error.value)


def test_good_values_still_load(tmp_path):
    config = _load(tmp_path, 'max-file-size = 9223372036854775806\ncache-dir = "c"\n'
                             "[dup]\nthreshold = 0.7\nmax-related = 9223372036854775807\n")
    assert config.max_file_size == 2**63 - 2 and config.cache_dir == "c"
    assert config.rule_settings["DUP"] == {"threshold": 0.7, "max-related": 2**63 - 1}


@pytest.mark.parametrize("name, content", [
    ("textsieve.toml", b'select = ["TS003"]\n# caf\xe9\n'),
    ("pyproject.toml", b"[tool.textsieve]\n\xff\xfeignore = []\n"),
    ("textsieve.toml", "select = []\n".encode("utf-16")),
])
def test_a_config_file_that_is_not_utf8_is_a_clear_error(tmp_path, name, content):
    write(tmp_path / "a.md", "Read the the guide.\n")
    write(tmp_path / name, content)
    result = textsieve("check", "a.md", cwd=tmp_path)
    assert result.code == 2 and "internal error" not in result.err
    assert result.err.strip().splitlines() == [result.err.strip()]
    assert name in result.err and "not UTF-8" in result.err


def test_the_command_line_reports_the_overflowing_size_and_nan(tmp_path):
    write(tmp_path / "a.md", "Read the the guide.\n")
    write(tmp_path / "textsieve.toml", "max-file-size = 99999999999999999999999\n")
    result = textsieve("check", "a.md", cwd=tmp_path)
    assert result.code == 2 and "internal error" not in result.err and "max-file-size" in result.err
    write(tmp_path / "textsieve.toml", "[dup]\nthreshold = nan\n")
    result = textsieve("check", "a.md", cwd=tmp_path)
    assert result.code == 2 and "finite number" in result.err


@pytest.mark.parametrize("value", ["-1", "1.5", "true", '"10"'])
def test_max_findings_per_code_is_a_whole_number(tmp_path, value):
    with pytest.raises(ConfigError, match="'max-findings-per-code' must be a whole number"):
        _load(tmp_path, f"max-findings-per-code = {value}\n")


def test_max_findings_per_code_loads(tmp_path):
    assert _load(tmp_path, "max-findings-per-code = 0\n").max_findings_per_code == 0
    assert _load(tmp_path, "max-findings-per-code = 50\n").max_findings_per_code == 50
    assert _load(tmp_path, "").max_findings_per_code is None


# -- --option FAMILY.KEY=VALUE ------------------------------------------------
def test_an_option_on_the_command_line_overrides_the_configuration(tmp_path):
    from textsieve.config import override_options

    rules = load_rules()
    config = _load(tmp_path, "[read]\nmax-grade = 14\nmin-words = 50\n")
    override_options(config, rules, ["read.max-grade=9.5", "READ.formula=smog", "dup.threshold = 0.9",
                                     "lt.url=http://localhost:8081"])
    assert config.rule_settings["READ"] == {"max-grade": 9.5, "min-words": 50, "formula": "smog"}
    assert config.rule_settings["DUP"] == {"threshold": 0.9}
    assert config.rule_settings["LT"] == {"url": "http://localhost:8081"}  # not TOML: taken as text


@pytest.mark.parametrize("override, message", [
    ("read.max-grade", "write FAMILY.KEY=VALUE"),
    ("max-grade=3", "write FAMILY.KEY=VALUE"),
    ("nope.max-grade=3", "no rule family 'nope'"),
    ("read.colour=3", "unknown option 'colour'"),
    ("read.max-grade=abc", "option 'max-grade' must be float"),
    ("read.max-grade=nan", "option 'max-grade' must be a finite number"),
])
def test_a_bad_option_override_is_a_clear_error(tmp_path, override, message):
    from textsieve.config import override_options

    with pytest.raises(ConfigError) as error:
        override_options(_load(tmp_path, ""), load_rules(), [override])
    assert str(error.value).startswith(f"--option {override}:") and message in str(error.value)


def test_option_and_its_languagetool_alias_reach_the_rules(tmp_path):
    write(tmp_path / "docs" / "page.md", "# Page\n\n" + "The team reviewed the long plan and agreed to "
          "ship the new release next week. " * 15 + "\n")
    strict = textsieve("check", "--no-cache", "--select", "READ101", "--option", "read.max-grade=3", "docs",
                       cwd=tmp_path)
    assert strict.code == 1 and "above the target of 3" in strict.out
    assert textsieve("check", "--no-cache", "--select", "READ101", "--option", "read.max-grade=14", "docs",
                     cwd=tmp_path).code == 0
    lt = textsieve("check", "--no-cache", "--select", "LT", "--languagetool-url", "http://127.0.0.1:9", "docs",
                   cwd=tmp_path)
    assert "the LanguageTool server at http://127.0.0.1:9 is not reachable" in lt.err
