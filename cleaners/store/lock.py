"""The store's writer lock: one open ``Store`` per file at a time, in any process.

SQLite alone would interleave two writers' batches (each transaction is atomic, a run is
not): two scheduled runs, or a ``serve`` and a work-pool worker, would index the same inputs
twice and read each other's half-written stories. An exclusive ``flock`` on ``INDEX.lock``
beside the database, taken without waiting, refuses the second opener instead. The kernel
drops the lock when its holder exits, ``kill -9`` included, so a crash leaves nothing stale.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class LockError(Exception):
    """The store's writer lock is held by another opener, or cannot be created."""


class WriterLock:
    """An exclusive, non-blocking lock on ``<path>.lock``, which holds the holder's pid. The
    lock lives as long as its file object: closed on release, or when a failed open's
    object is collected."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(f"{path}.lock")
        self.file: IO[str] | None = None

    def acquire(self) -> None:
        try:
            file = open(self.path, "a+", encoding="ascii")  # not inherited by exec'd children
        except OSError as exc:
            raise LockError(f"cannot create the lock {self.path}: {exc}") from None
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            holder = file.read().strip() or "?"
            file.close()
            raise LockError(f"{self.path} is held by process {holder}: another run is "
                            "writing this store, and a store has one writer at a time") from None
        file.truncate(0)
        file.write(f"{os.getpid()}\n")
        file.flush()
        self.file = file

    def release(self) -> None:
        if self.file is not None:
            self.file.close()  # closing the file drops the flock
            self.file = None
