"""What a run's outcome tells a Prefect user: failed sources, a batch of mostly errors and
quality dropping against the previous run, as log lines, the state message and events that
Automations trigger on (docs/automation.yaml).

- Every configured source failed (the inbox missing, every feed failing): nothing could be
  ingested, so the run raises :class:`SourcesFailed` before writing anything; it ends
  Failed once the flow's retries are spent (a DNS blip or a late mount heals on a retry).
- Some sources failed, most records are errors, or the error or chrome share jumped: the
  run writes and publishes what it has (its inputs are marked ingested), then ends
  Completed with a ``WARNING: ...`` state message and a warning per problem in its logs.
"""
from __future__ import annotations

from typing import Any

from prefect.events import emit_event

from cleaners.config import Config
from cleaners.report import RunStats

RUN_COMPLETED = "newsclean.run.completed"
SOURCE_FAILED = "newsclean.source.failed"
QUALITY_DROPPED = "newsclean.quality.dropped"
EVENTS = (RUN_COMPLETED, SOURCE_FAILED, QUALITY_DROPPED)


class SourcesFailed(Exception):
    """Every configured source failed: nothing to ingest this time."""


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


def run_completed(run: str, stats: RunStats, found: list[str], report_url: str | None) -> None:
    """The run's counts as an event, empty runs included (a heartbeat for Automations)."""
    emit_event(RUN_COMPLETED, resource=run_resource(run),
               payload={"run": run, **counts(stats), **quality(stats), "warnings": found,
                        "report": report_url})
