"""Atomic JSONL output: records go to a temporary file that replaces the target on success."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any


class OutputError(Exception):
    """The output cannot be written (unwritable directory, full disk)."""


class AtomicJsonl:
    """Write records to ``path`` so that readers see the old file or the whole new one."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fh: IO[str] | None = None
        self._tmp: str | None = None

    def __enter__(self) -> "AtomicJsonl":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                             dir=self.path.parent)
        except OSError as exc:
            raise OutputError(f"cannot write to {self.path.parent}: {exc.strerror or exc}") from None
        self._fh = os.fdopen(fd, "w", encoding="utf-8")
        return self

    def write(self, record: dict[str, Any]) -> None:
        assert self._fh is not None
        try:
            self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}") from None

    def write_line(self, line: str) -> None:
        """A record already serialised (one JSON line, with its newline)."""
        assert self._fh is not None
        try:
            self._fh.write(line)
        except OSError as exc:
            raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}") from None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._fh is not None and self._tmp is not None
        try:
            if exc_type is None:
                self._fh.flush()
                os.fsync(self._fh.fileno())
            self._fh.close()
            if exc_type is None:
                os.replace(self._tmp, self.path)
        except OSError as err:
            raise OutputError(f"cannot write {self.path}: {err.strerror or err}") from None
        finally:
            if os.path.exists(self._tmp):
                os.unlink(self._tmp)


def write_batch(path: Path, records: list[Any]) -> None:
    """One batch's records as a file of its own, complete or absent."""
    with AtomicJsonl(path) as out:
        for record in records:
            out.write(record)
