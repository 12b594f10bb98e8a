"""newsclean: clean scraped news articles, dedupe them, group stories, score them.

The Python API (the same runner as the ``newsclean`` command)::

    import newsclean
    article = newsclean.clean(html_bytes, url="https://example.com/a")
    for record in newsclean.clean_many(["seeds"], config=newsclean.Config()):
        print(record.to_dict())

Its names are imported on first use (:pep:`562`), so that ``import newsclean`` (and the
CLI, which lives here) stays fast and never imports the pipeline, let alone Prefect.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from cleaners.lazy import lazy_names

if TYPE_CHECKING:
    from cleaners.config import Config
    from cleaners.record import Article
    from newsclean.api import clean, clean_many

__all__ = ["Article", "Config", "clean", "clean_many"]
_HOMES = {"Article": "cleaners.record", "Config": "cleaners.config",
          "clean": "newsclean.api", "clean_many": "newsclean.api"}


__getattr__ = lazy_names(__name__, _HOMES, globals())


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
