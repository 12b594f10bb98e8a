"""The learned line classifier: is a line of a text dump article text or site chrome?

A stack of logistic regressions over the signals of linefeatures.py, shipped as data
(``cleaners/data/line_model.json``, written by ``scripts/train_line_model.py`` from the
WCXB dev pages rendered to text). Stage 1 reads a line's signals; each later stage also
reads the previous stage's probabilities of the lines around it (a chrome line's
neighbours are chrome), averaged over :data:`windows` lines each side. Linear stages keep
each decision explainable: :meth:`LineModel.reasons` names the signals that pulled a
line towards chrome the most.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "line_model.json"


@dataclass(frozen=True)
class Stage:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def contributions(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.scale * self.weights

    def proba(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.contributions(x).sum(axis=1) + self.bias)))


@dataclass(frozen=True)
class LineModel:
    features: tuple[str, ...]
    windows: tuple[int, ...]
    stages: tuple[Stage, ...]

    def inputs(self, table: np.ndarray) -> list[np.ndarray]:
        """Each stage's input: the table, then the table and the neighbours' probabilities."""
        xs = [table]
        for stage in self.stages[:-1]:
            xs.append(np.hstack([table, neighbourhood(stage.proba(xs[-1]), self.windows)]))
        return xs

    def proba(self, table: np.ndarray) -> np.ndarray:
        """P(article text) of each row of ``table`` (rows of linefeatures.FEATURES)."""
        if len(table) == 0:
            return np.zeros(0)
        return self.stages[-1].proba(self.inputs(table)[-1])

    def reasons(self, table: np.ndarray, rows: list[int], k: int = 3) -> dict[int, str]:
        """For each of ``rows``, the ``k`` signals that pushed it furthest towards chrome."""
        if not rows:
            return {}
        x = self.inputs(table)[-1][rows]
        names = self.features + tuple(f"neighbours_w{w}" for w in (0,) + self.windows)
        pulls = self.stages[-1].contributions(x)
        return {row: ", ".join(names[j] for j in np.argsort(pull)[:k] if pull[j] < 0)
                for row, pull in zip(rows, pulls)}


def neighbourhood(p: np.ndarray, windows: tuple[int, ...]) -> np.ndarray:
    """``p`` and, per window w, the mean of ``p`` over the w lines on each side."""
    n = len(p)
    total = np.concatenate([[0.0], np.cumsum(p)])
    index = np.arange(n)
    columns = [p]
    for w in windows:
        lo, hi = np.maximum(index - w, 0), np.minimum(index + w + 1, n)
        columns.append((total[hi] - total[lo] - p) / np.maximum(hi - lo - 1, 1))
    return np.column_stack(columns)


def from_dict(data: dict) -> LineModel:
    stages = tuple(Stage(np.array(s["mean"]), np.array(s["scale"]), np.array(s["weights"]),
                         float(s["bias"])) for s in data["stages"])
    return LineModel(tuple(data["features"]), tuple(data["windows"]), stages)


@lru_cache(maxsize=4)
def load_line_model(path: str = "") -> LineModel:
    """The model saved at ``path`` (the packaged one when empty); read once per path."""
    return from_dict(json.loads(Path(path or DEFAULT_PATH).read_text(encoding="utf-8")))
