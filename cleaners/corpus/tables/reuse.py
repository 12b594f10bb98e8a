"""The reuse index's tables: every article by the order seen (its key: id, date, time), and
per sampled 5-gram the keys of the first articles that have it. The :class:`ReuseIndex`
reads them as its archive, only the anchors a batch looks up; after each batch
:meth:`ReuseTables.save` writes what the index's ``pending()`` reports it added."""
from __future__ import annotations

import numpy as np

from cleaners.config import StoriesConfig
from cleaners.corpus.reuse import Doc, ReuseIndex
from cleaners.store import Store
from cleaners.store.tables import chunks, signed, unsigned

SCHEMA = """
-- reuse: every article by the order seen (its key), and per sampled 5-gram (signed) the keys
-- of the first articles that have it (an int64 array)
CREATE TABLE IF NOT EXISTS reuse_docs (key INTEGER PRIMARY KEY, id TEXT NOT NULL,
    date TEXT NOT NULL, time REAL);
CREATE TABLE IF NOT EXISTS reuse_grams (gram INTEGER PRIMARY KEY, keys BLOB NOT NULL);
"""


class ReuseTables:
    """The saved postings of a :class:`ReuseIndex`, which reads them as its archive; only
    the anchors a batch looks up are read."""

    def __init__(self, store: Store, config: StoriesConfig) -> None:
        self.store = store
        store.ensure(SCHEMA)
        self.index = ReuseIndex(config, self)

    def postings(self, anchors: list[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for part in chunks([signed(a) for a in anchors]):
            marks = ",".join("?" * len(part))
            for gram, keys in self.store.db.execute(
                    f"SELECT gram, keys FROM reuse_grams WHERE gram IN ({marks})", part):
                found[unsigned(gram)] = np.frombuffer(keys, dtype=np.int64).tolist()
        return found

    def docs(self, keys: list[int]) -> dict[int, Doc]:
        found: dict[int, Doc] = {}
        for part in chunks(keys):
            marks = ",".join("?" * len(part))
            for key, art_id, date, when in self.store.db.execute(
                    f"SELECT key, id, date, time FROM reuse_docs WHERE key IN ({marks})", part):
                found[key] = Doc(art_id, (date, key), when)
        return found

    def save(self) -> None:
        """Write what the index added; call inside the batch's transaction."""
        changed, docs = self.index.pending()
        db = self.store.db
        db.executemany("INSERT OR REPLACE INTO reuse_docs VALUES (?, ?, ?, ?)",
                       ((d.rank[1], d.id, d.rank[0], d.when) for d in docs))
        db.executemany("INSERT OR REPLACE INTO reuse_grams VALUES (?, ?)", (
            (signed(a), np.asarray(keys, dtype=np.int64).tobytes()) for a, keys in changed.items()))
