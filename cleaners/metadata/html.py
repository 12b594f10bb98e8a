"""What a page states about its article: read from the parsed tree, never modifying it.

One pass gathers the candidates (:mod:`cleaners.metadata.sources`); each field then has its
own chooser: :mod:`title`, :mod:`authors`, :mod:`dates`. The language here is the one the
page declares; the record's language is decided later from the body
(:func:`cleaners.language.choose_language`).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from cleaners.config import MetadataConfig
from cleaners.metadata.authors import author_candidates, choose_authors, is_organisation
from cleaners.metadata.choice import Candidate, Choice
from cleaners.metadata.dates import choose_date, date_candidates, decided, searched_date
from cleaners.metadata.sources import PageSources, gather
from cleaners.metadata.text import key, tidy
from cleaners.metadata.title import choose_title, site_keys, title_candidates

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
    choices: dict[str, Choice] = field(default_factory=dict)  # field -> how it was chosen
    date_candidates: list[Candidate] = field(default_factory=list)


def page_metadata(tree: Any, url: str | None, config: MetadataConfig | None = None,
                  crawled: date | None = None) -> PageMeta:
    """Title, date, authors, credit line, site name and declared language of a page.

    ``crawled``: the day the page was fetched; no date after it is the article's.
    """
    config = config or MetadataConfig()
    src = gather(tree)
    sites = site_keys(src, url)
    meta = PageMeta(site=site_name(src), url=url or src.url, language=declared_language(src))
    meta.choices["title"] = choose_title(title_candidates(src, sites),
                                         tuple(config.title_order.split(",")))
    meta.title = meta.choices["title"].value
    is_org = partial(is_organisation, sites=sites, agencies=set(agencies()))
    set_authors(meta, choose_authors(author_candidates(src, is_org), is_org), is_org, config)
    crawled = crawled or date.today()
    meta.date_candidates = date_candidates(src, [url, src.url])
    if config.date_search and tree is not None and \
            not decided(meta.date_candidates, config, crawled):
        meta.date_candidates += searched_date(tree, config.date_extensive_search)
    set_date(meta, config, crawled)
    return meta


def set_authors(meta: PageMeta, choice: Choice, is_org: Callable[[str], bool],
                config: MetadataConfig) -> None:
    """Persons are authors; organisations (site, agency, desk) the credit line."""
    names = list(choice.value or ())
    meta.choices["authors"] = choice
    meta.authors = names if config.organisations_as_authors else \
        [n for n in names if not is_org(n)]
    meta.credit = ", ".join(n for n in names if is_org(n)) or None
    meta.choices["credit"] = Choice(Candidate(choice.winner.source, meta.credit)
                                    if meta.credit and choice.winner else None)


def set_date(meta: PageMeta, config: MetadataConfig, crawled: date) -> None:
    meta.choices["date"] = choose_date(meta.date_candidates, config, crawled)
    meta.date = meta.choices["date"].value


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
