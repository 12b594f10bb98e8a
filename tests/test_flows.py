"""The Prefect flow: same records as the CLI, artifacts under fixed keys, feeds ingested once,
Dask workers giving the records of a sequential run. One Prefect test server per session
(tests/conftest.py)."""
from __future__ import annotations

import html
import json
from dataclasses import replace
from pathlib import Path
from uuid import UUID

import pytest

from cleaners.config import ScheduleConfig, load_config
from cleaners.runner import WORK
from tests.conftest import SEEDS, run_records

BATCH = 2  # five seeds in three batches: the flow's batching and late amendments are exercised


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
    again, again_id = run_flow(config)
    assert again == "" and artifact_keys(again_id) == set()  # the inbox files were ingested
    assert [p.name for p in (tmp_path / "reports").iterdir()
            if p.is_dir() and p.name != WORK] == [Path(run_dir).name]


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
    assert run_flow(config)[0] == ""  # nothing new


def test_a_failing_page_is_not_fetched_again_until_its_retry_is_due(prefect_server, http,
                                                                     tmp_path: Path) -> None:
    """Issue 35: a run that would only repeat an earlier error publishes nothing; the page
    is fetched once its retry is due, and then ingested as any other."""
    from cleaners.runner import store_path
    from cleaners.store import Store

    seeds = sorted(SEEDS.glob("*.txt"))[:2]
    names = [p.stem for p in seeds]
    base = http.url_for("").rstrip("/")
    http.expect_request("/feed.xml").respond_with_data(rss(base, names),
                                                       content_type="application/rss+xml")
    http.expect_request(f"/news/{names[0]}.html").respond_with_data(
        article_page(seeds[0].read_text(encoding="utf-8")), content_type="text/html")
    http.expect_request(f"/news/{names[1]}.html").respond_with_data("", status=500)
    config = write_config(tmp_path / "feeds.toml", tmp_path / "reports", feeds=[f"{base}/feed.xml"])
    first = flow_records(run_flow(config)[0])
    assert sorted(r["status"] for r in first) == ["error", "ok"]
    again, again_id = run_flow(config)
    assert again == "" and artifact_keys(again_id) == set()  # the error is not news again
    assert listed_state(again_id) == ("Completed", "nothing new")  # not a warning either
    assert len([p for p in (tmp_path / "reports").iterdir() if p.name != WORK]) == 1
    with Store(store_path(load_config(config), tmp_path / "reports")) as store:
        [pending] = store.retries.pending()
        store.retries.record([replace(pending, retry_at=0.0)])  # an hour later
    http.clear_all_handlers()
    http.expect_request("/feed.xml").respond_with_data(rss(base, names),
                                                       content_type="application/rss+xml")
    http.expect_request(f"/news/{names[1]}.html").respond_with_data(
        article_page(seeds[1].read_text(encoding="utf-8")), content_type="text/html")
    [healed] = flow_records(run_flow(config)[0])
    assert healed["status"] == "ok" and healed["url"] == f"{base}/news/{names[1]}.html"


def listed_state(flow_run_id: UUID) -> tuple[str, str | None]:
    """The run's state name and message as the server lists them."""
    from prefect import get_client

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(flow_run_id).state
    return state.name, state.message


# -- the tasks and pure functions, without a flow run -----------------------------------------

def test_clean_task_skips_a_finished_batch(tmp_path: Path) -> None:
    from flows.tasks import clean_task, spool, unspool

    from cleaners.read import iter_inputs

    raw, out = tmp_path / "raw.pkl", tmp_path / "clean.pkl"
    spool(list(iter_inputs([SEEDS])), raw)
    first = clean_task.fn(0, str(raw), str(out), None)
    assert first["records"] == 5 and first["status"] == {"ok": 5}
    arts, features = unspool(out)
    assert [a.id for a in arts] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert len(features.grams) == 5 and features.signed.sigs.shape == (5, 64)  # worker-side
    assert clean_task.fn(0, str(raw), str(out), None)["skipped"]


@pytest.mark.filterwarnings("ignore:Logger 'prefect.task_runs' attempted")
def test_prefect_executor_gives_the_in_process_records(prefect_server, tmp_path: Path) -> None:
    """The runner's map step as clean tasks (outside a flow run) gives the records of the
    in-process executor, and logs the clean step."""
    from flows.artifacts import RunLog
    from flows.executor import PrefectTasks

    from cleaners.config import Config
    from cleaners.runner.executors import InProcess
    from cleaners.runner.runner import Runner
    from cleaners.store import Store

    config = Config().with_overrides({"run": {"batch_size": BATCH}})
    log, got = RunLog(), {}
    for name, executor in (("prefect", PrefectTasks(config, None, tmp_path / "spool", log)),
                           ("local", InProcess(config))):
        with Store() as store:
            Runner(config, store, executor).run([SEEDS], tmp_path / name, "run")
        got[name] = (tmp_path / name / "articles.jsonl").read_text(encoding="utf-8")
    assert got["prefect"] == got["local"] and len(got["local"].splitlines()) == 5
    assert log.steps["clean"].tasks == 3 and log.steps["clean"].items == 5


def test_schedule_from_config() -> None:
    from datetime import timedelta

    from newsclean.serve import schedule_kwargs

    assert schedule_kwargs(ScheduleConfig(cron="0 * * * *")) == {"cron": "0 * * * *"}
    assert schedule_kwargs(ScheduleConfig(interval=90)) == {"interval": timedelta(seconds=90)}
    assert schedule_kwargs(ScheduleConfig()) == {"interval": timedelta(hours=1)}
    with pytest.raises(ValueError, match="not both"):
        schedule_kwargs(ScheduleConfig(cron="0 * * * *", interval=90))
    with pytest.raises(ValueError):
        schedule_kwargs(ScheduleConfig(interval=-5))


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


def test_artifact_headline_counts_in_words(seeds_dir: Path, tmp_path: Path) -> None:
    from cleaners.report import summarize
    from flows.artifacts import headline

    (seeds_dir / "empty.txt").write_text("", encoding="utf-8")
    stats = summarize(run_records([seeds_dir], tmp_path / "out"))
    assert headline(stats) == ("6 articles: 5 kept, 1 error, 0 skipped, 0 duplicates, "
                               "1 story, 1 source")


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
    parts = f"*/{WORK}/batches/*/*.jsonl"
    while time.monotonic() < deadline and len(list(reports.glob(parts))) < 3:
        assert child.poll() is None, (tmp_path / "child.log").read_text()[-3000:]
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    with Store(reports / WORK / "index.sqlite") as store:
        assert store.integrity() == "ok"
        [killed] = store.unfinished_runs()
        committed = store.db.execute("SELECT SUM(records) FROM batches").fetchone()[0]
        assert store.db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == committed

    run_dir, _ = run_flow(config)
    written = [r["id"] for d in reports.iterdir() if (d / "articles.jsonl").exists()
               for r in flow_records(str(d))]
    assert sorted(written) == ids  # each article once: the killed run's and the new run's
    assert (reports / killed / "articles.jsonl").exists() and Path(run_dir).name != killed
    with Store(reports / WORK / "index.sqlite") as store:
        assert store.integrity() == "ok" and store.unfinished_runs() == []
        assert store.db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == len(ids)


def test_two_flow_runs_in_fresh_directories_share_a_postgres_store(prefect_server, postgres,
                                                                   tmp_path: Path) -> None:
    """Two workers with empty disks (two working directories with nothing in common but a
    PostgreSQL store) ingest the two halves of a corpus: the second run finds the first's
    copies and stories through the store, and the duplicates and stories are those of one
    run over both halves."""
    from scripts.postgres_server import new_database
    from tests.test_store import corrected, halves_of, write_jsonl

    halves, store = halves_of(), new_database(postgres)
    size = len(halves[0])
    runs = []
    for name, half in zip(("one", "two"), halves):
        work = tmp_path / name
        (work / "inbox").mkdir(parents=True)
        write_jsonl(work / "inbox" / f"{name}.jsonl", half)
        config = work / "newsclean.toml"
        config.write_text(f"[run]\nbatch_size = {size}\n[schedule]\nreports = "
                          f"{json.dumps(str(work / 'reports'))}\n[sources]\ninbox = "
                          f"{json.dumps(str(work / 'inbox'))}\n[store]\npath = "
                          f"{json.dumps(store)}\n", encoding="utf-8")
        run_dir = Path(run_flow(config)[0])
        assert [p.name for p in (work / "reports").iterdir()] == [run_dir.name]  # no SQLite
        runs.append((flow_records(str(run_dir)), run_dir))
    (one, _), (two, second_dir) = runs
    inputs = [write_jsonl(tmp_path / f"{n}.jsonl", h) for n, h in zip("ab", halves)]
    whole = run_records(inputs, tmp_path / "whole",
                        load_config(None).with_overrides({"run": {"batch_size": size}}))
    fields = ("duplicate_of", "story", "first_report")
    assert ({r["id"]: [r[k] for k in fields] for r in corrected(one, second_dir) + two}
            == {r["id"]: [r[k] for k in fields] for r in whole})
    firsts = {r["id"] for r in one}
    assert sum(r["duplicate_of"] in firsts for r in two) >= 6  # found through the store
