#!/usr/bin/env python3
"""The store's two backends and the three kinds of output side by side: the CLI end to end
(``--jobs 2``) on 20,000 inputs of bench/loadcorpus.py's corpus (variants of ../shared's real
articles and pages, with copies, stories and bad inputs; built once and cached).

- Stores: once with its own SQLite store and once with a PostgreSQL store (a throwaway local
  server, scripts/postgres_server.py, default durability: fsync on). Target: PostgreSQL at
  most ``MAX_RATIO`` x SQLite's time.
- Outputs (issue 35), each with the CLI's own SQLite store: to a local directory (the SQLite
  run above), to a PostgreSQL table (``--out postgresql://...`` on that server) and to an S3
  server (``--out s3://...``: moto's server mode on 127.0.0.1, scripts/s3_server.py). Target:
  each at most ``MAX_OUTPUT_RATIO`` x the local directory's time.

Prints each run's wall time, the peak memory of the CLI's process tree (PSS, sampled as
bench/load.py does) and of the PostgreSQL server's processes, and checks that every run
wrote the same records. The local-directory run goes last (a cold page cache for the corpus
counts against the others). Exit 1 on a miss.

    .venv/bin/python bench/store.py [--n 20000] [--seed 8] [--jobs 2] [--only stores|outputs]
"""
from __future__ import annotations

import argparse
import json
import os
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
from scripts.s3_server import new_bucket, s3_server  # noqa: E402

MAX_RATIO = 1.5
MAX_OUTPUT_RATIO = 1.3  # issue 35


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


def measured(corpus: Path, tmp: Path, name: str, jobs: int, store: str | None = None,
             out: str | None = None, server: str | None = None) -> dict:
    """One CLI run, in its own directory ``tmp/name`` (its output, or the work directory of
    an output URL ``out``), with ``store`` as its store; ``server``: a PostgreSQL database
    whose server's memory is sampled (the store's, or the output's)."""
    work = tmp / name
    work.mkdir()
    config = tmp / f"{name}.toml"
    config.write_text(f"[store]\npath = {json.dumps(store)}\n" if store else "", encoding="utf-8")
    peak, stop = [0], threading.Event()
    server = server or store
    sampler = threading.Thread(target=sample_server, args=(server, stop, peak), daemon=True)
    if server:
        sampler.start()
    log = tmp / f"{name}.log"
    rc, wall, sampled = run_cli(corpus, out or work, jobs, log, 0, ("--config", str(config)),
                                cwd=work)
    stop.set()
    if server:
        sampler.join()
    if rc != 0:
        raise SystemExit(f"the {name} run failed: {log.read_text(encoding='utf-8')[-2000:]}")
    if store and not indexed(store):
        raise SystemExit(f"the {name} run indexed nothing in {store}")
    return {"seconds": wall, "tree": sampled.peak_tree_pss, "server": peak[0]}


def rows_match(url: str, local: bytes) -> bool:
    """The articles table holds the local run's records, one row each."""
    import psycopg

    want = sorted((json.loads(line) for line in local.splitlines()), key=lambda r: r["id"])
    with psycopg.connect(url) as conn:
        got = [r[0] for r in conn.execute("SELECT record FROM articles ORDER BY id")]
    return got == want


def object_bytes(url: str) -> bytes:
    import s3fs

    return s3fs.S3FileSystem(skip_instance_cache=True).cat_file(url.removeprefix("s3://"))


def run_outputs(corpus: Path, tmp: Path, jobs: int, server: str) -> tuple[dict, dict]:
    """The CLI to a PostgreSQL table and to an S3 prefix (before the local run)."""
    pg = measured(corpus, tmp, "pg-output", jobs, out=(db := new_database(server)),
                  server=db)
    pg["url"] = db
    with s3_server() as env:
        os.environ.update(env)
        url = f"s3://{new_bucket(env)}/bench"
        s3 = measured(corpus, tmp, "s3-output", jobs, out=url)
        s3["data"] = object_bytes(f"{url}/articles.jsonl")
    return pg, s3


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", choices=("stores", "outputs"), default=None)
    args = ap.parse_args()
    corpus, manifest = corpus_dir(args.n, args.seed, rebuild=False)
    n, ok, res = manifest["inputs"], True, {}
    with tempfile.TemporaryDirectory(prefix="newsclean-store-") as name, \
            postgres_server() as server:
        tmp = Path(name)
        if args.only != "outputs":
            res["PostgreSQL store"] = measured(corpus, tmp, "postgresql", args.jobs,
                                               store=new_database(server))
        if args.only != "stores":
            res["PostgreSQL output"], res["S3 output"] = run_outputs(corpus, tmp, args.jobs,
                                                                     server)
        res["local (SQLite)"] = local = measured(corpus, tmp, "sqlite", args.jobs)
        written = (tmp / "sqlite/articles.jsonl").read_bytes()
        if "PostgreSQL store" in res:
            res["PostgreSQL store"]["same"] = (
                (tmp / "postgresql/articles.jsonl").read_bytes() == written)
        if "S3 output" in res:
            res["PostgreSQL output"]["same"] = rows_match(res["PostgreSQL output"]["url"], written)
            res["S3 output"]["same"] = res["S3 output"].pop("data") == written
    print(f"{n:,} inputs, --jobs {args.jobs}")
    print(f"{'run':<18} {'seconds':>8} {'inputs/s':>9} {'CLI tree PSS':>13} {'server PSS':>11} "
          f"{'x local':>8} {'same records':>13}")
    for label, run in res.items():
        server = mb(run["server"]) if run["server"] else "-"
        print(f"{label:<18} {run['seconds']:>8.1f} {n / run['seconds']:>9.1f} "
              f"{mb(run['tree']):>13} {server:>11} {run['seconds'] / local['seconds']:>7.2f}x "
              f"{str(run.get('same', '-')):>13}")
    for label, target in (("PostgreSQL store", MAX_RATIO), ("PostgreSQL output", MAX_OUTPUT_RATIO),
                          ("S3 output", MAX_OUTPUT_RATIO)):
        if label in res:
            ratio = res[label]["seconds"] / local["seconds"]
            met = ratio <= target and res[label]["same"]
            print(f"{label} / local SQLite time: {ratio:.2f}x (target <= {target}x); same "
                  f"records: {res[label]['same']}{'' if met else '  MISSED'}")
            ok = ok and met
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
