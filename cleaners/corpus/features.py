"""What the corpus step needs of a batch that does not depend on the index: MinHash
signatures, story terms, originality shingles and facts. They are pure functions of the articles,
so worker processes (``--jobs``, Dask workers) compute them beside extraction and cleaning,
and the one process that writes the index only looks them up."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cleaners.config import Config
from cleaners.corpus.completeness import facts
from cleaners.corpus.dedupe import Signed, sign_batch
from cleaners.corpus.originality import Shingles, shingles
from cleaners.corpus.stories import batch_terms
from cleaners.corpus.stories.terms import Terms
from cleaners.record import Article


@dataclass
class Features:
    """A batch's features, for its live articles (``live_of``), in order."""

    signed: Signed
    terms: list[Terms]
    grams: list[Shingles]
    facts: list[set[str]]  # names and numbers (completeness)

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
                   [g for p in parts for g in p.grams], [f for p in parts for f in p.facts])


def live_of(arts: list[Article]) -> list[Article]:
    """The articles the corpus step indexes: cleaned without error, with a body."""
    return [a for a in arts if a.status == "ok" and a.body]


def batch_features(arts: list[Article], config: Config) -> Features:
    live = live_of(arts)
    return Features(signed=sign_batch(live, config.dedupe), terms=batch_terms(live, config.stories),
                    grams=[shingles(a.body or "", language=a.language) for a in live],
                    facts=[facts(a.body or "") for a in live])
