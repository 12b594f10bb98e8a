"""Extract step: an HTML page to its article text.

``extract_html`` (trafilatura, jusText: 0.2 s to import) loads on first use (:pep:`562`),
so that a run of text inputs, which parses no HTML, never imports them;
``cleaners.extract.parse`` needs lxml alone.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from cleaners.lazy import lazy_names

if TYPE_CHECKING:
    from cleaners.extract.html import Extraction, extract_html
    from cleaners.extract.parse import parse_html

__all__ = ["Extraction", "extract_html", "parse_html"]
_HOMES = {"Extraction": "cleaners.extract.html", "extract_html": "cleaners.extract.html",
          "parse_html": "cleaners.extract.parse"}


__getattr__ = lazy_names(__name__, _HOMES, globals())
