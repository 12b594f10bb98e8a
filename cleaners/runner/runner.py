"""The batch loop every run goes through (the CLI's and the flows'): see :mod:`cleaners.runner`.

Each finished batch is written to its own part file (atomically) and then committed to the
store with the batch's index changes in one transaction, so a killed run resumes after its
last finished batch and nothing is indexed twice. ``articles.jsonl`` is assembled at the end,
with the fields that later batches can still change (``first_report``, ``duplicate_of``)
read off the final index. The run's :class:`~cleaners.output.Output` wraps both commits (a
PostgreSQL table's rows go in the batch's transaction; objects are uploaded before the run
ends in the store), so a run is finished only once its output is whole.
"""
from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import count, islice
from pathlib import Path
from typing import Protocol

from cleaners import memory
from cleaners.config import Config
from cleaners.corpus.stage import CorpusStage
from cleaners.output import Output
from cleaners.output.local import LocalOutput
from cleaners.read import RawDoc, iter_inputs
from cleaners.record import Article
from cleaners.runner import Hooks, OnInputs, RunSummary, batched, part_path, parts_dir
from cleaners.runner.executors import Cleaned
from cleaners.store import Store
from cleaners.write import AtomicJsonl, output_dir, write_batch


class Executor(Protocol):
    def map(self, batches: Iterable[tuple[int, list[RawDoc]]],
            on_inputs: OnInputs) -> Iterator[Cleaned]: ...


class Runner:
    """Runs inputs through ``executor`` and the corpus step against ``store``."""

    def __init__(self, config: Config, store: Store, executor: Executor,
                 hooks: Hooks | None = None, output: Output | None = None) -> None:
        self.config, self.store, self.executor = config, store, executor
        self.hooks = hooks or Hooks()
        self.output = output or LocalOutput()

    def run(self, paths: Iterable[str | Path], out_dir: Path, key: str,
            seen: Iterable[str] = ()) -> RunSummary:
        """Clean every input under ``paths`` into ``out_dir/articles.jsonl``, as run ``key``:
        a run of the same key that was killed is resumed, its committed batches kept and
        their inputs not read again. ``seen`` (keys of the inputs) are marked ingested in
        the transaction that ends the run."""
        start = time.perf_counter()
        out_dir = output_dir(Path(out_dir))
        summary = RunSummary(out=out_dir / "articles.jsonl")
        parts = parts_dir(out_dir, key)
        corpus = CorpusStage(self.config, self.store)
        done = self.store.finished_batches(key)
        summary.resumed_batches = len(done)
        if skip := sum(done.values()):
            self.hooks.inputs(skip)
        raws = islice(iter_inputs(list(paths), self.config.read), skip, None)
        batches = enumerate(batched(raws, self.config.run.batch_size), start=len(done))
        for n, (arts, features) in zip(count(len(done)),
                                       self.executor.map(batches, self.hooks.inputs)):
            began = time.perf_counter()
            corpus.add_batch(arts, features)
            records = [a.to_dict() for a in arts]
            write_part(part_path(parts, n), arts, records)
            self.output.batch(key, records, partial(corpus.commit, key, n, len(arts)))
            memory.trim()
            self.hooks.batch(n, arts, time.perf_counter() - began)
        began = time.perf_counter()
        finished = sorted(self.store.finished_batches(key))
        written, amended = assemble([part_path(parts, n) for n in finished], summary, corpus)
        fixes = corpus.corrections(written)
        write_corrections(out_dir / "corrections.jsonl", fixes)
        self.hooks.assembled(out_dir)
        self.output.finish(key, out_dir, amended, fixes, partial(self._end, key, seen))
        shutil.rmtree(parts, ignore_errors=True)
        self.hooks.written(summary, time.perf_counter() - began)
        summary.seconds = time.perf_counter() - start
        return summary

    def _end(self, key: str, seen: Iterable[str]) -> None:
        """The run's last transaction: its inputs ingested, its batches forgotten."""
        with self.store.transaction():
            self.store.seen.add(list(seen))
            self.store.forget_run(key)


def write_part(path: Path, arts: list[Article], records: list[dict]) -> None:
    """A batch's records, and beside them (``.index``) each one's id, status and error kind:
    what :func:`assemble` needs to copy a record without parsing it."""
    write_batch(path.with_suffix(".index"),
                [[a.id, a.status, a.error.kind if a.error else None] for a in arts])
    write_batch(path, records)


def assemble(parts: list[Path], summary: RunSummary,
             corpus: CorpusStage) -> tuple[set[str], list[dict]]:
    """Join the part files (:func:`write_part`) into ``articles.jsonl``, with the final
    first_report and duplicate_of of the records a later batch changed; the others are
    copied as written (bench/load.py: parsing and writing again every record of 100,000
    took 72 s). Returns the ids written and the records amended."""
    written: set[str] = set()
    amended: list[dict] = []
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
                        if corpus.amend(record):
                            amended.append(record)
                        out.write(record)
                    else:
                        out.write_line(line)
                    written.add(art_id)
    return written, amended


def write_corrections(path: Path, fixes: list[dict]) -> None:
    """What this run changed in records of earlier runs sharing the store (a new
    earlier-dated report or copy); absent when nothing changed."""
    if not fixes:
        path.unlink(missing_ok=True)
        return
    write_batch(path, fixes)
