"""The CLI's rich output: a progress display while running and a summary table after."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn,
                           Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from cleaners.config import ReadConfig
from cleaners.read.files import count_inputs
from cleaners.record import Article
from cleaners.report.stats import status_counts
from cleaners.report.words import plural
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
               MofNCompleteColumn(), TextColumn("{task.fields[noun]}"), RateColumn(),
               TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("left"),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("counting", total=None, noun="inputs")
        total = count_inputs(paths, config)
        progress.update(task, total=total, description="cleaning",
                        noun="input" if total == 1 else "inputs")
        yield lambda n: progress.advance(task, n)


def print_summary(console: Console, summary: RunSummary, out: str | None = None) -> None:
    """Counts by status and error kind, and where the records went (``out``: the output
    the user named, a directory or a URL)."""
    rate = summary.total / summary.seconds if summary.seconds else 0.0
    console.print(f"newsclean: {plural(summary.total, 'input')} in {summary.seconds:.1f} s "
                  f"({rate:,.0f}/s)")
    if summary.resumed_batches:
        done = plural(summary.resumed_batches, "finished batch", "finished batches")
        console.print(f"resumed an interrupted run: {done} kept, not redone")
    table = Table(show_header=True)
    table.add_column("status")
    table.add_column("articles", justify="right")
    for row in status_counts(summary.by_status, summary.kinds):
        table.add_row(row.status, f"{row.count:,}")
        for kind, n in row.kinds:  # under its own status: a skipped kind never under error
            table.add_row(Text(f"  {kind}"), f"{n:,}")
    console.print(table)
    if out is None:
        console.print(f"wrote {escape(str(summary.out))}")
    else:
        from cleaners.output import written_to

        console.print(f"wrote {escape(written_to(out))}")


def explain_batch(console: Console) -> Callable[[list[Article]], None]:
    """A batch callback that prints, per article, its metadata and its changes. The input's
    own text (ids, titles, removed lines) is printed as it is, never read as rich markup."""
    def show(batch: list[Article]) -> None:
        for art in batch:
            error = f" ({art.error.kind}: {art.error.message})" if art.error else ""
            console.rule(f"[bold]{escape(art.id)}[/] {art.status}{escape(error)}")
            console.print(explain_metadata(art), markup=False)
            table = Table("step", "action", "n", "text", show_lines=False, expand=True)
            for change in art.changes:
                text = change.text if len(change.text) <= 160 else change.text[:157] + "..."
                table.add_row(Text(change.step), Text(change.action), str(change.count),
                              Text(text))
            console.print(table)
    return show


def explain_metadata(art: Article) -> str:
    """The article's metadata in plain words: "none" for a missing title, date or author,
    the credit line and "truncated: yes" only when there is one."""
    fields = [("title", art.title or "none"), ("date", art.date or "none"),
              ("authors", ", ".join(art.authors) or "none")]
    if art.credit:
        fields.append(("credit", art.credit))
    fields.append(("language", art.language or "unknown"))
    if art.truncated:
        fields.append(("truncated", "yes (a paywall or \"continue reading\" wall cuts it)"))
    return "  ".join(f"{name}: {value}" for name, value in fields)
