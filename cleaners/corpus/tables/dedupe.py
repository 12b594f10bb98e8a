"""The dedupe index's tables: one row per indexed record (its id, date, union-find parent,
cluster size and MinHash signature), the exact-hash and LSH-band buckets, and which
canonical copies earlier-dated copies superseded. The :class:`DedupeIndex` reads them as its
archive (the records, and only the buckets a batch looks up); after each batch
:meth:`DedupeTables.save` writes what the index's ``pending()`` reports changed (new
records, touched buckets, changed union-find parents). The tables never set index fields."""
from __future__ import annotations

import numpy as np

from cleaners.config import DedupeConfig
from cleaners.corpus.dedupe import DedupeIndex, Record
from cleaners.store import Store
from cleaners.store.tables import chunks, unsigned
from cleaners.store.tables import signed as signed_key

SCHEMA = """
-- dedupe: one row per indexed record, in the order seen (idx); parent is union-find
CREATE TABLE IF NOT EXISTS records (idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    date TEXT NOT NULL, parent INTEGER NOT NULL, size INTEGER NOT NULL, sig BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS exact (key INTEGER PRIMARY KEY, idx INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bands (key INTEGER PRIMARY KEY, idxs BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS superseded (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
"""

DEDUPE_KEYS = ("num_perm", "seed", "bands", "rows", "shingle_words")


class DedupeTables:
    """The saved records of a :class:`DedupeIndex`, which reads them as its archive; the
    buckets of a large index would otherwise hold ~3 KB of Python objects per article."""

    def __init__(self, store: Store, config: DedupeConfig) -> None:
        self.store = store
        store.ensure(SCHEMA)
        store.check_settings("dedupe", {k: getattr(config, k) for k in DEDUPE_KEYS})
        self.index = DedupeIndex(config, self)

    def records(self) -> list[Record]:
        rows = self.store.db.execute("SELECT id, date, parent, size, sig FROM records ORDER BY idx")
        return [(art_id, date, parent, size, np.frombuffer(sig, dtype=np.uint32))
                for art_id, date, parent, size, sig in rows]

    def superseded(self) -> dict[int, int]:
        return dict(self.store.db.execute("SELECT old, new FROM superseded ORDER BY rowid"))

    def lookup(self, keys: list[int], bands: list[int]) -> tuple[dict[int, int],
                                                                dict[int, int | list[int]]]:
        db, exact, buckets = self.store.db, {}, {}
        for part in chunks([signed_key(k) for k in keys]):
            marks = ",".join("?" * len(part))
            exact.update((unsigned(k), v) for k, v in db.execute(
                f"SELECT key, idx FROM exact WHERE key IN ({marks})", part))
        for part in chunks([signed_key(k) for k in bands]):
            marks = ",".join("?" * len(part))
            for key, idxs in db.execute(f"SELECT key, idxs FROM bands WHERE key IN ({marks})",
                                        part):
                held = np.frombuffer(idxs, dtype=np.int32).tolist()
                buckets[unsigned(key)] = held[0] if len(held) == 1 else held
        return exact, buckets

    def save(self) -> None:
        """Write the changes since the last save; call inside the batch's transaction."""
        changes, db = self.index.pending(), self.store.db
        db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", changes.records)
        db.executemany("UPDATE records SET parent = ? WHERE idx = ?", changes.moved)
        db.executemany("INSERT OR REPLACE INTO exact VALUES (?, ?)",
                       ((signed_key(k), v) for k, v in changes.exact))
        db.executemany("INSERT OR REPLACE INTO bands VALUES (?, ?)", (
            (signed_key(k), np.asarray(idxs, dtype=np.int32).tobytes())
            for k, idxs in changes.buckets))
        db.executemany("INSERT INTO superseded VALUES (?, ?)", changes.superseded)
