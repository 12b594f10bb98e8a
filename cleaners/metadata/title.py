"""The headline: the page's candidates, with site-name suffixes and prefixes cut off.

Candidates are the JSON-LD ``headline`` (or the ``alternativeHeadline`` the page shows),
``og:title``/``twitter:title``, the visible <h1> and the <title> tag. Pages decorate the share
and <title> versions with the site's name (``"... - WELT"``, ``"... | DW | 28.04.2023"``), so
each candidate loses every separator-delimited segment from the first one that names the site
(og:site_name, the publisher, the domain, or a tail the <title> and og:title share but the
headline lacks).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from cleaners.metadata.choice import Candidate, Choice
from cleaners.metadata.sources import PageSources
from cleaners.metadata.text import domain_names, key, tidy

# a separator: | - – — · * • / between spaces, or the full-width and Korean bars without
SEPARATOR = re.compile(r"(\s+[|\-–—·*•/:]\s+|\s*[|｜：ㅣ]\s*|\s+::\s+)")
DATE_SEGMENT = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
SHOWN = "shown"  # in a title order: the <h1>, when a declared title contains it
# in a title order: the <h1> a share title (og:, twitter:) repeats, when the JSON-LD declares
# one headline only (a CMS with one headline field fills it with its search headline; one that
# declares an ``alternativeHeadline`` too says which of its headlines is the main one)
SHARED = "shared"
SHARE = ("og", "twitter")
ALTERNATIVE = "alternative"  # a candidate, never a title: the JSON-LD alternativeHeadline
MIN_SHOWN_SHARE = 0.4  # of the confirming title: a blog's name before the headline is not it
DECLARED = ("ld", "og", "twitter")  # the <title> tag counts only when it starts with the <h1>
MAX_LABEL_WORDS = 3  # a section or site label after the headline: "Sport", "Börsen-Zeitung"
# an <h1> no declared title confirms, under 3 words and 20 characters, is a name (the site's
# logo, a section, a column: "City News", "Discord"), not a headline: taken only when the
# page gives nothing else. WCXB dev title 0.845 -> 0.850 (2 words: 0.844, 4 or 5: 0.851;
# 10 characters: 0.845, 30: 0.849), fundus 0.841 unchanged
NAME_WORDS, NAME_CHARS = 3, 20
# markup a headline field should not carry: markdown heading marks, one pair of straight
# quotes around the whole headline (a CMS quoting its own field: "What is Git?")
HEADING_MARKS = re.compile(r"^#{1,6}\s+")
WRAPPING_QUOTES = re.compile(r'^"([^"]+)"$')
# the page's own section label: "... -정치ㅣ한국일보" with content_category 정치
SECTION_META = ("article:section", "og:section", "content_category", "section", "category")
SECTION_TAIL = r"\s*[|\-–—·]\s*{}\s*$"
SITE_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site",
             "publisher", "article:publisher", "copyright")


def site_keys(src: PageSources, url: str | None) -> set[str]:
    """Comparison keys of every name the page gives itself."""
    names: list[str] = []
    for name in SITE_META:
        names += [v.lstrip("@") for v in src.meta.get(name, []) if not v.startswith("http")]
    for obj in src.articles + src.ld_other:
        names += _org_names(obj.get("publisher"))
        kinds = str(obj.get("@type", ""))
        if "WebSite" in kinds or "Organization" in kinds:
            names += _org_names(obj)
    for link in (url, src.url):
        names += domain_names(link)
    keys = {key(n) for n in names}
    keys |= {k[3:] for k in keys if k.startswith("the") and len(k) > 6}
    return {k for k in keys if len(k) >= 2}


def _org_names(value: object) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for item in values:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append(item["name"])
        elif isinstance(item, str) and not item.startswith("http"):
            out.append(item)
    return out


def is_site(segment: str, sites: set[str]) -> bool:
    """Whether a title segment is the site's name (or a date stamp next to it)."""
    k = key(segment)
    if not k:
        return False
    return any(k == s or (len(s) >= 3 and k.startswith(s) and len(k) - len(s) <= 4)
               or (len(k) >= 4 and s.startswith(k) and len(s) - len(k) <= 4) for s in sites)


def strip_site(title: str, sites: set[str]) -> str:
    """``title`` without its site-name suffix or prefix segments."""
    parts = SEPARATOR.split(title)
    segments, seps = parts[0::2], parts[1::2]
    if len(segments) < 2:
        return title
    start = 1 if is_site(segments[0], sites) else 0
    end = next((i for i in range(max(start, 1), len(segments)) if is_site(segments[i], sites)),
               len(segments))
    if end - start < 1:
        return title
    head = segments[start]
    for i in range(start + 1, end):
        head += seps[i - 1] + segments[i]
    head = head.strip()
    return head if len(key(head)) >= 4 else title


def shared_tail(titles: Iterable[str], headline: str | None) -> set[str]:
    """Tails (after the last separator) that two share-titles have but the headline lacks."""
    tails = [SEPARATOR.split(t)[-1] for t in titles if SEPARATOR.search(t)]
    found = {key(t) for t in tails if tails.count(t) >= 2}
    if headline:
        found = {t for t in found if t not in key(headline)}
    return {t for t in found if t}


def title_candidates(src: PageSources, sites: set[str]) -> dict[str, str]:
    """Each source's headline, the site's names (``sites``: :func:`site_keys`) cut off;
    sources that give none are absent."""
    h1 = _headline_h1(src)
    ld, alternative = _ld_headlines(src, h1)
    raw = {"ld": ld, ALTERNATIVE: alternative, "og": tidy(_first(src.meta.get("og:title"))),
           "twitter": tidy(_first(src.meta.get("twitter:title"))), "h1": h1,
           "title": tidy(src.title_tag)}
    sites = sites | shared_tail([raw["og"], raw["title"], raw["twitter"]], ld or h1)
    sections = _sections(src)
    return {name: strip_section(strip_site(_unwrapped(text), sites), sections)
            for name, text in raw.items() if text}


def _ld_headlines(src: PageSources, h1: str) -> tuple[str, str]:
    """The JSON-LD ``headline`` and ``alternativeHeadline``; the two swapped when the
    alternative is the <h1>.

    A CMS that keeps a search headline and a display one declares both: the one the page
    shows in its <h1> is the reader's (fundus us_BusinessInsider_V1, WCXB dev 0034).
    """
    for obj in src.articles:
        headline = obj.get("headline")
        if isinstance(headline, str) and tidy(headline):
            other = obj.get("alternativeHeadline")
            other = tidy(other) if isinstance(other, str) else ""
            if other and h1 and key(other) == key(h1) != key(headline):
                return other, tidy(headline)
            return tidy(headline), other
    return "", ""


def _sections(src: PageSources) -> list[str]:
    """The section names the page declares (meta tags, JSON-LD ``articleSection``)."""
    names = [v for name in SECTION_META for v in src.meta.get(name, [])]
    for obj in src.articles:
        value = obj.get("articleSection")
        names += value if isinstance(value, list) else [value]
    names = {tidy(n).strip(" -|") for n in names if isinstance(n, str)}
    return [n for n in names if n and len(n.split()) <= MAX_LABEL_WORDS]


def strip_section(title: str, sections: list[str]) -> str:
    """``title`` without a trailing separator and one of the page's ``sections``."""
    for name in sections:
        head = re.sub(SECTION_TAIL.format(re.escape(name)), "", title, flags=re.IGNORECASE)
        if head != title and len(key(head)) >= 8:
            return head.strip()
    return title


def _unwrapped(title: str) -> str:
    return WRAPPING_QUOTES.sub(r"\1", HEADING_MARKS.sub("", title)).strip()


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _headline_h1(src: PageSources) -> str:
    """The <h1> that is the article's headline: of several, the one other titles resemble."""
    h1s = [tidy(h) for h in src.h1s if len(key(h)) >= 4]
    if len(h1s) <= 1:
        return h1s[0] if h1s else ""
    others = [key(tidy(x)) for x in (src.title_tag, _first(src.meta.get("og:title"))) if x]
    return max(h1s, key=lambda h: (sum(key(h) in o for o in others), len(h)))


def choose_title(candidates: dict[str, str], order: tuple[str, ...]) -> Choice:
    """The first candidate in ``order`` that the page gives, without a tail the others lack.

    ``"Headline | Sport"`` next to an <h1> ``"Headline"`` is the headline plus a section
    label: a candidate that is another one plus separator-delimited segments is cut back.
    An <h1> that reads as a name (:data:`NAME_WORDS`) comes after every other candidate.
    """
    source = next((name for name in order if _given(name, candidates)), None)
    source = source or ("h1" if candidates.get("h1") else None)
    source = "h1" if source in (SHOWN, SHARED) else source
    lost = [Candidate(n, v) for n, v in candidates.items() if n != source]
    if source is None:
        return Choice(None, lost)
    return Choice(Candidate(source, _cut_label(candidates[source], candidates)), lost)


def _given(name: str, candidates: dict[str, str]) -> bool:
    """Whether the page gives candidate ``name``; ``shown``: an <h1> that a declared title
    contains or the <title> starts with (the headline the reader sees, not a logo or a
    section name; a <title> with a kicker before the headline does not confirm it); ``shared``:
    an <h1> a share title repeats (:data:`SHARED`); ``h1``: an <h1> that does not read as a
    name, unless it is shown."""
    if name == "h1":
        h1 = candidates.get("h1", "")
        return bool(h1) and (not _name_like(h1) or _given(SHOWN, candidates))
    if name == SHARED:
        h1 = key(candidates.get("h1", ""))
        return bool(h1) and ALTERNATIVE not in candidates and \
            h1 != key(candidates.get("ld", "")) and \
            any(key(candidates.get(n, "")) == h1 for n in SHARE)
    if name != SHOWN:
        return bool(candidates.get(name))
    h1 = key(candidates.get("h1", ""))
    title = key(candidates.get("title", ""))
    declared = [key(v) for n, v in candidates.items() if n in DECLARED]
    return len(h1) >= 8 and any(len(h1) >= len(k) * MIN_SHOWN_SHARE for k in
                                [title] * title.startswith(h1) + [k for k in declared if h1 in k])


def _name_like(text: str) -> bool:
    return len(text.split()) < NAME_WORDS and len(text) < NAME_CHARS


def _cut_label(title: str, candidates: dict[str, str]) -> str:
    others = {key(v) for n, v in candidates.items() if n != ALTERNATIVE}
    parts = SEPARATOR.split(title)
    for end in range(len(parts) - 2, 0, -2):
        head, tail = "".join(parts[:end]).strip(), "".join(parts[end + 1:])
        if len(key(head)) >= 8 and key(head) in others and len(tail.split()) <= MAX_LABEL_WORDS:
            return head
    return title


def same_title(a: str, b: str) -> bool:
    return key(a) == key(b)
