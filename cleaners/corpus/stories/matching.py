"""How an article is compared with a story: cosine of its unit TF-IDF vector with the
story's IDF-weighted centroid, found through postings of heavy terms, against a threshold
that depends on what is compared (two headlines, a headline and a body, two bodies)."""
from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from itertools import repeat
from operator import mul

from cleaners.config import StoriesConfig
from cleaners.corpus.stories.docfreq import DocFreq
from cleaners.corpus.stories.model import DAY, Story
from cleaners.corpus.stories.pairwise import (PairModel, Parts, features, field_norms,
                                               load_pair_model, split)
from cleaners.corpus.stories.postings import Postings


def unit(vec: dict[str, float]) -> dict[str, float]:
    """``vec`` scaled to unit length."""
    norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
    return {t: x / norm for t, x in vec.items()}


class Idf(dict):
    """This batch's smoothed IDF by term, as in scikit-learn: ln((1 + N) / (1 + df)) + 1,
    computed when first asked for (a dict, so hot loops index it at C speed). ``known`` is a
    cache of the document frequencies, kept across batches for the terms in use: reading
    them from ``freq`` means hashing each term."""

    def __init__(self, freq: DocFreq, docs: int, known: dict[str, int]) -> None:
        super().__init__()
        self.freq, self.known, self.top = freq, known, math.log(1 + docs) + 1.0

    def fill(self, terms: Iterable[str]) -> None:
        """Read the document frequencies of ``terms`` not cached yet, many at a time."""
        known = self.known
        missing = [t for t in terms if t not in known]
        if missing:
            counts = self.freq.get(missing)
            known.update((t, counts.get(t, 0)) for t in missing)

    def __missing__(self, term: str) -> float:
        if term not in self.known:
            self.fill([term])
        value = self[term] = self.top - math.log(1 + self.known[term])
        return value


class Matcher:
    """Similarities between articles and the stories in memory, for one batch's IDF."""

    def __init__(self, config: StoriesConfig, stories: dict[str, Story], postings: Postings,
                 idf: Idf) -> None:
        self.config, self.stories, self.postings, self.idf = config, stories, postings, idf
        self.sq: dict[str, float] = {}  # squared IDF-weighted centroid norms, this batch's IDF
        self.model: PairModel | None = (load_pair_model(config.model_path)
                                        if config.pair_model else None)
        self.fsq: dict[str, dict[str, float]] = {}  # field norms of stories, this batch's IDF
        self._parts: tuple[dict[str, float] | None, Parts | None] = (None, None)

    def weigh(self, tf: dict[str, float]) -> dict[str, float]:
        """A unit TF-IDF vector from unit term frequencies."""
        return unit(self.weighted(tf))

    def norm(self, story: Story) -> float:
        """Length of the story's IDF-weighted centroid. Computed in full once per batch (the
        IDF changes between batches) and then kept up to date member by member."""
        sq = self.sq.get(story.id)
        if sq is None:
            self.idf.fill(story.centroid)
            idf = self.idf
            centroid = story.centroid  # sum((v * idf[t]) ** 2), at C speed
            sq = self.sq[story.id] = sum(map(pow, map(mul, centroid.values(),
                                                      map(idf.__getitem__, centroid)),
                                             repeat(2)))
        return math.sqrt(sq) or 1.0

    def sq_after(self, story: Story, tf: dict[str, float], sign: float) -> float:
        """The squared norm the story would have with ``tf`` added (+1) or removed (-1)."""
        sq = self.norm(story) ** 2
        idf, centroid = self.idf, story.centroid
        for term, v in tf.items():
            old = centroid.get(term, 0.0)
            new = old + sign * v
            sq += (new * new - old * old) * idf[term] ** 2
        return max(sq, 0.0)

    def weighted(self, vec: dict[str, float]) -> dict[str, float]:
        """``vec`` times this batch's IDF: what a centroid is multiplied with in a cosine."""
        idf = self.idf
        return {t: v * idf[t] for t, v in vec.items()}

    def heavy(self, weights: dict[str, float]) -> list[tuple[str, float]]:
        """The ``candidate_terms`` heaviest terms of ``weights``, each with its weight times
        the IDF (what it adds to a partial cosine): what stories are found by."""
        idf = self.idf
        top = heapq.nlargest(self.config.candidate_terms, weights.items(),
                             key=lambda tw: (tw[1], tw[0]))
        return [(t, w * idf[t]) for t, w in top]

    def candidates(self, top: list[tuple[str, float]], when: float | None,
                   extra: tuple[float | None, ...] = (), skip: str | None = None) -> list[str]:
        """The open stories most likely to be the most similar, best first: scored on the
        ``candidate_terms`` heaviest terms only (``top``: :meth:`heavy`), then the best
        ``rerank`` get an exact cosine. A headline has fewer terms than that, so its scores
        are exact; for a full text the heavy terms (names, rare words) decide, and walking
        the postings of common words would cost time in proportion to the whole index.
        Once ``accumulators`` stories have a score, a term held by more stories than that
        only adds to the scores there are (Moffat and Zobel's *continue* strategy, 1996)."""
        times = (when, *extra)
        undated = None in times  # an undated article or story end meets every story
        stories, most = self.stories, self.config.accumulators
        partial: dict[str, float] = {}
        shut: set[str] = set()  # met already and not a candidate (closed, empty or skipped)
        for term, weight in top:
            posting = self.postings.get(term)
            if len(partial) >= most and len(posting) > most:
                for sid in partial:
                    if sid in posting:
                        partial[sid] += weight * stories[sid].centroid.get(term, 0.0)
                continue
            for sid in posting:
                got = partial.get(sid)
                if got is None:
                    if sid in shut:
                        continue
                    story = stories.get(sid)
                    if story is None or story.count <= 0 or sid == skip or not (
                            undated or any(story.open_at(w, self.window(story))
                                           for w in times)):
                        shut.add(sid)
                        continue
                    got = 0.0
                else:
                    story = stories[sid]
                partial[sid] = got + weight * story.centroid.get(term, 0.0)
        ranked = [(-got / self._rank_norm(sid), sid) for sid, got in partial.items()]
        return [sid for _, sid in heapq.nsmallest(self.config.rerank, ranked)]

    def window(self, story: Story) -> float:
        """Seconds past its date range a story stays open: ``long_window_days`` once two
        reports hold it, else ``window_days``."""
        c = self.config
        return (c.long_window_days if story.count >= 2 else c.window_days) * DAY

    def _rank_norm(self, sid: str) -> float:
        """The norm that ranks candidates: this batch's when known, else the one saved when
        the story last changed (the IDF drifts little between batches, and the exact
        cosines of the best ``rerank`` use this batch's): computing every candidate's norm
        afresh each batch cost bench/load.py 10% of the corpus step."""
        sq = self.sq.get(sid)
        if sq is None:
            sq = self.stories[sid].sq
        return (math.sqrt(sq) or 1.0) if sq is not None else self.norm(self.stories[sid])

    def cosine(self, wvec: dict[str, float], story: Story) -> float:
        """Cosine of an article (``wvec``: :meth:`weighted` of its unit vector) with a story."""
        norm = self.norm(story)
        centroid = story.centroid
        if len(centroid) < len(wvec):  # sum(v * wvec.get(t, 0.0)), at C speed
            dot = sum(map(mul, centroid.values(), map(wvec.get, centroid, repeat(0.0))))
        else:
            dot = sum(map(mul, wvec.values(), map(centroid.get, wvec, repeat(0.0))))
        return dot / norm

    def best_match(self, wvec: dict[str, float], top: list[tuple[str, float]],
                   when: float | None, words: int,
                   skip: str | None = None) -> tuple[Story | None, float]:
        """The open story ``wvec`` (``top``: its heaviest terms) most likely belongs to among
        those it may join (ties: the older story), ``skip`` left out, with its score."""
        best: Story | None = None
        best_score = 0.0
        for sid in self.candidates(top, when, skip=skip):
            story = self.stories[sid]
            joins, score = self.judge(wvec, when, words, story)
            if not joins:
                continue
            if score > best_score or (score == best_score and best is not None and sid < best.id):
                best, best_score = story, score
        return best, best_score

    def learned(self, words: int) -> bool:
        """Whether the pairwise model judges a report of ``words`` content words: a full
        text (>= ``long_words``); headlines keep the cosine thresholds."""
        return self.model is not None and words >= self.config.long_words

    def judge(self, wvec: dict[str, float], when: float | None, words: int,
              story: Story) -> tuple[bool, float]:
        """(may join, score) of a report against a story: the pairwise model's probability
        for a full text, else the cosine against the threshold for what is compared."""
        sim = self.cosine(wvec, story)
        if not self.learned(words):
            return sim >= self.need(words, story), sim
        sq = self.fsq.get(story.id)
        if sq is None:
            sq = self.fsq[story.id] = field_norms(story, self.idf)
        p = self.model.probability(features(self.parts(wvec), when, words, story, self.idf,
                                            sim, sq))
        return p >= 0.5, p

    def parts(self, wvec: dict[str, float]) -> Parts:
        """:func:`split` of ``wvec``, kept while the same report is being compared."""
        held, parts = self._parts
        if held is not wvec or parts is None:
            parts = split(wvec)
            self._parts = (wvec, parts)
        return parts

    def changed(self, story: Story) -> None:
        """Forget what was computed of ``story``'s centroid (it gained or lost terms)."""
        self.fsq.pop(story.id, None)

    def without(self, own: Story, tf: dict[str, float], wvec: dict[str, float],
                when: float | None = None, words: int = 0) -> float:
        """The score (as :meth:`judge`) of an article (``wvec``: its weighted unit vector,
        ``tf``: what it added to ``own``) against its own story less itself; the cosine is
        read off the centroid: taking the article out and putting it back would cost three
        passes over its terms."""
        if own.count <= 1:
            return 0.0
        centroid = own.centroid
        dot = sum(w * (centroid.get(t, 0.0) - tf[t]) for t, w in wvec.items())
        sim = dot / (math.sqrt(self.sq_after(own, tf, -1.0)) or 1.0)
        if not self.learned(words):
            return sim
        return self.model.probability(features(self.parts(wvec), when, words,
                                               rest_of(own, tf, words), self.idf, sim))

    def explain(self, wvec: dict[str, float], tf: dict[str, float], when: float | None,
                words: int, story: Story, sim: float) -> dict | None:
        """The pairwise model's features and their contributions against ``story`` less the
        report (``tf``: what it added), when the model judged the report."""
        if not self.learned(words):
            return None
        rest = rest_of(story, tf, words)
        return self.model.explain(features(self.parts(wvec), when, words, rest, self.idf, sim))

    def shared_terms(self, wvec: dict[str, float], others: dict[str, float]) -> list[str]:
        """The terms that contribute most to the match, for ``signals['story']``."""
        contrib = {t: w * others[t] for t, w in wvec.items() if t in others}
        top = [t.partition(":")[2] if t[1:2] == ":" else t
               for t in sorted(contrib, key=lambda t: (-contrib[t], t))]
        return list(dict.fromkeys(top))[: self.config.shared_terms]

    def need(self, words: int, story: Story | None = None) -> float:
        """The similarity needed to join ``story`` for an article of ``words`` content words.
        It follows the shorter of the two texts compared: a headline shares few terms with
        anything, so two headlines or a headline and a body need ``short_threshold``; two
        bodies (both >= ``long_words``) ``threshold``; between, it moves with the log of
        the length."""
        c = self.config
        if story is not None and story.count:
            words = min(words, round(story.mean_words))
        if words <= c.short_words:
            return c.short_threshold
        if words >= c.long_words:
            return c.threshold
        share = math.log(words / c.short_words) / math.log(c.long_words / c.short_words)
        return c.short_threshold + share * (c.threshold - c.short_threshold)

    def centroid_similarity(self, one: Story, two: Story) -> float:
        """Cosine of two stories' IDF-weighted centroids."""
        small, big = (one, two) if len(one.centroid) <= len(two.centroid) else (two, one)
        self.idf.fill(small.centroid)
        idf, centroid = self.idf, big.centroid
        dot = sum(v * centroid.get(t, 0.0) * idf[t] ** 2 for t, v in small.centroid.items())
        return dot / (self.norm(one) * self.norm(two))


def rest_of(story: Story, tf: dict[str, float], words: int) -> Story:
    """A copy of ``story`` less one member (``tf``: its unit term frequencies)."""
    rest = Story(id=story.id, centroid=dict(story.centroid), count=story.count,
                 start=story.start, end=story.end, words=story.words)
    rest.remove(tf, words)
    return rest
