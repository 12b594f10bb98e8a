"""The store's two databases behind one small interface, chosen by the path: an SQLite file
(the default, embedded) or a PostgreSQL server (``postgresql://...``, psycopg 3).

A backend gives the store its connection (``db``: ``execute``, ``executemany``,
``in_transaction``), a transaction, an integrity check and the one-writer guard. The SQL
is written in SQLite's dialect, the store's (:mod:`cleaners.store.tables`) and its users'
(the corpus's tables); :class:`PostgresConnection` translates it once per statement:
``?`` parameters, ``BIGINT``/``DOUBLE PRECISION``/``BYTEA``/``TEXT COLLATE "C"`` columns
(64-bit keys, double timestamps, blobs, byte-order text as in SQLite), identity columns for
SQLite's ``INTEGER PRIMARY KEY``, ``INSERT OR REPLACE``/``OR IGNORE`` as ``ON CONFLICT``
upserts.
"""
from __future__ import annotations

import hashlib
import os
import re
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cleaners.store.lock import LockError, WriterLock

POSTGRES = ("postgresql://", "postgres://")


class StoreError(Exception):
    """The store cannot be used: unreadable, another version, or built with other settings."""


class Backend(Protocol):
    db: Any  # execute(sql, params) -> rows, executemany(sql, rows), in_transaction
    shown: str  # the store's name in messages (no password)

    def create(self, schema: str) -> None: ...
    def transaction(self) -> Any: ...
    def integrity(self) -> str: ...
    def close(self) -> None: ...


def open_backend(path: str) -> Backend:
    """PostgreSQL for a ``postgresql://`` URL, else SQLite (``:memory:``: in RAM)."""
    return PostgresBackend(path) if path.startswith(POSTGRES) else SQLiteBackend(path)


class SQLiteBackend:
    """One SQLite file, WAL journal; its writer lock is a ``flock`` beside it (lock.py)."""

    def __init__(self, path: str) -> None:
        self.shown = path
        self.lock = WriterLock(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            try:
                self.lock.acquire()
            except LockError as exc:
                raise StoreError(str(exc)) from None
        try:
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            self.lock.release()
            raise StoreError(f"cannot open the index {path}: {exc}") from None

    def create(self, schema: str) -> None:
        try:
            self.db.executescript(schema)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(f"cannot open the index {self.shown}: {exc}") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:  # disk full, read-only, locked
            raise StoreError(f"cannot write the index {self.shown}: {exc}") from None

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self.db.close()
        self.lock.release()


# the advisory lock that makes a PostgreSQL store's writer the only one: one store per database
LOCK_KEY = int.from_bytes(hashlib.sha1(b"newsclean store writer").digest()[:8], "big",
                          signed=True)
LOCK_TRIES, LOCK_WAIT = 10, 0.2  # seconds: how long a dead holder's session may take to end


class PostgresBackend:
    """A PostgreSQL database. The writer holds a session advisory lock
    (``pg_try_advisory_lock``), taken without waiting: a second opener is refused, and the
    server drops the lock when its holder's connection ends, ``kill -9`` included."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.errors = psycopg.Error
        self.url, self.shown = url, shown_url(url)
        me = f"newsclean pid {os.getpid()} on {socket.gethostname()}"
        try:
            self.conn = psycopg.connect(url, autocommit=True, application_name=me[:63])
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the index {self.shown}: {exc}") from None
        holder = self._locked()
        if holder is not None:
            self.conn.close()
            raise StoreError(f"{self.shown} is held by {holder}: another run is writing this "
                             "store, and a store has one writer at a time")
        self.db = PostgresConnection(self.conn, self.shown)

    def _locked(self) -> str | None:
        """Take the writer lock; else name its holder. A holder whose session is ending (a
        killed client's, which the server has not yet reaped) is waited for a moment."""
        for _ in range(LOCK_TRIES):
            if self.conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
                return None
            row = self.conn.execute(
                "SELECT a.application_name, a.pid FROM pg_locks l JOIN pg_stat_activity a "
                "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.database "
                "= (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND l.classid = %s AND l.objid = %s",
                ((LOCK_KEY >> 32) & 0xFFFFFFFF, LOCK_KEY & 0xFFFFFFFF)).fetchone()
            if row is not None:
                return f"{row[0] or 'a client'} (server process {row[1]})"
            time.sleep(LOCK_WAIT)
        return "a session that is ending"

    def create(self, schema: str) -> None:
        with self.transaction():
            for statement in statements(schema):
                self.db.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            with self.conn.transaction():
                yield
        except self.errors as exc:
            raise StoreError(f"cannot write the index {self.shown}: {exc}") from None

    def integrity(self) -> str:
        """The server keeps its tables consistent; this checks that the store answers."""
        self.conn.execute("SELECT count(*) FROM meta").fetchone()
        return "ok"

    def close(self) -> None:
        with suppress(self.errors):  # a broken connection's session holds nothing
            self.conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))  # now, not when
        self.conn.close()                                          # the server reaps it


def shown_url(url: str) -> str:
    """``postgresql://HOST:PORT/DB``, without user or password."""
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(url)
    return f"postgresql://{info.get('host', '')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def statements(script: str) -> list[str]:
    """An SQL script's statements, comments dropped (no ``;`` in the schema's literals)."""
    text = re.sub(r"--[^\n]*", "", script)
    return [s.strip() for s in text.split(";") if s.strip()]


@dataclass
class Table:
    columns: list[str]
    key: list[str]  # the conflict target of an upsert: the primary key, else the unique column
    rowid: str | None  # SQLite's rowid alias (its INTEGER PRIMARY KEY column)


TYPES = {"INTEGER": "BIGINT", "REAL": "DOUBLE PRECISION", "BLOB": "BYTEA",
         "TEXT": 'TEXT COLLATE "C"'}
CREATE = re.compile(r"CREATE (TEMP )?TABLE IF NOT EXISTS (\w+)\s*\((.*)\)\s*(WITHOUT ROWID)?$",
                    re.S)
UPSERT = re.compile(r"INSERT OR (REPLACE|IGNORE) INTO (\w+)\s*(\([^)]*\))?")


def split_columns(body: str) -> list[str]:
    """A table body's definitions, split at the commas outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    return parts + [body[start:].strip()]


def create_table(match: re.Match) -> tuple[str, Table]:
    """A ``CREATE TABLE`` in PostgreSQL's types, and the table's columns and keys."""
    temp, name, body = match.group(1) or "", match.group(2), match.group(3)
    defs, columns, key, unique, rowid = [], [], [], [], None
    for part in split_columns(body):
        if part.upper().startswith("PRIMARY KEY"):
            key = [c.strip() for c in part[part.index("(") + 1:part.rindex(")")].split(",")]
            defs.append(part)
            continue
        column, kind, *rest = part.split()
        extra = " ".join(rest)
        columns.append(column)
        if kind == "INTEGER" and extra.startswith("PRIMARY KEY"):
            rowid, key = column, [column]
            defs.append(f"{column} BIGINT GENERATED BY DEFAULT AS IDENTITY {extra}")
            continue
        if "PRIMARY KEY" in extra:
            key = [column]
        if "UNIQUE" in extra:
            unique.append(column)
        defs.append(f"{column} {TYPES[kind]} {extra}".rstrip())
    sql = f"CREATE {temp}TABLE IF NOT EXISTS {name} ({', '.join(defs)})"
    return sql, Table(columns, key or unique[:1], rowid)


class PostgresConnection:
    """The SQLite-dialect connection the store's tables use, on a psycopg connection. A
    lost connection (the server down or ending it) is a :class:`StoreError`, as a failed
    commit is, so a run reading the index when it happens stops with the reason."""

    def __init__(self, conn: Any, shown: str = "") -> None:
        self.conn, self.shown = conn, shown
        self.tables: dict[str, Table] = {}
        self.known: dict[str, str] = {}  # statement -> its translation

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.conn.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence = ()) -> Any:
        with self._connected():
            return self.conn.execute(self.translated(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None:
        with self._connected(), self.conn.cursor() as cur:
            cur.executemany(self.translated(sql), rows)

    @contextmanager
    def _connected(self) -> Iterator[None]:
        from psycopg import OperationalError

        try:
            yield
        except OperationalError as exc:
            raise StoreError(f"cannot use the index {self.shown}: {exc}") from None

    def translated(self, sql: str) -> str:
        found = self.known.get(sql)
        if found is None:
            found = self.known[sql] = _translated(sql, self.tables)
        return found


def _translated(sql: str, tables: dict[str, Table]) -> str:
    created = CREATE.match(sql.strip())
    if created:
        sql, tables[created.group(2)] = create_table(created)
    upsert = UPSERT.match(sql)
    if upsert:
        sql = upserted(sql, upsert, tables[upsert.group(2)])
    if "rowid" in sql:
        sql = re.sub(r"\browid\b", _rowid(sql, tables), sql)
    return sql.replace("?", "%s")


def upserted(sql: str, match: re.Match, table: Table) -> str:
    """``INSERT OR REPLACE``/``OR IGNORE`` as ``INSERT ... ON CONFLICT``."""
    kind, name, listed = match.groups()
    columns = ([c.strip() for c in listed[1:-1].split(",")] if listed
               else table.columns)
    sql = f"INSERT INTO {name} {listed or ''}" + sql[match.end():]
    updates = [f"{c} = EXCLUDED.{c}" for c in columns if c not in table.key]
    if kind == "IGNORE" or not updates:
        return f"{sql} ON CONFLICT DO NOTHING"
    return f"{sql} ON CONFLICT ({', '.join(table.key)}) DO UPDATE SET {', '.join(updates)}"


def _rowid(sql: str, tables: dict[str, Table]) -> str:
    found = re.search(r"\bFROM (\w+)", sql)
    column = tables[found.group(1)].rowid if found and found.group(1) in tables else None
    if column is None:
        raise StoreError(f"no rowid column for PostgreSQL in: {sql}")
    return column
