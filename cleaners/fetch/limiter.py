"""A polite per-host request rate, shared by the threads fetching one batch."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable


class HostLimiter:
    """At least ``delay`` seconds between the starts of two requests to one host.

    Each caller reserves the next free slot of its host under the lock and sleeps outside
    it, so threads fetching other hosts are never held up by a slow host's queue.
    ``clock`` and ``sleep`` are injectable for tests.
    """

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = max(0.0, delay)
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> float:
        """Block until a request to ``host`` may start; returns the seconds waited."""
        key = host.lower()
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(key, now))
            self._next[key] = slot + self.delay
        pause = slot - now
        if pause > 0:
            self._sleep(pause)
        return pause
