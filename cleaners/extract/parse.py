"""Parse a page once for every reader of it; refuse trees too deep to be a real page."""
from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from cleaners.config import ExtractConfig
from cleaners.record import InputError


# A start tag this long is hostile or an inlined data URI: libxml2 checks attributes for
# duplicates pairwise (200,000 attributes take minutes) and htmldate scans every value.
OVERSIZED_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]{0,40})[^<>]{20000,}>")


def defuse_html(html: str) -> tuple[str, int]:
    """``html`` with the attributes of start tags over 20,000 characters dropped, and how many."""
    return OVERSIZED_TAG.subn(r"<\1>", html)


def parse_html(html: str, config: ExtractConfig) -> Any:
    """An lxml tree of ``html``, or :class:`InputError` for broken or hostile markup."""
    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, TypeError, etree.ParserError) as exc:
        raise InputError("broken_html", f"the page does not parse as HTML: {exc}") from None
    if _deeper_than(tree, config.max_html_depth):
        raise InputError("too_deep", f"HTML nested over {config.max_html_depth} levels deep")
    return tree


def _deeper_than(tree: Any, limit: int) -> bool:
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in node)
    return False
