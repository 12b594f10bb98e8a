"""JSON Lines (and JSON) records carrying ``html`` or ``text``: each line is one input."""
from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleaners.config import ReadConfig
from cleaners.metadata.dates import parse_date
from cleaners.read.rawdoc import RawDoc
from cleaners.record import ErrorInfo

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ].*)?$")
ERROR_KIND = re.compile(r"[a-z_]{1,40}")


def _lines(path: Path, gz: bool, limit: int) -> Iterator[bytes]:
    """The file's lines; one longer than ``limit`` is cut to ``limit + 1`` bytes and the rest
    skipped, so a huge line (or a gzip bomb) never sits in memory whole."""
    opener = gzip.open if gz else open
    with opener(path, "rb") as fh:
        while line := fh.readline(limit + 1):
            if len(line) > limit and not line.endswith(b"\n"):
                while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
            yield line


def read_json_records(path: Path, gz: bool, config: ReadConfig) -> Iterator[RawDoc]:
    """Records of a ``.jsonl``/``.json`` file; a ``.json`` holding one array or object too."""
    stem = path.name.split(".", 1)[0]
    try:
        whole = _whole_json(path, gz, config)
        if whole is not None:
            for n, item in enumerate(whole, 1):
                yield to_rawdoc(item, f"{stem}:{n}", f"{path}#{n}")
            return
        for n, line in enumerate(_lines(path, gz, config.max_bytes), 1):
            if line.strip():
                yield line_to_rawdoc(line, n, stem, path, config)
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        # Unreadable or truncated file: the inputs after this point cannot be counted.
        yield RawDoc(id=f"{stem}:unreadable", source=str(path), format="jsonl",
                     error=ErrorInfo("read_error", f"reading {path} stopped: {exc}"))


def count_json_records(path: Path, gz: bool, config: ReadConfig) -> int:
    """How many records :func:`read_json_records` yields (but for the error record of a
    cut or unreadable file), without parsing JSON Lines."""
    whole = _whole_json(path, gz, config)
    if whole is not None:
        return len(whole)
    return sum(1 for line in _lines(path, gz, config.max_bytes) if line.strip())


def _whole_json(path: Path, gz: bool, config: ReadConfig) -> list[Any] | None:
    """A ``.json`` file that is one array (or one object) rather than JSON Lines."""
    if ".json" not in path.suffixes or ".jsonl" in path.suffixes:
        return None
    if path.stat().st_size > config.max_bytes:
        return None
    with (gzip.open if gz else open)(path, "rb") as fh:
        data = fh.read(config.max_bytes + 1)
    if len(data) > config.max_bytes:
        return None  # read line by line, each line within the limit
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None  # maybe JSON Lines under a .json name (or nested too deep: see lines)
    return value if isinstance(value, list) else [value]


def line_to_rawdoc(line: bytes, n: int, stem: str, path: Path, config: ReadConfig) -> RawDoc:
    source = f"{path}#{n}"
    if len(line) > config.max_bytes:
        return RawDoc(id=f"{stem}:{n}", source=source, format="jsonl", error=ErrorInfo(
            "too_large", f"line {n} is {len(line):,} bytes, over the {config.max_bytes:,} limit"))
    try:
        item = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        return RawDoc(id=f"{stem}:{n}", source=source, format="jsonl",
                      error=ErrorInfo("bad_json", f"line {n} is not valid JSON: {exc}"))
    except RecursionError:
        return RawDoc(id=f"{stem}:{n}", source=source, format="jsonl",
                      error=ErrorInfo("too_deep", f"line {n} is JSON nested too deeply to read"))
    return to_rawdoc(item, f"{stem}:{n}", source)


def _hints(item: dict[str, Any]) -> dict[str, Any]:
    """The record's title/site/date/authors, each kept only when of a usable type: strings,
    an ISO 8601 date (other date strings parsed, unparseable ones dropped), a list of names."""
    hints: dict[str, Any] = {}
    for name in ("title", "site"):
        value = item.get(name)
        if isinstance(value, str) and value.strip():
            hints[name] = value.strip()
    date = item.get("date")
    if isinstance(date, str) and (ISO_DATE.match(date) or (date := parse_date(date))):
        hints["date"] = date
    authors = item.get("authors")
    authors = [authors] if isinstance(authors, str) else authors
    if isinstance(authors, list):
        names = [a.strip() for a in authors if isinstance(a, str) and a.strip()]
        if names:
            hints["authors"] = names
    return hints


def to_rawdoc(item: Any, fallback_id: str, source: str) -> RawDoc:
    """A parsed JSON value as a RawDoc; a record with neither html nor text is an error."""
    if not isinstance(item, dict):
        return RawDoc(id=fallback_id, source=source, format="jsonl",
                      error=ErrorInfo("bad_record", "a record must be a JSON object"))
    raw_id = item.get("id")
    rid = str(raw_id) if isinstance(raw_id, (str, int)) and str(raw_id).strip() else fallback_id
    url = item.get("url") if isinstance(item.get("url"), str) else None
    hints = _hints(item)
    doc = RawDoc(id=rid, source=source, format="jsonl", url=url, hints=hints)
    error = item.get("error")
    if isinstance(error, dict):  # failed upstream (a page that could not be fetched)
        kind = error.get("kind")
        kind = kind if isinstance(kind, str) and ERROR_KIND.fullmatch(kind) else "bad_record"
        doc.error = ErrorInfo(kind, str(error.get("message") or "failed upstream")[:1000])
        return doc
    html, text = item.get("html"), item.get("text")
    if isinstance(html, str) and html.strip():
        doc.content, doc.is_html = html, True
    elif isinstance(text, str) and text.strip():
        doc.content = text
    elif html is None and text is None:
        doc.error = ErrorInfo("bad_record", "the record has neither an 'html' nor a 'text' field")
    else:
        doc.error = ErrorInfo("empty", "the record's html/text is empty or not a string")
    return doc
