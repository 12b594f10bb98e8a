"""The corpus step of a run: dedupe, stories and scores, batch by batch, in one process.

Per-article steps run anywhere (worker processes); this step sees every batch in input
order and keeps what later batches need: the dedupe and story indexes, and per story the
members' n-gram sets, facts and lengths for the scores.
"""
from __future__ import annotations

from bisect import insort
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from cleaners.corpus.completeness import completeness, facts, key_facts
from cleaners.config import DedupeConfig, StoriesConfig
from cleaners.corpus.dedupe import DedupeIndex
from cleaners.corpus.originality import Shingles, originality, shingles
from cleaners.corpus.stories import StoryIndex
from cleaners.record import Article


Rank = tuple[str, int]  # (date, or a sentinel after every date; order seen): earlier sorts first


@dataclass
class StoryText:
    """What the scores need of a story: per n-gram the earliest member that has it, how
    many members carry each fact, and the members' lengths (sorted, for the median)."""

    holders: dict[int, tuple[Rank, str]] = field(default_factory=dict)
    fact_counts: Counter[str] = field(default_factory=Counter)
    lengths: list[int] = field(default_factory=list)
    key: dict[str, int] | None = None  # key facts, recomputed after the story grows

    def add(self, art_id: str, rank: Rank, grams: set[int], text: str) -> None:
        for gram in grams:
            held = self.holders.get(gram)
            if held is None or rank < held[0]:
                self.holders[gram] = (rank, art_id)
        self.fact_counts.update(facts(text))
        insort(self.lengths, len(text.split()))
        self.key = None

    def median_words(self) -> float:
        n = len(self.lengths)
        return (self.lengths[(n - 1) // 2] + self.lengths[n // 2]) / 2 if n else 0.0

    def key_facts(self) -> dict[str, int]:
        if self.key is None:
            self.key = key_facts(self.fact_counts, len(self.lengths))
        return self.key

    def source(self, rank: Rank, canonical: str | None,
               canonical_grams: set[int]) -> Callable[[int], str | None]:
        """Who had an n-gram before a member of this rank (its canonical copy counts too)."""
        def find(gram: int) -> str | None:
            held = self.holders.get(gram)
            if held is not None and held[0] < rank:
                return held[1]
            return canonical if gram in canonical_grams else None
        return find


class CorpusStage:
    def __init__(self, dedupe: DedupeConfig | None = None, stories: StoriesConfig | None = None):
        self.dedupe = DedupeIndex(dedupe or DedupeConfig())
        self.stories = StoryIndex(stories or StoriesConfig())
        self.stories_text: dict[str, StoryText] = defaultdict(StoryText)
        self.grams_of: dict[str, set[int]] = {}  # canonical copies only: duplicates point here
        self.seen = 0
        self.demoted: set[str] = set()

    def add_batch(self, arts: list[Article]) -> None:
        """Set duplicate_of, story, first_report, scores and reused on a batch's records."""
        live = [a for a in arts if a.status == "ok" and a.body]
        self.dedupe.add_batch(live)
        self.demoted.update(self.stories.add_batch(live))
        batch = [(art, shingles(art.body or "")) for art in live]
        ranks = [self._remember(art, grams) for art, grams in batch]
        for (art, grams), rank in zip(batch, ranks):
            self._score(art, grams, rank)

    def needs_amending(self) -> bool:
        return bool(self.demoted or self.dedupe.repointed)

    def amend(self, record: dict) -> bool:
        """Correct a record of an earlier batch: a first report that an earlier-dated report
        later displaced, a duplicate whose canonical copy changed. True when it changed."""
        changed = False
        if record["id"] in self.demoted and record.get("first_report"):
            record["first_report"], changed = False, True
        repointed = self.dedupe.repointed
        if record["id"] in repointed and record.get("duplicate_of") is None:
            record["duplicate_of"], changed = repointed[record["id"]], True
        elif record.get("duplicate_of") in repointed:
            record["duplicate_of"], changed = repointed[record["duplicate_of"]], True
        return changed

    def _story(self, art: Article) -> StoryText:
        return self.stories_text[art.story or f"solo:{art.id}"]

    def _remember(self, art: Article, grams: Shingles) -> Rank:
        rank = (art.date or "~", self.seen)
        self.seen += 1
        hashes = set(grams.hashes)
        self._story(art).add(art.id, rank, hashes, art.body or "")
        if art.duplicate_of is None:
            self.grams_of[art.id] = hashes
        return rank

    def _score(self, art: Article, grams: Shingles, rank: Rank) -> None:
        story = self._story(art)
        canonical = art.duplicate_of
        source = story.source(rank, canonical, self.grams_of.get(canonical or "", set()))
        score, reused = originality(art.body or "", grams, source)
        complete, parts = completeness(art, story.median_words(), story.key_facts())
        art.scores.update(completeness=complete, originality=score)
        art.reused = reused
        art.signals["completeness"] = parts
