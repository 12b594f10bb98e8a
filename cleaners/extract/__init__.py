"""Extract step: an HTML page to its article text."""
from cleaners.extract.html import Extraction, extract_html
from cleaners.extract.parse import parse_html

__all__ = ["Extraction", "extract_html", "parse_html"]
