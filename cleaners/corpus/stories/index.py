"""Stories: independent reports of one news event grouped under one ``story`` id.

Single-pass clustering with a time window, the Topic Detection and Tracking recipe (Allan et
al. 1998; Yang et al. 1998), on TF-IDF sub-vectors of an article's fields (:mod:`.terms`; as
Miranda et al., EMNLP 2018): each article is compared by cosine with the centroid of each
story open at its date (:mod:`.matching`; the window slides with the story's newest report)
and joins the most similar story above a threshold that depends on what is compared, or
starts a new one. Once the batch is in, each article is placed again (refinement) and each
story it started is merged into the open story whose centroid is most alike, above
``merge_threshold``. The IDF is incremental (document frequencies of everything seen so
far, this batch included), so scheduled runs can add batches over days.

An index reads its saved state from an :class:`~.memory.Archive` given to its constructor
and hands what changed to :meth:`StoryIndex.pending`; it never sees SQL. Same input, same
stories.
"""
from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from cleaners.config import StoriesConfig
from cleaners.corpus.stories.docfreq import Delta, DocFreq
from cleaners.corpus.stories.matching import Idf, Matcher, unit
from cleaners.corpus.stories.memory import Archive, StoryMemory
from cleaners.corpus.stories.model import DAY, Story, timestamp
from cleaners.corpus.stories.postings import Postings
from cleaners.corpus.stories.terms import Terms, article_terms
from cleaners.record import Article


@dataclass
class Changes:
    """What an index changed since it was last saved."""

    stories: list[Story]  # new or changed, by id
    gone: list[str]  # merged away or emptied
    delta: Delta  # document frequencies added
    docs: int
    newest: float | None


class StoryIndex:
    """Stories so far and the document frequencies behind the IDF; add batches in input order."""

    def __init__(self, config: StoriesConfig | None = None, archive: Archive | None = None) -> None:
        self.config = config or StoriesConfig()
        docs, newest = (0, None) if archive is None else archive.state()
        horizon = None if newest is None else newest - self.config.retire_days * DAY
        saved = [] if archive is None else archive.stories_since(horizon)
        self.docs = docs
        self.freq = DocFreq(archive.doc_freq() if archive is not None else None)
        self.memory = StoryMemory(self.config, archive, newest)
        self.stories: dict[str, Story] = {}
        self.postings = Postings()
        for raw in saved:
            self._hold(Story(**raw))
        self.known: dict[str, int] = {}  # document frequencies of the terms in use (a cache)
        self.match = Matcher(self.config, self.stories, self.postings,
                             Idf(self.freq, docs, self.known))
        self.dirty: set[str] = set()  # stories changed (or gone) since last saved
        self.archive = archive
        self.placed: dict[str, str | None] = {}  # article id -> its story (unsaved, or no archive)
        self._added: list[Delta] = []  # document frequencies added since last saved

    def pending(self) -> Changes:
        """What changed since the last call, for an archive to save."""
        gone = sorted(sid for sid in self.dirty if sid not in self.stories)
        kept = [self.stories[sid] for sid in sorted(self.dirty) if sid in self.stories]
        delta = Delta.summed([d.keys for d in self._added], [d.counts for d in self._added])
        self.dirty, self._added = set(), []
        if self.archive is not None:  # saved with the batch's members
            self.placed = {}
        return Changes(kept, gone, delta, self.docs, self.memory.newest)

    # -- batches -------------------------------------------------------------------------------
    def add_batch(self, arts: list[Article], terms: list[Terms] | None = None) -> list[str]:
        """Set ``story``, ``first_report`` and ``signals['story']`` on each usable article.

        Returns the ids of articles of *earlier* batches whose ``first_report`` turned false
        because an earlier-dated report arrived in this batch (their records are already
        written; the caller decides how to amend them). Articles with status other than "ok"
        get no story. ``terms`` are :func:`batch_terms` of the usable articles, when a
        worker computed them already.
        """
        usable = [a for a in arts if a.status == "ok"]
        if terms is None:
            terms = batch_terms(usable, self.config)
        copies = self._copies(usable)
        items = [_Item(a, {intern(t): v for t, v in tf.items()}, timestamp(a.date), words)
                 for a, (tf, words) in zip(usable, terms) if a.id not in copies]
        self._retire(max((i.when for i in items if i.when is not None), default=None))
        self._count([item.tf for item in items])  # every term counts in the IDF
        for item in items:
            self._weigh(item)
        self._recall(items)
        self._cluster(items)
        in_batch = {a.id: a for a in usable}
        changed: list[str] = []
        for item in items:
            self._finish(item, in_batch, changed)
            self.placed[item.art.id] = item.art.story
        self._follow(usable, copies)
        self._settle()
        for art in arts:
            if art.status != "ok":
                art.story, art.first_report = None, None
        return changed

    # -- copies --------------------------------------------------------------------------------
    def _copies(self, usable: list[Article]) -> dict[str, str]:
        """The batch's copies: article id -> the record whose story it takes. Dedupe names
        the record each copy matched (``signals['dedupe']['of']``); the batch's records
        joined that way form groups. A group holding a copy of an earlier batch's record
        follows that record's story; in any other group the first member counts and the
        others follow it: the first seen, whatever the batching, as the version that counts
        must not depend on where a batch ends (tests/test_store.py: runs on two halves equal
        one run). A version chosen on its content (the longest, or the one whose lines the
        others confirm) can be a cut copy that shares a batch with its original.
        A copy counts nowhere else (document frequencies, centroids, story size and dates),
        so republishing a report ten times changes no story."""
        position = {a.id: i for i, a in enumerate(usable)}
        matched = {a.id: (a.signals.get("dedupe") or {}).get("of") for a in usable}
        matched = {i: of for i, of in matched.items() if of and of != i}
        earlier = [of for of in matched.values() if of not in position and of not in self.placed]
        if earlier and self.archive is not None:
            self.placed.update(self.archive.story_of(sorted(set(earlier))))
        copies: dict[str, str] = {}
        for group in _groups(usable, matched, position):
            known = [matched[i] for i in group if matched.get(i) in self.placed]
            lead = known[0] if known else group[0]
            copies.update((i, lead) for i in group if i != lead)
        return copies

    def _follow(self, usable: list[Article], copies: dict[str, str]) -> None:
        """Give each copy its record's story (in batch order: a copy of a copy follows it)."""
        for art in usable:
            of = copies.get(art.id)
            if of is None:
                continue
            story = self.placed.get(of)
            art.story, art.first_report = story, False
            art.signals["story"] = {"matched": story, "copy_of": of}
            self.placed[art.id] = story

    def _cluster(self, items: list[_Item]) -> None:
        """Place, refine, merge the batch's new stories, drop the emptied ones."""
        before = set(self.stories)
        for item in items:
            self._place(item)
        for _ in range(self.config.refine_passes):
            for item in items:
                self._move(item)
        self._merge_new([sid for sid in self.stories if sid not in before], items)
        for sid in [sid for sid, st in self.stories.items() if st.count == 0]:
            del self.stories[sid]
            self.memory.forget(sid)
            self.dirty.add(sid)

    def _settle(self) -> None:
        """Prune the changed stories and note their norms for the next batch's ranking."""
        for sid in self.dirty:
            story = self.stories.get(sid)
            if story is not None:
                self._prune(story)
                story.sq = self.match.norm(story) ** 2

    # -- memory --------------------------------------------------------------------------------
    def _retire(self, when: float | None) -> None:
        """Drop the stories that retire, and the cached counts of terms no story in memory
        uses (when they are most of the cache)."""
        self.memory.advance(when)
        for sid in self.memory.retiring(self.stories, self.dirty):
            self.postings.remove_all(self.stories.pop(sid).centroid, sid)
        if len(self.known) > 2 * len(self.postings):
            kept = {t: n for t, n in self.known.items() if self.postings.get(t)}
            self.known.clear()
            self.known.update(kept)

    def _count(self, tfs: list[dict[str, float]]) -> None:
        """Add a batch's documents (their terms: the keys of ``tfs``) to the document
        frequencies; the IDF of the batch follows."""
        added: Counter = Counter()
        for tf in tfs:
            added.update(tf.keys())
        delta = Delta.of(added)
        idf = Idf(self.freq, self.docs, self.known)
        idf.fill(added)  # the counts before the batch, then its own
        for term, n in added.items():
            self.known[term] += n
        self.freq.merge(delta)
        self._added.append(delta)
        self.docs += len(tfs)
        self.match = Matcher(self.config, self.stories, self.postings,
                             Idf(self.freq, self.docs, self.known))

    def _weigh(self, item: _Item) -> None:
        """The item's unit TF-IDF vector cut to its ``article_terms`` heaviest terms (its tf
        cut alike), as TDT systems truncate document vectors: the tail of a long report is
        background words that decide no match and cost time in every comparison."""
        vec = self.match.weigh(item.tf)
        keep = self.config.article_terms
        if len(vec) > keep:
            kept = dict(heapq.nlargest(keep, vec.items(), key=lambda tv: (tv[1], tv[0])))
            vec, item.tf = unit(kept), unit({t: item.tf[t] for t in kept})
        item.vec = vec
        item.wvec = self.match.weighted(vec)
        item.top = self.match.heavy(vec)

    def _recall(self, items: list[_Item]) -> None:
        late = [(i.when, [t for t, _ in i.top]) for i in items if i.when is not None]
        for story in self.memory.recall(late, set(self.stories)):
            self._hold(story)

    def _hold(self, story: Story) -> None:
        self.stories[story.id] = story
        self.postings.add_all(story.centroid, story.id)

    # -- placing -------------------------------------------------------------------------------
    def _place(self, item: _Item) -> None:
        """Put ``item`` in its most similar open story, or a new story."""
        story, _ = self.match.best_match(item.wvec, item.top, item.when, item.words)
        if story is None:
            story = self.stories.setdefault("s-" + item.art.id, Story(id="s-" + item.art.id))
        self._join(item, story)

    def _join(self, item: _Item, story: Story) -> None:
        self.match.sq[story.id] = self.match.sq_after(story, item.tf, +1.0)
        self.match.changed(story)
        new = [t for t in item.tf if t not in story.centroid]
        story.add(item.tf, item.when, item.words)
        story.touched = self.memory.newest
        self.dirty.add(story.id)
        self.postings.add_all(new, story.id)
        item.story = story

    def _prune(self, story: Story) -> None:
        """Keep the ``centroid_terms`` heaviest terms (by IDF-weighted centroid value) of a
        story changed by the batch. The long tail is the words of single members, which
        decide no match; memory and matching time would otherwise grow with every report."""
        keep = self.config.centroid_terms
        if len(story.centroid) <= keep:
            return
        self.match.idf.fill(story.centroid)
        idf, centroid = self.match.idf, story.centroid
        ranked = sorted(centroid, key=lambda t: (-centroid[t] * idf[t], t))
        dropped = ranked[keep:]
        self.postings.remove_all(dropped, story.id)
        for term in dropped:
            del story.centroid[term]
        self.match.sq.pop(story.id, None)
        self.match.changed(story)

    def _move(self, item: _Item) -> None:
        """Refinement: place ``item`` again now that the whole batch is in; single-pass
        results depend on which report came first, this pass much less. It moves to the
        most similar other story it may join when that one is closer than its own story
        without it."""
        own = item.story
        assert own is not None
        other, sim = self.match.best_match(item.wvec, item.top, item.when, item.words,
                                           skip=own.id)
        if other is None or sim <= self.match.without(own, item.tf, item.wvec, item.when,
                                                      item.words):
            return
        self.match.sq[own.id] = self.match.sq_after(own, item.tf, -1.0)
        self.match.changed(own)
        own.remove(item.tf, item.words)
        self._join(item, other)

    def _merge_new(self, new: list[str], items: list[_Item]) -> None:
        """Merge each story started in this batch into the most similar open story when
        their centroids are at least ``merge_threshold`` alike (``body_merge_threshold``
        for two stories of full texts). Reports of one event that
        arrive together can each start a story before any of them has joined; only stories
        whose ids are not written yet (this batch's) are merged away."""
        limit = self.config.merge_threshold
        if limit <= 0 or limit > 1:
            return
        into: dict[str, Story] = {}
        for sid in new:
            story = self.stories[sid]
            best = self._merge_target(story, limit) if story.count else None
            if best is not None:
                self._absorb(best, story)
                into[sid] = best
        for item in items:
            while item.story is not None and item.story.id in into:
                item.story = into[item.story.id]

    def _merge_target(self, story: Story, limit: float) -> Story | None:
        """The open story most like ``story``, at least ``limit`` alike (ties: first by id)."""
        best, best_sim = None, 0.0
        top = self.match.heavy(self.match.weighted(story.centroid))
        for cid in sorted(self.match.candidates(top, story.start, (story.end,))):
            other = self.stories[cid]
            if other is story:
                continue
            sim = self.match.centroid_similarity(story, other)
            if sim >= self._merge_limit(story, other, limit) and sim > best_sim:
                best, best_sim = other, sim
        return best

    def _merge_limit(self, one: Story, two: Story, limit: float) -> float:
        """``body_merge_threshold`` for two stories of full texts (the pairwise model placed
        their reports), else ``limit``."""
        long = self.config.long_words
        if self.config.pair_model and min(one.mean_words, two.mean_words) >= long:
            return self.config.body_merge_threshold
        return limit

    def _absorb(self, best: Story, story: Story) -> None:
        """Move all of ``story`` into ``best``."""
        sq, idf = self.match.norm(best) ** 2, self.match.idf
        for term, v in story.centroid.items():
            old = best.centroid.get(term, 0.0)
            sq += ((old + v) ** 2 - old * old) * idf[term] ** 2
            best.centroid[term] = old + v
            self.postings.add(term, best.id)
        self.match.sq[best.id] = max(sq, 0.0)
        self.match.changed(best)
        best.count += story.count
        best.words += story.words
        for when in (story.start, story.end):
            best.cover(when)
        story.centroid, story.count, story.words = {}, 0, 0
        self.dirty.update((story.id, best.id))

    # -- results -------------------------------------------------------------------------------
    def _finish(self, item: _Item, in_batch: dict[str, Article], changed: list[str]) -> None:
        """Record the story, the explanation (similarity to the *other* members) and the
        first report."""
        story = item.story
        assert story is not None
        signal: dict[str, Any] = {"matched": None, "similarity": 0.0,
                                  "threshold": round(self.match.need(item.words), 4)}
        if story.count > 1:
            signal.update(self._explain(item, story))
        if item.when is None:
            signal["undated"] = True
        art = item.art
        art.story = story.id
        art.signals["story"] = signal
        art.first_report = _take_first(story, art, item.when, in_batch, changed)

    def _explain(self, item: _Item, story: Story) -> dict[str, Any]:
        """Similarity to the story without this member (read off the centroid without
        copying it), the threshold for what was compared and the terms shared."""
        others = {t: story.centroid.get(t, 0.0) - v for t, v in item.tf.items()}
        others = {t: v for t, v in others.items() if v > 1e-9}
        norm = math.sqrt(self.match.sq_after(story, item.tf, -1.0)) or 1.0
        dot = sum(w * others.get(t, 0.0) for t, w in item.wvec.items())
        rest = Story(id=story.id, count=story.count - 1, words=story.words - item.words)
        signal = {"matched": story.id, "similarity": round(dot / norm, 4),
                  "threshold": round(self.match.need(item.words, rest), 4),
                  "compared": _kind(self.config, item.words, rest.mean_words),
                  "shared_terms": self.match.shared_terms(item.wvec, others)}
        model = self.match.explain(item.wvec, item.tf, item.when, item.words, story, dot / norm)
        if model is not None:  # the model decided: its probability against 0.5
            signal.update(model=model, threshold=0.5)
        return signal


def _kind(config: StoriesConfig, words: float, story_words: float) -> str:
    """What was compared: headline-headline, headline-body or body-body."""
    bodies = sorted(w > config.short_words for w in (words, story_words))
    return "-".join("body" if body else "headline" for body in bodies)


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


def _groups(usable: list[Article], matched: dict[str, str],
            position: dict[str, int]) -> list[list[str]]:
    """The batch's records joined by dedupe matches (within the batch, or to one earlier
    record), each group in batch order; records that matched nothing are left out."""
    root = {a.id: a.id for a in usable}

    def find(i: str) -> str:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for i, of in matched.items():
        if of in position:
            a, b = sorted((find(i), find(of)), key=position.__getitem__)
            root[b] = a
    groups: dict[str, list[str]] = {}
    for art in usable:
        groups.setdefault(find(art.id), []).append(art.id)
    return [g for g in groups.values() if len(g) > 1 or g[0] in matched]


def batch_terms(arts: list[Article], config: StoriesConfig) -> list[Terms]:
    """Each article's :class:`~.terms.Terms` (workers compute them)."""
    return [article_terms(a.title, a.body, config.max_words, a.language) for a in arts]



@dataclass
class _Item:
    """An article of the batch being added, with its term vector and current story."""

    art: Article
    tf: dict[str, float]
    when: float | None
    words: int  # content words (what kind of text it is)
    story: Story | None = None
    vec: dict[str, float] = field(default_factory=dict)  # unit TF-IDF, this batch's IDF
    wvec: dict[str, float] = field(default_factory=dict)  # vec times the IDF (cosines)
    top: list[tuple[str, float]] = field(default_factory=list)  # its heaviest terms
