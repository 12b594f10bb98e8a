"""The flow's tasks: one per stage per batch, never one per article.

Each task reads its input from a path, writes its output to a path of its own and returns
that path with a few counts: texts never travel through Prefect and no result is persisted.
A task whose output already exists returns at once, so a re-run skips finished batches.
Only ``clean_batch`` is submitted to the task runner (threads or Dask workers); the others
run in the flow's process, which alone writes the index.
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

from cleaners.config import Config, load_config
from cleaners.corpus.stage import CorpusStage
from cleaners.fetch import IngestReport, SeenKeys, fetch_feeds
from cleaners.read import iter_inputs
from cleaners.read.files import load as load_raw
from cleaners.report import write_report
from cleaners.run import RunSummary, assemble, batched, write_corrections, write_part
from cleaners.run import clean_batch as run_clean_batch
from cleaners.write import atomic_open

NO_RESULTS: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}


def dump(obj: object, path: Path) -> None:
    """Pickle ``obj`` to ``path`` atomically: a stage's output exists whole or not at all."""
    with atomic_open(path, binary=True) as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)


def load(path: str | Path) -> Any:
    with open(path, "rb") as fh:
        return pickle.load(fh)


def write_json(data: object, path: Path) -> None:
    with atomic_open(path) as fh:
        fh.write(json.dumps(data))


@task(name="fetch feeds", retries=2, retry_delay_seconds=5, **NO_RESULTS)
def fetch_task(feeds: list[str], config: Config, seen: SeenKeys, out_path: str) -> IngestReport:
    """Fetch the feeds' new article pages into one JSONL file the readers take. Only this
    I/O task has Prefect retries; the library already retries each URL."""
    report = fetch_feeds(feeds, config.fetch, seen, Path(out_path), config.sources.max_items,
                         read_config=config.read)
    get_run_logger().info("feeds: %d items, %d new, %d fetched, %d failed, %d already ingested",
                          report.items, report.new, report.fetched, report.failed,
                          report.skipped_seen)
    return report


@task(name="read inputs", **NO_RESULTS)
def read_inputs(paths: list[str], config: Config, work: str) -> list[str]:
    """Stream every input once and spool it as batches of raw documents (pickles)."""
    files: list[str] = []
    for n, batch in enumerate(batched(iter_inputs(paths, config.read), config.run.batch_size)):
        path = Path(work) / f"raw-{n:05d}.pkl"
        dump([load_raw(raw, config.read) for raw in batch], path)  # the spool holds the bytes
        files.append(str(path))
    get_run_logger().info("read %d input paths into %d batches", len(paths), len(files))
    return files


@task(name="clean", task_run_name="clean batch {n}", **NO_RESULTS)
def clean_batch(n: int, raw_path: str, out_path: str, config_file: str | None) -> dict[str, Any]:
    """Extraction, cleaning, metadata and the corpus features (signatures, terms, shingles)
    of one batch (``cleaners.run.clean_batch``); runs anywhere, Dask workers included."""
    out = Path(out_path)
    if out.exists():
        return {"path": out_path, "seconds": 0.0, "skipped": True}
    start = time.perf_counter()
    config = load_config(Path(config_file) if config_file else None)
    arts, features = run_clean_batch(load(raw_path), config)
    dump((arts, features), out)
    return {"path": out_path, "records": len(arts), "skipped": False,
            "status": dict(Counter(a.status for a in arts)),
            "seconds": time.perf_counter() - start}


@task(name="index", task_run_name="index batch {n}", **NO_RESULTS)
def index_batch(n: int, clean_path: str, out_path: str, stage: CorpusStage,
                run: str) -> dict[str, Any]:
    """Duplicates, stories and scores against the index, the batch's records to ``out_path``,
    then the index changes in one store transaction. Runs in the flow's process: the index
    has one writer."""
    if n in stage.store.finished_batches(run):
        return {"records": 0, "seconds": 0.0, "skipped": True}
    start = time.perf_counter()
    arts, features = load(clean_path)
    stage.add_batch(arts, features)
    write_part(Path(out_path), arts)
    stage.commit(run, n, len(arts))
    return {"records": len(arts), "seconds": time.perf_counter() - start, "skipped": False}


@task(name="write articles.jsonl", **NO_RESULTS)
def assemble_task(batch_files: list[str], run_dir: str, stage: CorpusStage) -> RunSummary:
    """The run's records in input order with the fields later batches changed, and the
    corrections to records of earlier runs (``cleaners.run``)."""
    out = Path(run_dir)
    summary = RunSummary(out=out / "articles.jsonl")
    written = assemble([Path(f) for f in batch_files], summary, stage)
    write_corrections(out / "corrections.jsonl", stage.corrections(written))
    return summary


@task(name="report", **NO_RESULTS)
def report_task(run_dir: str) -> list[str]:
    """report.html and summary.md beside articles.jsonl (cleaners.report)."""
    return [str(p) for p in write_report(Path(run_dir))]
