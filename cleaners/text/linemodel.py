"""The learned line classifier: is a line of a text dump article text or site chrome?

A stack of stages over the signals of linefeatures.py, shipped as data
(``cleaners/data/line_model.json``, written by ``scripts/train_line_model.py`` from the
WCXB and Dragnet dev pages rendered to text). A stage is a logistic regression
(:class:`Stage`) or gradient-boosted trees (:class:`Trees`, evaluated here in numpy: no
learning library at run time). Stage 1 reads a line's signals; each later stage also
reads the previous stage's probabilities of the lines around it (a chrome line's
neighbours are chrome), averaged over :data:`windows` lines each side. Every stage
explains itself: per line, each signal's contribution to the log-odds (a tree's split
adds the change of the expected value along the line's path, Saabas' attribution), so
:meth:`LineModel.reasons` names the signals that pulled a line towards chrome the most.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
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
class Trees:
    """Boosted trees as flat arrays over all their nodes; children are global node ids."""
    feature: np.ndarray  # split feature
    threshold: np.ndarray  # go left when x <= threshold
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # a leaf's output; a split's expected output (count-weighted)
    leaf: np.ndarray  # bool
    roots: np.ndarray  # each tree's root node
    bias: float
    children: np.ndarray = field(default=None)  # (nodes, 2): left and right, set on creation
    depth: int = 0  # the longest root-to-leaf path, set on creation

    def __post_init__(self) -> None:
        children = np.column_stack([self.left, self.right])
        children[self.leaf] = np.flatnonzero(self.leaf)[:, None]  # a leaf is its own child
        object.__setattr__(self, "children", children)
        frontier, depth = self.roots, 0
        while (inner := frontier[~self.leaf[frontier]]).size:
            frontier, depth = np.concatenate([self.left[inner], self.right[inner]]), depth + 1
        object.__setattr__(self, "depth", depth)

    def _paths(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (row, tree) path at its root: ``x`` flat, the paths' nodes, and each path's
        row offset in the flat ``x``."""
        n, width = x.shape
        flat = np.ascontiguousarray(x, dtype=float).ravel()
        return flat, np.tile(self.roots, n), np.repeat(np.arange(n) * width, len(self.roots))

    def _scores(self, x: np.ndarray) -> np.ndarray:
        """Every path stepped ``depth`` times: a leaf is its own child, so a path that reached
        one stays (a third faster than stepping only the paths still inside)."""
        flat, node, base = self._paths(x)
        for _ in range(self.depth):
            go_right = flat[base + self.feature[node]] > self.threshold[node]
            node = self.children[node, go_right.view(np.int8)]
        return self.value[node].reshape(len(x), -1).sum(axis=1) + self.bias

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per row and signal, the change of the expected output along the row's paths
        (Saabas), each step on the paths not yet at a leaf."""
        flat, node, base = self._paths(x)
        width = x.shape[1]
        contrib = np.zeros(x.shape)
        active = np.flatnonzero(~self.leaf[node])
        while active.size:
            at = node[active]
            feature = self.feature[at]
            go_right = flat[base[active] + feature] > self.threshold[at]
            child = self.children[at, go_right.view(np.int8)]
            np.add.at(contrib, (base[active] // width, feature), self.value[child] - self.value[at])
            node[active] = child
            active = active[~self.leaf[child]]
        return contrib

    def proba(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self._scores(x)))


@dataclass(frozen=True)
class LineModel:
    features: tuple[str, ...]
    windows: tuple[int, ...]
    stages: tuple[Stage | Trees, ...]

    def inputs(self, table: np.ndarray) -> list[np.ndarray]:
        """Each stage's input: the table, then the table and what the previous stage's
        probabilities say of the line's neighbours and of its place in the document."""
        xs = [table]
        words = np.expm1(table[:, self.features.index("words")])
        for stage in self.stages[:-1]:
            xs.append(np.hstack([table, context(stage.proba(xs[-1]), words, self.windows)]))
        return xs

    def proba(self, table: np.ndarray) -> np.ndarray:
        """P(article text) of each row of ``table`` (rows of linefeatures.FEATURES)."""
        if len(table) == 0:
            return np.zeros(0)
        return self.stages[-1].proba(self.inputs(table)[-1])

    def reasons(self, table: np.ndarray, rows: list[int], k: int = 3) -> dict[int, str]:
        """For each of ``rows``, the ``k`` signals that pushed it furthest towards chrome."""
        return self._reasons(self.inputs(table)[-1], rows, k) if rows else {}

    def judge(self, table: np.ndarray, rows: list[int], threshold: float
              ) -> dict[int, tuple[float, str]]:
        """Of ``rows`` (the lines still to judge), those under ``threshold``: their P(article
        text) and the signals that pulled them down. One pass: the last stage reads only
        ``rows``, and only the rows that go are explained."""
        if not rows or len(table) == 0:
            return {}
        x = self.inputs(table)[-1][rows]
        proba = self.stages[-1].proba(x)
        low = [i for i, p in enumerate(proba) if p < threshold]
        why = self._reasons(x, low) if low else {}
        return {rows[i]: (float(proba[i]), why[i]) for i in low}

    def _reasons(self, x: np.ndarray, rows: list[int], k: int = 3) -> dict[int, str]:
        names = self.features + (context_names(self.windows) if len(self.stages) > 1 else ())
        pulls = self.stages[-1].contributions(x[rows])
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


def context_names(windows: tuple[int, ...]) -> tuple[str, ...]:
    return (("neighbours_w0",) + tuple(f"neighbours_w{w}" for w in windows)
            + ("in_article_span", "article_span_distance", "text_mass_before", "text_mass_after"))


def context(p: np.ndarray, words: np.ndarray, windows: tuple[int, ...]) -> np.ndarray:
    """What a stage's probabilities ``p`` say around each line: the neighbours' mean per
    window, whether it lies in the article span (the run of lines with the most words
    above even odds less those under: the maximum-sum segment of (p - 0.5) x words, the
    densest region of Finn et al.'s body text extraction), how far from it, and the share
    of the likely text's words before and after it."""
    n = len(p)
    lo, hi = _densest(np.log1p(words) * (p - 0.5))
    index = np.arange(n)
    outside = np.maximum(lo - index, 0) + np.maximum(index - hi, 0)
    mass = np.cumsum(p * words)
    total = max(mass[-1], 1e-9) if n else 1.0
    before = (mass - p * words) / total
    return np.column_stack([neighbourhood(p, windows), outside == 0, np.log1p(outside),
                            before, 1.0 - before - p * words / total])


def _densest(weights: np.ndarray) -> tuple[int, int]:
    """First and last index of the maximum-sum segment of ``weights`` (Kadane)."""
    best, best_lo, best_hi, run, run_lo = -np.inf, 0, -1, 0.0, 0
    for i, w in enumerate(weights.tolist()):
        if run <= 0:
            run, run_lo = w, i
        else:
            run += w
        if run > best:
            best, best_lo, best_hi = run, run_lo, i
    return best_lo, best_hi


def from_dict(data: dict) -> LineModel:
    return LineModel(tuple(data["features"]), tuple(data["windows"]),
                     tuple(map(_stage, data["stages"])))


def _stage(s: dict) -> Stage | Trees:
    if "trees" not in s:
        return Stage(np.array(s["mean"]), np.array(s["scale"]), np.array(s["weights"]),
                     float(s["bias"]))
    trees = s["trees"]
    offsets = np.cumsum([0] + [len(t["feature"]) for t in trees[:-1]])

    def joined(key: str, dtype, shift: bool = False) -> np.ndarray:
        return np.concatenate([np.asarray(t[key], dtype=dtype) + (o if shift else 0)
                               for t, o in zip(trees, offsets)])
    left, right = joined("left", np.int64, True), joined("right", np.int64, True)
    return Trees(joined("feature", np.int64), joined("threshold", float), left, right,
                 joined("value", float), left == np.arange(len(left)), offsets.astype(np.int64),
                 float(s["bias"]))


@lru_cache(maxsize=4)
def load_line_model(path: str = "") -> LineModel:
    """The model saved at ``path`` (the packaged one when empty); read once per path."""
    return from_dict(json.loads(Path(path or DEFAULT_PATH).read_text(encoding="utf-8")))
