"""Parse a page once for every reader of it; refuse trees too deep to be a real page.

The page is text by now (the read step decoded it), so an XML declaration's
``encoding="..."`` is stale: lxml refuses a str that carries one ("Unicode strings with
encoding declaration are not supported"), and jusText would re-decode by it. It is dropped.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from cleaners.config import ExtractConfig
from cleaners.record import InputError


# Characters XML forbids: lxml keeps them in a parsed tree, then refuses to rewrite that text.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# the same but the surrogates (which only a failed UTF-8 encoding reveals), one by one
FORBIDDEN_CHARS = tuple(map(chr, [*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0xfffe, 0xffff]))
# A start tag this long is hostile or an inlined data URI: libxml2 checks attributes for
# duplicates pairwise (200,000 attributes take minutes) and htmldate scans every value.
# (Possessive: a failed match does not retry every shorter tag name, a third of the time.)
OVERSIZED_CHARS = 20000
OVERSIZED_TAG = re.compile(rf"<([a-zA-Z][a-zA-Z0-9:-]{{0,40}}+)[^<>]{{{OVERSIZED_CHARS},}}+>")
# An XHTML page's first line: <?xml version="1.0" encoding="iso-8859-1"?> (after a BOM or
# blank lines at most).
XML_DECLARATION = re.compile(r"\A[\ufeff\s]*<\?xml\b[^<>]{0,300}\?>", re.IGNORECASE)


_PARSERS = threading.local()  # lxml parsers are not to be shared between threads


def html_parser() -> Any:
    """lxml.html's parser with its element classes looked up in C: every element is an
    ``HtmlElement`` (no ``FormElement``/``InputElement`` subclasses, which nothing here or
    in trafilatura, htmldate and jusText uses). lxml.html's own lookup is a Python method
    called for every element proxy, about a million calls per hundred pages: WCXB dev,
    the same pipeline alternating page by page, 3.7% faster, every body identical on
    1,678 pages (WCXB dev and ScrapingHub)."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = lxml_html.HTMLParser()
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity))
    return parser


def drop_xml_declaration(html: str) -> str:
    """``html`` without a leading ``<?xml ...?>`` declaration."""
    match = XML_DECLARATION.match(html)
    return html[match.end():] if match else html


def defuse_html(html: str) -> tuple[str, int]:
    """``html`` with the attributes of start tags over 20,000 characters dropped, and how
    many, without an XML declaration and without the control characters XML forbids (lxml
    keeps them in the tree, then refuses every rewrite of that text): every later reader of
    the page parses this text."""
    html = drop_xml_declaration(html)
    if _forbidden(html):
        html = XML_FORBIDDEN.sub("", html)
    if not _oversized(html):
        return html, 0
    return OVERSIZED_TAG.subn(r"<\1>", html)


def _oversized(html: str) -> bool:
    """``html`` holds a start tag :data:`OVERSIZED_TAG` matches, found without scanning the
    page with it (0.5 ms a page). Such a tag's run of 20,000 characters without ``<`` or
    ``>`` covers a whole block of 10,000 at a multiple of 10,000; the ``<`` before that
    block opens it. So only the blocks free of both are looked at, and the regex is tried
    at the one ``<`` before each: on 3,059 pages (ScrapingHub, WCXB and Dragnet dev) 0.004
    ms a page for the blocks, the same 75 pages found."""
    block = OVERSIZED_CHARS // 2
    for start in range(0, len(html) - block + 1, block):
        end = start + block
        if html.find(">", start, end) < 0 and html.find("<", start, end) < 0:
            opening = html.rfind("<", 0, start)
            if opening >= 0 and OVERSIZED_TAG.match(html, opening):
                return True
    return False


def _forbidden(html: str) -> bool:
    """``html`` holds a character XML forbids. One substring search per character (in C, at
    memory speed) and a UTF-8 encoding for the surrogates: 0.8 ms a WCXB page against
    1.5 ms for the character-class scan, which now runs only where one is found."""
    if any(char in html for char in FORBIDDEN_CHARS):
        return True
    try:
        html.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_html(html: str, config: ExtractConfig) -> Any:
    """An lxml tree of ``html``, or :class:`InputError` for broken or hostile markup."""
    try:
        tree = lxml_html.document_fromstring(drop_xml_declaration(html), parser=html_parser())
    except (ValueError, TypeError, etree.ParserError) as exc:
        raise InputError("broken_html", f"the page does not parse as HTML: {exc}") from None
    if _deeper_than(tree, config.max_html_depth):
        raise InputError("too_deep", f"HTML nested over {config.max_html_depth} levels deep")
    return tree


def _deeper_than(tree: Any, limit: int) -> bool:
    """An element ``limit + 1`` levels down exists: one XPath step per level, in C (a
    Python walk of every node cost a tenth of the HTML path)."""
    return bool(_depth_probe(limit)(tree))


@lru_cache(maxsize=4)
def _depth_probe(limit: int) -> Any:
    return etree.XPath("boolean(" + "/*" * (limit + 1) + ")")
