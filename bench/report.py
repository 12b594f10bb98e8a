#!/usr/bin/env python3
"""The run report (``cleaners.report``) at 10,000 articles: file size, generation time, and
time to open in headless Chromium, beside references measured in the same run.

RECORDS: real records first: the pipeline (``cleaners.run.run``) cleans the seeds and the
real article bodies of ../shared (Fundus gold, ScrapingHub ground truth; seeds only when
absent) into real records (bodies, changes, signals, scores). From those, 10,000 records are
synthesized with ids, sites (40 outlets), URLs and dates varied: stories of varied size
(a heavy-tailed mix: most of one report, some of 2-20, a few of 50-400), each report's
``reused`` passages pointing at an earlier report of its story, ~5% near-duplicates folded
under an earlier report, ~3% error/skipped records of several kinds.

REFERENCES: the same records as plain JSONL (what the report replaces), and a naive report
with every article's text inline (``full_budget`` unbounded) - the size and open time the
budget avoids. Plots: inline SVG (ours) against plotly with its JS inlined once, when
plotly is importable (``pip install --target DIR plotly``; PYTHONPATH=DIR).

TARGETS (exit 1 when missed): report <= 15 MB (opens from disk or mail without a
struggle; a naive report of 10,000 texts is far larger), generated <= 20 s (well under the
time of the run that produced the records), opened <= 5 s (load event plus the first frame:
an editor does not wait longer), and no console errors.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from cleaners.report import summarize, write_report  # noqa: E402
from cleaners.report.browser import CHROMIUM, Page  # noqa: E402

N = 10_000
TARGET_MB, TARGET_GEN_S, TARGET_OPEN_S = 15.0, 20.0, 5.0
OUTLETS = [f"{name}.example" for name in (
    "dailyherald", "morningpost", "citywire", "northtimes", "thechronicle", "globalnews",
    "metrodaily", "eveningstar", "coastgazette", "valleyobserver", "capitalreport", "theledger",
    "islandvoice", "desertsun", "riverside", "harbourtimes", "plainsdealer", "hilltribune",
    "lakeside", "frontierpress", "sundaysentinel", "weeklyecho", "midlandmail", "southernstar",
    "easternbeacon", "westernwire", "courier", "examiner", "bulletin", "dispatch", "monitor",
    "tribune", "gazette", "journal", "standard", "telegraph", "independent", "review",
    "pioneer", "advocate")]
ERROR_KINDS = [("error", "empty"), ("error", "binary"), ("error", "broken_html"),
               ("error", "decode_error"), ("skipped", "not_article"), ("error", "bad_json")]


def base_records(work: Path) -> list[dict]:
    """Real records: the pipeline run on the seeds and the real article bodies available."""
    from cleaners.config import load_config
    from cleaners.run import run

    inputs = [ROOT / "seeds"]
    try:
        from corpora import real_articles
        rows = real_articles()
    except (OSError, ValueError):
        rows = []
    if rows:
        feed = work / "real.jsonl"
        with feed.open("w", encoding="utf-8") as fh:
            for i, row in enumerate(rows):
                fh.write(json.dumps({"id": row["id"], "text": row["text"],
                                     "site": row["publisher"], "date": "2024-01-01"}) + "\n")
        inputs.append(feed)
    run(inputs, work / "base", load_config(None))
    with (work / "base" / "articles.jsonl").open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    return [r for r in records if r["status"] == "ok" and r["body"]]


def story_sizes(rng: random.Random, total: int) -> list[int]:
    sizes: list[int] = []
    while sum(sizes) < total:
        roll = rng.random()
        size = 1 if roll < 0.6 else rng.randint(2, 20) if roll < 0.97 else rng.randint(50, 400)
        sizes.append(min(size, total - sum(sizes)))
    return sizes


def reused_passage(body: str, source: str, rng: random.Random) -> dict | None:
    sentences = [s for s in body.split(". ") if len(s) > 40]
    if not sentences:
        return None
    text = rng.choice(sentences)
    start = body.find(text)
    return {"text": text, "start": start, "end": start + len(text), "source_id": source,
            "share": round(min(1.0, len(text.split()) / max(1, len(body.split()))), 4)}


def story_records(base: list[dict], size: int, sid: int, rng: random.Random) -> list[dict]:
    day = 1 + sid % 300
    out: list[dict] = []
    for i in range(size):
        rec = json.loads(json.dumps(rng.choice(base)))
        rid = f"a{sid:05d}-{i:03d}"
        site = rng.choice(OUTLETS)
        date = f"2024-{1 + (day + i // 40) // 28 % 12:02d}-{1 + (day + i // 40) % 28:02d}"
        rec.update(id=rid, source=f"crawl/{site}/{rid}.html", format="html", site=site,
                   url=f"https://www.{site}/news/{rid}", date=date, story=f"s-{sid:05d}",
                   first_report=False, duplicate_of=None, reused=[])
        if out and rng.random() < 0.05:
            canonical = rng.choice(out)
            rec.update(body=canonical["body"], duplicate_of=canonical["id"],
                       scores={**canonical["scores"], "originality": 0.0})
        elif out:
            passage = reused_passage(rec["body"], rng.choice(out)["id"], rng)
            rec["reused"] = [passage] if passage else []
        out.append(rec)
    out.sort(key=lambda r: r["date"])
    out[0]["first_report"] = True
    return out


def error_record(n: int, rng: random.Random) -> dict:
    status, kind = rng.choice(ERROR_KINDS)
    site = rng.choice(OUTLETS)
    return {"id": f"e{n:05d}", "source": f"crawl/{site}/e{n:05d}.html", "format": "html",
            "url": f"https://www.{site}/e{n}", "site": site, "title": None, "date": None,
            "authors": [], "credit": None, "language": None, "body": None, "truncated": None,
            "status": status, "error": {"kind": kind, "message": f"input {n}: {kind}"},
            "changes": [], "signals": {}, "scores": {"completeness": None, "originality": None},
            "duplicate_of": None, "story": None, "first_report": None, "reused": None}


def synthesize(base: list[dict], n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    errors = int(n * 0.03)
    records = [r for sid, size in enumerate(story_sizes(rng, n - errors))
               for r in story_records(base, size, sid, rng)]
    records += [error_record(i, rng) for i in range(errors)]
    rng.shuffle(records)
    return records


def measure(run_dir: Path, budget: int | None, page: Page) -> dict:
    start = time.perf_counter()
    paths = write_report(run_dir) if budget is None else write_report(run_dir, full_budget=budget)
    gen = time.perf_counter() - start
    html = paths[0]
    opened = page.open(html)
    return {"mb": html.stat().st_size / 1e6, "gen_s": gen, "open_s": opened,
            "errors": page.errors(),
            "details": page.evaluate("document.querySelectorAll('details').length")}


def svg_plots(stats) -> str:
    from cleaners.report import source_rows
    from cleaners.report.plots import histogram, source_bars, timeline

    big = stats.stories[0]
    by_id = {m.id: m for m in stats.articles}
    points = [(by_id[i].date or "", i, bool(by_id[i].first_report), bool(by_id[i].duplicate_of))
              for i in big.members]
    return "".join([histogram(stats.completeness, "completeness"),
                    histogram(stats.originality, "originality"),
                    source_bars(source_rows(stats)), timeline(points, big.id)])


def plotly_plots(stats) -> str:
    import plotly.graph_objects as go
    from cleaners.report import source_rows

    rows = source_rows(stats)[:15]
    big = stats.stories[0]
    dates = [m.date for m in stats.articles if m.id in set(big.members)]
    figs = [go.Figure(go.Histogram(x=stats.completeness, nbinsx=20)),
            go.Figure(go.Histogram(x=stats.originality, nbinsx=20)),
            go.Figure([go.Bar(y=[r["source"] for r in rows], x=[r[k] for r in rows],
                              orientation="h", name=k)
                       for k in ("mean_completeness", "mean_originality")]),
            go.Figure(go.Histogram(x=dates))]
    return "".join(fig.to_html(full_html=False, include_plotlyjs=(i == 0))
                   for i, fig in enumerate(figs))


def compare_plots(stats, work: Path) -> None:
    """The four plots of a report as inline SVG against plotly (JS inlined once)."""
    makers = {"inline SVG (ours)": svg_plots}
    if importlib.util.find_spec("plotly"):
        makers["plotly, JS inline"] = plotly_plots
    else:
        print("plots: plotly not importable; only the SVG figures")
    with Page(CHROMIUM) as page:
        for name, make in makers.items():
            start = time.perf_counter()
            body = make(stats)
            gen = time.perf_counter() - start
            html = work / f"plots-{len(body)}.html"
            html.write_text(f"<!doctype html><meta charset=utf-8><body>{body}", encoding="utf-8")
            opened = page.open(html)
            print(f"plots, {name:20} {len(body.encode()) / 1e3:9.1f} kB  generate "
                  f"{gen * 1e3:7.1f} ms  open {opened:5.2f} s  errors {len(page.errors())}")


def screenshot(path: Path) -> int:
    """The seeds' report, one article with reused passages opened: docs/report.png."""
    from cleaners.config import load_config
    from cleaners.run import run

    path = path.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "seeds"
        os.chdir(ROOT)  # relative input paths, as `newsclean clean seeds` writes them
        run([Path("seeds")], out, load_config(None))
        write_report(out)
        with Page() as page:
            page.open(out / "report.html")
            page.evaluate("""(() => { const a = document.querySelector(
                'details.article:not([data-first=true]) mark.reused');
                a.closest('details.article').open = true; })()""")
            page.screenshot(path, max_height=2400)
            errors = page.errors()
    print(f"wrote {path}; console errors: {errors or 'none'}")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=N)
    parser.add_argument("--keep", type=Path, help="copy the synthesized run (articles.jsonl, "
                        "report.html, summary.md) into this directory")
    parser.add_argument("--screenshot", type=Path, help="only write the seeds' report as a "
                        "PNG here (docs/report.png) and exit")
    args = parser.parse_args()
    if args.screenshot:
        return screenshot(args.screenshot)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        base = base_records(work)
        records = synthesize(base, args.n)
        run_dir = work / "run"
        run_dir.mkdir()
        with (run_dir / "articles.jsonl").open("w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        stats = summarize(records)
        print(f"records: {len(records)} from {len(base)} real ones ({time.perf_counter() - t0:.1f} s); "
              f"{stats.story_count} stories (largest {stats.stories[0].size}), "
              f"{stats.duplicates} duplicates, {stats.by_status['error']} errors, "
              f"{stats.by_status['skipped']} skipped")
        compare_plots(stats, work)
        jsonl_mb = (run_dir / "articles.jsonl").stat().st_size / 1e6
        with Page(CHROMIUM, timeout=120) as page:
            ours = measure(run_dir, None, page)
        with Page(CHROMIUM, timeout=300) as page:
            naive = measure(run_dir, 10**12, page)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            write_report(run_dir)
            for path in run_dir.iterdir():
                shutil.copy(path, args.keep / path.name)
    print(f"{'':28}{'size MB':>9}{'generate s':>12}{'open s':>9}{'details':>9}")
    print(f"{'report.html (ours)':28}{ours['mb']:9.2f}{ours['gen_s']:12.2f}{ours['open_s']:9.2f}"
          f"{ours['details']:9d}")
    print(f"{'naive: every text inline':28}{naive['mb']:9.2f}{naive['gen_s']:12.2f}"
          f"{naive['open_s']:9.2f}{naive['details']:9d}")
    print(f"{'articles.jsonl':28}{jsonl_mb:9.2f}")
    missed = [f"size {ours['mb']:.1f} MB > {TARGET_MB}" for _ in [0] if ours["mb"] > TARGET_MB]
    missed += [f"generate {ours['gen_s']:.1f} s > {TARGET_GEN_S}"] if ours["gen_s"] > TARGET_GEN_S else []
    missed += [f"open {ours['open_s']:.1f} s > {TARGET_OPEN_S}"] if ours["open_s"] > TARGET_OPEN_S else []
    missed += [f"console errors: {ours['errors'][:3]}"] if ours["errors"] else []
    print(f"targets: size <= {TARGET_MB} MB, generate <= {TARGET_GEN_S} s, open <= "
          f"{TARGET_OPEN_S} s, no console errors: " + ("MISSED " + "; ".join(missed)
                                                        if missed else "met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
