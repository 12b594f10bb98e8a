"""What a flow run publishes to the Prefect UI, under fixed keys so the UI keeps a history
per key. The numbers come from :mod:`cleaners.report`; this module only formats the run's own
bookkeeping (ingestion, steps and timings) around them."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any
from uuid import UUID

from prefect.artifacts import (create_link_artifact, create_markdown_artifact,
                               create_progress_artifact, create_table_artifact,
                               update_progress_artifact)

from cleaners.fetch import IngestReport
from cleaners.report import RunStats, markdown_summary, source_rows
from cleaners.runner import Hooks
from flows.outcomes import counts

PROGRESS_KEY = "newsclean-progress"
SOURCES_KEY = "newsclean-sources"
SUMMARY_KEY = "newsclean-summary"
REPORT_KEY = "newsclean-report"
KEYS = (PROGRESS_KEY, SOURCES_KEY, SUMMARY_KEY, REPORT_KEY)
MAX_SOURCE_ERRORS = 10
MAX_ERRORS = 20  # error records listed with their inputs
SHORT_ID = 12  # characters of a story id shown beside its headline ("s-" + a hash for feeds)


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
    source_errors: list[dict[str, str]] = field(default_factory=list)  # {source, kind, message}

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


def feed_errors(report: IngestReport) -> list[dict[str, str]]:
    """Failed feeds as failed sources."""
    return [{"source": e["url"], "kind": e["kind"], "message": e["message"]}
            for e in report.feed_errors]


class Progress:
    """A progress artifact updated as batches finish (only runs with something new make one)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.records = 0
        self.id: UUID = create_progress_artifact(0.0, key=PROGRESS_KEY,
                                                 description=f"0/{total} batches written")

    def update(self, done: int, records: int) -> None:
        self.records += records
        update_progress_artifact(self.id, 100.0 * done / self.total, description=(
            f"{done}/{self.total} batches written, {self.records} records"))


def runner_hooks(log: RunLog, progress: Progress) -> Hooks:
    """What the runner tells a flow run: each batch committed (the progress artifact, the
    corpus step's timing) and ``articles.jsonl`` written."""
    def batch(n: int, arts: list, seconds: float) -> None:
        log.add("index + score", len(arts), seconds)
        progress.update(n + 1, len(arts))

    return Hooks(batch=batch, written=lambda summary, seconds: log.add("write", summary.total,
                                                                      seconds))


def steps_markdown(log: RunLog) -> str:
    """The run's own part of the summary: ingestion counts and per-step timings."""
    lines = ["## Ingestion", ""]
    lines += [f"- **{name}**: {count}" for name, count in log.ingest.items()] or ["- nothing"]
    lines += [f"- source failed: {e['source']} ({e['kind']}: {e['message']})"
              for e in log.source_errors[:MAX_SOURCE_ERRORS]]
    lines += ["", "## Steps", "", "| step | tasks | items | seconds |", "|---|---|---|---|"]
    lines += [f"| {s.name} | {s.tasks} | {s.items} | {s.seconds:.2f} |"
              for s in log.steps.values()]
    return "\n".join(lines) + "\n"


def headline(stats: RunStats) -> str:
    """The run's key counts in one line: what every artifact's description starts with."""
    n = counts(stats)
    return (f"{plural(n['articles'], 'article')}: {n['kept']} kept, "
            f"{plural(n['errors'], 'error')}, {n['skipped']} skipped, "
            f"{plural(n['duplicates'], 'duplicate')}, {plural(n['stories'], 'story', 'stories')}, "
            f"{plural(n['sources'], 'source')}")


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def short(story_id: str) -> str:
    return story_id if len(story_id) <= SHORT_ID else story_id[:SHORT_ID] + "…"


def labelled(stats: RunStats) -> RunStats:
    """The stats with short story ids (the headline stands beside them in the summary)."""
    return replace(stats, stories=[replace(s, id=short(s.id)) for s in stats.stories])


def errors_markdown(stats: RunStats) -> str:
    """Error and skipped records by kind, each with its input file's name."""
    items = [(kind, source, message) for kind, found in stats.error_items.items()
             for _, source, message in found]
    if not items:
        return ""
    lines = ["## Errors and skipped inputs", "", "| kind | input | message |",
             "|---|---|---|"]
    lines += [f"| {kind} | {PurePath(source).name} | {message[:120].replace('|', '/')} |"
              for kind, source, message in items[:MAX_ERRORS]]
    if len(items) > MAX_ERRORS:
        lines.append(f"\n…and {len(items) - MAX_ERRORS} more (see report.html).")
    return "\n".join(lines) + "\n"


def publish(run_dir: Path, stats: RunStats, log: RunLog, report_url: str) -> list[UUID]:
    """The per-source table, the Markdown summary and the link to the run's report, each
    described by the run's key counts."""
    rows: list[dict[str, Any]] = source_rows(stats)
    counted = headline(stats)
    summary = "\n".join([markdown_summary(labelled(stats)), errors_markdown(stats),
                         steps_markdown(log)])
    return [
        create_table_artifact(rows, key=SOURCES_KEY, description=f"{counted}. Per source: "
                              "articles, errors, duplicates, mean completeness and "
                              "originality, share of words removed as chrome"),
        create_markdown_artifact(summary, key=SUMMARY_KEY,
                                 description=f"{counted} ({run_dir.name})"),
        create_link_artifact(report_url, link_text=f"report.html of {run_dir.name}",
                             key=REPORT_KEY, description=f"{counted}. {report_url}"),
    ]
