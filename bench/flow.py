"""The Prefect flow's cost over the CLI: the flow on N articles against a running local
Prefect server takes at most 1.2x the CLI's time on the same input.

Builds N seed variants (bench/text.py's corpus) and cleans 200 others first, untimed, so
neither side pays the pipeline's first imports. Then, in this process, ROUNDS times in turn:
what ``newsclean clean`` does (``cleaners.run.run`` then ``write_report``, a fresh output
folder and store) and one flow run over the same files as its inbox against a running
``prefect server start`` (gather, read, clean, index, write, report, artifacts; a fresh
reports folder and store). The ratio is of each side's fastest round: a shared 2-core
machine's speed drifts by 10-15% between minutes, which alternating rounds and taking the
best of each side cancels. Prints every round; exits 1 on a miss or when the records differ.

Usage: python bench/flow.py [N]
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench.text import make_corpus  # noqa: E402
from cleaners.config import load_config  # noqa: E402
from cleaners.report import write_report  # noqa: E402
from cleaners.run import run  # noqa: E402
from prefect_server import local_server  # noqa: E402

MAX_RATIO = 1.2
ROUNDS = 2
WARM_UP = 200  # inputs cleaned before the clock starts


def records(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def flow_seconds(config: Path, env: dict[str, str]) -> tuple[float, Path]:
    """One flow run against the server in ``env`` (Prefect imported here, after the env)."""
    os.environ.update(env)
    from prefect.logging.handlers import APILogWorker

    from flows.ingest import ingest

    start = time.perf_counter()
    run_dir = ingest(str(config))
    seconds = time.perf_counter() - start
    APILogWorker.drain_all(timeout=5)  # send the run's last logs before the server stops
    return seconds, Path(run_dir)


def cli_seconds(inbox: Path, out: Path, config: Path) -> float:
    start = time.perf_counter()
    run([inbox], out, load_config(config))
    write_report(out)
    return time.perf_counter() - start


def flow_config(tmp: Path, inbox: Path, reports: Path) -> Path:
    config = tmp / f"{reports.name}.toml"
    config.write_text(f"[sources]\ninbox = {json.dumps(str(inbox))}\n[schedule]\n"
                      f"reports = {json.dumps(str(reports))}\n", encoding="utf-8")
    return config


def main(n: int) -> int:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        inbox, warm = tmp / "inbox", tmp / "warm"
        inbox.mkdir()
        warm.mkdir()
        make_corpus(n, inbox)
        make_corpus(WARM_UP, warm)
        cli_seconds(warm, tmp / "warm-out", flow_config(tmp, warm, tmp / "warm-reports"))
        clis, flows, same = [], [], True
        with local_server(tmp / "home", tmp / "server.log") as env:
            for r in range(ROUNDS):
                config = flow_config(tmp, inbox, tmp / f"reports-{r}")
                clis.append(cli_seconds(inbox, tmp / f"cli-{r}", config))
                seconds, run_dir = flow_seconds(config, env)
                flows.append(seconds)
                same &= (records(run_dir / "articles.jsonl")
                         == records(tmp / f"cli-{r}" / "articles.jsonl"))
                print(f"round {r + 1}: CLI {clis[-1]:.1f} s, flow {seconds:.1f} s "
                      f"({seconds / clis[-1]:.2f}x)", flush=True)
    cli, flow_best = min(clis), min(flows)
    ratio = flow_best / cli
    print(f"{n} articles, best of {ROUNDS}: CLI {cli:.1f} s ({n / cli:.0f}/s), flow against a "
          f"local server {flow_best:.1f} s ({n / flow_best:.0f}/s): {ratio:.2f}x (target <= "
          f"{MAX_RATIO}x); same records: {same}")
    return 0 if ratio <= MAX_RATIO and same else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
