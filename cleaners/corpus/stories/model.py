"""A story: the sum of its members' unit term vectors, the dates it covers and its first
report; plain data, saved as JSON by a store."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

DAY = 86400.0


def timestamp(date: str | None) -> float | None:
    """Seconds since the epoch of an ISO 8601 date or datetime (naive = UTC); None if unreadable."""
    if not date:
        return None
    try:
        dt = datetime.fromisoformat(date.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


@dataclass
class Story:
    """One story: the sum of its members' unit term vectors and the dates it covers."""

    id: str
    centroid: dict[str, float] = field(default_factory=dict)
    count: int = 0
    start: float | None = None
    end: float | None = None  # the newest report's date: the window slides with it
    first: str | None = None
    first_time: float | None = None
    touched: float | None = None  # the newest date seen when it last gained a report
    sq: float | None = None  # squared norm of the IDF-weighted centroid when it last changed
    words: int = 0  # content words of its members, summed (what kind of text it holds)

    @property
    def last(self) -> float | None:
        """When it was last active: its last report's date, or, when all its reports are
        undated, the newest date seen when it gained one (so undated stories retire too)."""
        return self.end if self.end is not None else self.touched

    @property
    def mean_words(self) -> float:
        return self.words / self.count if self.count else 0.0

    def add(self, vec: dict[str, float], when: float | None, words: int) -> None:
        for term, v in vec.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + v
        self.count += 1
        self.words += words
        self.cover(when)

    def cover(self, when: float | None) -> None:
        """Stretch the date range to ``when``."""
        if when is not None:
            self.start = when if self.start is None else min(self.start, when)
            self.end = when if self.end is None else max(self.end, when)

    def remove(self, vec: dict[str, float], words: int) -> None:
        """Take a member out again (batch refinement); the date range is left as it was."""
        for term, v in vec.items():
            left = self.centroid.get(term, 0.0) - v
            if abs(left) > 1e-9:
                self.centroid[term] = left
            else:
                self.centroid.pop(term, None)
        self.count -= 1
        self.words -= words

    def open_at(self, when: float | None, window: float) -> bool:
        """Undated articles and undated stories meet everything; else the date must fall
        within ``window`` seconds of the story's date range, which grows with each report."""
        if when is None or self.start is None or self.end is None:
            return True
        return self.start - window <= when <= self.end + window
