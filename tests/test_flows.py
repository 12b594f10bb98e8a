"""The Prefect flow: same records as the CLI, artifacts under fixed keys, feeds ingested once,
Dask workers giving the records of a sequential run. One Prefect test server per session."""
from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from cleaners.config import ScheduleConfig, load_config
from tests.conftest import SEEDS, run_records

BATCH = 2  # five seeds in three batches: the flow's batching and late amendments are exercised


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def write_config(path: Path, reports: Path, inbox: Path | None = None,
                 feeds: list[str] | None = None) -> Path:
    lines = [f"[run]\nbatch_size = {BATCH}", f"[schedule]\nreports = {json.dumps(str(reports))}",
             "[sources]"]
    if inbox is not None:
        lines.append(f"inbox = {json.dumps(str(inbox))}")
    if feeds:
        lines.append(f"feeds = {json.dumps(feeds)}")
        lines.append('[fetch]\nper_host_delay = 0.0\nretries = 0\nallow_hosts = ["127.0.0.1"]')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def flow_records(run_dir: str) -> list[dict]:
    text = (Path(run_dir) / "articles.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def run_flow(config: Path, dask_address: str | None = None) -> tuple[str, UUID]:
    from flows.ingest import ingest

    state = ingest(str(config), dask_address, return_state=True)
    assert state.is_completed(), state
    return state.result(), state.state_details.flow_run_id


def artifact_keys(flow_run_id: UUID) -> set[str]:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[flow_run_id])))
    return {a.key for a in found if a.key}


def test_flow_writes_the_cli_records_and_every_artifact(prefect_server, tmp_path: Path,
                                                        seeds_dir: Path) -> None:
    from flows.artifacts import KEYS

    config = write_config(tmp_path / "newsclean.toml", tmp_path / "reports", inbox=seeds_dir)
    cli = run_records([seeds_dir], tmp_path / "cli", load_config(config))
    run_dir, run_id = run_flow(config)
    assert flow_records(run_dir) == cli
    written = {p.name for p in Path(run_dir).iterdir()}
    assert {"report.html", "summary.md", "articles.jsonl"} <= written
    assert artifact_keys(run_id) >= set(KEYS)
    again, _ = run_flow(config)
    assert flow_records(again) == []  # the inbox files are marked as ingested


def test_dask_workers_write_the_records_of_a_sequential_run(prefect_server, tmp_path: Path,
                                                            seeds_dir: Path) -> None:
    sequential = write_config(tmp_path / "a.toml", tmp_path / "a", inbox=seeds_dir)
    dask = write_config(tmp_path / "b.toml", tmp_path / "b", inbox=seeds_dir)
    expected = flow_records(run_flow(sequential)[0])
    assert flow_records(run_flow(dask, dask_address="local")[0]) == expected


def article_page(text: str) -> str:
    """A page of one seed: its first line as the headline, the rest as paragraphs."""
    head, _, body = text.partition("\n\n")
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    title = html.escape(head.strip().splitlines()[-1])
    return (f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paras}</article>"
            "</body></html>")


def rss(base: str, names: list[str]) -> str:
    items = "".join(f"<item><title>{n}</title><link>{base}/news/{n}.html</link></item>"
                    for n in names)
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
            f"<link>{base}/</link>{items}</channel></rss>")


def test_feed_pages_are_ingested_once(prefect_server, http, tmp_path: Path) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))[:3]
    names = [p.stem for p in seeds]
    base = http.url_for("").rstrip("/")
    http.expect_request("/feed.xml").respond_with_data(
        rss(base, names), content_type="application/rss+xml")
    for name, path in zip(names, seeds):
        http.expect_request(f"/news/{name}.html").respond_with_data(
            article_page(path.read_text(encoding="utf-8")),
            content_type="text/html; charset=utf-8")
    config = write_config(tmp_path / "feeds.toml", tmp_path / "reports", feeds=[f"{base}/feed.xml"])
    first = flow_records(run_flow(config)[0])
    assert sorted(r["url"] for r in first) == sorted(f"{base}/news/{n}.html" for n in names)
    assert all(r["status"] == "ok" and r["body"] for r in first)
    assert flow_records(run_flow(config)[0]) == []


# -- the tasks and pure functions, without a flow run -----------------------------------------

def test_clean_task_skips_a_finished_batch(tmp_path: Path) -> None:
    from flows.tasks import clean_batch, dump, load

    from cleaners.read import iter_inputs

    raw, out = tmp_path / "raw.pkl", tmp_path / "clean.pkl"
    dump(list(iter_inputs([SEEDS])), raw)
    first = clean_batch.fn(0, str(raw), str(out), None)
    assert first["records"] == 5 and first["status"] == {"ok": 5}
    arts, features = load(out)
    assert [a.id for a in arts] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert len(features.grams) == 5 and features.signed.sigs.shape == (5, 64)  # worker-side
    assert clean_batch.fn(0, str(raw), str(out), None)["skipped"]


def test_index_task_commits_a_batch_once(tmp_path: Path) -> None:
    from flows.tasks import clean_batch, dump, index_batch

    from cleaners.corpus.stage import CorpusStage
    from cleaners.read import iter_inputs
    from cleaners.store import Store

    raw, cleaned, out = tmp_path / "raw.pkl", tmp_path / "clean.pkl", tmp_path / "0.jsonl"
    dump(list(iter_inputs([SEEDS])), raw)
    clean_batch.fn(0, str(raw), str(cleaned), None)
    with Store(tmp_path / "index.sqlite") as store:
        stage = CorpusStage(store=store)
        assert index_batch.fn(0, str(cleaned), str(out), stage, "run")["records"] == 5
        assert store.finished_batches("run") == {0: 5}
        assert index_batch.fn(0, str(cleaned), str(out), stage, "run")["skipped"]
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5


def test_schedule_from_config() -> None:
    from datetime import timedelta

    from newsclean.serve import schedule_kwargs

    assert schedule_kwargs(ScheduleConfig(cron="0 * * * *")) == {"cron": "0 * * * *"}
    assert schedule_kwargs(ScheduleConfig(interval=90)) == {"interval": timedelta(seconds=90)}
    with pytest.raises(ValueError):
        schedule_kwargs(ScheduleConfig(interval=0))


def test_example_config_loads() -> None:
    config = load_config(Path(__file__).resolve().parent.parent / "examples" / "newsclean.toml")
    assert config.sources.feeds and config.schedule.cron


def test_steps_markdown_lists_ingestion_and_timings() -> None:
    from flows.artifacts import RunLog, steps_markdown

    log = RunLog(ingest={"new inbox files": 5})
    log.add("clean", 5, 1.5)
    log.add("clean", 3, 0.5)
    text = steps_markdown(log)
    assert "- **new inbox files**: 5" in text
    assert "| clean | 2 | 8 | 2.00 |" in text


def test_cli_commands_other_than_serve_do_not_import_prefect() -> None:
    import subprocess
    import sys

    code = "import sys, newsclean.cli, newsclean.serve; assert 'prefect' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_killed_flow_run_is_finished_by_the_next_run(prefect_server, tmp_path: Path) -> None:
    """SIGKILL a flow run mid-batch; the next run finishes it without redoing its finished
    batches, then ingests nothing twice: every inbox file is written exactly once."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from prefect.settings import PREFECT_API_URL

    from cleaners.store import Store
    from tests.conftest import ROOT
    from tests.test_faults import corpus

    ids = corpus(tmp_path / "inbox", 40)
    reports = tmp_path / "reports"
    config = write_config(tmp_path / "kill.toml", reports, inbox=tmp_path / "inbox")
    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value(), PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", "import sys; from flows.ingest import ingest; "
                              "ingest(sys.argv[1])", str(config)], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=open(tmp_path / "child.log", "w"))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(list(reports.glob("*/batches/*.jsonl"))) < 3:
        assert child.poll() is None, (tmp_path / "child.log").read_text()[-3000:]
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    with Store(reports / "index.sqlite") as store:
        assert store.integrity() == "ok"
        [killed] = store.unfinished_runs()
        committed = store.db.execute("SELECT SUM(records) FROM batches").fetchone()[0]
        assert store.db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == committed

    run_dir, _ = run_flow(config)
    written = [r["id"] for d in reports.iterdir() if (d / "articles.jsonl").exists()
               for r in flow_records(str(d))]
    assert sorted(written) == ids  # each article once: the killed run's and the new run's
    assert (reports / killed / "articles.jsonl").exists() and Path(run_dir).name != killed
    with Store(reports / "index.sqlite") as store:
        assert store.integrity() == "ok" and store.unfinished_runs() == []
        assert store.db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == len(ids)
