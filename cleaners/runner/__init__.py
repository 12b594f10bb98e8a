"""One batch runner under the CLI and the flows.

:class:`~cleaners.runner.runner.Runner` owns the batch loop: read the inputs in batches,
skip those a killed run of the same key committed (resume), hand the rest to an executor
for the map step (the per-article path and the corpus features), then in this process, in
input order, the corpus step, the batch's part file and its store commit, and at the end
``articles.jsonl`` assembled from the parts. Executors: :class:`~cleaners.runner.executors.
InProcess`, :class:`~cleaners.runner.executors.ForkPool` (``--jobs``) and, in ``flows/``,
Prefect tasks on any task runner (Dask included). :class:`Hooks` tell a caller of progress
(the CLI's bar, the flows' artifacts).

One layout for every caller: under a root (the CLI's output, the flows' reports folder) the
work directory ``.newsclean/`` holds the default store, ``index.sqlite``; under a run's
output, ``.newsclean/batches/<key>/`` holds its finished batches, ``NNNNNN.jsonl`` with an
``NNNNNN.index`` beside each. (Hidden, so that an output inside the inputs is never read.)

This module imports nothing heavy: the flows import it on every run, most of which have
nothing new to clean.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cleaners.config import Config

if TYPE_CHECKING:
    from cleaners.record import Article

T = TypeVar("T")
WORK = ".newsclean"
OnInputs = Callable[[int], None]  # n more inputs done (cleaned, or kept from a resumed run)


def store_path(config: Config, root: str | Path) -> str:
    """``[store] path``, else ``ROOT/.newsclean/index.sqlite``."""
    return config.store.path or str(Path(root) / WORK / "index.sqlite")


def parts_dir(out_dir: Path, key: str) -> Path:
    """Where run ``key`` keeps its finished batches until ``articles.jsonl`` is written."""
    return Path(out_dir) / WORK / "batches" / key


def part_path(parts: Path, n: int) -> Path:
    return parts / f"{n:06d}.jsonl"


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def ignore(*_: object) -> None:
    """A hook that does nothing."""


@dataclass
class Hooks:
    """What a caller hears of a run. ``inputs(n)``: n more inputs done (a resumed run's kept
    inputs first, at once); ``batch(n, records, seconds)``: batch ``n`` committed, after
    ``seconds`` of corpus step, part file and commit; ``assembled(out_dir)``:
    ``articles.jsonl`` and ``corrections.jsonl`` are written, the output not yet
    published (the report goes here, so that an object store gets it too);
    ``written(summary, seconds)``: the run ended, its output written in ``seconds``."""

    inputs: OnInputs = ignore
    batch: Callable[[int, list[Article], float], None] = ignore
    assembled: Callable[[Path], object] = ignore
    written: Callable[[RunSummary, float], None] = ignore


@dataclass
class RunSummary:
    out: Path
    total: int = 0
    by_status: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)  # (status, kind) of records not ok -> count
    seconds: float = 0.0
    resumed_batches: int = 0

    def add(self, status: str, error_kind: str | None) -> None:
        """Count one record as the report does (``cleaners.report.stats``): a record not ok
        under its own status, with its kind (else its status), so a skipped PNG is never
        counted as an error."""
        self.total += 1
        self.by_status[status] += 1
        if status != "ok":
            self.kinds[(status, error_kind or status)] += 1
