"""Per-article and per-story view models for the HTML template, built from full records."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markupsafe import Markup

from cleaners.report.layout import brief_members
from cleaners.report.stats import ArticleMeta, RunStats, StoryStats, is_chrome


Reader = Callable[[ArticleMeta], "dict[str, Any] | None"]  # a record back from its metadata
Href = Callable[["str | None"], "str | None"]  # an article id -> its link from this file, if shown
OPEN_STORIES = 3  # the largest stories are expanded when the page opens


@dataclass
class StoryView:
    id: str
    size: int
    title: str | None
    start: str | None
    end: str | None
    full: bool  # article texts inline, or one brief row per article
    open: bool = False  # shown expanded when the page opens
    items: list[dict[str, Any]] = field(default_factory=list)  # top-level reports, date order
    timeline: str = ""
    more: int = 0  # reports of a giant brief story left to articles.jsonl


def _spans(body: str, reused: list[dict[str, Any]]) -> list[tuple[int, int, dict[str, Any]]]:
    """Reused passages as non-overlapping (start, end, passage) spans that really are in body."""
    spans = []
    for item in reused or []:
        start, end, text = item.get("start"), item.get("end"), item.get("text")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body)
                and (text is None or body[start:end] == text)):
            start = body.find(text) if text else -1
            if start < 0:
                continue
            end = start + len(text)
        spans.append((start, end, item))
    spans.sort(key=lambda s: (s[0], -s[1]))
    kept, last = [], 0
    for start, end, item in spans:  # overlapping passages: the later one starts where the
        start = max(start, last)    # earlier ends, so every reused character stays marked
        if start < end:
            kept.append((start, end, item))
            last = end
    return kept


def body_html(body: str, reused: list[dict[str, Any]], href: Href) -> Markup:
    """The cleaned text, escaped, with each reused passage marked and linked to its source
    (in whichever file of the report holds it)."""
    out, pos = [], 0
    for start, end, item in _spans(body, reused):
        src = str(item.get("source_id", ""))
        tip = escape(f"reused from {src} ({float(item.get('share', 0)):.1%} of this article)")
        inner = escape(body[start:end])
        target = href(src)
        link = f'<a href="{escape(target)}">{inner}</a>' if target else inner
        out.append(escape(body[pos:start]))
        out.append(f'<mark class="reused" title="{tip}">{link}</mark>')
        pos = end
    out.append(escape(body[pos:]))
    return Markup("".join(out))


def _changes(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**ch, "chrome": is_chrome(ch)} for ch in changes]


def _reused_by_source(reused: list[dict[str, Any]]) -> list[tuple[str, float, int]]:
    shares: dict[str, list[float]] = {}
    for item in reused or []:
        shares.setdefault(str(item.get("source_id")), []).append(float(item.get("share", 0)))
    return sorted(((s, round(sum(v), 4), len(v)) for s, v in shares.items()),
                  key=lambda t: -t[1])


def article_view(record: dict[str, Any], meta: ArticleMeta, full: bool,
                 href: Href) -> dict[str, Any]:
    """What the template shows of one article; the text and changes only when ``full``."""
    signals = record.get("signals") or {}
    view = {"meta": meta, "r": record, "duplicates": [],
            "scores": {k: v for k, v in (record.get("scores") or {}).items() if v is not None},
            "parts": signals.get("completeness") or {},
            "story_signal": signals.get("story") or {},
            "reused_sources": _reused_by_source(record.get("reused") or [])}
    if full:
        view["body"] = body_html(record.get("body") or "", record.get("reused") or [], href)
        view["changes"] = _changes(record.get("changes") or [])
    return view


def _group(members: list[ArticleMeta]) -> tuple[list[ArticleMeta], dict[str, list[ArticleMeta]]]:
    """Top-level reports and, per canonical id, the duplicates folded under it; a copy of a
    copy folds under the report at the chain's root (else it would show nowhere)."""
    by_id = {m.id: m for m in members}
    top, folded = [], {}
    for m in members:
        root, seen = m, {m.id}
        while root.duplicate_of in by_id:
            if root.duplicate_of in seen:  # a loop of copies: each shown at top level
                root = m
                break
            root = by_id[root.duplicate_of]
            seen.add(root.id)
        if root is m:
            top.append(m)
        else:
            folded.setdefault(root.id, []).append(m)
    return top, folded


def _items(members: list[ArticleMeta], full: bool, read: Reader,
           href: Href) -> list[dict[str, Any]]:
    """The story's top-level reports, each with its duplicates; records read only when full."""
    top, folded = _group(members)
    items = []
    for meta in top:
        record = read(meta) if full else None
        item = (article_view(record, meta, True, href) if record is not None
                else {"meta": meta, "duplicates": []})
        for dup in folded.get(meta.id, []):
            dup_record = read(dup) if full else None
            item["duplicates"].append(article_view(dup_record, dup, True, href)
                                      if dup_record is not None else {"meta": dup})
        items.append(item)
    return items


def story_views(stats: RunStats, read: Reader, stories: list[StoryStats], full: set[str],
                href: Href, open_first: bool = True) -> Iterator[StoryView]:
    """``stories`` in order, each read from the JSONL (``read(meta) -> record``) when its turn
    comes: article texts inline for the stories in ``full``, else one brief row per report
    (their text stays in articles.jsonl), at most :data:`MAX_BRIEF_ROWS` of them."""
    from cleaners.report.plots import timeline

    by_id = {m.id: m for m in stats.articles}
    for rank, story in enumerate(stories):
        members = [by_id[i] for i in story.members]
        inline = story.id in full
        shown = members if inline else brief_members(members)
        view = StoryView(story.id, story.size, story.title, story.start, story.end, inline,
                         open=open_first and rank < OPEN_STORIES,
                         items=_items(shown, inline, read, href), more=len(members) - len(shown))
        if story.size > 1:
            view.timeline = timeline([(m.date or "", m.id, bool(m.first_report),
                                       bool(m.duplicate_of)) for m in shown],
                                     f"timeline of {story.id}")
        yield view
