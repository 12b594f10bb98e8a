"""The scheduled ingestion flow: what is new since the last run, cleaned batch by batch.

gather (inbox files, feed pages) -> read (spool batches) -> clean batch i (here, or on Dask
workers) -> index batch i (here, one store transaction each) -> write articles.jsonl ->
report -> artifacts. A run writes into ``REPORTS/<run>/`` (and ``corrections.jsonl`` when it
changes records of earlier runs); the index and the keys of inputs already ingested live in
one embedded store shared by every run.
"""
from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.context import get_run_context

from cleaners.config import Config, load_config
from cleaners.corpus.stage import CorpusStage
from cleaners.fetch import inbox_key, new_inbox_files
from cleaners.report import summarize
from cleaners.report.html import read_records
from cleaners.store import Store
from flows.artifacts import Progress, RunLog, feed_counts, publish
from flows.tasks import (assemble_task, clean_batch, fetch_task, index_batch, read_inputs,
                         report_task, write_json)

LOCAL_DASK_WORKERS = 2


@dataclass
class Plan:
    """A run's input once gathered and read: raw batch files and the keys to mark seen."""

    batches: list[str]
    keys: list[str]
    ingest: dict[str, int]


def run_name() -> str:
    """``YYYYmmddTHHMMSS-<flow run name>``: sortable, and stable when a run is retried."""
    run = get_run_context().flow_run
    return f"{run.created:%Y%m%dT%H%M%S}-{run.name}"


def store_path(config: Config) -> Path:
    """``[store] path``, else ``REPORTS/index.sqlite``: one index shared by every run."""
    return Path(config.store.path or Path(config.schedule.reports) / "index.sqlite")


def interrupted(config: Config) -> list[Path]:
    """Earlier runs that were killed after committing batches: their inputs are indexed but
    not written, and not marked as ingested. They are finished before a new run starts, from
    their saved plan, without redoing their finished batches."""
    reports = Path(config.schedule.reports)
    with Store(store_path(config)) as store:
        runs = store.unfinished_runs()
    return [reports / run for run in runs if (reports / run / "work" / "plan.json").exists()]


def dask_runner(dask_address: str) -> AbstractContextManager:
    """prefect-dask's runner: a local cluster (``local``) or the scheduler at
    ``tcp://HOST:PORT``."""
    from prefect_dask import DaskTaskRunner

    if dask_address == "local":
        return DaskTaskRunner(cluster_kwargs={"n_workers": LOCAL_DASK_WORKERS,
                                              "threads_per_worker": 1, "processes": True})
    return DaskTaskRunner(address=dask_address)


def cleaned(batches: list[str], work: Path, config_file: str | None,
            dask_address: str | None) -> Iterator[dict[str, Any]]:
    """Each batch's clean-task result, in input order. Without Dask the tasks run one after
    the other in this process (threads would only contend for the GIL); with Dask they are
    all submitted at once and run on the workers."""
    params = [{"n": n, "raw_path": raw, "config_file": config_file,
               "out_path": str(work / f"clean-{n:05d}.pkl")} for n, raw in enumerate(batches)]
    if not dask_address:
        yield from (clean_batch(**p) for p in params)
        return
    with dask_runner(dask_address) as runner:
        futures = [runner.submit(clean_batch, p) for p in params]
        yield from (future.result() for future in futures)


def gather(config: Config, store: Store, inputs: Path, log: RunLog) -> tuple[list[str], list[str]]:
    """New inbox files and newly fetched feed pages: (input paths, keys to mark seen)."""
    paths: list[str] = []
    keys: list[str] = []
    if config.sources.inbox:
        files = new_inbox_files(Path(config.sources.inbox), store.seen)
        paths += [str(p) for p in files]
        keys += [inbox_key(p) for p in files]
        log.ingest["new inbox files"] = len(files)
    if config.sources.feeds:
        out = inputs / "feeds.jsonl"
        report = fetch_task(list(config.sources.feeds), config, store.seen, str(out))
        log.ingest.update(feed_counts(report))
        log.feed_errors = report.feed_errors
        if report.fetched or report.failed:
            paths.append(str(out))
        keys += report.keys
    return paths, keys


def plan_run(config: Config, store: Store, work: Path, log: RunLog) -> Plan:
    """Gather and read once; a re-run of the same flow run reuses the saved plan."""
    saved = work / "plan.json"
    if saved.exists():
        data = json.loads(saved.read_text(encoding="utf-8"))
        log.ingest.update(data["ingest"])
        return Plan(data["batches"], data["keys"], data["ingest"])
    start = time.perf_counter()
    (work / "inputs").mkdir(parents=True, exist_ok=True)
    paths, keys = gather(config, store, work / "inputs", log)
    log.add("gather", len(paths), time.perf_counter() - start)
    start = time.perf_counter()
    batches = read_inputs(paths, config, str(work)) if paths else []
    log.add("read", len(batches), time.perf_counter() - start)
    plan = Plan(batches, keys, dict(log.ingest))
    write_json(plan.__dict__, saved)
    return plan


def run_batches(plan: Plan, stage: CorpusStage, config_file: str | None,
                dask_address: str | None, run_dir: Path, log: RunLog) -> list[str]:
    """Clean every batch; index and write them in input order."""
    progress = Progress()
    out = run_dir / "batches"
    out.mkdir(parents=True, exist_ok=True)
    done: list[str] = []
    total = len(plan.batches)
    for n, result in enumerate(cleaned(plan.batches, run_dir / "work", config_file, dask_address)):
        log.add("clean", result.get("records", 0), result["seconds"])
        target = str(out / f"{n:05d}.jsonl")
        indexed = index_batch(n, result["path"], target, stage, run_dir.name)
        log.add("index + score", indexed["records"], indexed["seconds"])
        done.append(target)
        progress.update(n + 1, total)
    if not total:
        progress.update(0, 0)  # nothing new: done
    return done


def clean_and_index(config: Config, config_file: str | None, dask_address: str | None,
                    run_dir: Path, log: RunLog) -> None:
    """Everything up to ``articles.jsonl``; the store's one writer is this process."""
    with Store(store_path(config)) as store:
        plan = plan_run(config, store, run_dir / "work", log)
        get_run_logger().info("%d batches to clean into %s", len(plan.batches), run_dir)
        stage = CorpusStage(config, store=store)
        batch_files = run_batches(plan, stage, config_file, dask_address, run_dir, log)
        start = time.perf_counter()
        summary = assemble_task(batch_files, str(run_dir), stage)
        with store.transaction():
            store.seen.add(plan.keys)
            store.forget_run(run_dir.name)
        log.add("write", summary.total, time.perf_counter() - start)
        log.ingest.update({f"records {k}": v for k, v in sorted(summary.by_status.items())})
    shutil.rmtree(run_dir / "work")
    shutil.rmtree(run_dir / "batches")


@flow(name="newsclean-ingest", persist_result=False)
def ingest(config_file: str | None = None, dask_address: str | None = None) -> str:
    """Ingest what is new in the configured sources into ``REPORTS/<run>/articles.jsonl``.
    A retried run resumes: finished batches are skipped, a written run is only reported."""
    config = load_config(Path(config_file) if config_file else None)
    for stale in interrupted(config):
        get_run_logger().warning("finishing %s, a run that was interrupted", stale)
        clean_and_index(config, config_file, dask_address, stale, RunLog())
        report_task(str(stale))
    run_dir = Path(config.schedule.reports) / run_name()
    log = RunLog()
    if not (run_dir / "articles.jsonl").exists():
        clean_and_index(config, config_file, dask_address, run_dir, log)
    start = time.perf_counter()
    files = report_task(str(run_dir))
    log.add("report", len(files), time.perf_counter() - start)
    publish(run_dir, summarize(read_records(run_dir / "articles.jsonl", [])), log)
    get_run_logger().info("wrote %s", run_dir / "articles.jsonl")
    return str(run_dir)
