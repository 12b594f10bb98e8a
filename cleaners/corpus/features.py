"""What the corpus step needs of a batch that does not depend on the index: MinHash
signatures, story terms, originality shingles and facts. They are pure functions of the articles,
so worker processes (``--jobs``, Dask workers) compute them beside extraction and cleaning,
and the one process that writes the index only looks them up."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cleaners.config import Config
from cleaners.corpus.completeness import facts
from cleaners.corpus.dedupe import Signed, sign_batch
from cleaners.corpus.originality import Shingles, shingles
from cleaners.corpus.stories import batch_terms
from cleaners.record import Article


@dataclass
class Features:
    """A batch's features, for its live articles (``live_of``), in order."""

    signed: Signed
    terms: list[Counter]
    grams: list[Shingles]
    facts: list[set[str]]  # names and numbers (completeness)


def live_of(arts: list[Article]) -> list[Article]:
    """The articles the corpus step indexes: cleaned without error, with a body."""
    return [a for a in arts if a.status == "ok" and a.body]


def batch_features(arts: list[Article], config: Config) -> Features:
    live = live_of(arts)
    return Features(signed=sign_batch(live, config.dedupe), terms=batch_terms(live, config.stories),
                    grams=[shingles(a.body or "") for a in live],
                    facts=[facts(a.body or "") for a in live])
