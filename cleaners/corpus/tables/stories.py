"""The story index's tables: story centroids (JSON) with the dates of their first and last
reports, the hashes of each centroid's terms (to find the stored stories a batch may join
without parsing them) and the document frequencies, one delta per batch. The
:class:`StoryIndex` reads them as its :class:`~cleaners.corpus.stories.Archive`; after each
batch :meth:`StoryTables.save` writes what the index's ``pending()`` reports changed
(touched and retired stories, a document-frequency delta). The tables never set index
fields."""
from __future__ import annotations

import json

import numpy as np

from cleaners.config import StoriesConfig
from cleaners.corpus.stories import DAY, StoryIndex
from cleaners.corpus.stories.docfreq import KEY, Delta, term_keys
from cleaners.corpus.tables.texts import SCHEMA as MEMBERS
from cleaners.store import Store
from cleaners.store.tables import chunks

SCHEMA = """
-- stories: centroids (JSON) with the dates of their first and last reports
CREATE TABLE IF NOT EXISTS stories (id TEXT PRIMARY KEY, first REAL, last REAL,
    data TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS stories_last ON stories (last);
-- and the hashes of their centroids' terms (uint64), to find the retired stories a late report
-- may join without reading the JSON; a rowid table, so that a row is one short record
CREATE TABLE IF NOT EXISTS story_terms (id TEXT NOT NULL UNIQUE, first REAL, last REAL,
    terms BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS story_terms_span ON story_terms (last, first);
-- document frequencies: per batch the sorted uint64 hashes of its terms and their int32 increments
CREATE TABLE IF NOT EXISTS df_runs (n INTEGER PRIMARY KEY, keys BLOB NOT NULL, counts BLOB NOT NULL);
"""

STORY_KEYS = ("max_words",)
DF_RUNS = 32  # saved document-frequency deltas before they are compacted into one


class StoryTables:
    """The saved state of a :class:`StoryIndex` (centroids, document frequencies): the index
    reads it as its :class:`~cleaners.corpus.stories.Archive`, and :meth:`save` writes what
    it reports changed."""

    def __init__(self, store: Store, config: StoriesConfig) -> None:
        self.store = store
        store.ensure(SCHEMA)
        store.ensure(MEMBERS)  # the story of an earlier record, for its copies (story_of)
        store.check_settings("stories", {k: getattr(config, k) for k in STORY_KEYS})
        self.runs = store.db.execute("SELECT count(*) FROM df_runs").fetchone()[0]
        self.index = StoryIndex(config, self)

    def state(self) -> tuple[int, float | None]:
        newest = self.store.get_meta("stories.newest")
        return int(self.store.get_meta("stories.docs") or 0), float(newest) if newest else None

    def stories_since(self, horizon: float | None) -> list[dict]:
        rows = self.store.db.execute(
            "SELECT data FROM stories WHERE last IS NULL OR last >= ? ORDER BY id",
            (horizon if horizon is not None else float("-inf"),))
        return [json.loads(data) for (data,) in rows]

    def doc_freq(self) -> Delta:
        """The sum of the saved deltas."""
        rows = self.store.db.execute("SELECT keys, counts FROM df_runs ORDER BY n").fetchall()
        deltas = [Delta.from_bytes(keys, counts) for keys, counts in rows]
        return Delta.summed([d.keys for d in deltas], [d.counts for d in deltas])

    def _save_df(self, delta: Delta) -> None:
        """Save the batch's delta; past ``DF_RUNS`` deltas, replace them all by their sum."""
        db = self.store.db
        if self.runs >= DF_RUNS:
            db.execute("DELETE FROM df_runs")
            delta, self.runs = self.index.freq.whole(), 0
        db.execute("INSERT INTO df_runs (keys, counts) VALUES (?, ?)", delta.to_bytes())
        self.runs += 1

    def story_of(self, ids: list[str]) -> dict[str, str]:
        """The stories of saved articles among ``ids`` (an article alone has none), read
        from the members the score tables (:mod:`.texts`) keep."""
        found: dict[str, str] = {}
        for part in chunks(ids):
            marks = ",".join("?" * len(part))
            found.update(self.store.db.execute(
                "SELECT m.id, k.id FROM members m JOIN story_keys k ON k.key = m.key "
                f"WHERE m.id IN ({marks})", part))
        return {i: story for i, story in found.items() if not story.startswith("solo:")}

    def open_on(self, days: list[int], window: float, skip: set[str],
                terms: set[str]) -> list[dict]:
        """Stored stories open on any of ``days`` (day numbers since the epoch) whose centroid
        holds one of ``terms``, but those in ``skip`` (in memory already). Only the term
        hashes of the stories in the span are read (a short row each), and only the matches'
        JSON (bench/load.py: reading and parsing every story in the span was a fifth of the
        main process' CPU by 40,000 inputs)."""
        db, found = self.store.db, {}
        for start, end in _spans(days, window):
            for sid, blob in db.execute(
                    "SELECT id, terms FROM story_terms WHERE last >= ? AND first <= ?", (start, end)):
                if sid not in skip:
                    found[sid] = blob
        if not found:
            return []
        ids, blobs = list(found), list(found.values())
        keys = np.frombuffer(b"".join(blobs), dtype=KEY)
        owner = np.repeat(np.arange(len(ids)), [len(b) // keys.itemsize for b in blobs])
        hits = np.unique(owner[np.isin(keys, term_keys(terms))])
        return [json.loads(db.execute("SELECT data FROM stories WHERE id = ?",
                                      (ids[i],)).fetchone()[0])
                for i in sorted(hits, key=ids.__getitem__)]

    def save(self) -> None:
        changes, db = self.index.pending(), self.store.db
        for table in ("stories", "story_terms"):
            db.executemany(f"DELETE FROM {table} WHERE id = ?", ((sid,) for sid in changes.gone))
        db.executemany("INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?)", (
            (s.id, s.start, s.last, json.dumps(vars(s))) for s in changes.stories))
        db.executemany("INSERT OR REPLACE INTO story_terms VALUES (?, ?, ?, ?)", (
            (s.id, s.start, s.last, term_keys(s.centroid).tobytes()) for s in changes.stories))
        self._save_df(changes.delta)
        self.store.set_meta("stories.docs", str(changes.docs))
        if changes.newest is not None:
            self.store.set_meta("stories.newest", repr(changes.newest))


def _spans(days: list[int], window: float) -> list[tuple[float, float]]:
    """The time spans within ``window`` of the sorted ``days``, overlapping ones merged."""
    spans: list[tuple[float, float]] = []
    for day in days:
        start, end = day * DAY - window, (day + 1) * DAY + window
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans
