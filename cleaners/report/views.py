"""Per-article and per-story view models for the HTML template, built from full records."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markupsafe import Markup

from cleaners.report.stats import ArticleMeta, RunStats, StoryStats, is_chrome


Reader = Callable[[ArticleMeta], "dict[str, Any] | None"]  # a record back from its metadata
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


def body_html(body: str, reused: list[dict[str, Any]], known: set[str]) -> Markup:
    """The cleaned text, escaped, with each reused passage marked and linked to its source."""
    out, pos = [], 0
    for start, end, item in _spans(body, reused):
        src = str(item.get("source_id", ""))
        tip = escape(f"reused from {src} ({float(item.get('share', 0)):.1%} of this article)")
        inner = escape(body[start:end])
        link = (f'<a href="#a-{escape(src)}">{inner}</a>' if src in known else inner)
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
                 known: set[str]) -> dict[str, Any]:
    """What the template shows of one article; the text and changes only when ``full``."""
    signals = record.get("signals") or {}
    view = {"meta": meta, "r": record, "duplicates": [],
            "scores": {k: v for k, v in (record.get("scores") or {}).items() if v is not None},
            "parts": signals.get("completeness") or {},
            "story_signal": signals.get("story") or {},
            "reused_sources": _reused_by_source(record.get("reused") or [])}
    if full:
        view["body"] = body_html(record.get("body") or "", record.get("reused") or [], known)
        view["changes"] = _changes(record.get("changes") or [])
    return view


def _group(members: list[ArticleMeta]) -> tuple[list[ArticleMeta], dict[str, list[ArticleMeta]]]:
    """Top-level reports and, per canonical id, the duplicates folded under it."""
    ids = {m.id for m in members}
    top, folded = [], {}
    for m in members:
        if m.duplicate_of and m.duplicate_of in ids:
            folded.setdefault(m.duplicate_of, []).append(m)
        else:
            top.append(m)
    return top, folded


def story_views(stats: RunStats, read: Reader, full_budget: int,
                stories: list[StoryStats] | None = None) -> Iterator[StoryView]:
    """Stories largest first, each read from the JSONL (``read(meta) -> record``) when its
    turn comes. Article texts go inline until ``full_budget`` characters of body are used;
    later stories show one row per article (their text stays in articles.jsonl)."""
    from cleaners.report.plots import timeline

    by_id = {m.id: m for m in stats.articles}
    known = set(by_id)
    used = 0
    for rank, story in enumerate(stories if stories is not None else stats.stories):
        members = [by_id[i] for i in story.members]
        full = used < full_budget
        view = StoryView(story.id, story.size, story.title, story.start, story.end, full,
                         open=rank < OPEN_STORIES)
        top, folded = _group(members)
        for meta in top:
            record = read(meta) if full else None
            item = (article_view(record, meta, True, known) if record is not None
                    else {"meta": meta, "duplicates": []})
            for dup in folded.get(meta.id, []):
                dup_record = read(dup) if full else None
                item["duplicates"].append(article_view(dup_record, dup, True, known)
                                          if dup_record is not None else {"meta": dup})
            if record is not None:
                used += len(record.get("body") or "")
            view.items.append(item)
        if story.size > 1:
            view.timeline = timeline([(m.date or "", m.id, bool(m.first_report),
                                       bool(m.duplicate_of)) for m in members],
                                     f"timeline of {story.id}")
        yield view
