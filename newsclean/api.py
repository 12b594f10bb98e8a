"""The Python API: :func:`clean` one page or text, :func:`clean_many` a stream of records.

A thin layer over the runner: :func:`clean` is its map step's per-article path
(:func:`cleaners.pipeline.process_batch`) for one input, :func:`clean_many` its batch loop
without files (:func:`cleaners.runner.stream.stream_batches`), the same per-article path,
corpus step and store as ``newsclean clean``, so a record's
:meth:`~cleaners.record.Article.to_dict` is the line the CLI writes for the same input.
Imported on first use of ``newsclean.clean`` or ``newsclean.clean_many`` (it imports the
pipeline), never by ``import newsclean``.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, Union

from cleaners.config import Config, ReadConfig
from cleaners.pipeline import process_batch
from cleaners.read import RawDoc, iter_inputs
from cleaners.read.files import sniff_format
from cleaners.read.jsonl import to_rawdoc
from cleaners.record import Article, ErrorInfo
from cleaners.runner.stream import stream_batches
from cleaners.store import Store

Record = Union[Mapping[str, Any], str, "os.PathLike[str]"]
Kind = Literal["html", "text"]
CONTENT_SOURCE = "<content>"


def clean(content: bytes | str, *, url: str | None = None, kind: Kind | None = None,
          config: Config | None = None) -> Article:
    """One HTML page or text (bytes in any encoding, or str) to its record through the
    per-article path (the runner's map step): body, metadata, language, every change,
    signals; the fields as the CLI writes them for a file holding ``content``. The corpus
    fields (``duplicate_of``, ``story``, ``first_report``, ``reused``, the two ``scores``)
    stay None: they need a corpus, so ask :func:`clean_many` (a one-record corpus
    included). Per page it costs what the CLI's run does less its corpus step
    (bench/api.py).

    ``kind`` is ``"html"`` or ``"text"``; left out, it is sniffed as for a file of
    unknown name (leading markup is HTML, binary data is skipped as unsupported_format);
    any other value is a caller's mistake (ValueError), not bad input. The record's id is the first 16 hex digits of the content's SHA-1. Bad input (empty,
    binary, broken HTML) gives a record with ``status`` error or skipped, never an
    exception.

    >>> import newsclean
    >>> page = "<html><head><title>Rain</title></head><body><article><p>" + \\
    ...     "It rained all day in the valley, and the river rose by a metre. " * 5 + \\
    ...     "</p></article></body></html>"
    >>> article = newsclean.clean(page, url="https://example.com/rain")
    >>> article.status, article.title, article.body.split(".")[0]
    ('ok', 'Rain', 'It rained all day in the valley, and the river rose by a metre')
    >>> newsclean.clean(b"\\x89PNG\\r\\n\\x1a\\n").error.kind
    'unsupported_format'
    """
    config = config or Config()
    if kind not in (None, "html", "text"):
        raise ValueError(f"kind must be 'html', 'text' or None, not {kind!r}")
    (article,) = process_batch([content_rawdoc(content, url, kind, config.read)], config)
    return article


def clean_many(records: Iterable[Record], *, config: Config | None = None,
               store: str | os.PathLike[str] | None = None) -> Iterator[Article]:
    """Each input of ``records`` to its record, through the per-article path and the
    corpus step (duplicates, stories, scores, ``reused``), streamed batch by batch
    (``[run] batch_size`` inputs, 500) in input order.

    A record is a dict with the JSON Lines fields (``html`` or ``text``, and ``id``,
    ``url``, ``title``, ``date``, ``site``, ``authors`` as hints), or the path of a file or
    folder the CLI reads (every input under it, in the CLI's order). ``store`` is an index
    file (or ``[store] path``) that remembers what earlier calls saw: their duplicates and
    stories; without one each call starts empty. A record's ``first_report`` and
    ``duplicate_of`` are as known when its batch was done (a later earlier-dated report
    changes them in the store only). The store is open (one writer at a time) until the
    iteration ends or the iterator is closed. Bad input (an empty or binary record, a
    missing path) gives an error record, never an exception.

    >>> import newsclean
    >>> text = "The council approved the new bridge on Monday after a long debate. " * 4
    >>> records = [{"id": "a", "text": text}, {"id": "b", "text": text}, "no/such/file.html"]
    >>> [(a.id, a.status, a.duplicate_of) for a in newsclean.clean_many(records)]
    [('a', 'ok', None), ('b', 'ok', 'a'), ('file', 'error', None)]
    """
    config = config or Config()
    path = store if store is not None else (config.store.path or ":memory:")
    with Store(path) as index:
        for arts in stream_batches(_rawdocs(records, config.read), config, index):
            yield from arts


def content_rawdoc(content: bytes | str, url: str | None, kind: Kind | None,
                   config: ReadConfig) -> RawDoc:
    """``content`` as the reader would give it from a file, sniffed when ``kind`` is None."""
    data = content if isinstance(content, bytes) else content[:4096].encode("utf-8", "replace")
    raw = RawDoc(id=hashlib.sha1(data if isinstance(content, bytes)
                                 else content.encode("utf-8", "replace")).hexdigest()[:16],
                 source=url or CONTENT_SOURCE, format=kind or "text", url=url)
    if isinstance(content, str) and not content.strip():  # bytes: decoding says so
        raw.error = ErrorInfo("empty", "the input has no content")
        return raw
    if kind is None:
        raw.format, binary = sniff_format(data, config)
        if binary:
            raw.error = ErrorInfo("unsupported_format", f"{binary}: not text or HTML, no "
                                  "reader for this format")
            return raw
    raw.content, raw.is_html = content, raw.format == "html"
    return raw


def _rawdocs(records: Iterable[Record], config: ReadConfig) -> Iterator[RawDoc]:
    """Every input of ``records``, ids made unique as the file reader makes them."""
    seen: dict[str, int] = {}
    for n, item in enumerate(records, 1):
        for raw in _record_inputs(item, n, config):
            count = seen.get(raw.id, 0)
            seen[raw.id] = count + 1
            if count:
                raw.id = f"{raw.id}~{count + 1}"
            yield raw


def _record_inputs(item: object, n: int, config: ReadConfig) -> Iterator[RawDoc]:
    if isinstance(item, Mapping):
        yield to_rawdoc(dict(item), f"record:{n}", f"<records>#{n}")
    elif isinstance(item, (str, Path, os.PathLike)):
        yield from iter_inputs([os.fspath(item)], config)
    else:
        yield RawDoc(id=f"record:{n}", source=f"<records>#{n}", format="unknown",
                     error=ErrorInfo("bad_record", f"record {n} is a {type(item).__name__}, "
                                     "not a dict or a path"))
