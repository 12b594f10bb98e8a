"""The scheduled ingestion flow: what is new since the last run, cleaned batch by batch.

gather (inbox files, feed pages) -> the runner (:mod:`cleaners.runner`, the CLI's): read,
clean batch i (a Prefect task here, or on Dask workers: :mod:`flows.executor`), index batch i
(here, one store transaction each), write articles.jsonl -> report -> artifacts. A run
writes into ``REPORTS/<run>/`` (and ``corrections.jsonl`` when it changes records of
earlier runs); the index and the keys of inputs already ingested live in one store shared by
every run (``[store] path``, else ``REPORTS/.newsclean/index.sqlite``). A run with nothing
new writes no folder and publishes no artifact. ``[output] url`` also sends a run's records to
an object store (``URL/<run>/``, the report with them) or a PostgreSQL table
(:mod:`cleaners.output`); the folder is then the run's work directory, kept as before. How
failures end a run: :mod:`flows.outcomes`; an output that refuses fails the run (after the
flow's retries) with the reason, leaving it to resume.
"""
from __future__ import annotations

import json
import math
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_client, get_run_logger
from prefect.context import get_run_context
from prefect.states import State
from prefect.task_runners import TaskRunner

from cleaners.config import Config, load_config
from cleaners.fetch import IngestReport, inbox_key, new_inbox_files
from cleaners.output import open_output, run_url
from cleaners.report import RunStats
from cleaners.runner import WORK, parts_dir, store_path
from cleaners.store import Store
from flows.artifacts import (Progress, RunLog, feed_counts, feed_errors, publish, runner_hooks,
                             source_status)
from flows.outcomes import (SourcesFailed, config_failed, corrected, finished, one_line_errors,
                            quality, quality_dropped, records_corrected, run_completed,
                            source_failed, warnings)
from flows.tasks import FEEDS_FAILED, fetch_task, report_task, write_json

LOCAL_DASK_WORKERS = 2
FLOW_RETRIES = 2  # a run that raised (every source failed, a timeout) runs again, resuming
FLOW_RETRY_DELAY = 60  # seconds: long enough for a DNS blip or a late mount to heal
QUALITY_META = "flows.quality"  # the store's meta key for the last run's shares


@dataclass
class Plan:
    """A run's input once gathered: the input paths and the keys to mark seen."""

    paths: list[str]
    keys: list[str]
    ingest: dict[str, int]
    sources: list[dict] = field(default_factory=list)  # each configured source's status


def run_name() -> str:
    """``YYYYmmddTHHMMSS-<flow run name>`` from the run's start time (UTC), which the server
    sets once, so it is stable when the run is retried. Not ``created``: ``serve`` creates
    its scheduled runs ~100 at a time."""
    run = get_run_context().flow_run
    with get_client(sync_client=True) as client:
        started = client.read_flow_run(run.id).start_time
    return f"{started:%Y%m%dT%H%M%S}-{run.name}"


def report_url(config: Config, run_dir: Path) -> str:
    """Where ``newsclean serve``'s static server answers for the run's report."""
    schedule = config.schedule
    return f"http://{schedule.report_host}:{schedule.report_port}/{run_dir.name}/report.html"


def open_store(config: Config) -> Store:
    """The store every run of the reports folder shares (:func:`cleaners.runner.store_path`)."""
    return Store(store_path(config, config.schedule.reports))


def interrupted(config: Config) -> list[Path]:
    """Earlier runs that were killed after committing batches: their inputs are indexed but
    not written, and not marked as ingested. They are finished before a new run starts, from
    their saved plan, without redoing their finished batches."""
    reports = Path(config.schedule.reports)
    with open_store(config) as store:
        runs = store.unfinished_runs()
    return [reports / run for run in runs if (reports / run / WORK / "plan.json").exists()]


def dask_runner(dask_address: str) -> TaskRunner:
    """prefect-dask's runner: a local cluster (``local``) or the scheduler at
    ``tcp://HOST:PORT``."""
    from prefect_dask import DaskTaskRunner

    if dask_address == "local":
        return DaskTaskRunner(cluster_kwargs={"n_workers": LOCAL_DASK_WORKERS,
                                              "threads_per_worker": 1, "processes": True})
    return DaskTaskRunner(address=dask_address)


def gather(config: Config, store: Store, inputs: Path, log: RunLog) -> tuple[list[str], list[str]]:
    """New inbox files and newly fetched feed pages: (input paths, keys to mark seen)."""
    paths: list[str] = []
    keys: list[str] = []
    inbox = Path(config.sources.inbox)
    if config.sources.inbox and not inbox.is_dir():
        log.source_errors.append({"source": str(inbox), "kind": "missing_inbox",
                                  "message": "no such directory"})
    elif config.sources.inbox:
        files = new_inbox_files(inbox, store.seen)
        paths += [str(p) for p in files]
        keys += [inbox_key(p) for p in files]
        log.ingest["new inbox files"] = len(files)
    if config.sources.feeds:
        out = inputs / "feeds.jsonl"
        state = fetch_task(list(config.sources.feeds), config, store.seen, str(out),
                           store.retries, return_state=True)
        report = state.result(raise_on_failure=state.name != FEEDS_FAILED)
        store.retries.record(report.retries)  # now: a later run must not refetch too soon
        log.ingest.update(feed_counts(report) | retry_counts(report))
        log.source_errors += feed_errors(report)
        if report.fetched or report.failed:
            paths.append(str(out))
        keys += report.keys
    log.sources = source_status(config, log.source_errors)
    return paths, keys


def retry_counts(report: IngestReport) -> dict[str, int]:
    """Pages that failed in earlier runs, for the summary (only when there are any)."""
    counts = {"pages waiting to retry": report.waiting, "pages failed again": report.repeated,
              "pages fetched at last": report.recovered, "pages given up": len(report.given_up)}
    return counts if any(counts.values()) else {}


def plan_run(config: Config, store: Store, work: Path, log: RunLog) -> Plan:
    """Gather once; a re-run of the same flow run reuses the saved plan."""
    saved = work / "plan.json"
    if saved.exists():
        data = json.loads(saved.read_text(encoding="utf-8"))
        log.ingest.update(data["ingest"])
        log.sources = data.get("sources", [])
        return Plan(**data)
    start = time.perf_counter()
    (work / "inputs").mkdir(parents=True, exist_ok=True)
    paths, keys = gather(config, store, work / "inputs", log)
    source_failed(log.source_errors, config, work.parent.name)
    log.add("gather", len(paths), time.perf_counter() - start)
    plan = Plan(paths, keys, dict(log.ingest), log.sources)
    write_json(plan.__dict__, saved)
    return plan


def clean_and_index(config: Config, config_file: str | None, dask_address: str | None,
                    run_dir: Path, log: RunLog) -> bool:
    """Everything up to ``articles.jsonl``, through the runner as run ``run_dir.name``; the
    store's one writer is this process (its writer lock refuses any other). False when
    there was nothing new to write."""
    with open_store(config) as store:
        plan = plan_run(config, store, run_dir / WORK, log)
        if not plan.paths:
            store.seen.add(plan.keys)
            return False
        from cleaners.read.files import count_inputs  # only when there is something to clean
        from cleaners.runner.runner import Runner
        from flows.executor import PrefectTasks

        inputs = count_inputs(plan.paths, config.read)
        get_run_logger().info("%d inputs to clean into %s", inputs, run_dir)
        progress = Progress(max(1, math.ceil(inputs / config.run.batch_size)))
        executor = PrefectTasks(config, config_file, parts_dir(run_dir, run_dir.name), log,
                                dask_runner(dask_address) if dask_address else None)
        hooks = runner_hooks(log, progress)
        if config.output.url:  # the report goes with the records (and is written again after)
            hooks.assembled = lambda out: report_task(str(out))
        output = open_output(run_url(config.output.url, run_dir.name), store)
        try:
            summary = Runner(config, store, executor, hooks, output).run(
                plan.paths, run_dir, run_dir.name, seen=plan.keys)
        finally:
            output.close()
        log.ingest.update({f"records {k}": v for k, v in sorted(summary.by_status.items())})
    shutil.rmtree(run_dir / WORK)
    return True


def unfinished(config: Config, run: str) -> bool:
    """Whether ``run`` committed batches without ending (killed, or its output refused)."""
    with open_store(config) as store:
        return bool(store.finished_batches(run))


def written(config: Config, config_file: str | None, dask_address: str | None, run_dir: Path,
            log: RunLog) -> bool:
    """Whether the run has an ``articles.jsonl`` (written now or by an earlier attempt whose
    output was published: the store no longer lists it unfinished); a run with nothing new,
    or whose every source failed, leaves no folder behind."""
    if (run_dir / "articles.jsonl").exists() and not unfinished(config, run_dir.name):
        return True
    try:
        if clean_and_index(config, config_file, dask_address, run_dir, log):
            return True
    except SourcesFailed:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    shutil.rmtree(run_dir, ignore_errors=True)
    return False


def previous_quality(config: Config, run: str, now: dict[str, float]) -> dict:
    """The last written run's shares (empty for the first), replaced by this run's."""
    with open_store(config) as store:
        found = store.get_meta(QUALITY_META)
        store.set_meta(QUALITY_META, json.dumps({"run": run, **now}))
    return json.loads(found) if found else {}


def outcome(config: Config, run_dir: Path, stats: RunStats, log: RunLog, new: bool) -> State:
    """``Completed with warnings``, with a ``WARNING: ...`` message and a logged warning per
    problem, when a source failed, most records are errors or quality dropped
    (flows.outcomes), else Completed; the result is the run's folder, ``""`` when nothing
    was new (its heartbeat event then names no folder)."""
    url = report_url(config, run_dir) if new else None
    now = quality(stats)
    drops = (quality_dropped(now, previous_quality(config, run_dir.name, now), config,
                             run_dir.name) if new else [])
    found = warnings(stats, log.source_errors, drops, config)
    for warning in found:
        get_run_logger().warning(warning)
    run_completed(run_dir.name if new else None, stats, found, url)
    done = f"wrote {run_dir / 'articles.jsonl'}" if new else "nothing new"
    return finished(done, found, str(run_dir) if new else "")


def announce_corrections(run_dir: Path) -> list[dict]:
    """The records of earlier runs this run changed: logged, and emitted as one event."""
    fixed = corrected(run_dir)
    if fixed:
        runs = sorted({str(c["run"]) for c in fixed})
        get_run_logger().info("corrected %d records of earlier runs (%s): see "
                              "corrections.jsonl", len(fixed), ", ".join(runs))
        records_corrected(run_dir.name, fixed)
    return fixed


@flow(name="newsclean-ingest", persist_result=False, retries=FLOW_RETRIES,
      retry_delay_seconds=FLOW_RETRY_DELAY)
def ingest(config_file: str | None = None, dask_address: str | None = None) -> State:
    """Ingest what is new in the configured sources into ``REPORTS/<run>/articles.jsonl``.
    A retried run resumes: finished batches are skipped, a written run is only reported.
    The state's result is the run's folder, ``""`` when nothing was new.

    Args:
        config_file: Path of the newsclean TOML config (sources, schedule, reports folder,
            store) on the machine that runs the flow; empty for the built-in defaults.
        dask_address: Dask scheduler for the clean tasks: `tcp://HOST:PORT`, or `local`
            for a 2-worker local cluster; empty to clean in the flow's own process.
    """
    one_line_errors()
    try:
        config = load_config(Path(config_file) if config_file else None)
    except (OSError, ValueError) as exc:  # missing, unreadable, not TOML, a wrong value
        return config_failed(config_file, exc)
    for stale in interrupted(config):
        get_run_logger().warning("finishing %s, a run that was interrupted", stale)
        clean_and_index(config, config_file, dask_address, stale, RunLog())
        report_task(str(stale))
    run_dir = Path(config.schedule.reports) / run_name()
    log = RunLog()
    if not written(config, config_file, dask_address, run_dir, log):
        get_run_logger().info("nothing new in the sources: no report folder, no artifacts")
        return outcome(config, run_dir, RunStats(), log, new=False)
    start = time.perf_counter()
    stats = report_task(str(run_dir))
    log.add("report", stats.total, time.perf_counter() - start)
    fixed = announce_corrections(run_dir)
    publish(run_dir, stats, log, report_url(config, run_dir), config, fixed)
    get_run_logger().info("wrote %s", run_dir / "articles.jsonl")
    return outcome(config, run_dir, stats, log, new=True)
