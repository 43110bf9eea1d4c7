"""--engine dask: findings byte-identical to the local engine's, on a cluster of two
worker processes that the test starts and stops itself."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import textsieve, write

distributed = pytest.importorskip("distributed")

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def scheduler():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def make_corpus(root: Path) -> dict[str, str]:
    """The repository's samples and generated pages sharing passages, by file name."""
    texts: dict[str, str] = {}
    for path in sorted(SAMPLES.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt", ".rst"):
            name = f"docs/samples/{path.relative_to(SAMPLES)}"
            write(root / name, path.read_bytes())
            texts[name] = path.read_bytes().decode("utf-8", "surrogateescape")
    shared = ("Backups run every night at two, and a copy of each one is kept for thirty days on a "
              "second disk so that a broken disk never takes the only copy of the data with it.")
    for i in range(40):
        body = [f"# Page {i}\n", f"Page {i} describes part {i % 7} of the system in its own words, "
                                 f"with details that belong to page {i} alone.\n"]
        if i % 5 == 0:
            body.append(shared + "\n")
        if i % 9 == 0:
            body.append(shared.replace("thirty", "forty").replace("second", "spare") + "\n")
        if i % 11 == 0:
            body.append("The cafÃ© serves donâ€™t-miss coffee.\n")
        text = "\n".join(body)
        name = f"docs/page{i:02}.md"
        write(root / name, text)
        texts[name] = text
    return texts


def check(root: Path, *args: str):
    return textsieve("check", "--format", "json", "--no-cache", "--extend-select", "DUP101,DUP102", *args,
                     cwd=root, timeout=300)


def test_files_on_the_cluster_give_the_local_engines_findings(tmp_path, scheduler):
    make_corpus(tmp_path)
    local = check(tmp_path, "--jobs", "2", "docs")
    remote = check(tmp_path, "--engine", "dask", "--scheduler", scheduler, "docs")
    assert local.code == 1, local.err
    codes = {f["code"] for f in local.json()["findings"]}
    assert {"DUP101", "DUP102", "ENC101"} <= codes, codes
    assert remote.code == local.code, remote.err
    assert remote.out == local.out  # byte for byte
    text_local = textsieve("check", "--no-cache", "docs", cwd=tmp_path)
    text_remote = textsieve("check", "--no-cache", "--engine", "dask", "--scheduler", scheduler, "docs",
                            cwd=tmp_path)
    assert text_remote.out == text_local.out


def test_records_on_the_cluster_give_the_local_engines_findings(tmp_path, scheduler):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    texts = make_corpus(tmp_path)
    with open(tmp_path / "data.jsonl", "w", encoding="utf-8") as handle:
        for name, text in texts.items():
            handle.write(json.dumps({"id": name, "text": text}) + "\n")
        handle.write("{broken\n")
    pq.write_table(pa.table({"id": list(texts), "text": list(texts.values())}), tmp_path / "data.parquet",
                   row_group_size=7)
    for fmt, name in (("jsonl", "data.jsonl"), ("parquet", "data.parquet")):
        args = ("--input-format", fmt, "--id-field", "id", "--record-format", "auto", name)
        local = check(tmp_path, "--jobs", "2", *args)
        remote = check(tmp_path, "--engine", "dask", "--scheduler", scheduler, *args)
        assert local.code == (2 if fmt == "jsonl" else 1), local.err
        assert remote.code == local.code and remote.err == local.err, remote.err
        assert remote.out == local.out
    files = check(tmp_path, "docs")
    assert json.loads(remote.out)["findings"] == files.json()["findings"]


def test_engine_from_the_configuration_and_a_url_glob(tmp_path, scheduler):
    make_corpus(tmp_path)
    shutil.rmtree(tmp_path / "docs" / "samples")
    (tmp_path / "textsieve.toml").write_text(f'engine = "dask"\nscheduler = "{scheduler}"\n')
    local = check(tmp_path, "--engine", "local", "docs")
    configured = check(tmp_path, "docs")
    assert configured.out == local.out and configured.code == 1, configured.err
    url = f"file://{tmp_path}/docs/*.md"
    by_url = check(tmp_path, "--engine", "local", url)
    on_cluster = check(tmp_path, url)
    assert by_url.code == 1 and on_cluster.out == by_url.out, on_cluster.err
    assert {f["path"] for f in by_url.json()["findings"]} <= {f"file://{tmp_path}/docs/page{i:02}.md"
                                                             for i in range(40)}
    assert [(f["code"], f["line"], f["column"]) for f in by_url.json()["findings"]] == \
        [(f["code"], f["line"], f["column"]) for f in local.json()["findings"]]


def test_unreachable_scheduler_is_a_usage_error(tmp_path):
    write(tmp_path / "a.md", "Text.\n")
    result = textsieve("check", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", "a.md",
                       cwd=tmp_path, env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert result.code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.err, result.err
    assert "Traceback" not in result.err


def test_scheduler_without_the_dask_engine_is_a_usage_error(tmp_path):
    write(tmp_path / "a.md", "Text.\n")
    result = textsieve("check", "--scheduler", "tcp://127.0.0.1:9", "a.md", cwd=tmp_path)
    assert result.code == 2 and "give --engine dask too" in result.err
