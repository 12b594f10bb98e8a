"""The ingestion steps a scheduled flow calls: what is new in the inbox and in the feeds.

"Already ingested" is a set of keys behind :class:`SeenKeys` (the SQLite store in
production, :class:`MemorySeen` in tests). These functions only read it: they return the
keys to add, and the caller adds them once the batch is safely processed, so a crash
re-ingests rather than loses. Keys:

- ``file:<resolved path>:<size>:<mtime_ns>``: an inbox file as it is now (a rewritten
  file is new again);
- ``url:<normalized url>``: a feed item's link;
- ``sha1:<hex>``: a fetched page's bytes (one article under two URLs is fetched once per
  URL but written once).

A page whose fetch failed transiently (5xx, 429, timeout, connection) is remembered
behind :class:`Retries` with its failure count and the time of its next attempt
(``[fetch] retry_delays``: 1 h, 6 h, 1 day, then given up). Its first failure is an error
record; until its next attempt the page is not fetched, and a retry that fails again writes
nothing (the error is already reported): a run that would only repeat earlier errors has
nothing new. A permanent failure (404, 410, not HTML, a refused address) is given up at
once: asking again gets the same answer.

Ids from feeds (guids, URLs) are data in the JSONL output, never file names.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx

from cleaners.config import FetchConfig, ReadConfig
from cleaners.fetch.feeds import FeedError, FeedItem, read_feed
from cleaners.fetch.http import Fetched, FetchError, fetch, make_client
from cleaners.fetch.limiter import HostLimiter
from cleaners.read.decode import decode_bytes
from cleaners.read.files import walk
from cleaners.record import InputError
from cleaners.store.retries import Retry
from cleaners.write import AtomicJsonl

TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
                   "_ga", "_gl", "ocid", "cmpid", "ito"}
HTML_TYPES = {"", "text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain"}
WORKERS = 4  # threads fetching pages; the per-host limiter keeps each host's rate polite
MAX_ID_CHARS = 500


class SeenKeys(Protocol):
    def unseen(self, keys: list[str]) -> set[str]:
        """The keys not yet ingested."""

    def add(self, keys: list[str]) -> None:
        """Mark keys as ingested."""


class Retries(Protocol):
    def failed(self, keys: list[str]) -> dict[str, Retry]:
        """The keys that failed before and are still to be retried, with their state."""

    def record(self, retries: list[Retry]) -> None:
        """Save each page's new state; one with ``retry_at`` None is forgotten."""


class MemoryRetries:
    """An in-memory :class:`Retries`, for tests and one-off runs."""

    def __init__(self) -> None:
        self.pages: dict[str, Retry] = {}

    def failed(self, keys: list[str]) -> dict[str, Retry]:
        return {key: self.pages[key] for key in keys if key in self.pages}

    def record(self, retries: list[Retry]) -> None:
        for retry in retries:
            if retry.retry_at is None:
                self.pages.pop(retry.key, None)
            else:
                self.pages[retry.key] = retry


class MemorySeen:
    """An in-memory :class:`SeenKeys`, for tests and one-off runs."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self.keys: set[str] = set(keys)

    def unseen(self, keys: list[str]) -> set[str]:
        return set(keys) - self.keys

    def add(self, keys: list[str]) -> None:
        self.keys.update(keys)


@dataclass
class IngestReport:
    """What one feed run did. ``items == fetched + failed + repeated + skipped_seen +
    deferred + waiting``."""

    feeds: int = 0
    items: int = 0          # feed items with a link, over all feeds
    new: int = 0            # items whose URL was not ingested before (deferred ones included)
    fetched: int = 0        # pages written as records
    failed: int = 0         # error records written (fetch failed, not HTML, undecodable)
    skipped_seen: int = 0   # URL or page content already ingested (or earlier in this batch)
    deferred: int = 0       # new items over max_items, left for the next run
    waiting: int = 0        # pages that failed before, not to be tried again yet
    repeated: int = 0       # pages that failed before and failed again (no record written)
    recovered: int = 0      # pages that failed before and were fetched at last
    keys: list[str] = field(default_factory=list)  # to add to SeenKeys after processing
    retries: list[Retry] = field(default_factory=list)  # to save to Retries (all of them)
    given_up: list[Retry] = field(default_factory=list)  # pages failed for the last time
    feed_errors: list[dict[str, str]] = field(default_factory=list)  # {url, kind, message}


def inbox_key(path: Path) -> str:
    """The key of an inbox file as it is now."""
    resolved = path.resolve()
    stat = resolved.stat()
    return f"file:{resolved}:{stat.st_size}:{stat.st_mtime_ns}"


def new_inbox_files(inbox: Path, seen: SeenKeys) -> list[Path]:
    """Files under ``inbox`` not yet ingested, sorted (hidden files skipped, as the readers do).

    A symlink leading outside the inbox is ignored: dropping a link into the inbox must
    not make the pipeline read an arbitrary file.
    """
    root = Path(inbox).resolve()
    keyed: dict[str, Path] = {}
    for path in walk([inbox]):
        resolved = path.resolve()
        if not (resolved.is_file() and resolved.is_relative_to(root)):
            continue
        try:
            keyed[inbox_key(path)] = path
        except OSError:  # removed while we looked: it is not there to ingest
            continue
    fresh = seen.unseen(list(keyed))
    return sorted(path for key, path in keyed.items() if key in fresh)


def normalize_url(url: str) -> str:
    """The URL as a dedupe key: lower-case scheme and host, default port, fragment and
    tracking parameters (utm_*, fbclid...) dropped; the rest of the query kept as sent."""
    try:
        parts = urlsplit(url.strip())
        scheme, host, port = parts.scheme.lower(), (parts.hostname or ""), parts.port
    except ValueError:  # a bad port or bracket: fetching will refuse it; key it as given
        return url.strip()
    port = None if port == (80 if scheme == "http" else 443) else port
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{port}" if port else ""
    query = "&".join(pair for pair in parts.query.split("&")
                     if pair and not _tracking(pair.split("=", 1)[0]))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def fetch_feeds(feeds: Sequence[str], config: FetchConfig, seen: SeenKeys, out_path: Path,
                max_items: int, read_config: ReadConfig | None = None,
                limiter: HostLimiter | None = None, retries: Retries | None = None,
                clock: Callable[[], float] = time.time) -> IngestReport:
    """Fetch the feeds, then their new items' pages, writing one JSONL record per page.

    Records are what :mod:`cleaners.read.jsonl` reads: ``{id, url, html|text, title,
    date}`` for a page, ``{id, url, title, date, error: {kind, message}}`` for a failure.
    The output is written atomically (all records or none). Pages that failed before are
    fetched once their retry is due (``clock()``, epoch seconds); the caller saves
    ``report.retries`` (see the module docstring).
    """
    limiter = limiter or HostLimiter(config.per_host_delay)
    report = IngestReport(feeds=len(feeds))
    with make_client() as client:
        items = _feed_items(feeds, config, limiter, client, report)
        todo, past = _due(_unseen_items(items, seen, report), retries or MemoryRetries(),
                          clock(), report)
        report.deferred = max(0, len(todo) - max_items)
        todo = todo[:max_items]
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            results = list(pool.map(lambda item: _fetch_page(item, config, limiter, client), todo))
    results = _after_failures(results, past, config, clock(), report)
    _write(results, seen, out_path, read_config or ReadConfig(), report)
    return report


def _feed_items(feeds: Sequence[str], config: FetchConfig, limiter: HostLimiter,
                client: httpx.Client, report: IngestReport) -> list[FeedItem]:
    """Every feed's items in feed order; a feed that fails is reported, not fatal."""
    items: list[FeedItem] = []
    for url in feeds:
        try:
            fetched = fetch(url, config, limiter, client)
            items += read_feed(fetched.body, fetched.final_url)
        except (FetchError, FeedError) as exc:
            report.feed_errors.append({"url": url, "kind": exc.kind, "message": exc.message})
    report.items = len(items)
    return items


def _unseen_items(items: list[FeedItem], seen: SeenKeys, report: IngestReport) -> list[FeedItem]:
    """Items whose URL is neither ingested nor earlier in this batch."""
    fresh = seen.unseen([url_key(item.url) for item in items])
    todo: dict[str, FeedItem] = {}
    for item in items:
        key = url_key(item.url)
        if key in fresh and key not in todo:
            todo[key] = item
    report.new = len(todo)
    report.skipped_seen = len(items) - len(todo)
    return list(todo.values())


def _due(items: list[FeedItem], retries: Retries, now: float,
         report: IngestReport) -> tuple[list[FeedItem], dict[str, Retry]]:
    """The items to fetch now (new ones, and failed ones whose retry is due), and the
    state of those that failed before."""
    past = retries.failed([url_key(item.url) for item in items])
    due = [item for item in items
           if url_key(item.url) not in past or (past[url_key(item.url)].retry_at or 0) <= now]
    report.waiting = len(items) - len(due)
    return due, past


def _after_failures(results: list[tuple[FeedItem, Fetched | FetchError]],
                    past: dict[str, Retry], config: FetchConfig, now: float,
                    report: IngestReport) -> list[tuple[FeedItem, Fetched | FetchError]]:
    """Schedule each failed page's next attempt; leave out the pages that failed before
    and failed again (their error is already reported). The rest are written."""
    kept = []
    for item, result in results:
        key = url_key(item.url)
        before = past[key].failures if key in past else 0
        if isinstance(result, Fetched):
            if before:
                report.recovered += 1
                report.retries.append(Retry(key, item.url, 0, None))
            kept.append((item, result))
            continue
        retry = _next_attempt(key, item.url, before + 1, result, config, now)
        if before or retry.retry_at is not None:
            report.retries.append(retry)
        if retry.retry_at is None and before:
            report.given_up.append(retry)
            report.keys.append(key)
        if before:
            report.repeated += 1
        else:
            kept.append((item, result))
    return kept


def _next_attempt(key: str, url: str, failures: int, error: FetchError, config: FetchConfig,
                  now: float) -> Retry:
    """The page's state after its ``failures``-th failure: the next attempt after the
    delay for that many failures, or none (permanent, or the delays spent)."""
    last = not error.transient or failures > len(config.retry_delays)
    retry_at = None if last else now + float(config.retry_delays[failures - 1])
    return Retry(key, url, failures, retry_at, error.kind, error.message)


def url_key(url: str) -> str:
    return f"url:{normalize_url(url)}"


def _fetch_page(item: FeedItem, config: FetchConfig, limiter: HostLimiter,
                client: httpx.Client) -> tuple[FeedItem, Fetched | FetchError]:
    try:
        return item, fetch(item.url, config, limiter, client)
    except FetchError as exc:
        return item, exc
    except Exception as exc:  # noqa: BLE001 - one bad item must never stop the batch
        return item, FetchError("internal", f"{type(exc).__name__}: {exc}")


def _write(results: list[tuple[FeedItem, Fetched | FetchError]], seen: SeenKeys,
           out_path: Path, read_config: ReadConfig, report: IngestReport) -> None:
    """Write new pages and failures; pages whose bytes were ingested before are skipped."""
    keys = [f"sha1:{hashlib.sha1(r.body).hexdigest()}" if isinstance(r, Fetched) else None
            for _, r in results]
    fresh = seen.unseen([key for key in keys if key is not None])
    with AtomicJsonl(out_path) as out:
        for (item, result), key in zip(results, keys):
            if key is not None and key not in fresh:
                report.skipped_seen += 1
                report.keys.append(url_key(item.url))
                continue
            record = _record(item, result, read_config)
            out.write(record)
            if "error" in record:
                report.failed += 1
            else:
                report.fetched += 1
            if not (isinstance(result, FetchError) and result.transient):
                report.keys.append(url_key(item.url))  # a transient failure is retried next run
            if key is not None:
                fresh.discard(key)  # the same bytes again in this batch are a duplicate
                report.keys.append(key)


def _record(item: FeedItem, result: Fetched | FetchError, read_config: ReadConfig) -> dict[str, Any]:
    """The JSONL record of one feed item: its page, or why there is none."""
    record: dict[str, Any] = {"id": (item.guid or item.url)[:MAX_ID_CHARS], "url": item.url}
    record.update({k: v for k, v in (("title", item.title), ("date", item.published)) if v})
    if isinstance(result, FetchError):
        return record | {"error": {"kind": result.kind, "message": result.message}}
    record["url"] = result.final_url
    if result.media_type not in HTML_TYPES | TEXT_TYPES:
        return record | {"error": {"kind": "not_html", "message":
                                   f"the page is {result.media_type[:80]}, not HTML"}}
    is_html = result.media_type in HTML_TYPES
    try:
        text = decode_bytes(result.body, read_config, result.charset, html=is_html).text
    except InputError as exc:
        return record | {"error": {"kind": exc.kind, "message": exc.message}}
    return record | {"html" if is_html else "text": text}

