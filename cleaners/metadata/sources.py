"""Everything a page states about itself, gathered once from the parsed tree (read-only).

The choosers (title, authors, dates) work on this plain record, never on the tree, so each
rule can be tested with a few strings and the tree is walked only a handful of times.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

ARTICLE_TYPES = re.compile(r"(article|posting|report)$", re.I)
SPACE = re.compile(r"\s+")
# byline containers: class/id/itemprop/rel naming the author, not the author's bio box
BYLINE_XPATH = (
    "//*[@rel='author' or @itemprop='author' or contains(concat(' ', @class, ' '), 'byline')"
    " or contains(@class, 'author') or contains(@class, 'Author') or contains(@class, 'autor')"
    " or contains(@class, 'Autor') or contains(@id, 'author') or contains(@class, 'byline')"
    " or contains(@class, 'Byline')]")


@dataclass
class PageSources:
    """Candidates for each field, each list in page order."""

    articles: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD Article objects
    ld_other: list[dict[str, Any]] = field(default_factory=list)  # WebSite, Organization, ...
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-case name/property -> values
    title_tag: str | None = None
    h1s: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)  # text of byline-like elements
    lang: str | None = None  # <html lang>
    url: str | None = None  # canonical link or og:url


def clean(text: Any) -> str:
    """A one-line string: whitespace collapsed, invisible characters dropped."""
    if not isinstance(text, str):
        return ""
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    return SPACE.sub(" ", text).strip()


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
    src.h1s = [t for t in (clean(h.text_content()) for h in tree.iter("h1")) if t]
    src.bylines = _bylines(tree)
    canonical = tree.xpath("//link[@rel='canonical']/@href")
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
            else:
                src.ld_other.append(obj)


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


def _bylines(tree: Any) -> list[str]:
    """Texts of byline-like elements outside scripts, asides and footers, in page order."""
    out: list[str] = []
    for node in tree.xpath(BYLINE_XPATH):
        if not isinstance(node.tag, str) or node.tag in ("meta", "link", "script", "style", "body",
                                                          "html", "img"):
            continue
        if node.xpath("ancestor::aside or ancestor::footer or ancestor::nav"):
            continue
        text = clean(" ".join(node.itertext()))  # pieces apart: "By<a>Emma</a>" -> "By Emma"
        if text and len(text) < 200:
            out.append(text)
    return out
