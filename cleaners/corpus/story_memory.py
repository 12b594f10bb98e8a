"""What keeps a story index's memory bounded over a long stream: stories whose last report
is far behind the newest article leave memory (a store keeps them) and come back when a late
report may join them, and document frequencies are held only for the terms that the
stories in memory and the current batch use (the store keeps them all)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DAY = 86400.0
Reload = Callable[[list[int], float, set[str], set[str]], list[dict[str, Any]]]  # days, window, skip, terms
LoadDf = Callable[[list[str]], dict[str, int]]  # terms -> saved document frequencies


@dataclass
class Story:
    """One story: the sum of its members' unit term vectors and the dates it covers."""

    id: str
    centroid: dict[str, float] = field(default_factory=dict)
    count: int = 0
    start: float | None = None
    end: float | None = None
    first: str | None = None
    first_time: float | None = None
    touched: float | None = None  # the newest date seen when it last gained a report
    sq: float | None = None  # squared norm of the IDF-weighted centroid when it last changed

    @property
    def last(self) -> float | None:
        """When it was last active: its last report's date, or, when all its reports are
        undated, the newest date seen when it gained one (so undated stories retire too)."""
        return self.end if self.end is not None else self.touched

    def add(self, vec: dict[str, float], when: float | None) -> None:
        for term, v in vec.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + v
        self.count += 1
        if when is not None:
            self.start = when if self.start is None else min(self.start, when)
            self.end = when if self.end is None else max(self.end, when)

    def remove(self, vec: dict[str, float]) -> None:
        """Take a member out again (batch refinement); the date range is left as it was."""
        for term, v in vec.items():
            left = self.centroid.get(term, 0.0) - v
            if abs(left) > 1e-9:
                self.centroid[term] = left
            else:
                self.centroid.pop(term, None)
        self.count -= 1

    def open_at(self, when: float | None, window: float) -> bool:
        """Undated articles and undated stories meet everything; else the date must fall
        within ``window`` seconds of the story's date range."""
        if when is None or self.start is None or self.end is None:
            return True
        return self.start - window <= when <= self.end + window


class StoryMemory:
    """Retirement and recall of stories, and document frequencies on demand; mixed into
    :class:`~cleaners.corpus.stories.StoryIndex`, whose fields it uses."""

    def count_terms(self, counts: list[dict[str, Any]]) -> None:
        """Add a batch's documents (their terms: the keys of ``counts``) to the document
        frequencies (loading the stored counts of terms not in memory first)."""
        added: Counter = Counter()
        for c in counts:
            added.update(c.keys())
        if self.load_df is not None:  # a store keeps them: load, and note what to save
            self.df.update(self.load_df([t for t in added if t not in self.df]))
            self.df_added.update(added)
        self.docs += len(counts)
        self.df.update(added)
        self._sq.clear()
        self._idf.clear()

    def retire(self, when: float | None) -> list[str]:
        """Drop from memory the stories whose last report is ``retire_days`` older than the
        newest article seen, and the document frequencies of terms no story in memory uses.
        Only with a store (``reload``) that keeps them, only stories the store has saved, and
        not a story recalled for a late report in the last ``recall_batches`` batches."""
        if when is not None and (self.newest is None or when > self.newest):
            self.newest = when
        if self.newest is None or self.reload is None or self.load_df is None:
            return []
        self.batches += 1
        horizon = self.newest - self.config.retire_days * DAY
        grace = self.batches - self.config.recall_batches
        old = [sid for sid, st in self.stories.items()
               if st.last is not None and st.last < horizon and sid not in self.dirty
               and self.recalled.get(sid, grace) <= grace]
        for sid in old:
            self.postings.remove_all(self.stories.pop(sid).centroid, sid)
            self.recalled.pop(sid, None)
        # all saved: keep only the terms of stories in memory (when the rest is most of it)
        if not self.df_added and len(self.df) > 2 * len(self.postings):
            self.df = Counter({t: n for t, n in self.df.items() if self.postings.get(t)})
        return old

    def reopen(self, late: list[tuple[float, list[str]]]) -> None:
        """Bring back the retired stories that articles dated before the retirement horizon
        may join: those open on their days (``reload`` asks the store) whose centroid holds
        one of the articles' heaviest terms, the only terms through which a story is found
        (``late``: each article's date and those terms). bench/load.py, where many reports
        arrive days late, recalled ~2,600 stories a batch without the term test."""
        if self.reload is None or self.load_df is None or self.newest is None:
            return
        horizon = self.newest - (self.config.retire_days - self.config.window_days) * DAY
        late = [(when, terms) for when, terms in late if when < horizon]
        days = sorted({int(when // DAY) for when, _ in late})
        if not days:
            return
        wanted = {t for _, terms in late for t in terms}
        back = [Story(**raw) for raw in
                self.reload(days, self.config.window_days * DAY, set(self.stories), wanted)]
        missing = {t for story in back for t in story.centroid if t not in self.df}
        self.df.update(self.load_df(sorted(missing)))
        for story in back:
            self._add_story(story)
            self.recalled[story.id] = self.batches

    def _add_story(self, story: Story) -> None:
        self.stories[story.id] = story
        self.postings.add_all(story.centroid, story.id)
