"""Scheduled runs against a real local Prefect server, end to end.

Starts ``prefect server start`` (temporary home), serves the deployment with ``newsclean
serve`` on a short interval over an inbox, adds files to the inbox after the first run, and
waits until at least two scheduled runs have completed and the inbox has been ingested
exactly once. Checks that every run that wrote records has its four artifacts and a report
link answering over HTTP (serve's static server), that runs with nothing new have neither
artifacts nor a folder, and that the deployment runs one at a time. Prints each run's
lateness against its schedule and the start-up of a run triggered at the end (Pending to
Running); exits 1 on a failure.

Then the outage-and-cancel case (issue 35): while a run holds the deployment's one slot, the
server is stopped for ``--outage`` seconds under ``newsclean serve`` and started again on
the same database (forgetting its in-memory concurrency leases); the run is then cancelled
where no runner acts on the cancel (as after an outage, when the runner's cancellation
watcher had died), and ``serve`` must stop its process, set it Cancelled and free the slot:
the next scheduled run completes.

Usage: python scripts/scheduled_runs.py [--interval SECONDS] [--timeout SECONDS]
                                        [--outage SECONDS]
                                        [--dask-address local|tcp://HOST:PORT]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect_server import Server, free_port, restartable_server, serving

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"newsclean-progress", "newsclean-sources", "newsclean-summary", "newsclean-report"}
STUCK_AFTER, HEAL_EVERY = 10, 5  # seconds: serve's check for stuck runs, short for the script


def fetch(req: urllib.request.Request | str, tries: int = 5) -> Any:
    """The JSON a request returns; a 503 (the server busy, its SQLite database locked: seen
    once in a CI clone right after start-up) is retried after a pause."""
    for attempt in range(tries):
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or attempt == tries - 1:
                raise
            time.sleep(1 + attempt)


def api(env: dict[str, str], path: str, body: dict) -> list[dict]:
    return fetch(urllib.request.Request(f"{env['PREFECT_API_URL']}{path}",
                                        data=json.dumps(body).encode(),
                                        headers={"Content-Type": "application/json"}))


def completed_runs(env: dict[str, str]) -> list[dict]:
    return api(env, "/flow_runs/filter", {
        "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}, "sort": "START_TIME_ASC"})


def failed_runs(env: dict[str, str]) -> list[dict]:
    return api(env, "/flow_runs/filter", {
        "flow_runs": {"state": {"type": {"any_": ["FAILED", "CRASHED"]}}}})


def states(env: dict[str, str], run_id: str) -> dict[str, datetime]:
    """State type -> when the run entered it."""
    found = fetch(f"{env['PREFECT_API_URL']}/flow_run_states/?flow_run_id={run_id}")
    return {s["type"]: datetime.fromisoformat(s["timestamp"]) for s in found}


def lateness(env: dict[str, str], run: dict) -> float:
    """Seconds from the scheduled time to Running; the runner fetches scheduled runs up to
    10 s early, so a negative figure means the start-up was done ahead of time."""
    scheduled = datetime.fromisoformat(run["expected_start_time"])
    return (states(env, run["id"])["RUNNING"] - scheduled).total_seconds()


def startup_seconds(env: dict[str, str], timeout: float = 120.0) -> float:
    """A run triggered now (nothing new: an empty run), from Pending (the runner took it)
    to Running (its process up, the flow loaded, the engine started): a run's start-up."""
    [deployment] = api(env, "/deployments/filter", {})
    run = api(env, f"/deployments/{deployment['id']}/create_flow_run", {})
    deadline = time.monotonic() + timeout
    while "COMPLETED" not in (found := states(env, run["id"])):
        if time.monotonic() > deadline or {"FAILED", "CRASHED"} & set(found):
            raise RuntimeError(f"the triggered run did not complete: {sorted(found)}")
        time.sleep(0.5)
    return (found["RUNNING"] - found["PENDING"]).total_seconds()


def artifacts(env: dict[str, str], run_id: str) -> dict[str, dict]:
    found = api(env, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run_id]}}})
    return {a["key"]: a for a in found if a.get("key")}


def records(reports: Path, run: dict) -> int:
    """The run's records; 0 for a run with nothing new, which leaves no folder."""
    return sum(len((run_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines())
               for run_dir in reports.glob(f"*-{run['name']}"))


def report_status(link: dict) -> int:
    """The HTTP status of the report artifact's link (Markdown ``[text](url)``)."""
    url = link["data"].rsplit("(", 1)[1].rstrip(")")
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status


def check_run(env: dict[str, str], reports: Path, run: dict) -> str | None:
    """What is wrong with a completed run's artifacts, or None."""
    found = artifacts(env, run["id"])
    if not records(reports, run):
        return f"an empty run published {set(found)}" if found else None
    if set(found) != KEYS:
        return f"MISSING {KEYS - set(found)}"
    status = report_status(found["newsclean-report"])
    return None if status == 200 else f"report link answered {status}"


def concurrency_limit(env: dict[str, str]) -> int | None:
    [deployment] = api(env, "/deployments/filter", {})
    return (deployment.get("global_concurrency_limit") or {}).get("limit")


def write_config(tmp: Path, interval: int) -> Path:
    config = tmp / "newsclean.toml"
    config.write_text(f'[sources]\ninbox = "{tmp / "inbox"}"\n'
                      f'[schedule]\ninterval = {interval}\nreports = "{tmp / "reports"}"\n'
                      f'report_port = {free_port()}\nstuck_after = {STUCK_AFTER}\n'
                      f'heal_every = {HEAL_EVERY}\n', encoding="utf-8")
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


def set_state(env: dict[str, str], run_id: str, kind: str) -> str:
    """Propose a state as a runner or the UI would (the server's rules apply); its answer."""
    return api(env, f"/flow_runs/{run_id}/set_state", {"state": {"type": kind}})["status"]


def running_run(env: dict[str, str]) -> tuple[str, subprocess.Popen]:
    """A run of the deployment holding its slot, Running, with a process that carries its
    id as the runner's do (and that no runner watches)."""
    [deployment] = api(env, "/deployments/filter", {})
    deadline = time.monotonic() + 60
    while True:  # a scheduled run may hold the slot for a moment
        run = api(env, f"/deployments/{deployment['id']}/create_flow_run", {})
        if set_state(env, run["id"], "PENDING") == "ACCEPT":
            break
        if time.monotonic() > deadline:
            raise RuntimeError("the deployment's slot stayed taken for 60 s")
        time.sleep(2)
    if (status := set_state(env, run["id"], "RUNNING")) != "ACCEPT":
        raise RuntimeError(f"RUNNING was answered {status}")
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                            env={**os.environ, "PREFECT__FLOW_RUN_ID": run["id"]})
    return run["id"], proc


def wait_state(env: dict[str, str], run_id: str, kind: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while (run := fetch(f"{env['PREFECT_API_URL']}/flow_runs/{run_id}"))["state"]["type"] != kind:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the run stayed {run['state']['type']} for {timeout:.0f} s")
        time.sleep(1)
    return run


def outage_and_cancel(server: Server, outage: float, timeout: float) -> str:
    """A run holds the slot; the server is down ``outage`` seconds (it forgets its
    concurrency leases), then the run is cancelled where no runner acts on it: serve must
    stop its process, set it Cancelled, and a scheduled run must complete after it."""
    env = server.env
    stuck, proc = running_run(env)
    try:
        server.stop()
        time.sleep(outage)
        server.start()
        if (status := set_state(env, stuck, "CANCELLING")) != "ACCEPT":
            raise RuntimeError(f"CANCELLING was answered {status}")
        held = time.monotonic()
        run = wait_state(env, stuck, "CANCELLED", timeout)
        freed = time.monotonic() - held
        if proc.poll() is None:
            raise RuntimeError("serve set the run Cancelled but left its process running")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    ended = datetime.fromisoformat(run["state"]["timestamp"])
    while time.monotonic() < held + timeout:
        later = [r for r in completed_runs(env) if r["start_time"]
                 and datetime.fromisoformat(r["start_time"]) > ended]
        if later:
            return (f"server down {outage:.0f} s; the run cancelled after it was set Cancelled "
                    f"by serve {freed:.1f} s after the cancel, its process stopped "
                    f"({run['state']['message']!r}); the next scheduled run "
                    f"{later[0]['name']} completed {time.monotonic() - held:.1f} s after the "
                    "cancel")
        time.sleep(1)
    raise RuntimeError(f"no scheduled run completed within {timeout:.0f} s after the heal")


def main(interval: int, timeout: float, outage: float, dask_address: str | None) -> int:
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "inbox").mkdir()
        for seed in sorted((ROOT / "seeds").glob("*.txt"))[:3]:
            shutil.copy(seed, tmp / "inbox" / seed.name)
        config = write_config(tmp, interval)
        with restartable_server(tmp / "home", tmp / "server.log") as server:
            env = server.env
            print(f"server up after {time.monotonic() - start:.1f} s")
            with serving(config, env, tmp / "serve.log", dask_address):
                try:
                    runs = wait_for_runs(env, tmp, timeout)
                    problems = [check_run(env, tmp / "reports", run) for run in runs]
                    print(f"a run triggered now: {startup_seconds(env):.2f} s start-up")
                    print(outage_and_cancel(server, outage, timeout))
                    if "was stuck in Cancelling" not in (tmp / "serve.log").read_text():
                        raise RuntimeError("serve logged no line for the run it ended")
                except (RuntimeError, TimeoutError) as exc:
                    print(f"FAIL: {exc}\n--- serve log\n{(tmp / 'serve.log').read_text()[-3000:]}")
                    return 1
            for run, problem in zip(runs, problems):
                print(f"run {run['name']}: {records(tmp / 'reports', run)} records, "
                      f"running {lateness(env, run):+.1f} s after its schedule, "
                      f"{run['total_run_time']:.1f} s running, scheduled "
                      f"{run['expected_start_time']}, finished {run['end_time']}"
                      + (f", {problem}" if problem else ""))
            limit = concurrency_limit(env)
            if limit != 1:
                print(f"FAIL: the deployment's concurrency limit is {limit}, not 1")
            if limit != 1 or any(problems):
                return 1
    print(f"OK: {len(runs)} scheduled runs completed, with their artifacts when new; "
          f"{time.monotonic() - start:.1f} s in all")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=240.0)
    parser.add_argument("--outage", type=float, default=30.0,
                        help="seconds the server is down before the stuck cancel")
    parser.add_argument("--dask-address", help="passed to newsclean serve ('local' or tcp://...)")
    args = parser.parse_args()
    sys.exit(main(args.interval, args.timeout, args.outage, args.dask_address))
