"""Pages whose fetch failed and that are to be tried again later, with growing delays
(:mod:`cleaners.fetch.ingest` decides when; ``[fetch] retry_delays``). They live in the
store beside the keys of inputs already ingested, so every later run knows them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cleaners.store.tables import chunks

if TYPE_CHECKING:
    from cleaners.store import Store


@dataclass(frozen=True)
class Retry:
    """A page's failures so far; ``retry_at`` (epoch seconds) None: no more attempts
    (given up, or fetched at last)."""

    key: str
    url: str
    failures: int
    retry_at: float | None
    kind: str = ""
    message: str = ""


class PageRetries:
    """The store's table of pages to try again (``retries``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def failed(self, keys: list[str]) -> dict[str, Retry]:
        found: dict[str, Retry] = {}
        for part in chunks(keys):
            marks = ",".join("?" * len(part))
            rows = self.store.db.execute(
                "SELECT key, url, failures, retry_at, kind, message FROM retries "
                f"WHERE key IN ({marks})", part).fetchall()
            found.update((row[0], Retry(*row)) for row in rows)
        return found

    def record(self, retries: list[Retry]) -> None:
        """Save each page's state (one with no next attempt is deleted), in one transaction."""
        with self.store.transaction() as db:
            for retry in retries:
                if retry.retry_at is None:
                    db.execute("DELETE FROM retries WHERE key = ?", (retry.key,))
                else:
                    db.execute("INSERT OR REPLACE INTO retries VALUES (?, ?, ?, ?, ?, ?)",
                               (retry.key, retry.url, retry.failures, retry.retry_at,
                                retry.kind, retry.message[:1000]))

    def pending(self) -> list[Retry]:
        """Every page waiting for its next attempt, soonest first (for operators)."""
        rows = self.store.db.execute("SELECT key, url, failures, retry_at, kind, message "
                                     "FROM retries ORDER BY retry_at").fetchall()
        return [Retry(*row) for row in rows]
