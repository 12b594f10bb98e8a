#!/usr/bin/env python3
"""The run report (``cleaners.report``) at 100,000 articles: the size of each file
(``report.html`` and its story pages ``report/stories-NNNN.html``), generation time, and the
time each file takes to open in headless Chromium, beside references measured in the same run.

RECORDS: real records first: the pipeline (``cleaners.run.run``) cleans the seeds and the
real article bodies of ../shared (Fundus gold, ScrapingHub ground truth; seeds only when
absent) into real records (bodies, changes, signals, scores). From those, N records
(``-n``, 100,000 by default) are synthesized with ids, sites (40 outlets), URLs and dates
varied: stories of varied size (a heavy-tailed mix: most of one report, some of 2-20, a few
of 50-400), each report's ``reused`` passages pointing at an earlier report of its story,
~5% near-duplicates folded under an earlier report, ~3% error/skipped records of several
kinds. They are written to articles.jsonl as they are made (memory holds one story).

REFERENCES: the same records as plain JSONL (what the report replaces), and the report as
one file (every story in report.html, no pages: what it was before it split), whose size
grows with the run. Plots: inline SVG (ours) against plotly with its JS inlined once, when
plotly is importable (``pip install --target DIR plotly``; PYTHONPATH=DIR).

TARGETS (exit 1 when missed): no file over 15 MB (opens from disk or mail without a
struggle), every file opened <= 3 s (load event plus the first frame: an editor does not
wait longer), no console errors on any, every link to a file of the report resolves, and
generated <= 180 s, reading the JSONL included (a third of the time of the run that
produced the records: ~9 min at the pipeline's ~185 records/s).
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

from cleaners.report import run_stats, write_report  # noqa: E402
from cleaners.report.browser import CHROMIUM, Page  # noqa: E402

N = 100_000
TARGET_MB, TARGET_GEN_S, TARGET_OPEN_S = 15.0, 180.0, 3.0
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


def synthesize(base: list[dict], n: int, path: Path, seed: int = 7) -> None:
    """Write ``n`` records to ``path``: stories in turn, error records spread among them."""
    rng = random.Random(seed)
    errors = int(n * 0.03)
    sizes = story_sizes(rng, n - errors)
    spread = sorted(rng.sample(range(len(sizes) + errors), errors))
    with path.open("w", encoding="utf-8") as fh:
        sid = made = 0
        for slot in range(len(sizes) + errors):
            if made < errors and spread[made] == slot:
                batch, made = [error_record(made, rng)], made + 1
            else:
                batch, sid = story_records(base, sizes[sid], sid, rng), sid + 1
            for rec in batch:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def broken_links(files: list[Path]) -> list[str]:
    """Links from the report's HTML files to a file of the report or an anchor in one that
    does not exist (links out of the report, ``https:``, are not checked)."""
    from lxml import html as lxml_html

    ids = {f.resolve(): set(lxml_html.parse(str(f)).getroot().xpath("//@id")) for f in files}
    broken = []
    for f in files:
        for href in lxml_html.parse(str(f)).getroot().xpath("//a/@href"):
            if href.startswith(("http:", "https:")):
                continue
            name, _, anchor = href.partition("#")
            target = (f.parent / name).resolve() if name else f.resolve()
            if target not in ids or (anchor and anchor not in ids[target]):
                broken.append(f"{f.name}: {href}")
    return broken


def measure(run_dir: Path, timeout: float) -> dict:
    """Write the report (timed: reading articles.jsonl for the counts, then rendering); each
    HTML file's size and open time, console errors, broken links."""
    start = time.perf_counter()
    stats = run_stats(run_dir)
    read = time.perf_counter() - start
    paths = write_report(run_dir, stats=stats)
    gen = time.perf_counter() - start
    html = [p for p in paths if p.suffix == ".html"]
    opened, errors, details = {}, [], 0
    for path in html:  # a fresh browser per file: no cache shared between them
        with Page(CHROMIUM, timeout=timeout) as page:
            opened[path] = page.open(path)
            errors += [f"{path.name}: {e}" for e in page.errors()]
            details += page.evaluate("document.querySelectorAll('details').length")
    sizes = {p: p.stat().st_size / 1e6 for p in html}
    return {"files": len(html), "mb": max(sizes.values()), "total_mb": sum(sizes.values()),
            "index_mb": sizes[html[0]], "gen_s": gen, "read_s": read,
            "open_s": max(opened.values()),
            "index_open_s": opened[html[0]], "errors": errors, "details": details,
            "broken": broken_links(html)}


def one_file(run_dir: Path, stats, page: Page) -> dict:
    """The report as one file, every story in it (before pages): its size and open time."""
    from cleaners.report.html import FULL_TEXT_BUDGET, LineReader, _loose_story, render
    from cleaners.report.layout import plan

    by_id = {m.id: m for m in stats.articles}
    layout = plan(stats.stories + _loose_story(stats), by_id, FULL_TEXT_BUDGET,
                  index_bytes=10**12)
    path = run_dir.parent / "one-file.html"
    start = time.perf_counter()
    with (run_dir / "articles.jsonl").open("rb") as fh, path.open("w", encoding="utf-8") as out:
        render(stats, LineReader(fh), out, layout=layout)
    gen = time.perf_counter() - start
    return {"mb": path.stat().st_size / 1e6, "gen_s": gen, "open_s": page.open(path)}


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
    parser.add_argument("-n", "--n", type=int, default=N, help="records (default %(default)s)")
    parser.add_argument("--keep", type=Path, help="copy the synthesized run (articles.jsonl, "
                        "report.html, report/, summary.md) into this directory")
    parser.add_argument("--screenshot", type=Path, help="only write the seeds' report as a "
                        "PNG here (docs/report.png) and exit")
    args = parser.parse_args()
    if args.screenshot:
        return screenshot(args.screenshot)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        base = base_records(work)
        run_dir = work / "run"
        run_dir.mkdir()
        synthesize(base, args.n, run_dir / "articles.jsonl")
        stats = run_stats(run_dir)
        print(f"records: {stats.total} from {len(base)} real ones ({time.perf_counter() - t0:.1f} s); "
              f"{stats.story_count} stories (largest {stats.stories[0].size}), "
              f"{stats.duplicates} duplicates, {stats.by_status['error']} errors, "
              f"{stats.by_status['skipped']} skipped")
        compare_plots(stats, work)
        jsonl_mb = (run_dir / "articles.jsonl").stat().st_size / 1e6
        ours = measure(run_dir, timeout=120)
        with Page(CHROMIUM, timeout=300) as page:
            single = one_file(run_dir, stats, page)
        if args.keep:
            shutil.copytree(run_dir, args.keep, dirs_exist_ok=True)
    print(f"{'':34}{'files':>6}{'largest MB':>11}{'total MB':>9}{'generate s':>11}{'open s':>7}")
    print(f"{'report (ours): report.html + pages':34}{ours['files']:6d}{ours['mb']:11.2f}"
          f"{ours['total_mb']:9.2f}{ours['gen_s']:11.2f}{ours['open_s']:7.2f}")
    print(f"{'  of which reading articles.jsonl':34}{'':26}{ours['read_s']:11.2f}")
    print(f"{'  report.html alone':34}{1:6d}{ours['index_mb']:11.2f}{ours['index_mb']:9.2f}"
          f"{'':11}{ours['index_open_s']:7.2f}")
    print(f"{'one file, no pages (before)':34}{1:6d}{single['mb']:11.2f}{single['mb']:9.2f}"
          f"{single['gen_s']:11.2f}{single['open_s']:7.2f}")
    print(f"{'articles.jsonl':34}{1:6d}{jsonl_mb:11.2f}")
    missed = [f"largest file {ours['mb']:.1f} MB > {TARGET_MB}"] if ours["mb"] > TARGET_MB else []
    missed += [f"generate {ours['gen_s']:.1f} s > {TARGET_GEN_S}"] if ours["gen_s"] > TARGET_GEN_S else []
    missed += [f"open {ours['open_s']:.1f} s > {TARGET_OPEN_S}"] if ours["open_s"] > TARGET_OPEN_S else []
    missed += [f"console errors: {ours['errors'][:3]}"] if ours["errors"] else []
    missed += [f"broken links: {ours['broken'][:3]}"] if ours["broken"] else []
    print(f"targets: every file <= {TARGET_MB} MB and opened <= {TARGET_OPEN_S} s, no console "
          f"errors, no broken link, generated <= {TARGET_GEN_S} s: "
          + ("MISSED " + "; ".join(missed) if missed else "met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
