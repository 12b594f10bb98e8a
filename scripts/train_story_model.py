#!/usr/bin/env python3
"""Train the pairwise story model (``cleaners/data/story_model.json``) from labelled events.

The dev events of ``../shared/bench/stories/giveme5w1h_dev`` are replayed as a stream, in
input order, through :class:`StoryIndex` with a teacher in place of its decision: each full
text joins the story of its gold event. Before it joins, its features
(:func:`cleaners.corpus.stories.pairwise.features`) are taken against every story open at
its date (as :meth:`Matcher.window` says): the story of its own event is a positive pair,
every other one a negative. A logistic regression (scikit-learn, lbfgs, standardised
features, C=1) learns the weights; it is deterministic, so the same data gives the same
file. Miranda et al. (EMNLP 2018) learn their similarity the same way, from a replayed
stream of labelled clusters.

    .venv/bin/python scripts/train_story_model.py [--out PATH] [--events EVENT ...]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.config import StoriesConfig  # noqa: E402
from cleaners.corpus.stories import Story, StoryIndex  # noqa: E402
from cleaners.corpus.stories.pairwise import (DEFAULT_PATH, PairModel, features,  # noqa: E402
                                               split)
from cleaners.record import Article  # noqa: E402

DATA = ROOT.parent / "shared" / "bench" / "stories" / "giveme5w1h_dev"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def load(data: Path = DATA) -> tuple[list[dict], dict[str, str]]:
    rows = read_jsonl(data / "articles.jsonl")
    gold = {str(g["id"]): str(g["story"]) for g in read_jsonl(data / "gold.jsonl")}
    return rows, gold


def articles(rows: list[dict]) -> list[Article]:
    return [Article(id=str(r["id"]), source="bench", format="jsonl", title=r.get("title"),
                    body=r["text"], date=r.get("date"), site=r.get("site"), url=r.get("url"))
            for r in rows]


class Teacher(StoryIndex):
    """A StoryIndex that places each report in its gold event's story and records, for
    each full text, its features against every open story with the label."""

    def __init__(self, gold: dict[str, str], config: StoriesConfig | None = None) -> None:
        config = dataclasses.replace(config or StoriesConfig(), pair_model=False,
                                     refine_passes=0, merge_threshold=0.0)
        super().__init__(config)
        self.gold = gold
        self.pairs: list[tuple[list[float], int]] = []

    def _place(self, item) -> None:  # noqa: ANN001 (the index's private item type)
        sid = "g-" + self.gold[item.art.id]
        if item.words >= self.config.long_words:
            for story in self.stories.values():
                if story.count and story.open_at(item.when, self.match.window(story)):
                    x = features(split(item.wvec), item.when, item.words, story, self.match.idf,
                                 self.match.cosine(item.wvec, story))
                    self.pairs.append((x, int(story.id == sid)))
        self._join(item, self.stories.setdefault(sid, Story(id=sid)))


def pairs(rows: list[dict], gold: dict[str, str], batch: int = 500,
          config: StoriesConfig | None = None) -> list[tuple[list[float], int]]:
    """The labelled (features, same event) pairs of a replayed stream of ``rows``."""
    teacher = Teacher(gold, config)
    arts = articles(rows)
    for start in range(0, len(arts), batch):
        teacher.add_batch(arts[start:start + batch])
    return teacher.pairs


def fit(samples: list[tuple[list[float], int]], trained_on: str) -> PairModel:
    """Logistic regression on standardised features (deterministic: lbfgs, no sampling)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.array([s[0] for s in samples], dtype=float)
    y = np.array([s[1] for s in samples])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
    return PairModel(tuple(round(v, 6) for v in mean), tuple(round(v, 6) for v in scale),
                     tuple(round(v, 6) for v in clf.coef_[0]), round(float(clf.intercept_[0]), 6),
                     trained_on)


def train(rows: list[dict], gold: dict[str, str], trained_on: str,
          config: StoriesConfig | None = None) -> PairModel:
    samples = pairs(rows, gold, config=config)
    if not any(label for _, label in samples) or all(label for _, label in samples):
        raise SystemExit("training needs both same-event and other-event pairs")
    return fit(samples, trained_on)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = ap.parse_args(argv)
    rows, gold = load()
    samples = pairs(rows, gold)
    model = fit(samples, f"giveme5w1h_dev: {len(rows)} articles, {len(set(gold.values()))} "
                         f"events, {len(samples)} pairs "
                         f"({sum(label for _, label in samples)} same-event)")
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"{args.out}: {model.trained_on}")
    for name, w in zip(json.loads(model.to_json())["names"], model.weights):
        print(f"  {name:<8} {w:+.3f}")
    print(f"  bias     {model.bias:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
