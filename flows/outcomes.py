"""What a run's outcome tells a Prefect user: failed sources, a batch of mostly errors and
quality dropping against the previous run, as log lines, the state message and events that
Automations trigger on (docs/automation.yaml).

- The config file is missing, not TOML or holds a wrong value: no retry can fix that, so
  the run ends Failed at once (:func:`config_failed`: its retries are switched off), with
  one line at ERROR, and frees the deployment's slot.
- Every configured source failed (the inbox missing, every feed failing): nothing could be
  ingested, so the run raises :class:`SourcesFailed` before writing anything; it ends
  Failed once the flow's retries are spent (a DNS blip or a late mount heals on a retry).
  Its ERROR line is the one-line reason, not a traceback (:class:`OneLineErrors`).
- Some sources failed, most records are errors, or the error or chrome share jumped: the
  run writes and publishes what it has (its inputs are marked ingested), then ends
  Completed under its own state name, ``Completed with warnings`` (the runs list shows the
  name), with a ``WARNING: ...`` state message and a warning per problem in its logs.
"""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from prefect import get_client, get_run_logger
from prefect.context import get_run_context
from prefect.events import emit_event
from prefect.states import Completed, Failed, State

from cleaners.config import Config
from cleaners.report import RunStats

RUN_COMPLETED = "newsclean.run.completed"
SOURCE_FAILED = "newsclean.source.failed"
QUALITY_DROPPED = "newsclean.quality.dropped"
RECORDS_CORRECTED = "newsclean.records.corrected"
EVENTS = (RUN_COMPLETED, SOURCE_FAILED, QUALITY_DROPPED, RECORDS_CORRECTED)
WARNED = "Completed with warnings"  # the state name of a run (or a task) that warns
CONFIG_ERROR = "Config error"  # the state name of a run whose config could not be loaded
MAX_EVENT_RECORDS = 100  # corrected records named in one event (the count stays exact)
RECORD_ID = re.compile(r'\{"id": ("(?:[^"\\]|\\.)*")')  # a record line's first field


class SourcesFailed(Exception):
    """Every configured source failed: nothing to ingest this time."""


class OneLineErrors(logging.Filter):
    """The flow engine logs a raised exception with its traceback at ERROR; for
    :class:`SourcesFailed` the reason is the whole story, so the record keeps its one line.
    Installed on Prefect's flow-run logger by :func:`one_line_errors`."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, SourcesFailed):
            record.msg, record.args = str(exc), ()
            record.exc_info = record.exc_text = None
        return True


def one_line_errors() -> None:
    logger = logging.getLogger("prefect.flow_runs")
    if not any(isinstance(f, OneLineErrors) for f in logger.filters):
        logger.addFilter(OneLineErrors())


def config_failed(config_file: str | None, exc: Exception) -> State:
    """A config that cannot be loaded: one ERROR line, and a Failed state that the server
    does not turn into a retry (the flow's ``retries`` are for what heals by waiting; the
    server retries any Failed run with retries left, so this run's are set to 0 first)."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    message = f"config error in {config_file}: {reason}"
    get_run_logger().error(message)
    run = get_run_context().flow_run
    with get_client(sync_client=True) as client:
        client.update_flow_run(run.id, empirical_policy=run.empirical_policy.model_copy(
            update={"retries": 0}))
    return Failed(name=CONFIG_ERROR, message=message)


def finished(message: str, found: list[str], data: str) -> State:
    """The run's final state: ``Completed with warnings`` and ``WARNING: ...`` when it
    warns, a plain Completed with ``message`` when not."""
    if found:
        return Completed(name=WARNED, message="WARNING: " + "; ".join(found), data=data)
    return Completed(message=message, data=data)


def run_resource(run: str) -> dict[str, str]:
    return {"prefect.resource.id": f"newsclean.run.{run}", "prefect.resource.name": run}


def source_failed(errors: list[dict[str, str]], config: Config, run: str) -> None:
    """Emit each failed source; raise :class:`SourcesFailed` when none is left."""
    for error in errors:
        emit_event(SOURCE_FAILED, resource={"prefect.resource.id":
                                            f"newsclean.source.{error['source']}",
                                            "prefect.resource.name": error["source"]},
                   payload={"run": run, **error})
    configured = len(config.sources.feeds) + bool(config.sources.inbox)
    if errors and len(errors) == configured:
        raise SourcesFailed("every source failed: " + "; ".join(
            f"{e['source']} ({e['kind']}: {e['message']})" for e in errors))


def quality(stats: RunStats) -> dict[str, float]:
    """The shares a run is watched by: records that are errors, words removed as chrome."""
    words = stats.body_words + stats.chrome_words
    return {"error_share": round(stats.by_status.get("error", 0) / stats.total, 4)
            if stats.total else 0.0,
            "chrome_share": round(stats.chrome_words / words, 4) if words else 0.0}


def counts(stats: RunStats) -> dict[str, int]:
    """A run's key counts: the events' payload and the artifacts' descriptions."""
    return {"articles": stats.total, "kept": stats.kept,
            "errors": stats.by_status.get("error", 0),
            "skipped": stats.by_status.get("skipped", 0), "duplicates": stats.duplicates,
            "stories": stats.story_count, "sources": len(stats.sources)}


def quality_dropped(now: dict[str, float], before: dict[str, Any], config: Config,
                    run: str) -> list[str]:
    """Each share that rose more than ``[schedule] quality_jump`` over the previous run's,
    emitted as one event."""
    jumps = {name: (before[name], value) for name, value in now.items()
             if name in before and value - before[name] > config.schedule.quality_jump}
    if jumps:
        emit_event(QUALITY_DROPPED, resource=run_resource(run),
                   payload={"run": run, "previous_run": before.get("run"), **now,
                            "previous": {name: old for name, (old, _) in jumps.items()}})
    return [f"{name.replace('_', ' ')} rose from {old:.0%} to {new:.0%} since run "
            f"{before.get('run')}" for name, (old, new) in jumps.items()]


def warnings(stats: RunStats, source_errors: list[dict[str, str]], drops: list[str],
             config: Config) -> list[str]:
    """What the state message and the logs warn about (empty: a clean run)."""
    found = [f"source failed: {e['source']} ({e['kind']}: {e['message']})"
             for e in source_errors]
    share = quality(stats)["error_share"]
    if share > config.schedule.max_error_share:
        found.append(f"{stats.by_status.get('error', 0)} of {stats.total} records are errors "
                     f"({share:.0%}, over {config.schedule.max_error_share:.0%})")
    return found + drops


def run_completed(run: str | None, stats: RunStats, found: list[str],
                  report_url: str | None) -> None:
    """The run's counts as an event, empty runs included (a heartbeat for Automations). An
    empty run (``run`` None) wrote no folder: its resource is the flow run, by name."""
    resource = run_resource(run or get_run_context().flow_run.name)
    emit_event(RUN_COMPLETED, resource=resource,
               payload={"run": run, **counts(stats), **quality(stats), "warnings": found,
                        "report": report_url})


def records_corrected(run: str, corrected: list[dict[str, Any]]) -> None:
    """The records of earlier runs that this run changed (``corrections.jsonl``), each with
    its run and its changes, as one event; nothing when there are none."""
    if corrected:
        emit_event(RECORDS_CORRECTED, resource=run_resource(run),
                   payload={"run": run, "count": len(corrected),
                            "records": corrected[:MAX_EVENT_RECORDS]})


def corrected(run_dir: Path) -> list[dict[str, Any]]:
    """The records of earlier runs that ``run_dir/corrections.jsonl`` changes, each as
    ``{id, run, changes}``: the run is the earlier folder beside this one whose
    ``articles.jsonl`` holds the id (newest first; None when no folder here does: written
    elsewhere, or removed)."""
    path = run_dir / "corrections.jsonl"
    if not path.exists():
        return []
    fixes = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    runs = earlier_runs(run_dir, {fix["id"] for fix in fixes})
    return [{"id": fix["id"], "run": runs.get(fix["id"]),
             "changes": {k: v for k, v in fix.items() if k != "id"}} for fix in fixes]


def earlier_runs(run_dir: Path, ids: set[str]) -> dict[str, str]:
    """id -> the newest other run folder whose ``articles.jsonl`` holds it; only each line's
    id is parsed, and the search stops once every id is found."""
    found: dict[str, str] = {}
    for other in sorted(run_dir.parent.iterdir(), reverse=True):
        if len(found) == len(ids):
            break
        if other == run_dir or not (other / "articles.jsonl").is_file():
            continue
        with open(other / "articles.jsonl", encoding="utf-8") as fh:
            for line in fh:
                match = RECORD_ID.match(line)
                art_id = json.loads(match.group(1)) if match else None
                if art_id in ids and art_id not in found:
                    found[art_id] = other.name
    return found
