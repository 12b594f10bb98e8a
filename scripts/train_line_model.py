#!/usr/bin/env python3
"""Train the text-dump line model (cleaners/data/line_model.json) from ../shared alone.

Data: the WCXB dev (2025-26) and Dragnet dev (2012) article pages rendered by inscriptis,
html2text, lxml and the renderers of scripts/renderers.py (a browser's innerText, text-mode
dumps hard-wrapped at 72, 80 and 100 columns), each line labelled by alignment with the
gold main text (scripts/linecorpus.py), and the gold texts themselves (clean article text,
as JSONL records bring it: nothing to drop). Every line goes through the text path's own
steps (ftfy repair, language, layout with its unwrapping, lexicon,
linefeatures.line_table), so the model sees at training what it sees at run time.

Model: one stage of gradient-boosted trees (sklearn's HistGradientBoosting, exported to
plain arrays that linemodel.Trees evaluates in numpy). The signals of the lines around
each line are features already (linefeatures' windows and runs), so no stacked stage.
Deterministic: no early stopping, no subsampling of features, fixed page sample (crc32).

Held-out figures (folds grouped by site, a renderer left out of training) are
bench/textdump.py's. Usage:

    .venv/bin/python scripts/train_line_model.py [--out cleaners/data/line_model.json]
"""
from __future__ import annotations

import argparse
import json
import sys
import zlib
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts"), str(ROOT.parent / "shared" / "tools")]

import linecorpus  # noqa: E402
import score_wcxb  # noqa: E402
from cleaners.config import Config  # noqa: E402
from cleaners.language import choose_language  # noqa: E402
from cleaners.stoplists import stoplist  # noqa: E402
from cleaners.text.layout import Line, split_lines  # noqa: E402
from cleaners.text.lexicon import match_line  # noqa: E402
from cleaners.text import linemodel  # noqa: E402
from cleaners.text.linefeatures import FEATURES, line_table  # noqa: E402
from cleaners.text.repair import fix_encoding  # noqa: E402

RENDERERS = list(linecorpus.RENDERERS) + [linecorpus.CLEAN]
SETS = tuple(linecorpus.SETS)
CACHE = ROOT / ".cache"  # dumps-<set>.jsonl.gz: the rendered dumps, built once


@dataclass
class Doc:
    dump: linecorpus.Dump
    lines: list[Line]
    table: np.ndarray
    labels: np.ndarray  # 1 article, 0 chrome, -1 no tokens (not trained on)


def fold_of(domain: str, folds: int) -> int:
    return zlib.crc32(domain.encode()) % folds


def prepare(dump: linecorpus.Dump, config: Config) -> Doc:
    """The dump's lines as the text path sees them, their signals and their labels."""
    text = fix_encoding(dump.text)[0]
    stops = stoplist(choose_language(text, None, config.language)) or frozenset()
    lines = split_lines(text)[0]
    table = line_table(lines, [match_line(ln.text) for ln in lines], stops)
    labels = linecorpus.label_lines("\n".join(ln.text for ln in lines), dump.gold)
    return Doc(dump, lines, table, np.array(labels[:len(lines)], dtype=int))


TREES = {"max_iter": 100, "learning_rate": 0.2, "max_leaf_nodes": 31, "max_depth": 8,
         "min_samples_leaf": 50, "l2_regularization": 1.0, "early_stopping": False,
         "random_state": 0}
# sklearn's HistGradientBoosting defaults (31 leaves, 100 rounds) with a larger leaf, a
# depth cap of 8 and twice the step: the text path walks every tree for every line, so its
# cost is rounds x depth (200 rounds of depth 19 cost 2 ms an article, over bench/text.py's
# budget)
WINDOWS = (1, 2, 4, 8, 16)  # stage 2's neighbourhoods of stage-1 probabilities, in lines
WORDS = FEATURES.index("words")
SAMPLE = 2  # each page trains on 1 of every SAMPLE of its renderings (crc32): all pages and
            # renderers are seen, at half the rows (renderings of one page are near copies)


def sampled(doc: Doc, share: int = SAMPLE) -> bool:
    d = doc.dump
    return zlib.crc32(f"{d.corpus}/{d.id}/{d.renderer}".encode()) % share == 0


def tree_stage(x: np.ndarray, y: np.ndarray, params: dict = TREES) -> dict:
    """Gradient-boosted trees fitted on (x, y), as linemodel.Trees reads them."""
    clf = HistGradientBoostingClassifier(**params).fit(x, y)
    trees = [_tree(pred.nodes) for (pred,) in clf._predictors]
    depth = max(int(pred.nodes["depth"].max()) for (pred,) in clf._predictors)
    return {"trees": trees, "depth": depth, "bias": float(np.ravel(clf._baseline_prediction)[0])}


def _tree(nodes: np.ndarray) -> dict:
    leaf = nodes["is_leaf"].astype(bool)
    own = np.arange(len(nodes))
    value, count = nodes["value"].astype(float).copy(), nodes["count"].astype(float)
    for i in sorted(own[~leaf], key=lambda i: -int(nodes["depth"][i])):  # deepest first
        left, right = nodes["left"][i], nodes["right"][i]
        value[i] = (count[left] * value[left] + count[right] * value[right]) / count[i]
    return {"feature": np.where(leaf, 0, nodes["feature_idx"]).tolist(),
            "threshold": np.where(leaf, 0.0, nodes["num_threshold"]).tolist(),
            "left": np.where(leaf, own, nodes["left"]).tolist(),
            "right": np.where(leaf, own, nodes["right"]).tolist(), "value": value.tolist()}


def fit(docs: list[Doc], share: int = SAMPLE, params: dict = TREES, inner: int = 2) -> dict:
    """The line model as a dict (linemodel.from_dict reads it): stage 1 reads the signals of
    each line and of the lines around it; stage 2 also reads what stage 1's probabilities
    say of the line's neighbours and its place against the article span, trained on stage-1
    probabilities predicted out of fold (``inner`` folds by site), as it meets them on
    pages stage 1 has not seen."""
    docs = [d for d in docs if len(d.lines) and sampled(d, share)]
    first = _fit_stage(docs, params)
    parts = []
    for k in range(inner):
        held = [d for d in docs if fold_of("inner/" + d.dump.domain, inner) == k]
        rest = [d for d in docs if fold_of("inner/" + d.dump.domain, inner) != k]
        if not held or not rest:
            continue
        stage = linemodel._stage(_fit_stage(rest, params))
        parts += [(d, np.hstack([d.table, linemodel.context(
            stage.proba(d.table), np.expm1(d.table[:, WORDS]), WINDOWS)])) for d in held]
    if not parts:  # too few sites for inner folds: stage 1 alone
        return {"features": list(FEATURES), "windows": [], "stages": [first]}
    second = _fit_stage([d for d, _ in parts], params, [x for _, x in parts])
    return {"features": list(FEATURES), "windows": list(WINDOWS), "stages": [first, second]}


def _fit_stage(docs: list[Doc], params: dict, tables: list[np.ndarray] | None = None) -> dict:
    x = np.vstack(tables if tables is not None else [d.table for d in docs])
    y = np.concatenate([d.labels for d in docs])
    return tree_stage(x[y >= 0], y[y >= 0], params)


def lines_f1(doc: Doc, proba: np.ndarray, threshold: float) -> float:
    """Bag-of-words F1 of the kept lines against the gold (the WCXB metric)."""
    kept = "\n".join(ln.text for ln, p in zip(doc.lines, proba) if p >= threshold)
    return score_wcxb.word_prf(kept, doc.dump.gold)[2]


def _prepare(dump: linecorpus.Dump) -> Doc:
    return prepare(dump, Config())


def load_docs(renderers: list[str] = RENDERERS, sets: tuple[str, ...] = SETS,
              processes: int = 2) -> list[Doc]:
    """Every dump of ``sets`` by ``renderers``, prepared as the text path sees it."""
    dumps = [d for name in sets
             for d in linecorpus.build(RENDERERS, data=linecorpus.SETS[name],
                                       cache=CACHE / f"dumps-{name}.jsonl.gz")
             if d.renderer in renderers]
    with Pool(processes) as pool:
        return pool.map(_prepare, dumps, chunksize=16)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "cleaners/data/line_model.json")
    args = ap.parse_args()
    docs = load_docs()
    print(f"{len(docs)} dumps, {sum(len(d.lines) for d in docs)} lines")
    model = fit(docs)
    model["trained_on"] = (f"WCXB and Dragnet dev articles ({len(docs)} dumps by "
                           f"{', '.join(RENDERERS)}; 1 in {SAMPLE} renderings of each page), "
                           f"scripts/train_line_model.py; held-out figures: bench/textdump.py")
    args.out.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
