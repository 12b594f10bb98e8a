#!/usr/bin/env python3
"""The store's two backends side by side: the CLI end to end (``--jobs 2``) on 20,000 inputs
of bench/loadcorpus.py's corpus (variants of ../shared's real articles and pages, with
copies, stories and bad inputs; built once and cached), once with its own SQLite store and
once with a PostgreSQL store (a throwaway local server, scripts/postgres_server.py, default
durability: fsync on). Prints each run's wall time, the peak memory of the CLI's process
tree (PSS, sampled as bench/load.py does) and of the PostgreSQL server's processes, and
checks that both runs wrote the same records. Target: PostgreSQL at most ``MAX_RATIO`` x
SQLite's time. The PostgreSQL run goes first (a cold page cache for the corpus counts
against it). Exit 1 on a miss.

    .venv/bin/python bench/store.py [--n 20000] [--seed 8] [--jobs 2]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from load import mb, proportional_set_size, run_cli  # noqa: E402
from loadcorpus import corpus_dir  # noqa: E402
from scripts.postgres_server import new_database, postgres_server  # noqa: E402

MAX_RATIO = 1.5


def sample_server(url: str, stop: threading.Event, peak: list[int]) -> None:
    """The peak summed PSS of the server's processes (the postmaster, a backend's parent,
    and its children), every 0.2 s, into ``peak[0]``."""
    import psutil
    import psycopg

    with psycopg.connect(url) as conn:
        postmaster = psutil.Process(psutil.Process(conn.info.backend_pid).ppid())
    while not stop.is_set():
        total = 0
        for proc in [postmaster, *postmaster.children()]:
            try:
                total += proportional_set_size(proc.pid)
            except OSError:
                continue
        peak[0] = max(peak[0], total)
        stop.wait(0.2)


def indexed(url: str) -> int:
    """Records in the PostgreSQL store: that the run used it (0 without its tables)."""
    import psycopg

    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('records')").fetchone()[0] is None:
            return 0
        return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])


def measured(corpus: Path, out: Path, jobs: int, store: str | None) -> dict:
    config = out.parent / f"{out.name}.toml"
    config.write_text(f"[store]\npath = {json.dumps(store)}\n" if store else "", encoding="utf-8")
    peak, stop = [0], threading.Event()
    sampler = threading.Thread(target=sample_server, args=(store, stop, peak), daemon=True)
    if store:
        sampler.start()
    rc, wall, sampled = run_cli(corpus, out, jobs, out.parent / f"{out.name}.log", 0,
                                ("--config", str(config)))
    stop.set()
    if store:
        sampler.join()
    if rc != 0:
        log = (out.parent / f"{out.name}.log").read_text(encoding="utf-8")
        raise SystemExit(f"the {out.name} run failed: {log[-2000:]}")
    if store and not indexed(store):
        raise SystemExit(f"the {out.name} run indexed nothing in {store}")
    return {"seconds": wall, "tree": sampled.peak_tree_pss, "server": peak[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    corpus, manifest = corpus_dir(args.n, args.seed, rebuild=False)
    with tempfile.TemporaryDirectory(prefix="newsclean-store-") as name, \
            postgres_server() as server:
        tmp = Path(name)
        pg = measured(corpus, tmp / "postgresql", args.jobs, new_database(server))
        lite = measured(corpus, tmp / "sqlite", args.jobs, None)
        same = ((tmp / "postgresql/articles.jsonl").read_bytes()
                == (tmp / "sqlite/articles.jsonl").read_bytes())
    ratio = pg["seconds"] / lite["seconds"]
    n = manifest["inputs"]
    print(f"{n:,} inputs, --jobs {args.jobs}")
    print(f"{'store':<12} {'seconds':>8} {'inputs/s':>9} {'CLI tree PSS':>13} {'server PSS':>11}")
    for label, res in (("SQLite", lite), ("PostgreSQL", pg)):
        server = mb(res["server"]) if res["server"] else "-"
        print(f"{label:<12} {res['seconds']:>8.1f} {n / res['seconds']:>9.1f} "
              f"{mb(res['tree']):>13} {server:>11}")
    print(f"PostgreSQL / SQLite time: {ratio:.2f}x (target <= {MAX_RATIO}x); "
          f"same records: {same}")
    return 0 if ratio <= MAX_RATIO and same else 1


if __name__ == "__main__":
    sys.exit(main())
