"""HTML to article text: trafilatura first, jusText where trafilatura returns too little."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import justext
import trafilatura

from cleaners.config import ExtractConfig
from cleaners.record import Change, InputError


@dataclass
class Extraction:
    body: str
    changes: list[Change] = field(default_factory=list)
    signals: dict[str, Any] = field(default_factory=dict)


def extract_html(html: str, tree: Any, url: str | None, config: ExtractConfig) -> Extraction:
    """The article text of a page. ``tree`` is ``html`` parsed; it may be modified."""
    body = trafilatura.extract(
        tree, url=url, favor_precision=config.favor_precision,
        include_comments=config.include_comments, include_tables=True, deduplicate=False) or ""
    extractor = "trafilatura"
    if len(body) < config.min_text_chars:
        fallback = _justext(html)
        if len(fallback) > len(body):
            body, extractor = fallback, "justext"
    if len(body.strip()) < config.min_text_chars:
        raise InputError("not_article", f"the page has {len(body.strip())} characters of "
                         f"article text, under {config.min_text_chars}: not an article page")
    return Extraction(body=_paragraphs(body), signals={"extractor": extractor})


def _justext(html: str) -> str:
    stoplist = justext.get_stoplist("English")
    paragraphs = justext.justext(html.encode("utf-8", "replace"), stoplist)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _paragraphs(text: str) -> str:
    """trafilatura separates paragraphs with one newline; the record uses a blank line."""
    lines = [line.strip() for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)
