"""Where a run's records go: a local directory (the default), an object store through fsspec
(``s3://bucket/prefix``) or a PostgreSQL table (``postgresql://...``), behind one small
interface the runner (:mod:`cleaners.runner.runner`) calls, so the CLI, the flows and the
library get every kind through the one runner.

Every run first writes its files locally as it always has (batches, ``articles.jsonl``,
``corrections.jsonl``, the report) into its output directory, which for a remote output is
a work directory: that is what a killed run resumes from. An :class:`Output` then hears of
two moments, each given the store's commit to wrap:

- ``batch(run, records, commit)``: a batch is cleaned and indexed; ``commit()`` saves its
  index changes and marks it finished. PostgreSQL writes the batch's rows in that same
  transaction when the store is the same database, else in its own just before it.
- ``finish(run, out_dir, amended, corrections, commit)``: ``articles.jsonl`` and the report
  are written; ``commit()`` ends the run in the store. Objects are uploaded whole first (a
  failed upload leaves the run unfinished, so a rerun resumes it); PostgreSQL updates the
  rows a later batch amended and the earlier runs' rows this run corrected.

A store that refuses or cannot be reached raises :class:`~cleaners.write.OutputError` with
the reason. This package imports nothing of the corpus.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cleaners.write import OutputError

if TYPE_CHECKING:
    from cleaners.store import Store

POSTGRES = ("postgresql://", "postgres://")
Commit = Callable[[], None]

__all__ = ["POSTGRES", "Commit", "Output", "OutputError", "is_remote", "open_output",
           "run_url", "work_dir", "written_to"]


class Output(Protocol):
    shown: str  # where the records go, for messages (no password)

    def batch(self, run: str, records: list[dict], commit: Commit) -> None: ...
    def finish(self, run: str, out_dir: Path, amended: list[dict], corrections: list[dict],
               commit: Commit) -> None: ...
    def close(self) -> None: ...


def is_remote(url: str | Path) -> bool:
    """A URL with a scheme (``s3://``, ``postgresql://``): not a local directory."""
    return "://" in str(url)


def run_url(url: str, run: str) -> str:
    """A flow run's own place under ``[output] url``: ``URL/<run>`` for objects; a
    PostgreSQL table holds every run's rows (the ``run`` column), local is ``""``."""
    if not url or url.startswith(POSTGRES):
        return url
    return url.rstrip("/") + "/" + run


def written_to(url: str | Path) -> str:
    """Where a run to ``url`` wrote its records, for people (no password)."""
    url = str(url)
    if url.startswith(POSTGRES):
        from cleaners.store.backend import shown_url

        return f"{shown_url(url)} (table articles)"
    if is_remote(url):
        return f"{url.rstrip('/')}/articles.jsonl"
    return str(Path(url) / "articles.jsonl")


def work_dir(url: str, root: Path = Path(".newsclean") / "outputs") -> Path:
    """The local directory a remote output's run writes first and resumes from: one per URL
    (named by the URL's scheme and a hash, never its password), under ``root``."""
    scheme = str(url).split("://", 1)[0]
    return root / f"{scheme}-{hashlib.sha1(str(url).encode()).hexdigest()[:12]}"


def open_output(url: str | Path, store: Store) -> Output:
    """The output for ``url``: local for a path (or ``""``), PostgreSQL for
    ``postgresql://``, else an fsspec filesystem (an unknown scheme is an OutputError)."""
    url = str(url)
    if url.startswith(POSTGRES):
        from cleaners.output.postgres import PostgresOutput

        return PostgresOutput(url, store)
    if is_remote(url):
        from cleaners.output.objectstore import ObjectOutput

        return ObjectOutput(url)
    from cleaners.output.local import LocalOutput

    return LocalOutput(url)
