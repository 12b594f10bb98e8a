"""A run's report: ``report.html`` (for an editor or archivist, opens from disk) and
``summary.md`` (published by the flows as an artifact), both from ``articles.jsonl``.

Pure functions, no orchestration: :func:`summarize` counts a stream of records once,
:func:`markdown_summary` and :func:`source_rows` format those counts, :func:`write_report`
writes both files for a run directory (from :func:`run_stats`).
"""
from cleaners.report.html import run_stats, write_report
from cleaners.report.markdown import markdown_summary
from cleaners.report.stats import RunStats, source_rows, summarize

__all__ = ["RunStats", "summarize", "markdown_summary", "source_rows", "run_stats",
           "write_report"]
