#!/usr/bin/env python3
"""The Python API's cost: ``newsclean.clean`` per page against the CLI's, and the import.

Pages: the ScrapingHub article-extraction benchmark (``../shared/bench/extraction/
scrapinghub/html``: 181 gzipped pages, read as bench/extraction.py reads them). The CLI's
time per page is its run (:func:`cleaners.run.run`, what ``newsclean clean DIR --jobs 1``
calls, without the process start-up and the report) over a folder of the pages, divided
by their number; the API's is ``newsclean.clean(html)`` called on each page's bytes in
turn (the per-article path: the CLI's run does that and the corpus step), and, like for
like, ``newsclean.clean_many([folder])`` over the CLI's folder (the same reader, the
per-article path and the corpus step, batch by batch, no output files); ``clean``'s pages
already in memory. Both are warmed (the models loaded) and timed
``--runs`` times, interleaved, in this process, in CPU seconds of this process (on a
shared, loaded machine the wall clock mostly measures the other processes: wall times are
printed beside); each one's best pass is compared, medians printed beside.

Then ``import newsclean`` in ``--imports`` fresh processes (median, timed inside the
process: the interpreter's own start-up is not the package's).

Exit status 0 only when both API calls' time per page is within ``--margin`` (5%) of the
CLI's (or under it) and the import's median is under ``--max-import`` (0.5 s).

    .venv/bin/python bench/api.py [--runs 3] [--imports 5] [--pages N]
"""
from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import newsclean  # noqa: E402
from cleaners.config import Config  # noqa: E402
from cleaners.run import run  # noqa: E402

PAGES = ROOT.parent / "shared/bench/extraction/scrapinghub/html"
IMPORT = "import time; t = time.perf_counter(); import newsclean; print(time.perf_counter() - t)"


def load_pages(folder: Path, limit: int | None) -> list[tuple[str, bytes]]:
    paths = sorted(folder.glob("*.html.gz"))[:limit]
    return [(p.name.split(".")[0], gzip.decompress(p.read_bytes())) for p in paths]


def write_folder(pages: list[tuple[str, bytes]], folder: Path) -> Path:
    """The pages as the CLI reads them: one ``.html`` file each, the same bytes."""
    folder.mkdir(parents=True)
    for key, html in pages:
        (folder / f"{key}.html").write_bytes(html)
    return folder


Timing = tuple[float, float]  # (CPU, wall) seconds per page


def cli_pass(folder: Path, out: Path, config: Config, n: int) -> Timing:
    """Seconds per page of the CLI's run over ``folder`` (a fresh output each time)."""
    cpu, wall = time.process_time(), time.perf_counter()
    summary = run([folder], out, config)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert summary.total == n, summary
    return cpu / n, wall / n


def api_pass(pages: list[tuple[str, bytes]], config: Config) -> Timing:
    """Seconds per page of ``newsclean.clean`` over the pages."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _, html in pages:
        newsclean.clean(html, config=config)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu / len(pages), wall / len(pages)


def many_pass(folder: Path, config: Config, n: int) -> Timing:
    """Seconds per page of ``newsclean.clean_many`` over the CLI's folder."""
    cpu, wall = time.process_time(), time.perf_counter()
    done = sum(1 for _ in newsclean.clean_many([folder], config=config))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert done == n, done
    return cpu / n, wall / n


def line(name: str, times: list[Timing]) -> str:
    cpu, wall = [t[0] * 1000 for t in times], [t[1] * 1000 for t in times]
    return (f"{name:17s} {min(cpu):7.2f} ms/page CPU best, {statistics.median(cpu):7.2f} "
            f"median; wall {min(wall):7.2f} best, {statistics.median(wall):7.2f} median")


MODES = ("cli", "clean", "clean_many")
WARM_PAGES = 10


def one_pass(mode: str, limit: int | None) -> Timing:
    """In a fresh process: warm the per-article path on the first pages, then one pass."""
    pages, config = load_pages(PAGES, limit), Config()
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_folder(pages, Path(tmp) / "pages")
        for _, html in pages[:WARM_PAGES]:
            newsclean.clean(html, config=config)
        if mode == "cli":
            return cli_pass(folder, Path(tmp) / "out", config, len(pages))
        if mode == "clean":
            return api_pass(pages, config)
        return many_pass(folder, config, len(pages))


def timed_pass(mode: str, limit: int | None) -> Timing:
    args = [sys.executable, __file__, "--one", mode] + (["--pages", str(limit)] if limit else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    cpu, wall = map(float, out.split())
    return cpu, wall


def import_seconds(times: int) -> list[float]:
    """``import newsclean`` timed in ``times`` fresh interpreters."""
    return [float(subprocess.run([sys.executable, "-c", IMPORT], capture_output=True,
                                 text=True, check=True, cwd=ROOT).stdout)
            for _ in range(times)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--imports", type=int, default=5)
    parser.add_argument("--pages", type=int, default=None, help="the first N pages only")
    parser.add_argument("--margin", type=float, default=0.05)
    parser.add_argument("--max-import", type=float, default=0.5)
    parser.add_argument("--one", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(*one_pass(args.one, args.pages))
        return 0
    imports = import_seconds(args.imports)
    modes = list(MODES)
    times: dict[str, list[Timing]] = {mode: [] for mode in modes}
    for n in range(args.runs):
        for mode in modes[n % 3:] + modes[:n % 3]:
            times[mode].append(timed_pass(mode, args.pages))
    pages = load_pages(PAGES, args.pages)
    cli_times, api_times, many_times = times["cli"], times["clean"], times["clean_many"]
    cli_best = min(t[0] for t in cli_times)
    ratios = {name: min(t[0] for t in times) / cli_best
              for name, times in (("clean", api_times), ("clean_many", many_times))}
    print(f"{len(pages)} ScrapingHub pages, {args.runs} rounds, each pass in a fresh process")
    print(line("CLI run:", cli_times))
    print(line("newsclean.clean:", api_times))
    print(line("clean_many:", many_times))
    print("ratios to the CLI (CPU, best passes): " + ", ".join(
        f"{name} {ratio:.3f}" for name, ratio in ratios.items()) + f"; limit {1 + args.margin:.2f}")
    median_import = statistics.median(imports)
    print(f"import newsclean: {median_import * 1000:7.1f} ms median of {len(imports)} fresh "
          f"processes (max {max(imports) * 1000:.1f} ms; limit {args.max_import * 1000:.0f} ms)")
    failures = [f"newsclean.{name} is {ratio:.3f}x the CLI's time per page"
                for name, ratio in ratios.items() if ratio > 1 + args.margin]
    if median_import >= args.max_import:
        failures.append(f"import newsclean takes {median_import:.3f} s")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
