"""The store's tables. Integers that are unsigned 64-bit hashes in Python are stored as
signed 64-bit (SQLite's INTEGER): see :func:`signed` and :func:`unsigned`."""
from __future__ import annotations

from collections.abc import Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batches (run TEXT NOT NULL, n INTEGER NOT NULL,
    records INTEGER NOT NULL, PRIMARY KEY (run, n)) WITHOUT ROWID;
-- dedupe: one row per indexed record, in the order seen (idx); parent is union-find
CREATE TABLE IF NOT EXISTS records (idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    date TEXT NOT NULL, parent INTEGER NOT NULL, size INTEGER NOT NULL, sig BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS exact (key INTEGER PRIMARY KEY, idx INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bands (key INTEGER PRIMARY KEY, idxs BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS superseded (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
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
-- reuse: every article by the order seen (its key), and per sampled 5-gram (signed) the keys
-- of the first articles that have it (an int64 array)
CREATE TABLE IF NOT EXISTS reuse_docs (key INTEGER PRIMARY KEY, id TEXT NOT NULL,
    date TEXT NOT NULL, time REAL);
CREATE TABLE IF NOT EXISTS reuse_grams (gram INTEGER PRIMARY KEY, keys BLOB NOT NULL);
"""

_TOP = 1 << 63
CHUNK = 500  # host parameters per IN (...) list (SQLite allows 999 in old builds)


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def signed(value: int) -> int:
    """An unsigned 64-bit integer as SQLite stores it."""
    return value - (1 << 64) if value >= _TOP else value


def unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value
