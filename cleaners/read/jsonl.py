"""JSON Lines (and JSON) records carrying ``html`` or ``text``: each line is one input."""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleaners.config import ReadConfig
from cleaners.read.rawdoc import RawDoc
from cleaners.record import ErrorInfo

HINT_FIELDS = ("title", "date", "site", "authors")


def _lines(path: Path, gz: bool) -> Iterator[bytes]:
    opener = gzip.open if gz else open
    with opener(path, "rb") as fh:
        yield from fh


def read_json_records(path: Path, gz: bool, config: ReadConfig) -> Iterator[RawDoc]:
    """Records of a ``.jsonl``/``.json`` file; a ``.json`` holding one array or object too."""
    stem = path.name.split(".", 1)[0]
    try:
        whole = _whole_json(path, gz, config)
        if whole is not None:
            for n, item in enumerate(whole, 1):
                yield to_rawdoc(item, f"{stem}:{n}", f"{path}#{n}")
            return
        for n, line in enumerate(_lines(path, gz), 1):
            if line.strip():
                yield line_to_rawdoc(line, n, stem, path, config)
    except (OSError, EOFError, ValueError) as exc:
        # Unreadable or truncated file: the inputs after this point cannot be counted.
        yield RawDoc(id=f"{stem}:unreadable", source=str(path), format="jsonl",
                     error=ErrorInfo("read_error", f"reading stopped: {exc}"))


def _whole_json(path: Path, gz: bool, config: ReadConfig) -> list[Any] | None:
    """A ``.json`` file that is one array (or one object) rather than JSON Lines."""
    if ".json" not in path.suffixes or ".jsonl" in path.suffixes:
        return None
    if path.stat().st_size > config.max_bytes:
        return None
    data = b"".join(_lines(path, gz))
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None  # maybe JSON Lines under a .json name
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
    return to_rawdoc(item, f"{stem}:{n}", source)


def to_rawdoc(item: Any, fallback_id: str, source: str) -> RawDoc:
    """A parsed JSON value as a RawDoc; a record with neither html nor text is an error."""
    if not isinstance(item, dict):
        return RawDoc(id=fallback_id, source=source, format="jsonl",
                      error=ErrorInfo("bad_record", "a record must be a JSON object"))
    raw_id = item.get("id")
    rid = str(raw_id) if isinstance(raw_id, (str, int)) and str(raw_id).strip() else fallback_id
    url = item.get("url") if isinstance(item.get("url"), str) else None
    hints = {k: item[k] for k in HINT_FIELDS if item.get(k) not in (None, "", [])}
    doc = RawDoc(id=rid, source=source, format="jsonl", url=url, hints=hints)
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
