"""Metadata step: title, date, authors, credit, site and language as a reader sees them."""
from cleaners.metadata.html import PageMeta, page_metadata

__all__ = ["PageMeta", "page_metadata"]
