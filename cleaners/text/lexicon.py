"""The chrome phrase lexicon (cleaners/data/chrome_phrases.json) compiled for line matching."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "chrome_phrases.json"
BULLETS = re.compile(r"^[\s\u2022\u00b7\u203a\u00bb\u25aa\u25cf\u25ba\-\*|>]+")
MAX_SEARCH_WORDS = 40
MAX_LINE_CHARS = 300  # no whole-line pattern matches a longer line


@dataclass(frozen=True)
class Entry:
    id: str
    cls: str
    tail: bool
    search: bool
    regex: re.Pattern[str]
    pos: str
    neg: str
    needs: tuple[str, ...] = ()  # a 'search' entry: one of these is in every line it matches


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return tuple(
        Entry(e["id"], e["class"], e["tail"], e["match"] == "search",
              re.compile(e["pattern"], re.IGNORECASE), e["pos"], e["neg"], tuple(e.get("needs", ())))
        for e in data["entries"])


def strip_bullet(line: str) -> str:
    return BULLETS.sub("", line).strip()


@lru_cache(maxsize=1)
def search_any() -> re.Pattern[str]:
    """All 'search' entries in one pattern: one scan of a line instead of one per entry.

    It scans the lower-cased line; written in lower case, it needs no IGNORECASE, which
    made the scan twice as slow (2.7 ms a WCXB page; same hits on 223,000 lines)."""
    pattern = "|".join(f"(?:{e.regex.pattern})" for e in entries() if e.search)
    return re.compile(pattern) if pattern == pattern.lower() else re.compile(pattern, re.I)


@lru_cache(maxsize=1)
def search_needs() -> tuple[str, ...] | None:
    """The words one of which every line a 'search' entry matches holds (None when an entry
    lists none): a line without any skips the scan, about a third of the lexicon's time on
    article text (the scan tries every alternative at every position)."""
    search = [e for e in entries() if e.search]
    return tuple(w for e in search for w in e.needs) if all(e.needs for e in search) else None


def _may_search(lowered: str) -> bool:
    needs = search_needs()
    return needs is None or any(word in lowered for word in needs)


def match_line(line: str) -> Entry | None:
    """The first lexicon entry that says ``line`` is chrome, or None."""
    text = strip_bullet(line).replace("\u2019", "'")
    if not text:
        return None
    short = len(text.split()) <= MAX_SEARCH_WORDS
    if len(text) > MAX_LINE_CHARS and not short:
        return None
    if short:
        lowered = text.lower()
        probe = _may_search(lowered) and search_any().search(lowered) is not None
    else:
        probe = False
    for entry in entries():
        if entry.search:
            if probe and entry.regex.search(text):
                return entry
        elif len(text) <= MAX_LINE_CHARS and entry.regex.fullmatch(text):
            return entry
    return None
