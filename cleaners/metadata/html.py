"""What a page states about its article: read from the parsed tree, never modifying it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trafilatura.metadata import extract_metadata


@dataclass
class PageMeta:
    title: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    credit: str | None = None
    site: str | None = None
    url: str | None = None
    language: str | None = None  # declared by the page (<html lang>), not detected


def page_metadata(tree: Any, url: str | None) -> PageMeta:
    doc = extract_metadata(tree, default_url=url)
    lang = tree.get("lang") if tree is not None else None
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return PageMeta(title=doc.title, date=doc.date, authors=authors, site=doc.sitename,
                    url=doc.url, language=(lang or "").split("-")[0].lower() or None)
