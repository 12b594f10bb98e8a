"""The Prefect flow's cost over the CLI: the flow on N articles against a running local
Prefect server takes at most 1.2x the CLI's time on the same input.

Builds N seed variants (bench/text.py's corpus), times what ``newsclean clean`` does (one
process: ``cleaners.run.run`` then ``write_report``), then starts ``prefect server start`` and
times one flow run over the same files as its inbox (gather, read, clean, index, write,
report, artifacts), both in this process after their imports. Prints both; exits 1 on a miss.

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


def main(n: int) -> int:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        inbox = tmp / "inbox"
        inbox.mkdir()
        make_corpus(n, inbox)
        config = tmp / "newsclean.toml"
        config.write_text(f"[sources]\ninbox = {json.dumps(str(inbox))}\n[schedule]\n"
                          f"reports = {json.dumps(str(tmp / 'reports'))}\n", encoding="utf-8")
        start = time.perf_counter()
        run([inbox], tmp / "cli", load_config(config))
        write_report(tmp / "cli")
        cli = time.perf_counter() - start
        with local_server(tmp / "home", tmp / "server.log") as env:
            flow, run_dir = flow_seconds(config, env)
        same = records(run_dir / "articles.jsonl") == records(tmp / "cli" / "articles.jsonl")
    ratio = flow / cli
    print(f"{n} articles: CLI {cli:.1f} s ({n / cli:.0f}/s), flow against a local server "
          f"{flow:.1f} s ({n / flow:.0f}/s): {ratio:.2f}x (target <= {MAX_RATIO}x); "
          f"same records: {same}")
    return 0 if ratio <= MAX_RATIO and same else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
