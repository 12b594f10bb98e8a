"""The CLI's rich output: a progress display while running and a summary table after."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn,
                           Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from cleaners.config import ReadConfig
from cleaners.read.files import count_inputs
from cleaners.record import Article
from cleaners.runner import OnInputs, RunSummary


class RateColumn(ProgressColumn):
    """Inputs a second, as rich estimates it from the last 30 s."""

    def render(self, task: Task) -> Text:
        rate = f"{task.speed:,.1f}/s" if task.speed else "-/s"
        return Text(rate, style="progress.data.speed")


@contextmanager
def progress_callback(console: Console, paths: Iterable[str | Path], config: ReadConfig,
                      enabled: bool) -> Iterator[OnInputs | None]:
    """A progress bar over every input (counted first: files, JSON Lines, WARC records),
    advanced by the run's ``on_inputs``, with the rate and the time left."""
    if not enabled:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(), TextColumn("inputs"), RateColumn(), TimeElapsedColumn(),
               TextColumn("left"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("counting", total=None)
        progress.update(task, total=count_inputs(paths, config), description="cleaning")
        yield lambda n: progress.advance(task, n)


def print_summary(console: Console, summary: RunSummary, out: str | None = None) -> None:
    """Counts by status and error kind, and where the records went (``out``: the output
    the user named, a directory or a URL)."""
    rate = summary.total / summary.seconds if summary.seconds else 0.0
    console.print(f"newsclean: {summary.total:,} inputs in {summary.seconds:.1f} s ({rate:,.0f}/s)")
    if summary.resumed_batches:
        console.print(f"resumed an interrupted run: {summary.resumed_batches:,} finished batches "
                      "kept, not redone")
    table = Table(show_header=True)
    table.add_column("status")
    table.add_column("articles", justify="right")
    for status in ("ok", "skipped", "error"):
        table.add_row(status, f"{summary.by_status.get(status, 0):,}")
    for kind, n in summary.errors.most_common():
        table.add_row(f"  {kind}", f"{n:,}")
    console.print(table)
    if out is None:
        console.print(f"wrote {summary.out}")
    else:
        from cleaners.output import written_to

        console.print(f"wrote {written_to(out)}")


def explain_batch(console: Console) -> Callable[[list[Article]], None]:
    """A batch callback that prints, per article, its metadata and its changes."""
    def show(batch: list[Article]) -> None:
        for art in batch:
            console.rule(f"[bold]{art.id}[/] {art.status}" + (f" ({art.error.kind}: {art.error.message})"
                                                               if art.error else ""))
            console.print(f"title: {art.title!r}  date: {art.date}  authors: {art.authors}  "
                          f"credit: {art.credit!r}  language: {art.language}  truncated: {art.truncated}")
            table = Table("step", "action", "n", "text", show_lines=False, expand=True)
            for change in art.changes:
                text = change.text if len(change.text) <= 160 else change.text[:157] + "..."
                table.add_row(change.step, change.action, str(change.count), text)
            console.print(table)
    return show
