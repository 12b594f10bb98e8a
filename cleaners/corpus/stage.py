"""The corpus step of a run: dedupe, stories and scores, batch by batch, in one process.

Per-article steps run anywhere (worker processes); this step sees every batch in input
order and keeps what later batches need: the dedupe and story indexes, and per story the
members' n-gram sets, facts and lengths for the scores.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from cleaners.corpus.completeness import completeness, facts
from cleaners.corpus.dedupe import DedupeConfig, DedupeIndex
from cleaners.corpus.originality import Shingles, originality, shingles
from cleaners.corpus.stories import StoriesConfig, StoryIndex
from cleaners.record import Article


@dataclass
class Member:
    id: str
    rank: tuple[str, int]  # (date or a sentinel after every date, order seen): 'earlier' sorts first
    grams: set[int]
    facts: set[str]
    words: int


class CorpusStage:
    def __init__(self, dedupe: DedupeConfig | None = None, stories: StoriesConfig | None = None):
        self.dedupe = DedupeIndex(dedupe or DedupeConfig())
        self.stories = StoryIndex(stories or StoriesConfig())
        self.members: dict[str, list[Member]] = defaultdict(list)
        self.by_id: dict[str, Member] = {}
        self.seen = 0
        self.demoted: set[str] = set()

    def add_batch(self, arts: list[Article]) -> None:
        """Set duplicate_of, story, first_report, scores and reused on a batch's records."""
        live = [a for a in arts if a.status == "ok" and a.body]
        self.dedupe.add_batch(live)
        self.demoted.update(self.stories.add_batch(live))
        batch = [(art, shingles(art.body or "")) for art in live]
        members = [self._remember(art, grams) for art, grams in batch]
        for (art, grams), member in zip(batch, members):
            self._score(art, grams, member)

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

    def _remember(self, art: Article, grams: Shingles) -> Member:
        member = Member(art.id, (art.date or "~", self.seen), set(grams.hashes),
                        facts(art.body or ""), len((art.body or "").split()))
        self.seen += 1
        self.by_id[art.id] = member
        self.members[art.story or f"solo:{art.id}"].append(member)
        return member

    def _score(self, art: Article, grams: Shingles, member: Member) -> None:
        story = self.members[art.story or f"solo:{art.id}"]
        earlier = [m for m in story if m.rank < member.rank]
        canonical = self.by_id.get(art.duplicate_of or "")
        if canonical is not None and canonical not in earlier:
            earlier.append(canonical)
        earlier.sort(key=lambda m: m.rank)
        score, reused = originality(art.body or "", grams,
                                    [(m.id, m.grams) for m in earlier])
        complete, parts = completeness(art, [m.words for m in story], [m.facts for m in story])
        art.scores.update(completeness=complete, originality=score)
        art.reused = reused
        art.signals["completeness"] = parts
