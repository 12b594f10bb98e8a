"""Scheduled runs against a real local Prefect server, end to end.

Starts ``prefect server start`` (temporary home), serves the deployment with ``newsclean
serve`` on a short interval over an inbox, adds files to the inbox after the first run, and
waits until at least two scheduled runs have completed, every one with its four artifacts,
and the inbox has been ingested exactly once. Prints each run's timing; exits 1 on a failure.

Usage: python scripts/scheduled_runs.py [--interval SECONDS] [--timeout SECONDS]
                                        [--dask-address local|tcp://HOST:PORT]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from prefect_server import local_server, serving

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"newsclean-progress", "newsclean-sources", "newsclean-summary", "newsclean-report"}


def api(env: dict[str, str], path: str, body: dict) -> list[dict]:
    req = urllib.request.Request(f"{env['PREFECT_API_URL']}{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def completed_runs(env: dict[str, str]) -> list[dict]:
    return api(env, "/flow_runs/filter", {
        "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}, "sort": "START_TIME_ASC"})


def failed_runs(env: dict[str, str]) -> list[dict]:
    return api(env, "/flow_runs/filter", {
        "flow_runs": {"state": {"type": {"any_": ["FAILED", "CRASHED"]}}}})


def artifact_keys(env: dict[str, str], run_id: str) -> set[str]:
    found = api(env, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run_id]}}})
    return {a["key"] for a in found if a.get("key")}


def records(reports: Path, run: dict) -> int:
    (run_dir,) = reports.glob(f"*-{run['name']}")
    return len((run_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines())


def write_config(tmp: Path, interval: int) -> Path:
    config = tmp / "newsclean.toml"
    config.write_text(f'[sources]\ninbox = "{tmp / "inbox"}"\n'
                      f'[schedule]\ninterval = {interval}\nreports = "{tmp / "reports"}"\n',
                      encoding="utf-8")
    return config


def wait_for_runs(env: dict[str, str], tmp: Path, timeout: float) -> list[dict]:
    """Completed runs, once two or more are done and the whole inbox is ingested."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    deadline, added = time.monotonic() + timeout, False
    while time.monotonic() < deadline:
        if failed_runs(env):
            raise RuntimeError(f"a flow run failed: {failed_runs(env)[0]['name']}")
        runs = completed_runs(env)
        if runs and not added:  # new files after the first run: a later run takes only them
            for seed in seeds[3:]:
                shutil.copy(seed, tmp / "inbox" / seed.name)
            added = True
        total = sum(records(tmp / "reports", r) for r in runs)
        if len(runs) >= 2 and total == len(seeds):
            return runs
        if total > len(seeds):
            raise RuntimeError(f"{total} records for {len(seeds)} inputs: some ingested twice")
        time.sleep(2)
    raise TimeoutError(f"fewer than two completed runs after {timeout:.0f} s")


def main(interval: int, timeout: float, dask_address: str | None) -> int:
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "inbox").mkdir()
        for seed in sorted((ROOT / "seeds").glob("*.txt"))[:3]:
            shutil.copy(seed, tmp / "inbox" / seed.name)
        config = write_config(tmp, interval)
        with local_server(tmp / "home", tmp / "server.log") as env:
            print(f"server up after {time.monotonic() - start:.1f} s")
            with serving(config, env, tmp / "serve.log", dask_address):
                try:
                    runs = wait_for_runs(env, tmp, timeout)
                except (RuntimeError, TimeoutError) as exc:
                    print(f"FAIL: {exc}\n--- serve log\n{(tmp / 'serve.log').read_text()[-3000:]}")
                    return 1
            for run in runs:
                missing = KEYS - artifact_keys(env, run["id"])
                print(f"run {run['name']}: {records(tmp / 'reports', run)} records, "
                      f"{run['total_run_time']:.1f} s running, scheduled "
                      f"{run['expected_start_time']}, finished {run['end_time']}"
                      + (f", MISSING {missing}" if missing else ""))
                if missing:
                    return 1
    print(f"OK: {len(runs)} scheduled runs completed with their artifacts; "
          f"{time.monotonic() - start:.1f} s in all")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=240.0)
    parser.add_argument("--dask-address", help="passed to newsclean serve ('local' or tcp://...)")
    args = parser.parse_args()
    sys.exit(main(args.interval, args.timeout, args.dask_address))
