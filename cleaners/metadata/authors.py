"""Authors: the names a page gives for its article, split, cleaned and deduplicated.

Sources in order of trust: the JSON-LD Article's ``author``, then author meta tags (standard,
Parsely, Sailthru, Dublin Core ...), then the visible byline. The first source that names a
person wins. A value that is the site's own name ("DER SPIEGEL", "ORF.at") is the page's
way of saying "no named author": it is kept only when no source names anyone else.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from cleaners.metadata.sources import PageSources
from cleaners.metadata.text import key, tidy
from cleaners.metadata.title import is_site

# "A, B and C", "A und B", "A y B", "A og B", "A & B", "A; B", "A | B"
SPLIT = re.compile(r"\s*[,;|&·]\s*|\s+(?:and|und|y|e|et|og|och|en|i|a|ve|и|és)\s+", re.I)
# "By", "Von:", "Por", "Par", "Av", "Af", "di", "door", "Autor:", "Text:", "Kommentar von"
PREFIX = re.compile(
    r"^(?:(?:kommentar|ein kommentar|analyse|text|autor(?:in)?|author|written|reported|posted|"
    r"story|words)\s*(?:by|von|:)?\s*:?\s*|"
    r"(?:by|von|por|par|av|af|di|door|de|od|от|из)(?:\s*:\s*|\s+))", re.I)
GLUED_PREFIX = re.compile(r"^(?:[Bb]y|[Vv]on)(?=[A-ZÀ-Þ][a-zß-ÿ])")  # "ByEmma", "vonKonstantin"
CREDIT_LINE = re.compile(r"^(?:foto|bild|photo|image|credit|quelle|source|©|\(c\))", re.I)
PARENS = re.compile(r"\s*\([^)]*\)\s*")
EMAIL = re.compile(r"\S+@\S+\.\w+")
URL = re.compile(r"https?://\S+|www\.\S+")
DIGIT = re.compile(r"\b\d")  # a date or time, not "BR24"
SLUG = re.compile(r"^[a-z0-9]{2,}(?:-[a-z0-9]{2,})+$")  # "chuck-ross", not "t-online"
# role words after a name: "Jan Sellner Redakteur", "신현주 기자", "Jon King, News Reporter"
ROLES = (
    r"(?:기자|특파원|記者|редактор|journalist|reporter|correspondent|"
    r"korrespondent(?:in)?|redakteur(?:in)?|redaktor(?:in)?|editor|writer|staff writer|"
    r"corresponsal|periodista)")
ROLE = re.compile(rf"\s+{ROLES}\b.*$", re.I)
ROLE_ONLY = re.compile(rf"^(?:\w+\s+){{0,2}}{ROLES}$", re.I)  # "News Reporter" after a comma
STANDARD_META = ("author", "article:author", "article:author_name", "og:article:author",
                 "og:author", "parsely-author", "sailthru.author", "dc.creator", "dc.contributor",
                 "cxenseparse:author", "byl", "dcsext.author")
MAX_NAME_WORDS = 5


def split_names(value: Any) -> list[str]:
    """Names in one author string: prefixes, roles, e-mails and parentheses removed."""
    text = tidy(value)
    if not text or URL.match(text) or SLUG.match(text):
        return []
    text = PARENS.sub(" ", EMAIL.sub(" ", text)).strip()
    names = []
    if CREDIT_LINE.match(text):
        return []
    for i, part in enumerate(SPLIT.split(_unprefixed(text))):
        part = _unprefixed(part.strip()).strip(" .:-–—/")
        if i and ROLE_ONLY.match(part):
            continue
        part = ROLE.sub("", part)
        if part and not DIGIT.search(part) and len(part.split()) <= MAX_NAME_WORDS:
            names.append(part)
    return names


def _unprefixed(text: str) -> str:
    return GLUED_PREFIX.sub("", PREFIX.sub("", text, count=1), count=1)


def _inverted(name: str) -> str:
    """Dublin Core writes 'Family, Given'; the record wants 'Given Family'."""
    family, _, given = name.partition(",")
    return f"{given.strip()} {family.strip()}" if given and len(name.split()) <= 3 else name


def ld_names(articles: list[dict[str, Any]]) -> list[str]:
    """Author names from the first JSON-LD Article that has any."""
    for article in articles:
        names = [n for value in _flatten(article.get("author")) for n in _person(value)]
        if names:
            return names
    return []


def _flatten(value: Any, depth: int = 0) -> Iterable[Any]:
    if isinstance(value, list) and depth < 3:
        for item in value:
            yield from _flatten(item, depth + 1)
    elif value:
        yield value


def _person(value: Any) -> list[str]:
    if isinstance(value, dict):
        name = value.get("name")
        if not isinstance(name, str) or not name.strip():
            name = " ".join(str(value.get(k) or "") for k in ("givenName", "familyName")).strip()
        return split_names(name)
    return split_names(value) if isinstance(value, str) else []


def meta_names(meta: dict[str, list[str]]) -> list[str]:
    """Names in author meta tags: the standard ones first, then any other '*author*' tag."""
    keys = [k for k in STANDARD_META if k in meta]
    keys += sorted(k for k in meta if k not in keys and _author_key(k))
    for name in keys:
        values = meta[name]
        if name.startswith("dc."):
            values = [_inverted(v) for v in values]
        names = [n for v in values for n in (split_names(v) if "," not in v or
                                             not name.startswith("dc.") else [tidy(v)])]
        if names:
            return names
    return []


def _author_key(name: str) -> bool:
    return (("author" in name or name.endswith("creator")) and not name.startswith("twitter")
            and not name.endswith(":id") and "content-creator" not in name)


def byline_names(bylines: list[str]) -> list[str]:
    """Person-like names in the first byline element that has any."""
    for text in bylines:
        names = [n for n in split_names(text) if _looks_like_person(n)]
        if names:
            return names
    return []


def _looks_like_person(name: str) -> bool:
    words = name.split()
    return (2 <= len(words) <= 4 and not any(ch in name for ch in "/:@")
            and all(w[0].isupper() for w in words if w[0].isalpha()))


def dedupe(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        k = key(name)
        if k and k not in seen:
            seen.add(k)
            out.append(name)
    return out


def choose_authors(src: PageSources, sites: set[str]) -> list[str]:
    """The first source naming a person; else the first naming anyone (the site itself)."""
    sources = [ld_names(src.articles), meta_names(src.meta), byline_names(src.bylines)]
    for i, names in enumerate(sources):
        people = [n for n in names if not is_site(n, sites)]
        if people:
            return dedupe(names if i == 0 else people)
    return dedupe(next((names for names in sources if names), []))
