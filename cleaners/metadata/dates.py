"""Publication date: what the page declares for this article, htmldate when it declares none.

Declared sources first (JSON-LD ``datePublished``, then publication meta tags): they name the
article's own first publication, where a search of the page can pick up a related post's
date or the "updated" stamp. htmldate (original date, not the last update) is the fallback.
"""
from __future__ import annotations

import re
import warnings
from datetime import datetime
from typing import Any

from dateutil import parser as dateutil_parser

from cleaners.metadata.sources import PageSources
from cleaners.metadata.text import tidy

PUBLISHED_META = ("article:published_time", "og:article:published_time", "article:published",
                  "datepublished", "og:published_time", "published_time", "publishdate",
                  "publish-date", "pubdate", "parsely-pub-date", "sailthru.date",
                  "dc.date.issued", "dcterms.issued", "dc.date", "date", "publication_date",
                  "cxenseparse:recs:publishtime")
NOT_PUBLISHED = re.compile(r"modif|updat|expir|revis|last|crawl", re.I)
ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def parse_date(value: Any) -> str | None:
    """ISO 8601 of a declared date ('2024-05-03T15:47:42+02:00', or '2024-05-03' when the
    value has no time), or None when it is no date."""
    text = tidy(value) if isinstance(value, str) else ""
    if not text or len(text) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = _dateutil(text)
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    has_time = bool(re.search(r"\d:\d\d", text))
    return parsed.isoformat() if has_time else parsed.date().isoformat()


def _dateutil(text: str) -> datetime | None:
    with warnings.catch_warnings():  # unknown zone names ("CEST") only lose the offset
        warnings.simplefilter("ignore")
        try:
            return dateutil_parser.parse(text, dayfirst=not ISO_LIKE.match(text))
        except (ValueError, OverflowError, TypeError):
            return None


def declared_date(src: PageSources) -> str | None:
    """The first parseable publication date the page declares (JSON-LD, then meta tags)."""
    for article in src.articles:
        for field in ("datePublished", "dateCreated"):
            date = parse_date(article.get(field))
            if date:
                return date
    names = [n for n in PUBLISHED_META if n in src.meta]
    names += [n for n in src.meta if "publish" in n and n not in names
              and not NOT_PUBLISHED.search(n)]
    for name in names:
        for value in src.meta[name]:
            date = parse_date(value)
            if date:
                return date
    return None


def searched_date(tree: Any, extensive: bool) -> str | None:
    """htmldate's original publication date. It copies the tree before pruning it."""
    from htmldate import find_date

    try:
        found = find_date(tree, original_date=True, extensive_search=extensive,
                          outputformat="%Y-%m-%dT%H:%M:%S", max_date="2100-01-01")
    except (ValueError, TypeError):
        return None
    return found.removesuffix("T00:00:00") if found else None
