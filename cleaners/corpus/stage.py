"""The corpus step of a run: dedupe, stories and scores, batch by batch, in one process.

Per-article steps run anywhere (worker processes); this step sees every batch in input
order. What later batches (and later runs) need lives in a :class:`~cleaners.store.Store`:
the dedupe and story indexes, per story the earliest holder of each n-gram with its facts
and lengths, the n-gram sets of every article and the reuse index that finds the earlier
articles of any story sharing text with a new one, and per site the counts of its short
lines that make its template known across batches and runs (a batch's articles lose the
template lines first; the features of those that changed are computed again). Each batch
is one store transaction.
"""
from __future__ import annotations

import numpy as np

from cleaners.config import Config
from cleaners.corpus.completeness import completeness
from cleaners.corpus.features import Features, batch_features, live_of, refreshed
from cleaners.corpus.originality import Shingles, originality
from cleaners.corpus.reuse import Doc
from cleaners.corpus.stories import timestamp
from cleaners.corpus.storytext import Rank, StoryText, holders
from cleaners.corpus.tables import (DedupeTables, ReuseTables, StoryTables, TemplateTables,
                                    TextTables)
from cleaners.record import Article
from cleaners.store import Store
from cleaners.text.minimum import require_article

Earlier = dict[int, tuple[Rank, str]]  # n-gram -> the earliest earlier article that had it


class CorpusStage:
    def __init__(self, config: Config | None = None, store: Store | None = None) -> None:
        self.config = config or Config()
        self.store = store if store is not None else Store()
        self._dedupe = DedupeTables(self.store, self.config.dedupe)
        self._stories = StoryTables(self.store, self.config.stories)
        self._texts = TextTables(self.store)
        self._reuse = ReuseTables(self.store, self.config.stories)
        self._templates = TemplateTables(self.store, self.config.templates)
        self.dedupe, self.stories = self._dedupe.index, self._stories.index
        self.seen = int(self.store.get_meta("stage.seen") or 0)
        self.known_ids = set(self.dedupe.ids)
        self.demoted: set[str] = set()  # first reports this run displaced
        self._superseded_from = len(self.dedupe.superseded)  # this run's canonical changes
        self._position: dict[str, int] | None = None  # id -> dedupe index, for amend
        self._texts_now: dict[str, StoryText] = {}
        self._grams_now: dict[str, np.ndarray] = {}  # id -> its sorted distinct n-grams
        self._codes_now: dict[str, np.ndarray] = {}  # id -> its sentence-coded trigrams
        self._codes_read: dict[str, np.ndarray] = {}  # the same of earlier batches' articles
        self._found: dict[str, list[str]] = {}  # id -> the earlier articles the index found

    def add_batch(self, arts: list[Article], features: Features | None = None) -> None:
        """Set duplicate_of, story, first_report, scores and reused on a batch's records.
        ``features`` is :func:`batch_features` of ``arts`` when a worker computed it.
        Nothing is stored until :meth:`commit`."""
        features = self._strip_templates(arts, features)
        live = live_of(arts)
        self._unique_ids(live)
        self.dedupe.add_batch(live, features.signed)
        self.demoted.update(self.stories.add_batch(live, features.terms))
        batch = list(zip(live, features.grams))
        self._grams_now = {a.id: np.unique(g.hashes) for a, g in batch}
        self._codes_now = {a.id: np.unique(g.sentences.codes) for a, g in batch}
        ranks = [self._rank(art) for art in live]
        self._texts_now = self._texts.load(self._members(live, ranks), self._grams_now)
        for art, fx, rank in zip(live, features.facts, ranks):
            if "copy_of" not in art.signals.get("story", {}):  # a copy counts once
                self._texts_now[self._story_key(art)].add(art.body or "", fx)
            self._texts.remember(self._story_key(art), rank, art.id)
        earlier = self._earlier(batch, ranks, features.anchors)
        canon = self._canonical_grams(batch)
        for (art, grams), fx, rank, others in zip(batch, features.facts, ranks, earlier):
            self._score(art, grams, fx, rank, self._texts_now[self._story_key(art)], canon,
                        others)

    def _strip_templates(self, arts: list[Article], features: Features | None) -> Features:
        """The sites' template lines, known from every article counted before (earlier
        batches and runs) and this batch, go; an article left under the article minimum is
        ``not_article``. The features of the articles that changed are computed again."""
        before = live_of(arts)
        changed = self._templates.strip(arts, features.marks if features is not None else None)
        for art in changed:
            require_article(art, self.config.text.min_body_chars)
        if features is None:
            return batch_features(arts, self.config)
        return refreshed(features, before, arts, changed, self.config) if changed else features

    def commit(self, run: str | None = None, n: int = 0, records: int = 0) -> None:
        """Save the last batch's index changes in one transaction, marking batch ``n`` of
        ``run`` finished when a run is named (with how many input records it held)."""
        with self.store.transaction():
            self._dedupe.save()
            self._stories.save()
            self._texts.save(self._texts_now, self._grams_now, self._codes_now)
            self._reuse.save()
            self._templates.save()
            self.store.set_meta("stage.seen", str(self.seen))
            if run is not None:
                self.store.finish_batch(run, n, records)
        self._texts_now, self._grams_now, self._codes_now, self._codes_read = {}, {}, {}, {}

    def amend(self, record: dict) -> bool:
        """Set the fields a later batch may have changed from the index as it stands now:
        ``first_report`` (an earlier-dated report arrived) and ``duplicate_of`` (an
        earlier-dated copy became the canonical). True when the record changed."""
        changed = False
        story = self.stories.stories.get(record.get("story") or "")
        if story is not None and record.get("first_report") is not None:
            first = story.first == record["id"]
            changed = first != record["first_report"]
            record["first_report"] = first
        if not self.dedupe.repointed:
            return changed
        if self._position is None:
            self._position = {art_id: i for i, art_id in enumerate(self.dedupe.ids)}
        idx = self._position.get(record["id"])
        if idx is not None:
            root = self.dedupe.ids[self.dedupe.find(idx)]
            dup = None if root == record["id"] else root
            changed = changed or dup != record.get("duplicate_of")
            record["duplicate_of"] = dup
        return changed

    def amendable(self) -> set[str]:
        """Ids of the records whose ``first_report`` or ``duplicate_of`` may have changed
        since their batch: first reports an earlier-dated report displaced, and the members
        of clusters whose canonical copy an earlier-dated copy replaced."""
        ids = set(self.demoted)
        index = self.dedupe
        if index.superseded:
            roots = {index.find(new) for new in index.superseded.values()}
            ids.update(art_id for i, art_id in enumerate(index.ids) if index.find(i) in roots)
        return ids

    def corrections(self, written: set[str]) -> list[dict]:
        """Changes to records that earlier runs wrote (ids not in ``written``): first reports
        that this run's earlier-dated reports displaced, and duplicates whose canonical copy
        this run replaced with an earlier-dated one."""
        fixes = [{"id": art_id, "first_report": False}
                 for art_id in sorted(self.demoted - written)]
        index = self.dedupe
        roots = {index.find(new) for new in list(index.superseded.values())[self._superseded_from:]}
        if roots:
            for idx, art_id in enumerate(index.ids):
                root = index.find(idx)
                if root in roots and art_id not in written:
                    dup = None if root == idx else index.ids[root]
                    fixes.append({"id": art_id, "duplicate_of": dup})
        return fixes

    def _unique_ids(self, live: list[Article]) -> None:
        """Ids are unique within a run; an id an earlier run indexed gets a ``~N`` suffix."""
        for art in live:
            base, n = art.id, 1
            while art.id in self.known_ids:
                n += 1
                art.id = f"{base}~{n}"
            self.known_ids.add(art.id)

    @staticmethod
    def _story_key(art: Article) -> str:
        return art.story or f"solo:{art.id}"

    def _rank(self, art: Article) -> Rank:
        rank = (art.date or "~", self.seen)
        self.seen += 1
        return rank

    def _members(self, live: list[Article], ranks: list[Rank]) -> dict[str, list[tuple[Rank, str]]]:
        """The batch's members of each story it touches, with their ranks."""
        members: dict[str, list[tuple[Rank, str]]] = {}
        for art, rank in zip(live, ranks):
            members.setdefault(self._story_key(art), []).append((rank, art.id))
        return members

    def _earlier(self, batch: list[tuple[Article, Shingles]], ranks: list[Rank],
                 keys: list[np.ndarray]) -> list[Earlier]:
        """Per article, which of its n-grams the earlier articles of any story that the
        reuse index names (quoted or not: its own text may be another's quote) had first.
        ``keys``: the articles' reuse anchors (:func:`~.features.reuse_anchors`)."""
        index = self._reuse.index
        found = index.add_batch([(Doc(art.id, rank, timestamp(art.date)), anchors.tolist())
                                 for (art, _), rank, anchors in zip(batch, ranks, keys)])
        self._found = {art.id: [d.id for d in docs] for (art, _), docs in zip(batch, found)}
        self._codes([i for docs in self._found.values() for i in docs])  # read at once
        ids = {d.id for docs in found for d in docs}
        held = {i: self._grams_now[i] for i in ids & set(self._grams_now)}
        held.update(self._texts.grams(ids - set(held)))
        return [holders(sorted((d.rank, d.id) for d in docs), held, grams.hashes)
                for (_, grams), docs in zip(batch, found)]

    def _codes(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The sentence-coded trigrams of earlier articles (this batch's or saved ones). Saved
        ones are read once a batch: the articles of a story share their candidates, and
        those the reuse index found are read together (:meth:`_earlier`)."""
        now, held = self._codes_now, self._codes_read
        missing = {i for i in ids if i not in now and i not in held}
        if missing:
            held.update(self._texts.grams(missing, "sentences"))
            held.update((i, np.zeros(0, np.uint64)) for i in missing - set(held))
        return {i: now[i] if i in now else held[i] for i in ids}

    def _canonical_grams(self, batch: list[tuple[Article, Shingles]]) -> dict[str, set[int]]:
        """N-gram sets of the canonical copies the batch's duplicates point at."""
        wanted = {a.duplicate_of for a, _ in batch if a.duplicate_of}
        now = wanted & set(self._grams_now)
        found = {i: self._grams_now[i] for i in now}
        found.update(self._texts.grams(wanted - now))
        return {i: set(g.tolist()) for i, g in found.items()}

    def _score(self, art: Article, grams: Shingles, text_facts: set[str], rank: Rank,
               story: StoryText, canon: dict[str, set[int]], others: Earlier) -> None:
        canonical = art.duplicate_of
        source = story.source(rank, canonical, canon.get(canonical or "", set()), others)
        score, reused = originality(art.body or "", grams, source, codes=self._codes,
                                    config=self.config.originality,
                                    found=self._found.get(art.id, []))
        complete, parts = completeness(art, story.median_words(), story.key_facts(),
                                       mine=text_facts)
        art.scores.update(completeness=complete, originality=score)
        art.reused = reused
        art.signals["completeness"] = parts
