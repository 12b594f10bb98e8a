"""A whole run: stream inputs in batches through the per-article path, index and score each
batch against the store, write the records.

Batches go to worker processes when ``jobs > 1``; output order is input order either way.
Each finished batch is written to its own file (atomically) and then committed to the store
with the batch's index changes in one transaction, so a killed run resumes after its last
finished batch and nothing is indexed twice. ``articles.jsonl`` is assembled at the end,
with the fields that later batches can still change (``first_report``, ``duplicate_of``)
read off the final index. No orchestration framework here: the CLI and the Prefect flows
both call these functions.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import pickle
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from itertools import islice
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TypeVar

from cleaners import memory
from cleaners.config import Config
from cleaners.corpus.features import Features, batch_features
from cleaners.corpus.stage import CorpusStage
from cleaners.pipeline import process_batch
from cleaners.read import RawDoc, iter_inputs
from cleaners.read.files import walk
from cleaners.record import Article
from cleaners.store import Store, StoreError
from cleaners.write import AtomicJsonl, OutputError, write_batch

T = TypeVar("T")
WORK = ".newsclean"  # under the output: the default store and the batches of unfinished runs


@dataclass
class RunSummary:
    out: Path
    total: int = 0
    by_status: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    resumed_batches: int = 0

    def add(self, status: str, error_kind: str | None) -> None:
        self.total += 1
        self.by_status[status] += 1
        if error_kind:
            self.errors[error_kind] += 1


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


Cleaned = tuple[list[Article], Features]
OnInputs = Callable[[int], None]  # n more inputs done (cleaned, or kept from a resumed run)


def counted(raws: list[RawDoc], on_inputs: OnInputs | None) -> Iterator[RawDoc]:
    """``raws``, calling ``on_inputs(1)`` as each one has been processed (when the next
    is asked for: the batch's processing takes them one at a time)."""
    for raw in raws:
        yield raw
        if on_inputs is not None:
            on_inputs(1)


def clean_batch(raws: Iterable[RawDoc], config: Config) -> Cleaned:
    """Everything a worker does for a batch: the per-article path, then the corpus features
    (signatures, terms, shingles), which need no index."""
    memory.trim()  # the previous batch's pages
    arts = process_batch(raws, config)
    return arts, batch_features(arts, config)


def clean_pickled(raws: list[RawDoc], config: Config) -> bytes:
    """:func:`clean_batch` in a worker, its result pickled there: the pool's result thread
    holds the batches that wait for the main process as bytes (13 MB for 500 inputs of
    bench/load.py), not as the 2-3x larger objects, until the main process takes each."""
    return pickle.dumps(clean_batch(raws, config), protocol=pickle.HIGHEST_PROTOCOL)


def processed(raws: Iterable[RawDoc], config: Config, jobs: int,
              on_inputs: OnInputs | None = None) -> Iterator[Cleaned]:
    """Cleaned batches with their features, in input order; ``jobs + 1`` batches in flight
    (each worker busy while this process takes the next result; more would only hold
    inputs and results in memory). Workers get a batch in tasks of ``worker_task`` inputs.
    ``on_inputs`` hears of each input cleaned, or with workers of each task's inputs (from
    the pool's result thread)."""
    batches = batched(raws, config.run.batch_size)
    if jobs <= 1:
        for batch in batches:
            yield clean_batch(counted(batch, on_inputs), config)
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=worker_context(),
                             initializer=start_worker, initargs=(config.run.worker_nice,)) as pool:
        pending: list[list[Future[bytes]]] = []
        for batch in batches:
            pending.append([submitted(pool, part, config, on_inputs)
                            for part in batched(batch, config.run.worker_task)])
            if len(pending) > jobs:
                yield joined(pending.pop(0))
        for futures in pending:
            yield joined(futures)


def submitted(pool: ProcessPoolExecutor, raws: list[RawDoc], config: Config,
              on_inputs: OnInputs | None) -> Future[bytes]:
    """A worker task cleaning ``raws``; ``on_inputs`` hears when it is done."""
    future = pool.submit(clean_pickled, raws, config)
    if on_inputs is not None:
        future.add_done_callback(lambda _: on_inputs(len(raws)))
    return future


def start_worker(nice: int) -> None:
    """A worker's set-up: one malloc arena, and ``nice`` steps below this process' priority.
    This process runs the serial steps (the corpus step, writing) every batch waits for;
    when the workers compete with it for the cores, the whole run slows to its pace."""
    memory.one_arena()
    os.nice(nice)


def joined(futures: list[Future[bytes]]) -> Cleaned:
    """One batch from the results of its tasks, in order."""
    parts: list[Cleaned] = [pickle.loads(future.result()) for future in futures]
    return [a for arts, _ in parts for a in arts], Features.joined([f for _, f in parts])


def worker_context() -> BaseContext:
    """Workers forked by a fork server that has imported :mod:`cleaners.workers` (the
    per-article path and the language models, shared by every worker it forks), not by
    this process: it holds the indexes and runs threads. (So a script that calls
    :func:`run` with ``jobs > 1`` needs the usual ``if __name__ == "__main__":`` guard.)"""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["cleaners.workers"])
    return ctx


def run_key(paths: Iterable[str | Path], config: Config) -> str:
    """Names a run by its inputs (paths, sizes, modification times) and settings, so that
    running the same command again after a crash resumes it."""
    digest = hashlib.sha1(json.dumps(asdict(config), sort_keys=True, default=str).encode())
    for path in walk(paths):
        try:
            st = path.stat()
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{path}\0missing\n".encode())
    return digest.hexdigest()[:16]


def open_store(out_dir: Path, config: Config, key: str) -> Store:
    """The configured store, or OUT/.newsclean/index.sqlite. The default one belongs to the
    output: it starts fresh unless it holds an unfinished run of the same inputs (a resume).
    (Hidden, so that an output directory inside the inputs is never read as input.)"""
    if config.store.path:
        return Store(config.store.path)
    path = out_dir / WORK / "index.sqlite"
    if path.exists():
        try:
            with Store(path) as old:
                resumable = bool(old.finished_batches(key))
        except StoreError:  # another version's: not resumable, and ours to replace
            resumable = False
        if not resumable:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    return Store(path)


def run(paths: Iterable[str | Path], out_dir: Path, config: Config, jobs: int = 1,
        on_batch: Callable[[list[Article]], None] | None = None,
        on_inputs: OnInputs | None = None) -> RunSummary:
    """Clean every input under ``paths`` into ``out_dir/articles.jsonl``. ``on_batch`` gets
    each batch's records once stored; ``on_inputs(n)`` hears of inputs as they are done
    (see :func:`processed`; a resumed run's kept inputs first, at once), for a progress
    display whose total :func:`cleaners.read.files.count_inputs` gives."""
    start = time.perf_counter()
    memory.one_arena()
    paths, out_dir = list(paths), Path(out_dir)
    summary = RunSummary(out=out_dir / "articles.jsonl")
    key = run_key(paths, config)
    parts = out_dir / WORK / "batches" / key
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    with open_store(out_dir, config, key) as store:
        corpus = CorpusStage(config, store)
        done = store.finished_batches(key)
        summary.resumed_batches = len(done)
        skip = sum(done.values())
        if skip and on_inputs is not None:
            on_inputs(skip)
        raws = islice(iter_inputs(paths, config.read), skip, None)
        for n, (batch, features) in enumerate(processed(raws, config, jobs, on_inputs),
                                              start=len(done)):
            corpus.add_batch(batch, features)
            write_part(parts / f"{n:06d}.jsonl", batch)
            corpus.commit(key, n, len(batch))
            memory.trim()
            if on_batch is not None:
                on_batch(batch)
        written = assemble([parts / f"{n:06d}.jsonl" for n in sorted(store.finished_batches(key))],
                           summary, corpus)
        write_corrections(out_dir / "corrections.jsonl", corpus.corrections(written))
        store.forget_run(key)
    shutil.rmtree(parts, ignore_errors=True)
    summary.seconds = time.perf_counter() - start
    return summary


def write_part(path: Path, arts: list[Article]) -> None:
    """A batch's records, and beside them (``.index``) each one's id, status and error kind:
    what :func:`assemble` needs to copy a record without parsing it."""
    write_batch(path.with_suffix(".index"),
                [[a.id, a.status, a.error.kind if a.error else None] for a in arts])
    write_batch(path, [a.to_dict() for a in arts])


def assemble(parts: list[Path], summary: RunSummary, corpus: CorpusStage) -> set[str]:
    """Join the batch files (:func:`write_part`) into ``articles.jsonl``, with the final
    first_report and duplicate_of of the records a later batch changed; the others are
    copied as written (bench/load.py: parsing and writing again every record of 100,000
    took 72 s). Returns the ids written."""
    written: set[str] = set()
    changed = corpus.amendable()
    with AtomicJsonl(summary.out) as out:
        for part in parts:
            with open(part.with_suffix(".index"), encoding="utf-8") as index, \
                    open(part, encoding="utf-8") as fh:
                for entry, line in zip(index, fh):
                    art_id, status, error_kind = json.loads(entry)
                    summary.add(status, error_kind)
                    if art_id in changed:
                        record = json.loads(line)
                        corpus.amend(record)
                        out.write(record)
                    else:
                        out.write_line(line)
                    written.add(art_id)
    return written


def write_corrections(path: Path, fixes: list[dict]) -> None:
    """What this run changed in records of earlier runs sharing the store (a new
    earlier-dated report or copy); absent when nothing changed."""
    if not fixes:
        path.unlink(missing_ok=True)
        return
    write_batch(path, fixes)
