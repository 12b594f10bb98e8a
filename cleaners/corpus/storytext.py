"""What the scores need of one story: per word n-gram the earliest member that has it, how
many members carry each fact, and the members' lengths (sorted, for the median)."""
from __future__ import annotations

from bisect import insort
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cleaners.corpus.completeness import facts, key_facts

Rank = tuple[str, int]  # (date, or a sentinel after every date; order seen): earlier sorts first


@dataclass
class StoryText:
    """A story's score data. ``holders`` may hold only the n-grams a batch asks about (the
    store keeps the members' n-gram sets)."""

    holders: dict[int, tuple[Rank, str]] = field(default_factory=dict)
    fact_counts: Counter[str] = field(default_factory=Counter)
    lengths: list[int] = field(default_factory=list)
    key: dict[str, int] | None = None  # key facts, recomputed after the story grows

    def add(self, text: str, text_facts: set[str] | None = None) -> None:
        """Add a member's facts and length (``text_facts``: :func:`facts` of ``text``, when
        computed already); the store finds its n-grams' holders (:func:`holders`)."""
        self.fact_counts.update(facts(text) if text_facts is None else text_facts)
        insort(self.lengths, len(text.split()))
        self.key = None

    def median_words(self) -> float:
        n = len(self.lengths)
        return (self.lengths[(n - 1) // 2] + self.lengths[n // 2]) / 2 if n else 0.0

    def key_facts(self) -> dict[str, int]:
        if self.key is None:
            self.key = key_facts(self.fact_counts, len(self.lengths))
        return self.key

    def source(self, rank: Rank, canonical: str | None, canonical_grams: set[int],
               others: dict[int, tuple[Rank, str]] | None = None
               ) -> Callable[[list[int]], list[str | None]]:
        """Who had each n-gram first before a member of this rank: an earlier member, or the
        earliest of ``others`` (n-gram -> earlier article of any story); else its canonical
        copy."""
        mine, others = self.holders, others or {}

        def first(grams: list[int]) -> list[str | None]:  # one loop: ~700 n-grams an article
            found: list[str | None] = []
            for gram in grams:
                held, other = mine.get(gram), others.get(gram)
                if held is not None and held[0] >= rank:
                    held = None
                if held is None or (other is not None and other[0] < held[0]):
                    held = other
                if held is not None:
                    found.append(held[1])
                else:
                    found.append(canonical if gram in canonical_grams else None)
            return found

        return first


def holders(members: list[tuple[Rank, str]], grams: dict[str, np.ndarray],
            wanted: np.ndarray) -> dict[int, tuple[Rank, str]]:
    """For each wanted n-gram that a member has, the earliest such member (``members``
    sorted by rank, ``grams`` their n-gram arrays)."""
    arrays = [grams.get(art_id, np.zeros(0, np.uint64)) for _, art_id in members]
    if not len(wanted) or not sum(len(a) for a in arrays):
        return {}
    allg = np.concatenate(arrays)
    owner = np.repeat(np.arange(len(arrays)), [len(a) for a in arrays])
    order = np.lexsort((owner, allg))  # by n-gram, then the earliest member
    allg, owner = allg[order], owner[order]
    first = np.r_[True, allg[1:] != allg[:-1]]
    uniq, holder = allg[first], owner[first]
    pos = np.minimum(np.searchsorted(uniq, wanted), len(uniq) - 1)
    hit = uniq[pos] == wanted
    return {g: members[h] for g, h in zip(wanted[hit].tolist(), holder[pos[hit]].tolist())}
