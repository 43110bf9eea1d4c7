"""`textsieve lsp`: a language server over standard input and output (pygls).

An editor gets the same findings as `textsieve check` run in the workspace
root: the same configuration, rule selection, inline suppressions, per-file
ignores and cache, because a buffer goes through the runner's own per-file
step (``runner.check_file``) and ``runner.filter_findings``. Diagnostics are
published on open, on change (debounced) and on save; fixes become quick fixes
and a ``source.fixAll.textsieve`` action. Corpus rules (duplicates) compare a
buffer with the whole workspace: every corpus file is collected once in the
background and kept current as buffers change and files are saved, created or
deleted; they run on every change while that takes under a second, else on
open and save only, so that typing in a large workspace stays quick. Positions go out in the encoding agreed with the client: UTF-16 (the
LSP default) unless the client offers UTF-32 or UTF-8.

A buffer over ``max-file-size`` (in UTF-8 bytes, as a file's size) is not
checked, as ``textsieve check`` does not read such a file: it gets one TS002
diagnostic instead. Every request gets an answer, even one that cannot be read
(an error response), so that a client waiting on it never hangs.

All checking runs on one worker thread, so rules never run concurrently; the
event loop only reads messages and publishes results.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import os
import re
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import cattrs
from lsprotocol import types as lsp
from pygls.exceptions import (FeatureRequestError, JsonRpcException, JsonRpcInvalidParams,
                              JsonRpcInvalidRequest, JsonRpcParseError)
from pygls.lsp.server import LanguageServer
from pygls.protocol import (JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage,
                            LanguageServerProtocol)
from pygls.uris import from_fs_path, to_fs_path

from textsieve import __version__
from textsieve.findings import Finding, Span

DEBOUNCE_SECONDS = 0.3
# Corpus rules compare a buffer with the whole workspace. While that takes less than this,
# it runs on every change; past it, only on open and save (and after indexing), so that
# typing in a large workspace stays responsive.
CORPUS_ON_CHANGE_SECONDS = 1.0
INDEX_BATCH = 32  # corpus files collected per turn of the worker thread
FIX_ALL_KIND = "source.fixAll.textsieve"
_SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning,
             "info": lsp.DiagnosticSeverity.Information}
# LSP lines end at \n, \r\n or \r (and nothing else, unlike str.splitlines).
_LSP_BREAK = re.compile(r"\r\n|\r|\n")


# -- positions ------------------------------------------------------------------
def _units(text: str, encoding: str) -> int:
    if encoding == lsp.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == lsp.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class LineIndex:
    """Maps a finding's 1-based line and column (characters, ``\\n`` lines, as the
    engine counts them) to an LSP position in the client's units."""

    def __init__(self, text: str):
        self.text = text
        # The runner decodes a leading BOM away; the editor's buffer may keep it.
        base = 1 if text.startswith("\ufeff") else 0
        self._engine_starts = [base] + [m.end() for m in re.finditer("\n", text)]
        self._lsp_starts = [0] + [m.end() for m in _LSP_BREAK.finditer(text)]

    def offset(self, line: int, column: int) -> int:
        index = max(0, min(line - 1, len(self._engine_starts) - 1))
        return max(0, min(self._engine_starts[index] + column - 1, len(self.text)))

    def position(self, offset: int, encoding: str) -> lsp.Position:
        line = bisect.bisect_right(self._lsp_starts, offset) - 1
        start = self._lsp_starts[line]
        return lsp.Position(line=line, character=_units(self.text[start:offset], encoding))

    def range(self, span: Span, encoding: str) -> lsp.Range:
        start = self.offset(span.line, span.column)
        end = max(start, self.offset(span.end_line, span.end_column))
        return lsp.Range(start=self.position(start, encoding), end=self.position(end, encoding))


# -- the checking half, independent of the protocol ------------------------------
class Engine:
    """Configuration, rules and the workspace corpus, for one workspace root.

    Paths are display paths as ``textsieve check`` prints them: relative to the
    working directory, which the server sets to the workspace root.
    """

    def __init__(self, root: str, registry: dict | None = None):
        self.root = os.path.abspath(root)
        self._registry = registry  # tests inject rules; None: the installed plugins
        self.buffers: dict[str, str] = {}  # open buffers: they win over the files on disk
        self.corpus: dict[str, dict[str, Any]] = {}  # path → {corpus rule code: collected data}
        self.error = ""
        self.corpus_seconds = 0.0  # how long the last corpus phase took
        self.load()

    # configuration -----------------------------------------------------------
    def load(self) -> None:
        """(Re)read the configuration and build the rules; forgets the corpus index."""
        from textsieve.cache import DEFAULT_DIR, ENV_VAR, NO_CACHE, Cache
        from textsieve.config import ConfigError, build_rules, load_config, per_file_matcher, selected_codes
        from textsieve.rule import RegistryError, load_rules
        from textsieve.runner import settings_signature

        self.rules, self.run_rules, self.corpus_rules, self.ran, self.batched_codes = [], [], [], set(), set()
        self.warnings: list[str] = []  # shown, not fatal: a plugin left out
        self.corpus = {}
        self.stamp = self._config_stamp()
        try:
            registry = self._registry if self._registry is not None else load_rules(self.warnings)
            config = load_config(None, registry, cwd=self.root)
            registry = {**registry, **config.declared_rules}
            self.warnings += config.warnings
        except (ConfigError, RegistryError) as exc:
            self.error = str(exc)
            return
        self.error = ""
        self.config = config
        codes = selected_codes(registry, config.select, config.extend_select, config.ignore)
        try:
            self.rules, self.run_rules = build_rules(
                registry, codes, config.rule_settings, set(config.select or []) | set(config.extend_select),
                config.path or "the defaults")
        except ConfigError as exc:
            self.error = str(exc)
            return
        self.ran = {r.code for r in self.rules + self.run_rules}
        self.corpus_rules = [r for r in self.rules if r.is_corpus_rule()]
        self.batched_codes = {r.code for r in self.corpus_rules if r.batched}
        self.per_file_ignored = per_file_matcher(config)
        self.signature = settings_signature(self.rules)
        directory = os.environ.get(ENV_VAR) or config.cache_dir or os.path.join(config.root, DEFAULT_DIR)
        self.cache = Cache(directory) if directory else NO_CACHE
        import pathspec

        from textsieve.discovery import DEFAULT_EXCLUDE

        self._exclude = pathspec.GitIgnoreSpec.from_lines(
            DEFAULT_EXCLUDE + config.exclude + config.extend_exclude)

    def _config_stamp(self) -> tuple:
        """Which configuration files exist at or above the root, and when they changed."""
        from textsieve.config import CONFIG_NAMES

        stamp = []
        current = self.root
        while True:
            for name in CONFIG_NAMES:
                try:
                    stamp.append((os.path.join(current, name), os.stat(os.path.join(current, name)).st_mtime_ns))
                except OSError:
                    pass
            parent = os.path.dirname(current)
            if parent == current:
                return tuple(stamp)
            current = parent

    def stale(self) -> bool:
        return self._config_stamp() != self.stamp

    def excluded(self, path: str) -> bool:
        """Excluded by the configuration (``exclude``/``extend-exclude`` and the defaults)."""
        if self.error:
            return True
        rel = os.path.relpath(os.path.abspath(path), self.config.root).replace(os.sep, "/")
        return not rel.startswith("../") and self._exclude.match_file(rel)

    # checking ----------------------------------------------------------------
    def max_size(self) -> int:
        from textsieve.source import DEFAULT_MAX_FILE_SIZE

        return self.config.max_file_size or DEFAULT_MAX_FILE_SIZE

    def _process(self, path: str, report: bool, data: bytes | None):
        """The runner's per-file step. A buffer's whole-file result is not cached (it changes
        with every keystroke and would fill the cache with dead entries); the rules' own
        caches (per paragraph, say) still are, and files read from disk use both."""
        from textsieve import runner
        from textsieve.cache import NO_CACHE

        runner.init_worker(self.rules, NO_CACHE if data is not None else self.cache,
                           self.max_size(), self.signature)
        for rule in self.rules:
            rule.cache = self.cache
        return runner.check_file((path, report, data))

    def lint(self, path: str, text: str, corpus: bool = True) -> tuple[list[Finding], list[str]]:
        """Findings for a buffer, after suppressions and per-file ignores; and errors.
        ``corpus=False`` leaves out the corpus rules (the buffer's data is still updated)."""
        from textsieve.runner import RunResult, corpus_step, filter_findings

        if self.error or self.excluded(path):
            return [], []
        self.buffers[path] = text
        data = text.encode("utf-8", "replace")
        limit = self.max_size()
        if len(data) > limit:
            return self._not_checked(path, f"larger than max-file-size ({len(data):,} bytes; the limit "
                                           f"is {limit:,} bytes, raise max-file-size to check it)")
        file = self._process(path, True, data)
        if file.skipped:
            return self._not_checked(path, file.skipped)
        errors = list(file.errors) + [f"{code} skipped: {why}" for code, why in file.unavailable]
        findings = list(file.findings)
        if self.corpus_rules:  # what the other documents are compared with (a batched rule's data is not)
            self.corpus[path] = {code: data for code, data in file.collected.items()
                                 if code not in self.batched_codes}
        if self.corpus_rules and corpus:
            started = time.perf_counter()
            for rule in self.corpus_rules:
                if rule.batched:  # this buffer's data only: the rule judges each document alone
                    collected = [(path, file.collected[rule.code])] if rule.code in file.collected else []
                else:
                    collected = [(p, data[rule.code]) for p, data in sorted(self.corpus.items())
                                 if rule.code in data]
                found, why, error = corpus_step(rule, collected)
                findings.extend(f for f in found if f.path == path)
                if why is not None:
                    errors.append(f"{rule.code} ({rule.name}) skipped: {why}")
                elif error is not None:
                    errors.append(error)
            self.corpus_seconds = time.perf_counter() - started
        result = RunResult([file], findings, errors)
        ran = set(self.ran) if corpus else set(self.ran) - {r.code for r in self.corpus_rules}
        kept = filter_findings(result, ran, self.per_file_ignored, self.run_rules)
        return kept, errors

    def _not_checked(self, path: str, why: str) -> tuple[list[Finding], list[str]]:
        """A buffer no rule ran on: TS002 at its start, as `textsieve check` reports such a
        file (or, TS002 not selected, an error to log); its old text leaves the corpus."""
        from textsieve.runner import FileResult, RunResult, filter_findings

        self.corpus.pop(path, None)
        found = [f for rule in self.run_rules for f in rule.not_checked(path, why, what="buffer")]
        if not found:
            return [], [f"{path}: not checked: {why}"]
        result = RunResult([FileResult(path, True, skipped=why)], found, [])
        return filter_findings(result, {f.code for f in found}, self.per_file_ignored), []

    # the workspace corpus ------------------------------------------------------
    def corpus_files(self) -> list[str]:
        """Every file of the corpus: the configured ``corpus`` paths, else the workspace."""
        from textsieve.discovery import DEFAULT_INCLUDE, discover

        if self.error or not self.corpus_rules:
            return []
        config = self.config
        roots = [os.path.join(config.root, c) for c in config.corpus] or [self.root]
        found = discover([r for r in roots if os.path.exists(r)], config.root,
                         config.include or DEFAULT_INCLUDE, config.exclude + config.extend_exclude,
                         config.respect_gitignore)
        return found.files

    def index(self, paths: list[str]) -> None:
        """Collect the corpus rules' data of files on disk (open buffers are kept as they are)."""
        for path in paths:
            if path not in self.buffers:
                self.refresh(path)

    def refresh(self, path: str) -> None:
        """Re-read one corpus file from disk after it changed, or forget it if it is gone."""
        if not self.corpus_rules:
            return
        if not os.path.isfile(path) or self.excluded(path):
            self.corpus.pop(path, None)
            return
        file = self._process(path, False, None)
        if file.skipped or file.errors:
            self.corpus.pop(path, None)
        else:
            self.corpus[path] = file.collected

    def close_buffer(self, path: str, in_corpus: bool) -> None:
        """A buffer was closed: the file on disk is the corpus copy again."""
        self.buffers.pop(path, None)
        self.corpus.pop(path, None)
        if in_corpus:
            self.refresh(path)

    def in_corpus(self, path: str) -> bool:
        """Whether a file (new, or not yet indexed) belongs to the corpus."""
        import pathspec

        from textsieve.discovery import DEFAULT_INCLUDE

        if self.error or not self.corpus_rules or self.excluded(path):
            return False
        include = pathspec.GitIgnoreSpec.from_lines(self.config.include or DEFAULT_INCLUDE)
        if not include.match_file(os.path.basename(path)):
            return False
        absolute = os.path.abspath(path)
        roots = [os.path.abspath(os.path.join(self.config.root, c)) for c in self.config.corpus] \
            or [self.root]
        return any(absolute == r or absolute.startswith(r.rstrip(os.sep) + os.sep) for r in roots)

    def text_of(self, path: str) -> str | None:
        """The text a related location points into: the open buffer, else the file."""
        if path in self.buffers:
            return self.buffers[path]
        from textsieve.source import SourceError, read_file

        try:
            return read_file(path)[1]
        except SourceError:
            return None

    def close(self) -> None:
        for rule in self.rules:
            try:
                rule.close()
            except Exception:  # shutting down: nothing more to do about it
                pass

    # conversion to LSP -----------------------------------------------------------
    def diagnostics(self, findings: list[Finding], text: str, encoding: str) -> list[lsp.Diagnostic]:
        index = LineIndex(text)
        others: dict[str, LineIndex | None] = {}
        out = []
        for f in findings:
            related = []
            for r in f.related:
                if r.span.path not in others:
                    other = self.text_of(r.span.path)
                    others[r.span.path] = LineIndex(other) if other is not None else None
                other_index = others[r.span.path]
                if other_index is None:
                    continue
                related.append(lsp.DiagnosticRelatedInformation(
                    location=lsp.Location(uri=path_to_uri(r.span.path),
                                          range=other_index.range(r.span, encoding)),
                    message=r.message or "related location"))
            data = None
            if f.fix is not None:
                data = {"replacement": f.fix.replacement, "safe": f.fix.safe}
            out.append(lsp.Diagnostic(
                range=index.range(f.span, encoding), message=f.message,
                severity=_SEVERITY[f.severity], code=f.code, source="textsieve",
                related_information=related or None, data=data))
        return out


def path_to_uri(path: str) -> str:
    return from_fs_path(os.path.abspath(path))


def uri_to_path(uri: str) -> str:
    """The display path for a document URI (relative to the workspace root when inside)."""
    from textsieve.discovery import display_path

    fs_path = to_fs_path(uri)
    if fs_path is None:  # not a file: URI (an unsaved buffer): name it by its last part
        return uri.rsplit("/", 1)[-1] or "untitled"
    return display_path(fs_path)


# -- the protocol half -------------------------------------------------------------
class AnsweringProtocol(LanguageServerProtocol):
    """pygls, but every request is answered: pygls drops a request whose params do not
    fit their type (``initialize`` without params, ``codeAction`` with ``{}``), or whose
    envelope is not JSON-RPC 2.0, without a reply, and the client waiting on it hangs.
    Here such a request gets an error response (Invalid Params, Invalid Request), and a
    bad notification a line in the client's log."""

    def structure_message(self, data):
        return data  # the whole message is structured at once, in handle_message

    def handle_message(self, message):
        if not isinstance(message, dict):  # a body of valid JSON that is no object
            self.refuse(None, JsonRpcInvalidRequest("a JSON-RPC message is a JSON object"))
            return
        msg_id = message.get("id")
        if "id" in message and msg_id is not None and (
                not isinstance(msg_id, (int, str)) or isinstance(msg_id, bool)):
            self.refuse(None, JsonRpcInvalidRequest("the id must be a number or a string"))
            return
        method = message.get("method")
        request = "method" in message and "id" in message
        if message.get("jsonrpc") != self.VERSION or ("method" in message and not isinstance(method, str)):
            why = JsonRpcInvalidRequest('not a JSON-RPC 2.0 message ("jsonrpc": "2.0" and a string method)')
            if request or ("id" in message and not {"result", "error"} & set(message)):
                self.refuse(msg_id, why)
            else:
                self._server.log(f"ignored a message: {why}")
            return
        if request and self._shutdown and method != lsp.EXIT:
            self.refuse(msg_id, JsonRpcInvalidRequest("the server is shutting down"))
            return
        if "id" in message and "method" not in message:  # the client's answer to our request
            kind = lsp.ResponseErrorMessage if "error" in message else \
                self._result_types.pop(msg_id, None) or JsonRPCResponseMessage
        elif "id" in message:
            kind = self.get_message_type(method) or JsonRPCRequestMessage
        else:
            kind = self.get_message_type(method) or JsonRPCNotification
        try:
            structured = self._converter.structure(message, kind)
        except Exception as exc:  # params of the wrong shape: cattrs says where
            detail = "; ".join(cattrs.transform_error(exc)[:3]) \
                if isinstance(exc, cattrs.ClassValidationError) else str(exc)
            what = f"params for {method}" if "method" in message else "response"
            why = JsonRpcInvalidParams(f"invalid {what}: {detail}"[:1000])
            if request:
                self.refuse(msg_id, why)
            else:
                self._server.log(f"ignored a message: {why}")
            return
        super().handle_message(structured)

    def refuse(self, msg_id, error: JsonRpcException) -> None:
        """An error response; written as plain JSON, so that a null id is sent as null."""
        self._send_data({"jsonrpc": self.VERSION, "id": msg_id,
                         "error": {"code": error.code, "message": error.message}})


@dataclass
class _Linted:
    version: int | None
    text: str
    findings: list[Finding] = field(default_factory=list)


class TextsieveServer(LanguageServer):
    def __init__(self):
        super().__init__("textsieve", __version__,
                         text_document_sync_kind=lsp.TextDocumentSyncKind.Full,
                         protocol_cls=AnsweringProtocol)
        self.engine: Engine | None = None
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="textsieve-check")
        self.debounce = DEBOUNCE_SECONDS
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.linted: dict[str, _Linted] = {}
        self.logged: set[str] = set()
        self.indexing: asyncio.Task | None = None

    @property
    def encoding(self) -> str:
        return self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16

    async def on_worker(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.worker, fn, *args)

    def log(self, message: str, kind=lsp.MessageType.Error) -> None:
        if message not in self.logged:
            self.logged.add(message)
            self.window_log_message(lsp.LogMessageParams(type=kind, message=f"textsieve: {message}"))

    def report_server_error(self, error: Exception, source) -> None:
        """A body that is not JSON gets a Parse Error with id null (its id cannot be read);
        other errors outside a request go to the client's log (pygls would pop them up)."""
        if source is JsonRpcException and isinstance(error, (ValueError, RecursionError)):
            self.protocol.refuse(None, JsonRpcParseError(f"the message is not JSON: {str(error)[:200]}"))
            return
        if source is not FeatureRequestError:  # a failed request is answered with its error
            self.log(f"error: {str(error)[:500]}")

    def open_uris(self) -> list[str]:
        return list(self.workspace.text_documents)

    # scheduling --------------------------------------------------------------------
    def schedule(self, uri: str, delay: float = 0.0, corpus: bool = True) -> None:
        """Lint soon; ``corpus=False`` (a change) runs the corpus rules only while they are fast."""
        timer = self.timers.pop(uri, None)
        if timer:
            timer.cancel()
        loop = asyncio.get_running_loop()
        if delay <= 0:
            loop.create_task(self.lint(uri, corpus))
        else:
            self.timers[uri] = loop.call_later(delay, lambda: loop.create_task(self.lint(uri, corpus)))

    async def lint(self, uri: str, corpus: bool = True) -> None:
        self.timers.pop(uri, None)
        if uri not in self.workspace.text_documents or self.engine is None:
            return
        if await self.on_worker(self.engine.stale):
            await self.reload()
            return  # reload() lints every open document
        document = self.workspace.get_text_document(uri)
        text, version = document.source, document.version
        path = uri_to_path(uri)

        corpus = corpus or self.engine.corpus_seconds < CORPUS_ON_CHANGE_SECONDS

        def work():
            findings, errors = self.engine.lint(path, text, corpus)
            return findings, errors, self.engine.diagnostics(findings, text, self.encoding)

        try:
            findings, errors, diagnostics = await self.on_worker(work)
        except Exception:
            self.log(f"{path}: internal error: {traceback.format_exc(limit=-3).strip().splitlines()[-1]}")
            return
        for error in errors:
            self.log(error)
        current = self.workspace.text_documents.get(uri)
        if current is None or current.version != version:
            return  # closed, or changed again: that change has its own lint coming
        self.linted[uri] = _Linted(version, text, findings)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    async def reload(self) -> None:
        await self.on_worker(self.engine.load)
        self.logged.clear()
        if self.engine.error:
            self.show_error(self.engine.error)
        for warning in self.engine.warnings:
            self.log(warning, lsp.MessageType.Warning)
        self.start_indexing()
        for uri in self.open_uris():
            self.schedule(uri)

    def show_error(self, message: str) -> None:
        self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error,
                                                       message=f"textsieve: {message}"))

    def start_indexing(self) -> None:
        if self.indexing and not self.indexing.done():
            self.indexing.cancel()
        self.indexing = asyncio.get_running_loop().create_task(self.index_workspace())

    async def index_workspace(self) -> None:
        """Collect every corpus file, a batch per turn so that lints interleave; then
        re-check the open buffers against the complete corpus."""
        engine = self.engine
        paths = await self.on_worker(engine.corpus_files)
        if not paths:
            return
        for start in range(0, len(paths), INDEX_BATCH):
            await self.on_worker(engine.index, paths[start:start + INDEX_BATCH])
        self.log(f"indexed {len(paths)} corpus file{'s' if len(paths) != 1 else ''}",
                 lsp.MessageType.Info)
        for uri in self.open_uris():
            self.schedule(uri)


def build_server() -> TextsieveServer:
    server = TextsieveServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: TextsieveServer, params: lsp.InitializeParams):
        root = ls.workspace.root_path
        if not root and params.workspace_folders:
            root = to_fs_path(params.workspace_folders[0].uri)
        if root and os.path.isdir(root):
            os.chdir(root)  # paths, configuration and cache as `textsieve check` in the root
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        if isinstance(options.get("debounceMs"), (int, float)) and options["debounceMs"] >= 0:
            ls.debounce = options["debounceMs"] / 1000
        ls.engine = Engine(os.getcwd())

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: TextsieveServer, params: lsp.InitializedParams):
        if ls.engine is None:  # initialized without a successful initialize
            return
        if ls.engine.error:
            ls.show_error(ls.engine.error)
        for warning in ls.engine.warnings:
            ls.log(warning, lsp.MessageType.Warning)
        watch = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watch and watch.dynamic_registration:
            ls.client_register_capability(lsp.RegistrationParams(registrations=[lsp.Registration(
                id="textsieve-files", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=lsp.DidChangeWatchedFilesRegistrationOptions(watchers=[
                    lsp.FileSystemWatcher(glob_pattern="**/*.{md,markdown,mdown,txt,text,rst,rest}"),
                    lsp.FileSystemWatcher(glob_pattern="**/{pyproject.toml,textsieve.toml,.textsieve.toml}"),
                ]))]))
        ls.start_indexing()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TextsieveServer, params: lsp.DidOpenTextDocumentParams):
        ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TextsieveServer, params: lsp.DidChangeTextDocumentParams):
        ls.schedule(params.text_document.uri, ls.debounce, corpus=False)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TextsieveServer, params: lsp.DidSaveTextDocumentParams):
        ls.schedule(params.text_document.uri)
        if ls.engine and ls.engine.corpus_rules:
            # Its copy in the corpus changed: the other buffers may gain or lose duplicates.
            for uri in ls.open_uris():
                if uri != params.text_document.uri:
                    ls.schedule(uri, ls.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: TextsieveServer, params: lsp.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        timer = ls.timers.pop(uri, None)
        if timer:
            timer.cancel()
        ls.linted.pop(uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        if ls.engine:
            path = uri_to_path(uri)
            await ls.on_worker(ls.engine.close_buffer, path, ls.engine.in_corpus(path))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: TextsieveServer, params: lsp.DidChangeWatchedFilesParams):
        if ls.engine is None:
            return
        if await ls.on_worker(ls.engine.stale):
            await ls.reload()
            return
        open_paths = {uri_to_path(u) for u in ls.open_uris()}
        changed = False
        for event in params.changes:
            path = uri_to_path(event.uri)
            if path in open_paths or not (path in ls.engine.corpus or ls.engine.in_corpus(path)):
                continue
            await ls.on_worker(ls.engine.refresh, path)
            changed = True
        if changed:
            for uri in ls.open_uris():
                ls.schedule(uri, ls.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND]))
    def code_action(ls: TextsieveServer, params: lsp.CodeActionParams):
        uri = params.text_document.uri
        only = params.context.only

        def wanted(kind: str) -> bool:
            return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)

        actions = []
        if wanted(lsp.CodeActionKind.QuickFix):
            for diagnostic in params.context.diagnostics:
                data = diagnostic.data
                if diagnostic.source != "textsieve" or not isinstance(data, dict) \
                        or not isinstance(data.get("replacement"), str):
                    continue
                replacement = data["replacement"]
                title = (f"Replace with '{replacement}'" if replacement else "Delete") + \
                    f" ({diagnostic.code})"
                actions.append(lsp.CodeAction(
                    title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                    is_preferred=bool(data.get("safe")),
                    edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=diagnostic.range,
                                                                       new_text=replacement)]})))
        linted = ls.linted.get(uri)
        document = ls.workspace.text_documents.get(uri)
        if wanted(FIX_ALL_KIND) and linted and document and document.version == linted.version:
            from textsieve.fixes import choose_fixes

            index = LineIndex(linted.text)
            edits = [lsp.TextEdit(range=index.range(f.span, ls.encoding), new_text=f.fix.replacement)
                     for chosen in choose_fixes(linted.findings, unsafe=False).values() for f in chosen]
            if edits:
                actions.append(lsp.CodeAction(
                    title="Apply every safe textsieve fix", kind=FIX_ALL_KIND,
                    edit=lsp.WorkspaceEdit(changes={uri: edits})))
        return actions or None

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: TextsieveServer, params=None):
        for timer in ls.timers.values():
            timer.cancel()
        ls.timers.clear()
        ls.worker.shutdown(wait=False, cancel_futures=True)
        if ls.engine:
            ls.engine.close()

    return server


def serve() -> None:
    """Run the server on standard input and output until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="textsieve lsp: %(levelname)s %(message)s")
    build_server().start_io()
