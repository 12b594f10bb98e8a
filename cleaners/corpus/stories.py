"""Stories: independent reports of one news event grouped under one ``story`` id.

Single-pass clustering with a time window, the Topic Detection and Tracking recipe (Allan et
al. 1998; Yang et al. 1998): each article's terms (:mod:`stories_terms`: content words, word
pairs, names, numbers) are weighted by TF-IDF and compared by cosine with the centroid of each
story that is open at the article's date; it joins the most similar story above a threshold,
or starts a new one. Once the batch is in, each story it started is merged into the open story
whose centroid is most alike, above ``merge_threshold``. The IDF is incremental (document
frequencies of everything seen so far, this batch included), so scheduled runs can add batches
over days.

All state is plain data in :class:`StoryIndex` (:meth:`StoryIndex.to_dict` /
:meth:`StoryIndex.from_dict`), so it can be stored between runs. Same input, same stories.
"""
from __future__ import annotations

import heapq
import math
from sys import intern
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from cleaners.config import StoriesConfig
from cleaners.corpus.postings import Postings
from cleaners.corpus.story_memory import DAY, LoadDf, Reload, Story, StoryMemory
from cleaners.corpus.stories_terms import term_counts, unit_tf
from cleaners.record import Article



def timestamp(date: str | None) -> float | None:
    """Seconds since the epoch of an ISO 8601 date or datetime (naive = UTC); None if unreadable."""
    if not date:
        return None
    try:
        dt = datetime.fromisoformat(date.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


class StoryIndex(StoryMemory):
    """Stories so far and the document frequencies behind the IDF; add batches in input order."""

    def __init__(self, config: StoriesConfig | None = None) -> None:
        self.config = config or StoriesConfig()
        self.docs = 0
        self.df: Counter = Counter()
        self.stories: dict[str, Story] = {}
        self.postings = Postings()
        self._sq: dict[str, float] = {}  # squared IDF-weighted centroid norms, this batch's IDF
        self._idf = _Idf(self)  # this batch's IDF, filled on demand
        self.newest: float | None = None  # the newest article date seen (retire stories)
        self.reload: Reload | None = None  # a store's lookup of retired stories by day
        self.load_df: LoadDf | None = None  # a store's document frequencies of given terms
        self.batches = 0  # batches added (the clock of ``recalled``)
        self.recalled: dict[str, int] = {}  # stories brought back from a store -> when
        self.dirty: set[str] = set()  # stories changed (or gone) since a store last saved
        self.df_added: Counter = Counter()  # document frequencies added since then

    # -- state ---------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data (no config, no caches): what a store needs to resume."""
        return {"docs": self.docs, "df": dict(self.df),
                "stories": [asdict(s) for s in self.stories.values()]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], config: StoriesConfig | None = None) -> StoryIndex:
        index = cls(config)
        index.docs = int(data["docs"])
        index.df = Counter(data["df"])
        for raw in data["stories"]:
            index._add_story(Story(**raw))
        return index

    # -- weights -------------------------------------------------------------------------------
    def idf(self, term: str) -> float:
        """Smoothed IDF as in scikit-learn: ln((1 + N) / (1 + df)) + 1; cached per batch."""
        return self._idf[term]

    def weigh(self, vec: dict[str, float]) -> dict[str, float]:
        """A unit TF-IDF vector from unit term frequencies."""
        idf = self._idf
        w = {t: v * idf[t] for t, v in vec.items()}
        norm = math.sqrt(sum(x * x for x in w.values())) or 1.0
        return {t: x / norm for t, x in w.items()}

    def _norm(self, story: Story) -> float:
        """Length of the story's IDF-weighted centroid. Computed in full once per batch (the
        IDF changes between batches) and then kept up to date member by member."""
        sq = self._sq.get(story.id)
        if sq is None:
            idf = self._idf
            sq = self._sq[story.id] = sum((v * idf[t]) ** 2 for t, v in story.centroid.items())
        return math.sqrt(sq) or 1.0

    def _sq_after(self, story: Story, vec: dict[str, float], sign: float) -> float:
        """The squared norm the story would have with ``vec`` added (+1) or removed (-1)."""
        sq = self._norm(story) ** 2
        idf, centroid = self._idf, story.centroid
        for term, v in vec.items():
            old = centroid.get(term, 0.0)
            new = old + sign * v
            sq += (new * new - old * old) * idf[term] ** 2
        return max(sq, 0.0)

    # -- matching ------------------------------------------------------------------------------
    def candidates(self, weights: dict[str, float], when: float | None,
                   extra: tuple[float | None, ...] = (), skip: str | None = None) -> list[str]:
        """The open stories most likely to be the most similar, best first: scored on the
        ``candidate_terms`` heaviest terms only, then the best ``rerank`` get an exact
        cosine. A headline has fewer terms than that, so its scores are exact; for a full
        text the heavy terms (names, rare words) decide, and walking the postings of common
        words would cost time in proportion to the whole index."""
        top = self._heavy(weights)
        window = self.config.window_days * DAY
        partial: dict[str, float] = {}
        idf = self._idf
        for term, weight in top:
            weight *= idf[term]
            for sid in self.postings.get(term):
                story = self.stories.get(sid)
                if story is None or story.count <= 0 or sid == skip:
                    continue
                if sid not in partial and not any(story.open_at(w, window) for w in (when, *extra)):
                    continue
                partial[sid] = partial.get(sid, 0.0) + weight * story.centroid.get(term, 0.0)
        ranked = sorted(partial, key=lambda sid: (-partial[sid] / self._rank_norm(sid), sid))
        return ranked[: self.config.rerank]

    def _heavy(self, weights: dict[str, float]) -> list[tuple[str, float]]:
        """The ``candidate_terms`` heaviest (term, weight) pairs: what stories are found by."""
        return heapq.nlargest(self.config.candidate_terms, weights.items(),
                              key=lambda tw: (tw[1], tw[0]))

    def _rank_norm(self, sid: str) -> float:
        """The norm that ranks candidates: this batch's when known, else the one saved when
        the story last changed (the IDF drifts little between batches, and the exact
        cosines of the best ``rerank`` use this batch's): computing every candidate's norm
        afresh each batch cost bench/load.py 10% of the corpus step."""
        sq = self._sq.get(sid)
        if sq is None:
            sq = self.stories[sid].sq
        return (math.sqrt(sq) or 1.0) if sq is not None else self._norm(self.stories[sid])

    def best_match(self, vec: dict[str, float], when: float | None,
                   skip: str | None = None) -> tuple[Story | None, float]:
        """The open story whose centroid is most similar to ``vec`` (ties: the older story),
        ``skip`` left out."""
        best: Story | None = None
        best_sim = 0.0
        idf = self._idf
        weights = {t: w * idf[t] for t, w in vec.items()}
        for sid in self.candidates(vec, when, skip=skip):
            story = self.stories[sid]
            centroid = story.centroid
            if len(centroid) < len(weights):
                dot = sum(v * weights.get(t, 0.0) for t, v in centroid.items())
            else:
                dot = sum(w * centroid.get(t, 0.0) for t, w in weights.items())
            sim = dot / self._norm(story)
            if sim > best_sim or (sim == best_sim and best is not None and sid < best.id):
                best, best_sim = story, sim
        return best, best_sim

    def _without(self, own: Story, tf: dict[str, float], vec: dict[str, float]) -> float:
        """Cosine of an article (``vec``: its unit TF-IDF vector, ``tf``: what it added to
        ``own``) with its own story less itself, read off the centroid: taking the article
        out and putting it back would cost three passes over its terms."""
        if own.count <= 1:
            return 0.0
        centroid, idf = own.centroid, self._idf
        dot = sum(w * idf[t] * (centroid.get(t, 0.0) - tf[t]) for t, w in vec.items())
        return dot / (math.sqrt(self._sq_after(own, tf, -1.0)) or 1.0)

    def shared_terms(self, vec: dict[str, float], centroid: dict[str, float]) -> list[str]:
        """The terms that contribute most to the match, for ``signals['story']``."""
        contrib = {t: w * self.idf(t) * centroid[t] for t, w in vec.items() if t in centroid}
        top = [t.removeprefix("n:") for t in sorted(contrib, key=lambda t: (-contrib[t], t))]
        return list(dict.fromkeys(top))[: self.config.shared_terms]

    def threshold(self, words: int) -> float:
        """The similarity needed to join a story, for an article of ``words`` content words:
        short texts share few terms with any story, long ones share many by chance."""
        c = self.config
        if words <= c.short_words:
            return c.short_threshold
        if words >= c.long_words:
            return c.threshold
        share = math.log(words / c.short_words) / math.log(c.long_words / c.short_words)
        return c.short_threshold + share * (c.threshold - c.short_threshold)

    # -- batches -------------------------------------------------------------------------------
    def add_batch(self, arts: list[Article], counts: list[Counter] | None = None) -> list[str]:
        """Set ``story``, ``first_report`` and ``signals['story']`` on each usable article.

        Returns the ids of articles of *earlier* batches whose ``first_report`` turned false
        because an earlier-dated report arrived in this batch (their records are already
        written; the caller decides how to amend them). Articles with status other than "ok"
        get no story. ``counts`` are :func:`batch_terms` of the usable articles, when a
        worker computed them already.
        """
        usable = [a for a in arts if a.status == "ok"]
        if counts is None:
            counts = batch_terms(usable, self.config)
        items = [_Item(a, {intern(t): v for t, v in unit_tf(c).items()}, timestamp(a.date),
                       self.threshold(_words(c))) for a, c in zip(usable, counts)]
        self.retire(max((i.when for i in items if i.when is not None), default=None))
        self.count_terms([item.tf for item in items])
        for item in items:
            item.vec = self.weigh(item.tf)
        self.reopen([(i.when, [t for t, _ in self._heavy(i.vec)]) for i in items
                     if i.when is not None])
        before = set(self.stories)
        for item in items:
            self._place(item)
        for _ in range(self.config.refine_passes):
            for item in items:
                self._move(item)
        self._merge_new([sid for sid in self.stories if sid not in before], items)
        for sid in [sid for sid, st in self.stories.items() if st.count == 0]:
            del self.stories[sid]
            self.recalled.pop(sid, None)
            self.dirty.add(sid)
        in_batch = {a.id: a for a in usable}
        changed: list[str] = []
        for item in items:
            self._finish(item, in_batch, changed)
        for sid in self.dirty:
            if sid in self.stories:
                self._prune(self.stories[sid])
                self.stories[sid].sq = self._norm(self.stories[sid]) ** 2
        for art in arts:
            if art.status != "ok":
                art.story, art.first_report = None, None
        return changed

    def _place(self, item: _Item) -> None:
        """Put ``item`` in its most similar open story, or a new story."""
        story, sim = self.best_match(item.vec, item.when)
        if story is None or sim < item.need:
            story = self.stories.setdefault("s-" + item.art.id, Story(id="s-" + item.art.id))
        self._join(item, story)

    def _join(self, item: _Item, story: Story) -> None:
        self._sq[story.id] = self._sq_after(story, item.tf, +1.0)
        story.add(item.tf, item.when)
        story.touched = self.newest
        self.dirty.add(story.id)
        self.postings.add_all(item.tf, story.id)
        item.story = story

    def _prune(self, story: Story) -> None:
        """Keep the ``centroid_terms`` heaviest terms (by IDF-weighted centroid value) of a
        story changed by the batch. The long tail is the words of single members, which
        decide no match; memory and matching time would otherwise grow with every report."""
        keep = self.config.centroid_terms
        if len(story.centroid) <= keep:
            return
        idf, centroid = self._idf, story.centroid
        ranked = sorted(centroid, key=lambda t: (-centroid[t] * idf[t], t))
        dropped = ranked[keep:]
        self.postings.remove_all(dropped, story.id)
        for term in dropped:
            del story.centroid[term]
        self._sq.pop(story.id, None)

    def _move(self, item: _Item) -> None:
        """Refinement: place ``item`` again now that the whole batch is in; single-pass
        results depend on which report came first, this pass much less. It moves to the
        most similar other story when that one reaches the threshold and is closer than
        its own story without it."""
        own = item.story
        assert own is not None
        other, sim = self.best_match(item.vec, item.when, skip=own.id)
        if other is None or sim < item.need or sim <= self._without(own, item.tf, item.vec):
            return
        self._sq[own.id] = self._sq_after(own, item.tf, -1.0)
        own.remove(item.tf)
        self._join(item, other)

    def centroid_similarity(self, one: Story, two: Story) -> float:
        """Cosine of two stories' IDF-weighted centroids."""
        small, big = (one, two) if len(one.centroid) <= len(two.centroid) else (two, one)
        idf, centroid = self._idf, big.centroid
        dot = sum(v * centroid.get(t, 0.0) * idf[t] ** 2 for t, v in small.centroid.items())
        return dot / (self._norm(one) * self._norm(two))

    def _merge_new(self, new: list[str], items: list[_Item]) -> None:
        """Merge each story started in this batch into the most similar open story when
        their centroids are at least ``merge_threshold`` alike. Reports of one event that
        arrive together can each start a story before any of them has joined; only stories
        whose ids are not written yet (this batch's) are merged away."""
        limit = self.config.merge_threshold
        if limit <= 0 or limit > 1:
            return
        into: dict[str, Story] = {}
        for sid in new:
            story = self.stories[sid]
            if story.count == 0:
                continue
            weights = {t: v * self._idf[t] for t, v in story.centroid.items()}
            cands = self.candidates(weights, story.start, (story.end,))
            best, best_sim = None, 0.0
            for cid in sorted(cands):
                other = self.stories[cid]
                if other is story:
                    continue
                sim = self.centroid_similarity(story, other)
                if sim >= limit and sim > best_sim:  # ties: the first in id order
                    best, best_sim = other, sim
            if best is None:
                continue
            sq, idf = self._norm(best) ** 2, self._idf
            for term, v in story.centroid.items():
                old = best.centroid.get(term, 0.0)
                sq += ((old + v) ** 2 - old * old) * idf[term] ** 2
                best.centroid[term] = old + v
                self.postings.add(term, best.id)
            self._sq[best.id] = max(sq, 0.0)
            best.count += story.count
            for when in (story.start, story.end):
                if when is not None:
                    best.start = when if best.start is None else min(best.start, when)
                    best.end = when if best.end is None else max(best.end, when)
            story.centroid, story.count = {}, 0
            into[sid] = best
            self.dirty.update((sid, best.id))
        for item in items:
            while item.story is not None and item.story.id in into:
                item.story = into[item.story.id]

    def _finish(self, item: _Item, in_batch: dict[str, Article], changed: list[str]) -> None:
        """Record the story, the explanation (similarity to the *other* members) and the
        first report."""
        story = item.story
        assert story is not None
        signal: dict[str, Any] = {"matched": None, "similarity": 0.0,
                                  "threshold": round(item.need, 4)}
        if story.count > 1:
            # the story without this member, read off the centroid without copying it
            others = {t: story.centroid.get(t, 0.0) - v for t, v in item.tf.items()}
            others = {t: v for t, v in others.items() if v > 1e-9}
            vec = item.vec
            norm = math.sqrt(self._sq_after(story, item.tf, -1.0)) or 1.0
            signal.update(matched=story.id,
                          similarity=round(_dot(vec, others, self.idf) / norm, 4),
                          shared_terms=self.shared_terms(vec, others))
        if item.when is None:
            signal["undated"] = True
        art = item.art
        art.story = story.id
        art.signals["story"] = signal
        art.first_report = self._take_first(story, art, item.when, in_batch, changed)

    @staticmethod
    def _take_first(story: Story, art: Article, when: float | None,
                    in_batch: dict[str, Article], changed: list[str]) -> bool:
        """Whether ``art`` is now the story's first report (earliest date; an undated report
        only while no dated one exists); demotes the previous first."""
        if story.first is not None:
            earlier = when is None or (story.first_time is not None and story.first_time <= when)
            if earlier:
                return False
            old = in_batch.get(story.first)
            if old is not None:
                old.first_report = False
            else:
                changed.append(story.first)
        story.first, story.first_time = art.id, when
        return True


def batch_terms(arts: list[Article], config: StoriesConfig) -> list[Counter]:
    """Each article's raw term counts (a pure function of the article: workers compute it)."""
    return [term_counts(a.title, a.body, config.max_words) for a in arts]


class _Idf(dict):
    """IDF by term, computed when first asked for (a dict, so hot loops index it at C speed)."""

    def __init__(self, index: StoryIndex) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, term: str) -> float:
        index = self.index
        value = self[term] = math.log((1 + index.docs) / (1 + index.df.get(term, 0))) + 1.0
        return value


@dataclass
class _Item:
    """An article of the batch being added, with its term vector and current story."""

    art: Article
    tf: dict[str, float]
    when: float | None
    need: float
    story: Story | None = None
    vec: dict[str, float] = field(default_factory=dict)  # unit TF-IDF, this batch's IDF


def _words(counts: Counter) -> int:
    """Content words of an article (not word pairs or names)."""
    return sum(n for t, n in counts.items() if " " not in t and ":" not in t)


def _dot(vec: dict[str, float], centroid: dict[str, float], idf: Any) -> float:
    return sum(w * idf(t) * centroid.get(t, 0.0) for t, w in vec.items())
