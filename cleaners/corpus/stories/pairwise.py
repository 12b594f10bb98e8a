"""Whether a full-text report belongs to a story: a pairwise model learned on labelled events,
as Miranda et al. (EMNLP 2018) do, in place of one hand-tuned cosine cut.

The evidence is kept apart by field: the cosine of the report with the story's centroid on
each of its term fields (the text's words and pairs, the title, the lead, the names), the
whole cosine, how far the report's date lies outside the story's dates and how long the two
texts are. A logistic regression over those features (standardised) gives the probability
that the report is of the story; it joins the most likely open story at probability 0.5,
the model's own boundary. Headlines keep the cosine thresholds (a headline has too few
terms for fields to say anything apart).

The model ships as data (``cleaners/data/story_model.json``) written deterministically by
``scripts/train_story_model.py`` from the dev events in ``../shared``; nothing is fetched.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import mul
from pathlib import Path

from cleaners.corpus.stories.model import DAY, Story

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "data" / "story_model.json"
FIELDS = ("", "t:", "l:", "n:")  # the text, the title, the lead, the names (see terms.py)
NAMES = ("cosine", "text", "title", "lead", "names", "gap", "words", "size")


def _field(term: str) -> str:
    return term[:2] if term[1:2] == ":" else ""


Field = tuple[str, tuple[str, ...], tuple[float, ...]]  # field, its terms, their weights
Parts = tuple[tuple[Field, ...], dict[str, float]]


def split(wvec: dict[str, float]) -> Parts:
    """A report's weighted vector cut into its fields, with each field's squared length:
    computed once per report, not once per story it is compared with."""
    parts: dict[str, list[tuple[str, float]]] = {f: [] for f in FIELDS}
    for term, w in wvec.items():
        parts[_field(term)].append((term, w))
    return (tuple((f, tuple(t for t, _ in tw), tuple(w for _, w in tw))
                  for f, tw in parts.items()),
            {f: sum(w * w for _, w in tw) for f, tw in parts.items()})


def field_norms(story: Story, idf: dict[str, float]) -> dict[str, float]:
    """The squared length of each field of a story's IDF-weighted centroid."""
    sq = dict.fromkeys(FIELDS, 0.0)
    for term, c in story.centroid.items():
        sq[_field(term)] += (c * idf[term]) ** 2
    return sq


def features(parts: Parts, when: float | None, words: int, story: Story,
             idf: dict[str, float], cosine: float,
             story_sq: dict[str, float] | None = None) -> list[float]:
    """The features of a report (``parts``: :func:`split` of its unit TF-IDF vector times the
    IDF) against a story (``story_sq``: its :func:`field_norms`, when known), in the order of
    :data:`NAMES`."""
    centroid, (fields, a_sq) = story.centroid, parts
    c_sq = story_sq if story_sq is not None else field_norms(story, idf)
    cells = []
    for f, terms, weights in fields:  # sum(w * centroid.get(t, 0.0) * idf[t]), at C speed
        dot = sum(map(mul, map(mul, weights, map(centroid.get, terms, repeat(0.0))),
                      map(idf.__getitem__, terms)))
        cells.append(dot / math.sqrt(a_sq[f] * c_sq[f]) if a_sq[f] and c_sq[f] else 0.0)
    return [cosine, *cells, math.log1p(_gap_days(when, story)),
            math.log1p(min(words, story.mean_words or words)), math.log1p(story.count)]


def _gap_days(when: float | None, story: Story) -> float:
    """Days between ``when`` and the story's date range (0 inside it or undated)."""
    if when is None or story.start is None or story.end is None:
        return 0.0
    return max(story.start - when, when - story.end, 0.0) / DAY


@dataclass(frozen=True)
class PairModel:
    """A logistic regression on standardised features."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    trained_on: str = ""

    def contributions(self, x: list[float]) -> list[float]:
        """Each feature's share of the log-odds (the explanation of a decision)."""
        return [w * (v - m) / s for w, v, m, s in zip(self.weights, x, self.mean, self.scale)]

    def probability(self, x: list[float]) -> float:
        z = self.bias + sum(self.contributions(x))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def explain(self, x: list[float]) -> dict[str, object]:
        parts = self.contributions(x)
        return {"probability": round(self.probability(x), 4),
                "features": {n: round(v, 4) for n, v in zip(NAMES, x)},
                "contributions": {n: round(c, 3) for n, c in zip(NAMES, parts)},
                "bias": round(self.bias, 3)}

    def to_json(self) -> str:
        return json.dumps({"names": NAMES, "mean": self.mean, "scale": self.scale,
                           "weights": self.weights, "bias": self.bias,
                           "trained_on": self.trained_on}, indent=1)


@lru_cache(maxsize=4)
def load_pair_model(path: str = "") -> PairModel:
    """The model saved at ``path`` (the packaged one when empty); read once per path."""
    data = json.loads(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
    if tuple(data["names"]) != NAMES:
        raise ValueError(f"story model {path or DEFAULT_PATH}: features {data['names']} "
                         f"are not {list(NAMES)}")
    return PairModel(tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]),
                     float(data["bias"]), data.get("trained_on", ""))
