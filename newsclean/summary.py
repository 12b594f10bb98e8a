"""The CLI's rich output: a progress display while running and a summary table after."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cleaners.record import Article
from cleaners.run import RunSummary


@contextmanager
def progress_callback(console: Console, enabled: bool) -> Iterator[Callable[[list[Article]], None] | None]:
    if not enabled:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.completed:,} articles"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("clean", total=None)
        yield lambda batch: progress.advance(task, len(batch))


def print_summary(console: Console, summary: RunSummary) -> None:
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
    console.print(f"wrote {summary.out}")


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
