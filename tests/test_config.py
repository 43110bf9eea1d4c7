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
