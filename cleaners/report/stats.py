"""One streaming pass over a run's records -> :class:`RunStats`, the numbers every view shares.

Only small per-article metadata is kept (no bodies), so 10,000 articles cost a few MB; the
HTML report reads bodies again from the JSONL by byte offset when it renders them.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from statistics import fmean
from typing import Any
from urllib.parse import urlsplit

#: Steps whose removals are page furniture (navigation, share bars, related links, templates).
CHROME_STEPS = frozenset({"extract", "chrome", "site_template"})
#: Removals that moved text into a metadata field rather than discarding it.
METADATA_ACTIONS = frozenset({"drop_title", "drop_headline", "drop_byline", "drop_credit",
                              "drop_timestamp", "drop_date"})
ERROR_LIST_CAP = 500  # error rows kept per kind; the counts stay exact
#: The order every view lists a run's statuses in: the terminal, summary.md, report.html and
#: the Prefect artifacts (:func:`status_counts`).
STATUS_ORDER = ("ok", "skipped", "error")
WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def is_chrome(change: dict[str, Any]) -> bool:
    action = str(change.get("action", ""))
    return (change.get("step") in CHROME_STEPS and action.startswith("drop")
            and action not in METADATA_ACTIONS)


def chrome_words(changes: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """(lines, words) removed as chrome, each change weighted by its count."""
    lines = words = 0
    for ch in changes:
        if is_chrome(ch):
            n = int(ch.get("count") or 1)
            lines += n
            words += n * word_count(str(ch.get("text", "")))
    return lines, words


def source_of(record: dict[str, Any]) -> str:
    """The record's site, else its URL host, else the input file's directory."""
    if record.get("site"):
        return str(record["site"])
    host = urlsplit(record.get("url") or "").hostname
    if host:
        return host.removeprefix("www.")
    path = str(record.get("source") or "").split("#", 1)[0]
    parent = str(PurePosixPath(path).parent)
    return parent if parent not in ("", ".") else "(no source)"


@dataclass
class ArticleMeta:
    """What the report needs of one record without its body."""

    index: int
    id: str
    status: str
    source: str
    title: str | None
    date: str | None
    story: str | None
    first_report: bool | None
    duplicate_of: str | None
    completeness: float | None
    originality: float | None
    body_words: int
    chrome_words: int
    body_chars: int = 0  # with changes_chars: the report's size estimate (cleaners.report.layout)
    changes_chars: int = 0
    error_kind: str | None = None
    lead: str = ""  # the text's first words: a stand-in headline for untitled records
    offset: int | None = None  # byte offset of its line in articles.jsonl, when read from one


@dataclass
class SourceStats:
    articles: int = 0
    skipped: int = 0
    errors: int = 0
    duplicates: int = 0
    completeness: list[float] = field(default_factory=list)
    originality: list[float] = field(default_factory=list)
    body_words: int = 0
    chrome_words: int = 0


@dataclass
class StoryStats:
    id: str
    size: int  # reports, duplicates included
    members: list[str]  # article ids in date order
    first: str | None  # id of the first report
    title: str | None
    start: str | None
    end: str | None


@dataclass(frozen=True)
class StatusCount:
    """One status, its records, and the kinds of those records (most first): the kinds of
    skipped records under ``skipped``, never under ``error``."""

    status: str
    count: int
    kinds: tuple[tuple[str, int], ...] = ()

    @property
    def label(self) -> str:
        """The status as a heading over a count: ``errors``, ``skipped``, ``ok``."""
        return "errors" if self.status == "error" else self.status

    @property
    def kinds_text(self) -> str:
        """``unsupported_format 3, empty 1``: the kinds as every view writes them."""
        return ", ".join(f"{kind} {n:,}" for kind, n in self.kinds)


def status_counts(by_status: Mapping[str, int],
                  kinds: Mapping[tuple[str, str], int]) -> list[StatusCount]:
    """A run's records by status, each status with its kinds: the one count the terminal,
    ``summary.md``, ``report.html`` and the Prefect artifacts all show. ``kinds`` maps
    (status, kind) to a count (:attr:`RunStats.kinds`, ``RunSummary.kinds``). Every status
    in :data:`STATUS_ORDER` is listed, zero or not; any other status follows, by name."""
    order = list(STATUS_ORDER) + sorted(set(by_status) - set(STATUS_ORDER))
    rows = []
    for status in order:
        mine = sorted(((kind, n) for (st, kind), n in kinds.items() if st == status and n),
                      key=lambda kn: (-kn[1], kn[0]))
        rows.append(StatusCount(status, int(by_status.get(status, 0)), tuple(mine)))
    return rows


@dataclass
class RunStats:
    total: int = 0
    kept: int = 0  # status ok and not a duplicate
    by_status: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)  # (status, kind) of records not ok -> count
    error_items: dict[tuple[str, str], list[tuple[str, str, str]]] = field(
        default_factory=lambda: defaultdict(list))  # (status, kind) -> (id, source, message)
    duplicates: int = 0
    chrome_lines: int = 0
    chrome_words: int = 0
    body_words: int = 0
    changes: Counter = field(default_factory=Counter)  # (step, action) -> lines or fixes
    sources: dict[str, SourceStats] = field(default_factory=lambda: defaultdict(SourceStats))
    articles: list[ArticleMeta] = field(default_factory=list)
    stories: list[StoryStats] = field(default_factory=list)  # largest first
    loose: list[str] = field(default_factory=list)  # usable articles in no story, input order
    completeness: list[float] = field(default_factory=list)
    originality: list[float] = field(default_factory=list)

    @property
    def story_count(self) -> int:
        return len(self.stories)

    @property
    def statuses(self) -> list[StatusCount]:
        """The records by status, each with its kinds: :func:`status_counts`."""
        return status_counts(self.by_status, self.kinds)


def _score(record: dict[str, Any], name: str) -> float | None:
    value = (record.get("scores") or {}).get(name)
    return float(value) if isinstance(value, (int, float)) else None


def _lead(body: str, words: int = 12, chars: int = 90) -> str:
    head = body[:200].split()
    lead = " ".join(head[:words])
    if len(lead) > chars:  # unsegmented scripts (Chinese, Japanese) have no spaces
        lead = lead[:chars]
    return lead + ("…" if len(lead) < len(" ".join(head)) else "")


def _meta(index: int, record: dict[str, Any]) -> ArticleMeta:
    err = record.get("error") or {}
    return ArticleMeta(
        index=index, id=str(record.get("id")), status=str(record.get("status") or "ok"),
        source=source_of(record), title=record.get("title"), date=record.get("date"),
        story=record.get("story"), first_report=record.get("first_report"),
        duplicate_of=record.get("duplicate_of"),
        completeness=_score(record, "completeness"), originality=_score(record, "originality"),
        body_words=word_count(record.get("body") or ""),
        chrome_words=chrome_words(record.get("changes") or [])[1],
        body_chars=len(record.get("body") or ""),
        changes_chars=sum(len(str(ch.get("text", ""))) + 40 for ch in record.get("changes") or []),
        error_kind=err.get("kind") if isinstance(err, dict) else None,
        lead=_lead(record.get("body") or ""))


def _add(stats: RunStats, record: dict[str, Any]) -> None:
    meta = _meta(len(stats.articles), record)
    stats.articles.append(meta)
    stats.total += 1
    stats.by_status[meta.status] += 1
    src = stats.sources[meta.source]
    src.articles += 1
    lines, words = chrome_words(record.get("changes") or [])
    stats.chrome_lines += lines
    for ch in record.get("changes") or []:
        stats.changes[(str(ch.get("step")), str(ch.get("action")))] += int(ch.get("count") or 1)
    if meta.status != "ok":
        kind = meta.error_kind or meta.status
        stats.kinds[(meta.status, kind)] += 1
        if meta.status == "skipped":
            src.skipped += 1
        else:
            src.errors += 1
        items = stats.error_items[(meta.status, kind)]
        if len(items) < ERROR_LIST_CAP:
            message = str((record.get("error") or {}).get("message", ""))[:300]
            items.append((meta.id, str(record.get("source", "")), message))
        return
    stats.chrome_words += words
    stats.body_words += meta.body_words
    src.chrome_words += words
    src.body_words += meta.body_words
    if meta.duplicate_of:
        stats.duplicates += 1
        src.duplicates += 1
    else:
        stats.kept += 1
    for name, bucket, per_source in (("completeness", stats.completeness, src.completeness),
                                     ("originality", stats.originality, src.originality)):
        value = getattr(meta, name)
        if value is not None:
            bucket.append(value)
            per_source.append(value)


def _date_key(meta: ArticleMeta) -> tuple[str, bool, int]:
    """Date order; on one date the first report first, then input order; undated last."""
    return (meta.date or "~", not meta.first_report, meta.index)


def headline(members: list[ArticleMeta], first: ArticleMeta | None) -> str | None:
    """A story's best headline: its first report's title; else the title most of its reports
    carry (syndicated copies repeat it), ties to the earliest (``members`` in date order);
    else the first report's first words. An untitled first report used to name the story by
    a cut lead sentence although later reports had a headline."""
    if first is not None and first.title:
        return first.title
    shared = Counter(m.title for m in members if m.title)
    if shared:
        return max(shared, key=lambda title: shared[title])  # first seen wins a tie
    head = first or members[0]
    return head.lead or None


def _stories(articles: list[ArticleMeta]) -> tuple[list[StoryStats], list[str]]:
    by_id = {a.id: a for a in articles}
    groups: dict[str | None, list[ArticleMeta]] = defaultdict(list)
    for art in articles:
        story = art.story
        if story is None and art.duplicate_of in by_id:
            story = by_id[art.duplicate_of].story  # a copy follows its canonical article
        if art.status == "ok":
            groups[story].append(art)
    loose = [a.id for a in groups.pop(None, [])]
    out = []
    for sid, members in groups.items():
        members.sort(key=_date_key)
        first = next((m for m in members if m.first_report), None)
        dates = [m.date for m in members if m.date]
        out.append(StoryStats(sid, len(members), [m.id for m in members],
                              first.id if first else None, headline(members, first),
                              min(dates) if dates else None, max(dates) if dates else None))
    out.sort(key=lambda s: (-s.size, s.start or "~", s.id))
    return out, loose


def summarize(records: Iterable[dict[str, Any]]) -> RunStats:
    """Count a run's records in one pass (streamed: only small metadata per record kept)."""
    stats = RunStats()
    for record in records:
        _add(stats, record)
    stats.stories, stats.loose = _stories(stats.articles)
    stats.error_items = dict(stats.error_items)
    return stats


def _mean(values: list[float]) -> float | None:
    return round(fmean(values), 4) if values else None


def source_rows(stats: RunStats) -> list[dict[str, Any]]:
    """The per-source quality table, most articles first. ``chrome_share`` is the share of
    the words of the source's usable articles (kept body + removed chrome) that went as chrome."""
    rows = []
    for name, src in stats.sources.items():
        total = src.body_words + src.chrome_words
        rows.append({"source": name, "articles": src.articles, "skipped": src.skipped,
                     "errors": src.errors,
                     "duplicates": src.duplicates,
                     "mean_completeness": _mean(src.completeness),
                     "mean_originality": _mean(src.originality),
                     "chrome_share": round(src.chrome_words / total, 4) if total else None})
    rows.sort(key=lambda r: (-r["articles"], r["source"]))
    return rows
