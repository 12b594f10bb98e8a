#!/usr/bin/env python3
"""Train the text-dump line model (cleaners/data/line_model.json) from ../shared alone.

Data: the WCXB dev article pages rendered by inscriptis, html2text and lxml
(scripts/linecorpus.py), each line labelled by alignment with the gold main text, and the
gold texts themselves (clean article text, as JSONL records bring it: nothing to drop). Every
line goes through the text path's own steps (ftfy repair, language, layout, lexicon,
linefeatures.line_table), so the model sees at training what it sees at run time.

Model: two logistic-regression stages (linemodel.py); stage 2 is trained on stage-1
probabilities predicted out of fold (inner folds by site), so it learns how far to trust
the neighbours of a line on pages stage 1 has not seen. Deterministic: lbfgs, fixed folds
(crc32 of the site), no sampling.

Held-out figures come from folds grouped by site: every figure is for sites the model
did not train on. Usage:

    .venv/bin/python scripts/train_line_model.py [--folds 5] [--out cleaners/data/line_model.json]
"""
from __future__ import annotations

import argparse
import json
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts"), str(ROOT.parent / "shared" / "tools")]

import linecorpus  # noqa: E402
import score_wcxb  # noqa: E402
from cleaners.config import Config  # noqa: E402
from cleaners.language import choose_language  # noqa: E402
from cleaners.stoplists import stoplist  # noqa: E402
from cleaners.text.layout import Line, split_lines  # noqa: E402
from cleaners.text.lexicon import match_line  # noqa: E402
from cleaners.text.linefeatures import FEATURES, line_table  # noqa: E402
from cleaners.text.linemodel import from_dict, neighbourhood  # noqa: E402
from cleaners.text.repair import fix_encoding  # noqa: E402

RENDERERS = ["inscriptis", "html2text", "lxml", linecorpus.CLEAN]
WINDOWS = (1, 2, 4, 8)
C = 1.0  # sklearn's default regularisation; --sensitivity prints held-out F1 at 0.1 and 10
CACHE = ROOT / ".cache" / "dumps-article.jsonl.gz"


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


def _stage(x: np.ndarray, y: np.ndarray, c: float) -> dict:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    return {"mean": mean.tolist(), "scale": scale.tolist(),
            "weights": clf.coef_[0].tolist(), "bias": float(clf.intercept_[0])}


def _stacked(docs: list[Doc], first: dict) -> np.ndarray:
    model = from_dict({"features": FEATURES, "windows": WINDOWS, "stages": [first]})
    return np.vstack([np.hstack([d.table, neighbourhood(model.proba(d.table), WINDOWS)])
                      for d in docs])


def fit(docs: list[Doc], c: float = C, inner: int = 4) -> dict:
    """A two-stage model as a dict (linemodel.from_dict reads it)."""
    docs = [d for d in docs if len(d.lines)]
    x, y = np.vstack([d.table for d in docs]), np.concatenate([d.labels for d in docs])
    known = y >= 0
    first = _stage(x[known], y[known], c)
    parts = []  # stage-1 inputs for stage 2, predicted out of fold
    for k in range(inner):
        held = [d for d in docs if fold_of(d.dump.domain, inner) == k]
        rest = [d for d in docs if fold_of(d.dump.domain, inner) != k]
        xr, yr = np.vstack([d.table for d in rest]), np.concatenate([d.labels for d in rest])
        parts.append((held, _stacked(held, _stage(xr[yr >= 0], yr[yr >= 0], c))))
    docs2 = [d for held, _ in parts for d in held]
    x2 = np.vstack([block for _, block in parts])
    y2 = np.concatenate([d.labels for d in docs2])
    second = _stage(x2[y2 >= 0], y2[y2 >= 0], c)
    return {"features": list(FEATURES), "windows": list(WINDOWS), "stages": [first, second]}


def lines_f1(doc: Doc, proba: np.ndarray, threshold: float) -> float:
    """Bag-of-words F1 of the kept lines against the gold (the WCXB metric)."""
    kept = "\n".join(ln.text for ln, p in zip(doc.lines, proba) if p >= threshold)
    return score_wcxb.word_prf(kept, doc.dump.gold)[2]


def cross_validate(docs: list[Doc], folds: int, thresholds: list[float], c: float = C
                   ) -> dict[str, dict[float, float]]:
    """Held-out (by site) mean F1 of the kept lines, per renderer and threshold."""
    scores: dict[str, dict[float, list[float]]] = {r: {t: [] for t in thresholds}
                                                   for r in RENDERERS}
    for k in range(folds):
        train = [d for d in docs if fold_of(d.dump.domain, folds) != k]
        model = from_dict(fit(train, c))
        for doc in (d for d in docs if fold_of(d.dump.domain, folds) == k):
            proba = model.proba(doc.table)
            for t in thresholds:
                scores[doc.dump.renderer][t].append(lines_f1(doc, proba, t))
    return {r: {t: float(np.mean(v)) for t, v in by_t.items()} for r, by_t in scores.items()}


def load_docs(renderers: list[str] = RENDERERS) -> list[Doc]:
    config = Config()
    return [prepare(d, config) for d in linecorpus.build(RENDERERS, cache=CACHE)
            if d.renderer in renderers]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "cleaners/data/line_model.json")
    ap.add_argument("--no-cv", action="store_true", help="fit and save only")
    ap.add_argument("--sensitivity", action="store_true",
                    help="also cross-validate at C = 0.1 and 10 (slow)")
    args = ap.parse_args()
    docs = load_docs()
    print(f"{len(docs)} dumps, {sum(len(d.lines) for d in docs)} lines")
    model = fit(docs)
    if not args.no_cv:
        held = cross_validate(docs, args.folds, [0.3, 0.4, 0.5, 0.6])
        print("held-out by site, F1 of the kept lines (model alone):")
        for renderer, by_t in held.items():
            print(f"  {renderer:<11}" + "  ".join(f"t={t}: {f:.4f}" for t, f in by_t.items()))
        model["heldout_lines_f1"] = {r: {str(t): round(f, 4) for t, f in v.items()}
                                     for r, v in held.items()}
    if args.sensitivity:
        for c in (0.1, 10.0):
            at_c = cross_validate(docs, args.folds, [0.4], c)
            print(f"  C={c}: " + "  ".join(f"{r} {v[0.4]:.4f}" for r, v in at_c.items()))
    model["trained_on"] = (f"WCXB dev articles ({len(docs)} dumps by {', '.join(RENDERERS)}), "
                           f"scripts/train_line_model.py")
    args.out.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
