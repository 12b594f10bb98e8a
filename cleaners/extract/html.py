"""HTML to article text.

1. prune the tree: comments, tags that never hold prose, elements named as chrome;
2. mark links, then trafilatura (fast mode: one extractor per page, for throughput);
3. jusText, with the page language's stoplist, where trafilatura returns too little;
4. drop the headline, link-list lines and trailing teaser links from the result.
Every removal of text is a :class:`Change`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import justext
import trafilatura

from cleaners.config import ExtractConfig
from cleaners.extract.paragraphs import Rules, clean_lines, headline_candidates, mark_links
from cleaners.extract.prune import prune_chrome, strip_chrome_tags
from cleaners.stoplists import stoplist
from cleaners.extract.embedded import embedded_article
from cleaners.record import Change, InputError


@dataclass
class Extraction:
    body: str
    changes: list[Change] = field(default_factory=list)
    signals: dict[str, Any] = field(default_factory=dict)


def extract_html(html: str, tree: Any, url: str | None, config: ExtractConfig) -> Extraction:
    """The article text of a page. ``tree`` is ``html`` parsed; it is modified."""
    headlines = headline_candidates(tree)
    language = (tree.get("lang") or "").strip()
    strip_chrome_tags(tree, config.drop_tags.split())
    changes = prune_chrome(tree, frozenset(config.chrome_tokens.split()), config.chrome_max_share)
    marked = mark_links(tree, html)
    lines, dropped = _cleaned(_trafilatura(tree, url, config), headlines, marked, config)
    body, extractor = "\n\n".join(lines), "trafilatura"
    if _too_little(body, dropped, config):
        fallback = _cleaned(_justext(html, language), headlines, False, config)[0]
        if sum(map(len, fallback)) > len(body):
            body, extractor = "\n\n".join(fallback), "justext"
    if len(body) < config.min_text_chars:
        embedded, where = embedded_article(html)
        if len(embedded) > len(body):
            body, extractor = "\n\n".join(_cleaned(embedded, headlines, False, config)[0]), where
    changes += dropped
    if len(body) < config.min_text_chars:
        raise InputError("not_article", f"the page has {len(body)} characters of article "
                         f"text, under {config.min_text_chars}: not an article page")
    return Extraction(body=body, changes=changes,
                      signals={"extractor": extractor, "extract_dropped": len(changes)})


def _cleaned(text: str, headlines: set[str], marked: bool,
             config: ExtractConfig) -> tuple[list[str], list[Change]]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return clean_lines(lines, headlines, _rules(config)) if marked else (lines, [])


def _too_little(body: str, dropped: list[Change], config: ExtractConfig) -> bool:
    """Too short, or mostly link lines: trafilatura took a navigation block for the article."""
    removed = sum(len(change.text) for change in dropped)
    return len(body) < config.min_text_chars or removed > len(body)


def _trafilatura(tree: Any, url: str | None, config: ExtractConfig) -> str:
    """trafilatura's text; ``deduplicate`` stays off (its cache is process-global)."""
    return trafilatura.extract(
        tree, url=url, fast=config.fast, favor_precision=config.favor_precision,
        include_comments=config.include_comments, include_tables=True,
        deduplicate=False) or ""


def _justext(html: str, language: str) -> str:
    """jusText's good paragraphs, judged with the stopwords of the page's language."""
    stops = stoplist(language) or frozenset()
    low_high = {} if stops else {"stopwords_low": 0.0, "stopwords_high": 0.0}
    paragraphs = justext.justext(html.encode("utf-8", "replace"), stops, **low_high)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _rules(config: ExtractConfig) -> Rules:
    return Rules(headline_lines=config.headline_lines,
                 min_headline_chars=config.min_headline_chars,
                 trailing_link_share=config.trailing_link_share,
                 link_line_share=config.link_line_share)
