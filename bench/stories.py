"""Story benchmark: StoryIndex beside a TF-IDF average-link baseline, on headlines and on
full text, in one run.

- UCI (``../shared/bench/stories/uci``): 6,366 headlines (body = title = headline, with the
  date), fed in batches of 500 in input order; baseline: word 1-2-gram TF-IDF (sublinear,
  English stop words), average link at cosine distance 0.98 (its README's anchor).
- Giveme5W1H dev (``../shared/bench/stories/giveme5w1h_dev``): 212 full-text articles of 36
  events. The events are cut into two folds by a hash of their name (CRC-32 even: the
  tuning fold, odd: the held-out fold); StoriesConfig's full-text settings were chosen on
  the tuning fold only (see cleaners/config.py), and the held-out fold shows how they do on
  events they were not chosen on. Baseline: TF-IDF of the title and the first 3,000
  characters (word 1-2-grams), average link, its distance threshold tuned on the tuning fold
  the same way.

Both are scored with the shared scorer (``../shared/tools/score_stories.py``). Then the
sensitivity: StoryIndex's figures at nearby settings (each fold and the whole set).

Exit status 1 when, on the whole sets, full-text ARI < 0.85 or B-cubed F1 < 0.90, or UCI
ARI < 0.75.

    python bench/stories.py [--batch N] [--no-sensitivity]
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import sys
import time
import zlib
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"  # the shared data sits beside the clone
sys.path.insert(0, str(ROOT))

DATA = SHARED / "bench/stories"
SCORER = SHARED / "tools/score_stories.py"
TARGETS = {"uci": {"ari": 0.75}, "giveme5w1h_dev": {"ari": 0.85, "bcubed_f1": 0.90}}
SHOWN = ("ari", "pair_p", "pair_r", "pair_f1", "bcubed_p", "bcubed_r", "bcubed_f1")
UCI_DISTANCE = 0.98
DISTANCES = (0.80, 0.84, 0.86, 0.88, 0.90, 0.92, 0.94, 0.96)  # the baseline's tuning grid
UNCUT = 10**9  # no limit
SENSITIVITY = {
    "giveme5w1h_dev": [("threshold", (0.14, 0.16, 0.18, 0.20, 0.22)),
                       ("window_days", (3.0, 7.0, 14.0, 21.0, 30.0, 60.0)),
                       ("merge_threshold", (0.15, 0.25, 0.35)),
                       ("max_words", (200, 300, 500)),
                       ("article_terms", (50, 80, 100, 150, 200, UNCUT)),
                       ("accumulators", (10, 50, 200, UNCUT))],
    "uci": [("short_threshold", (0.01, 0.02, 0.03)), ("merge_threshold", (0.15, 0.25, 0.35)),
            ("accumulators", (10, 50, 200, UNCUT))],
}
Rows = list[dict[str, Any]]
Gold = dict[str, str]


def load_scorer(path: Path = SCORER) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_stories", path)
    assert spec and spec.loader, f"cannot load the scorer at {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_jsonl(path: Path) -> Rows:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def dataset(name: str) -> tuple[Rows, Gold]:
    rows = read_jsonl(DATA / name / "articles.jsonl")
    gold = {str(g["id"]): str(g["story"]) for g in read_jsonl(DATA / name / "gold.jsonl")}
    return rows, gold


def folds(rows: Rows, gold: Gold) -> dict[str, tuple[Rows, Gold]]:
    """The whole set and its two folds by event (CRC-32 of the event name, even = tuning)."""
    out = {"all": (rows, gold)}
    for name, parity in (("tuning", 0), ("held-out", 1)):
        part = [r for r in rows if zlib.crc32(gold[str(r["id"])].encode()) % 2 == parity]
        out[name] = (part, {str(r["id"]): gold[str(r["id"])] for r in part})
    return out


def run_index(rows: Rows, batch: int, **settings: Any) -> dict[str, str]:
    """Record id -> story id from StoryIndex, fed in input order in batches of ``batch``."""
    from cleaners.config import StoriesConfig
    from cleaners.corpus.stories import StoryIndex
    from cleaners.record import Article

    index = StoryIndex(dataclasses.replace(StoriesConfig(), **settings))
    arts = [Article(id=str(r["id"]), source="bench", format="jsonl", title=r.get("title"),
                    body=r["text"], date=r.get("date"), site=r.get("site"), url=r.get("url"))
            for r in rows]
    for start in range(0, len(arts), batch):
        index.add_batch(arts[start:start + batch])
    return {a.id: a.story for a in arts if a.story}


def baseline_tree(texts: list[str]) -> Any:
    """Average-link clustering of word 1-2-gram TF-IDF vectors on cosine distance."""
    import numpy as np
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                             stop_words="english").fit_transform(texts)
    distance = 1.0 - (matrix @ matrix.T).toarray()
    np.fill_diagonal(distance, 0.0)
    return linkage(squareform(np.clip(distance, 0.0, None), checks=False), method="average")


def run_baseline(rows: Rows, distance: float, full_text: bool) -> dict[str, str]:
    from scipy.cluster.hierarchy import fcluster

    texts = [f"{r.get('title') or ''}\n{r['text'][:3000]}" if full_text else r["text"]
             for r in rows]
    labels = fcluster(baseline_tree(texts), t=distance, criterion="distance")
    return {str(r["id"]): f"b{label}" for r, label in zip(rows, labels)}


def score(scorer: ModuleType, gold: Gold, stories: dict[str, str]) -> dict[str, Any]:
    records = [{"id": i, "story": stories.get(i)} for i in gold]
    pred, _ = scorer.predicted_labels(records, list(gold))
    return scorer.scores(gold, pred)


def line(name: str, result: dict[str, Any], seconds: float) -> str:
    figures = " ".join(f"{result[k]:>9.4f}" for k in SHOWN)
    return f"{name:<28}{figures} {result['stories']['predicted']:>8} {seconds:>7.1f}s"


def timed(scorer: ModuleType, gold: Gold, make: Any) -> tuple[dict[str, Any], float]:
    start = time.perf_counter()
    stories = make()
    return score(scorer, gold, stories), time.perf_counter() - start


def tuned_distance(scorer: ModuleType, rows: Rows, gold: Gold) -> float:
    """The baseline's distance threshold with the best ARI on the tuning fold."""
    return max(DISTANCES, key=lambda d: (score(scorer, gold, run_baseline(rows, d, True))["ari"],
                                         -d))


def full_text(scorer: ModuleType, batch: int) -> dict[str, Any]:
    """Giveme5W1H dev: StoryIndex and the baseline on each fold and the whole set."""
    parts = folds(*dataset("giveme5w1h_dev"))
    distance = tuned_distance(scorer, *parts["tuning"])
    print(f"\nGiveme5W1H dev (full text; baseline distance {distance:.2f}, tuned on the "
          f"tuning fold)")
    results = {}
    for name, (rows, gold) in parts.items():
        ours, secs = timed(scorer, gold, lambda: run_index(rows, batch))
        theirs, base_secs = timed(scorer, gold, lambda: run_baseline(rows, distance, True))
        print(line(f"StoryIndex, {name}", ours, secs))
        print(line(f"TF-IDF avg, {name}", theirs, base_secs))
        results[name] = ours
    return results["all"]


def headlines(scorer: ModuleType, batch: int) -> dict[str, Any]:
    rows, gold = dataset("uci")
    print(f"\nUCI headlines (baseline distance {UCI_DISTANCE})")
    ours, secs = timed(scorer, gold, lambda: run_index(rows, batch))
    theirs, base_secs = timed(scorer, gold, lambda: run_baseline(rows, UCI_DISTANCE, False))
    print(line("StoryIndex", ours, secs))
    print(line("TF-IDF avg", theirs, base_secs))
    return ours


def sensitivity(scorer: ModuleType, batch: int) -> None:
    """StoryIndex's ARI / B-cubed F1 with one setting changed at a time."""
    from cleaners.config import StoriesConfig

    for name, settings in SENSITIVITY.items():
        rows, gold = dataset(name)
        parts = folds(rows, gold) if name == "giveme5w1h_dev" else {"all": (rows, gold)}
        print(f"\nsensitivity, {name} (ARI / B-cubed F1; * = the default)")
        for setting, values in settings:
            default = getattr(StoriesConfig(), setting)
            for value in values:
                figures = [score(scorer, g, run_index(r, batch, **{setting: value}))
                           for r, g in parts.values()]
                cells = "  ".join(f"{p} {f['ari']:.3f} / {f['bcubed_f1']:.3f}"
                                  for p, f in zip(parts, figures))
                mark = "*" if value == default else " "
                print(f"  {setting:<16}{value:>7}{mark}  {cells}")


def misses(name: str, result: dict[str, Any]) -> list[str]:
    return [f"{name} {k} {result[k]:.4f} < {low}" for k, low in TARGETS[name].items()
            if result[k] < low]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--no-sensitivity", action="store_true")
    args = ap.parse_args(argv)
    scorer = load_scorer()
    print(f"{'':<28}" + " ".join(f"{k:>9}" for k in SHOWN) + f" {'stories':>8} {'time':>8}")
    failed = misses("uci", headlines(scorer, args.batch))
    failed += misses("giveme5w1h_dev", full_text(scorer, args.batch))
    if not args.no_sensitivity:
        sensitivity(scorer, args.batch)
    for miss in failed:
        print(f"FAIL: {miss}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
