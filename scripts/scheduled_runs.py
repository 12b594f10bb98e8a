"""Scheduled runs against a real local Prefect server, end to end.

Starts ``prefect server start`` (temporary home), serves the deployment with ``newsclean
serve`` on a short interval over an inbox, adds files to the inbox after the first run, and
waits until at least two scheduled runs have completed and the inbox has been ingested
exactly once. Checks that every run that wrote records has its four artifacts and a report
link answering over HTTP (serve's static server), that runs with nothing new have neither
artifacts nor a folder, and that the deployment runs one at a time. Then the outcomes an
operator must tell apart in the runs list (issue 35): the config's feed (served here) fails
and a scheduled run ends ``Completed with warnings`` naming it (the clean runs before were
plain ``Completed``); a run triggered with ``config_file=/nope.toml`` ends Failed (``Config
error``) at once, without retries, and the next scheduled run still starts.

Last, the outage-and-cancel case (issue 35): while a run holds the deployment's one slot, the
server is stopped for ``--outage`` seconds under ``newsclean serve`` and started again on
the same database (forgetting its in-memory concurrency leases); the run is then cancelled
where no runner acts on the cancel (as after an outage, when the runner's cancellation
watcher had died), and ``serve`` must stop its process, set it Cancelled and free the slot:
the next scheduled run completes (with warnings: the feed still fails).

Prints each run's lateness against its schedule and the start-up of a run triggered after
the first scheduled runs (Pending to Running); exits 1 on a failure.

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
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


def write_config(tmp: Path, interval: int, feed: str) -> Path:
    config = tmp / "newsclean.toml"
    config.write_text(f'[sources]\ninbox = "{tmp / "inbox"}"\nfeeds = ["{feed}"]\n'
                      f'[schedule]\ninterval = {interval}\nreports = "{tmp / "reports"}"\n'
                      f'report_port = {free_port()}\nstuck_after = {STUCK_AFTER}\n'
                      f'heal_every = {HEAL_EVERY}\n[fetch]\nretries = 0\n'
                      'per_host_delay = 0.0\nallow_hosts = ["127.0.0.1"]\n', encoding="utf-8")
    return config


class Feed(BaseHTTPRequestHandler):
    """An RSS feed with no items, answering 500 once ``failing`` is set."""

    failing = False

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        body = (b"down" if Feed.failing else b"<?xml version='1.0'?><rss version='2.0'>"
                b"<channel><title>t</title><link>http://127.0.0.1/</link></channel></rss>")
        self.send_response(500 if Feed.failing else 200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve_feed() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/feed.xml"


def state_of(env: dict[str, str], run_id: str) -> dict:
    return fetch(f"{env['PREFECT_API_URL']}/flow_runs/{run_id}")


def warning_run(env: dict[str, str], feed: str, timeout: float) -> str | None:
    """With the feed failing, the next scheduled run must end ``Completed with warnings``
    naming the feed, and every run before it must be a plain ``Completed``; what is wrong,
    or None."""
    wrong = [r["name"] for r in completed_runs(env) if r["state"]["name"] != "Completed"]
    Feed.failing = True
    failing_since = datetime.now(timezone.utc)  # a run that started before may have read it
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if failed_runs(env):
            return f"a flow run failed: {failed_runs(env)[0]['state']['message']}"
        new = [r for r in completed_runs(env)
               if datetime.fromisoformat(r["start_time"]) > failing_since]
        if new:
            state = new[0]["state"]
            print(f"run {new[0]['name']} with the feed failing: {state['name']}: "
                  f"{state['message']}")
            if wrong:
                return f"clean runs not a plain Completed: {wrong}"
            if state["name"] != "Completed with warnings" or feed not in state["message"]:
                return f"the warning run is {state['name']}: {state['message']}"
            return None
        time.sleep(1)
    return f"no run completed with the feed failing after {timeout:.0f} s"


def config_error_run(env: dict[str, str], timeout: float) -> str | None:
    """A run triggered with a config file that does not exist: Failed (``Config error``)
    after one attempt, though the flow has retries, and the slot freed for the next
    scheduled run; what is wrong, or None."""
    [deployment] = api(env, "/deployments/filter", {})
    run = api(env, f"/deployments/{deployment['id']}/create_flow_run",
              {"parameters": {"config_file": "/nope.toml"}})
    deadline = time.monotonic() + timeout
    while (found := state_of(env, run["id"]))["state"]["type"] not in (
            "FAILED", "COMPLETED", "CRASHED"):
        if time.monotonic() > deadline:
            return f"the config error run is still {found['state']['name']}"
        time.sleep(0.5)
    state, took = found["state"], found["total_run_time"]
    print(f"run with config_file=/nope.toml: {state['name']} after {found['run_count']} "
          f"attempt(s), {took:.1f} s running: {state['message']}")
    if state["name"] != "Config error" or found["run_count"] != 1:
        return f"the config error run ended {state['name']} after {found['run_count']} attempts"
    ended = datetime.fromisoformat(found["end_time"])
    while time.monotonic() < deadline:
        later = [r for r in completed_runs(env)
                 if datetime.fromisoformat(r["start_time"]) > ended]
        if later:
            return None
        time.sleep(1)
    return "no scheduled run completed after the config error run"


def described(env: dict[str, str]) -> str | None:
    """The deployment's parameters must carry descriptions (the flow's docstring)."""
    [deployment] = api(env, "/deployments/filter", {})
    props = deployment["parameter_openapi_schema"]["properties"]
    bare = [name for name, prop in props.items() if not prop.get("description")]
    return f"parameters without a description: {bare}" if bare else None


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
        feed_server, feed = serve_feed()
        config = write_config(tmp, interval, feed)
        with restartable_server(tmp / "home", tmp / "server.log") as server:
            env = server.env
            print(f"server up after {time.monotonic() - start:.1f} s")
            with serving(config, env, tmp / "serve.log", dask_address):
                try:
                    runs = wait_for_runs(env, tmp, timeout)
                    problems = [check_run(env, tmp / "reports", run) for run in runs]
                    print(f"a run triggered now: {startup_seconds(env):.2f} s start-up")
                    outcomes = [described(env), warning_run(env, feed, timeout),
                                config_error_run(env, timeout)]
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
            for problem in filter(None, outcomes):
                print(f"FAIL: {problem}")
            if limit != 1 or any(problems) or any(outcomes):
                return 1
        feed_server.shutdown()
    print(f"OK: {len(runs)} scheduled runs completed, with their artifacts when new; a "
          "warning run and a config error shown as such; a cancel stuck after a server outage "
          "ended by serve; "
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
