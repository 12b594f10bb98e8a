#!/usr/bin/env python3
"""Article-body extraction: the project's HTML path against plain trafilatura.

Runs ``cleaners.pipeline.process`` (with ``Config()``) and ``trafilatura.extract(html)``
(library defaults) side by side over the ScrapingHub article-extraction benchmark
(``../shared/bench/extraction/scrapinghub``: 181 gzipped pages and ground-truth.json),
scores both with the shared scorer (``../shared/tools/score_extraction.py``, imported,
so the metric is exactly the benchmark's) and times both with the HTML already in memory,
in one process; docs/s is the median over ``--runs`` passes.

Exit status 0 only when the project's F1 >= ``--min-f1`` (0.965) and >= trafilatura's
F1 + ``--margin`` (0.005), and its docs/s >= ``--min-speed`` (0.7) x trafilatura's.

    .venv/bin/python bench/extraction.py [--runs 3] [--out DIR] [--per-doc]
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"  # the shared data sits beside the clone
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from cleaners.config import Config  # noqa: E402
from cleaners.extract import extract_html, parse_html  # noqa: E402
from cleaners.pipeline import process  # noqa: E402
from cleaners.read.rawdoc import RawDoc  # noqa: E402
from cleaners.record import InputError  # noqa: E402

BENCH = SHARED / "bench/extraction/scrapinghub"
SCORER = SHARED / "tools/score_extraction.py"


@dataclass
class Page:
    id: str
    source: str
    html: bytes
    url: str | None


@dataclass
class Result:
    name: str
    bodies: dict[str, str]
    docs_per_s: float
    metrics: dict[str, float]


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import the scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_pages(bench: Path) -> tuple[list[Page], dict[str, dict]]:
    gold = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((bench / "html").glob("*.html.gz")):
        key = path.name.split(".")[0]
        pages.append(Page(key, str(path), gzip.decompress(path.read_bytes()),
                          gold.get(key, {}).get("url")))
    return pages, gold


def project_body(page: Page, config: Config) -> str:
    raw = RawDoc(id=page.id, source=page.source, format="html", content=page.html,
                 is_html=True, url=page.url)
    return process(raw, config).body or ""


def trafilatura_body(page: Page) -> str:
    return trafilatura.extract(page.html) or ""


def extract_step_rate(pages: list[Page], config: Config, runs: int) -> float:
    """docs/s of the extraction step alone (parse_html + extract_html on decoded text).

    Shown beside the whole path's rate so that a slow run says whose step is slow.
    """
    texts = [(page.html.decode("utf-8", "replace"), page.url) for page in pages]
    rates = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        for text, url in texts:
            try:
                extract_html(text, parse_html(text, config.extract), url, config.extract)
            except InputError:
                pass
        rates.append(len(pages) / (time.perf_counter() - start))
    return statistics.median(rates)


def run(name: str, extract: Callable[[Page], str], pages: list[Page], runs: int,
        scorer: ModuleType, gold: dict[str, dict]) -> Result:
    """Extract every page ``runs`` times; score the last pass, time each pass."""
    rates, bodies = [], {}
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        bodies = {page.id: extract(page) for page in pages}
        rates.append(len(pages) / (time.perf_counter() - start))
    records = [{"source": page.source, "body": bodies[page.id]} for page in pages]
    preds = scorer._from_records(records, Counter())
    metrics, per_doc = scorer.score(gold, preds)
    summary = {k: v for k, v in metrics.items() if not k.startswith("_")}
    summary["per_doc"] = per_doc
    return Result(name, bodies, statistics.median(rates), summary)


def write_outputs(out: Path, results: list[Result], pages: list[Page]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for result in results:
        with (out / f"{result.name}.jsonl").open("w", encoding="utf-8") as fh:
            for page in pages:
                rec = {"source": page.source, "body": result.bodies[page.id]}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        with (out / f"{result.name}.per-doc.jsonl").open("w", encoding="utf-8") as fh:
            for doc in sorted(result.metrics["per_doc"], key=lambda d: d["f1"]):
                fh.write(json.dumps(doc, ensure_ascii=False) + "\n")


def verdict(project: Result, baseline: Result, args: argparse.Namespace) -> list[str]:
    """The bar's failures, empty when it is met."""
    f1, base_f1 = project.metrics["f1"], baseline.metrics["f1"]
    failures = []
    if f1 < args.min_f1:
        failures.append(f"project F1 {f1:.4f} < {args.min_f1}")
    if f1 < base_f1 + args.margin:
        failures.append(f"project F1 {f1:.4f} < trafilatura F1 {base_f1:.4f} + {args.margin}")
    if project.docs_per_s < args.min_speed * baseline.docs_per_s:
        failures.append(f"project {project.docs_per_s:.1f} docs/s < {args.min_speed} x "
                        f"trafilatura {baseline.docs_per_s:.1f} docs/s")
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=BENCH)
    ap.add_argument("--scorer", type=Path, default=SCORER)
    ap.add_argument("--runs", type=int, default=3, help="timed passes; docs/s is their median")
    ap.add_argument("--min-f1", type=float, default=0.965)
    ap.add_argument("--margin", type=float, default=0.005, help="F1 lead over trafilatura")
    ap.add_argument("--min-speed", type=float, default=0.7, help="share of trafilatura's docs/s")
    ap.add_argument("--out", type=Path, help="write bodies and per-document scores here")
    args = ap.parse_args(argv)

    scorer = load_scorer(args.scorer)
    pages, gold = load_pages(args.bench)
    config = Config()
    project_body(pages[0], config)  # warm imports and caches before timing
    trafilatura_body(pages[0])
    results = [run("project", lambda p: project_body(p, config), pages, args.runs, scorer, gold),
               run("trafilatura", trafilatura_body, pages, args.runs, scorer, gold)]
    print(f"{len(pages)} pages, {args.runs} timed runs each")
    print(f"{'':<12} {'F1':>7} {'P':>7} {'R':>7} {'docs/s':>8}")
    for r in results:
        m = r.metrics
        print(f"{r.name:<12} {m['f1']:7.4f} {m['precision']:7.4f} {m['recall']:7.4f} "
              f"{r.docs_per_s:8.1f}")
    step = extract_step_rate(pages, config, args.runs)
    print(f"(project extraction step alone, parse_html + extract_html: {step:.1f} docs/s; "
          f"the rest of the path is decoding, metadata, text cleaning, language)")
    if args.out:
        write_outputs(args.out, results, pages)
    failures = verdict(results[0], results[1], args)
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    print("PASS" if not failures else "FAIL")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
