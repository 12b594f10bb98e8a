"""The flow's tasks: fetching the feeds, cleaning a batch (the runner's map step, see
:mod:`flows.executor`), writing the report; never one per article.

The clean task reads its batch from a spool file, writes its output to a file of its own and
returns that path with a few counts: texts never travel through Prefect and no result is
persisted. Its output already there, it returns at once, so a re-run does not clean a
batch twice. The pipeline is imported by the task that uses it (~2 s of trafilatura,
datasketch, scipy): a run with nothing new, most scheduled runs, starts and ends without it.
"""
from __future__ import annotations

import json
import pickle
import time
from collections import Counter
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed, State

from cleaners.config import Config, load_config
from cleaners.fetch import IngestReport, Retries, SeenKeys, fetch_feeds
from cleaners.report import RunStats, run_stats, write_report
from cleaners.write import atomic_open
from flows.outcomes import WARNED

NO_RESULTS: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}
# A batch's cleaning takes seconds (500 articles: 3-6 s to clean on one core); 30 minutes means
# a hung step (a stuck worker, a wedged disk), which then fails the run instead of holding
# the deployment's one slot. Fetching waits on hosts: [fetch] timeout x retries per URL.
STAGE: dict[str, Any] = {**NO_RESULTS, "timeout_seconds": 1800}
FETCH_TIMEOUT = 3600
FEEDS_FAILED = "Feeds failed"  # the fetch task's state name when no feed could be read


def spool(obj: object, path: Path) -> None:
    """Pickle ``obj`` to ``path`` atomically: a task's input or output exists whole or not
    at all."""
    with atomic_open(path, binary=True) as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)


def unspool(path: str | Path) -> Any:
    with open(path, "rb") as fh:
        return pickle.load(fh)


def write_json(data: object, path: Path) -> None:
    with atomic_open(path) as fh:
        fh.write(json.dumps(data))


def raised(task: Any, task_run: Any, state: State) -> bool:
    """Retry the fetch task when it raised, not when it reported failed feeds: the library
    has already retried each URL."""
    return state.name != FEEDS_FAILED


@task(name="fetch feeds", retries=2, retry_delay_seconds=5, timeout_seconds=FETCH_TIMEOUT,
      retry_condition_fn=raised, **NO_RESULTS)
def fetch_task(feeds: list[str], config: Config, seen: SeenKeys, out_path: str,
               failed_pages: Retries | None = None) -> State:
    """Fetch the feeds' new article pages into one JSONL file the readers take. Only this
    I/O task has Prefect retries; the library already retries each URL, and pages that
    failed in earlier runs wait for their next attempt (``failed_pages``). Its state says
    when feeds failed (:func:`fetch_state`); its data is the :class:`IngestReport`."""
    report = fetch_feeds(feeds, config.fetch, seen, Path(out_path), config.sources.max_items,
                         read_config=config.read, retries=failed_pages)
    log_retries(report)
    get_run_logger().info(feeds_line(report))
    return fetch_state(report)


def feeds_line(report: IngestReport) -> str:
    """The fetch step's counts in one line, failed feeds first."""
    failed = len(report.feed_errors)
    return (f"feeds: {report.feeds - failed} of {report.feeds} read, {failed} failed; "
            f"{report.items} items: {report.new} new, {report.fetched} pages fetched, "
            f"{report.failed} pages failed, {report.skipped_seen} already ingested")


def fetch_state(report: IngestReport) -> State:
    """Completed when every feed was read; ``Completed with warnings`` naming the failed
    feeds when some were; Failed (``Feeds failed``, not retried) when none was."""
    if not report.feed_errors:
        return Completed(data=report)
    failed = "; ".join(f"{e['url']} ({e['kind']}: {e['message']})" for e in report.feed_errors)
    message = f"{len(report.feed_errors)} of {report.feeds} feeds failed: {failed}"
    if len(report.feed_errors) < report.feeds:
        return Completed(name=WARNED, message=message, data=report)
    return Failed(name=FEEDS_FAILED, message=message, data=report)


def log_retries(report: IngestReport) -> None:
    """One line on the pages that failed in earlier runs, and one per page given up."""
    logger = get_run_logger()
    if report.waiting or report.repeated or report.recovered:
        logger.info("pages that failed before: %d waiting for their next attempt, %d failed "
                    "again, %d fetched at last, %d given up", report.waiting, report.repeated,
                    report.recovered, len(report.given_up))
    for page in report.given_up:
        logger.warning("gave up on %s after %d failures (%s: %s)", page.url, page.failures,
                       page.kind, page.message)


@task(name="clean", task_run_name="clean batch {n}", **STAGE)
def clean_task(n: int, raw_path: str, out_path: str, config_file: str | None) -> dict[str, Any]:
    """Extraction, cleaning, metadata and the corpus features (signatures, terms, shingles)
    of one spooled batch (:func:`cleaners.runner.executors.clean_batch`); runs anywhere,
    Dask workers included."""
    from cleaners.runner.executors import clean_batch

    out = Path(out_path)
    if out.exists():
        return {"path": out_path, "seconds": 0.0, "skipped": True}
    start = time.perf_counter()
    config = load_config(Path(config_file) if config_file else None)
    arts, features = clean_batch(unspool(raw_path), config)
    spool((arts, features), out)
    return {"path": out_path, "records": len(arts), "skipped": False,
            "status": dict(Counter(a.status for a in arts)),
            "seconds": time.perf_counter() - start}


@task(name="report", **STAGE)
def report_task(run_dir: str) -> RunStats:
    """report.html and summary.md beside articles.jsonl (cleaners.report); returns the
    run's counts, which the artifacts show."""
    stats = run_stats(Path(run_dir))
    write_report(Path(run_dir), stats=stats)
    return stats
