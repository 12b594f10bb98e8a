"""The runner's batch loop without files, for the Python API (``newsclean.clean_many``).

The same steps as :class:`~cleaners.runner.runner.Runner` — the executor's map step (the
per-article path and the corpus features), then in input order the corpus step and its
store commit, batch by batch — but each batch's records are handed back instead of written
to part files and ``articles.jsonl``. A record's ``first_report`` and ``duplicate_of`` are
as they stood when its batch was committed: a later batch's earlier-dated report or copy
changes them in the store (and in the CLI's ``articles.jsonl``), not in records already
handed back.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from cleaners.config import Config
from cleaners.corpus.stage import CorpusStage
from cleaners.read import RawDoc
from cleaners.record import Article
from cleaners.runner import batched, ignore
from cleaners.runner.executors import InProcess
from cleaners.store import Store


def stream_batches(raws: Iterable[RawDoc], config: Config, store: Store) -> Iterator[list[Article]]:
    """Each batch of ``raws`` (``[run] batch_size`` inputs) cleaned in this process and
    through the corpus step against ``store``, committed, then yielded: a caller that
    stops early keeps everything it was handed in the store, nothing more."""
    corpus = CorpusStage(config, store)
    numbered = enumerate(batched(raws, config.run.batch_size))
    for arts, features in InProcess(config).map(numbered, ignore):
        corpus.add_batch(arts, features)
        corpus.commit()
        yield arts
