"""The plain-text dump format: a first line `` date YYYY-MM-DD`` before the article text."""
from __future__ import annotations

import re

from cleaners.record import Change

HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})(?:[ \t]+|\s*\n)")


def split_dump_header(text: str) -> tuple[str, str | None, list[Change]]:
    """Return (text without the header, the header's date, the change made)."""
    match = HEADER.match(text)
    if not match:
        return text, None, []
    date = match.group(1)
    return text[match.end():], date, [Change("dump_header", "drop", f"date {date}")]
