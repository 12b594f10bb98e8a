"""DOM pruning before extraction: remove what is page chrome by structure alone.

Two kinds of element go: tags that never carry article prose (scripts, navigation,
footers, asides, form controls) and elements whose class/id names them as chrome
(``related``, ``newsletter``, ``share`` ...). A smaller tree is also a faster one: the
extractor copies and walks the whole tree several times.
"""
from __future__ import annotations

import re
from typing import Any

from lxml import etree

from cleaners.record import Change

_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
# never removed on a class/id match: they are (or hold) the page itself
_CONTAINER_TAGS = frozenset({"html", "body", "main", "article"})


def strip_chrome_tags(tree: Any, tags: list[str]) -> None:
    """Remove comments, processing instructions and ``tags`` (with their content).

    Comments matter beyond chrome: trafilatura parses its own input with comments removed,
    and a tree that keeps them extracts worse (F1 0.9607 against 0.9641 on ScrapingHub).
    """
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, *tags,
                         with_tail=False)


def attribute_tokens(element: Any) -> set[str]:
    """The lower-cased words of an element's class and id (``share-bar`` -> share, bar)."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return {token for token in _TOKEN_SPLIT.split(names) if token}


def prune_chrome(tree: Any, chrome_tokens: frozenset[str], max_share: float) -> list[Change]:
    """Drop elements named as chrome by a class/id word or by their tag (``figcaption``).

    An element holding more than ``max_share`` of the page's paragraph text is kept
    whatever its name: a wrapper called ``post-with-share-bar`` is the article.
    """
    candidates = [el for el in tree.iter("*") if _is_chrome(el, chrome_tokens)]
    if not candidates:
        return []
    total = _paragraph_chars(tree) or 1
    changes = []
    for element in candidates:
        if _detached(element, tree) or _paragraph_chars(element) > max_share * total:
            continue
        text = " ".join(element.text_content().split())
        element.drop_tree()
        if text:
            changes.append(Change("extract", "drop_chrome", text))
    return changes


def _is_chrome(element: Any, chrome_tokens: frozenset[str]) -> bool:
    tag = element.tag
    if not isinstance(tag, str) or tag in _CONTAINER_TAGS:
        return False
    return tag in chrome_tokens or not chrome_tokens.isdisjoint(attribute_tokens(element))


def _paragraph_chars(element: Any) -> int:
    return sum(len(p.text_content()) for p in element.iter("p"))


def _detached(element: Any, root: Any) -> bool:
    """True when an ancestor was already dropped (the element is no longer in the page)."""
    node = element
    while node is not None:
        if node is root:
            return False
        node = node.getparent()
    return True
