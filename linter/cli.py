"""The command line: ``textsieve check | rules | explain | lsp``.

Only click and the engine's light modules load at start-up; rule families
import their heavy libraries when they first run.
"""

from __future__ import annotations

import os
import sys

import click

from textsieve import __version__
from textsieve.version import version_line

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"textsieve: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _registry():
    from textsieve.rule import RegistryError, load_rules

    problems: list[str] = []
    try:
        registry = load_rules(problems)
    except RegistryError as exc:
        _fail(str(exc))
    for problem in problems:
        click.echo(f"textsieve: warning: {problem}", err=True)
    # The rules the configuration found from here declares ([[rule]], vale-styles) too.
    from textsieve.config import ConfigError, load_config

    try:
        config = load_config(None, registry)
    except ConfigError as exc:
        _fail(str(exc))
    for warning in config.warnings:
        click.echo(f"textsieve: warning: {warning}", err=True)
    return {**registry, **config.declared_rules}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="textsieve",
                      message=version_line())
def cli() -> None:
    """textsieve: lint a corpus of prose for near-duplicates, encoding damage,
    vague claims, readability and grammar."""


@cli.command()
# readable=False: an unreadable file is the run's to report (TS002), not a usage error
# that stops every other file from being checked.
@click.argument("paths", nargs=-1, type=click.Path(readable=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github", "html"]),
              default="text", show_default=True, help="Output format.")
@click.option("--select", help="Comma-separated codes or prefixes to run (replaces the configured set).")
@click.option("--extend-select", help="Comma-separated codes or prefixes to run in addition.")
@click.option("--ignore", help="Comma-separated codes or prefixes not to run.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: the nearest textsieve.toml, .textsieve.toml or "
                   "pyproject.toml with [tool.textsieve]).")
@click.option("--fail-level", type=click.Choice(["info", "warning", "error"]),
              help="Lowest severity that makes the exit code 1 (default: warning).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--statistics", is_flag=True, help="Print counts per code instead of each finding.")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply fixes that could be wrong.")
@click.option("--diff", is_flag=True, help="Show the fixes as a unified diff; write nothing.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0,
              help="Worker processes, and at most as many threads in the corpus step (0: one per core).")
@click.option("--corpus", "corpus", multiple=True, type=click.Path(readable=False),
              help="Compare the named files against this corpus too (repeatable); findings are "
                   "reported for the named files only.")
@click.option("--stdin-filename", help="Read the document from standard input, reported under this path.")
@click.option("--force-exclude", is_flag=True,
              help="Apply exclude globs to files named on the command line too (for pre-commit).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False),
              help="Cache directory (default .textsieve_cache, or $TEXTSIEVE_CACHE_DIR).")
@click.option("--option", "options", multiple=True, metavar="FAMILY.KEY=VALUE",
              help="Set a rule family's option over the configuration's, e.g. --option read.max-grade=12 "
                   "(a TOML value, or text); repeatable.")
@click.option("--languagetool-url", metavar="URL", help="Same as --option lt.url=URL: a running "
                                                         "LanguageTool server for the LT rules.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report only findings that are not in this baseline file.")
@click.option("--write-baseline", "write_baseline_path", type=click.Path(dir_okay=False),
              help="Record the current findings in this baseline file and exit 0.")
@click.option("--compare", "compare_path", type=click.Path(dir_okay=False),
              help="With --format html: a JSON findings file of an earlier run, to show what was "
                   "fixed and what appeared.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour in text output.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False),
              help="Write the report to this file instead of standard output.")
@click.option("--input-format", type=click.Choice(["files", "jsonl", "parquet"]), default="files",
              show_default=True,
              help="PATHS are documents (files), or JSONL/Parquet files whose every record is one "
                   "(Parquet needs pip install 'textsieve[parquet]').")
@click.option("--text-field", default="text", show_default=True, help="A record's field holding its text.")
@click.option("--id-field", help="A record's field naming it in locations (id:line:col); default "
                                 "FILE#LINE (JSONL) or FILE#ROW (Parquet, rows from 0).")
@click.option("--record-format", type=click.Choice(["text", "markdown", "rst", "auto"]), default="text",
              show_default=True, help="How a record's text is parsed (auto: by its id's suffix, as files are).")
@click.option("--engine", type=click.Choice(["local", "dask"]),
              help="Where the work runs: local processes, or a Dask cluster's workers (pip install "
                   "'textsieve[dask]'; default: the configured engine, else local).")
@click.option("--scheduler", help="With --engine dask: the scheduler's address (tcp://HOST:8786); "
                                  "without it, a cluster of --jobs worker processes on this machine.")
@click.option("--quiet", "-q", is_flag=True, help="No progress line on the terminal.")
def check(paths, fmt, select, extend_select, ignore, config_path, fail_level, exit_zero, statistics,
          fix, unsafe_fixes, diff, jobs, corpus, stdin_filename, force_exclude, no_cache, cache_dir,
          options, languagetool_url, baseline_path, write_baseline_path, compare_path, color, output_file,
          input_format, text_field, id_field, record_format, engine, scheduler, quiet):
    """Check PATHS (files or directories; default: the current directory)."""
    from textsieve.check import CheckOptions, run_check

    options = CheckOptions(
        paths=list(paths), fmt=fmt, select=select, extend_select=extend_select, ignore=ignore,
        config_path=config_path, fail_level=fail_level, exit_zero=exit_zero,
        statistics=statistics, fix=fix, unsafe_fixes=unsafe_fixes, diff=diff, jobs=jobs,
        corpus=list(corpus), stdin_filename=stdin_filename, force_exclude=force_exclude,
        no_cache=no_cache,
        cache_dir=cache_dir, baseline=baseline_path,
        options=[*([f"lt.url={languagetool_url}"] if languagetool_url else []), *options],
        write_baseline=write_baseline_path, compare=compare_path, color=color,
        output_file=output_file, input_format=input_format, text_field=text_field, id_field=id_field,
        record_format=record_format, engine=engine, scheduler=scheduler, quiet=quiet)
    sys.exit(run_check(options))


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(fmt):
    """List every rule: code, name, default severity, on or off by default, summary."""
    registry = _registry()
    if fmt == "json":
        import json

        click.echo(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity,
                                "default": r.default_enabled, "fixable": r.fixable,
                                "summary": r.summary()} for r in registry.values()], indent=2))
        return
    width = max((len(r.name) for r in registry.values()), default=10)
    for rule in registry.values():
        state = "on " if rule.default_enabled else "off"
        fixable = "fix" if rule.fixable else "   "
        click.echo(f"{rule.code:<8} {rule.name:<{width}}  {rule.severity:<7}  {state}  {fixable}  "
                   f"{rule.summary()}")


@cli.command()
@click.argument("code")
def explain(code):
    """Print a rule's documentation: what it flags, why, an example, what instead, options."""
    registry = _registry()
    rule = registry.get(code.upper())
    if rule is None:
        matches = [c for c in registry if c.startswith(code.upper())]
        hint = f" (did you mean {', '.join(matches[:5])}?)" if matches else ""
        _fail(f"unknown rule code '{code}'{hint}; `textsieve rules` lists them")
    state = "on" if rule.default_enabled else "off"
    click.echo(f"{rule.code} ({rule.name})\n")
    click.echo(f"Severity: {rule.severity}. On by default: {'yes' if state == 'on' else 'no'}. "
               f"Fixable: {'yes' if rule.fixable else 'no'}.\n")
    click.echo(rule.documentation())
    if rule.options:
        click.echo(f"\nOptions, in [tool.textsieve.{rule.family().lower()}]:")
        for name, opt in rule.options.items():
            click.echo(f"  {name} = {opt.default!r}  ({opt.resolved_kind()}) {opt.help}")


@cli.command()
def lsp():
    """Run the language server over standard input and output."""
    try:
        from textsieve.lsp import serve
    except ImportError as exc:
        _fail(f"the language server is not available: {exc}")
    serve()


def entry() -> None:
    """The console script: ``main``, then out without tearing the heap down. Freeing
    every object of a large run one by one took 0.1 s at 10 MB and more at 200 MB,
    and nothing is left to do: files are written and closed, the worker processes,
    threads and servers are stopped. Output is flushed first; a reader that closed
    the pipe early (``| head``) gets what it read, and no traceback."""
    try:
        main()
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
        if not isinstance(stop.code, (int, type(None))):
            print(stop.code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def main() -> None:
    # numpy asks the kernel for huge pages for every array over 4 MB; where the kernel
    # then compacts memory on the spot (THP defrag "madvise", Debian's default),
    # first writes to a fresh array were 3-7 times slower here (600 MB: 0.89 s
    # against 0.26 s). DUP's corpus arrays are hundreds of MB. A user's own
    # setting of numpy's switch wins.
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    # Not click's standalone mode, which turns Ctrl-C into "Aborted!" and exit 1: an
    # interrupted run exits 130 (128 + SIGINT) as shells expect, saying nothing more
    # than the blank line click prints to close the terminal's "^C".
    try:
        cli.main(prog_name="textsieve", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        sys.exit(130)
    except click.ClickException as exc:  # usage errors, as standalone mode shows them
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # exit 1 means findings; anything unforeseen is exit 2
        import traceback

        where = traceback.extract_tb(exc.__traceback__)[-1]
        click.echo(f"textsieve: internal error: {type(exc).__name__}: {exc} "
                   f"(at {os.path.basename(where.filename)}:{where.lineno}; please report it)", err=True)
        sys.exit(EXIT_ERROR)
