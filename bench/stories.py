"""Story benchmark: StoryIndex against a TF-IDF average-link baseline on the UCI headlines.

Feeds the 6,366 headlines of ``../shared/bench/stories/uci`` to
:class:`cleaners.corpus.stories.StoryIndex` as Articles (body = title = headline, with the
date) in batches in input order, clusters the same headlines with the README's baseline (word
1-2-gram TF-IDF, sublinear, English stop words, average link at cosine distance 0.98), scores
both with the shared scorer and prints the figures side by side.

``--tune`` sweeps the similarity threshold, then the merge threshold of new stories (2.0 = no
merging), on the first half of the headlines by time (ids 1-3183) against the gold of that half
only, which is how the defaults were chosen; the figures
printed otherwise are on the whole set.

Exit status 1 when StoryIndex's ARI on the whole set is below 0.75.

    python bench/stories.py [--data DIR] [--batch N] [--threshold X] [--tune] [--out FILE]
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"  # the shared data sits beside the clone
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = SHARED / "bench/stories/uci"
SCORER = SHARED / "tools/score_stories.py"
MIN_ARI = 0.75
SHOWN = ("ari", "pair_p", "pair_r", "pair_f1", "bcubed_p", "bcubed_r", "bcubed_f1")


def load_scorer(path: Path = SCORER) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_stories", path)
    assert spec and spec.loader, f"cannot load the scorer at {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def run_index(rows: list[dict[str, Any]], batch: int, threshold: float | None,
              merge: float | None = None) -> dict[str, str]:
    """Record id -> story id from StoryIndex, fed in input order in batches of ``batch``."""
    from cleaners.config import StoriesConfig
    from cleaners.corpus.stories import StoryIndex
    from cleaners.record import Article

    config = StoriesConfig()
    if threshold is not None:
        config = dataclasses.replace(config, short_threshold=threshold)
    if merge is not None:
        config = dataclasses.replace(config, merge_threshold=merge)
    index = StoryIndex(config)
    arts = [Article(id=str(r["id"]), source="uci", format="jsonl", title=r.get("title"),
                    body=r["text"], date=r.get("date"), site=r.get("site"), url=r.get("url"))
            for r in rows]
    for start in range(0, len(arts), batch):
        index.add_batch(arts[start:start + batch])
    return {a.id: a.story for a in arts if a.story}


def run_baseline(rows: list[dict[str, Any]]) -> dict[str, str]:
    """The README's anchor: TF-IDF 1-2-grams, average link, cosine distance threshold 0.98."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                             stop_words="english").fit_transform([r["text"] for r in rows])
    distance = 1.0 - (matrix @ matrix.T).toarray()
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(np.clip(distance, 0.0, None), checks=False), method="average")
    labels = fcluster(tree, t=0.98, criterion="distance")
    return {str(r["id"]): f"b{label}" for r, label in zip(rows, labels)}


def score(scorer: ModuleType, gold: dict[str, str], stories: dict[str, str]) -> dict[str, Any]:
    records = [{"id": i, "story": stories.get(i)} for i in gold]
    pred, _ = scorer.predicted_labels(records, list(gold))
    return scorer.scores(gold, pred)


def line(name: str, result: dict[str, Any], seconds: float) -> str:
    figures = " ".join(f"{result[k]:>9.4f}" for k in SHOWN)
    return f"{name:<12}{figures} {result['stories']['predicted']:>8} {seconds:>7.1f}s"


def tune(rows: list[dict[str, Any]], gold: dict[str, str], scorer: ModuleType,
         batch: int) -> None:
    """Sweep the threshold on the first half by time; the second half is never looked at."""
    half = rows[: len(rows) // 2]
    half_gold = {str(r["id"]): gold[str(r["id"])] for r in half}
    for threshold in (0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1):
        result = score(scorer, half_gold, run_index(half, batch, threshold))
        print(f"first half, threshold {threshold:.2f}: ARI {result['ari']:.4f} "
              f"B3 F1 {result['bcubed_f1']:.4f} stories {result['stories']['predicted']}")
    for merge in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 2.0):
        result = score(scorer, half_gold, run_index(half, batch, None, merge))
        print(f"first half, merge threshold {merge:.2f}: ARI {result['ari']:.4f} "
              f"B3 F1 {result['bcubed_f1']:.4f} stories {result['stories']['predicted']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--threshold", type=float, help="override StoriesConfig.short_threshold")
    ap.add_argument("--tune", action="store_true", help="sweep the threshold on the first half")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--out", type=Path, help="write StoryIndex's {id, story} records here")
    args = ap.parse_args(argv)
    scorer = load_scorer()
    rows = read_jsonl(args.data / "articles.jsonl")
    gold = {str(g["id"]): str(g["story"]) for g in read_jsonl(args.data / "gold.jsonl")}
    if args.tune:
        tune(rows, gold, scorer, args.batch)
        return 0
    print(f"{'':<12}" + " ".join(f"{k:>9}" for k in SHOWN) + f" {'stories':>8} {'time':>8}")
    start = time.perf_counter()
    ours = run_index(rows, args.batch, args.threshold)
    ours_result = score(scorer, gold, ours)
    print(line("StoryIndex", ours_result, time.perf_counter() - start))
    if not args.no_baseline:
        start = time.perf_counter()
        print(line("TF-IDF avg", score(scorer, gold, run_baseline(rows)),
                   time.perf_counter() - start))
    if args.out:
        args.out.write_text("".join(json.dumps({"id": i, "story": s}) + "\n"
                                    for i, s in ours.items()), encoding="utf-8")
    if ours_result["ari"] < MIN_ARI:
        print(f"FAIL: StoryIndex ARI {ours_result['ari']:.4f} < {MIN_ARI}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
