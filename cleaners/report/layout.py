"""Which file of the report each story goes in, and whether its article texts go inline.

A report is ``report.html`` (summary, sources, errors and the largest stories) plus, when a
run has more stories than fit, pages ``report/stories-0001.html``... holding the rest in
order, each linked from the index and from its neighbours. Every file is bounded: stories
are placed by an estimate of their HTML size (from metadata: text and changes lengths, one
row per report) against :data:`INDEX_BYTES` and :data:`PAGE_BYTES`, before anything is
rendered, so a link to any article (a reused passage's source, a duplicate's canonical)
names the file that holds it. Measured by ``bench/report.py`` at 100,000 records: 13 files,
report.html 7.7 MB, pages 0.8-4.0 MB (the estimate errs high for pages of large brief
stories), each opened in <= 1.8 s in headless Chromium.

Why pages rather than one file: one file grows with the run (26 MB at 20,000 inputs, well
over 100 MB at 100,000), and a browser holds the whole DOM of a page it opens.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cleaners.report.stats import ArticleMeta, StoryStats

#: Estimated bytes of stories in report.html (beside ~0.1-1 MB of summary, sources, errors).
INDEX_BYTES = 8_000_000
#: Estimated bytes of stories per page: ~4-5 MB, 100,000-150,000 elements for a page of
#: one-report stories, opened in 0.6-1.4 s (bench/report.py).
PAGE_BYTES = 4_000_000
#: Reports listed per brief story: a giant story's rest stays in articles.jsonl.
MAX_BRIEF_ROWS = 1_000
PAGES_DIR = "report"  # beside report.html; the report server and object store know the name
#: Markup bytes around a story (box, heading, table head), an article, a brief row, a dot.
STORY_BYTES, ARTICLE_BYTES, ROW_BYTES, DOT_BYTES = 650, 1_800, 220, 100


def page_name(number: int) -> str:
    """``stories-0001.html``: the n-th page of stories (the index is page 0)."""
    return f"stories-{number:04d}.html"


def brief_members(members: list[ArticleMeta]) -> list[ArticleMeta]:
    """The reports a brief story lists: the first :data:`MAX_BRIEF_ROWS` in date order."""
    return members[:MAX_BRIEF_ROWS]


def estimate(members: list[ArticleMeta], full: bool) -> int:
    """Bytes a story takes in HTML: texts, changes and markup when ``full``, else a row each."""
    head = STORY_BYTES + 2 * len(members[0].title or members[0].lead) if members else 0
    head += DOT_BYTES * len(members) if len(members) > 1 else 0
    if full:
        return head + sum(m.body_chars + m.changes_chars + ARTICLE_BYTES for m in members)
    return head + sum(ROW_BYTES + len(m.title or m.lead) for m in brief_members(members))


@dataclass
class Layout:
    """Stories per file (``files[0]`` is report.html), those shown with their texts, and the
    file of each article shown."""

    files: list[list[StoryStats]] = field(default_factory=lambda: [[]])
    full: set[str] = field(default_factory=set)  # story ids with article texts inline
    file_of: dict[str, int] = field(default_factory=dict)  # article id -> file number
    sizes: list[int] = field(default_factory=lambda: [0])  # estimated story bytes per file

    def href(self, here: int) -> Callable[[str | None], str | None]:
        """Links from file ``here``: an article id to ``#a-ID`` on this file, else to the file
        that holds it; None for an article no file shows."""
        def link(article: str | None) -> str | None:
            there = self.file_of.get(article or "")
            if there is None:
                return None
            anchor = f"#a-{article}"
            if there == here:
                return anchor
            if there == 0:
                return f"../report.html{anchor}"
            return (f"{PAGES_DIR}/" if here == 0 else "") + page_name(there) + anchor
        return link


def plan(stories: list[StoryStats], by_id: dict[str, ArticleMeta], full_budget: int,
         index_bytes: int = INDEX_BYTES, page_bytes: int = PAGE_BYTES) -> Layout:
    """Place ``stories`` (largest first) in files: report.html until ``index_bytes`` of
    estimated HTML, then pages of ``page_bytes``. A story's texts go inline when they fit in
    what is left of ``full_budget`` characters and in one page; otherwise one row a report."""
    layout, text_left = Layout(), full_budget
    for story in stories:
        members = [by_id[i] for i in story.members]
        chars = sum(m.body_chars for m in members)
        full = 0 < text_left and chars <= text_left and estimate(members, True) <= page_bytes
        size = estimate(members, full)
        limit = index_bytes if len(layout.files) == 1 else page_bytes
        if layout.sizes[-1] and layout.sizes[-1] + size > limit:
            layout.files.append([])
            layout.sizes.append(0)
        number = len(layout.files) - 1
        layout.files[-1].append(story)
        layout.sizes[-1] += size
        if full:
            layout.full.add(story.id)
            text_left -= chars
        for m in members if full else brief_members(members):
            layout.file_of[m.id] = number
    return layout
