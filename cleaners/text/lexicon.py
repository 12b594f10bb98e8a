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


@dataclass(frozen=True)
class Entry:
    id: str
    cls: str
    tail: bool
    search: bool
    regex: re.Pattern[str]
    pos: str
    neg: str


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return tuple(
        Entry(e["id"], e["class"], e["tail"], e["match"] == "search",
              re.compile(e["pattern"], re.IGNORECASE), e["pos"], e["neg"])
        for e in data["entries"])


def strip_bullet(line: str) -> str:
    return BULLETS.sub("", line).strip()


def match_line(line: str) -> Entry | None:
    """The first lexicon entry that says ``line`` is chrome, or None."""
    text = strip_bullet(line).replace("\u2019", "'")
    if not text:
        return None
    short = len(text.split()) <= MAX_SEARCH_WORDS
    for entry in entries():
        if entry.search:
            if short and entry.regex.search(text):
                return entry
        elif entry.regex.fullmatch(text):
            return entry
    return None
