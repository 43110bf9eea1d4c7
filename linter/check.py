"""`textsieve check`: configuration → discovery → run → filters → fixes → report."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import click

from textsieve.findings import SEVERITY_RANK, Finding

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass
class CheckOptions:
    paths: list[str] = field(default_factory=list)
    fmt: str = "text"
    select: str | None = None
    extend_select: str | None = None
    ignore: str | None = None
    config_path: str | None = None
    fail_level: str | None = None
    exit_zero: bool = False
    statistics: bool = False
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    jobs: int = 0
    corpus: list[str] = field(default_factory=list)
    stdin_filename: str | None = None
    force_exclude: bool = False
    no_cache: bool = False
    cache_dir: str | None = None
    options: list[str] = field(default_factory=list)  # FAMILY.KEY=VALUE, over the configuration's
    baseline: str | None = None
    write_baseline: str | None = None
    compare: str | None = None
    color: str = "auto"
    output_file: str | None = None
    input_format: str = "files"  # or "jsonl", "parquet": each record a document
    text_field: str = "text"
    id_field: str | None = None
    record_format: str = "text"
    engine: str | None = None  # None: the configuration's (default "local")
    scheduler: str | None = None
    quiet: bool = False


class UsageError(Exception):
    pass


def _err(message: str) -> None:
    """A message on stderr, its control characters escaped: a file name holding them could
    retitle the terminal or forge an output line."""
    from textsieve.reporters import escape_controls

    click.echo(f"textsieve: {escape_controls(message)}", err=True)


def run_check(opts: CheckOptions) -> int:
    from textsieve.config import ConfigError

    try:
        return _run(opts)
    except (ConfigError, UsageError) as exc:
        _err(f"error: {exc}")
        return EXIT_ERROR


def _run(opts: CheckOptions) -> int:
    from textsieve.cache import DEFAULT_DIR, ENV_VAR, NO_CACHE, Cache
    from textsieve.config import (build_rules, check_codes, load_config, override_options, per_file_matcher,
                                  selected_codes, split_codes)
    from textsieve.discovery import DEFAULT_INCLUDE, discover, display_path
    from textsieve.reporters import STATISTICS_FORMATS, Report, render
    from textsieve.rule import RegistryError, load_rules
    from textsieve.runner import filter_findings, run
    from textsieve.source import DEFAULT_MAX_FILE_SIZE

    plugin_problems: list[str] = []
    try:
        registry = load_rules(plugin_problems)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    for problem in plugin_problems:
        _err(f"warning: {problem}")
    config = load_config(opts.config_path, registry)
    registry = {**registry, **config.declared_rules}
    override_options(config, registry, opts.options)
    for warning in config.warnings:
        _err(f"warning: {warning}")

    for flag, value in (("--select", opts.select), ("--extend-select", opts.extend_select),
                        ("--ignore", opts.ignore)):
        if value is not None and not split_codes(value):
            # An empty variable in a CI script (--select "$CODES") must not pass silently.
            raise UsageError(f"{flag} is empty: name codes or prefixes (e.g. {flag} TS003,ENC), "
                             "or leave the option out")
    select = split_codes(opts.select) if opts.select is not None else config.select
    extend_select = config.extend_select + split_codes(opts.extend_select)
    ignore = config.ignore + split_codes(opts.ignore)
    for flag, codes in (("--select", split_codes(opts.select)),
                        ("--extend-select", split_codes(opts.extend_select)),
                        ("--ignore", split_codes(opts.ignore))):
        check_codes(codes, registry, flag)
    codes = selected_codes(registry, select, extend_select, ignore)
    settings = {family: dict(values) for family, values in config.rule_settings.items()}
    checking_rules, run_rules = build_rules(registry, codes, settings, set(select or []) | set(extend_select),
                                            config.path or "the command line")
    ran = {r.code: type(r) for r in checking_rules + run_rules}

    # Files.
    stdin_data = None
    records = None
    if opts.input_format != "files":
        from textsieve.inputs import InputError, RecordSpec, plan

        if opts.stdin_filename:
            raise UsageError(f"--stdin-filename reads one document; --input-format {opts.input_format} "
                             "reads records from files")
        if opts.fix or opts.diff:
            raise UsageError(f"--fix and --diff rewrite files; records (--input-format {opts.input_format}) "
                             "cannot be fixed in place")
        if not opts.paths:
            raise UsageError(f"--input-format {opts.input_format} needs the record files to read "
                             f"(e.g. data.{'jsonl' if opts.input_format == 'jsonl' else 'parquet'})")
        spec = RecordSpec(opts.input_format, opts.text_field, opts.id_field, opts.record_format)
        try:
            records = (plan(opts.paths, spec, workers=opts.jobs or os.cpu_count() or 1), spec)
        except InputError as exc:
            raise UsageError(str(exc)) from None
        files, missing = [], []
    elif opts.stdin_filename:
        if opts.paths:
            raise UsageError("--stdin-filename takes no paths")
        stdin_data = sys.stdin.buffer.read()
        files = [display_path(opts.stdin_filename)]
        missing = []
    else:
        include = config.include or DEFAULT_INCLUDE
        exclude = config.exclude + config.extend_exclude
        urls = [p for p in opts.paths if "://" in p]
        local = [p for p in opts.paths if "://" not in p]
        found = discover(local or ([] if urls else ["."]), config.root, include, exclude,
                         config.respect_gitignore, force_exclude=opts.force_exclude or config.force_exclude)
        for warning in found.warnings:
            _err(f"warning: {warning}")
        files, missing = found.files, found.missing
        if urls:
            from textsieve.inputs import InputError, expand_urls

            if opts.fix or opts.diff:
                raise UsageError("--fix and --diff rewrite local files; documents named by URLs are read only")
            try:
                files = files + expand_urls(urls)
            except InputError as exc:
                raise UsageError(str(exc)) from None
    if missing:
        for path in missing:
            _err(f"error: {path}: no such file or directory")
        return EXIT_ERROR
    corpus_paths: list[str] = []
    corpus_roots = opts.corpus or [os.path.join(config.root, c) for c in config.corpus]
    if corpus_roots:
        found = discover(corpus_roots, config.root, config.include or DEFAULT_INCLUDE,
                         config.exclude + config.extend_exclude, config.respect_gitignore)
        corpus_paths = found.files
        for path in found.missing:
            _err(f"warning: corpus path {path}: no such file or directory")

    cache = NO_CACHE
    if not opts.no_cache:
        directory = opts.cache_dir or os.environ.get(ENV_VAR) or config.cache_dir or \
            os.path.join(config.root, DEFAULT_DIR)
        cache = Cache(directory)

    from textsieve.progress import TerminalProgress, wanted

    progress = TerminalProgress() if wanted(quiet=opts.quiet, fmt=opts.fmt,
                                            output_file=opts.output_file) else None
    engine = None
    engine_errors: tuple = ()
    if (opts.engine or config.engine) == "dask":
        from textsieve.engine_dask import DaskEngine, EngineError

        engine_errors = (EngineError,)
        try:
            engine = DaskEngine(opts.scheduler or config.scheduler, jobs=opts.jobs)
        except EngineError as exc:
            raise UsageError(str(exc)) from None
    elif opts.scheduler:
        raise UsageError("--scheduler is the Dask scheduler's address: give --engine dask too")
    try:
        result = run(files, checking_rules, corpus_paths=corpus_paths, jobs=opts.jobs, cache=cache,
                     max_file_size=config.max_file_size or DEFAULT_MAX_FILE_SIZE,
                     stdin=stdin_data, max_findings=config.max_findings_per_code,
                     records=records, progress=progress, engine=engine)
    except engine_errors as exc:
        raise UsageError(str(exc)) from None
    finally:
        if engine is not None:
            engine.close()
    for error in result.errors:
        _err(f"error: {error}")
    skipped_by_reason: dict[str, list[str]] = {}
    for rule, why in result.unavailable:
        skipped_by_reason.setdefault(why, []).append(rule.code)
    for why, skipped_codes in skipped_by_reason.items():
        _err(f"warning: {', '.join(skipped_codes)} skipped: {why}")
    if any(rule.explicitly_selected for rule, _ in result.unavailable):
        result.errors.append("an explicitly selected rule could not run")

    # Files that could not be checked are findings of the run rules (or, with none, warnings).
    for file in result.files:
        if file.skipped:
            found = [f for rule in run_rules for f in rule.not_checked(file.path, file.skipped)]
            result.findings.extend(found)
            if not found:
                _err(f"warning: {file.path}: not checked: {file.skipped}")

    per_file_ignored = per_file_matcher(config)
    findings = filter_findings(result, set(ran), per_file_ignored, run_rules)

    if opts.write_baseline:
        from textsieve.baseline import write_baseline

        try:
            count = write_baseline(opts.write_baseline, findings)
        except OSError as exc:
            raise UsageError(f"{opts.write_baseline}: cannot write the baseline: "
                             f"{exc.strerror or exc}") from None
        _err(f"wrote {count} finding{'s' if count != 1 else ''} to the baseline {opts.write_baseline}")
        return EXIT_CLEAN
    all_findings = findings  # before the baseline: the HTML report shows them all
    if opts.compare and opts.fmt != "html":
        raise UsageError("--compare needs --format html")
    if opts.statistics and opts.fmt not in STATISTICS_FORMATS:
        raise UsageError(f"--statistics works with --format {' or '.join(STATISTICS_FORMATS)}, "
                         f"not {opts.fmt}")
    if opts.fmt == "html" and (opts.fix or opts.diff):
        raise UsageError("--format html reports findings and fixes nothing: run --fix first, then the report")
    compare_old = None
    if opts.compare:
        from textsieve.report_html import ReportError, load_findings_json

        try:
            compare_old = load_findings_json(opts.compare)
        except ReportError as exc:
            raise UsageError(str(exc)) from None
    if opts.baseline:
        from textsieve.baseline import apply_baseline

        findings, stale = apply_baseline(opts.baseline, findings, [f.path for f in result.files])
        for entry in stale:
            _err(f"note: baseline entry no longer matches and can be removed: {entry}")

    fixed_count = 0
    report_to_stderr = False  # stdout carries the fixed document instead
    if opts.fix or opts.diff:
        from textsieve.fixes import apply_fixes

        digests = {f.path: f.digest for f in result.files}
        recheck_errors: list[str] = []
        recheck = rechecker(checking_rules, per_file_ignored, opts.baseline, recheck_errors,
                            config.max_findings_per_code)
        outcome = apply_fixes(findings, digests, unsafe=opts.unsafe_fixes, write=opts.fix and not opts.diff,
                              stdin={files[0]: stdin_data} if stdin_data is not None else None,
                              recheck=recheck)
        for message in dict.fromkeys(recheck_errors):
            _err(f"warning: {message}")
        for warning in outcome.warnings:
            _err(f"warning: {warning}")
        for error in outcome.errors:
            _err(f"error: {error}")
        if outcome.errors:
            result.errors.append("a file could not be fixed")
        if opts.diff:
            sys.stdout.write("".join(outcome.diffs))
            if outcome.errors:
                return EXIT_ERROR
            return EXIT_FINDINGS if outcome.diffs else EXIT_CLEAN
        fixed_ids = {id(f) for f in outcome.fixed}
        fixed_count = len(outcome.fixed)
        findings = remaining_findings(findings, fixed_ids, outcome.remaining,
                                      {r.code for r in checking_rules if not r.is_corpus_rule()})
        if stdin_data is not None:
            # Like ruff: the fixed document goes to standard output, findings to stderr.
            if files[0] in outcome.new_texts:
                sys.stdout.write(outcome.new_texts[files[0]])
            else:  # nothing fixed: the document exactly as it came
                sys.stdout.flush()
                sys.stdout.buffer.write(stdin_data)
            report_to_stderr = True

    report = Report(findings, ran, files_checked=sum(1 for f in result.files if not f.skipped),
                    fixed=fixed_count, skipped_rules=[r.code for r, _ in result.unavailable],
                    unsafe_fixes=opts.unsafe_fixes, unit="record" if records is not None else "file")
    colour = opts.color == "always" or (opts.color == "auto" and not opts.output_file
                                        and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    if opts.fmt == "html":
        from textsieve.report_html import ReportError, render_html, summarise_documents

        shown = all_findings
        sources = {files[0]: stdin_data.decode("utf-8", "replace")} if stdin_data is not None else None
        if records is not None:  # the records' texts, read again: the report quotes them
            from textsieve.inputs import records_of
            from textsieve.source import SourceError, decode

            sources = {}
            for record in records_of(opts.paths, records[1]):
                try:
                    sources.setdefault(record.id, decode(record.data)[0])
                except SourceError:
                    pass
        try:
            documents, readability = summarise_documents(
                [f.path for f in result.files if not f.skipped], shown,
                read_settings=settings.get("READ", {}), sources=sources, cache=cache)
            text = render_html(shown, documents, readability=readability,
                               baseline_new=findings if opts.baseline else None,
                               compare_old=compare_old, sources=sources, rules=ran)
        except ReportError as exc:
            raise UsageError(str(exc)) from None
    else:
        text = render(opts.fmt, report, colour=colour, statistics=opts.statistics)
    if opts.output_file:
        try:
            with open(opts.output_file, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise UsageError(f"{opts.output_file}: cannot write: {exc.strerror or exc}") from None
    elif report_to_stderr:
        sys.stderr.write(text)
    else:
        sys.stdout.write(text)

    cache.prune()
    if result.errors:
        return EXIT_ERROR
    threshold = SEVERITY_RANK[opts.fail_level or config.fail_level]
    failing = any(SEVERITY_RANK[f.severity] >= threshold for f in findings)
    return EXIT_FINDINGS if failing and not opts.exit_zero else EXIT_CLEAN


def rechecker(rules, per_file_ignored, baseline: str | None, errors: list[str],
              max_findings: int | None = None):
    """Checks fixed text again with the per-document rules, bounded and filtered as the
    run's findings were (findings per code, inline suppressions, per-file ignores, the
    baseline): the fix loop's next pass. Corpus rules are not run again; their fixes are
    applied from the first check only."""
    from textsieve.document import Document, format_for
    from textsieve.rule import RuleUnavailable
    from textsieve.runner import DEFAULT_MAX_FINDINGS, bounded

    limit = DEFAULT_MAX_FINDINGS if max_findings is None else max_findings
    from textsieve.suppressions import Suppressions

    per_document = [r for r in rules if not r.is_corpus_rule()]

    def recheck(path: str, text: str, info) -> list[Finding]:
        document = Document(path, text, format_for(path) or "text", info)
        found: list[Finding] = []
        for rule in per_document:
            if not rule.applies_to(document):
                continue
            try:
                found.extend(bounded(rule.check(document), limit))
            except RuleUnavailable:
                continue  # already reported by the run
            except Exception as exc:
                errors.append(f"{path}: {rule.code} failed on the fixed text ({type(exc).__name__}: {exc}); "
                              "its findings there are not shown")
        suppressions = Suppressions(document.directives, document.line_count)
        kept = [f for f in found if not per_file_ignored(path, f.code) and not suppressions.suppresses(f)]
        if baseline:
            from textsieve.baseline import apply_baseline

            kept = apply_baseline(baseline, kept, [path])[0]
        return sorted(kept, key=Finding.sort_key)

    return recheck


def remaining_findings(findings: list[Finding], fixed_ids: set[int], rechecked: dict[str, list[Finding]],
                       per_document_codes: set[str]) -> list[Finding]:
    """What to report after fixing: in a fixed file, the per-document findings of its
    fixed text (at their places in it); elsewhere, and for corpus rules, the findings
    that were not fixed."""
    kept = [f for f in findings if id(f) not in fixed_ids
            and not (f.path in rechecked and f.code in per_document_codes)]
    kept.extend(f for found in rechecked.values() for f in found)
    return sorted(kept, key=Finding.sort_key)
