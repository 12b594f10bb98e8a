"""Atomic output: a file is written under a temporary name that replaces the target on
success, so readers see the old file or the whole new one. Every output of a run goes
through :func:`atomic_open` (records, batches, the report, the flows' spools and plans)."""
from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


class OutputError(Exception):
    """The output cannot be written (unwritable directory, full disk)."""


def output_dir(path: Path) -> Path:
    """``path``, created if need be; an OSError becomes :class:`OutputError`."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write to {path}: {exc.strerror or exc}") from None
    return path


def _create_temp(path: Path) -> tuple[int, str]:
    """A new file beside ``path``, created 0666 less the umask like any file the user
    makes (``tempfile.mkstemp`` would make it 0600, private to the run's user)."""
    while True:
        tmp = str(path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp"))
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


@contextmanager
def atomic_open(path: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """Write ``path`` atomically through the file this yields (text UTF-8, or bytes);
    an OSError becomes :class:`OutputError`, and an exception in the block keeps the old
    file and removes the temporary one."""
    path = Path(path)
    output_dir(path.parent)
    try:
        fd, tmp = _create_temp(path)
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class AtomicJsonl:
    """Write records to ``path`` atomically, one JSON object a line."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._open = atomic_open(self.path)
        self._fh: IO[str] | None = None

    def __enter__(self) -> "AtomicJsonl":
        self._fh = self._open.__enter__()
        return self

    def write(self, record: dict[str, Any]) -> None:
        self.write_line(json.dumps(record, ensure_ascii=False) + "\n")

    def write_line(self, line: str) -> None:
        """A record already serialised (one JSON line, with its newline)."""
        assert self._fh is not None
        self._fh.write(line)

    def __exit__(self, *exc_info: Any) -> None:
        self._open.__exit__(*exc_info)


def write_batch(path: Path, records: list[Any]) -> None:
    """One batch's records as a file of its own, complete or absent."""
    with AtomicJsonl(path) as out:
        for record in records:
            out.write(record)
