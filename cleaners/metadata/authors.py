"""Authors: the names a page gives for its article, split, cleaned and deduplicated.

Sources in order of trust: the JSON-LD Article's ``author``, then author meta tags (standard,
Parsely, Sailthru, Dublin Core ...), then the visible byline. The first source that names a
person wins. A value that is the site's own name ("DER SPIEGEL", "ORF.at") is the page's
way of saying "no named author": it is kept only when no source names anyone else.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from cleaners.metadata.choice import Candidate, Choice
from cleaners.metadata.sources import PageSources
from cleaners.metadata.text import key, tidy
from cleaners.metadata.title import is_site
from cleaners.text.lines import MONTHS

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
# a byline's date after the name: "Andrew Gerrand 4 August 2010", "Nick van Mead 2022-11-23",
# "Posted by BeauHD on Friday, December 19"
DATE_TAIL = re.compile(r"\s+(?:on\s+)?\d.*$|\s+on\s+(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b.*$",
                       re.I)
# the month before a date's day cut off by DATE_TAIL: "Luke Kim December" of "... December 19"
# (not May: "Brian May 12 March")
MONTH_TAIL = re.compile(r"(?:^|(?:\s+(?:on|updated|published|posted|[-–—•|·]))*\s+)(?:"
                        + "|".join(m for m in MONTHS.split("|") if m != "may") + r")\.?,?$",
                        re.I)
# lower-case name particles: "Nick van Mead", "Ursula von der Leyen", "Luiz Inácio da Silva"
PARTICLES = frozenset("van von der den de da di du del della dos das do la le ten ter bin ibn "
                      "al el y zu".split())
SLUG = re.compile(r"^[a-z0-9]{2,}(?:-[a-z0-9]{2,})+$")  # "chuck-ross", not "t-online"
# role words after a name: "Jan Sellner Redakteur", "신현주 기자", "Jon King, News Reporter"
ROLES = (
    r"(?:기자|특파원|記者|редактор|journalist|reporter|correspondent|"
    r"korrespondent(?:in)?|redakteur(?:in)?|redaktor(?:in)?|editor|writer|staff writer|"
    r"corresponsal|periodista)")
ROLE = re.compile(rf"\s+{ROLES}\b.*$", re.I)
ROLE_ONLY = re.compile(rf"^(?:\w+\s+){{0,2}}{ROLES}$", re.I)  # "News Reporter" after a comma
# a credential after a name: "Jane Doe, MD", "John Roe Ph.D.", "RN, BSN"
CREDENTIAL = re.compile(r"(?:^|\s+|,\s*)(?:ph\.?\s?d|m\.?d|r\.?n|mba|msc?|bsn|rd|dvm|cpa|"
                        r"j\.?d|esq|lcsw|mph|dr\.?ph|cfp|facs|facp)\.?$", re.I)
STANDARD_META = ("author", "article:author", "article:author_name", "og:article:author",
                 "og:author", "parsely-author", "sailthru.author", "dc.creator", "dc.contributor",
                 "cxenseparse:author", "byl", "dcsext.author")
# one person per tag, written "Family, Given": Dublin Core, Highwire/Google Scholar
ONE_PER_TAG = ("dc.", "citation_author")
MAX_NAME_WORDS = 5
# form and widget text caught by a byline selector: "Name *", "The Author", "Full Bio", "Ausloggen"
JUNK = re.compile(r"[*\"<>{}]|^(?:the author|undefined|null|none|anonymous|full bio|name)$|"
                  r"\b(?:ausloggen|einloggen|log ?in|sign ?in|more about)\b|"
                  r"^(?:site ?)?(?:admin|administrator|webmaster)$", re.I)
# one token: a login ("andrew.keaveney", "KatieS", "kffnirmitap") or a first name ("Kristin")
TOKEN = re.compile(r"[A-Za-z0-9._-]+")
# what a login has and a written first name lacks: a dot, digit, underscore, a lower-case
# start, an inner capital
LOGIN_SIGN = re.compile(r"[._\d-]|^[a-z]|[a-z][A-Z]")
# a desk or a team, not a person: "Staff", "BBC News Staff", "The Investopedia Team", "Redaktion"
DESK = re.compile(r"\b(?:staff|team|editors|editorial|newsroom|(?:news)?desk|redaktion|redacci[oó]n|"
                  r"r[ée]daction|admin)\b", re.I)


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
        part = ROLE.sub("", _uncredentialed(_undated(part)))
        if part and not DIGIT.search(part) and not JUNK.search(part) \
                and len(part.split()) <= MAX_NAME_WORDS:
            names.append(part)
    return names


def _undated(name: str) -> str:
    """``name`` without a date after it (the month only when a day or year followed it)."""
    cut = DATE_TAIL.sub("", name)
    return MONTH_TAIL.sub("", cut) if cut != name else name


def _uncredentialed(name: str) -> str:
    while (cut := CREDENTIAL.sub("", name).strip(" ,")) != name:
        name = cut
    return name


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


def meta_names(meta: dict[str, list[str]]) -> tuple[str, list[str]]:
    """The first author meta tag naming anyone (standard ones first), and its names."""
    keys = [k for k in STANDARD_META if k in meta]
    keys += sorted(k for k in meta if k not in keys and _author_key(k))
    for name in keys:
        values = meta[name]
        if name.startswith(ONE_PER_TAG):
            values = [_inverted(v) for v in values]
        names = [n for v in values for n in (split_names(v) if "," not in v or
                                             not name.startswith(ONE_PER_TAG) else [tidy(v)])]
        if names:
            return name, names
    return "", []


def _author_key(name: str) -> bool:
    return (("author" in name or name.endswith("creator")) and not name.startswith("twitter")
            and not name.endswith(":id") and "content-creator" not in name)


def byline_names(bylines: list[str], is_org: Callable[[str], bool]) -> list[str]:
    """The names in the first byline element that gives any: person-like names, organisations
    (a credit: "By the Lavazza Team"), and one-word names after an explicit "By" ("By Clay",
    "by whova", "Posted by BeauHD")."""
    for text in bylines:
        prefixed = _unprefixed(tidy(text)) != tidy(text)
        names = [n for i, n in enumerate(split_names(text)) if _looks_like_person(n)
                 or is_org(n) or (prefixed and i == 0 and TOKEN.fullmatch(n))]
        if names:
            return names
    return []


def _looks_like_person(name: str) -> bool:
    words = name.split()
    return (2 <= len(words) <= 4 and not any(ch in name for ch in "/:@")
            and all(w[0].isupper() or (0 < i < len(words) - 1 and w in PARTICLES)
                    for i, w in enumerate(words) if w[0].isalpha()))


def dedupe(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        k = key(name)
        if k and k not in seen:
            seen.add(k)
            out.append(name)
    return out


def author_candidates(src: PageSources, is_org: Callable[[str], bool]) -> list[Candidate]:
    """Each source's names: the JSON-LD Article, the first author meta tag, the byline, the
    links to author pages."""
    tag, names = meta_names(src.meta)
    found = [("ld", ld_names(src.articles)), (f"meta:{tag}", names),
             ("byline", byline_names(src.bylines, is_org)),
             ("link", byline_names(src.author_links, is_org))]
    return [Candidate(source, tuple(dedupe(names))) for source, names in found if names]


def is_organisation(name: str, sites: set[str], agencies: set[str]) -> bool:
    """The site, an agency, a desk ('Staff', 'Team', 'Redaktion'): a credit, not a person."""
    return is_site(name, sites) or key(name) in agencies or bool(DESK.search(name))


def choose_authors(candidates: list[Candidate], is_org: Callable[[str], bool]) -> Choice:
    """The first source naming a person; else the first naming anyone (an organisation).
    A visible byline's written name beats page metadata that names only logins or handles.

    The winner's value is all its names; :func:`split_credit` sets organisations apart.
    """
    persons = [c for c in candidates if any(not is_org(n) for n in c.value)]
    winner = next(iter(persons), candidates[0] if candidates else None)
    if winner and (winner.source == "ld" or winner.source.startswith("meta:")):
        winner = next((c for c in persons if c.source in ("byline", "link")
                       and _only_handles(winner.value, is_org)), winner)
    return Choice(winner, [c for c in candidates if c is not winner])


def _only_handles(names: tuple[str, ...], is_org: Callable[[str], bool]) -> bool:
    """Every person the page metadata names is a one-word Latin login ('andrew.keaveney'):
    a written name in the visible byline is the better reading. A capitalised first name
    ('Kristin') is the page's own choice of name."""
    people = [n for n in names if not is_org(n)]
    return bool(people) and all(TOKEN.fullmatch(n) and LOGIN_SIGN.search(n) for n in people)


def same_names(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return {key(n) for n in a} == {key(n) for n in b}
