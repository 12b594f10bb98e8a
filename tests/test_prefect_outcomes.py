"""Issues 18 and 35 against a real Prefect server (tests/conftest.py): failed sources,
mostly-error runs and config errors end as flows/outcomes.py says (state names, messages,
log lines, task states and events read back from the API), an empty run publishes nothing
and names no folder, corrections are announced, the report link answers over HTTP; and the
single-writer guards (the store's lock, the deployment's limit, one schedule)."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from uuid import UUID

import pytest
import yaml

from cleaners.config import load_config
from cleaners.runner import WORK
from cleaners.store import Store, StoreError
from tests.conftest import ROOT
from tests.test_flows import artifact_keys, flow_records, write_config

EVENT_WAIT = 60.0  # seconds for an emitted event to be persisted and readable


def ingest_state(config: Path, retries: int = 0):
    """One flow run of ``config``; a raising run is retried ``retries`` times at once."""
    from flows.ingest import ingest

    return ingest.with_options(retries=retries, retry_delay_seconds=0)(
        str(config), return_state=True)


def events(name: str, flow_run_id: UUID, count: int = 1) -> list:
    """The ``name`` events that ``flow_run_id`` emitted, once ``count`` have arrived."""
    from prefect import get_client
    from prefect.events.filters import EventFilter, EventNameFilter, EventRelatedFilter
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all(timeout=10)
    wanted = EventFilter(event=EventNameFilter(name=[name]), related=EventRelatedFilter(
        id=[f"prefect.flow-run.{flow_run_id}"]))
    deadline = time.monotonic() + EVENT_WAIT
    with get_client(sync_client=True) as client:
        while True:
            found = client.read_events(filter=wanted, limit=50).events
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.5)


def flow_logs(flow_run_id: UUID) -> list:
    """The flow run's log records as the server holds them (flow and task runs)."""
    from prefect import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    with get_client(sync_client=True) as client:
        return client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))


def errors_logged(flow_run_id: UUID) -> list[str]:
    import logging

    return [log.message for log in flow_logs(flow_run_id) if log.level >= logging.ERROR]


def server_run(flow_run_id: UUID):
    """The flow run as the server has it: what the runs list shows."""
    from prefect import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id)


def task_states(flow_run_id: UUID, name: str) -> list:
    """The states of the flow run's runs of task ``name`` (one per attempt of the flow
    run), as the server has them."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        found = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[flow_run_id])))
    return [t.state for t in sorted(found, key=lambda t: t.expected_start_time)
            if t.name.startswith(name + "-")]


def failing_feed(http) -> str:
    http.expect_request("/feed.xml").respond_with_data("down", status=500)
    return http.url_for("/feed.xml")


def folders(reports: Path) -> list[str]:
    """The run folders under ``reports`` (not the shared work directory, the store's)."""
    return sorted(p.name for p in reports.iterdir()
                  if p.is_dir() and p.name != WORK) if reports.exists() else []


def test_every_source_failing_fails_the_run_after_its_retries(prefect_server, http,
                                                              tmp_path: Path) -> None:
    feed = failing_feed(http)
    config = write_config(tmp_path / "c.toml", tmp_path / "reports", feeds=[feed])
    state = ingest_state(config, retries=1)
    assert state.is_failed() and "every source failed" in state.message
    assert f"{feed} (http_status:" in state.message
    run_id = state.state_details.flow_run_id
    found = events("newsclean.source.failed", run_id, count=2)  # one per attempt
    assert len(found) == 2
    assert {e.resource.id for e in found} == {f"newsclean.source.{feed}"}
    assert folders(tmp_path / "reports") == [] and artifact_keys(run_id) == set()
    fetches = task_states(run_id, "fetch feeds")  # not retried as a task: 1 per attempt
    assert len(fetches) == 2 and all(f.is_failed() and f.name == "Feeds failed" and
                                     feed in f.message for f in fetches)
    errors = errors_logged(run_id)  # one line per attempt, no traceback
    assert [e for e in errors if "every source failed" in e] == [
        state.message.removeprefix("Flow run encountered an exception: SourcesFailed: ")] * 2
    assert not any("Traceback" in e for e in errors)


def test_a_failing_feed_beside_a_working_inbox_warns(prefect_server, http, tmp_path: Path,
                                                   seeds_dir: Path) -> None:
    """A feed failing while the inbox works: the inbox is ingested, the run is Completed
    with a warning naming the feed, and both events carry it."""
    feed = failing_feed(http)
    config = write_config(tmp_path / "c.toml", tmp_path / "reports", inbox=seeds_dir,
                          feeds=[feed])
    state = ingest_state(config)
    assert state.is_completed() and state.message.startswith("WARNING: source failed: " + feed)
    assert len(flow_records(state.result())) == 5
    run_id = state.state_details.flow_run_id
    listed = server_run(run_id).state  # what the runs list shows
    assert listed.type.value == "COMPLETED" and listed.name == "Completed with warnings"
    assert listed.message == state.message
    [fetch] = task_states(run_id, "fetch feeds")
    assert fetch.is_failed() and fetch.name == "Feeds failed"
    logged = [log.message for log in flow_logs(run_id)]
    assert "feeds: 0 of 1 read, 1 failed; 0 items: 0 new, 0 pages fetched, 0 pages failed, " \
           "0 already ingested" in logged
    assert sources_table(run_id)[:2] == [
        {"source": str(seeds_dir), "kind": "inbox", "status": "ok", "error": None},
        {"source": feed, "kind": "feed", "status": "failed",
         "error": f"http_status: {feed} answered HTTP 500"}]
    [failed] = events("newsclean.source.failed", run_id)
    assert failed.payload["source"] == feed
    [completed] = events("newsclean.run.completed", run_id)
    assert completed.payload["articles"] == 5 and completed.payload["errors"] == 0
    assert completed.payload["warnings"] == [state.message.removeprefix("WARNING: ")]


def sources_table(flow_run_id: UUID) -> list[dict]:
    """The sources artifact's rows, the configured sources' columns only."""
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        [found] = [a for a in client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
            if a.key == "newsclean-sources"]
    rows = json.loads(found.data) if isinstance(found.data, str) else found.data
    return [{k: r[k] for k in ("source", "kind", "status", "error")} for r in rows]


def test_a_clean_run_is_a_plain_completed(prefect_server, tmp_path: Path,
                                          seeds_dir: Path) -> None:
    config = write_config(tmp_path / "c.toml", tmp_path / "reports", inbox=seeds_dir)
    state = ingest_state(config)
    listed = server_run(state.state_details.flow_run_id).state
    assert listed.name == "Completed" and listed.message.startswith("wrote ")


@pytest.mark.parametrize("problem", ["missing", "not toml", "wrong value"])
def test_a_config_error_fails_once_in_one_line(prefect_server, tmp_path: Path,
                                               problem: str) -> None:
    """A config that cannot be loaded fails the run at once, though the flow has retries:
    run count 1, one ERROR line naming the file and the problem, no traceback."""
    config = tmp_path / "c.toml"
    if problem == "not toml":
        config.write_text("[sources\ninbox = 1\n", encoding="utf-8")
    elif problem == "wrong value":
        config.write_text("[schedule]\ninterval = \"soon\"\n", encoding="utf-8")
    state = ingest_state(config, retries=2)
    run = server_run(state.state_details.flow_run_id)
    assert state.is_failed() and run.state.name == "Config error" and run.run_count == 1
    assert run.state.message.startswith(f"config error in {config}: ")
    expected = {"missing": "No such file or directory", "not toml": "Expected ']'",
                "wrong value": "schedule.interval must be int, got 'soon'"}[problem]
    assert expected in run.state.message
    assert errors_logged(run.id) == [run.state.message]


def test_a_missing_inbox_alone_fails(prefect_server, tmp_path: Path) -> None:
    config = write_config(tmp_path / "c.toml", tmp_path / "reports", inbox=tmp_path / "typo")
    state = ingest_state(config)
    assert state.is_failed() and "missing_inbox" in state.message


def test_an_empty_run_publishes_nothing(prefect_server, tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    config = write_config(tmp_path / "c.toml", tmp_path / "reports", inbox=tmp_path / "inbox")
    state = ingest_state(config)
    assert state.is_completed() and state.result() == "" and state.message == "nothing new"
    run_id = state.state_details.flow_run_id
    assert artifact_keys(run_id) == set() and folders(tmp_path / "reports") == []
    [completed] = events("newsclean.run.completed", run_id)
    assert completed.payload["articles"] == 0 and completed.payload["report"] is None
    name = server_run(run_id).name  # the heartbeat names the flow run, not a folder
    assert completed.payload["run"] is None and completed.resource.id == f"newsclean.run.{name}"
    assert events("newsclean.records.corrected", run_id, count=0) == []


def test_mostly_errors_warn_and_a_jump_emits_quality_dropped(prefect_server, tmp_path: Path,
                                                            seeds_dir: Path) -> None:
    config = write_config(tmp_path / "c.toml", tmp_path / "reports", inbox=seeds_dir)
    first = ingest_state(config)
    assert first.is_completed() and not first.message.startswith("WARNING")
    for n in range(4):
        (seeds_dir / f"blank{n}.txt").write_bytes(b"")  # error records of kind "empty"
    second = ingest_state(config)
    assert second.is_completed() and "4 of 4 records are errors" in second.message
    assert "error share rose from 0% to 100%" in second.message
    [dropped] = events("newsclean.quality.dropped", second.state_details.flow_run_id)
    assert dropped.payload["error_share"] == 1.0 and dropped.payload["previous"] == {
        "error_share": 0.0}
    assert dropped.payload["previous_run"] == Path(first.result()).name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_report_link_answers_over_http_and_artifacts_carry_counts(prefect_server,
                                                                   tmp_path: Path,
                                                                   seeds_dir: Path) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from newsclean.serve import serve_reports

    config = write_config(tmp_path / "c.toml", tmp_path / "reports", inbox=seeds_dir)
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[schedule]\n", f"[schedule]\nreport_port = {free_port()}\n"), encoding="utf-8")
    server = serve_reports(load_config(config).schedule)
    try:
        state = ingest_state(config)
        run_id = state.state_details.flow_run_id
        with get_client(sync_client=True) as client:
            found = {a.key: a for a in client.read_artifacts(artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))}
            started = client.read_flow_run(run_id).start_time
        url = re.search(r"\((http://[^)]+)\)", found["newsclean-report"].data).group(1)
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200 and b"<html" in resp.read(2000).lower()
    finally:
        server.shutdown()
    counts = "5 articles: 5 kept, 0 errors, 0 skipped, 0 duplicates"
    assert all(found[k].description.startswith(counts)
               for k in ("newsclean-report", "newsclean-summary", "newsclean-sources"))
    assert "5 records" in found["newsclean-progress"].description
    assert Path(state.result()).name.startswith(f"{started:%Y%m%dT%H%M%S}-")  # not created


def test_the_summary_shows_headlines_and_inputs_as_given(tmp_path: Path) -> None:
    """Stories by headline (not ``s-http://...`` ids), a feed page's error by its URL (not
    the run's spool ``feeds.jsonl#1``), an inbox file by its path in the inbox."""
    from flows.artifacts import RunLog, summary_markdown

    from cleaners.config import Config
    from cleaners.report import run_stats

    url = "http://127.0.0.1:8000/news/floods.html"
    spool = str(tmp_path / "reports/run/.newsclean/inputs/feeds.jsonl")
    records = [
        {"id": url, "status": "ok", "source": f"{spool}#1", "url": url,
         "title": "Floods in Valencia", "body": "Rain fell.", "story": f"s-{url}",
         "first_report": True},
        {"id": url + "?2", "status": "error", "source": f"{spool}#2", "url": url + "?2",
         "error": {"kind": "http_status", "message": "HTTP 500"}},
        {"id": "broken", "status": "error", "source": "/in/box/sub/broken.txt",
         "error": {"kind": "empty", "message": "no bytes"}}]
    run_dir = tmp_path / "reports/run"
    run_dir.mkdir(parents=True)
    (run_dir / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    config = Config().with_overrides({"sources": {"inbox": "/in/box"}})
    text = summary_markdown(run_dir, run_stats(run_dir), RunLog(), config, [])
    assert "| Floods in Valencia | 1 |" in text and "s-http" not in text
    assert f"| http_status | {url}?2 | HTTP 500 |" in text and "feeds.jsonl" not in text
    assert "| empty | sub/broken.txt | no bytes |" in text


def test_corrections_of_earlier_runs_are_announced(prefect_server, tmp_path: Path) -> None:
    """A second run that makes first-run records duplicates (an earlier-dated copy) names
    them, with the first run and the change, in an event, the summary and a log line."""
    from tests.test_store import halves_of, write_jsonl

    halves = halves_of()
    (tmp_path / "inbox").mkdir()
    write_jsonl(tmp_path / "inbox" / "one.jsonl", halves[0])
    config = write_config(tmp_path / "c.toml", tmp_path / "reports", inbox=tmp_path / "inbox")
    first = ingest_state(config)
    assert events("newsclean.records.corrected", first.state_details.flow_run_id,
                  count=0) == []
    write_jsonl(tmp_path / "inbox" / "two.jsonl", halves[1])
    second = ingest_state(config)
    run_dir, run_id = Path(second.result()), second.state_details.flow_run_id
    fixes = [json.loads(line) for line in
             (run_dir / "corrections.jsonl").read_text().splitlines()]
    [event] = events("newsclean.records.corrected", run_id)
    assert event.payload["run"] == run_dir.name and event.payload["count"] == len(fixes)
    assert event.payload["records"] == [
        {"id": f.pop("id"), "run": Path(first.result()).name, "changes": f} for f in fixes]
    assert any("duplicate_of" in r["changes"] for r in event.payload["records"])
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        [summary] = [a for a in client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))) if a.key == "newsclean-summary"]
    first_id = event.payload["records"][0]["id"]
    assert f"## Corrections to {len(fixes)} record" in summary.data
    assert f"| {first_id} | {Path(first.result()).name} |" in summary.data
    assert any(m.startswith(f"corrected {len(fixes)} records of earlier runs")
               for m in (log.message for log in flow_logs(run_id)))


def test_the_fetch_task_state_says_which_feeds_failed() -> None:
    """All read: Completed; some failed: Completed with warnings naming them; none read:
    Failed ``Feeds failed``, which the task does not retry (it retries what raised)."""
    from cleaners.fetch import IngestReport
    from flows.tasks import feeds_line, fetch_state, raised

    down = {"url": "http://a/feed", "kind": "http_status", "message": "HTTP 500"}
    assert fetch_state(IngestReport(feeds=2, items=3)).name == "Completed"
    some = fetch_state(IngestReport(feeds=2, items=3, feed_errors=[down]))
    assert some.is_completed() and some.name == "Completed with warnings"
    assert some.message == "1 of 2 feeds failed: http://a/feed (http_status: HTTP 500)"
    none = fetch_state(IngestReport(feeds=1, feed_errors=[down]))
    assert none.is_failed() and none.name == "Feeds failed" and not raised(None, None, none)
    assert feeds_line(IngestReport(feeds=2, items=3, new=2, fetched=1, failed=1,
                                   skipped_seen=1, feed_errors=[down])) == (
        "feeds: 1 of 2 read, 1 failed; 3 items: 2 new, 1 pages fetched, 1 pages failed, "
        "1 already ingested")


def test_the_flow_parameters_have_descriptions() -> None:
    from flows.ingest import ingest

    props = ingest.parameters.model_dump()["properties"]
    assert set(props) == {"config_file", "dask_address"}
    assert all(len(p.get("description", "")) > 40 for p in props.values())


def test_the_writer_lock_refuses_a_second_writer(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from cleaners.store "
                               "import Store; s = Store(sys.argv[1]); print('open', flush=True);"
                               " time.sleep(60)", str(path)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match=f"held by process {holder.pid}: another run"):
            Store(path)
    finally:
        holder.kill()  # SIGKILL: the kernel drops the lock with the process
        holder.wait()
    with Store(path) as store:
        with pytest.raises(StoreError, match="one writer at a time"):
            Store(path)
        assert store.integrity() == "ok"
    Store(path).close()  # released on close


def test_prefect_yaml_keeps_the_configs_schedule_and_one_run_at_a_time() -> None:
    from newsclean.serve import schedule_kwargs

    [deployment] = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
    config = load_config(ROOT / deployment["parameters"]["config_file"])
    [schedule] = deployment["schedules"]
    assert {"cron": schedule["cron"]} == schedule_kwargs(config.schedule)
    assert deployment["concurrency_limit"] == 1


def test_the_automation_example_is_valid_and_on_our_events() -> None:
    from prefect.events.schemas.automations import AutomationCore

    from flows.outcomes import EVENTS

    data = yaml.safe_load((ROOT / "docs" / "automation.yaml").read_text())["automations"]
    automations = [AutomationCore.model_validate(a) for a in data]
    assert {e for a in automations for e in a.trigger.expect} == set(EVENTS)
    assert all(json.dumps(a.model_dump(mode="json")) for a in automations)
