"""What a flow run publishes to the Prefect UI, under fixed keys so the UI keeps a history
per key. The numbers come from :mod:`cleaners.report`; this module only formats the run's own
bookkeeping (ingestion, steps and timings) around them."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.artifacts import (create_link_artifact, create_markdown_artifact,
                               create_progress_artifact, create_table_artifact,
                               update_progress_artifact)

from cleaners.fetch import IngestReport
from cleaners.report import RunStats, markdown_summary, source_rows

PROGRESS_KEY = "newsclean-progress"
SOURCES_KEY = "newsclean-sources"
SUMMARY_KEY = "newsclean-summary"
REPORT_KEY = "newsclean-report"
KEYS = (PROGRESS_KEY, SOURCES_KEY, SUMMARY_KEY, REPORT_KEY)
MAX_FEED_ERRORS = 10


@dataclass
class Step:
    name: str
    tasks: int = 0
    items: int = 0
    seconds: float = 0.0


@dataclass
class RunLog:
    """The run's bookkeeping: what was ingested and what each step did, with timings."""

    ingest: dict[str, int] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=dict)
    feed_errors: list[dict[str, str]] = field(default_factory=list)  # {url, kind, message}

    def add(self, name: str, items: int, seconds: float, tasks: int = 1) -> None:
        step = self.steps.setdefault(name, Step(name))
        step.tasks += tasks
        step.items += items
        step.seconds += seconds


def feed_counts(report: IngestReport) -> dict[str, int]:
    """What the fetch step did, for the summary."""
    return {"feeds": report.feeds, "feed items": report.items, "new feed items": report.new,
            "pages fetched": report.fetched, "pages failed": report.failed,
            "already ingested": report.skipped_seen, "left for the next run": report.deferred,
            "feeds failed": len(report.feed_errors)}


class Progress:
    """A progress artifact updated as batches finish."""

    def __init__(self) -> None:
        self.id: UUID = create_progress_artifact(0.0, key=PROGRESS_KEY,
                                                 description="batches written")

    def update(self, done: int, total: int) -> None:
        percent = 100.0 * done / total if total else 100.0
        update_progress_artifact(self.id, percent, description=f"{done}/{total} batches written")


def steps_markdown(log: RunLog) -> str:
    """The run's own part of the summary: ingestion counts and per-step timings."""
    lines = ["## Ingestion", ""]
    lines += [f"- **{name}**: {count}" for name, count in log.ingest.items()] or ["- nothing"]
    lines += [f"- feed failed: {e.get('url')} ({e.get('kind')}: {e.get('message')})"
              for e in log.feed_errors[:MAX_FEED_ERRORS]]
    lines += ["", "## Steps", "", "| step | tasks | items | seconds |", "|---|---|---|---|"]
    lines += [f"| {s.name} | {s.tasks} | {s.items} | {s.seconds:.2f} |"
              for s in log.steps.values()]
    return "\n".join(lines) + "\n"


def publish(run_dir: Path, stats: RunStats, log: RunLog) -> list[UUID]:
    """The per-source table, the Markdown summary and the link to the run's report."""
    rows: list[dict[str, Any]] = source_rows(stats)
    report = (run_dir / "report.html").resolve()
    return [
        create_table_artifact(rows, key=SOURCES_KEY,
                              description="per-source quality: articles, errors, duplicates, "
                              "mean completeness and originality, share of words removed as "
                              "chrome"),
        create_markdown_artifact(markdown_summary(stats) + "\n" + steps_markdown(log),
                                 key=SUMMARY_KEY, description=f"run summary: {run_dir.name}"),
        create_link_artifact(report.as_uri(), link_text=f"report: {run_dir.name}",
                             key=REPORT_KEY, description=str(report)),
    ]
