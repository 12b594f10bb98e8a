"""Small text helpers shared by the metadata choosers."""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import ftfy

SPACE = re.compile(r"\s+")
ENTITY = re.compile(r"&(?:#\d{2,6}|#x[0-9a-fA-F]{2,5}|[a-zA-Z]{2,8});")
MOJIBAKE = re.compile("[\u00c2-\u00c5\u00d0-\u00d1\u00e2][\u0080-\u00bf\u2018-\u203a\u0152-\u0178]")


def tidy(value: Any) -> str:
    """One line of visible text: entities decoded, mojibake repaired, spaces collapsed.

    Pages that declare a wrong charset (UTF-8 bytes announced as ISO-8859-1) give ``fÃ¼r``;
    ftfy undoes that. It runs only when the telltale pairs occur, since it costs ~50 µs.
    """
    if not isinstance(value, str):
        return ""
    text = html.unescape(value) if "&" in value else value
    if ENTITY.search(text):  # escaped twice by the CMS: "And finally&amp;#8230;"
        text = html.unescape(text)
    if MOJIBAKE.search(text):
        text = ftfy.fix_text(text)
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\u2060", "")
    return SPACE.sub(" ", text.replace("\ufeff", "")).strip()


NOT_ALNUM = re.compile(r"[\W_]+")  # exactly the characters str.isalnum() rejects (checked
# over every code point: tests/test_metadata_html.py)


@lru_cache(maxsize=4096)
def key(text: str) -> str:
    """A comparison key: NFKC, case folded, letters and digits only. Cached: a page's
    title candidates are compared with each other and the text's lines many times."""
    return NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def domain_names(url: str | None) -> list[str]:
    """A URL's host as site names: 'www.golem.de' -> ['golem.de', 'golem']."""
    if not url:
        return []
    host = urlsplit(url).hostname or ""
    parts = [p for p in host.split(".") if p and p not in ("www", "m", "amp")]
    if len(parts) < 2:
        return []
    core = parts[-3] if len(parts) >= 3 and len(parts[-2]) <= 3 else parts[-2]
    return [".".join(parts[-2:]), core]
