"""The unit a reader yields: one input's bytes or text, before any decoding or extraction."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cleaners.record import ErrorInfo


@dataclass
class RawDoc:
    id: str
    source: str
    format: str  # text | html | jsonl | warc
    content: bytes | str | None = None
    is_html: bool = False
    declared_encoding: str | None = None
    url: str | None = None
    hints: dict[str, Any] = field(default_factory=dict)  # title/date/site given by the input
    error: ErrorInfo | None = None
    signals: dict[str, Any] = field(default_factory=dict)
    path: str | None = None  # a page or text file not read yet (cleaners.read.files.load)
