"""``newsclean serve``: the only command that imports Prefect.

Serves the ingestion flow from this process's flow object (each run starts in a subprocess
that unpickles it: no code download or entrypoint loading per run) on the config's
``[schedule]``, the one place the schedule lives (``prefect.yaml``'s copy is checked against
it by the tests). The deployment's concurrency limit is 1, so the embedded store keeps one
writer whoever runs it (its writer lock refuses a second one anyway). Beside it, a small
static HTTP server makes ``REPORTS/`` readable at ``[schedule] report_host:report_port``,
where each run's report artifact links, and a thread ends runs left stuck after a Prefect
server outage (:mod:`newsclean.heal`).
"""
from __future__ import annotations

import threading
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cleaners.config import ScheduleConfig, load_config
from newsclean.heal import Healer

DEFAULT_INTERVAL = 3600  # seconds: hourly when neither cron nor interval is set


def schedule_kwargs(schedule: ScheduleConfig) -> dict[str, object]:
    """``cron=...`` or ``interval=...``; both set is an error, not a silent choice."""
    if schedule.cron and schedule.interval:
        raise ValueError("set schedule.cron or schedule.interval, not both")
    if schedule.cron:
        return {"cron": schedule.cron}
    if schedule.interval < 0:
        raise ValueError("schedule.interval must be a positive number of seconds")
    return {"interval": timedelta(seconds=schedule.interval or DEFAULT_INTERVAL)}


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files, without a log line on stderr per request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


def serve_reports(schedule: ScheduleConfig) -> ThreadingHTTPServer:
    """``REPORTS/`` over HTTP from a daemon thread; ``shutdown()`` stops it."""
    reports = Path(schedule.reports)
    reports.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer((schedule.report_host, schedule.report_port),
                                 partial(QuietHandler, directory=str(reports)))
    threading.Thread(target=server.serve_forever, name="reports", daemon=True).start()
    return server


def serve_deployments(config_file: Path | None, dask_address: str | None) -> None:
    """Serve the ingestion deployment and the reports until interrupted."""
    from flows.ingest import ingest

    config = load_config(config_file)
    parameters = {"config_file": str(Path(config_file).resolve()) if config_file else None,
                  "dask_address": dask_address}
    kwargs = schedule_kwargs(config.schedule)
    reports = serve_reports(config.schedule)
    healer = Healer(f"{ingest.name}/{config.schedule.deployment}", config.schedule.heal_every,
                    config.schedule.stuck_after).start()
    try:
        ingest.serve(name=config.schedule.deployment, parameters=parameters,
                     description="newsclean: ingest the configured inbox and feeds, clean, "
                     "dedupe, score", tags=["newsclean"], global_limit=1, limit=1, **kwargs)
    finally:
        healer.stop()
        reports.shutdown()
