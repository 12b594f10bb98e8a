"""``report.html``, its story pages and ``summary.md`` for a run directory, streamed from
``articles.jsonl``.

Pass 1 reads the JSONL once for :class:`RunStats` and each line's byte offset; the stories
are then placed in files (:mod:`cleaners.report.layout`: ``report.html`` holds the summary,
sources, errors and the largest stories, ``report/stories-0001.html``... the rest, each file
bounded); pass 2 renders each file's stories in order, re-reading each article's line by
offset when its story comes up, and streams the Jinja output to disk, so memory holds small
metadata only.

Staying usable: every story and article is a closed ``<details>`` (the three largest stories
open), story boxes use ``content-visibility: auto``, and article texts go inline only until
``FULL_TEXT_BUDGET`` characters are used (largest stories first); other stories list one
row per report. Measured by ``bench/report.py`` at 100,000 records (8,483 stories; 678.6 MB
of JSONL), 2 shared cores: report.html 7.7 MB and 12 pages of 0.8-4.0 MB, generated in 51 s
(42 s of it reading the JSONL), each file open in headless Chromium in <= 1.8 s; the same
stories in one file: 43.8 MB, 5.5 s to open.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from cleaners.cache import cache_dir
from cleaners.report.layout import PAGES_DIR, Layout, page_name, plan
from cleaners.report.markdown import markdown_summary
from cleaners.report.plots import histogram, source_bars
from cleaners.report.stats import ArticleMeta, RunStats, StoryStats, source_rows, summarize
from cleaners.report.views import Href, Reader, story_views
from cleaners.report.words import plural
from cleaners.write import atomic_open

#: Characters of article text written inline (largest stories first); other stories get one
#: row per article. 5 M characters keep report.html near 10 MB (see bench/report.py).
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


def _link(href: Href):
    """``link(id)`` for the templates: the article's id, linked to it where a file shows it."""
    def link(article: str | None) -> Markup:
        target = href(article)
        return (Markup('<a href="{}">{}</a>').format(target, article) if target
                else escape(article or ""))
    return link


def _range(first: int, stories: list[StoryStats]) -> str:
    return f"{first:,}" if len(stories) == 1 else f"{first:,}–{first + len(stories) - 1:,}"


def pager(layout: Layout, here: int) -> dict[str, Any]:
    """The files of the report as file ``here`` links to them: its story range, the pages."""
    firsts = [1]
    for stories in layout.files:
        firsts.append(firsts[-1] + len(stories))
    prefix = f"{PAGES_DIR}/" if here == 0 else ""
    pages = [{"number": n, "href": prefix + page_name(n), "range": _range(firsts[n], stories),
              "reports": f"{sum(s.size for s in stories):,}",
              "sizes": f"{stories[0].size:,}" if stories[0].size == stories[-1].size
              else f"{stories[0].size:,} to {stories[-1].size:,}"}
             for n, stories in enumerate(layout.files) if n]
    return {"here": here, "total": f"{firsts[-1] - 1:,}", "home": "../report.html",
            "index_range": _range(1, layout.files[0]) if layout.files[0] else "none",
            "pages": pages, "brief": len(layout.full) < firsts[-1] - 1}


def _context(stats: RunStats, read: Reader, layout: Layout, here: int) -> dict[str, Any]:
    href = layout.href(here)
    stories = story_views(stats, read, layout.files[here], layout.full, href,
                          open_first=here == 0)
    return {"stats": stats, "stories": stories, "href": href, "link": _link(href),
            "pager": pager(layout, here)}


def layout_of(stats: RunStats, full_budget: int = FULL_TEXT_BUDGET, **sizes: int) -> Layout:
    """Where each story of ``stats`` goes (:func:`cleaners.report.layout.plan`; ``sizes``:
    its ``index_bytes`` and ``page_bytes``)."""
    by_id = {m.id: m for m in stats.articles}
    return plan(stats.stories + _loose_story(stats), by_id, full_budget, **sizes)


def render(stats: RunStats, read: Reader, out: IO[str], full_budget: int = FULL_TEXT_BUDGET,
           title: str = "newsclean report", layout: Layout | None = None) -> None:
    """Stream ``report.html`` for ``stats`` into ``out``: summary, sources, errors and the
    stories :func:`layout_of` puts in it."""
    layout = layout if layout is not None else layout_of(stats, full_budget)
    rows = source_rows(stats)
    plots = {"completeness": histogram(stats.completeness, "completeness"),
             "originality": histogram(stats.originality, "originality"),
             "sources": source_bars(rows)}
    template = _environment().get_template("report.html.j2")
    template.stream(**_context(stats, read, layout, 0), rows=rows, shown_rows=SHOWN_SOURCES,
                    plots=plots, title=title,
                    chrome_total=stats.body_words + stats.chrome_words).dump(out)


def render_page(stats: RunStats, read: Reader, layout: Layout, number: int, out: IO[str],
                title: str = "newsclean report") -> None:
    """Stream page ``number`` (>= 1) of the layout's stories into ``out``."""
    span = pager(layout, number)["pages"][number - 1]["range"]
    template = _environment().get_template("page.html.j2")
    template.stream(**_context(stats, read, layout, number),
                    title=f"{title} · stories {span}").dump(out)


def _write_pages(run_dir: Path, stats: RunStats, read: Reader, layout: Layout,
                 title: str) -> list[Path]:
    """The story pages under ``run_dir/report/``; pages of an earlier, longer report go."""
    folder = run_dir / PAGES_DIR
    paths = [folder / page_name(n) for n in range(1, len(layout.files))]
    if paths:
        folder.mkdir(exist_ok=True)
    for number, path in enumerate(paths, 1):
        with atomic_open(path) as out:
            render_page(stats, read, layout, number, out, title)
    if folder.is_dir():
        for old in folder.glob("stories-*.html"):
            if old not in paths:
                old.unlink()
    return paths


def run_stats(run_dir: Path) -> RunStats:
    """The counts of ``run_dir/articles.jsonl``, each article's byte offset kept for the
    report to read its text back."""
    offsets: list[int] = []
    stats = summarize(read_records(Path(run_dir) / "articles.jsonl", offsets))
    for meta, offset in zip(stats.articles, offsets):
        meta.offset = offset
    return stats


def write_report(run_dir: Path, full_budget: int = FULL_TEXT_BUDGET,
                 stats: RunStats | None = None, **sizes: int) -> list[Path]:
    """Write ``report.html``, its story pages (``report/stories-0001.html``..., when the
    stories do not fit in one bounded file) and ``summary.md`` beside
    ``run_dir/articles.jsonl``, from ``stats`` when the caller already has them
    (:func:`run_stats`). ``sizes`` (``index_bytes``, ``page_bytes``) bound the files other
    than by :mod:`cleaners.report.layout`'s defaults. Returns report.html, summary.md, then
    the pages."""
    run_dir = Path(run_dir)
    source = run_dir / "articles.jsonl"
    stats = stats if stats is not None else run_stats(run_dir)
    layout = layout_of(stats, full_budget, **sizes)
    title = f"newsclean report: {run_dir.name}"
    html_path, md_path = run_dir / "report.html", run_dir / "summary.md"
    with source.open("rb") as fh:
        pages = _write_pages(run_dir, stats, LineReader(fh), layout, title)
        with atomic_open(html_path) as out:
            render(stats, LineReader(fh), out, full_budget, title, layout)
    with atomic_open(md_path) as out:
        out.write(markdown_summary(stats))
    return [html_path, md_path, *pages]
