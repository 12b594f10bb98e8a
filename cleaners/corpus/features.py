"""What the corpus step needs of a batch that does not depend on the index: MinHash
signatures, story terms, originality shingles, facts, reuse anchors and the site-template
sketches. They are pure functions of the articles,
so worker processes (``--jobs``, Dask workers) compute them beside extraction and cleaning,
and the one process that writes the index only looks them up (but for the articles whose
bodies its site-template step changed: :func:`refreshed`)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cleaners.config import Config
from cleaners.corpus.align import anchors
from cleaners.corpus.completeness import facts
from cleaners.corpus.dedupe import Signed, sign_batch
from cleaners.corpus.originality import Shingles, shingles
from cleaners.corpus.reuse import winnowed
from cleaners.corpus.stories import batch_terms
from cleaners.corpus.stories.terms import Terms
from cleaners.record import Article
from cleaners.text.templates import Sketch, sketch


@dataclass
class Features:
    """A batch's features, for its live articles (``live_of``), in order."""

    signed: Signed
    terms: list[Terms]
    grams: list[Shingles]
    facts: list[set[str]]  # names and numbers (completeness)
    anchors: list[np.ndarray]  # uint64: what the reuse index files the article under
    marks: list[Sketch]  # the site-template step's sketch of the body (a copy counts once)

    @classmethod
    def joined(cls, parts: list[Features]) -> Features:
        """The features of consecutive parts of a batch, as the whole batch's."""
        rows, offset = [], 0
        for part in parts:
            rows += [offset + r for r in part.signed.rows]
            offset += len(part.terms)  # the part's live articles
        signed = Signed(rows, [k for p in parts for k in p.signed.keys],
                        np.concatenate([p.signed.sigs for p in parts]),
                        [b for p in parts for b in p.signed.bands],
                        [s for p in parts for s in p.signed.sizes])
        return cls(signed, [t for p in parts for t in p.terms],
                   [g for p in parts for g in p.grams], [f for p in parts for f in p.facts],
                   [a for p in parts for a in p.anchors], [m for p in parts for m in p.marks])

    @classmethod
    def picked(cls, rows: list[tuple[Features, int]]) -> Features:
        """The features of a batch whose i-th live article is the ``n``-th of ``source``'s,
        for ``rows[i] = (source, n)``."""
        sources = {id(fx): fx for fx, _ in rows}  # two: the worker's and the refreshed
        where = {(key, r): j for key, fx in sources.items() for j, r in enumerate(fx.signed.rows)}
        signs = [(i, fx.signed, where[id(fx), n]) for i, (fx, n) in enumerate(rows)
                 if (id(fx), n) in where]
        empty = rows[0][0].signed.sigs[:0]
        signed = Signed([i for i, _, _ in signs], [s.keys[j] for _, s, j in signs],
                        np.concatenate([empty] + [s.sigs[j:j + 1] for _, s, j in signs]),
                        [s.bands[j] for _, s, j in signs], [s.sizes[j] for _, s, j in signs])
        return cls(signed, [fx.terms[n] for fx, n in rows], [fx.grams[n] for fx, n in rows],
                   [fx.facts[n] for fx, n in rows], [fx.anchors[n] for fx, n in rows],
                   [fx.marks[n] for fx, n in rows])


def refreshed(features: Features, before: list[Article], arts: list[Article],
              changed: list[Article], config: Config) -> Features:
    """The features of ``arts`` after the bodies of ``changed`` changed: ``features`` were
    computed for ``before`` (the live articles then); the unchanged keep theirs, the
    changed that are still live have theirs computed again."""
    live = live_of(arts)
    if not live:
        return batch_features([], config)
    again = live_of(changed)
    fresh = batch_features(again, config)
    source = {id(art): (features, n) for n, art in enumerate(before)}
    source.update({id(art): (fresh, n) for n, art in enumerate(again)})
    return Features.picked([source[id(art)] for art in live])


def live_of(arts: list[Article]) -> list[Article]:
    """The articles the corpus step indexes: cleaned without error, with a body."""
    return [a for a in arts if a.live]


def batch_features(arts: list[Article], config: Config) -> Features:
    live = live_of(arts)
    grams = [shingles(a.body or "", language=a.language) for a in live]
    return Features(signed=sign_batch(live, config.dedupe), terms=batch_terms(live, config.stories),
                    grams=grams, facts=[facts(a.body or "") for a in live],
                    anchors=[reuse_anchors(g, config) for g in grams],
                    marks=[sketch(a.body or "", config.templates) for a in live])


def reuse_anchors(grams: Shingles, config: Config) -> np.ndarray:
    """The reuse index's keys of an article (:mod:`~cleaners.corpus.reuse`): its winnowed
    5-grams, then its sampled trigrams."""
    return np.array(winnowed(grams.hashes, config.stories.reuse_window)
                    + anchors(grams.sentences, config.originality.trigram_sample),
                    dtype=np.uint64)
