"""SARIF 2.1.0 and GitHub output, in the flow CI uses them.

The SARIF is validated against the official OASIS schema (a copy in tests/data/,
with its source and licence beside it) and, where it is installed, by Microsoft's
SARIF Multitool, the official validator; the composite action's own scripts are
run as a runner would.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from textsieve.findings import Finding, Fix, Related, Span
from textsieve.reporters import Report, render_sarif
from textsieve.rules.core import RepeatedWord

CHECKOUT = Path(__file__).resolve().parents[1]
SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
# The official file, as tests/data/sarif-schema-2.1.0.NOTICE.md names it.
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def _schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def test_the_schema_is_the_official_copy_with_its_notice():
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert _schema()["id"] == ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                               "sarif-schema-2.1.0.json")
    notice = (SCHEMA.parent / "sarif-schema-2.1.0.NOTICE.md").read_text(encoding="utf-8")
    assert SCHEMA_SHA256 in notice and "Copyright © OASIS Open" in notice


def validate_schema(log: dict) -> None:
    schema = _schema()
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def _artifact_uris(log: dict):
    for run in log["runs"]:
        for result in run["results"]:
            for loc in result["locations"] + result.get("relatedLocations", []):
                yield loc["physicalLocation"]["artifactLocation"]
            for fix in result.get("fixes", []):
                for change in fix["artifactChanges"]:
                    yield change["artifactLocation"]


def check_uris(log: dict) -> None:
    """Relative to %SRCROOT% or file:// URIs: never a bare absolute path."""
    bases = log["runs"][0]["originalUriBaseIds"]
    assert bases["%SRCROOT%"]["uri"].startswith("file:///") and bases["%SRCROOT%"]["uri"].endswith("/")
    for artifact in _artifact_uris(log):
        uri = artifact["uri"]
        if uri.startswith("file://"):
            assert "uriBaseId" not in artifact
        else:
            assert artifact["uriBaseId"] == "%SRCROOT%" and not uri.startswith("/")
            assert not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri), uri
            assert " " not in uri


def textsieve(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TEXTSIEVE_CACHE_DIR": str(cwd / ".cache-for-test")}
    return subprocess.run([sys.executable, "-m", "textsieve", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", env=env)


@pytest.fixture
def project(tmp_path, tmp_path_factory):
    """A small project: a doubled word, a non-ASCII file name, an emoji, and a file outside it."""
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "guide.md").write_text("# Guide\n\nRead the the guide.\n", encoding="utf-8")
    (root / "docs" / "café notes.md").write_text("- 😀 it it works\n", encoding="utf-8")
    (root / "clean.txt").write_text("Nothing to say here.\n", encoding="utf-8")
    outside = tmp_path_factory.mktemp("elsewhere") / "far.md"
    outside.write_text("> far far away\n", encoding="utf-8")
    return root, outside


def _cli_sarif(project) -> dict:
    root, outside = project
    done = textsieve("check", ".", str(outside), "--format", "sarif", "--select", "TS", cwd=root)
    assert done.returncode == 1, done.stderr
    return json.loads(done.stdout)


def test_cli_sarif_is_valid_with_exact_regions_fixes_and_uris(project):
    log = _cli_sarif(project)
    validate_schema(log)
    check_uris(log)
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert "TS003" in rules and "## What it flags" in rules["TS003"]["help"]["markdown"]
    seen = {}
    for result in run["results"]:
        [loc] = result["locations"]
        phys = loc["physicalLocation"]
        seen[phys["artifactLocation"]["uri"]] = (result, phys["region"])
        assert result["ruleId"] == "TS003" and result["level"] == "warning"
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "TS003"
        assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"]["textsieve/v1"])
    far_uri = Path(project[1]).resolve().as_uri()
    assert sorted(seen) == sorted(["docs/caf%C3%A9%20notes.md", "docs/guide.md", far_uri])
    result, region = seen["docs/guide.md"]
    assert region == {"startLine": 3, "startColumn": 6, "endLine": 3, "endColumn": 13}
    assert result["message"]["text"] == "'the' is repeated."
    [fix] = result["fixes"]
    [change] = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "docs/guide.md", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [{"deletedRegion": region, "insertedContent": {"text": "the"}}]
    # In code points: the emoji is one column, after the list marker.
    assert seen["docs/caf%C3%A9%20notes.md"][1] == {"startLine": 1, "startColumn": 5, "endLine": 1,
                                                   "endColumn": 10}
    assert seen[far_uri][1] == {"startLine": 1, "startColumn": 3, "endLine": 1, "endColumn": 10}


def write_corpus(root: Path) -> None:
    """Documents that each rule family flags: duplicates across files and boilerplate, mojibake
    and invisible characters, a file that is not UTF-8, vague claims, hard sentences, a
    repeated word, and a binary file (TS002)."""
    root.mkdir(parents=True, exist_ok=True)
    shared = ("The committee met on a cold Tuesday morning to review the harbour budget, and after three "
              "hours of argument it agreed to repair the north pier before the winter storms arrived.")
    footer = ("This page is part of the harbour handbook. Report mistakes to the harbour office by "
              "letter or in person, and quote the page title so that we can find it quickly.")
    long_sentence = "The pier " + "and the boats and the nets " * 12 + "were all repaired."
    (root / "report.md").write_text(
        "# How to Write a Good Report\n\n"
        f"{shared}\n\n"
        "Many experts agree that this is the best way to plan. Studies show it works.\n\n"
        "This groundbreaking, world-class plan is truly revolutionary and unparalleled.\n\n"
        "The cafÃ© on the quay served coffee in the the morning.\n\n"
        "A lost character \ufffd stood here, a zero\u200bwidth space, a stray\ufeffmark, a bell \x07 "
        "and a reversed \u202eword\u202c.\n\n"
        f"{long_sentence}\n\n"
        "The multidimensional institutionalisation of interdepartmental responsibilities necessitates "
        "comprehensive organisational reconsideration notwithstanding considerable administrative "
        "complexity.\n\n"
        "At the end of the day, it is what it is, and somewhat a lot of things may perhaps change.\n\n"
        f"{footer}\n", encoding="utf-8")
    (root / "summary.md").write_text(f"# How to Write a Good Summary\n\n{shared}\n\n{footer}\n",
                                     encoding="utf-8")
    for name in ("tides", "nets", "boats"):
        (root / f"{name}.md").write_text(
            f"# About {name}\n\nA few plain words about {name} on the quay.\n\n{footer}\n", encoding="utf-8")
    (root / "notes.txt").write_text("Tom &amp; Jerry met at the harbour.\n", encoding="utf-8")
    (root / "old.txt").write_bytes("Le café du port était fermé, hélas.\n".encode("cp1252"))
    (root / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def _corpus_sarif(tmp_path: Path) -> str:
    """The corpus (outside the working directory) with every rule but LanguageTool's
    (which needs its server)."""
    corpus, cwd = tmp_path / "corpus", tmp_path / "cwd"
    write_corpus(corpus)
    cwd.mkdir()
    done = textsieve("check", str(corpus), "--format", "sarif", "--extend-select", "ALL",
                     "--ignore", "LT", cwd=cwd)
    assert done.returncode == 1, done.stderr
    return done.stdout


def test_sarif_of_a_corpus_with_every_rule(tmp_path):
    log = json.loads(_corpus_sarif(tmp_path))
    validate_schema(log)
    check_uris(log)
    results = log["runs"][0]["results"]
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///")
               for r in results)  # the corpus is outside the working directory
    families = {re.match(r"[A-Z]+", r["ruleId"]).group() for r in results}
    assert families == {"DUP", "ENC", "READ", "TS", "VAG"}
    assert any(r.get("relatedLocations") for r in results) and any(r.get("fixes") for r in results)


def _report_with_related(root: Path, outside: Path) -> Report:
    """A duplicate-style finding with related locations (one outside the working directory)."""
    here = Span("docs/guide.md", 3, 1, 3, 20, 9, 28)
    there = Span("docs/café notes.md", 1, 3, 1, 17, 2, 16)
    far = Span(str(outside), 1, 3, 1, 11, 2, 10)
    dup = Finding("TS003", "this passage repeats two others", "warning", here,
                  related=(Related(there, "the copy in docs/café notes.md"), Related(far)),
                  text="Read the the guide.")
    fixable = Finding("TS003", "'the' is repeated", "warning", Span("docs/guide.md", 3, 6, 3, 13, 14, 21),
                      fix=Fix("the", safe=False), text="the the")
    return Report([dup, fixable], {"TS003": RepeatedWord}, files_checked=2)


def test_related_locations_and_unsafe_fixes_are_valid_sarif(project, monkeypatch):
    root, outside = project
    monkeypatch.chdir(root)
    log = json.loads(render_sarif(_report_with_related(root, outside)))
    validate_schema(log)
    check_uris(log)
    dup, fixable = log["runs"][0]["results"]
    related = dup["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2]
    assert related[0]["message"]["text"] == "the copy in docs/café notes.md."
    assert related[0]["physicalLocation"]["artifactLocation"] == {
        "uri": "docs/caf%C3%A9%20notes.md", "uriBaseId": "%SRCROOT%"}
    assert related[0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 3,
                                                        "endLine": 1, "endColumn": 17}
    assert related[1]["physicalLocation"]["artifactLocation"] == {"uri": outside.resolve().as_uri()}
    assert fixable["fixes"][0]["description"]["text"].endswith("(unsafe).")


# -- the official validator ------------------------------------------------------------
def multitool() -> list[str]:
    """The SARIF Multitool: $SARIF_MULTITOOL, or its npm package's binary on PATH."""
    explicit = os.environ.get("SARIF_MULTITOOL")
    if explicit:
        return [explicit]
    for name in ("Sarif.Multitool", "sarif-multitool"):
        found = shutil.which(name)
        if found:
            return [found]
    message = ("the SARIF Multitool is not installed: npm install -g @microsoft/sarif-multitool "
               "(or set SARIF_MULTITOOL to its Sarif.Multitool binary)")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def test_a_missing_validator_fails_under_ci_and_is_skipped_elsewhere(monkeypatch, tmp_path):
    monkeypatch.delenv("SARIF_MULTITOOL", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no validator on it
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="the SARIF Multitool is not installed"):
        multitool()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="the SARIF Multitool is not installed"):
        multitool()


def multitool_problems(path: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / f"{path.stem}.validation.sarif"
    done = subprocess.run([*multitool(), "validate", str(path), "--output", str(out),
                           "--log", "ForceOverwrite"], capture_output=True, text=True, timeout=600)
    assert out.is_file(), f"the validator wrote no report: {done.stdout}\n{done.stderr}"
    report = json.loads(out.read_text(encoding="utf-8-sig"))
    run = report["runs"][0]
    assert all(inv.get("executionSuccessful", True) for inv in run.get("invocations", [])), done.stdout
    return [f"{r['ruleId']} {r.get('level')}: {json.dumps(r['message'])}" for r in run.get("results", [])
            if r.get("level", "warning") == "error"]


@pytest.mark.timeout(900)
def test_official_validator_finds_no_error(project, tmp_path, monkeypatch):
    cli_log = tmp_path / "cli.sarif"
    cli_log.write_text(json.dumps(_cli_sarif(project)), encoding="utf-8")
    monkeypatch.chdir(project[0])
    related_log = tmp_path / "related.sarif"
    related_log.write_text(render_sarif(_report_with_related(*project)), encoding="utf-8")
    corpus_log = tmp_path / "corpus.sarif"
    corpus_log.write_text(_corpus_sarif(tmp_path / "every-rule"), encoding="utf-8")
    assert multitool_problems(cli_log, tmp_path) == []
    assert multitool_problems(related_log, tmp_path) == []
    assert multitool_problems(corpus_log, tmp_path) == []
    # And it does report errors: a bare absolute path is one.
    broken = json.loads(cli_log.read_text(encoding="utf-8"))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] = {
        "uri": "/abs/guide.md", "uriBaseId": "%SRCROOT%"}
    bad_log = tmp_path / "bad.sarif"
    bad_log.write_text(json.dumps(broken), encoding="utf-8")
    assert any(p.startswith("SARIF1004 error") for p in multitool_problems(bad_log, tmp_path))


# -- GitHub workflow commands ------------------------------------------------------------
def test_github_annotations(tmp_path):
    (tmp_path / "a,b:c.md").write_text("50% of the the time\n", encoding="utf-8")
    done = textsieve("check", ".", "--format", "github", "--select", "TS003", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stdout == ("::warning file=a%2Cb%3Ac.md,line=1,col=8,endLine=1,endColumn=15,"
                           "title=TS003::TS003 'the' is repeated\n")


# -- the composite action, step by step as a runner runs it ------------------------------------
def _expand(value: str, inputs: dict, context: dict) -> str:
    def one(match):
        expr = match.group(1).strip()
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        if expr in context:
            return context[expr]
        raise AssertionError(f"action.yml: expression not understood by this test: {expr}")

    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


@pytest.mark.timeout(1200)
def test_composite_action_installs_annotates_and_writes_sarif(tmp_path, project):
    action = yaml.safe_load((CHECKOUT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    defaults = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs = {**defaults, "args": "docs clean.txt --select TS", "sarif-file": "out/textsieve.sarif"}
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    (project[0] / "out").mkdir()
    github_env, github_output = tmp_path / "github_env", tmp_path / "github_output"
    github_env.touch()
    github_output.touch()
    context = {"github.action_path": str(CHECKOUT), "runner.temp": str(runner_temp)}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTSIEVE", "PIP_", "VIRTUAL_ENV"))}
    env.update(RUNNER_TEMP=str(runner_temp), GITHUB_ENV=str(github_env), GITHUB_OUTPUT=str(github_output))
    results = {}
    for step in action["runs"]["steps"]:
        if "uses" in step:
            continue  # actions/setup-python: the runner's Python is used here
        assert "${{" not in step["run"], "inputs must reach scripts through env, not be pasted into them"
        step_env = {**env, **{k: _expand(v, inputs, context) for k, v in step.get("env", {}).items()}}
        for line in github_env.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            step_env[key] = value
        results[step["id"]] = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=project[0], env=step_env,
                                             capture_output=True, text=True, timeout=1100)
        if step["id"] == "install":
            assert results["install"].returncode == 0, results["install"].stderr
    assert results["install"].stdout.strip().startswith("textsieve ")
    check = results["check"]
    assert check.returncode == 1, check.stderr  # findings fail the job
    assert check.stderr == "", check.stderr
    assert check.stdout.splitlines() == [
        "::warning file=docs/café notes.md,line=1,col=5,endLine=1,endColumn=10,"
        "title=TS003::TS003 'it' is repeated",
        "::warning file=docs/guide.md,line=3,col=6,endLine=3,endColumn=13,title=TS003::TS003 'the' is repeated",
    ]
    assert github_output.read_text(encoding="utf-8") == "sarif-file=out/textsieve.sarif\n"
    log = json.loads((project[0] / "out" / "textsieve.sarif").read_text(encoding="utf-8"))
    validate_schema(log)
    check_uris(log)
    assert len(log["runs"][0]["results"]) == 2
    assert (runner_temp / "textsieve-cache").is_dir()  # the cache stays out of the workspace

    # A usage error stops the step with exit 2, and no SARIF claims success.
    github_output.write_text("", encoding="utf-8")
    bad = subprocess.run(["bash", "-e", "-c", next(s["run"] for s in action["runs"]["steps"]
                                                   if s.get("id") == "check")],
                         cwd=project[0], capture_output=True, text=True,
                         env={**step_env, "INPUT_ARGS": "docs --select NOPE"})
    assert bad.returncode == 2 and "unknown rule code or prefix 'NOPE'" in bad.stderr
    assert github_output.read_text(encoding="utf-8") == ""


# -- the workflows of docs/integrations.md ---------------------------------------------------------
def _doc_snippet(name: str) -> str:
    text = (CHECKOUT / "docs" / "integrations.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- snippet: {re.escape(name)} -->\n```\w*\n(.*?)\n```", text, re.S)
    assert match, f"docs/integrations.md has no snippet '{name}'"
    return match.group(1) + "\n"


def test_documented_workflow_matches_the_action():
    workflow = yaml.safe_load(_doc_snippet("workflow"))
    action = yaml.safe_load((CHECKOUT / "action.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["textsieve"]["steps"]
    [ours] = [s for s in steps if s.get("uses", "").startswith("OWNER/textsieve@")]
    assert set(ours["with"]) <= set(action["inputs"])
    [upload] = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert upload["with"]["sarif_file"] == ours["with"]["sarif-file"]
    assert f"steps.{ours['id']}.outputs.sarif-file" in upload["if"]
    assert "sarif-file" in action["outputs"]


def test_documented_plain_workflow_command(project):
    steps = yaml.safe_load(_doc_snippet("workflow-plain"))
    command = steps[-1]["run"].split()
    assert command[:2] == ["textsieve", "check"]
    done = textsieve(*command[1:], "--select", "TS", cwd=project[0])
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == ("::warning file=docs/guide.md,line=3,col=6,endLine=3,"
                                            "endColumn=13,title=TS003::TS003 'the' is repeated")
