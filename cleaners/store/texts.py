"""Score data in the store: per story its facts, lengths and n-gram holders, and the n-gram
sets of canonical copies. A batch loads only the stories it touches and, of their n-gram
holders, only the n-grams its own members have; so memory stays bounded by the batch,
not the corpus."""
from __future__ import annotations

import json
import zlib
from collections import Counter

import numpy as np

from cleaners.corpus.storytext import StoryText
from cleaners.store import Store
from cleaners.store.tables import signed, unsigned


class TextTables:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.keys: dict[str, int] = dict(store.db.execute("SELECT id, key FROM story_keys"))
        self.store.db.execute("CREATE TEMP TABLE IF NOT EXISTS want_grams (story INTEGER, "
                              "gram INTEGER, PRIMARY KEY (story, gram)) WITHOUT ROWID")

    def _key(self, story: str) -> int:
        key = self.keys.get(story)
        if key is None:
            key = self.keys[story] = len(self.keys) + 1
            self.store.db.execute("INSERT INTO story_keys VALUES (?, ?)", (story, key))
        return key

    def load(self, wanted: dict[str, set[int]]) -> dict[str, StoryText]:
        """The stories named in ``wanted`` with their holders of the given n-grams."""
        db = self.store.db
        texts = {story: StoryText() for story in wanted}
        known = {story: self.keys[story] for story in wanted if story in self.keys}
        if not known:
            return texts
        by_key = {key: texts[story] for story, key in known.items()}
        marks = ",".join("?" * len(by_key))
        for key, facts, lengths in db.execute(
                f"SELECT key, facts, lengths FROM story_text WHERE key IN ({marks})", list(by_key)):
            by_key[key].fact_counts = Counter(json.loads(facts))
            by_key[key].lengths = json.loads(lengths)
        db.execute("DELETE FROM want_grams")
        db.executemany("INSERT OR IGNORE INTO want_grams VALUES (?, ?)", (
            (key, signed(g)) for story, key in known.items() for g in wanted[story]))
        for key, gram, date, seen, holder in db.execute(
                "SELECT h.story, h.gram, h.date, h.seen, h.holder FROM want_grams w "
                "JOIN holders h ON h.story = w.story AND h.gram = w.gram"):
            by_key[key].holders[unsigned(gram)] = ((date, seen), holder)
        return texts

    def save(self, texts: dict[str, StoryText]) -> None:
        """Write what changed; call inside the batch's transaction."""
        db = self.store.db
        for story, text in texts.items():
            key = self._key(story)
            db.execute("INSERT OR REPLACE INTO story_text VALUES (?, ?, ?)",
                       (key, json.dumps(text.fact_counts), json.dumps(text.lengths)))
            db.executemany("INSERT OR REPLACE INTO holders VALUES (?, ?, ?, ?, ?)", (
                (key, signed(g), *text.holders[g][0], text.holders[g][1]) for g in text.changed))
            text.changed.clear()

    def canonical_grams(self, ids: set[str]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        for art_id in sorted(ids):
            row = self.store.db.execute("SELECT data FROM grams WHERE id = ?", (art_id,)).fetchone()
            if row is not None:
                found[art_id] = set(np.frombuffer(zlib.decompress(row[0]), dtype=np.uint64).tolist())
        return found

    def save_grams(self, grams: dict[str, set[int]]) -> None:
        self.store.db.executemany("INSERT OR REPLACE INTO grams VALUES (?, ?)", (
            (art_id, zlib.compress(np.fromiter(sorted(g), dtype=np.uint64, count=len(g)).tobytes()))
            for art_id, g in grams.items()))
