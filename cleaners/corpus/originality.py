"""Originality: the share of an article's own text that no earlier report already had.

Asymmetric containment of word n-grams (shared n-grams / the article's n-grams) against the
earlier articles that had them (its story's earlier members, its canonical copy, and the
earlier articles of any story the reuse index (:mod:`.reuse`) names), not Jaccard: a Jaccard threshold misses
partial reuse when the derived text is much shorter than its source.

Quoted speech is common source material: when all outlets quote the same minister, the
quote is neither reuse of an earlier report nor the article's own writing. N-grams inside
quotation marks are left out of both counts; an article made only of quotes scores 1.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xxhash

WORD = re.compile(r"\w+", re.UNICODE)
QUOTED = re.compile(r"[\"\u201c\u201e\u00ab]([^\"\u201c\u201d\u201e\u00ab\u00bb]{1,2000})[\"\u201d\u00bb]")


@dataclass(frozen=True, eq=False)  # arrays: == would compare element-wise
class Shingles:
    """An article's word n-grams: hashes in text order with character spans, quotes flagged.
    numpy arrays, not tuples of ints: a batch's shingles travel from a worker and wait in
    the queue (tuples took ~140 bytes an n-gram, these 17)."""

    hashes: np.ndarray  # uint64, one per n-gram
    spans: np.ndarray  # int64 (n, 2): start and end character of each n-gram
    quoted: np.ndarray  # bool: the n-gram lies inside a quotation

    def own(self) -> set[int]:
        """The n-grams outside quotations."""
        return set(self.hashes[~self.quoted].tolist())


def shingles(text: str, n: int = 5) -> Shingles:
    words = [(m.group(0).lower(), m.start(), m.end()) for m in WORD.finditer(text)]
    quotes = [(m.start(1), m.end(1)) for m in QUOTED.finditer(text)]
    hashes, spans, quoted = [], [], []
    for i in range(len(words) - n + 1):
        gram = words[i:i + n]
        start, end = gram[0][1], gram[-1][2]
        hashes.append(xxhash.xxh64_intdigest(" ".join(w for w, _, _ in gram).encode()))
        spans.append((start, end))
        quoted.append(any(qs <= start and end <= qe for qs, qe in quotes))
    return Shingles(np.array(hashes, dtype=np.uint64),
                    np.array(spans, dtype=np.int64).reshape(-1, 2), np.array(quoted, dtype=bool))


Source = Callable[[list[int]], "list[str | None]"]  # n-grams -> the earliest earlier holders


def originality(text: str, mine: Shingles, source: Source,
                min_passage: int = 2) -> tuple[float, list[dict]]:
    """(score, reused passages) of an article; ``source(grams)`` names for each n-gram the
    earliest earlier report that has it, or None.

    A reused passage is a run of consecutive unquoted n-grams found in one earlier report;
    runs shorter than ``min_passage`` n-grams are chance phrase matches and are ignored.
    """
    own = np.flatnonzero(~mine.quoted).tolist()
    if not own:
        return 1.0, []
    source_of = dict(zip(own, source(mine.hashes[own].tolist())))
    passages = list(_runs(own, source_of, min_passage))
    reused = sum(end - start + 1 for start, end, _ in passages)
    score = round(1.0 - reused / len(own), 4)
    return score, [_passage(text, mine, start, end, src, len(own)) for start, end, src in passages]


def _runs(own: list[int], source_of: dict[int, str | None], min_len: int):
    """Maximal runs of consecutive n-gram positions with a source, split at source changes."""
    start = prev = None
    for i in own + [None]:
        src = source_of.get(i) if i is not None else None
        if start is not None and (i is None or src is None or i != prev + 1
                                  or src != source_of[start]):
            if prev - start + 1 >= min_len:
                yield start, prev, source_of[start]
            start = None
        if i is not None and src is not None and start is None:
            start = i
        prev = i


def _passage(text: str, mine: Shingles, start: int, end: int, source: str, total: int) -> dict:
    a, b = int(mine.spans[start, 0]), int(mine.spans[end, 1])
    return {"source_id": source, "start": a, "end": b, "text": text[a:b],
            "share": round((end - start + 1) / total, 4)}
