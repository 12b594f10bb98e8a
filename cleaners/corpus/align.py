"""Sentence alignment for originality: which sentences of an article one earlier article's
sentences were rewritten into.

A heavy rewrite (sentences paraphrased and reordered, a third to a half of the words changed)
keeps few exact word 5-grams: a 5-gram survives 45% of its words changed with p ~ 0.55^5 ~
0.05. A rewritten sentence still comes from one source sentence, though, and keeps about
0.55^3 ~ 1/6 of its word trigrams, most of them in that one sentence; an independent report of
the same event shares a name or a title ("prime minister narendra") with a sentence here and
there, rarely several trigrams of one sentence with one sentence. So each sentence of the
article is aligned to the sentence of a candidate source holding most of its trigrams, and
counts as reused when that sentence holds enough of them (:class:`~cleaners.config.OriginalityConfig`).

A trigram counts only when one of its words is a plain content word as written: lower-case,
letters, not a stop word. Trigrams of stop words ("one of the", "as well as") are in every
text, and trigrams of names, titles and figures with stop words ("Prime Minister Narendra",
"of the SCO", "on 8 July") are what independent reports of one event share by necessity:
with them, seed 002 (an independent report) scored 0.66 original against seed 001. Each trigram hash carries its sentence's number in its low ``SENT_BITS`` bits,
so an article's trigrams are one uint64 array, the form the store keeps n-gram sets in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import xxhash

SENT_BITS = 12  # sentence numbers 0-4095; later sentences share the last number
MASK = np.uint64((1 << SENT_BITS) - 1)
SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|\n+")
SEED = 3  # trigram hashes apart from the 5-gram hashes (seed 0)

Word = tuple[str, int, int]  # lower-cased word, start and end character


@dataclass(frozen=True, eq=False)  # arrays: == would compare element-wise
class Sentences:
    """An article's sentence-coded trigrams and its sentences' character spans."""

    codes: np.ndarray  # uint64: trigram hash, low SENT_BITS replaced by its sentence's number
    quoted: np.ndarray  # bool: the trigram lies inside a quotation
    spans: np.ndarray  # int64 (k, 2): start and end character of each sentence

    def own(self) -> np.ndarray:
        """The distinct codes outside quotations (what the article itself wrote)."""
        return np.unique(self.codes[~self.quoted])


def sentences(text: str, words: list[Word], quoted: list[bool], stops: frozenset[str]
              ) -> Sentences:
    """``words`` of ``text`` in order, ``quoted[i]``: whether trigram i lies in a quotation."""
    ends = np.array([m.end() for m in SENTENCE.finditer(text)], dtype=np.int64)
    starts = np.array([s for _, s, _ in words], dtype=np.int64)
    number = np.unique(np.searchsorted(ends, starts, side="right"), return_inverse=True)[1]
    plain = np.fromiter((w not in stops and w.isalpha() and not text[a].isupper()
                         for w, a, _ in words), dtype=bool, count=len(words))
    # trigram i: one sentence, one plain word at least
    kept = np.flatnonzero((number[:-2] == number[2:]) & (plain[:-2] | plain[1:-1] | plain[2:]))
    lowered = [w for w, _, _ in words]
    hashes = np.fromiter((xxhash.xxh64_intdigest(" ".join(lowered[i:i + 3]).encode(), seed=SEED)
                          for i in kept.tolist()), dtype=np.uint64, count=len(kept))
    codes = (hashes & ~MASK) | np.minimum(number[kept].astype(np.uint64), MASK)
    spans = [(words[first][1], words[last][2]) for first, last in _bounds(number)]
    return Sentences(codes, np.asarray(quoted, dtype=bool)[kept],
                     np.array(spans, dtype=np.int64).reshape(-1, 2))


def anchors(sents: Sentences, sample: int) -> list[int]:
    """The article's trigrams (sentence numbers dropped) whose hash is 0 modulo ``sample``:
    picked by value, so two texts sharing k trigrams share ~k/sample of these anchors however
    the trigrams are scattered (winnowing guarantees one only for a contiguous run)."""
    grams = np.unique(sents.codes & ~MASK)
    return grams[(grams >> np.uint64(SENT_BITS)) % np.uint64(sample) == 0].tolist()


def _bounds(number: np.ndarray) -> list[tuple[int, int]]:
    """First and last word index of each sentence (``number``: sentence of each word)."""
    if not len(number):
        return []
    cut = np.flatnonzero(np.diff(number)) + 1
    firsts = np.r_[0, cut]
    return list(zip(firsts.tolist(), (np.r_[cut, len(number)] - 1).tolist()))


def aligned(mine: np.ndarray, theirs: np.ndarray, share: float, min_hits: int
            ) -> dict[int, int]:
    """The sentences of an article (``mine``: its :meth:`Sentences.own` codes) that one
    sentence of another article (``theirs``: its codes) holds >= ``share`` of the trigrams
    of, and >= ``min_hits`` of them: sentence number -> trigrams held."""
    if len(theirs) > 1 and not (theirs[1:] > theirs[:-1]).all():  # the store's are sorted
        theirs = np.unique(theirs)
    if not len(mine) or not len(theirs):
        return {}
    keys, their_keys = mine >> np.uint64(SENT_BITS), theirs >> np.uint64(SENT_BITS)
    lo = np.searchsorted(their_keys, keys, side="left")
    hits = np.searchsorted(their_keys, keys, side="right") - lo
    if not hits.any():
        return {}
    mine_at = np.repeat(np.arange(len(mine)), hits)
    their_at = np.repeat(lo - np.r_[0, np.cumsum(hits)[:-1]], hits) + np.arange(hits.sum())
    pairs = ((mine[mine_at] & MASK) << np.uint64(SENT_BITS)) | (theirs[their_at] & MASK)
    pairs, counts = np.unique(pairs, return_counts=True)
    sent = (pairs >> np.uint64(SENT_BITS)).astype(np.int64)
    size = np.bincount((mine & MASK).astype(np.int64))
    best: dict[int, int] = {}
    for s, c in zip(sent.tolist(), counts.tolist()):
        if c >= max(min_hits, share * size[s]) and c > best.get(s, 0):
            best[s] = c
    return best
