"""The store's own tables (settings, ingested keys, pages to retry, finished batches) and
the helpers its users' tables share. Each user declares its tables itself
(:meth:`cleaners.store.Store.ensure`; the corpus: :mod:`cleaners.corpus.tables`). Integers
that are unsigned 64-bit hashes in Python are stored as signed 64-bit (SQLite's INTEGER):
see :func:`signed` and :func:`unsigned`."""
from __future__ import annotations

from collections.abc import Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batches (run TEXT NOT NULL, n INTEGER NOT NULL,
    records INTEGER NOT NULL, PRIMARY KEY (run, n)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS retries (key TEXT PRIMARY KEY, url TEXT NOT NULL,
    failures INTEGER NOT NULL, retry_at REAL NOT NULL, kind TEXT NOT NULL,
    message TEXT NOT NULL) WITHOUT ROWID;
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
