"""Everything a page states about itself, gathered once from the parsed tree (read-only).

The choosers (title, authors, dates) work on this plain record, never on the tree, so each
rule can be tested with a few strings and the tree is walked only a handful of times.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

ARTICLE_TYPES = re.compile(r"(article|posting|report)$", re.I)
SPACE = re.compile(r"\s+")
# byline containers: class/id/itemprop/rel naming the author, not the author's bio box
BYLINE_CLASS = re.compile("author|Author|autor|Autor|byline|Byline")
AUTHOR_PATHS = ("/author/", "/authors/")  # in a link's href: the author's page
# elements stating a date: <time>, and schema.org microdata outside <meta>
DATED_PROPS = frozenset({"datePublished", "dateCreated", "dateModified"})
# a visible dateline: an element its class names as a date ("post-date", "entry-date", "time")
DATELINE_CLASS = re.compile("date|Date|publish")
NOT_DATELINE = frozenset({"time", "meta", "script"})
TOP_ELEMENTS = etree.XPath("/*")  # the root, and any element a broken page puts beside it
DATELINE_LABEL = re.compile(r"^(?:(?:last\s+)?(?:published|posted|updated|modified|date|"
                            r"on|at|le|am|veröffentlicht|aktualisiert)\b\s*:?\s*)+", re.I)
UPDATED = re.compile(r"updat|modif|aktualisiert|revis", re.I)
MAX_DATELINE = 60  # characters: a dateline, not a paragraph that mentions a date
# a block of other articles or of readers' posts: a date in it is theirs
TEASER = re.compile(r"related|teaser|recommend|sidebar|widget|popular|trending|most-?read|"
                    r"more-?from|read-?next|also-?like|promo|carousel|comment|reply", re.I)
TEASER_TAGS = ("aside", "nav", "footer")
IN_ARTICLE = etree.XPath("boolean(ancestor::article)")
HEADLINE_REACH = 3  # levels above the headline <h1> that still hold its byline and dateline


@dataclass
class PageSources:
    """Candidates for each field, each list in page order."""

    articles: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD Article objects
    ld_other: list[dict[str, Any]] = field(default_factory=list)  # WebSite, Organization, ...
    pages: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD WebPage objects
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-case name/property -> values
    title_tag: str | None = None
    h1s: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)  # text of byline-like elements
    author_links: list[str] = field(default_factory=list)  # text of links to author pages
    dated: list[tuple[str, str]] = field(default_factory=list)  # (where, value): time elements
    lang: str | None = None  # <html lang>
    url: str | None = None  # canonical link or og:url


def clean(text: Any) -> str:
    """A one-line string: whitespace collapsed, invisible characters dropped."""
    if not isinstance(text, str):
        return ""
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    return SPACE.sub(" ", text).strip()


def heading_text(node: Any) -> str:
    """A heading's text; a word ending in lower case that meets a capital at an element
    boundary is two lines (a kicker span above the headline: fundus lu_Tageblatt_V1's
    ``<span>Nationale Demo</span>Der 9. Juli``), a drop capital (``<span>C</span>ycle``) one
    word."""
    out = ""
    for piece in node.itertext():
        if out and piece and out[-1].islower() and piece[0].isupper():
            out += " "
        out += piece
    return out


def gather(tree: Any) -> PageSources:
    """The page's candidates; ``tree`` is an lxml HTML document and is not modified."""
    src = PageSources()
    if tree is None:
        return src
    src.lang = tree.get("lang") or tree.get("xml:lang")
    _json_ld(tree, src)
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop")
               or node.get("http-equiv") or "").strip().lower()
        value = clean(node.get("content"))
        if key and value:
            src.meta.setdefault(key, []).append(value)
    title = tree.find(".//title")
    src.title_tag = clean(title.text_content()) if title is not None else None
    src.h1s = [t for t in (clean(heading_text(h)) for h in tree.iter("h1")) if t]
    found = _named_elements(tree)
    src.bylines = _bylines(found.bylines)
    src.author_links = _author_links(found.author_links)
    src.dated = _dated(tree, found.dated) + _datelines(found.datelines)
    # plain strings: lxml's "smart" ones hold their element, and so the whole page, alive
    # (a record's url kept its batch's trees, and urlsplit's cache 128 more: 100 MB of RSS
    # over 200 pages, bench/startup.py)
    canonical = tree.xpath("//link[@rel='canonical']/@href", smart_strings=False)
    src.url = (canonical[0] if canonical else None) or next(iter(src.meta.get("og:url", [])), None)
    return src


def _json_ld(tree: Any, src: PageSources) -> None:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        for obj in _objects(data):
            kinds = obj.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and ARTICLE_TYPES.search(k) for k in kinds):
                src.articles.append(obj)
            elif "WebPage" in kinds:
                src.pages.append(obj)
                src.ld_other.append(obj)
            else:
                src.ld_other.append(obj)
    _resolve_authors(src)


def _resolve_authors(src: PageSources) -> None:
    """An Article's ``author`` given as ``{"@id": ...}`` is the object of that id elsewhere on
    the page (Yoast and Rank Math write the Person once in the ``@graph``)."""
    ids = {o["@id"]: o for o in src.ld_other if isinstance(o.get("@id"), str)}
    for article in src.articles:
        authors = article.get("author")
        listed = authors if isinstance(authors, list) else [authors]
        if any(_reference(a) for a in listed):
            resolved = [ids.get(a["@id"], a) if _reference(a) else a for a in listed]
            article["author"] = resolved if isinstance(authors, list) else resolved[0]


def _reference(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("@id"), str) and "name" not in value


def _objects(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    """Top-level objects of a JSON-LD block: lists and ``@graph`` flattened."""
    if depth > 3:
        return []
    if isinstance(data, list):
        return [o for item in data for o in _objects(item, depth + 1)]
    if not isinstance(data, dict):
        return []
    if "@graph" in data:
        return _objects(data["@graph"], depth + 1)
    main = data.get("mainEntity")
    found = [data]
    if isinstance(main, dict) and "@type" in main:
        found += _objects(main, depth + 1)
    return found


@dataclass
class _Named:
    """The elements :func:`_named_elements` finds, each list in page order."""

    bylines: list[Any] = field(default_factory=list)
    datelines: list[Any] = field(default_factory=list)
    dated: list[Any] = field(default_factory=list)  # <time>, date microdata outside <meta>
    author_links: list[Any] = field(default_factory=list)  # links to an author's page


def _named_elements(tree: Any) -> _Named:
    """Byline, dateline, dated and author-link elements: one walk of the page, in place of
    two XPath scans whose class tests were 4.7 of gather's 6.4 ms a WCXB page (now 3.9 ms),
    and of two more for <time>/microdata dates and author links: gather 12.2 ms a page
    against 13.0 on the 3,317 pages of ScrapingHub, WCXB, Dragnet dev and fundus (a loaded
    machine), the same sources on each."""
    found = _Named()
    for top in TOP_ELEMENTS(tree):
        for node in top.iter(etree.Element):
            names, tag, prop = node.get("class"), node.tag, node.get("itemprop")
            if (names is not None and BYLINE_CLASS.search(names)) or \
                    node.get("rel") == "author" or prop == "author" or \
                    "author" in (node.get("id") or ""):
                found.bylines.append(node)
            if names is not None and (names == "time" or DATELINE_CLASS.search(names)) and \
                    tag not in NOT_DATELINE:
                found.datelines.append(node)
            if tag == "time" or (prop in DATED_PROPS and tag != "meta"):
                found.dated.append(node)
            if tag == "a" and any(part in (node.get("href") or "") for part in AUTHOR_PATHS):
                found.author_links.append(node)
    return found


def _bylines(nodes: list[Any]) -> list[str]:
    """Texts of byline-like elements outside scripts, asides and footers, in page order."""
    out: list[str] = []
    for node in nodes:
        if not isinstance(node.tag, str) or node.tag in ("meta", "link", "script", "style", "body",
                                                          "html", "img"):
            continue
        if _in_chrome(node):
            continue
        text = clean(" ".join(node.itertext()))  # pieces apart: "By<a>Emma</a>" -> "By Emma"
        if text and len(text) < 200:
            out.append(text)
    return out


def _author_links(links: list[Any]) -> list[str]:
    """Texts of links to an author's page (``/author/jane-doe``) outside teaser blocks."""
    out = []
    for node in links:
        text = clean(node.text_content())
        if text and len(text) < 80 and not _in_teaser(node):
            out.append(text)
    return out


def _dated(tree: Any, nodes: list[Any]) -> list[tuple[str, str]]:
    """Dates stated by elements, each named by where it stands: ``time:headline`` (beside the
    headline), ``time:teaser`` (in a related-article or comment block), ``time:page``;
    microdata as ``itemprop:<name>`` (``:teaser`` appended inside such a block)."""
    h1 = next(iter(tree.iter("h1")), None)
    near = [a for a in h1.iterancestors()][:HEADLINE_REACH] if h1 is not None else []
    out: list[tuple[str, str]] = []
    for node in nodes:
        value = clean(node.get("datetime") or node.get("content") or node.text_content())
        if not value:
            continue
        teaser = _in_teaser(node)
        if node.get("itemprop"):
            out.append((f"itemprop:{node.get('itemprop')}" + (":teaser" if teaser else ""), value))
        elif teaser:
            out.append(("time:teaser", value))
        else:
            headline = any(a in near for a in node.iterancestors())
            out.append(("time:headline" if headline else "time:page", value))
    return out


def _datelines(nodes: list[Any]) -> list[tuple[str, str]]:
    """Short visible datelines ('Published March 9, 2026'), label removed; ``dateline:updated``
    when the label says so, ``dateline:teaser`` inside a teaser block."""
    out: list[tuple[str, str]] = []
    for node in nodes:
        text = clean(" ".join(node.itertext()))
        if not text or len(text) > MAX_DATELINE or len(node) > 3:
            continue
        kind = "teaser" if _in_teaser(node) else "updated" if UPDATED.search(text) else ""
        out.append(("dateline" + (f":{kind}" if kind else ""), DATELINE_LABEL.sub("", text)))
    return out


def _in_chrome(node: Any) -> bool:
    """Inside the page's aside, footer or nav, or one whose class names a teaser block. An
    aside or footer inside an <article> is the article's own (its author box, its meta bar:
    HTML's sectioning), where a byline sits."""
    for anc in node.iterancestors(*TEASER_TAGS):
        if not IN_ARTICLE(anc) or TEASER.search(f"{anc.get('class') or ''} {anc.get('id') or ''}"):
            return True
    return False


def _in_teaser(node: Any) -> bool:
    """Inside a related-article, recommendation or comment block (the <body> is none)."""
    for anc in node.iterancestors():
        if anc.tag in ("body", "html"):
            return False
        names = f"{anc.get('class') or ''} {anc.get('id') or ''}"
        if anc.tag in TEASER_TAGS or TEASER.search(names):
            return True
    return False
