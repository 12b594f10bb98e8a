#!/usr/bin/env python3
"""Load: the CLI end to end, all stages, 2 worker processes, on a 100,000-input corpus,
against plain ``trafilatura.extract`` over the corpus' HTML pages in the same run.

The corpus (bench/loadcorpus.py; built once per version/size/seed under the temp dir and
reused; ``--rebuild`` forces a new one) holds ``--n`` inputs, counting every file and every JSONL line as one:
- real-looking variants of the real articles (``corpora.real_articles(seeds=True)``):
  sentences replaced from the language's pool or dropped, middle paragraphs shuffled,
  words substituted, truncations, mojibake, share/newsletter/related prompts around them,
  titles from the first sentence, dates spread over 8 weeks (an article's variants cluster
  on its "event" days, so stories form), and ~10% exact and near duplicates of recent
  inputs (dated 0-3 days later);
- as ``.txt`` files (a third in the seeds' dump format, `` date YYYY-MM-DD`` first), JSONL
  files of ~1,000 records (``{"id","text","title","date","url"}``, some fields missing);
- ``n / 10`` HTML pages: the ScrapingHub benchmark's real pages (../shared) with their
  prose paragraphs replaced by a variant text and their ISO dates moved to the variant's
  date (exact copies and re-posts of a text in another page's template among them), 75% as
  ``.html``, 10% as ``.html.gz``, 15% as ``html`` fields of the JSONL records;
- ``n / 100`` bad inputs: empty and binary files, broken JSON lines, non-object records,
  records without text, truncated gzip, undecodable bytes, and one 30 MB file.

The run: ``newsclean clean CORPUS --out OUT --jobs 2 -q`` as a subprocess; wall time,
articles/s (inputs / wall), the peak memory of the process tree (sampled every 0.2 s):
its PSS, the target (Linux's proportional set size: a page the forked workers share with
the main process counts once, not once per process), and its summed RSS, printed beside
it; the peak RSS of the main process, and the share of inputs accounted for (records with
distinct ids in OUT/articles.jsonl / inputs; every record must have a status and every
error record a kind and message). The reference: ``trafilatura.extract`` (library
defaults) over the same HTML pages (the same bytes, decoded as UTF-8) in a Pool(2).

Targets: 100% accounted for, peak memory (tree PSS) <= 1.5 GB, newsclean's articles/s over all
inputs >= 0.85 x trafilatura's docs/s over the HTML part (issue 37). Exit 1 on a miss.

    .venv/bin/python bench/load.py [--n 100000] [--seed 8] [--rebuild] [--keep]
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadcorpus import corpus_dir  # noqa: E402

CLI = ROOT / ".venv/bin/newsclean"
MAX_RSS_MB, MIN_SPEED_RATIO = 1536.0, 0.85  # issue 37 (0.6 before it)

# ----------------------------------------------------------------------------- reference


def _traf_init() -> None:
    import trafilatura
    trafilatura.extract("<html><body><p>" + "warm up text " * 40 + "</p></body></html>")


def _traf_task(task: tuple) -> tuple[int, int]:
    """(pages, characters extracted) for one file or one JSONL file's html records."""
    import trafilatura
    path, lines = task
    if lines is None:
        data = Path(path).read_bytes()
        if path.endswith(".gz"):
            data = gzip.decompress(data)
        htmls = [data.decode("utf-8", "replace")]
    else:
        wanted, htmls = set(lines), []
        with open(path, "rb") as fh:
            for n, line in enumerate(fh, 1):
                if n in wanted:
                    htmls.append(json.loads(line)["html"])
    chars = 0
    for h in htmls:
        chars += len(trafilatura.extract(h) or "")
    return len(htmls), chars


def trafilatura_rate(corpus: Path, manifest: dict, jobs: int) -> tuple[int, float, int]:
    """(pages, seconds, characters) of plain trafilatura.extract over the HTML pages."""
    tasks = [(str(corpus / p), None) for p in manifest["html_files"]]
    tasks += [(str(corpus / p), lines) for p, lines in manifest["html_jsonl"].items()]
    tasks.sort()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, initializer=_traf_init) as pool:
        pool.map(_traf_init_wait, range(jobs))
        start = time.perf_counter()
        pages = chars = 0
        for k, c in pool.imap_unordered(_traf_task, tasks, chunksize=4):
            pages, chars = pages + k, chars + c
        seconds = time.perf_counter() - start
    return pages, seconds, chars


def _traf_init_wait(_: int) -> None:
    time.sleep(0.2)  # every worker started and warmed before the clock starts


# ----------------------------------------------------------------------------- the run


@dataclass
class Sampled:
    peak_tree: int = 0
    peak_tree_pss: int = 0
    peak_main_pss: int = 0  # the main process' share at the tree's peak
    peak_main: int = 0
    peak_procs: int = 0
    workers_last_seen: float = 0.0
    jsonl_seen: float = 0.0
    cpu: dict = field(default_factory=dict)  # pid -> (user + system, is_main)
    samples: int = 0
    timeline: list = field(default_factory=list)  # (t, tree MB, main MB, records) every ~10 s


def monitor(pid: int, out: Path, start: float, stop: threading.Event, res: Sampled) -> None:
    import psutil
    try:
        main = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    last_mark = 0.0
    main_parent = main.ppid()
    while not stop.is_set():
        t = time.perf_counter() - start
        try:
            procs = [main] + main.children(recursive=True)
        except psutil.NoSuchProcess:
            break
        total = main_rss = pss = main_pss = 0
        working = False
        for p in procs:
            try:
                with p.oneshot():
                    rss = p.memory_info().rss
                    ct = p.cpu_times()
                one = proportional_set_size(p.pid)
                parent = p.ppid()
            except (psutil.NoSuchProcess, psutil.AccessDenied, OSError):
                continue
            total, pss = total + rss, pss + one
            res.cpu[p.pid] = (ct.user + ct.system, p.pid == pid)
            if p.pid == pid:
                main_rss, main_pss = rss, one
            working = working or parent not in (pid, main_parent)  # forked by the fork server
        res.peak_tree, res.peak_main = max(res.peak_tree, total), max(res.peak_main, main_rss)
        if pss > res.peak_tree_pss:
            res.peak_tree_pss, res.peak_main_pss = pss, main_pss
        res.peak_procs = max(res.peak_procs, len(procs))
        if working:
            res.workers_last_seen = t
        if not res.jsonl_seen and (out / "articles.jsonl").exists():
            res.jsonl_seen = t
        if t - last_mark >= 10:
            res.timeline.append((round(t), pss >> 20, main_rss >> 20, batches_done(out)))
            last_mark = t
        res.samples += 1
        stop.wait(0.2)


def proportional_set_size(pid: int) -> int:
    """Bytes of memory a process holds, each page shared with n processes counted 1/n
    (Linux PSS): the forked workers share the parent's pages, which summed RSS counts once
    per process."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def run_cli(corpus: Path, out: Path | str, jobs: int, log: Path, limit: float,
            extra: tuple[str, ...] = (), cwd: Path | None = None
            ) -> tuple[int | None, float, Sampled]:
    """Run the CLI (with ``extra`` arguments, in ``cwd``); stop it (its process group: it
    and its workers) after ``limit`` seconds. The exit code is None when it was stopped.
    ``out`` may be an output URL (bench/store.py)."""
    cmd = [str(CLI), "clean", str(corpus), "--out", str(out), "--jobs", str(jobs), "-q", *extra]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    res, stop = Sampled(), threading.Event()
    with open(log, "wb") as fh:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True, cwd=cwd)
        th = threading.Thread(target=monitor, args=(proc.pid, Path(out), start, stop, res),
                              daemon=True)
        th.start()
        try:
            rc: int | None = proc.wait(timeout=limit if limit > 0 else None)
        except subprocess.TimeoutExpired:
            stop.set()
            th.join()
            os.killpg(proc.pid, signal.SIGKILL)  # the group this run started, by its id
            proc.wait()
            rc = None
        wall = time.perf_counter() - start
    stop.set()
    th.join()
    return rc, wall, res


def batches_done(out: Path, batch: int = 500) -> int:
    """Records in the finished batch files of an unfinished run (500 per batch file)."""
    return batch * sum(1 for _ in (out / ".newsclean" / "batches").glob("*/*.jsonl"))


def account(out: Path, inputs: int) -> dict:
    ids, status, kinds, problems = set(), Counter(), Counter(), Counter()
    records = dups = stories = 0
    story_ids: set = set()
    with open(out / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            records += 1
            ids.add(rec.get("id"))
            st = rec.get("status")
            status[st] += 1
            if st not in ("ok", "skipped", "error"):
                problems["bad status"] += 1
            err = rec.get("error")
            if st in ("error", "skipped"):
                if not (isinstance(err, dict) and err.get("kind") and err.get("message")):
                    problems[f"{st} record without error kind+message"] += 1
                else:
                    kinds[err["kind"]] += 1
            if rec.get("duplicate_of"):
                dups += 1
            if rec.get("story") is not None:
                story_ids.add(rec["story"])
    stories = len(story_ids)
    return {"records": records, "distinct_ids": len(ids), "status": status, "kinds": kinds,
            "problems": problems, "duplicates": dups, "stories": stories,
            "accounted": len(ids) / inputs if inputs else 0.0}


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="inputs (files + JSONL lines)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rebuild", action="store_true", help="build the corpus even if cached")
    ap.add_argument("--keep", action="store_true", help="keep the run's output directory")
    ap.add_argument("--max-minutes", type=float, default=None,
                    help="stop newsclean after this long and report the rate so far (0: no "
                         "limit; default: twice the time the target rate would take, at "
                         "least 60, so a slower machine, measured by the reference, gets longer)")
    ap.add_argument("--skip-reference", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not CLI.exists():
        print(f"no CLI at {CLI}: run `make install` first", file=sys.stderr)
        return 2
    if importlib.util.find_spec("psutil") is None:  # it is in the venv (a dependency's)
        print("psutil is needed for the RSS sampling", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    corpus, manifest = corpus_dir(args.n, args.seed, args.rebuild)
    built = time.perf_counter() - t0
    inputs = manifest["inputs"]
    n_html = len(manifest["html_files"]) + sum(len(v) for v in manifest["html_jsonl"].values())
    print(f"corpus {corpus} ({'built' if built > 5 else 'cached'}, {du(corpus) / 2**20:,.0f} MB "
          f"on disk; build {manifest['build_seconds']} s)")
    print(f"inputs {inputs:,}: HTML pages {n_html:,} ({len(manifest['html_files']):,} files, "
          f"{n_html - len(manifest['html_files']):,} JSONL html fields), "
          f"bad inputs {sum(v for k, v in manifest['kinds'].items() if k.startswith('b-')):,}, "
          f"copies {sum(manifest['copies'].values()):,} {dict(manifest['copies'])}")
    load0 = os.getloadavg()

    ref_pages, ref_seconds, ref_chars = (0, 0.0, 0)
    if not args.skip_reference:
        ref_pages, ref_seconds, ref_chars = trafilatura_rate(corpus, manifest, args.jobs)
    ref_rate = ref_pages / ref_seconds if ref_seconds else 0.0

    work = Path(tempfile.mkdtemp(prefix="newsclean-load-run-"))
    out = work / "out"
    if args.max_minutes is None:
        at_target = inputs / (MIN_SPEED_RATIO * ref_rate) if ref_rate else 0.0
        args.max_minutes = max(60.0, round(2 * at_target / 60))
    rc, wall, sampled = run_cli(corpus, out, args.jobs, work / "cli.log", 60 * args.max_minutes)
    done = inputs if rc is not None else batches_done(out)
    load1 = os.getloadavg()
    main_cpu = sum(c for c, is_main in sampled.cpu.values() if is_main)
    worker_cpu = sum(c for c, is_main in sampled.cpu.values() if not is_main)  # + fork server
    tree_cpu = main_cpu + worker_cpu
    if rc is None:
        print(f"newsclean stopped after {wall / 60:.1f} min (--max-minutes) with {done:,} of "
              f"{inputs:,} inputs in finished batches: {done / wall:.1f} articles/s so far, "
              f"at that rate {inputs / max(done, 1) * wall / 60:.0f} min in all", file=sys.stderr)
    elif rc != 0:
        print(f"newsclean exited {rc}; log {work / 'cli.log'}:", file=sys.stderr)
        print((work / "cli.log").read_text(errors="replace")[-3000:], file=sys.stderr)
    acc = account(out, inputs) if (out / "articles.jsonl").exists() else None
    store = out / ".newsclean"
    store_bytes = sum(p.stat().st_size for p in store.glob("index.sqlite*")) if store.exists() else 0
    rate = done / wall

    print(f"\nload average at start {load0[0]:.2f}, at end {load1[0]:.2f} "
          f"(2-core machine shared with others)")
    print(f"{'':<34} {'newsclean CLI (all stages)':>28} {'trafilatura.extract':>22}")
    print(f"{'inputs':<34} {done:>28,} {ref_pages:>22,}")
    print(f"{'worker processes':<34} {args.jobs:>28} {args.jobs:>22}")
    print(f"{'wall time':<34} {wall:>26.1f} s {ref_seconds:>20.1f} s")
    print(f"{'rate':<34} {rate:>17.1f} articles/s {ref_rate:>15.1f} docs/s")
    print(f"{'peak memory, process tree (PSS)':<34} {mb(sampled.peak_tree_pss):>28}")
    split = f"{mb(sampled.peak_main_pss)} / {mb(sampled.peak_tree_pss - sampled.peak_main_pss)}"
    print(f"{'  of which main / workers + server':<34} {split:>28}")
    print(f"{'peak RSS, process tree (summed)':<34} {mb(sampled.peak_tree):>28}")
    print(f"{'peak RSS, main process':<34} {mb(sampled.peak_main):>28}")
    cpu = f"{main_cpu:.0f} / {worker_cpu:.0f} / " + (f"{tree_cpu:.0f} s" if rc is not None else "-")
    print(f"{'CPU: main / workers / whole tree':<34} {cpu:>28}")
    if acc:
        pair = f"{acc['records']:,} / {acc['distinct_ids']:,}"
        print(f"{'records / distinct ids':<34} {pair:>28}")
        print(f"{'accounted for':<34} {acc['accounted']:>27.2%}")
        print(f"{'status':<34} {json.dumps(dict(acc['status'])):>28}")
        pair = f"{acc['duplicates']:,} / {acc['stories']:,}"
        print(f"{'duplicates / stories':<34} {pair:>28}")
        print(f"error kinds: {dict(acc['kinds'].most_common())}")
    print(f"{'store on disk (index.sqlite*)':<34} {mb(store_bytes):>28}")
    if out.exists():
        sizes = {p.name: p.stat().st_size for p in out.iterdir() if p.is_file()}
        print("outputs: " + ", ".join(f"{k} {mb(v)}" for k, v in sorted(sizes.items())))
    if rc is not None:
        print(f"phases (from the sampler): workers alive until {sampled.workers_last_seen:.0f} s, "
              f"articles.jsonl in place at {sampled.jsonl_seen:.0f} s, exit at {wall:.0f} s "
              f"(after the workers: last corpus batches + assembly "
              f"{max(0.0, sampled.jsonl_seen - sampled.workers_last_seen):.0f} s, corrections + "
              f"report {max(0.0, wall - sampled.jsonl_seen):.0f} s)")
    print("timeline (s: tree PSS MB / main RSS MB / records in finished batches):")
    for k in range(0, len(sampled.timeline), 6):
        print("  " + "  ".join(f"{t:>5}s: {a:>5}/{b:>5} MB {r:>7,}"
                               for t, a, b, r in sampled.timeline[k:k + 6]))

    failures = []
    if rc is None:
        failures.append(f"newsclean stopped at the {args.max_minutes:g}-minute limit: "
                        f"{done:,}/{inputs:,} inputs done")
    elif rc != 0:
        failures.append(f"newsclean exited with {rc}")
    if rc is None:
        pass  # not measured: the output is only assembled at the end
    elif acc is None or acc["accounted"] < 1.0 or acc["records"] != inputs:
        failures.append(f"accounted for: {acc['accounted']:.4%} ({acc['records']:,} records, "
                        f"{acc['distinct_ids']:,} distinct ids, {inputs:,} inputs)"
                        if acc else "no articles.jsonl")
    if acc and acc["problems"]:
        failures.append(f"malformed records: {dict(acc['problems'])}")
    if sampled.peak_tree_pss / 2**20 > MAX_RSS_MB:
        failures.append(f"peak memory (PSS) {mb(sampled.peak_tree_pss)} > {MAX_RSS_MB:.0f} MB")
    if not args.skip_reference and rate < MIN_SPEED_RATIO * ref_rate:
        failures.append(f"{rate:.1f} articles/s < {MIN_SPEED_RATIO} x trafilatura's "
                        f"{ref_rate:.1f} docs/s = {MIN_SPEED_RATIO * ref_rate:.1f}")
    print()
    print(f"{'PASS' if acc and acc['accounted'] >= 1.0 and not acc['problems'] else 'FAIL'}: "
          f"accounted for (target 100%)")
    print(f"{'PASS' if sampled.peak_tree_pss / 2**20 <= MAX_RSS_MB else 'FAIL'}: peak memory "
          f"of the tree, PSS {mb(sampled.peak_tree_pss)} (target <= {MAX_RSS_MB:.0f} MB; "
          f"summed RSS {mb(sampled.peak_tree)})")
    if not args.skip_reference:
        print(f"{'PASS' if rate >= MIN_SPEED_RATIO * ref_rate else 'FAIL'}: throughput "
              f"{rate / ref_rate if ref_rate else 0:.2f}x trafilatura's (target >= "
              f"{MIN_SPEED_RATIO}x)")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("PASS" if not failures else "FAIL")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
