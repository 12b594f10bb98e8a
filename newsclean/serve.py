"""``newsclean serve``: the only command that imports Prefect.

Builds the ingestion deployment from the config's ``[schedule]`` (a cron line, else an
interval in seconds) and serves it: this process polls the Prefect API (``PREFECT_API_URL``)
for scheduled runs and executes them, one at a time, so the embedded store keeps one writer.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from cleaners.config import ScheduleConfig, load_config


def schedule_kwargs(schedule: ScheduleConfig) -> dict[str, object]:
    """``cron=...`` when a cron line is set, else ``interval=...``."""
    if schedule.cron:
        return {"cron": schedule.cron}
    if schedule.interval <= 0:
        raise ValueError("schedule.interval must be a positive number of seconds")
    return {"interval": timedelta(seconds=schedule.interval)}


def serve_deployments(config_file: Path | None, dask_address: str | None) -> None:
    """Serve the ingestion deployment on the config's schedule until interrupted."""
    from prefect import serve

    from flows.ingest import ingest

    config = load_config(config_file)
    parameters = {"config_file": str(Path(config_file).resolve()) if config_file else None,
                  "dask_address": dask_address}
    deployment = ingest.to_deployment(
        name=config.schedule.deployment, parameters=parameters,
        description="newsclean: ingest the configured inbox and feeds, clean, dedupe, score",
        tags=["newsclean"], **schedule_kwargs(config.schedule))
    serve(deployment, limit=1)
