"""JSONL and Parquet records as documents (--input-format): the same findings as the
same texts written as files, locations id:line:col, bad records named and skipped."""

from __future__ import annotations

import json

import pytest

from helpers import textsieve, write
from textsieve import inputs

SHARED = ("Each release is signed with the project's key, and the checksums are published next to "
          "the archives so that a download can be verified before it is installed. Mirrors copy the "
          "archives every hour, and a mirror that falls behind by more than a day is dropped from the "
          "list until it catches up again.")
NEAR = SHARED.replace("next to", "beside").replace("every hour", "each hour")
BOILER = "Questions about this page go to the documentation team's mailing list, which answers within a week."


def corpus() -> dict[str, bytes]:
    """Texts that give DUP101, DUP102, DUP104 and ENC findings, by their ids (file names)."""
    texts = {
        "docs/00.txt": f"Installing\n\n{SHARED}\n\nThe installer asks for a folder.\n\n{BOILER}\n",
        "docs/01.txt": f"Upgrading\n\n{SHARED}\n\nOld settings are kept.\n\n{BOILER}\n",
        "docs/02.txt": f"Verifying\n\n{NEAR}\n\nThe café is open.\n\n{BOILER}\n",
        "docs/03.txt": f"Mojibake\n\nThe cafÃ© serves donâ€™t-miss coffee.\n\n{BOILER}\n",
        "docs/04.txt": f"Other\n\nA page of its own with nothing repeated at all in it.\n\n{BOILER}\n",
        "docs/05.txt": "\ufeffA text with a byte order mark and a stray control \x1b[31mred\x1b[0m.\n",
    }
    return {k: v.encode("utf-8") for k, v in texts.items()}


def as_files(tmp_path, texts: dict[str, bytes]) -> None:
    for name, data in texts.items():
        write(tmp_path / name, data)


def as_jsonl(path, texts: dict[str, bytes], extra_lines=()) -> None:
    lines = [json.dumps({"url": name, "text": data.decode("utf-8") if isinstance(data, bytes) else data})
             for name, data in texts.items()]
    path.write_text("\n".join([*lines, *extra_lines]) + "\n", encoding="utf-8")


def findings(result) -> list[dict]:
    return result.json()["findings"]


def test_jsonl_records_give_the_findings_of_the_same_texts_as_files(tmp_path):
    texts = corpus()
    as_files(tmp_path, texts)
    as_jsonl(tmp_path / "data.jsonl", texts)
    files = textsieve("check", "--select", "DUP,ENC", "--format", "json", "--no-cache", "docs",
                      cwd=tmp_path)
    records = textsieve("check", "--select", "DUP,ENC", "--format", "json", "--no-cache",
                        "--input-format", "jsonl", "--id-field", "url", "data.jsonl", cwd=tmp_path)
    assert files.code == 1, files.err
    assert records.code == 1, records.err
    codes = {f["code"] for f in findings(files)}
    assert {"DUP101", "DUP102", "ENC101"} <= codes, codes
    assert findings(records) == findings(files)
    assert records.err == ""


def test_parquet_records_give_the_findings_of_the_same_texts_as_files(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    texts = corpus()
    # Raw bytes in a binary column, as a file holds them: Windows-1252 text and stray bytes.
    texts["docs/06.txt"] = "Legacy: the caf\xe9 and \u201cquotes\u201d in Windows-1252.\n".encode("cp1252")
    as_files(tmp_path, texts)
    table = pa.table({"id": list(texts), "body": pa.array(list(texts.values()), pa.binary())})
    pq.write_table(table, tmp_path / "data.parquet", row_group_size=2)  # three row groups
    files = textsieve("check", "--select", "DUP,ENC", "--format", "json", "--no-cache", "docs",
                      cwd=tmp_path)
    records = textsieve("check", "--select", "DUP,ENC", "--format", "json", "--no-cache", "--jobs", "2",
                        "--input-format", "parquet", "--text-field", "body", "--id-field", "id",
                        "data.parquet", cwd=tmp_path)
    assert files.code == 1 and records.code == 1, records.err
    assert any(f["code"].startswith("ENC") and f["path"] == "docs/06.txt" for f in findings(files))
    assert findings(records) == findings(files)


def test_parquet_string_column_and_default_ids(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": ["Fine text.\n", "The cafÃ© is here.\n"]}), tmp_path / "d.parquet")
    result = textsieve("check", "--select", "ENC101", "--input-format", "parquet", "--no-cache",
                       "d.parquet", cwd=tmp_path)
    assert result.code == 1, result.err
    assert result.out.startswith("d.parquet#1:1:5: ENC101"), result.out


def test_locations_are_id_line_col_and_bad_records_are_named_and_skipped(tmp_path):
    good = {"a": "First line.\n\nThe cafÃ© is on line three.\n", "b": "Nothing wrong here.\n"}
    as_jsonl(tmp_path / "d.jsonl", good, extra_lines=[
        "{not json",
        json.dumps({"url": "c"}),
        json.dumps({"url": "d", "text": 7}),
        json.dumps({"text": "no id"}),
        json.dumps(["an", "array"]),
        json.dumps({"url": "a", "text": "The same id again: cafÃ©.\n"}),
        "",
        json.dumps({"url": "e", "text": "Last: donâ€™t.\n"}),
    ])
    result = textsieve("check", "--select", "ENC101", "--input-format", "jsonl", "--id-field", "url",
                       "--no-cache", "d.jsonl", cwd=tmp_path)
    assert result.code == 2  # records were lost: an error, after the report of the rest
    assert "Traceback" not in result.err
    assert [line.split(" ")[0] for line in result.out.splitlines() if "ENC101" in line] == \
        ["a:3:5:", "e:1:7:"]
    err = result.err.splitlines()
    assert any(line.startswith("textsieve: error: d.jsonl:3: invalid JSON") for line in err), err
    assert "textsieve: error: d.jsonl:4: no field 'text'; record not checked" in err
    assert "textsieve: error: d.jsonl:5: field 'text' is a number, not a string; record not checked" in err
    assert "textsieve: error: d.jsonl:6: no field 'url' (the --id-field); record not checked" in err
    assert "textsieve: error: d.jsonl:7: an array, not a JSON object; record not checked" in err
    assert "textsieve: error: d.jsonl:8: duplicate id 'a' (first at d.jsonl:1); record not checked" in err


def test_invalid_utf8_line_is_named(tmp_path):
    (tmp_path / "d.jsonl").write_bytes(b'{"text": "ok caf\xc3\xa9"}\n{"text": "bad \xff byte"}\n')
    result = textsieve("check", "--input-format", "jsonl", "--no-cache", "d.jsonl", cwd=tmp_path)
    assert "textsieve: error: d.jsonl:2: not UTF-8 (byte 0xff at column 15); record not checked" \
        in result.err.splitlines(), result.err
    assert result.code == 2


def test_fix_stdin_and_missing_input_are_usage_errors(tmp_path):
    as_jsonl(tmp_path / "d.jsonl", {"a": "The cafÃ©.\n"})
    before = (tmp_path / "d.jsonl").read_bytes()
    for args, message in [
        (["--fix", "d.jsonl"], "cannot be fixed in place"),
        (["--diff", "d.jsonl"], "cannot be fixed in place"),
        (["--stdin-filename", "x.md"], "--stdin-filename reads one document"),
        (["missing.jsonl"], "missing.jsonl: no such file or directory"),
        ([], "needs the record files"),
    ]:
        result = textsieve("check", "--input-format", "jsonl", *args, cwd=tmp_path)
        assert result.code == 2, (args, result.out, result.err)
        assert message in result.err and "Traceback" not in result.err, (args, result.err)
    assert (tmp_path / "d.jsonl").read_bytes() == before


def test_cache_and_baseline_work_on_records(tmp_path):
    as_jsonl(tmp_path / "d.jsonl", {"a": "The cafÃ© is open.\n", "b": "And donâ€™t go.\n"})
    args = ("check", "--select", "ENC101", "--input-format", "jsonl", "--id-field", "url")
    first = textsieve(*args, "d.jsonl", cwd=tmp_path)
    second = textsieve(*args, "d.jsonl", cwd=tmp_path)
    assert first.code == second.code == 1
    assert first.out == second.out
    assert (tmp_path / ".textsieve_cache").is_dir()
    wrote = textsieve(*args, "--write-baseline", "base.json", "d.jsonl", cwd=tmp_path)
    assert wrote.code == 0, wrote.err
    clean = textsieve(*args, "--baseline", "base.json", "d.jsonl", cwd=tmp_path)
    assert clean.code == 0 and "ENC101" not in clean.out
    as_jsonl(tmp_path / "d.jsonl", {"a": "The cafÃ© is open.\n", "b": "And donâ€™t go.\n",
                                    "c": "New: naÃ¯ve.\n"})
    new = textsieve(*args, "--baseline", "base.json", "d.jsonl", cwd=tmp_path)
    assert new.code == 1 and new.out.startswith("c:1:6: ENC101"), new.out


def test_record_format_parses_markdown_when_asked(tmp_path):
    text = "# Title\n\n`cafÃ©` in code is not prose.\n\nBut cafÃ© here is.\n"
    as_jsonl(tmp_path / "d.jsonl", {"page.md": text})
    base = ("check", "--select", "ENC101", "--input-format", "jsonl", "--id-field", "url", "--no-cache")
    plain = textsieve(*base, "d.jsonl", cwd=tmp_path)
    markdown = textsieve(*base, "--record-format", "auto", "d.jsonl", cwd=tmp_path)
    assert plain.out.count("ENC101") == 2, plain.out
    assert markdown.out.count("ENC101") == 1, markdown.out


def test_jsonl_chunks_cover_every_line_once_with_their_numbers(tmp_path):
    path = tmp_path / "d.jsonl"
    lines = [json.dumps({"text": f"record {i} " + "x" * (i * 37 % 300)}) for i in range(500)]
    lines[100] = json.dumps({"text": "y" * 5000})  # a line longer than a chunk
    path.write_text("\n".join(lines) + "\n")
    spec = inputs.RecordSpec("jsonl")
    for size in (64, 1000, 4096, 1 << 20):
        chunks = inputs.plan([str(path)], spec, chunk_bytes=size)
        records = [r for c in chunks for r in inputs.read_chunk(c, spec)[0]]
        assert [r.id for r in records] == [f"{path}#{i + 1}" for i in range(500)], size
        assert chunks[0].start == 0 and chunks[-1].end == path.stat().st_size
        assert all(a.end == b.start for a, b in zip(chunks, chunks[1:]))


def test_directories_and_globs_name_record_files_in_order(tmp_path):
    for name in ("b.jsonl", "a.jsonl", "sub/c.jsonl", "notes.txt"):
        write(tmp_path / name, json.dumps({"text": name}) + "\n")
    assert inputs.expand([str(tmp_path)], "jsonl") == [str(tmp_path / n) for n in ("a.jsonl", "b.jsonl",
                                                                                    "sub/c.jsonl")]
    assert inputs.expand([str(tmp_path / "*.jsonl")], "jsonl") == [str(tmp_path / "a.jsonl"),
                                                                   str(tmp_path / "b.jsonl")]
    with pytest.raises(inputs.InputError, match="no file matches"):
        inputs.expand([str(tmp_path / "*.parquet")], "parquet")


def test_parquet_without_pyarrow_names_the_extra(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    (tmp_path / "d.parquet").write_bytes(b"PAR1")
    with pytest.raises(inputs.InputError, match=r"pip install 'textsieve\[parquet\]'"):
        inputs.plan([str(tmp_path / "d.parquet")], inputs.RecordSpec("parquet"))


def test_the_summary_counts_records_not_files(tmp_path):
    write(tmp_path / "d.jsonl", '{"id": "a", "text": "The the cat sat."}\n{"id": "b", "text": "A clean text."}\n')
    found = textsieve("check", "--select", "TS003", "--input-format", "jsonl", "--no-cache", "d.jsonl",
                      cwd=tmp_path)
    assert found.out.splitlines()[-2] == "Found 1 finding (1 warning) in 2 records."
    write(tmp_path / "d.jsonl", '{"id": "b", "text": "A clean text."}\n')
    clean = textsieve("check", "--select", "TS003", "--input-format", "jsonl", "--no-cache", "d.jsonl",
                      cwd=tmp_path)
    assert clean.out.splitlines()[-1] == "All checks passed (1 record)."
