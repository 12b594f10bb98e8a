"""``report.html`` and ``summary.md`` for a run directory, streamed from ``articles.jsonl``.

Pass 1 reads the JSONL once for :class:`RunStats` and each line's byte offset; pass 2 renders
the stories largest first, re-reading each article's line by offset when its story comes up,
and streams the Jinja output to disk, so memory holds small metadata only.

Staying usable at 10,000 articles: every story and article is a closed ``<details>`` (the
three largest stories open), story boxes use ``content-visibility: auto``, and article texts
go inline only until ``FULL_TEXT_BUDGET`` characters are used (largest stories first); later
stories list one row per report. Measured by ``bench/report.py`` on 10,000 records (866
stories, 452 duplicates, 300 errors; 63.3 MB of JSONL), 2 shared cores: report.html 10.9 MB,
generated in 2.3-4.1 s (``newsclean report``: 3.3 s wall, 66 MB peak RSS), open in headless
Chromium (load event and first frame) in 0.8-1.3 s; every text inline instead: 67 MB,
3.2-6.9 s to open.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, select_autoescape

from cleaners.cache import cache_dir
from cleaners.report.markdown import markdown_summary
from cleaners.report.plots import histogram, source_bars
from cleaners.report.stats import ArticleMeta, RunStats, StoryStats, source_rows, summarize
from cleaners.report.views import Reader, story_views
from cleaners.report.words import plural
from cleaners.write import atomic_open

#: Characters of article text written inline; later stories get one row per article.
#: 5 M characters keep a 10,000-article report near 12 MB (see bench/report.py).
FULL_TEXT_BUDGET = 5_000_000
SHOWN_SOURCES = 30  # source rows shown; the rest fold into a <details>


def _environment() -> Environment:
    folder = cache_dir("templates")  # compiled once: 30 ms of every run's report
    env = Environment(loader=PackageLoader("cleaners.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True,
                      bytecode_cache=FileSystemBytecodeCache(str(folder)) if folder else None)
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.1f}%"
    env.filters["num"] = lambda v: "–" if v is None else f"{v:.2f}"
    env.filters["plural"] = plural
    return env


def read_records(path: Path, offsets: list[int] | None = None) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file, streamed; each line's byte offset is appended to ``offsets``
    when given. Lines that are not JSON objects are skipped (the run wrote them: none)."""
    with path.open("rb") as fh:
        pos = 0
        for line in fh:
            start, pos = pos, pos + len(line)
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                if offsets is not None:
                    offsets.append(start)
                yield record


class LineReader:
    """Reads one record back by its byte offset."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh

    def __call__(self, meta: ArticleMeta) -> dict[str, Any] | None:
        if meta.offset is None:
            return None
        self.fh.seek(meta.offset)
        return json.loads(self.fh.readline())


def _loose_story(stats: RunStats) -> list[StoryStats]:
    if not stats.loose:
        return []
    return [StoryStats("(no story)", len(stats.loose), stats.loose, None,
                       "Articles in no story", None, None)]


def render(stats: RunStats, read: Reader, out: IO[str], full_budget: int = FULL_TEXT_BUDGET,
           title: str = "newsclean report") -> None:
    """Stream the report for ``stats`` into ``out``."""
    rows = source_rows(stats)
    plots = {"completeness": histogram(stats.completeness, "completeness"),
             "originality": histogram(stats.originality, "originality"),
             "sources": source_bars(rows)}
    stories = story_views(stats, read, full_budget, stats.stories + _loose_story(stats))
    template = _environment().get_template("report.html.j2")
    template.stream(stats=stats, rows=rows, shown_rows=SHOWN_SOURCES, plots=plots, stories=stories, title=title,
                    chrome_total=stats.body_words + stats.chrome_words).dump(out)


def run_stats(run_dir: Path) -> RunStats:
    """The counts of ``run_dir/articles.jsonl``, each article's byte offset kept for the
    report to read its text back."""
    offsets: list[int] = []
    stats = summarize(read_records(Path(run_dir) / "articles.jsonl", offsets))
    for meta, offset in zip(stats.articles, offsets):
        meta.offset = offset
    return stats


def write_report(run_dir: Path, full_budget: int = FULL_TEXT_BUDGET,
                 stats: RunStats | None = None) -> list[Path]:
    """Write ``report.html`` and ``summary.md`` beside ``run_dir/articles.jsonl``, from
    ``stats`` when the caller already has them (:func:`run_stats`)."""
    run_dir = Path(run_dir)
    source = run_dir / "articles.jsonl"
    stats = stats if stats is not None else run_stats(run_dir)
    html_path, md_path = run_dir / "report.html", run_dir / "summary.md"
    with source.open("rb") as fh:
        with atomic_open(html_path) as out:
            render(stats, LineReader(fh), out, full_budget, f"newsclean report: {run_dir.name}")
    with atomic_open(md_path) as out:
        out.write(markdown_summary(stats))
    return [html_path, md_path]
