"""Ingestion: fetch feeds and article pages safely, and find what is new since the last run.

Pure library code (no Prefect, no global state): the scheduled flows in ``flows/`` call
these functions and own the "already ingested" store behind :class:`SeenKeys`.
"""
from cleaners.fetch.feeds import FeedError, FeedItem, read_feed
from cleaners.fetch.http import Fetched, FetchError, fetch
from cleaners.fetch.ingest import (IngestReport, MemoryRetries, MemorySeen, Retries, SeenKeys,
                                   fetch_feeds, inbox_key, new_inbox_files, normalize_url)
from cleaners.fetch.limiter import HostLimiter

__all__ = ["FeedError", "FeedItem", "FetchError", "Fetched", "HostLimiter", "IngestReport",
           "MemoryRetries", "MemorySeen", "Retries", "SeenKeys", "fetch", "fetch_feeds",
           "inbox_key", "new_inbox_files", "normalize_url", "read_feed"]
