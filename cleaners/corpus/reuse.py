"""Reuse across the corpus: the earlier articles, of any story, an article may have taken text
from. Originality (:mod:`.originality`) then locates the passages in them.

A containment index over word 5-grams (Broder 1997) with winnowing (Schleimer et al. 2003):
in each run of ``reuse_window`` consecutive 5-grams the one with the smallest hash is an
anchor, so two texts sharing such a run share an anchor, and each anchor keeps the first
``reuse_postings`` articles that have it. An article's candidates are the earlier articles
(earlier by date, then by order seen) within ``reuse_days`` that share its anchors, the
``reuse_sources`` sharing most first. The postings live in an archive (a store) when one is
given, so memory holds one batch's anchors, not the corpus'.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from cleaners.config import StoriesConfig
from cleaners.corpus.stories import DAY
from cleaners.corpus.storytext import Rank


@dataclass(frozen=True)
class Doc:
    """An article as the reuse index knows it; ``rank[1]`` (the order seen) is its key."""

    id: str
    rank: Rank
    when: float | None


def winnowed(hashes: np.ndarray, window: int) -> list[int]:
    """The smallest hash of every ``window`` consecutive ones (uint64, in text order), sorted."""
    w = min(window, len(hashes))
    if not w:
        return []
    windows = np.lib.stride_tricks.sliding_window_view(hashes, w)
    picked = windows.argmin(axis=1) + np.arange(len(windows))
    return sorted(set(hashes[picked].tolist()))


class ReuseArchive(Protocol):
    def postings(self, anchors: list[int]) -> dict[int, list[int]]:
        """The saved articles (keys) of each anchor that has any, first seen first."""

    def docs(self, keys: list[int]) -> dict[int, Doc]:
        """The saved articles of ``keys``."""


class ReuseIndex:
    """Anchor -> articles postings; reads the saved ones from its archive, hands what a batch
    added to :meth:`pending`."""

    def __init__(self, config: StoriesConfig, archive: ReuseArchive | None = None) -> None:
        self.config, self.archive = config, archive
        self.postings: dict[int, list[int]] = {}  # this batch's anchors (all, without archive)
        self.docs: dict[int, Doc] = {}  # articles added since last saved
        self.changed: set[int] = set()  # anchors that gained an article since then

    def anchors(self, hashes: np.ndarray) -> list[int]:
        """The winnowed 5-grams of an article's 5-gram hashes (uint64, in text order), sorted."""
        return winnowed(hashes, self.config.reuse_window)

    def add_batch(self, batch: list[tuple[Doc, list[int]]]) -> list[list[Doc]]:
        """Index a batch's articles (each with its :meth:`anchors`), then return for each the
        earlier articles it may have reused, most shared anchors first (ties: earlier)."""
        wanted = sorted({a for _, anchors in batch for a in anchors} - set(self.postings))
        if self.archive is not None:
            self.postings.update(self.archive.postings(wanted))
        cap = self.config.reuse_postings
        for doc, anchors in batch:
            self.docs[doc.rank[1]] = doc
            for a in anchors:
                held = self.postings.setdefault(a, [])
                if len(held) < cap:
                    held.append(doc.rank[1])
                    self.changed.add(a)
        ranked = [Counter(chain.from_iterable(map(self.postings.__getitem__, anchors)))
                  .most_common() for _, anchors in batch]
        return self._walks([doc for doc, _ in batch], ranked)

    def _walks(self, docs: list[Doc], ranked: list[list[tuple[int, int]]]) -> list[list[Doc]]:
        """:meth:`_earlier` of each article, reading the saved articles it walks past from
        the archive: those of the first ``4 * reuse_sources`` candidates at once, deeper
        (four times as many) for the few walks that go further. A batch's postings name
        hundreds of articles an article, most of them never walked to."""
        known, asked = dict(self.docs), set(self.docs)
        found: list[list[Doc] | None] = [None] * len(docs)
        depth, todo = 4 * self.config.reuse_sources, list(range(len(docs)))
        while todo:
            wanted = sorted({key for i in todo for key, _ in ranked[i][:depth]} - asked)
            if wanted and self.archive is not None:
                known.update(self.archive.docs(wanted))
            asked.update(wanted)
            for i in todo:
                found[i] = self._earlier(docs[i], ranked[i], known, asked)
            todo, depth = [i for i in todo if found[i] is None], depth * 4
        return [f or [] for f in found]

    def _earlier(self, doc: Doc, ranked: list[tuple[int, int]], known: dict[int, Doc],
                 asked: set[int]) -> list[Doc] | None:
        """The ``reuse_sources`` earlier articles within ``reuse_days`` sharing most anchors
        (ties: the earlier), from ``ranked`` (the articles sharing its anchors, most shared
        first). Articles are tried most shared first, and the walk stops below the count of
        the last one needed: a thousand postings an article (bench/load.py) name a few
        hundred articles, most sharing one anchor. None when the walk reaches an article not
        read yet (``asked``: those read or looked for)."""
        span, need = self.config.reuse_days * DAY, self.config.reuse_sources
        found: list[tuple[int, Doc]] = []
        floor = 0
        for key, count in ranked:
            if count < floor:
                break
            if key not in asked:
                return None
            other = known[key]
            if other.rank < doc.rank and (doc.when is None or other.when is None
                                          or doc.when - other.when <= span):
                found.append((count, other))
                if len(found) == need:
                    floor = count
        found.sort(key=lambda cd: (-cd[0], cd[1].rank))
        return [other for _, other in found[:need]]

    def pending(self) -> tuple[dict[int, list[int]], list[Doc]]:
        """The anchors and articles added since the last call, for an archive to save."""
        changed = {a: self.postings[a] for a in sorted(self.changed)}
        docs = list(self.docs.values())
        if self.archive is not None:
            self.postings, self.docs = {}, {}
        self.changed = set()
        return changed, docs
