"""The runner's map step: a batch of raw inputs -> its records and corpus features (which
need no index), in input order. An executor's ``map(batches, on_inputs)`` takes numbered
batches ``(n, raws)`` and yields one :data:`Cleaned` per batch, in order; ``on_inputs(k)``
hears of inputs as they are cleaned. Prefect tasks are a third executor, in ``flows/``."""
from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.context import BaseContext

from cleaners import memory
from cleaners.config import Config
from cleaners.corpus.features import Features, batch_features
from cleaners.pipeline import process_batch
from cleaners.read import RawDoc
from cleaners.record import Article
from cleaners.runner import OnInputs, batched

Cleaned = tuple[list[Article], Features]
Numbered = Iterable[tuple[int, list[RawDoc]]]


def clean_batch(raws: Iterable[RawDoc], config: Config) -> Cleaned:
    """Everything the map step does for a batch: the per-article path, then the corpus
    features (signatures, terms, shingles), in parts of ``[run] worker_task`` inputs, the
    pool's tasks: the in-batch template step then sees the same articles together in one
    process, in a worker or in a flow's task, so ``--jobs`` changes the speed and not the
    records (bench/load.py's 20,000 inputs: 10 bodies differed between --jobs 1 and 2)."""
    parts: list[Cleaned] = []
    for part in batched(raws, config.run.worker_task):
        memory.trim()  # the previous part's pages
        arts = process_batch(part, config)
        parts.append((arts, batch_features(arts, config)))
    return joined_parts(parts) if parts else ([], batch_features([], config))


def joined_parts(parts: list[Cleaned]) -> Cleaned:
    """Consecutive parts of a batch as the whole batch: its records and features in order."""
    return [a for arts, _ in parts for a in arts], Features.joined([f for _, f in parts])


def counted(raws: list[RawDoc], on_inputs: OnInputs) -> Iterator[RawDoc]:
    """``raws``, calling ``on_inputs(1)`` as each one has been processed (when the next
    is asked for: the batch's processing takes them one at a time)."""
    for raw in raws:
        yield raw
        on_inputs(1)


class InProcess:
    """Every batch cleaned in this process, one after the other."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def map(self, batches: Numbered, on_inputs: OnInputs) -> Iterator[Cleaned]:
        for _, raws in batches:
            yield clean_batch(counted(raws, on_inputs), self.config)


def clean_pickled(raws: list[RawDoc], config: Config) -> bytes:
    """:func:`clean_batch` in a worker, its result pickled there: the pool's result thread
    holds the batches that wait for the main process as bytes (13 MB for 500 inputs of
    bench/load.py), not as the 2-3x larger objects, until the main process takes each."""
    return pickle.dumps(clean_batch(raws, config), protocol=pickle.HIGHEST_PROTOCOL)


class ForkPool:
    """``jobs`` worker processes forked from a fork server (:mod:`cleaners.workers`);
    ``jobs + 1`` batches in flight (each worker busy while this process takes the next
    result; more would only hold inputs and results in memory), each given to the workers
    in tasks of ``[run] worker_task`` inputs. ``on_inputs`` hears of each task's inputs
    from the pool's result thread. (A script using it needs the usual ``if __name__ ==
    "__main__":`` guard.)"""

    def __init__(self, config: Config, jobs: int) -> None:
        self.config, self.jobs = config, jobs

    def map(self, batches: Numbered, on_inputs: OnInputs) -> Iterator[Cleaned]:
        with ProcessPoolExecutor(max_workers=self.jobs, mp_context=worker_context(),
                                 initializer=start_worker,
                                 initargs=(self.config.run.worker_nice,)) as pool:
            pending: list[list[Future[bytes]]] = []
            for _, raws in batches:
                pending.append([self._submitted(pool, part, on_inputs)
                                for part in batched(raws, self.config.run.worker_task)])
                if len(pending) > self.jobs:
                    yield joined(pending.pop(0))
            for futures in pending:
                yield joined(futures)

    def _submitted(self, pool: ProcessPoolExecutor, raws: list[RawDoc],
                   on_inputs: OnInputs) -> Future[bytes]:
        future = pool.submit(clean_pickled, raws, self.config)
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
    return joined_parts([pickle.loads(future.result()) for future in futures])


def worker_context() -> BaseContext:
    """Workers forked by a fork server that has imported :mod:`cleaners.workers` (the
    per-article path and the language models, shared by every worker it forks), not by
    this process: it holds the indexes and runs threads."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["cleaners.workers"])
    return ctx
