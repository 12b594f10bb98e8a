"""Issue 18 against a real Prefect server (tests/conftest.py): failed sources and mostly-error
runs end as flows/outcomes.py says and emit their events (read back from the API), an empty
run publishes nothing, the report link answers over HTTP; and the single-writer guards (the
store's lock, the deployment's limit, one schedule)."""
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
    [failed] = events("newsclean.source.failed", run_id)
    assert failed.payload["source"] == feed
    [completed] = events("newsclean.run.completed", run_id)
    assert completed.payload["articles"] == 5 and completed.payload["errors"] == 0
    assert completed.payload["warnings"] == [state.message.removeprefix("WARNING: ")]


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


def test_the_summary_labels_stories_and_lists_errors_by_input() -> None:
    from flows.artifacts import errors_markdown, labelled

    from cleaners.report import markdown_summary, summarize

    story = "s-" + "3f" * 32  # "s-" + the first report's id, a 64-hex hash for feed pages
    stats = summarize([
        {"id": "a", "status": "ok", "source": "/in/a.txt", "title": "Floods in Valencia",
         "body": "Rain fell.", "story": story, "first_report": True},
        {"id": "b", "status": "error", "source": "/in/sub/broken.txt",
         "error": {"kind": "empty", "message": "no bytes"}}])
    text = markdown_summary(labelled(stats))
    assert "| s-3f3f3f3f3f… | 1 | a |" in text and story not in text
    assert "Floods in Valencia" in text
    assert "| empty | broken.txt | no bytes |" in errors_markdown(stats)


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
