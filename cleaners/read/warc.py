"""WARC files: each response record is one input; HTML ones become pages to extract,
``text/plain`` ones text to clean (as the fetcher reads them: cleaners/fetch/ingest.py).

Response records that are neither (images, scripts) are accounted for as ``skipped``.
A record whose block is shorter than its declared length (a cut download or file), or cut
inside its WARC header, is an ``error`` record (framing: ``warcframe.py``). The HTTP message
is parsed here from the exact block bytes, so a cut is measured on the WARC block, not
guessed from HTTP headers.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from cleaners.config import ReadConfig
from cleaners.read.decode import inflate, normalize_label
from cleaners.read.rawdoc import RawDoc
from cleaners.read.warcframe import Event, Stream, events
from cleaners.record import ErrorInfo, InputError

HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPE = "text/plain"  # read as text, as a .txt file (a dump header included)
CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
# What may stand before a page's first tag: a UTF-8 BOM, an XHTML page's XML declaration.
PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml\b[^<>]{0,300}\?>)?", re.IGNORECASE)


def read_warc(path: Path, config: ReadConfig) -> Iterator[RawDoc]:
    """One RawDoc per response record, and one error RawDoc per record that cannot be read."""
    stem = path.name.split(".", 1)[0]
    n = 0
    try:
        with open(path, "rb") as fh:
            stream = Stream(fh, gz=path.name.lower().endswith(".gz"))
            for n, event in enumerate(events(stream, config.max_bytes), 1):
                yield _record(event, f"{stem}:{n}", f"{path}#{n}", config)
    except OSError as exc:
        yield RawDoc(id=f"{stem}:{n + 1}", source=f"{path}#{n + 1}", format="warc",
                     error=ErrorInfo("read_error", f"record {n + 1} of {path} cannot be read: "
                                                    f"{exc.strerror or exc}"))


def count_warc_records(path: Path, config: ReadConfig) -> int:
    """How many RawDocs :func:`read_warc` yields: the records framed, their HTTP not parsed."""
    with open(path, "rb") as fh:
        stream = Stream(fh, gz=path.name.lower().endswith(".gz"))
        return sum(1 for _ in events(stream, config.max_bytes))


def _record(event: Event, rid: str, source: str, config: ReadConfig) -> RawDoc:
    headers = event.headers
    doc = RawDoc(id=rid, source=source, format="warc",
                 url=headers.get("warc-target-uri", "").strip("<>") or None,
                 signals={"crawl_date": headers.get("warc-date")})
    if event.error is not None:
        doc.error = event.error
        return doc
    block = event.block or b""
    try:
        http_headers, body = parse_http(block, config.max_bytes)
    except InputError as exc:
        doc.error = ErrorInfo(exc.kind, exc.message)
        return doc
    ctype = http_headers.get("content-type", "").lower()
    is_html = any(t in ctype for t in HTML_TYPES) or _looks_html(body)
    if not is_html and TEXT_TYPE not in ctype:
        doc.error = ErrorInfo("not_html", f"response of type {ctype or 'unknown'}, not a page")
        return doc
    match = CHARSET.search(ctype)
    doc.content, doc.is_html = body, is_html
    doc.declared_encoding = normalize_label(match.group(1)) if match else None
    return doc


def parse_http(block: bytes, max_bytes: int) -> tuple[dict[str, str], bytes]:
    """Split an HTTP response into lower-cased headers and the decoded payload."""
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    if not sep or not head.startswith(b"HTTP/"):
        raise InputError("bad_http", "the response record holds no HTTP message")
    headers = {}
    for line in head.decode("latin-1").splitlines()[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    encoding = headers.get("content-encoding", "").lower().strip()
    if encoding in ("gzip", "x-gzip", "deflate"):
        body = inflate(body, max_bytes, wbits=47 if encoding != "deflate" else 15,
                       what="the HTTP payload")
    elif encoding not in ("", "identity"):
        raise InputError("unsupported_encoding", f"payload content-encoding {encoding!r}")
    return headers, body


def _dechunk(data: bytes) -> bytes:
    out, pos = bytearray(), 0
    while pos < len(data):
        end = data.find(b"\r\n", pos)
        if end < 0:
            break
        try:
            size = int(data[pos:end].split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out += data[end + 2:end + 2 + size]
        pos = end + 2 + size + 2
    return bytes(out)


def _looks_html(body: bytes) -> bool:
    """A page by its first markup, after an XHTML page's XML declaration: an RSS feed or a
    sitemap (XML too) is not one."""
    head = PROLOG.sub(b"", body[:1024], count=1).lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))
