"""Site templates: a short line that several articles of one site carry is that site's chrome.

The CCNet idea, per site and per batch, computed deterministically: lines are compared
after normalisation, counted once per article, and a line counts as template when at least
``min_articles`` articles and ``min_share`` of the site's articles in the batch carry it.
Long lines are never template: a background paragraph a site reuses is text reuse, which
the originality score measures, not chrome.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from urllib.parse import urlsplit

from cleaners.config import TemplateConfig
from cleaners.record import Article, Change


def site_key(art: Article) -> str | None:
    """The site an article belongs to: its site name, else its URL's host."""
    if art.site:
        return art.site.strip().lower()
    if art.url:
        host = urlsplit(art.url).hostname or ""
        return host.removeprefix("www.") or None
    return None


def _key(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip().lower()


def template_lines(arts: list[Article], config: TemplateConfig) -> dict[str, set[str]]:
    """Per site, the normalised lines that are its template."""
    by_site: dict[str, list[Article]] = defaultdict(list)
    for art in arts:
        if art.status == "ok" and art.body and (site := site_key(art)):
            by_site[site].append(art)
    templates = {}
    for site, members in by_site.items():
        if len(members) < config.min_articles:
            continue
        counts: Counter[str] = Counter()
        for art in members:
            counts.update({_key(line) for line in art.body.splitlines()
                           if 0 < len(line.split()) <= config.max_words})
        needed = max(config.min_articles, config.min_share * len(members))
        found = {line for line, n in counts.items() if n >= needed}
        if found:
            templates[site] = found
    return templates


def strip_templates(arts: list[Article], config: TemplateConfig) -> list[Article]:
    """Remove each site's template lines from its articles' bodies, noting each removal;
    the articles changed."""
    templates = template_lines(arts, config)
    changed = []
    for art in arts:
        lines = templates.get(site_key(art) or "")
        if not lines or not art.body:
            continue
        changed.append(art)
        kept_paragraphs = []
        for paragraph in art.body.split("\n\n"):
            kept = []
            for line in paragraph.split("\n"):
                if _key(line) in lines:
                    art.changes.append(Change("site_template", "drop_template", line))
                else:
                    kept.append(line)
            if kept:
                kept_paragraphs.append("\n".join(kept))
        art.body = "\n\n".join(kept_paragraphs)
    return changed
