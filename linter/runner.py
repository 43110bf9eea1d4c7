"""The run: files → documents → rules → findings → filters.

Each file is read, parsed and checked by the per-document rules in a worker
process (``--jobs``); corpus rules collect their per-document data there too,
then check the whole corpus once in this process. Per-file results are cached
by path, content hash and rule settings. Results are ordered by input, then
sorted, so output is identical for any number of jobs.

A document gets at most ``max-findings-per-code`` findings of one code (a 50 MB
line once gave 10 million); the rest are counted in one finding. Workers die
with the run: on SIGTERM, Ctrl-C or any error the run stops them before it ends,
and on Linux a worker whose parent dies is sent SIGTERM by the kernel.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from textsieve.cache import NO_CACHE, Cache, cache_key
from textsieve.document import Document
from textsieve.segments import Directive
from textsieve.findings import Finding
from textsieve.rule import Rule, RuleUnavailable, RunRule, cyclic_gc_paused
from textsieve.source import (DEFAULT_MAX_FILE_SIZE, SourceError, SourceInfo, content_hash, decode, format_for,
                              read_file)
from textsieve.suppressions import Suppressions


@dataclass
class FileResult:
    path: str
    report: bool  # False for files read only as corpus context (--corpus)
    findings: list[Finding] = field(default_factory=list)
    collected: dict[str, Any] = field(default_factory=dict)
    directives: list[Directive] = field(default_factory=list)
    line_count: int = 0
    digest: str = ""
    info: SourceInfo | None = None
    skipped: str = ""  # why the file could not be checked
    errors: list[str] = field(default_factory=list)
    unavailable: list[tuple[str, str]] = field(default_factory=list)  # (code, why)
    cached: bool = False
    where: str = ""  # a record's file and line or row ("data.jsonl:12"); "" for a file


@dataclass
class RunResult:
    files: list[FileResult]
    findings: list[Finding]
    errors: list[str]
    unavailable: list[tuple[Rule, str]] = field(default_factory=list)


DEFAULT_MAX_FINDINGS = 1000  # per document and code; 0: no bound

# Worker state, set once per process by the pool initializer.
_RULES: list[Rule] = []
_CACHE: Cache = NO_CACHE
_MAX_SIZE = DEFAULT_MAX_FILE_SIZE
_SIGNATURE = ""
_MAX_FINDINGS = DEFAULT_MAX_FINDINGS


def init_worker(rules: list[Rule], cache: Cache, max_size: int, signature: str,
                max_findings: int = DEFAULT_MAX_FINDINGS) -> None:
    global _RULES, _CACHE, _MAX_SIZE, _SIGNATURE, _MAX_FINDINGS
    _RULES, _CACHE, _MAX_SIZE, _SIGNATURE = rules, cache, max_size, signature
    _MAX_FINDINGS = max_findings
    for rule in rules:
        rule.cache = cache


def _init_pool_worker(*args) -> None:
    """A pool worker: stopped by its parent (SIGTERM, the default action) and never by a
    terminal's Ctrl-C, which the parent handles; on Linux, told to end when the parent dies."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            pass
    if os.getppid() == 1:  # the parent died before the line above: nobody reads our results
        os._exit(1)
    init_worker(*args)


def bounded(findings: Iterable[Finding], limit: int) -> list[Finding]:
    """At most ``limit`` findings of each code, in the order given, and for each code
    with more, one finding at the first one left out that counts them (its fingerprint
    does not depend on the count, so a baseline keeps matching it)."""
    if limit <= 0:
        return list(findings)
    kept: list[Finding] = []
    shown: Counter = Counter()
    hidden: Counter = Counter()
    first_hidden: dict[str, Finding] = {}
    for finding in findings:
        if shown[finding.code] < limit:
            shown[finding.code] += 1
            kept.append(finding)
        else:
            hidden[finding.code] += 1
            first_hidden.setdefault(finding.code, finding)
    for code, count in hidden.items():
        first = first_hidden[code]
        kept.append(Finding(
            code, f"and {count:,} more {code} finding{'s' if count != 1 else ''} in this document, "
                  f"not shown (max-findings-per-code = {limit})",
            first.severity, first.span, text=f"{code} findings not shown"))
    return kept


def check_file(task: tuple) -> FileResult:
    return check_files([task])[0]


def check_unit(unit: tuple) -> tuple[list[FileResult], list[str]]:
    """A worker's unit of work: ``("files", tasks)`` or ``("records", chunk, spec)``; its
    results and the records it could not read."""
    if unit[0] == "files":
        return check_files(unit[1]), []
    from textsieve.inputs import read_chunk

    _, chunk, spec = unit
    try:
        records, problems = read_chunk(chunk, spec)
    except Exception as exc:  # the file went away or is damaged: the chunk is lost, not the run
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return [], [f"{chunk.path}: cannot read records ({detail}); a part of it is not checked"]
    tasks = [(r.id, True, r.data, spec.document_format(r.id), r.where) for r in records]
    return check_files(tasks), [str(p) for p in problems]


def check_files(tasks: list[tuple]) -> list[FileResult]:
    """Read, parse and check a batch of files: per-document rules file by file, then
    each corpus rule's ``collect_many`` over the batch's documents at once (a few
    MB of text at a time)."""
    results: list[FileResult] = []
    pending: list[tuple[FileResult, Document, str]] = []  # parsed, not from the cache
    size = 0
    for task in tasks:
        result, document, key = _check_one(task)
        results.append(result)
        if document is not None:
            pending.append((result, document, key))
            size += len(document.text)
            if size >= BATCH_TEXT:
                _collect(pending)
                pending, size = [], 0
    _collect(pending)
    return results


BATCH_TEXT = 4_000_000  # characters of text whose documents a worker holds for collect_many


def _collect(pending: list[tuple[FileResult, Document, str]]) -> None:
    """The corpus rules' data of the documents, then each file's cache entry."""
    for rule in _RULES:
        if not rule.is_corpus_rule():
            continue
        batch = [(result, document) for result, document, _ in pending
                 if rule.applies_to(document) and (result.report or not rule.batched)]
        if not batch:
            continue
        try:
            collected = rule.collect_many([document for _, document in batch])
        except RuleUnavailable as exc:
            for result, _ in batch:
                result.unavailable.append((rule.code, str(exc)))
            continue
        except Exception:  # again one by one, so that the error names its file
            collected = None
        if collected is not None and len(collected) == len(batch):
            for (result, _), value in zip(batch, collected):
                result.collected[rule.code] = value
            continue
        for result, document in batch:
            try:
                result.collected[rule.code] = rule.collect(document)
            except RuleUnavailable as exc:
                result.unavailable.append((rule.code, str(exc)))
            except Exception:
                result.errors.append(_internal_error(result.path, rule))
    for result, _, key in pending:
        if not result.errors:
            _CACHE.put("files", key, (result.findings, result.collected, result.directives,
                                      result.line_count))


def _check_one(task: tuple) -> tuple[FileResult, Document | None, str]:
    """Read and parse one file and run the per-document rules; the document is None
    when the file could not be read or its results came from the cache.

    ``task``: ``(path, report, data)``, the bytes None to read the file; a record adds
    its document format and where it is (``(id, True, data, format, where)``); a file
    read from elsewhere than its reported path (a worker on another host, an fsspec
    URL) adds ``(None, source)``."""
    path, report, data, *more = task
    fmt = more[0] if more else None
    result = FileResult(path, report, where=more[1] if fmt and len(more) > 1 else "")
    source = more[1] if not fmt and len(more) > 1 else path
    try:
        if data is None:
            if "://" in source:
                data, text, info = _read_url(source, _MAX_SIZE)
            else:
                data, text, info = read_file(source, _MAX_SIZE)
        else:
            text, info = decode(data)
    except SourceError as exc:
        result.skipped = str(exc)
        return result, None, ""
    result.digest = content_hash(data)
    result.info = info
    key = cache_key("file", path, result.digest, report, _SIGNATURE, _MAX_FINDINGS, *([fmt] if fmt else []))
    hit = _CACHE.get("files", key)
    if hit is not None:
        result.findings, result.collected, result.directives, result.line_count = hit
        result.cached = True
        return result, None, key
    document = Document(path, text, fmt or format_for(path) or "text", info)
    result.directives = document.directives
    result.line_count = document.line_count
    if report:
        for rule in _RULES:
            if rule.is_corpus_rule() or not rule.applies_to(document):
                continue
            try:
                result.findings.extend(bounded(rule.check(document), _MAX_FINDINGS))
            except RuleUnavailable as exc:
                result.unavailable.append((rule.code, str(exc)))
            except Exception:
                result.errors.append(_internal_error(path, rule))
    return result, document, key


def _read_url(url: str, max_size: int):
    """A file named by an fsspec URL, read whole (``source.read_file``'s checks)."""
    try:
        import fsspec

        with fsspec.open(url, "rb") as handle:
            data = handle.read(max_size + 1)
    except ImportError:
        raise SourceError("reading a URL needs fsspec (pip install fsspec)") from None
    except OSError as exc:
        raise SourceError(getattr(exc, "strerror", None) or str(exc)) from None
    if len(data) > max_size:
        raise SourceError(f"too large (over {max_size / 1e6:.1f} MB; raise max-file-size to check it)")
    text, info = decode(data)
    return data, text, info


def _internal_error(path: str, rule: Rule) -> str:
    detail = traceback.format_exc(limit=-3).strip().splitlines()[-1]
    return f"{path}: internal error in {rule.code} ({rule.name}): {detail}"


def _batches(tasks: list, size: int) -> list[list]:
    """Tasks in batches of ``size`` files (a worker's unit of work)."""
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def settings_signature(rules: list[Rule]) -> str:
    """What cached results depend on besides content: the code that made them and the settings."""
    return repr((code_fingerprint(tuple(type(r) for r in rules)),
                 sorted((r.code, sorted(r.settings.items())) for r in rules)))


def code_fingerprint(rule_classes: tuple[type[Rule], ...]) -> str:
    """A digest of the engine's and the rules' files (sources and word lists), so that a
    cache never outlives the code that filled it, even within one version number.
    textsieve's own packages count whole; a plugin counts by its rule's module file."""
    import inspect
    from importlib.util import find_spec

    # The built-in rules' folder, found without importing them (the runner is below no rule).
    paths = {os.path.dirname(os.path.abspath(__file__)),
             os.path.dirname(os.path.abspath(find_spec("textsieve.rules").origin))}
    for rule in rule_classes:
        if not rule.__module__.startswith("textsieve."):
            try:
                paths.add(os.path.abspath(inspect.getsourcefile(rule)))
            except TypeError:  # no source file (a frozen or compiled module)
                paths.add(rule.__module__)
    return _digest_paths(tuple(sorted(paths)))


@functools.lru_cache(maxsize=8)
def _digest_paths(paths: tuple[str, ...]) -> str:
    import hashlib

    digest = hashlib.blake2b(digest_size=16)
    for directory in paths:
        if not os.path.isdir(directory):
            digest.update(directory.encode("utf-8", "surrogateescape"))
            if os.path.isfile(directory):
                with open(directory, "rb") as handle:
                    digest.update(handle.read())
            continue
        for root, dirs, names in os.walk(directory):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(root, name)
                digest.update(path.encode("utf-8", "surrogateescape"))
                try:
                    with open(path, "rb") as handle:
                        digest.update(handle.read())
                except OSError:
                    pass
    return digest.hexdigest()


def run(paths: list[str], rules: list[Rule], *, corpus_paths: list[str] = (), jobs: int = 0,
        cache: Cache = NO_CACHE, max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        stdin: bytes | None = None, max_findings: int | None = None,
        records=None, progress=None, engine=None) -> RunResult:
    """Check ``paths`` (reporting on them) with ``corpus_paths`` as extra corpus context.
    ``max_findings``: findings of one code a document shows (None: DEFAULT_MAX_FINDINGS).
    ``records``: ``(chunks, spec)`` of ``textsieve.inputs``, whose records are checked as
    documents (reported on) instead of ``paths``. ``progress``: a ``textsieve.progress.Progress``.
    ``engine``: runs the units of work elsewhere (``engine_dask.DaskEngine``); None: here,
    in a pool of ``jobs`` processes."""
    from textsieve.progress import NO_PROGRESS

    progress = progress or NO_PROGRESS
    max_findings = DEFAULT_MAX_FINDINGS if max_findings is None else max_findings
    signature = settings_signature(rules)
    named = set(paths)
    tasks = [(p, True, stdin if stdin is not None else None) for p in paths]
    if any(r.is_corpus_rule() for r in rules):
        tasks += [(p, False, None) for p in corpus_paths if p not in named]
    jobs = jobs or os.cpu_count() or 1
    init_worker(rules, cache, max_file_size, signature, max_findings)
    for rule in rules:
        rule.jobs = jobs
    record_units = [("records", chunk, records[1]) for chunk in records[0]] if records else []
    if engine is not None:
        units = _units(tasks, engine.workers(), local=False) + [
            (kind, chunk.anywhere(), spec) for kind, chunk, spec in record_units]
        progress.start(len(units))
        outputs = engine.map(units, rules, max_file_size, signature, max_findings, progress)
    elif jobs == 1 or (len(tasks) < 4 and len(record_units) < 2):
        units = _units(tasks, 1) + record_units
        progress.start(len(units))
        outputs = []
        for unit in units:
            outputs.append(check_unit(unit))
            progress.advance(1, len(outputs[-1][0]))
    else:
        import multiprocessing  # here: a run of one process (one file, the editor) never needs them
        from concurrent.futures import ProcessPoolExecutor, as_completed

        context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        units = _units(tasks, jobs) + record_units
        progress.start(len(units))
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_pool_worker,
                                 initargs=(rules, cache, max_file_size, signature, max_findings)) as pool:
            futures = [pool.submit(check_unit, unit) for unit in units]
            # Inside the pool's block, whose end waits for every queued batch; and not
            # pool.map, whose futures are cancelled on an exception, and then the pool's
            # thread fails on them (InvalidStateError) once the workers are stopped.
            with _workers_end_with_the_run():
                for future in as_completed(futures):
                    progress.advance(1, len(future.result()[0]))
                outputs = [future.result() for future in futures]
    results = [r for found, _ in outputs for r in found]
    errors = [e for _, found in outputs for e in found]
    if records:
        results, duplicates = _unique_ids(results)
        errors += duplicates
        named = {r.path for r in results if r.report}

    with cyclic_gc_paused():  # the corpus step makes millions of objects, none in cycles
        run_result = _gather_and_check_corpus(results, rules, named, signature, cache, max_findings,
                                              progress)
    run_result.errors[:0] = errors
    progress.done(len(run_result.files))
    return run_result


def _units(tasks: list, workers: int, local: bool = True) -> list[tuple]:
    """Files in batches, a worker's unit of work: of 64 files at most, and small enough
    that each of ``workers`` gets several. Not ``local``: each file read by its absolute
    path (a worker's working directory is its own)."""
    if not tasks:
        return []
    if not local:
        tasks = [t if len(t) > 3 else (*t, None, os.path.abspath(t[0]) if "://" not in t[0] else t[0])
                 for t in tasks]
    size = 64 if workers <= 1 else max(1, min(64, len(tasks) // (workers * 8)))
    return [("files", batch) for batch in _batches(tasks, size)]


def _unique_ids(results: list[FileResult]) -> tuple[list[FileResult], list[str]]:
    """The first record of each id; an error for each later one (its findings would be
    reported at the first one's places)."""
    first: dict[str, str] = {}
    kept, errors = [], []
    for result in results:
        if result.where and result.path in first:
            errors.append(f"{result.where}: duplicate id '{result.path}' (first at "
                          f"{first[result.path]}); record not checked")
            continue
        first.setdefault(result.path, result.where or result.path)
        kept.append(result)
    return kept, errors


def _stop_workers() -> None:
    """End this process's worker processes: SIGTERM, then SIGKILL for any still there."""
    import multiprocessing

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(2)
        if child.is_alive():
            child.kill()
            child.join(1)


@contextlib.contextmanager
def _workers_end_with_the_run():
    """While the pool runs: SIGTERM stops the workers, then ends this process as SIGTERM
    would have (exit status 143 in a shell); an exception (Ctrl-C's KeyboardInterrupt)
    stops them before it goes on, instead of waiting for every queued batch."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        def on_sigterm(signum, frame):
            _stop_workers()
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

        previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    except BaseException:
        _stop_workers()
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def corpus_step(rule: Rule, collected: list) -> tuple[list[Finding], str | None, str | None]:
    """One rule's corpus step, as the command line and the language server run it: its
    findings (those made before it stopped, too: a server that died mid-run), why it
    could not run (RuleUnavailable), and an internal error's message."""
    found: list[Finding] = []
    try:
        for finding in rule.check_corpus(collected):
            found.append(finding)
    except RuleUnavailable as exc:
        return found, str(exc), None
    except Exception:
        detail = traceback.format_exc(limit=-3).strip().splitlines()[-1]
        return found, None, f"internal error in {rule.code} ({rule.name}): {detail}"
    return found, None, None


def _gather_and_check_corpus(results, rules: list[Rule], named: set[str], signature: str,
                             cache: Cache, max_findings: int = DEFAULT_MAX_FINDINGS,
                             progress=None) -> RunResult:
    """The per-document results put together, and the corpus rules run on them."""
    from textsieve.progress import NO_PROGRESS

    progress = progress or NO_PROGRESS
    errors = [e for r in results for e in r.errors]
    findings = [f for r in results if r.report for f in r.findings]
    by_code = {rule.code: rule for rule in rules}
    unavailable = {code: why for r in results for code, why in r.unavailable}
    progress.corpus([rule.code for rule in rules if rule.is_corpus_rule()])
    for rule in rules:
        if not rule.is_corpus_rule() or rule.code in unavailable:
            continue
        progress.corpus_rule(rule.code)
        given = [r for r in results if rule.code in r.collected and (r.report or not rule.batched)]
        collected = [(r.path, r.collected[rule.code]) for r in given]
        # The whole corpus step is cached too: unchanged files, unchanged answer.
        key = cache_key("corpus", rule.code, signature, [(r.path, r.digest, r.report) for r in given])
        corpus_findings = cache.get("corpus", key)
        if corpus_findings is None:
            corpus_findings, why, error = corpus_step(rule, collected)
            if why is not None:
                unavailable[rule.code] = why
            elif error is not None:
                errors.append(error)
            else:
                cache.put("corpus", key, corpus_findings)  # only a complete answer is cached
        by_path: dict[str, list[Finding]] = {}
        for finding in corpus_findings:
            if finding.path in named:
                by_path.setdefault(finding.path, []).append(finding)
        for path_findings in by_path.values():
            findings.extend(bounded(path_findings, max_findings))
    for rule in rules:
        rule.close()
    # A family's rules share what they run on (one LanguageTool session): one unavailable, all are.
    for code, why in list(unavailable.items()):
        for rule in rules:
            if rule.family() == by_code[code].family():
                unavailable.setdefault(rule.code, why)
    return RunResult([r for r in results if r.report], findings, errors,
                     unavailable=[(by_code[code], why) for code, why in sorted(unavailable.items())])


def filter_findings(result: RunResult, ran_codes: set[str], per_file_ignored,
                    run_rules: Iterable[RunRule] = ()) -> list[Finding]:
    """Apply inline suppressions and per-file ignores; add the run rules' findings about
    suppressions that suppressed nothing."""
    by_path: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_path.setdefault(finding.path, []).append(finding)
    kept: list[Finding] = []
    for file in result.files:
        suppressions = Suppressions(file.directives, file.line_count)
        for finding in by_path.get(file.path, []):
            if per_file_ignored(file.path, finding.code):
                continue
            if suppressions.suppresses(finding):
                continue
            kept.append(finding)
        for rule in run_rules:
            if not per_file_ignored(file.path, rule.code):
                for directive, code in suppressions.unused(ran_codes):
                    kept.extend(rule.unused_suppression(file.path, directive, code))
    return sorted(kept, key=Finding.sort_key)
