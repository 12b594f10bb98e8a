#!/usr/bin/env python3
"""What a one-off command costs: ``newsclean clean`` on one input, and its memory on 200.

Start-up: the whole process, ``.venv/bin/newsclean clean ONE --out OUT -q`` (interpreter,
imports, models, the run, the report), on one text file (the first seed) and on one HTML
page (the first of WCXB dev, ``../shared/bench/extraction/wcxb_dev``), wall seconds of
``--runs`` runs each (5), text and HTML alternating, after one untimed run of each (the page
cache, the unpacked language model: see ``cleaners/cache.py``), each to a fresh output
folder (the CPU seconds printed beside: on a loaded machine the wall time is mostly
waiting); our modules' bytecode is compiled first, as ``make install`` and a regular install
do. Beside them, as the reference, ``python -c "import trafilatura"`` timed the same way in
the same rounds.

Memory: ``newsclean clean DIR --out OUT -q`` on the first ``--pages`` (200) pages of WCXB
dev, written to a folder as ``.html`` files (the same bytes): the process' peak RSS as the
kernel counts it (``wait4``'s ``ru_maxrss``: every page it ever held), and the process
tree's peak RSS and PSS sampled every 50 ms (a worker pool, were there one, counted in).
Beside them, the reference: ``trafilatura.extract(html, include_comments=False)`` in a loop
over the same files (bench/extraction.py's call), one process, its peak RSS the same way.

Exit status 0 only when both start-up medians are <= ``--max-seconds`` (1.0) and the
200-page peak RSS is <= ``--max-mb`` (300).

    .venv/bin/python bench/startup.py [--runs 5] [--pages 200] [--keep DIR]
"""
from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
NEWSCLEAN = BIN / "newsclean"
PYTHON = BIN / "python"
SEED = ROOT / "seeds" / "000_52dd1108271556ea.txt"
PAGES = ROOT.parent / "shared" / "bench" / "extraction" / "wcxb_dev" / "html"
TRAFILATURA_LOOP = """
import sys
from pathlib import Path
import trafilatura
for path in sorted(Path(sys.argv[1]).glob("*.html")):
    trafilatura.extract(path.read_bytes(), include_comments=False)
"""


def write_pages(folder: Path, limit: int) -> list[Path]:
    """The first ``limit`` WCXB dev pages as ``.html`` files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for source in sorted(PAGES.glob("*.html.gz"))[:limit]:
        path = folder / source.name.removesuffix(".gz")
        path.write_bytes(gzip.decompress(source.read_bytes()))
        paths.append(path)
    if len(paths) < limit:
        raise SystemExit(f"only {len(paths)} pages in {PAGES}")
    return paths


@dataclass
class Peak:
    seconds: float = 0.0
    cpu: float = 0.0  # user + system seconds of the process and its children
    maxrss: int = 0  # bytes: the kernel's high-water mark of the process
    tree_rss: int = 0  # bytes: sampled, the process and its children
    tree_pss: int = 0


def pss(pid: int) -> int:
    """Bytes of ``pid``'s proportional set size (a page shared by n processes counts 1/n)."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def sample(pid: int, stop: threading.Event, peak: Peak) -> None:
    import psutil

    try:
        main = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not stop.is_set():
        rss = shared = 0
        try:
            procs = [main] + main.children(recursive=True)
        except psutil.NoSuchProcess:
            return
        for proc in procs:
            try:
                rss, shared = rss + proc.memory_info().rss, shared + pss(proc.pid)
            except (psutil.NoSuchProcess, OSError):
                continue
        peak.tree_rss, peak.tree_pss = max(peak.tree_rss, rss), max(peak.tree_pss, shared)
        stop.wait(0.05)


def measured(cmd: list[str], sampled: bool = False) -> Peak:
    """Runs ``cmd`` (it must succeed): its wall time and peak memory."""
    peak, stop = Peak(), threading.Event()
    errors = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
    watcher = threading.Thread(target=sample, args=(proc.pid, stop, peak), daemon=True)
    if sampled:
        watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)
    peak.seconds = time.perf_counter() - start
    stop.set()
    if sampled:
        watcher.join()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, by wait4
    if proc.returncode != 0:
        errors.seek(0)
        raise SystemExit(f"{' '.join(cmd)} failed: {errors.read().decode()[-2000:]}")
    errors.close()
    peak.maxrss = usage.ru_maxrss * 1024
    peak.cpu = usage.ru_utime + usage.ru_stime
    return peak


def clean(path: Path, out: Path) -> list[str]:
    return [str(NEWSCLEAN), "clean", str(path), "--out", str(out), "-q"]


def compiled() -> None:
    """Our modules' bytecode, as a regular install has it (``make bytecode``): an editable
    one under PYTHONDONTWRITEBYTECODE would compile them all in every timed run."""
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", "cleaners", "newsclean", "flows"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def startup(text: Path, html: Path, work: Path, runs: int) -> dict[str, list[Peak]]:
    """Wall and CPU seconds per run of each one-input command and of the reference import."""
    cmds = {"text": lambda n: clean(text, work / f"text-{n}"),
            "html": lambda n: clean(html, work / f"html-{n}"),
            "import trafilatura": lambda n: [str(PYTHON), "-c", "import trafilatura"]}
    for name, cmd in cmds.items():  # untimed: caches
        measured(cmd("warm"))
    times: dict[str, list[Peak]] = {name: [] for name in cmds}
    for n in range(runs):
        for name, cmd in cmds.items():
            times[name].append(measured(cmd(n)))
    return times


def mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--max-seconds", type=float, default=1.0)
    parser.add_argument("--max-mb", type=float, default=300.0)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        pages = write_pages(work / "pages", args.pages)
        compiled()
        times = startup(SEED, pages[0], work, args.runs)
        ours = measured(clean(work / "pages", work / "many"), sampled=True)
        theirs = measured([str(PYTHON), "-c", TRAFILATURA_LOOP, str(work / "pages")],
                          sampled=True)
    failures = []
    print(f"start-up, whole process, median of {args.runs} (min-max); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores:")
    for name, runs in times.items():
        seconds = [run.seconds for run in runs]
        median, cpu = statistics.median(seconds), statistics.median(run.cpu for run in runs)
        print(f"  {name:20s} {median:6.3f} s ({min(seconds):.3f}-{max(seconds):.3f}), "
              f"CPU {cpu:.3f} s")
        if name != "import trafilatura" and median > args.max_seconds:
            failures.append(f"newsclean clean ONE ({name}) {median:.3f} s > {args.max_seconds} s")
    print(f"{args.pages} pages, one process each:")
    for name, peak in (("newsclean clean", ours), ("trafilatura.extract loop", theirs)):
        print(f"  {name:24s} peak RSS {mb(peak.maxrss)}; tree sampled: RSS {mb(peak.tree_rss)}, "
              f"PSS {mb(peak.tree_pss)}; {peak.seconds:.1f} s (CPU {peak.cpu:.1f} s)")
    if ours.maxrss / 2**20 > args.max_mb:
        failures.append(f"peak RSS on {args.pages} pages {mb(ours.maxrss)} > {args.max_mb:.0f} MB")
    for failure in failures:
        print(f"FAIL: {failure}")
    if not failures:
        print(f"PASS: start-up <= {args.max_seconds} s, peak RSS <= {args.max_mb:.0f} MB")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
