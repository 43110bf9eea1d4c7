"""The language server, spoken to over stdio by a small JSON-RPC client, as an editor would;
and its engine half (the workspace corpus) in process."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from textsieve.findings import Related
from textsieve.rule import Rule
from textsieve.rules.core import RepeatedWord, UnusedSuppression

TIMEOUT = 60  # seconds to wait for one message; generous for a loaded CI machine


class LspClient:
    """Content-Length framed JSON-RPC over the server's standard input and output."""

    def __init__(self, cwd: Path, env: dict | None = None):
        self.stderr_path = cwd / f".lsp-stderr-{id(self)}.log"
        self.stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "textsieve", "lsp"], cwd=cwd, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.stderr, env={**os.environ, **(env or {})})
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        self.seen: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def send_body(self, body: bytes) -> None:
        """One framed message whose body is sent as it is (garbled JSON, say)."""
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def reply(self, msg_id, message: dict) -> dict:
        """Send a request as given (any fields, any params) and wait for the answer to it."""
        self.send(message)
        return self.wait(lambda m: m.get("id") == msg_id and "method" not in m)

    def request(self, method: str, params: dict | None) -> dict:
        self.next_id += 1
        msg_id = self.next_id
        reply = self.reply(msg_id, {"id": msg_id, "method": method, "params": params})
        assert "error" not in reply, reply
        return reply["result"]

    def wait(self, predicate, timeout: float = TIMEOUT) -> dict:
        while True:
            try:
                message = self.messages.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no expected message within {timeout}s; saw {self.seen[-5:]}; "
                                     f"server stderr: {self.stderr_path.read_text()[-2000:]}") from None
            self.seen.append(message)
            if "method" in message and "id" in message:  # a request from the server
                self.send({"id": message["id"], "result": None})
            if predicate(message):
                return message

    def diagnostics(self, uri: str, version: int | None = None) -> list[dict]:
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                            and m["params"]["uri"] == uri
                            and (version is None or m["params"].get("version") == version))
        return message["params"]["diagnostics"]

    def initialize(self, root: Path, encodings: list[str] | None = None, **options) -> dict:
        capabilities: dict = {"textDocument": {"publishDiagnostics": {"relatedInformation": True},
                                               "codeAction": {}},
                              "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}}
        if encodings:
            capabilities["general"] = {"positionEncodings": encodings}
        result = self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(),
                                             "capabilities": capabilities,
                                             "initializationOptions": options})
        self.notify("initialized", {})
        return result

    def close(self) -> int:
        result = self.request("shutdown", None)
        assert result is None
        self.notify("exit", None)
        try:
            return self.proc.wait(timeout=TIMEOUT)
        finally:
            self.proc.stdout.close()
            self.proc.stdin.close()
            self.stderr.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


@pytest.fixture
def client_factory(tmp_path):
    clients = []

    def make(**env):
        client = LspClient(tmp_path, env)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.kill()


def only_ts(root: Path) -> None:
    """Exact assertions need a fixed rule set: the TS rules only, whatever else is on by default."""
    (root / "textsieve.toml").write_text('select = ["TS"]\n', encoding="utf-8")


def _range(diagnostic: dict) -> tuple[int, int, int, int]:
    r = diagnostic["range"]
    return r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"]


def test_diagnostics_in_utf16_on_open_change_and_a_quick_fix(tmp_path, client_factory):
    only_ts(tmp_path)
    doc = tmp_path / "notes.md"
    doc.write_text("😀 the the cat\n", encoding="utf-8")
    uri = doc.as_uri()
    client = client_factory()
    result = client.initialize(tmp_path)
    caps = result["capabilities"]
    assert caps.get("positionEncoding", "utf-16") == "utf-16"
    assert caps["textDocumentSync"]["change"] == 1  # full text on every change
    assert caps["codeActionProvider"]["codeActionKinds"] == ["quickfix", "source.fixAll.textsieve"]

    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1, "text": doc.read_text(encoding="utf-8")}})
    [diag] = client.diagnostics(uri, version=1)
    # The emoji is one character but two UTF-16 code units: "the the" is at 3..10, not 2..9.
    assert _range(diag) == (0, 3, 0, 10)
    assert diag["code"] == "TS003" and diag["source"] == "textsieve" and diag["severity"] == 2
    assert diag["message"] == "'the' is repeated"

    # A quick fix from the rule's fix, for the diagnostic the editor hands back.
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diag["range"],
        "context": {"diagnostics": [diag], "only": ["quickfix"]}})
    [action] = actions
    assert action["kind"] == "quickfix" and action["isPreferred"] is True
    [edit] = action["edit"]["changes"][uri]
    assert edit == {"range": diag["range"], "newText": "the"}

    # A change moves the problem into a table cell on line 3, after two emoji and an accent.
    new_text = "# Title\n\n| 😀😀 é | it it is |\n| --- | --- |\n"
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": new_text}]})
    [diag] = client.diagnostics(uri, version=2)
    # "| 😀😀 é | " is 9 code points, 11 UTF-16 units; "it it" is 5 long.
    assert _range(diag) == (2, 11, 2, 16)
    assert diag["message"] == "'it' is repeated"

    # The whole-document fix is offered for the version that was checked.
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diag["range"],
        "context": {"diagnostics": [], "only": ["source.fixAll"]}})
    [action] = actions
    assert action["kind"] == "source.fixAll.textsieve"
    assert action["edit"]["changes"][uri] == [{"range": diag["range"], "newText": "it"}]

    # Fixed text: the diagnostics are cleared.
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": "All clear.\n"}]})
    assert client.diagnostics(uri, version=3) == []
    assert client.close() == 0


@pytest.mark.parametrize("encoding, expected", [("utf-32", (0, 2, 0, 9)), ("utf-8", (0, 5, 0, 12))])
def test_position_encoding_negotiated_with_the_client(tmp_path, client_factory, encoding, expected):
    only_ts(tmp_path)
    uri = (tmp_path / "a.txt").as_uri()
    client = client_factory()
    result = client.initialize(tmp_path, encodings=[encoding, "utf-16"])
    assert result["capabilities"]["positionEncoding"] == encoding
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "plaintext", "version": 1, "text": "😀 the the cat\n"}})
    [diag] = client.diagnostics(uri)
    assert _range(diag) == expected
    assert client.close() == 0


def test_configuration_suppressions_and_per_file_ignores_apply(tmp_path, client_factory):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.textsieve]\nselect = ["TS003", "TS001"]\n'
        '[tool.textsieve.per-file-ignores]\n"drafts/*" = ["TS003"]\n', encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    text = "Keep the the one.\n\n<!-- textsieve: disable-next-line TS003 -->\nSkip it it here.\n"
    main_uri = (tmp_path / "main.md").as_uri()
    draft_uri = (tmp_path / "drafts" / "d.md").as_uri()
    client = client_factory()
    client.initialize(tmp_path)
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": main_uri, "languageId": "markdown", "version": 1, "text": text}})
    [diag] = client.diagnostics(main_uri)
    assert diag["code"] == "TS003" and _range(diag) == (0, 5, 0, 12)
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": draft_uri, "languageId": "markdown", "version": 1, "text": text}})
    # TS003 is ignored for drafts/, so the suppression comment there suppresses nothing
    # (the same span as `textsieve check` reports: 3:6 to 3:44, 1-based).
    [diag] = client.diagnostics(draft_uri)
    assert diag["code"] == "TS001" and _range(diag) == (2, 5, 2, 43)

    # Saving a changed configuration reloads it: TS003 is now ignored everywhere.
    (tmp_path / "pyproject.toml").write_text('[tool.textsieve]\nselect = ["TS003", "TS001"]\n'
                                             'ignore = ["TS003"]\n', encoding="utf-8")
    os.utime(tmp_path / "pyproject.toml", ns=(1, 1))
    client.notify("textDocument/didSave", {"textDocument": {"uri": main_uri}})
    assert client.diagnostics(main_uri) == []
    assert client.close() == 0


def test_a_bad_configuration_is_shown_not_fatal(tmp_path, client_factory):
    (tmp_path / "textsieve.toml").write_text('select = ["NOPE"]\n', encoding="utf-8")
    client = client_factory()
    client.initialize(tmp_path)
    shown = client.wait(lambda m: m.get("method") == "window/showMessage")
    assert "unknown rule code or prefix 'NOPE'" in shown["params"]["message"]
    assert client.close() == 0


# -- the engine's workspace corpus, with a corpus rule of the test's own ----------
class SameLine(Rule):
    """A line that also appears in another document (a stand-in for the DUP rules).

    ## What it flags
    Lines repeated across documents.
    ## Why it matters
    Tests the corpus path of the language server.
    ## Example
    Two files with the line "shared words here".
    ## Instead
    Keep one.
    ## Options
    None.
    """

    code = "TST901"
    name = "same-line"

    def collect(self, document):
        lines, offset = [], 0
        for line in document.text.split("\n"):
            if line.strip():
                lines.append((line.strip(), document.span(offset, offset + len(line))))
            offset += len(line) + 1
        return lines

    def check_corpus(self, collected):
        where: dict[str, list] = {}
        for _path, lines in collected:
            for text, span in lines:
                where.setdefault(text, []).append(span)
        for text, spans in where.items():
            for span in spans:
                others = [s for s in spans if s.path != span.path]
                if others:
                    yield self.finding_at(span, f"'{text}' also appears elsewhere", text=text,
                                          related=[Related(s, "the other copy") for s in others])


def test_engine_keeps_the_workspace_corpus_current(tmp_path, monkeypatch):
    from textsieve.lsp import Engine

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEXTSIEVE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "a.md").write_text("shared words here\nonly in a\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("intro\n\nshared words here\n", encoding="utf-8")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "c.md").write_text("shared words here\n", encoding="utf-8")  # excluded
    (tmp_path / "textsieve.toml").write_text('extend-select = ["TS001"]\n', encoding="utf-8")
    engine = Engine(str(tmp_path), registry={r.code: r for r in (UnusedSuppression, RepeatedWord, SameLine)})
    assert [r.code for r in engine.corpus_rules] == ["TST901"]
    files = engine.corpus_files()
    assert files == ["a.md", "b.md"]
    engine.index(files)

    cached = sorted(p.name for p in (tmp_path / "cache" / "files").rglob("*") if p.is_file())
    assert len(cached) == 2  # files read from disk are cached like `textsieve check` caches them

    # A buffer (unsaved) is compared with the indexed files on disk.
    findings, errors = engine.lint("new.md", "😀\nshared words here\n")
    assert errors == []
    # ...and, changing with every keystroke, leaves no whole-file entry in the cache.
    assert sorted(p.name for p in (tmp_path / "cache" / "files").rglob("*") if p.is_file()) == cached
    [f] = findings
    assert (f.code, f.span.line, f.span.column, f.span.end_line, f.span.end_column) == ("TST901", 2, 1, 2, 18)
    assert sorted(r.span.path for r in f.related) == ["a.md", "b.md"]
    # Related locations point into the other files, converted with their own text.
    [diag] = engine.diagnostics(findings, "😀\nshared words here\n", "utf-16")
    related = sorted((r.location.uri.rsplit("/", 1)[-1], r.location.range.start.line,
                      r.location.range.end.character) for r in diag.related_information)
    assert related == [("a.md", 0, 17), ("b.md", 2, 17)]

    # b.md changes on disk: only a.md still shares the line.
    (tmp_path / "b.md").write_text("intro\n", encoding="utf-8")
    engine.refresh("b.md")
    [f] = engine.lint("new.md", "shared words here\n")[0]
    assert [r.span.path for r in f.related] == ["a.md"]
    # An open buffer of a.md that drops the line wins over the file on disk.
    assert [f.span.line for f in engine.lint("a.md", "only in a\nshared words here\n")[0]] == [2]
    engine.lint("a.md", "only in a\n")
    assert engine.lint("new.md", "shared words here\n")[0] == []
    # Closing the buffer makes the file on disk (which still has the line) the copy again.
    engine.close_buffer("a.md", engine.in_corpus("a.md"))
    assert len(engine.lint("new.md", "shared words here\n")[0]) == 1
    # A deleted file leaves the corpus; an excluded one never enters it.
    (tmp_path / "a.md").unlink()
    engine.refresh("a.md")
    assert engine.lint("new.md", "shared words here\n")[0] == []
    assert not engine.in_corpus("build/c.md") and engine.in_corpus("docs/new.md")
    assert engine.lint("build/c.md", "the the\n") == ([], [])

    # Without the corpus rules (a change in a large workspace), their findings wait for the
    # save, and a suppression of them is not called unused.
    (tmp_path / "d.md").write_text("shared words here\n", encoding="utf-8")
    engine.refresh("d.md")
    assert [f.code for f in engine.lint("new.md", "shared words here\n")[0]] == ["TST901"]
    assert engine.lint("new.md", "shared words here\n", corpus=False)[0] == []
    suppressed = "<!-- textsieve: disable-next-line TST901 -->\nshared words here\n"
    assert engine.lint("new.md", suppressed)[0] == []
    assert engine.lint("new.md", suppressed.replace("shared words", "other words"), corpus=False)[0] == []
    assert [f.code for f in engine.lint("new.md", suppressed.replace("shared words", "other words"))[0]] == ["TS001"]


class SeenTogether(Rule):
    """Names the documents it was given in one batch (a stand-in for the LT rules).

    ## What it flags
    Nothing real: its message lists the paths check_corpus received.
    """

    code = "TST902"
    name = "seen-together"
    batched = True

    def collect(self, document):
        return document.span(0, 1)

    def check_corpus(self, collected):
        for path, span in collected:
            yield self.finding_at(span, "given: " + ", ".join(p for p, _ in collected))


def test_a_batched_rule_gets_the_buffer_alone_not_the_workspace(tmp_path, monkeypatch):
    from textsieve.lsp import Engine

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEXTSIEVE_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(f"text of {name}\n", encoding="utf-8")
    engine = Engine(str(tmp_path), registry={r.code: r for r in (SameLine, SeenTogether)})
    engine.index(engine.corpus_files())
    assert [f.message for f in engine.lint("new.md", "text of new\n")[0]] == ["given: new.md"]
    assert all("TST902" not in data for data in engine.corpus.values())  # nothing collected for it


# -- the editor snippets of docs/integrations.md, run in real editors where installed --------
CHECKOUT = Path(__file__).resolve().parents[1]


def snippet(name: str) -> str:
    import re

    text = (CHECKOUT / "docs" / "integrations.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- snippet: {re.escape(name)} -->\n```\w*\n(.*?)\n```", text, re.S)
    assert match, f"docs/integrations.md has no snippet '{name}'"
    return match.group(1) + "\n"


def need(program: str, install: str) -> str:
    import shutil

    found = shutil.which(program)
    if found:
        return found
    message = f"{program} is not installed ({install})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _editor_env(tmp_path: Path) -> dict:
    return {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": str(tmp_path),
            "TEXTSIEVE_CACHE_DIR": str(tmp_path / ".cache-for-test")}


def test_vim_makeprg_and_errorformat_land_on_the_finding(tmp_path):
    vim = need("vim", "apt-get install -y vim-nox")
    only_ts(tmp_path)
    (tmp_path / "snippet.vim").write_text(snippet("vim"), encoding="utf-8")
    (tmp_path / "doc.md").write_text("# T\n\nCafé — the the cat\n\n- it it\n", encoding="utf-8")
    probe = ('call writefile(map(getqflist(), {_, e -> bufname(e.bufnr) . "|" . e.lnum . "|" . e.col'
             ' . "|" . e.valid . "|" . e.text}), "qf.txt") | cc 1 | '
             'call writefile([line(".") . ":" . col(".") . ":" . strpart(getline("."), col(".") - 1)], "pos.txt")')
    done = subprocess.run([vim, "-es", "-N", "-u", "NONE", "-i", "NONE", "-c", "source snippet.vim",
                           "-c", "silent make", "-c", probe, "-c", "qa!", "doc.md"],
                          cwd=tmp_path, env=_editor_env(tmp_path), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "qf.txt").read_text(encoding="utf-8").splitlines() == [
        "doc.md|3|8|1|TS003 [*] 'the' is repeated",  # the summary lines are left out
        "doc.md|5|3|1|TS003 [*] 'it' is repeated"]
    # The cursor lands on the word, after a two-byte é and a three-byte em dash.
    assert (tmp_path / "pos.txt").read_text(encoding="utf-8") == "3:11:the the cat\n"


def test_neovim_lsp_client_gets_diagnostics_and_updates(tmp_path):
    nvim = need("nvim", "apt-get install -y neovim")
    only_ts(tmp_path)
    (tmp_path / "snippet.lua").write_text(snippet("neovim"), encoding="utf-8")
    (tmp_path / "doc.md").write_text("# T\n\n😀 the the cat\n", encoding="utf-8")
    (tmp_path / "probe.lua").write_text("""
local function dump(name)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(out, string.format("%d:%d:%d:%d:%s:%s", d.lnum, d.col, d.end_lnum, d.end_col,
                                    d.source or "", d.message))
  end
  vim.fn.writefile(out, name)
end
vim.cmd("source snippet.lua")
vim.cmd("edit doc.md")
vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
dump("open.txt")
vim.api.nvim_buf_set_lines(0, 2, 3, false, { "All fine.", "", "| é | so so | to to |" })
vim.wait(60000, function()
  local d = vim.diagnostic.get(0)
  return #d > 0 and d[1].lnum == 4
end, 50)
dump("change.txt")
vim.cmd("qa!")
""", encoding="utf-8")
    done = subprocess.run([nvim, "--headless", "-u", "NONE", "-i", "NONE", "-c", "filetype on",
                           "-c", "luafile probe.lua"], cwd=tmp_path, env=_editor_env(tmp_path),
                          capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    # Neovim turns the UTF-16 positions into byte columns: the emoji is 4 bytes, 2 UTF-16 units.
    assert (tmp_path / "open.txt").read_text(encoding="utf-8") == "2:5:2:12:textsieve:'the' is repeated\n"
    assert (tmp_path / "change.txt").read_text(encoding="utf-8") == "4:15:4:20:textsieve:'to' is repeated\n"


def _matcher_output(tmp_path: Path) -> list[str]:
    only_ts(tmp_path)
    (tmp_path / "my docs").mkdir()
    (tmp_path / "my docs" / "a b.md").write_text("😀 the the\n\nIt\nit goes.\n", encoding="utf-8")
    env = _editor_env(tmp_path)
    task = json.loads(snippet("vscode-task"))["tasks"][0]
    done = subprocess.run([task["command"], *task["args"]], cwd=tmp_path, env=env, capture_output=True,
                          text=True, encoding="utf-8")
    assert done.returncode == 1, done.stderr
    return done.stdout.splitlines()


def test_vscode_problem_matcher_regex_reads_real_output(tmp_path):
    import re

    task = json.loads(snippet("vscode-task"))["tasks"][0]
    matcher = task["problemMatcher"]
    pattern = matcher["pattern"]
    lines = _matcher_output(tmp_path)
    path = os.path.join("my docs", "a b.md")
    expected = [(path, "1", "3", "TS003", "'the' is repeated"),  # with the [*] of a safe fix
                (path, "3", "1", "TS003", "'It' is repeated")]   # without: the fix is unsafe
    regex = re.compile(pattern["regexp"])
    found = [m for m in map(regex.match, lines) if m]
    assert [tuple(m.group(pattern[k]) for k in ("file", "line", "column", "code", "message"))
            for m in found] == expected
    assert len(lines) == len(found) + 2  # the summary and the fixable count do not match

    node = need("node", "apt-get install -y nodejs")
    script = ("const [re, ...lines] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "const r = new RegExp(re);"
              "console.log(JSON.stringify(lines.map(l => r.exec(l)).filter(m => m).map(m => m.slice(1))));")
    done = subprocess.run([node, "-e", script], input=json.dumps([pattern["regexp"], *lines]),
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr
    assert [tuple(g[pattern[k] - 1] for k in ("file", "line", "column", "code", "message"))
            for g in json.loads(done.stdout)] == expected


def test_duplicates_against_the_indexed_workspace_over_stdio(tmp_path, client_factory):
    """The real DUP rules: a buffer repeats a passage of a file that is not open."""
    (tmp_path / "textsieve.toml").write_text('select = ["DUP102"]\n', encoding="utf-8")
    passage = ("The committee met on a cold Tuesday morning to review the harbour budget, and after "
               "three hours of argument it agreed to repair the north pier before the winter storms.")
    (tmp_path / "docs").mkdir()
    old = tmp_path / "docs" / "old.md"
    old.write_text(f"# Old\n\n😀 {passage}\n", encoding="utf-8")
    uri = (tmp_path / "new.md").as_uri()
    client = client_factory()
    client.initialize(tmp_path, debounceMs=50)
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1, "text": f"# New\n\n{passage}\n"}})
    # Published once on open (perhaps before the index is complete), again once it is.
    for _ in range(2):
        diagnostics = client.diagnostics(uri)
        if diagnostics:
            break
    [diag] = diagnostics
    assert diag["code"] == "DUP102" and _range(diag)[:3] == (2, 0, 2)
    [related] = diag["relatedInformation"]
    assert related["location"]["uri"] == old.as_uri()
    # The paragraph in old.md starts with an emoji: two UTF-16 units, so the end is one further.
    assert related["location"]["range"] == {"start": {"line": 2, "character": 0},
                                            "end": {"line": 2, "character": 3 + len(passage)}}

    # old.md is deleted on disk; the client's file watcher says so.
    old.unlink()
    client.notify("workspace/didChangeWatchedFiles",
                  {"changes": [{"uri": old.as_uri(), "type": 3}]})
    # (A publication from the end of indexing may still be on its way: wait for the empty one.)
    client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri and m["params"]["diagnostics"] == [])
    assert client.close() == 0


def test_a_rule_that_cannot_run_is_a_skip_message_not_an_internal_error(tmp_path):
    from textsieve.lsp import Engine

    (tmp_path / "textsieve.toml").write_text(
        'select = ["TS003", "LT"]\n[lt]\nurl = "http://127.0.0.1:9"\n')
    engine = Engine(str(tmp_path))
    engine.load()
    findings, errors = engine.lint(str(tmp_path / "a.md"), "Read the the guide.\n")
    assert [f.code for f in findings] == ["TS003"]
    assert errors and all("skipped: the LanguageTool server at http://127.0.0.1:9" in e for e in errors)
    assert not any("internal error" in e for e in errors)


# -- bad input: an oversized buffer, malformed messages ----------------------------------------
def test_an_oversized_buffer_is_one_not_checked_diagnostic_and_no_rule_runs(tmp_path, client_factory):
    (tmp_path / "textsieve.toml").write_text('select = ["TS"]\nmax-file-size = 2000\n', encoding="utf-8")
    uri = (tmp_path / "big.md").as_uri()
    client = client_factory()
    client.initialize(tmp_path, debounceMs=0)
    big = "Read the the guide.\n" * 101  # 2,020 bytes
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1, "text": big}})
    [diag] = client.diagnostics(uri, version=1)  # no TS003: the rules did not run on it
    assert diag["code"] == "TS002" and _range(diag) == (0, 0, 0, 0)
    assert diag["message"] == ("buffer not checked: larger than max-file-size (2,020 bytes; the limit is "
                               "2,000 bytes, raise max-file-size to check it)")
    # Cut under the limit, it is checked again; grown over it, it is not.
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": "Read the the guide.\n"}]})
    assert [d["code"] for d in client.diagnostics(uri, version=2)] == ["TS003"]
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": big}]})
    assert [d["code"] for d in client.diagnostics(uri, version=3)] == ["TS002"]
    assert client.close() == 0


def test_engine_measures_a_buffer_in_utf8_bytes_and_keeps_an_oversized_one_out_of_the_corpus(
        tmp_path, monkeypatch):
    from textsieve.lsp import Engine
    from textsieve.rules.core import FileNotChecked

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEXTSIEVE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "textsieve.toml").write_text("max-file-size = 2000\n", encoding="utf-8")
    registry = {r.code: r for r in (FileNotChecked, RepeatedWord, SameLine)}
    engine = Engine(str(tmp_path), registry=registry)
    # 996 'é' are 1,992 bytes, 996 characters: with " it it.\n" at the limit, checked;
    # one more 'é' is over it.
    assert len(("é" * 996 + " it it.\n").encode()) == 2000
    assert [f.code for f in engine.lint("a.md", "é" * 996 + " it it.\n")[0]] == ["TS003"]
    [f] = engine.lint("a.md", "é" * 997 + " it it.\n")[0]
    assert (f.code, f.span.line, f.span.column) == ("TS002", 1, 1)
    assert "2,002 bytes; the limit is 2,000 bytes" in f.message

    # The corpus holds a buffer's last checked text; an oversized buffer takes it out.
    engine.lint("b.md", "shared words here\n")
    assert [f.code for f in engine.lint("c.md", "shared words here\n")[0]] == ["TST901"]
    engine.lint("b.md", "shared words here\n" + "x" * 2000)
    assert "b.md" not in engine.corpus
    assert engine.lint("c.md", "shared words here\n")[0] == []

    # With TS002 not selected there is no finding, but the reason is an error to log.
    (tmp_path / "textsieve.toml").write_text('max-file-size = 2000\nignore = ["TS002"]\n', encoding="utf-8")
    engine.load()
    findings, errors = engine.lint("a.md", "é" * 997 + " it it.\n")
    assert findings == [] and errors == [
        "a.md: not checked: larger than max-file-size (2,002 bytes; the limit is 2,000 bytes, "
        "raise max-file-size to check it)"]
    # A buffer with a NUL byte is not checked either (TS002 as for a file), never an exception.
    (tmp_path / "textsieve.toml").write_text("max-file-size = 2000\n", encoding="utf-8")
    engine.load()
    [f] = engine.lint("d.md", "the the\x00\n")[0]
    assert f.code == "TS002" and "binary content" in f.message


def _malformed_requests(uri: str) -> list[tuple[object, dict]]:
    """(id, message) pairs: requests a careless or broken client might send."""
    doc = {"uri": uri}
    zero = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}
    cases = [
        {"method": "initialize"},  # no params at all
        {"method": "initialize", "params": None},
        {"method": "initialize", "params": []},
        {"method": "initialize", "params": {"processId": "abc", "capabilities": 3}},
        {"method": "textDocument/codeAction", "params": {}},
        {"method": "textDocument/codeAction", "params": {"textDocument": doc}},
        {"method": "textDocument/codeAction", "params": {"textDocument": doc, "range": zero,
                                                         "context": {"diagnostics": [{"range": "x"}]}}},
        {"method": "textDocument/codeAction", "params": {"textDocument": doc, "range": zero,
                                                         "context": {"diagnostics": "all"}}},
        {"method": "textDocument/codeAction", "params": {"textDocument": {"uri": 7}, "range": zero,
                                                         "context": {"diagnostics": []}}},
        {"method": "textDocument/codeAction", "params": {
            "textDocument": doc, "range": {"start": {"line": -1, "character": "a"}, "end": None},
            "context": {"diagnostics": []}}},
        {"method": "textDocument/codeAction", "params": "a string"},
        {"method": "textDocument/codeAction", "params": 42},
        {"method": "textsieve/noSuchMethod", "params": {}},
        {"method": 5, "params": {}},  # the method is not a string
        {"method": "textDocument/codeAction", "params": {}, "jsonrpc": "1.0"},
        {"method": "textDocument/hover", "params": {"textDocument": doc, "position": {"line": 0}}},
        {"method": "workspace/executeCommand", "params": {"command": 3}},
        {"method": "textDocument/diagnostic", "params": {"textDocument": None}},
    ]
    out = [(100 + i, {"jsonrpc": "2.0", "id": 100 + i, **case}) for i, case in enumerate(cases)]
    out.append(("str-id", {"jsonrpc": "2.0", "id": "str-id", "method": "textDocument/codeAction",
                           "params": {}}))
    return out


_MALFORMED_NOTIFICATIONS = [
    ("textDocument/didOpen", {}),
    ("textDocument/didOpen", {"textDocument": {"uri": "file:///nowhere/x.md"}}),  # no text
    ("textDocument/didOpen", {"textDocument": {"uri": "not a uri", "languageId": "markdown",
                                               "version": 1, "text": "the the\n"}}),
    ("textDocument/didOpen", None),
    ("textDocument/didChange", {"textDocument": {"uri": "file:///never/opened.md", "version": 2},
                                "contentChanges": [{"text": "x"}]}),
    ("textDocument/didChange", {"contentChanges": [{"range": 3}]}),
    ("textDocument/didClose", {"textDocument": {"uri": "file:///never/opened.md"}}),
    ("textDocument/didSave", {}),
    ("workspace/didChangeWatchedFiles", {"changes": [{"uri": 5}]}),
    ("workspace/didChangeWatchedFiles", {"changes": "everything"}),
    ("initialized", []),
    ("$/cancelRequest", {"id": {"nested": True}}),
    ("$/setTrace", {"value": 12}),
    ("textsieve/unknownNotification", {"x": 1}),
]


def test_malformed_messages_get_an_answer_and_the_server_stays_alive(tmp_path, client_factory):
    only_ts(tmp_path)
    uri = (tmp_path / "doc.md").as_uri()
    client = client_factory()
    # Before initialize succeeds: an initialize without params is refused, not left unanswered.
    reply = client.reply(1, {"jsonrpc": "2.0", "id": 1, "method": "initialize"})
    assert reply["error"]["code"] == -32602, reply  # Invalid Params
    client.initialize(tmp_path)

    answered = {}
    for msg_id, message in _malformed_requests(uri):
        answered[msg_id] = client.reply(msg_id, message)
    for msg_id, reply in answered.items():
        assert ("error" in reply) != ("result" in reply), (msg_id, reply)
        if "error" in reply:
            assert isinstance(reply["error"]["code"], int) and reply["error"]["message"], reply
    assert answered[104]["error"]["code"] == -32602  # codeAction with {}
    assert answered[112]["error"]["code"] == -32601  # method not found
    assert answered[113]["error"]["code"] == -32600  # not a valid request
    assert answered[114]["error"]["code"] == -32600  # jsonrpc 1.0
    # No "jsonrpc" member at all.
    client.send_body(json.dumps({"id": 200, "method": "textDocument/codeAction", "params": {}}).encode())
    reply = client.wait(lambda m: m.get("id") == 200 and "method" not in m)
    assert reply["error"]["code"] == -32600

    for method, params in _MALFORMED_NOTIFICATIONS:
        client.notify(method, params)
    # Bodies that are not a JSON-RPC object: answered with id null (their id cannot be read).
    for body, code in [(b"{not json", -32700), (b'{"id": 9, "method": "x"', -32700),
                       (b"\xff\xfe\x00garbage", -32700), (b"[]", -32600), (b"42", -32600),
                       (b'"text"', -32600), (b"null", -32600)]:
        client.send_body(body)
        reply = client.wait(lambda m: "method" not in m and m.get("id", 0) is None)
        assert reply["error"]["code"] == code, (body, reply)
    # An id of a type JSON-RPC does not allow: an error with id null.
    client.send({"id": {"a": 1}, "method": "textDocument/codeAction", "params": {}})
    reply = client.wait(lambda m: "method" not in m and m.get("id", 0) is None)
    assert reply["error"]["code"] == -32600

    # Still alive and working: a normal document gets its diagnostics and its quick fix.
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1, "text": "Read the the guide.\n"}})
    [diag] = client.diagnostics(uri, version=1)
    assert diag["code"] == "TS003"
    [action] = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diag["range"],
        "context": {"diagnostics": [diag], "only": ["quickfix"], "unknownField": [1, 2]}})
    assert action["edit"]["changes"][uri][0]["newText"] == "the"
    assert client.proc.poll() is None
    assert client.close() == 0


def test_a_request_after_shutdown_is_refused_not_left_unanswered(tmp_path, client_factory):
    only_ts(tmp_path)
    client = client_factory()
    client.initialize(tmp_path)
    assert client.request("shutdown", None) is None
    reply = client.reply(77, {"jsonrpc": "2.0", "id": 77, "method": "textDocument/codeAction",
                              "params": {}})
    assert reply["error"]["code"] == -32600
    client.notify("exit", None)
    assert client.proc.wait(timeout=TIMEOUT) == 0


def test_a_missing_editor_fails_under_ci_and_is_skipped_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no-such-editor-9f3 is not installed"):
        need("no-such-editor-9f3", "apt-get install it")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no-such-editor-9f3 is not installed"):
        need("no-such-editor-9f3", "apt-get install it")
