"""Score data in the store: per story (by a small integer key) its members (rank and id),
facts and lengths, and per article its word n-gram set (one blob). A batch loads only the
stories it touches, and the earliest holder of each of its own n-grams is found in numpy from
the earlier members' sets; so memory stays bounded by the batch, not the corpus, and a batch
writes one row per article rather than one per n-gram."""
from __future__ import annotations

import json
from collections import Counter

import numpy as np

from cleaners.corpus.storytext import Rank, StoryText, holders
from cleaners.store import Store
from cleaners.store.tables import chunks

SCHEMA = """
-- scores: per story (by a small integer key) its members, facts and lengths; per article
-- its word n-gram set (a uint64 array)
CREATE TABLE IF NOT EXISTS story_keys (id TEXT PRIMARY KEY, key INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS story_text (key INTEGER PRIMARY KEY, facts TEXT NOT NULL,
    lengths TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS members (key INTEGER NOT NULL, date TEXT NOT NULL,
    seen INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, seen)) WITHOUT ROWID;
-- the story of an article by its id: a copy joins the story of the record it copies
CREATE INDEX IF NOT EXISTS members_id ON members (id);
CREATE TABLE IF NOT EXISTS grams (id TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
-- and its sentence-coded word trigrams (a uint64 array), for aligning rewrites (align.py)
CREATE TABLE IF NOT EXISTS sentences (id TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
"""


class TextTables:
    """What scoring a batch reads of the earlier articles of the stories it touches
    (:meth:`load`, :meth:`grams`) and writes of its own (:meth:`save`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.ensure(SCHEMA)
        self.keys: dict[str, int] = dict(store.db.execute("SELECT id, key FROM story_keys"))
        self._members: list[tuple[int, str, int, str]] = []  # this batch's (key, date, seen, id)

    def _key(self, story: str) -> int:
        key = self.keys.get(story)
        if key is None:
            key = self.keys[story] = len(self.keys) + 1
            self.store.db.execute("INSERT INTO story_keys VALUES (?, ?)", (story, key))
        return key

    def load(self, batch: dict[str, list[tuple[Rank, str]]],
             grams_now: dict[str, np.ndarray]) -> dict[str, StoryText]:
        """The stories the batch's members (``batch``: story -> their ranks and ids;
        ``grams_now``: their n-gram arrays) join, each with the earliest holder, among its
        saved and new members, of every n-gram the new members have."""
        texts = {story: StoryText() for story in batch}
        known = {self.keys[s]: s for s in batch if s in self.keys}
        db = self.store.db
        saved: dict[str, list[tuple[Rank, str]]] = {}
        for part in chunks(list(known)):
            marks = ",".join("?" * len(part))
            for key, facts, lengths in db.execute(
                    f"SELECT key, facts, lengths FROM story_text WHERE key IN ({marks})", part):
                text = texts[known[key]]
                text.fact_counts, text.lengths = Counter(json.loads(facts)), json.loads(lengths)
            for key, date, seen, art_id in db.execute(
                    f"SELECT key, date, seen, id FROM members WHERE key IN ({marks})", part):
                saved.setdefault(known[key], []).append(((date, seen), art_id))
        grams = self.grams({art_id for found in saved.values() for _, art_id in found})
        grams.update(grams_now)
        for story, now in batch.items():
            members = sorted(saved.get(story, []) + now)
            if len(members) > 1:  # a story's only member has no earlier holder
                wanted = np.unique(np.concatenate([grams_now[art_id] for _, art_id in now]))
                texts[story].holders = holders(members, grams, wanted)
        return texts

    def grams(self, ids: set[str], table: str = "grams") -> dict[str, np.ndarray]:
        """The stored n-gram sets of ``ids`` (uint64 arrays); ``table="sentences"``: their
        sentence-coded trigrams."""
        assert table in ("grams", "sentences")
        found: dict[str, np.ndarray] = {}
        for part in chunks(sorted(ids)):
            marks = ",".join("?" * len(part))
            for art_id, data in self.store.db.execute(
                    f"SELECT id, data FROM {table} WHERE id IN ({marks})", part):
                found[art_id] = np.frombuffer(data, dtype=np.uint64)
        return found

    def remember(self, story: str, rank: Rank, art_id: str) -> None:
        """A batch member, written by the next :meth:`save`."""
        self._members.append((self._key(story), rank[0], rank[1], art_id))

    def save(self, texts: dict[str, StoryText], grams: dict[str, np.ndarray],
             sentences: dict[str, np.ndarray]) -> None:
        """Write the batch; call inside its transaction."""
        db = self.store.db
        db.executemany("INSERT OR REPLACE INTO story_text VALUES (?, ?, ?)", (
            (self._key(story), json.dumps(text.fact_counts), json.dumps(text.lengths))
            for story, text in texts.items()))
        db.executemany("INSERT INTO members VALUES (?, ?, ?, ?)", self._members)
        for table, arrays in (("grams", grams), ("sentences", sentences)):
            db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
                           ((art_id, g.tobytes()) for art_id, g in arrays.items()))
        self._members = []
