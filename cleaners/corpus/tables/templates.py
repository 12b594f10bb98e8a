"""Site template evidence in the store: one row per site, its counted articles and its
short lines' counts (:class:`~cleaners.text.templates.SiteLines`, bounded per site), so the
template lines of a site are known across batches and runs. A batch reads the rows of the
sites it holds and writes them back in its transaction."""
from __future__ import annotations

import json

from cleaners.config import TemplateConfig
from cleaners.record import Article
from cleaners.store import Store
from cleaners.store.tables import chunks
from cleaners.text.templates import SiteLines, Sketch, counted, strip_known

SCHEMA = """
-- site templates: per site the articles counted (halved every site_window), the articles
-- ever counted, and its lines as JSON {line: [articles, last seen]}
CREATE TABLE IF NOT EXISTS template_sites (site TEXT PRIMARY KEY, articles INTEGER NOT NULL,
    seen INTEGER NOT NULL, lines TEXT NOT NULL);
-- and the sketches of its last articles counted, as JSON [[hash, ...], ...] (a store of
-- before this table has none: its sites' earlier copies are not recognised)
CREATE TABLE IF NOT EXISTS template_docs (site TEXT PRIMARY KEY, sketches TEXT NOT NULL);
"""


class TemplateTables:
    """The sites a batch touches, read before it is stripped and written by :meth:`save`."""

    def __init__(self, store: Store, config: TemplateConfig) -> None:
        self.store, self.config = store, config
        store.ensure(SCHEMA)
        self.sites: dict[str, SiteLines] = {}  # the sites touched since the last save

    def strip(self, arts: list[Article], marks: list[Sketch] | None = None) -> list[Article]:
        """Count a batch's articles and remove their sites' template lines, as known from
        every article counted before and this batch (:func:`strip_known`, ``marks`` as
        there); the articles changed."""
        self._load({site for art in arts if (site := counted(art))} - set(self.sites))
        return strip_known(arts, self.sites, self.config, marks)

    def _load(self, sites: set[str]) -> None:
        for part in chunks(sorted(sites)):
            marks = ",".join("?" * len(part))
            for site, articles, seen, lines in self.store.db.execute(
                    "SELECT site, articles, seen, lines FROM template_sites "
                    f"WHERE site IN ({marks})", part):
                self.sites[site] = SiteLines(articles, seen, json.loads(lines))
            for site, sketches in self.store.db.execute(
                    f"SELECT site, sketches FROM template_docs WHERE site IN ({marks})", part):
                if site in self.sites:
                    self.sites[site].docs = [tuple(doc) for doc in json.loads(sketches)]
        for site in sites - set(self.sites):
            self.sites[site] = SiteLines()

    def save(self) -> None:
        """Write the touched sites; call inside the batch's transaction."""
        self.store.db.executemany("INSERT OR REPLACE INTO template_sites VALUES (?, ?, ?, ?)", (
            (site, s.articles, s.seen, json.dumps(s.lines, ensure_ascii=False))
            for site, s in sorted(self.sites.items())))
        self.store.db.executemany("INSERT OR REPLACE INTO template_docs VALUES (?, ?)", (
            (site, json.dumps(s.docs)) for site, s in sorted(self.sites.items())))
        self.sites = {}
