"""A whole run: stream inputs in batches through the per-article path, write the records.

Batches go to worker processes when ``jobs > 1``; output order is input order either way.
No orchestration framework here: the CLI and the Prefect flows both call these functions.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TypeVar

from cleaners.config import Config
from cleaners.corpus.stage import CorpusStage
from cleaners.pipeline import process_batch
from cleaners.read import RawDoc, iter_inputs
from cleaners.record import Article
from cleaners.write import AtomicJsonl

T = TypeVar("T")


@dataclass
class RunSummary:
    out: Path
    total: int = 0
    by_status: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, art: Article) -> None:
        self.total += 1
        self.by_status[art.status] += 1
        if art.error is not None:
            self.errors[art.error.kind] += 1


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def processed(raws: Iterable[RawDoc], config: Config, jobs: int) -> Iterator[list[Article]]:
    """Batches of records, in input order; at most ``2 * jobs`` batches in flight."""
    batches = batched(raws, config.run.batch_size)
    if jobs <= 1:
        for batch in batches:
            yield process_batch(batch, config)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: list[Future[list[Article]]] = []
        for batch in batches:
            pending.append(pool.submit(process_batch, batch, config))
            if len(pending) >= 2 * jobs:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def run(paths: Iterable[str | Path], out_dir: Path, config: Config, jobs: int = 1,
        on_batch: Callable[[list[Article]], None] | None = None) -> RunSummary:
    """Clean every input under ``paths`` into ``out_dir/articles.jsonl``."""
    start = time.perf_counter()
    summary = RunSummary(out=Path(out_dir) / "articles.jsonl")
    corpus = CorpusStage(config.dedupe, config.stories)
    with AtomicJsonl(summary.out) as out:
        for batch in processed(iter_inputs(paths, config.read), config, jobs):
            corpus.add_batch(batch)
            for art in batch:
                summary.add(art)
                out.write(art.to_dict())
            if on_batch is not None:
                on_batch(batch)
        if corpus.needs_amending():
            out.amend(corpus.amend)
    summary.seconds = time.perf_counter() - start
    return summary
