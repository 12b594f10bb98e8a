"""What a page states about its article: read from the parsed tree, never modifying it.

One pass gathers the candidates (:mod:`cleaners.metadata.sources`); each field then has its
own chooser: :mod:`title`, :mod:`authors`, :mod:`dates`. The language here is the one the
page declares; the record's language is decided later from the body
(:func:`cleaners.language.choose_language`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cleaners.config import MetadataConfig
from cleaners.metadata.authors import choose_authors
from cleaners.metadata.dates import declared_date, searched_date
from cleaners.metadata.sources import PageSources, gather
from cleaners.metadata.text import key, tidy
from cleaners.metadata.title import choose_title, is_site, site_keys, title_candidates

AGENCIES_FILE = Path(__file__).resolve().parent.parent / "data" / "meta_agencies.txt"
LANG_TAG = re.compile(r"^[a-z]{2,3}$")


@dataclass
class PageMeta:
    title: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    credit: str | None = None
    site: str | None = None
    url: str | None = None
    language: str | None = None  # declared by the page (<html lang>, og:locale), not detected


def page_metadata(tree: Any, url: str | None, config: MetadataConfig | None = None) -> PageMeta:
    """Title, date, authors, credit line, site name and declared language of a page."""
    config = config or MetadataConfig()
    src = gather(tree)
    sites = site_keys(src, url)
    title = choose_title(title_candidates(src, url), tuple(config.title_order.split(",")))
    authors = choose_authors(src, sites)
    if not config.site_as_author:
        authors = [a for a in authors if not is_site(a, sites)]
    date = declared_date(src)
    if date is None and config.date_search and tree is not None:
        date = searched_date(tree, config.date_extensive_search)
    return PageMeta(title=title, date=date, authors=authors, credit=credit_line(authors),
                    site=site_name(src), url=url or src.url, language=declared_language(src))


def site_name(src: PageSources) -> str | None:
    """The name the site gives itself: og:site_name, else the JSON-LD publisher."""
    for value in src.meta.get("og:site_name", []) + src.meta.get("application-name", []):
        if tidy(value):
            return tidy(value)
    for article in src.articles:
        publisher = article.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return tidy(publisher["name"]) or None
    return None


def declared_language(src: PageSources) -> str | None:
    """The primary subtag the page declares: <html lang>, content-language, og:locale."""
    values = [src.lang] + src.meta.get("content-language", []) + src.meta.get("og:locale", [])
    values += [a.get("inLanguage") for a in src.articles]
    for value in values:
        if isinstance(value, str):
            primary = re.split(r"[-_,\s]", value.strip().lower())[0]
            if LANG_TAG.match(primary):
                return primary
    return None


@lru_cache(maxsize=1)
def agencies() -> dict[str, str]:
    """News agencies and desks, comparison key -> the name as written in the data file."""
    names = {}
    for line in AGENCIES_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            names[key(line)] = line
    return names


def credit_line(authors: list[str]) -> str | None:
    """The agencies among the authors ('dpa', 'Reuters'), joined: the article's credit line."""
    known = agencies()
    found = [a for a in authors if key(a) in known]
    return ", ".join(found) or None
