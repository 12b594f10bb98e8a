"""Originality: the share of an article's own text that no earlier report already had.

Asymmetric containment of word n-grams (shared n-grams / the article's n-grams) against the
earlier articles that had them (its story's earlier members, its canonical copy, and the
earlier articles of any story the reuse index (:mod:`.reuse`) names), not Jaccard: a Jaccard threshold misses
partial reuse when the derived text is much shorter than its source.

Exact 5-grams miss heavy rewrites (sentences paraphrased and reordered, a third to a half of
the words changed), which keep few of them. So the earlier articles that hold any of the
article's 5-grams are candidate sources, and each sentence of the article is also aligned to
the candidates' sentences by word trigrams (:mod:`.align`): a sentence one of them holds
enough trigrams of counts as reused from it, beside the exact passages.

Quoted speech is common source material: when all outlets quote the same minister, the
quote is neither reuse of an earlier report nor the article's own writing. N-grams inside
quotation marks are left out of both counts; an article made only of quotes scores 1.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xxhash

from cleaners.config import OriginalityConfig
from cleaners.corpus.align import Sentences, aligned, sentences
from cleaners.corpus.stories.terms import stop_words

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
    sentences: Sentences  # sentence-coded trigrams, for alignment

    def own(self) -> set[int]:
        """The n-grams outside quotations."""
        return set(self.hashes[~self.quoted].tolist())


def shingles(text: str, n: int = 5, language: str | None = None) -> Shingles:
    """``language`` picks the stop words that trigrams for alignment need besides."""
    words = [(m.group(0).lower(), m.start(), m.end()) for m in WORD.finditer(text)]
    lowered = [w for w, _, _ in words]
    starts = np.fromiter((a for _, a, _ in words), dtype=np.int64, count=len(words))
    ends = np.fromiter((b for _, _, b in words), dtype=np.int64, count=len(words))
    count = max(len(words) - n + 1, 0)
    hashes = np.fromiter((xxhash.xxh64_intdigest(" ".join(lowered[i:i + n]).encode())
                          for i in range(count)), dtype=np.uint64, count=count)
    spans = np.stack([starts[:count], ends[n - 1:n - 1 + count]], axis=1).reshape(-1, 2)
    quotes = [(m.start(1), m.end(1)) for m in QUOTED.finditer(text)]
    trigrams = max(len(words) - 2, 0)
    in_quote = _inside(quotes, starts[:trigrams], ends[2:2 + trigrams])
    return Shingles(hashes, spans, _inside(quotes, spans[:, 0], spans[:, 1]),
                    sentences(text, words, in_quote, stop_words(language)))


def _inside(quotes: list[tuple[int, int]], starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Whether each character span lies inside one of ``quotes`` (in text order, apart):
    only the last quotation opening at or before a span's start can hold it."""
    if not quotes:
        return np.zeros(len(starts), dtype=bool)
    opens, closes = np.array(quotes, dtype=np.int64).T
    last = np.searchsorted(opens, starts, side="right") - 1
    return (last >= 0) & (ends <= closes[np.maximum(last, 0)])


Source = Callable[[list[int]], "list[str | None]"]  # n-grams -> the earliest earlier holders
Codes = Callable[[list[str]], "dict[str, np.ndarray]"]  # ids -> their sentence-coded trigrams


def originality(text: str, mine: Shingles, source: Source, min_passage: int = 2,
                codes: Codes | None = None, config: OriginalityConfig = OriginalityConfig(),
                found: list[str] = ()) -> tuple[float, list[dict]]:
    """(score, reused passages) of an article; ``source(grams)`` names for each n-gram the
    earliest earlier report that has it, or None; ``codes(ids)`` gives earlier reports'
    :attr:`Sentences.codes` for alignment (none without it), with them and ``found`` (the
    earlier reports the reuse index found) as candidates.

    A reused passage is a run of consecutive unquoted n-grams found in one earlier report, or
    lying in sentences aligned to one; exact runs shorter than ``min_passage`` n-grams are
    chance phrase matches and are ignored.
    """
    own = np.flatnonzero(~mine.quoted).tolist()
    if not own:
        return 1.0, []
    source_of = dict(zip(own, source(mine.hashes[own].tolist())))
    marked = {i: src for start, end, src in _runs(own, source_of, min_passage)
              for i in range(start, end + 1)}
    if codes is not None:
        for i, src in _rewritten(mine, source_of, codes, config, found).items():
            marked.setdefault(i, src)
    passages = list(_runs(own, marked, 1))
    reused = sum(end - start + 1 for start, end, _ in passages)
    score = round(1.0 - reused / len(own), 4)
    return score, [_passage(text, mine, start, end, src, len(own)) for start, end, src in passages]


def _rewritten(mine: Shingles, source_of: dict[int, str | None], codes: Codes,
               config: OriginalityConfig, found: list[str]) -> dict[int, str]:
    """The n-grams (positions) lying in sentences aligned to one candidate source, with it
    (an n-gram across two sentences aligned to it too).
    Candidates are the earlier reports holding most of the article's 5-grams, then those the
    reuse index found (by shared trigram anchors, say) in its order; a sentence aligned to
    several goes to the one holding most of its trigrams (ties: the one ranked first)."""
    held = Counter(src for src in source_of.values() if src is not None)
    ranked = list(dict.fromkeys([src for src, _ in held.most_common()] + list(found)))
    ranked = ranked[:config.align_sources]
    if not ranked:
        return {}
    mine_codes, theirs = mine.sentences.own(), codes(ranked)
    best: dict[int, tuple[int, str]] = {}
    for src in ranked:
        matched = aligned(mine_codes, theirs.get(src, np.zeros(0, np.uint64)),
                          config.sentence_share, config.sentence_hits)
        for sent, hits in matched.items():
            if hits > best.get(sent, (0, ""))[0]:
                best[sent] = (hits, src)
    if not best:
        return {}
    starts = mine.sentences.spans[:, 0]
    first = np.searchsorted(starts, mine.spans[:, 0], side="right") - 1
    last = np.searchsorted(starts, mine.spans[:, 1] - 1, side="right") - 1
    src = {s: best[s][1] for s in best}
    return {i: src[a] for i, (a, b) in enumerate(zip(first.tolist(), last.tolist()))
            if a in src and src[a] == src.get(b)}


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
