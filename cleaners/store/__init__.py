"""The store: what later runs need of everything indexed before.

One database, an SQLite file (WAL journal) or a PostgreSQL database (chosen by the path:
:mod:`cleaners.store.backend`), one transaction per batch. The store itself keeps only
what any user of it needs: settings and other small values (``meta``), the keys of inputs
already ingested, the pages to fetch again later (:mod:`cleaners.store.retries`) and the
batches each run finished. Its user declares and owns the other
tables (:meth:`Store.ensure`): the corpus keeps its dedupe and story indexes, per story
text and per article n-gram sets, and its reuse index there (:mod:`cleaners.corpus.tables`).
A scheduled run opens it, adds its batches and never reprocesses old articles.

This package imports nothing of the corpus (tests/test_store.py checks): the corpus uses
the store, never the other way round. All SQL is written in SQLite's dialect (the
PostgreSQL backend translates it).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cleaners.store.backend import StoreError, open_backend
from cleaners.store.retries import PageRetries
from cleaners.store.tables import SCHEMA

VERSION = "6"


class Store:
    """An open store: an SQLite file, ``Store(":memory:")`` in RAM (tests, benchmarks), or a
    PostgreSQL database, ``Store("postgresql://...")`` (:mod:`cleaners.store.backend`). One
    writer at a time: a second opener gets a :class:`StoreError`."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.backend = open_backend(str(path))
        self.path, self.db = self.backend.shown, self.backend.db
        self.schemas: set[str] = set()
        self.ensure(SCHEMA)
        found = self.get_meta("version")
        if found is None:
            self.set_meta("version", VERSION)
        elif found != VERSION:
            self.close()
            raise StoreError(f"{self.path} is a version {found} index; this is version {VERSION}")
        self.seen = SeenKeys(self)
        self.retries = PageRetries(self)

    def ensure(self, schema: str) -> None:
        """Create a user's tables (``CREATE ... IF NOT EXISTS``), once per open store: each
        table family declares its own where it is used, so the store needs to know none.
        Not inside a transaction: SQLite's script runner would commit it half-done."""
        if schema in self.schemas:
            return
        if self.db.in_transaction:
            raise StoreError(f"{self.path}: tables are created outside a batch's transaction")
        self.backend.create(schema)
        self.schemas.add(schema)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One atomic write: everything a batch changed, or nothing."""
        with self.backend.transaction():
            yield self.db

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def check_settings(self, name: str, settings: dict[str, Any]) -> None:
        """An index is only valid under the settings it was built with (signatures, bands,
        n-gram sizes): record them on first use, refuse others later."""
        text = json.dumps(settings, sort_keys=True)
        found = self.get_meta(f"settings.{name}")
        if found is None:
            self.set_meta(f"settings.{name}", text)
        elif found != text:
            raise StoreError(f"{self.path} was built with other {name} settings: {found}")

    def integrity(self) -> str:
        return self.backend.integrity()

    # -- batches finished by a run (resume) ---------------------------------------------------
    def finished_batches(self, run: str) -> dict[int, int]:
        """Batch number -> records written, for the batches ``run`` committed."""
        rows = self.db.execute("SELECT n, records FROM batches WHERE run = ?", (run,))
        return dict(rows.fetchall())

    def finish_batch(self, run: str, n: int, records: int) -> None:
        """Mark a batch done; call inside the batch's transaction."""
        self.db.execute("INSERT OR REPLACE INTO batches VALUES (?, ?, ?)", (run, n, records))

    def unfinished_runs(self) -> list[str]:
        """Runs that committed batches but never finished (killed, crashed), by name."""
        rows = self.db.execute("SELECT DISTINCT run FROM batches ORDER BY run")
        return [r[0] for r in rows.fetchall()]

    def forget_run(self, run: str) -> None:
        self.db.execute("DELETE FROM batches WHERE run = ?", (run,))


class SeenKeys:
    """Keys of inputs already ingested (URLs, content hashes, inbox files)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def unseen(self, keys: list[str]) -> set[str]:
        db = self.store.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS want_keys(key TEXT PRIMARY KEY)")
        db.execute("DELETE FROM want_keys")
        db.executemany("INSERT OR IGNORE INTO want_keys VALUES (?)", ((k,) for k in keys))
        rows = db.execute("SELECT w.key FROM want_keys w LEFT JOIN seen s ON s.key = w.key "
                          "WHERE s.key IS NULL").fetchall()
        return {r[0] for r in rows}

    def add(self, keys: list[str]) -> None:
        """Mark keys ingested; inside the caller's transaction when one is open."""
        db = self.store.db
        if db.in_transaction:
            db.executemany("INSERT OR IGNORE INTO seen VALUES (?)", ((k,) for k in keys))
            return
        with self.store.transaction():
            db.executemany("INSERT OR IGNORE INTO seen VALUES (?)", ((k,) for k in keys))
