"""Giving freed memory back to the system in long runs (glibc only; elsewhere no-ops).

CPython frees an article's objects when a batch is done, but glibc's malloc keeps the pages
for reuse, spread over one arena per thread (the process pool's result thread unpickles
whole batches in its own). bench/load.py, the main process after 6,000 inputs: 580 MB as
is, 468 MB trimming after each batch, 413 MB trimming with one arena.
"""
from __future__ import annotations

import ctypes
from functools import lru_cache
from typing import Any

M_ARENA_MAX = -8  # mallopt parameter (malloc.h)


@lru_cache(maxsize=1)
def _libc() -> Any:
    """The C library the interpreter runs on (its own symbols: ``ctypes.util.find_library``
    runs ``ldconfig -p`` in a subprocess, 30 ms of every run's start-up)."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def one_arena() -> None:
    """Use a single malloc arena (call before threads start: a worker's initializer)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(M_ARENA_MAX, 1)


def trim() -> None:
    """Return the free pages at the top and inside malloc's heaps to the system."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
