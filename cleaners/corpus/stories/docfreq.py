"""Document frequencies of every term ever seen, for the stories' IDF, in two numpy arrays.

A long stream sees millions of distinct terms (word pairs, names, figures): as a Python dict
that is ~150 bytes a term, and as rows of an indexed table every batch pays a B-tree lookup
and an update per term (bench/load.py: ~1.5 s a batch of 500). Here a term is its 64-bit
xxhash (collisions: ~1 in 10^7 at 10^6 terms, and one only blurs two IDFs), the hashes are
kept sorted beside their counts (12 bytes a term), a lookup is a vectorised binary search
and a batch is merged in one pass. What a batch added is a *delta* (its terms' hashes and
increments); a store saves the deltas and sums them when it loads, the way an LSM tree
keeps its runs, and compacts them into one when they pile up.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import xxhash

KEY, COUNT = np.uint64, np.int32


def term_keys(terms: Iterable[str]) -> np.ndarray:
    """The 64-bit hash of each term, in order."""
    return np.fromiter((xxhash.xxh64_intdigest(t.encode()) for t in terms), dtype=KEY)


class Delta:
    """Sorted unique term hashes and what a batch adds to their counts."""

    def __init__(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self.keys, self.counts = keys, counts

    @classmethod
    def of(cls, increments: Counter) -> Delta:
        keys = term_keys(increments)
        counts = np.fromiter(increments.values(), dtype=COUNT, count=len(increments))
        return cls.summed([keys], [counts])

    @classmethod
    def summed(cls, keys: list[np.ndarray], counts: list[np.ndarray]) -> Delta:
        """Several deltas (or one with repeated keys) as one."""
        if not keys:
            return cls(np.empty(0, KEY), np.empty(0, COUNT))
        unique, inverse = np.unique(np.concatenate(keys), return_inverse=True)
        return cls(unique, np.bincount(inverse, weights=np.concatenate(counts),
                                       minlength=len(unique)).astype(COUNT))

    def to_bytes(self) -> tuple[bytes, bytes]:
        return self.keys.tobytes(), self.counts.tobytes()

    @classmethod
    def from_bytes(cls, keys: bytes, counts: bytes) -> Delta:
        return cls(np.frombuffer(keys, dtype=KEY), np.frombuffer(counts, dtype=COUNT))


class DocFreq:
    """Counts of all terms seen: :meth:`get` many at once, :meth:`merge` a batch's delta."""

    def __init__(self, base: Delta | None = None) -> None:
        base = base or Delta.summed([], [])
        self.keys, self.counts = base.keys.copy(), base.counts.copy()

    def __len__(self) -> int:
        return len(self.keys)

    def get(self, terms: list[str]) -> dict[str, int]:
        """The counts of the ``terms`` seen so far (absent: never seen)."""
        if not terms or not len(self.keys):
            return {}
        keys = term_keys(terms)
        pos = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        hit = self.keys[pos] == keys
        counts = self.counts[pos]
        return {t: int(counts[i]) for i, t in enumerate(terms) if hit[i]}

    def merge(self, delta: Delta) -> None:
        """Add a batch's increments: known terms in place, new ones inserted in order."""
        if not len(delta.keys):
            return
        pos = np.searchsorted(self.keys, delta.keys)
        known = pos < len(self.keys)
        known[known] = self.keys[pos[known]] == delta.keys[known]
        np.add.at(self.counts, pos[known], delta.counts[known])
        new = ~known
        self.keys = np.insert(self.keys, pos[new], delta.keys[new])
        self.counts = np.insert(self.counts, pos[new], delta.counts[new])

    def whole(self) -> Delta:
        """All counts as one delta (what compaction saves)."""
        return Delta(self.keys, self.counts)
