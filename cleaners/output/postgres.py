"""A PostgreSQL table of records: ``articles``, one row per record, keyed by its id, with the
columns a reader queries by and the whole record as JSONB.

When the store is this same database the rows are written on the store's connection in the
transaction that commits the batch's index changes (and the run's last updates in the one
that ends the run): a killed run leaves whole batches, each with its index, and resumes.
Another database gets its own connection and a transaction per batch just before the index
commit; a batch redone after a crash overwrites its rows (the ids are the same).
"""
from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaners.output import Commit
from cleaners.store.backend import PostgresBackend, shown_url
from cleaners.write import OutputError

if TYPE_CHECKING:
    from cleaners.store import Store

TABLE = """CREATE TABLE IF NOT EXISTS articles (
    id TEXT COLLATE "C" PRIMARY KEY, run TEXT NOT NULL, source TEXT, status TEXT, url TEXT,
    site TEXT, title TEXT, date TEXT, language TEXT, story TEXT, duplicate_of TEXT,
    first_report BOOLEAN, completeness DOUBLE PRECISION, originality DOUBLE PRECISION,
    record JSONB NOT NULL)"""
COLUMNS = ("source", "status", "url", "site", "title", "date", "language", "story",
           "duplicate_of")
UPSERT = (f"INSERT INTO articles (id, run, {', '.join(COLUMNS)}, first_report, completeness, "
          f"originality, record) VALUES (%s, %s, {', '.join(['%s'] * len(COLUMNS))}, %s, %s, "
          f"%s, %s::jsonb) ON CONFLICT (id) DO UPDATE SET "
          + ", ".join(f"{c} = EXCLUDED.{c}" for c in
                      ("run", *COLUMNS, "first_report", "completeness", "originality", "record")))
FIRST = ("UPDATE articles SET first_report = %s, record = record || "
         "jsonb_build_object('first_report', %s::boolean) WHERE id = %s")
DUPLICATE = ("UPDATE articles SET duplicate_of = %s, record = record || "
             "jsonb_build_object('duplicate_of', %s::text) WHERE id = %s")


class PostgresOutput:
    def __init__(self, url: str, store: Store) -> None:
        import psycopg

        self.errors, self.shown, self.store = psycopg.Error, shown_url(url), None
        backend = store.backend
        if isinstance(backend, PostgresBackend) and same_database(url, backend.url):
            self.store, self.conn, self.own = store, backend.conn, False
        else:
            me = f"newsclean output pid {os.getpid()} on {socket.gethostname()}"
            try:
                self.conn = psycopg.connect(url, autocommit=True, application_name=me[:63])
            except psycopg.Error as exc:
                raise self._error(exc) from None
            self.own = True
        with self._writing():
            self.conn.execute(TABLE)

    def _error(self, exc: Exception) -> OutputError:
        return OutputError(f"cannot write to {self.shown}: {str(exc).strip()}")

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """psycopg's errors as OutputError (the store's own transaction names them itself)."""
        try:
            yield
        except self.errors as exc:
            raise self._error(exc) from None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """The store's transaction (the index commit nests inside it, a savepoint), or this
        output's own, committed before the index's."""
        if self.store is not None:
            with self.store.transaction():
                yield
            return
        with self._writing(), self.conn.transaction():
            yield

    def batch(self, run: str, records: list[dict], commit: Commit) -> None:
        with self._transaction():
            with self.conn.cursor() as cur:
                cur.executemany(UPSERT, [row(run, r) for r in records])
            if self.store is not None:
                commit()
        if self.store is None:
            commit()

    def finish(self, run: str, out_dir: Path, amended: list[dict], corrections: list[dict],
               commit: Commit) -> None:
        """Rows a later batch of this run amended, rows of earlier runs this run corrected
        (``corrections.jsonl``), then the run's end, together when the store is here."""
        with self._transaction():
            with self.conn.cursor() as cur:
                if amended:
                    cur.executemany(UPSERT, [row(run, r) for r in amended])
                for fix in corrections:
                    if "first_report" in fix:
                        cur.execute(FIRST, (fix["first_report"], fix["first_report"], fix["id"]))
                    if "duplicate_of" in fix:
                        cur.execute(DUPLICATE, (fix["duplicate_of"], fix["duplicate_of"],
                                                fix["id"]))
            if self.store is not None:
                commit()
        if self.store is None:
            commit()

    def close(self) -> None:
        if self.own:
            with suppress(self.errors):  # a broken connection has nothing left to close
                self.conn.close()


def same_database(a: str, b: str) -> bool:
    """Two URLs naming one database (host, port and name; the default port spelled out)."""
    from psycopg.conninfo import conninfo_to_dict

    def where(url: str) -> tuple:
        info = conninfo_to_dict(url)
        return (info.get("host", ""), str(info.get("port", 5432)), info.get("dbname", ""))

    return where(a) == where(b)


def text(value: Any) -> Any:
    """PostgreSQL's text holds no NUL character."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def row(run: str, record: dict) -> tuple:
    scores = record.get("scores") or {}
    data = json.dumps(record, ensure_ascii=False).replace("\\u0000", "\\ufffd")  # nor JSONB
    return (text(record["id"]), run, *(text(record.get(c)) for c in COLUMNS),
            record.get("first_report"), scores.get("completeness"), scores.get("originality"),
            data)
