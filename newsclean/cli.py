"""The ``newsclean`` command. One-off commands never import Prefect; only ``serve`` would.

Heavy imports (trafilatura, lxml, the pipeline) happen inside the commands, so that
``newsclean --help`` starts fast.
"""
from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


class UntypedFlags:
    """No ``<bool>`` label after the flags in typer 0.29's help (``--help`` included)."""

    def get_params(self, ctx: typer.Context) -> list:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if isinstance(param, TyperOption) and param.is_flag:
                param.metavar = ""
        return params


class PlainGroup(UntypedFlags, TyperGroup):
    pass


class PlainHelp(UntypedFlags, TyperCommand):
    """Also click's usage line: ``PATHS...``, not typer 0.29's ``{paths}...``."""

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = (param.metavar or param.name or "").upper()
                name = name if param.required else f"[{name}]"
                pieces.append(name + ("..." if param.nargs != 1 else ""))
        return pieces


PATHS_HELP = ("Files or directories (read recursively): .txt/.text (the seeds' dump format), "
              ".html/.htm/.xhtml, .jsonl/.json/.ndjson (records with 'html' or 'text'), "
              ".warc/.arc, each also gzipped (.gz); a file with another name is sniffed, read "
              "as HTML or text when it is one and skipped (unsupported_format) otherwise")

app = typer.Typer(cls=PlainGroup, add_completion=False, no_args_is_help=True,
                  help="Clean scraped news articles and say which are worth keeping.")


@app.callback()
def main() -> None:
    """newsclean: strip chrome, repair text, read metadata, dedupe, score, report."""


@app.command(cls=PlainHelp)
def clean(
    paths: Annotated[list[Path], typer.Argument(help=PATHS_HELP)],
    out: Annotated[Optional[str], typer.Option(
        "--out", "-o", help="Output directory, s3://BUCKET/PREFIX or postgresql://... "
        "(default: [output] url, else reports/run)", show_default=False)] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes")] = 1,
    config_file: Annotated[Optional[Path], typer.Option("--config", help="TOML overrides")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Print each article's metadata and "
                                          "every removal and fix, with the step that made it")] = False,
) -> None:
    """Clean PATHS into OUT/articles.jsonl, one record per input."""
    from rich.console import Console
    from rich.markup import escape

    from cleaners.config import load_config
    from cleaners.output import POSTGRES, is_remote
    from cleaners.report import write_report
    from cleaners.run import local_dir, run
    from cleaners.store import StoreError
    from cleaners.write import OutputError
    from newsclean.summary import explain_batch, print_summary, progress_callback

    console = Console(stderr=True)
    try:
        config = load_config(config_file)
    except (OSError, ValueError) as exc:
        console.print(f"[red]error:[/] bad config {escape(str(config_file))}: {escape(str(exc))}")
        raise typer.Exit(2) from None
    out = out or config.output.url or "reports/run"
    try:
        shown = not quiet and console.is_terminal and not explain
        with progress_callback(console, paths, config.read, enabled=shown) as on_inputs:
            on_batch = explain_batch(Console()) if explain else None
            summary = run(paths, out, config, jobs=jobs, on_batch=on_batch, on_inputs=on_inputs,
                          on_assembled=write_report)
    except (OutputError, StoreError) as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    if not quiet:
        print_summary(Console(), summary, out)
        reports = [local_dir(out) / name for name in ("report.html", "summary.md")]
        if is_remote(out) and not out.startswith(POSTGRES):
            reports = [f"{out.rstrip('/')}/{p.name}" for p in reports]
        Console().print("report: " + ", ".join(str(p) for p in reports), markup=False)


@app.command(cls=PlainHelp)
def report(
    run_dir: Annotated[Path, typer.Argument(help="A run's output directory (holds articles.jsonl)")],
) -> None:
    """Rebuild RUN_DIR's HTML report (report.html) and summary (summary.md) from its JSONL."""
    from rich.console import Console
    from rich.markup import escape

    from cleaners.report import write_report

    console = Console(stderr=True)
    if not (run_dir / "articles.jsonl").is_file():
        console.print(f"[red]error:[/] no articles.jsonl in {escape(str(run_dir))}")
        raise typer.Exit(2)
    for path in write_report(run_dir):
        console.print(f"wrote {path}", markup=False)


@app.command(cls=PlainHelp)
def serve(
    config_file: Annotated[Optional[Path], typer.Option("--config", help="TOML: sources, "
                                                        "schedule, store")] = None,
    dask_address: Annotated[Optional[str], typer.Option(
        "--dask-address", help="tcp://HOST:PORT of a Dask scheduler, or 'local' for a local "
        "cluster")] = None,
) -> None:
    """Serve the scheduled ingestion deployment and the reports folder over HTTP.

    Runs until stopped, as a long-lived service; the only command that imports Prefect.
    """
    from newsclean.serve import serve_deployments

    try:
        serve_deployments(config_file, dask_address)
    except ValueError as exc:
        typer.echo(f"error: bad config {config_file}: {exc}", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:  # the reports' port taken, the folder not writable
        typer.echo(f"error: cannot serve the reports: {exc}", err=True)
        raise typer.Exit(2) from None


def entry() -> None:
    """The ``newsclean`` console script and ``python -m newsclean``. The process ends with
    the command, so the objects it made are frozen out of the interpreter's last garbage
    collections (``gc.freeze``: 0.1 s of ``newsclean clean ONE``'s 0.6 s of CPU); every
    output is closed by then, and at-exit handlers run as before."""
    try:
        sys.exit(app())
    finally:
        gc.freeze()
