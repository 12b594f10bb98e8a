"""Site templates: a short line that several articles of one site carry is that site's chrome.

The CCNet idea, per site, computed deterministically: lines are compared after
normalisation, counted once per article, and a line counts as template when at least
``min_articles`` articles and ``min_share`` of the site's articles carry it. Long lines are
never template: a background paragraph a site reuses is text reuse, which the originality
score measures, not chrome.

Within one batch (:func:`strip_templates`, the per-article path's last step) the batch's
articles are the evidence. Across batches and runs, :class:`SiteLines` keeps a site's
counts (the corpus step saves them in the store): there the articles seen before count too,
so a site with one or two articles per batch loses its template lines as well.

A site's copies of one article (a re-crawl, a re-post, an update: word 3-grams' Jaccard at
least ``copy_jaccard``, estimated from a bottom-k :func:`sketch`) count as one article: the
short lines they share are that article's, not the site's.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zlib import crc32

import numpy as np

from cleaners.config import TemplateConfig
from cleaners.record import Article, Change

STEP = "site_template"


def site_key(art: Article) -> str | None:
    """The site an article belongs to: its site name, else its URL's host."""
    if art.site:
        return art.site.strip().lower()
    if art.url:
        host = urlsplit(art.url).hostname or ""
        return host.removeprefix("www.") or None
    return None


def _key(line: str) -> str:
    """A line as compared: whitespace runs as one space, trimmed, lower case."""
    return " ".join(line.split()).lower()


def counted(art: Article) -> str | None:
    """The site whose evidence ``art`` is (an article with a body and a site), else None."""
    return site_key(art) if art.live else None


def article_lines(art: Article, config: TemplateConfig) -> set[str]:
    """The normalised short lines ``art`` carries, once each: those of its body and those
    an earlier template step already took out of it."""
    most = config.max_words  # (split no further than that: paragraphs can be long)
    lines = {_key(line) for line in (art.body or "").splitlines()
             if 0 < len(line.split(None, most)) <= most}
    return lines | {_key(c.text) for c in art.changes if c.step == STEP}


Sketch = tuple[int, ...]


def sketch(body: str, config: TemplateConfig) -> Sketch:
    """The ``sketch_size`` smallest hashes of the word 3-grams of ``body`` (lower case),
    sorted: deterministic across processes and runs, so a store keeps them."""
    words = body.lower().split()
    if len(words) < 3:
        words = [" ".join(words)] if words else []
    h = np.fromiter(map(crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    if len(h) >= 3:
        h = h[:-2] * np.uint64(0x9E3779B97F4A7C15) + h[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F) + h[2:]
        h = (h ^ (h >> np.uint64(29))) * np.uint64(0x94D049BB133111EB)
        h = h >> np.uint64(32)
    return tuple(np.unique(h)[:config.sketch_size].tolist())


def copy_of(mark: Sketch, sketches: Iterable[Sketch], config: TemplateConfig) -> bool:
    """Whether ``mark`` is of the same article as one of ``sketches``: the shared share of
    the smallest hashes of the two's union (a bottom-k Jaccard estimate) is at least
    ``copy_jaccard``."""
    values, need = set(mark), config.copy_jaccard
    for other in sketches:
        both = values.intersection(other)
        if not both or len(both) < need * min(len(mark), len(other)):
            continue  # (a cheap bound: the estimate is at most this)
        union = sorted(values.union(other))[:config.sketch_size]
        if sum(v in both for v in union) >= need * len(union):
            return True
    return False


def distinct(arts: list[Article], config: TemplateConfig) -> list[Article]:
    """``arts`` less each article that is a copy of an earlier one (:func:`copy_of`)."""
    kept: list[tuple[Article, Sketch]] = []
    for art in arts:
        mark = sketch(art.body or "", config)
        if not copy_of(mark, (seen for _, seen in kept), config):
            kept.append((art, mark))
    return [art for art, _ in kept]


def template_lines(arts: list[Article], config: TemplateConfig) -> dict[str, set[str]]:
    """Per site, the normalised lines that are its template within ``arts`` (a site's
    copies of one article counting once)."""
    by_site: dict[str, list[Article]] = defaultdict(list)
    for art in arts:
        if site := counted(art):
            by_site[site].append(art)
    templates = {}
    for site, members in by_site.items():
        if len(members) < config.min_articles:
            continue
        members = distinct(members, config)
        if len(members) < config.min_articles:
            continue
        counts: Counter[str] = Counter()
        for art in members:
            counts.update(article_lines(art, config))
        needed = max(config.min_articles, config.min_share * len(members))
        found = {line for line, n in counts.items() if n >= needed}
        if found:
            templates[site] = found
    return templates


def drop_lines(art: Article, lines: set[str]) -> bool:
    """Remove ``lines`` (normalised) from the body of ``art``, noting each removal; True when
    the body changed."""
    if not lines or not art.body:
        return False
    most = max(key.count(" ") + 1 for key in lines)  # words: longer lines need no key
    kept_paragraphs, dropped = [], False
    for paragraph in art.body.split("\n\n"):
        kept = []
        for line in paragraph.split("\n"):
            if len(line.split(None, most)) <= most and _key(line) in lines:
                art.changes.append(Change(STEP, "drop_template", line))
                dropped = True
            else:
                kept.append(line)
        if kept:
            kept_paragraphs.append("\n".join(kept))
    art.body = "\n\n".join(kept_paragraphs)
    return dropped


def strip_templates(arts: list[Article], config: TemplateConfig) -> list[Article]:
    """Remove each site's template lines within ``arts`` from its articles' bodies, noting
    each removal; the articles changed."""
    templates = template_lines(arts, config)
    return [art for art in arts
            if (site := counted(art)) and drop_lines(art, templates.get(site, set()))]


@dataclass
class SiteLines:
    """One site's template evidence across batches and runs: how many of its articles were
    counted (``articles``), and per normalised short line on how many of them it was
    (``lines``: line -> [articles, the value of ``seen`` when it was last counted]).

    Bounded: every ``site_window`` articles the counts halve (a line's weight halves with
    each window since it was seen, and a line seen once goes), and a site keeps at most
    ``max_site_lines`` lines, the least counted and longest unseen going first. The
    sketches of the last ``site_window`` articles counted (``docs``) tell a copy of one
    of them, which is not counted again."""

    articles: int = 0
    seen: int = 0  # articles ever counted: the clock of ``lines``' last-seen marks
    lines: dict[str, list[int]] = field(default_factory=dict)
    docs: list[Sketch] = field(default_factory=list)

    def known(self, mark: Sketch, config: TemplateConfig) -> bool:
        """Whether an article of sketch ``mark`` is a copy of one counted recently."""
        return copy_of(mark, self.docs, config)

    def add(self, lines: Iterable[str], config: TemplateConfig, mark: Sketch = ()) -> None:
        """Count one article carrying ``lines`` (normalised, each once), of sketch ``mark``."""
        if mark:
            self.docs.append(mark)
            del self.docs[:-config.site_window]
        self.articles += 1
        self.seen += 1
        for line in lines:
            entry = self.lines.setdefault(line, [0, 0])
            entry[0] += 1
            entry[1] = self.seen
        if self.articles >= config.site_window:
            self.articles //= 2
            self.lines = {k: [n // 2, last] for k, (n, last) in self.lines.items() if n >= 2}
        if len(self.lines) > config.max_site_lines:
            ranked = sorted(self.lines.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
            self.lines = dict(ranked[:config.max_site_lines])

    def template(self, config: TemplateConfig) -> set[str]:
        """The lines on ``min_articles`` or more and ``min_share`` of the counted articles."""
        needed = max(config.min_articles, config.min_share * self.articles)
        return {line for line, (n, _) in self.lines.items() if n >= needed}


def strip_known(arts: list[Article], sites: dict[str, SiteLines], config: TemplateConfig,
                marks: list[Sketch] | None = None) -> list[Article]:
    """Count the articles of ``arts`` into their sites' evidence (``sites`` holds a
    :class:`SiteLines` for each of their sites; a copy of an article counted before is not
    counted), then remove each site's template lines from them, noting each removal; the
    articles changed. ``marks`` are the :func:`sketch` of each live article
    (:attr:`Article.live`), in order, when a worker computed them."""
    live = [art for art in arts if art.live]
    if marks is None:
        marks = [sketch(art.body or "", config) for art in live]
    members = [(art, site, article_lines(art, config), mark) for art, mark in zip(live, marks)
               if (site := counted(art))]
    for art, site, lines, mark in members:
        if not sites[site].known(mark, config):
            sites[site].add(sorted(lines), config, mark)
    templates = {site: sites[site].template(config) for site in {s for _, s, _, _ in members}}
    return [art for art, site, lines, _ in members
            if not lines.isdisjoint(templates[site]) and drop_lines(art, templates[site])]
