"""What a flow run publishes to the Prefect UI, under fixed keys so the UI keeps a history
per key. The numbers come from :mod:`cleaners.report`; this module only formats the run's own
bookkeeping (ingestion, configured sources, steps and timings, corrections) around them, and
names inputs as the user gave them: a feed page by its URL, an inbox file by its path in
the inbox (not the run's spool files, gone once the run ends)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.artifacts import (create_link_artifact, create_markdown_artifact,
                               create_progress_artifact, create_table_artifact,
                               update_progress_artifact)

from cleaners.config import Config
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
MAX_CORRECTIONS = 20  # corrected records of earlier runs listed
QUALITY = ("articles", "errors", "duplicates", "mean_completeness", "mean_originality",
           "chrome_share")


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
    # every configured source: {source, kind, status, error} (:func:`source_status`)
    sources: list[dict[str, str | None]] = field(default_factory=list)

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


def source_status(config: Config, errors: list[dict[str, str]]) -> list[dict[str, str | None]]:
    """Every configured source (the inbox, each feed) with its status, ok or failed, and
    its error."""
    failed = {e["source"]: f"{e['kind']}: {e['message']}" for e in errors}
    named = ([("inbox", str(Path(config.sources.inbox)))] if config.sources.inbox else [])
    named += [("feed", url) for url in config.sources.feeds]
    return [{"source": name, "kind": kind, "status": "failed" if name in failed else "ok",
             "error": failed.get(name)} for kind, name in named]


def source_table(log: RunLog, stats: RunStats) -> list[dict[str, Any]]:
    """The sources artifact: each configured source with its status and error, then the
    per-site quality rows (:func:`cleaners.report.source_rows`), under the same columns."""
    blank = dict.fromkeys(QUALITY)
    rows: list[dict[str, Any]] = [{**s, **blank} for s in log.sources]
    rows += [{"source": r["source"], "kind": "site", "status": None, "error": None,
              **{k: r[k] for k in QUALITY}} for r in source_rows(stats)]
    return rows


def input_names(run_dir: Path, stats: RunStats, ids: set[str], inbox: str) -> dict[str, str]:
    """id -> the input as the user gave it: the page's URL, else the file's path in the
    inbox (with its ``#line``), read back from ``articles.jsonl`` at the records' offsets."""
    names: dict[str, str] = {}
    metas = [m for m in stats.articles if m.id in ids and m.offset is not None]
    path = run_dir / "articles.jsonl"
    if not metas or not path.exists():
        return names
    with open(path, "rb") as fh:
        for meta in metas:
            fh.seek(meta.offset)
            record = json.loads(fh.readline())
            names[meta.id] = record.get("url") or in_inbox(str(record.get("source")), inbox)
    return names


def in_inbox(source: str, inbox: str) -> str:
    root = str(Path(inbox)) + "/" if inbox else None
    return source.removeprefix(root) if root and source.startswith(root) else source


def errors_markdown(stats: RunStats, names: dict[str, str] | None = None) -> str:
    """Error and skipped records by kind, each with its input as the user gave it."""
    items = [(kind, art_id, source, message) for kind, found in stats.error_items.items()
             for art_id, source, message in found]
    if not items:
        return ""
    names = names or {}
    lines = ["## Errors and skipped inputs", "", "| kind | input | message |",
             "|---|---|---|"]
    lines += [f"| {kind} | {cell(names.get(art_id, source))} | {cell(message[:120])} |"
              for kind, art_id, source, message in items[:MAX_ERRORS]]
    if len(items) > MAX_ERRORS:
        lines.append(f"\n…and {len(items) - MAX_ERRORS} more (see report.html).")
    return "\n".join(lines) + "\n"


def cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def corrections_markdown(corrected: list[dict[str, Any]]) -> str:
    """The records of earlier runs this run changed, with their runs and the changes."""
    if not corrected:
        return ""
    lines = [f"## Corrections to {plural(len(corrected), 'record')} of earlier runs", "",
             "| record | its run | change |", "|---|---|---|"]
    lines += [f"| {cell(c['id'])} | {c['run'] or '(not found here)'} | "
              f"{cell(', '.join(f'{k} -> {json.dumps(v)}' for k, v in c['changes'].items()))} |"
              for c in corrected[:MAX_CORRECTIONS]]
    if len(corrected) > MAX_CORRECTIONS:
        lines.append(f"\n…and {len(corrected) - MAX_CORRECTIONS} more (corrections.jsonl).")
    return "\n".join(lines) + "\n"


def summary_markdown(run_dir: Path, stats: RunStats, log: RunLog, config: Config,
                     corrected: list[dict[str, Any]]) -> str:
    """The summary artifact: the report's summary (counts, sources, stories by headline),
    errors by input, corrections, ingestion and timings."""
    ids = {art_id for found in stats.error_items.values() for art_id, _, _ in found[:MAX_ERRORS]}
    names = input_names(run_dir, stats, ids, config.sources.inbox)
    parts = [markdown_summary(stats), errors_markdown(stats, names),
             corrections_markdown(corrected), steps_markdown(log)]
    return "\n".join(p for p in parts if p)


def publish(run_dir: Path, stats: RunStats, log: RunLog, report_url: str, config: Config,
            corrected: list[dict[str, Any]]) -> list[UUID]:
    """The sources table, the Markdown summary and the link to the run's report, each
    described by the run's key counts."""
    counted = headline(stats)
    failed = sum(s["status"] == "failed" for s in log.sources)
    return [
        create_table_artifact(source_table(log, stats), key=SOURCES_KEY, description=(
            f"{counted}. {plural(len(log.sources), 'configured source')}, {failed} failed: "
            "status and error; per site: articles, errors, duplicates, mean completeness "
            "and originality, share of words removed as chrome")),
        create_markdown_artifact(summary_markdown(run_dir, stats, log, config, corrected),
                                 key=SUMMARY_KEY, description=f"{counted} ({run_dir.name})"),
        create_link_artifact(report_url, link_text=f"report.html of {run_dir.name}",
                             key=REPORT_KEY, description=f"{counted}. {report_url}"),
    ]
