"""Publication date: every date the page states, each with its source, and a ranked choice.

Candidates (:func:`date_candidates`): JSON-LD ``datePublished``/``dateCreated``/``dateModified``,
date meta tags, microdata and <time> elements (named by where they stand: beside the headline,
in a teaser block, elsewhere), the date in the page's own URL, htmldate's original-date search;
the text step adds the dump header and a timestamp line at the head of the text.

The choice (:func:`choose_date`) drops a teaser block's date (another article's), a date after
the crawl, a date far before all the others (an archive stamp) and element dates naming many
days (a list of posts); then each source class votes for its day with its weight
(``MetadataConfig.date_weights``): a visible dateline or the <time> beside the headline, what
the page declares as published, htmldate's search; a modification date has no weight.
"""
from __future__ import annotations

import re
import statistics
import warnings
from datetime import date, datetime, timedelta
from typing import Any

from dateutil import parser as dateutil_parser

from cleaners.config import MetadataConfig
from cleaners.metadata.choice import Candidate, Choice
from cleaners.metadata.search import htmldate_search
from cleaners.metadata.sources import PageSources
from cleaners.metadata.text import tidy

LD_FIELDS = ("datePublished", "dateCreated", "dateModified")
DATE_META = re.compile(r"date|time|publish|modif|updat|created|issued", re.I)
NOT_DATE_META = re.compile(r"expir|crawl|revisit|refresh|timezone|format|cache|build|scrape|"
                           r"review|event|start|end|birth|next|duration|read", re.I)
MODIFIED = re.compile(r"modif|updat|revis|last|changed", re.I)  # in a source name
URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])"
                      r"(?=/|[-_]|\D|$)")
ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
ELEMENT_CLASSES = ("headline", "dateline", "page")  # dates read from page elements
# the standard vocabularies' publication date (schema.org, OpenGraph): within the declared
# class it speaks before a site's own meta names (``dcsext.articlefirstpublished``)
STANDARD = re.compile(r"^(?:ld|itemprop):datePublished$|^meta:article:published_time$")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def parse_date(value: Any, dayfirst: bool = True) -> str | None:
    """ISO 8601 of a declared date ('2024-05-03T15:47:42+02:00', or '2024-05-03' when the
    value has no time), or None when it is no date. ``dayfirst``: '3/4/2025' is 3 April."""
    text = tidy(value) if isinstance(value, str) else ""
    if not text or len(text) > 64 or not YEAR.search(text):  # "12:30" alone is no date
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = _dateutil(text, dayfirst)
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    has_time = bool(re.search(r"\d:\d\d", text))
    return parsed.isoformat() if has_time else parsed.date().isoformat()


def _dateutil(text: str, dayfirst: bool) -> datetime | None:
    with warnings.catch_warnings():  # unknown zone names ("CEST") only lose the offset
        warnings.simplefilter("ignore")
        try:
            return dateutil_parser.parse(text, dayfirst=dayfirst and not ISO_LIKE.match(text))
        except (ValueError, OverflowError, TypeError):
            return None


def date_class(source: str) -> str:
    """The rank class of a candidate's source (the names of ``MetadataConfig.date_order``)."""
    if source.endswith("teaser"):
        return "teaser"
    if source in ("url", "htmldate", "text", "dump_header", "input"):
        return {"htmldate": "search"}.get(source, source)
    if MODIFIED.search(source):
        return "modified"
    if source == "time:headline":
        return "headline"
    if source.startswith("dateline"):
        return "dateline"
    return "page" if source == "time:page" else "declared"


def date_candidates(src: PageSources, urls: list[str | None]) -> list[Candidate]:
    """Every parseable date the page states, in page order, each named by its source."""
    raw: list[tuple[str, Any]] = []
    for article in src.articles:
        raw += [(f"ld:{name}", article.get(name)) for name in LD_FIELDS]
    for webpage in src.pages:
        raw += [(f"ld:WebPage:{name}", webpage.get(name)) for name in LD_FIELDS]
    raw += [(f"meta:{name}", value) for name, values in src.meta.items()
            if DATE_META.search(name) and not NOT_DATE_META.search(name) for value in values]
    raw += src.dated
    dayfirst = (src.lang or "").lower() in ("en-gb", "en-au", "en-in") or \
        not (src.lang or "").lower().startswith("en")  # US English writes the month first
    found = [Candidate(source, d) for source, value in raw if (d := parse_date(value, dayfirst))]
    return found + url_dates(urls)


def url_dates(urls: list[str | None]) -> list[Candidate]:
    """The date in the page's own URL (``/2024/05/03/``), the first URL that has one."""
    for url in urls:
        match = URL_DATE.search(url or "")
        if match:
            try:
                return [Candidate("url", date(*map(int, match.groups())).isoformat())]
            except ValueError:
                continue
    return []


def searched_date(tree: Any, extensive: bool) -> list[Candidate]:
    """htmldate's original publication date, short of its whole-page scan (search.py)."""
    try:
        found = htmldate_search(tree, extensive)
    except (ValueError, TypeError):
        return []
    return [Candidate("htmldate", found)] if found else []


def choose_date(candidates: list[Candidate], config: MetadataConfig,
                crawled: date) -> Choice:
    """The day with the most weight once teaser, future and outlier dates are dropped.

    Each class (:func:`date_class`) gives its weight to the day of its first candidate;
    the day's best-ranked candidate wins, and a tie goes to the heavier class.
    """
    ranked, _, dropped = _ranked(candidates, config, crawled)
    winner = ranked[0][1] if ranked else None
    return Choice(winner, [c for c in candidates if c is not winner and c not in dropped],
                  dropped)


def decided(candidates: list[Candidate], config: MetadataConfig, crawled: date) -> bool:
    """The winning day leads every other by more than htmldate's search and the text's
    timestamp could add, or by as much with a heavier class: searching would not change
    the choice (the search is half the metadata step's time; most pages declare a date)."""
    ranked, support, _ = _ranked(candidates, config, crawled)
    if not ranked:
        return False
    weights = weights_of(config.date_weights)
    late = [weights.get("search", 0), weights.get("text", 0)]
    day = ranked[0][1].value[:10]
    lead = support[day] - max([s for d, s in support.items() if d != day] + [0])
    rivals = late + [weights[cls] for cls, cand in ranked if cand.value[:10] != day]
    return lead > sum(late) or (lead == sum(late) and weights[ranked[0][0]] > max(rivals))


def _ranked(candidates: list[Candidate], config: MetadataConfig, crawled: date) -> tuple[
        list[tuple[str, Candidate]], dict[str, float], dict[Candidate, str]]:
    """(class, first candidate) by day support then class weight; the support; the dropped."""
    dropped = _dropped(candidates, config, crawled)
    weights = weights_of(config.date_weights)
    first: dict[str, Candidate] = {}
    for cand in sorted(candidates, key=lambda c: not STANDARD.match(c.source)):
        if cand not in dropped and weights.get(date_class(cand.source), 0) > 0:
            first.setdefault(date_class(cand.source), cand)
    support: dict[str, float] = {}
    for cls, cand in first.items():
        support[cand.value[:10]] = support.get(cand.value[:10], 0) + weights[cls]
    ranked = sorted(first.items(), key=lambda kv: (-support[kv[1].value[:10]], -weights[kv[0]]))
    return ranked, support, dropped


def weights_of(spec: str) -> dict[str, float]:
    """``"declared:4,search:3"`` -> ``{"declared": 4.0, "search": 3.0}``."""
    pairs = (item.split(":") for item in spec.split(",") if item.strip())
    return {name.strip(): float(weight) for name, weight in pairs}


def _dropped(candidates: list[Candidate], config: MetadataConfig,
             crawled: date) -> dict[Candidate, str]:
    """Why each excluded candidate is out: a teaser's, after the crawl, far before the rest."""
    latest = crawled + timedelta(days=config.date_max_future_days)
    days = [_day(c.value) for c in candidates]
    published = [date_class(c.source) not in ("modified", "teaser") for c in candidates]
    out: dict[Candidate, str] = {}
    spread = _spread(candidates)
    for i, cand in enumerate(candidates):
        others = [d for j, d in enumerate(days) if j != i and d and d <= latest and published[j]]
        if date_class(cand.source) == "teaser":
            out[cand] = "teaser"
        elif days[i] is None or days[i] > latest:
            out[cand] = "future"
        elif spread.get(date_class(cand.source), 0) >= config.date_listing_days:
            out[cand] = "listing"
        elif len(others) >= 2 and (statistics.median_low(others) - days[i]).days > \
                config.date_outlier_days:
            out[cand] = "outlier"
    return out


def _spread(candidates: list[Candidate]) -> dict[str, int]:
    """Distinct days per element class: many days in one class are a list of posts."""
    days: dict[str, set[str]] = {}
    for cand in candidates:
        if date_class(cand.source) in ELEMENT_CLASSES:
            days.setdefault(date_class(cand.source), set()).add(cand.value[:10])
    return {cls: len(found) for cls, found in days.items()}


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def crawl_day(value: Any, today: date) -> date:
    """The day a page was fetched (a WARC-Date), else ``today``."""
    parsed = parse_date(value) if isinstance(value, str) else None
    return date.fromisoformat(parsed[:10]) if parsed else today


def same_day(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a[:10] == b[:10]
