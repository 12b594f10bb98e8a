"""Completeness: is the article whole, does it carry its metadata, does it cover the story?

Parts, each in [0, 1], kept in ``signals["completeness"]``:
- ``whole``: 0 when a paywall or "continue reading" wall cut it, else 1;
- ``metadata``: has a title, a date, and an author or credit line;
- ``length``: its length against the median of its story's reports (1 at or above it);
- ``key_facts``: the share of the story's key facts it carries: the names and numbers
  that most reports of the story carry (a lone report is judged on nothing and gets 1).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from cleaners.record import Article

CAPITALISED = re.compile(r"\b[A-Z][\w'\u2019-]{2,}")
NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
SENTENCE_START = re.compile(r"(?:^|[.!?:;\"\u201c\u201d\u2018\u2019(\[\u2014\u2013-])\s*$")


@dataclass(frozen=True)
class CompletenessWeights:
    """How much each part counts. Covering the story (facts, length) weighs most: a
    headline and a byline do not make a summary complete (shared/gold/seeds.json orders
    full reports without titles above a titled summary)."""

    whole: float = 0.25
    metadata: float = 0.1
    length: float = 0.25
    key_facts: float = 0.4


def facts(text: str) -> set[str]:
    """Names (capitalised words that do not open a sentence, line or quote) and numbers."""
    names = set()
    for line in text.splitlines():
        for match in CAPITALISED.finditer(line):
            if not SENTENCE_START.search(line[max(0, match.start() - 3):match.start()]):
                names.add(re.sub(r"['\u2019]s$", "", match.group(0)))
    return names | set(NUMBER.findall(text))


def key_facts(counts: Counter[str], reports: int, min_share: float = 0.5) -> dict[str, int]:
    """Facts that at least half of a story's reports (and at least two) carry, with the
    number of reports that carry each: a fact all reports carry weighs most.
    ``counts`` is, per fact, how many of the story's ``reports`` carry it."""
    if reports < 2:
        return {}
    needed = max(2, min_share * reports)
    return {f: n for f, n in counts.items() if n >= needed}


def completeness(art: Article, median_words: float, key: dict[str, int],
                 weights: CompletenessWeights = CompletenessWeights(),
                 mine: set[str] | None = None) -> tuple[float, dict]:
    """(score, parts) of ``art`` given its story's median length and key facts (``mine``:
    :func:`facts` of its body, when computed already)."""
    words = len((art.body or "").split())
    has = [bool(art.title), bool(art.date), bool(art.authors or art.credit)]
    if mine is None:
        mine = facts(art.body or "")
    parts = {
        "whole": 0.0 if art.truncated else 1.0,
        "metadata": round(sum(has) / len(has), 4),
        "length": round(min(1.0, words / median_words), 4) if median_words else 1.0,
        "key_facts": round(sum(n for f, n in key.items() if f in mine) / sum(key.values()), 4)
        if key else 1.0,
    }
    score = sum(getattr(weights, name) * value for name, value in parts.items())
    return round(score, 4), parts
