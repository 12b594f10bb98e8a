"""What keeps a story index's memory bounded over a long stream, as a collaborator of
:class:`~cleaners.corpus.stories.index.StoryIndex`: stories whose last report is far behind
the newest article leave memory (an archive keeps them) and come back when a late report
may join them. Without an archive nothing leaves."""
from __future__ import annotations

from typing import Any, Protocol

from cleaners.config import StoriesConfig
from cleaners.corpus.stories.docfreq import Delta
from cleaners.corpus.stories.model import DAY, Story


class Archive(Protocol):
    """Where an index's saved state lives (a store): read through these, written by the
    store from :meth:`StoryIndex.pending`."""

    def state(self) -> tuple[int, float | None]:
        """(documents counted, the newest date seen)."""

    def stories_since(self, horizon: float | None) -> list[dict[str, Any]]:
        """The saved stories last active at or after ``horizon`` (None: all)."""

    def doc_freq(self) -> Delta:
        """The document frequencies of every term counted so far."""

    def story_of(self, ids: list[str]) -> dict[str, str]:
        """The stories of saved articles among ``ids``."""

    def open_on(self, days: list[int], window: float, skip: set[str],
                terms: set[str]) -> list[dict[str, Any]]:
        """Saved stories open on any of ``days`` holding one of ``terms``, but ``skip``."""


class StoryMemory:
    """Which stories an index holds: retirement and recall, and the clock they run by."""

    def __init__(self, config: StoriesConfig, archive: Archive | None,
                 newest: float | None = None) -> None:
        self.config, self.archive = config, archive
        self.newest = newest  # the newest article date seen
        self.batches = 0  # batches added (the clock of ``recalled``)
        self.recalled: dict[str, int] = {}  # stories brought back from the archive -> when

    def advance(self, when: float | None) -> None:
        if when is not None and (self.newest is None or when > self.newest):
            self.newest = when
        self.batches += 1

    def retiring(self, stories: dict[str, Story], dirty: set[str]) -> list[str]:
        """The stories to drop from memory: last report ``retire_days`` older than the newest
        article seen (``long_window_days`` for a story of two or more reports, open as long).
        Only with an archive that keeps them, only stories it has saved, and not a story
        recalled for a late report in the last ``recall_batches`` batches."""
        if self.newest is None or self.archive is None:
            return []
        c = self.config
        horizon = self.newest - c.retire_days * DAY
        longer = self.newest - max(c.retire_days, c.long_window_days) * DAY
        grace = self.batches - c.recall_batches
        old = [sid for sid, st in stories.items()
               if st.last is not None and st.last < (longer if st.count >= 2 else horizon)
               and sid not in dirty and self.recalled.get(sid, grace) <= grace]
        for sid in old:
            self.recalled.pop(sid, None)
        return old

    def recall(self, late: list[tuple[float, list[str]]], held: set[str]) -> list[Story]:
        """The retired stories that articles dated before the retirement horizon may join:
        those open on their days whose centroid holds one of the articles' heaviest terms,
        the only terms through which a story is found (``late``: each article's date and
        those terms). bench/load.py, where many reports arrive days late, recalled ~2,600
        stories a batch without the term test."""
        if self.archive is None or self.newest is None:
            return []
        horizon = self.newest - (self.config.retire_days - self.config.window_days) * DAY
        late = [(when, terms) for when, terms in late if when < horizon]
        days = sorted({int(when // DAY) for when, _ in late})
        if not days:
            return []
        wanted = {t for _, terms in late for t in terms}
        back = [Story(**raw) for raw in
                self.archive.open_on(days, self.config.window_days * DAY, held, wanted)]
        self.recalled.update((story.id, self.batches) for story in back)
        return back

    def forget(self, sid: str) -> None:
        self.recalled.pop(sid, None)
