"""``newsclean serve``: the only command that imports Prefect.

Serves the ingestion flow from this process's flow object (each run starts in a subprocess
that unpickles it: no code download or entrypoint loading per run) on the config's
``[schedule]``, the one place the schedule lives (``prefect.yaml``'s copy is checked against
it by the tests). The deployment's concurrency limit is 1, so the embedded store keeps one
writer whoever runs it (its writer lock refuses a second one anyway). Beside it, a small
static HTTP server makes the runs' report files readable at ``[schedule]
report_host:report_port``, where each run's report artifact links: only those files
(:class:`ReportHandler`), never a listing, the store or anything else on the disk; and a
thread ends runs left stuck after a Prefect server outage (:mod:`newsclean.heal`).
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from datetime import timedelta
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cleaners.config import ScheduleConfig, load_config
from cleaners.report.layout import PAGES_DIR
from newsclean.heal import Healer

DEFAULT_INTERVAL = 3600  # seconds: hourly when neither cron nor interval is set
# What a run writes for reading (cleaners/report: report.html needs no other file, its plots
# inline SVG; it links to its story pages report/stories-NNNN.html, to it and to each other),
# with the type each is served as.
HTML = "text/html; charset=utf-8"
REPORT_FILES = {"report.html": HTML,
                "summary.md": "text/markdown; charset=utf-8",
                "articles.jsonl": "application/jsonl; charset=utf-8",
                "corrections.jsonl": "application/jsonl; charset=utf-8"}
STORY_PAGE = re.compile(r"stories-[0-9]{4,6}\.html")  # in the run's PAGES_DIR only


def schedule_kwargs(schedule: ScheduleConfig) -> dict[str, object]:
    """``cron=...`` or ``interval=...``; both set is an error, not a silent choice."""
    if schedule.cron and schedule.interval:
        raise ValueError("set schedule.cron or schedule.interval, not both")
    if schedule.cron:
        return {"cron": schedule.cron}
    if schedule.interval < 0:
        raise ValueError("schedule.interval must be a positive number of seconds")
    return {"interval": timedelta(seconds=schedule.interval or DEFAULT_INTERVAL)}


class ReportHandler(BaseHTTPRequestHandler):
    """``GET /<run>/<report file>`` and ``GET /<run>/report/stories-NNNN.html`` and nothing
    else: a run folder (no dot name: not ``.newsclean/``, which holds the store) and one of
    :data:`REPORT_FILES` or a story page, all real entries of the reports folder (no
    symlink, no ``..``, no encoded slash). Anything else is a 404, the same whether it
    exists or not."""

    reports: Path  # the resolved reports folder (set by :func:`serve_reports`)

    def __init__(self, *args: object, reports: Path, **kwargs: object) -> None:
        self.reports = reports
        super().__init__(*args, **kwargs)  # handles the request

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self.answer(body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self.answer(body=False)

    def report_file(self) -> Path | None:
        """The file a request names, if it is a report file of a run."""
        parts = unquote(urlsplit(self.path).path).split("/")
        named = ((len(parts) == 3 and parts[2] in REPORT_FILES)
                 or (len(parts) == 4 and parts[2] == PAGES_DIR and STORY_PAGE.fullmatch(parts[3])))
        if parts[0] or not named:
            return None
        run = parts[1]
        if not run or run.startswith(".") or "\\" in run or "\0" in run:
            return None
        path = self.reports.joinpath(*parts[1:])
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        return path if real == path and path.is_file() else None

    def answer(self, body: bool) -> None:
        path = self.report_file()
        try:
            fh = open(path, "rb") if path else None  # noqa: SIM115 - closed below
        except OSError:
            fh = None
        if fh is None:
            self.send_error(HTTPStatus.NOT_FOUND, "not a report file")
            return
        with fh:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", REPORT_FILES.get(path.name, HTML))
            self.send_header("Content-Length", str(os.fstat(fh.fileno()).st_size))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if body:
                shutil.copyfileobj(fh, self.wfile)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass  # no line on stderr per request


def serve_reports(schedule: ScheduleConfig) -> ThreadingHTTPServer:
    """The runs' report files over HTTP from a daemon thread; ``shutdown()`` stops it."""
    reports = Path(schedule.reports)
    reports.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer((schedule.report_host, schedule.report_port),
                                 partial(ReportHandler, reports=reports.resolve()))
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
