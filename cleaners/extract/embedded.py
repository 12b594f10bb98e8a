"""The article when the page's DOM has none: pages rendered client-side carry it in scripts.

Two sources, tried only after the DOM extractors found too little text:
- JSON-LD ``articleBody`` (schema.org NewsArticle), which many publishers fill;
- HTML held in a JSON string inside a script (Next.js-style state: ``"\\u003cp\\u003e..."``),
  whose paragraphs are read with lxml.
"""
from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
JSON_STRING = re.compile(r'"((?:[^"\\]|\\.){400,})"', re.DOTALL)
ESCAPED_P = re.compile(r"\\u003cp[\s>\\]|<p[\s>]", re.IGNORECASE)


def embedded_article(html: str) -> tuple[str, str]:
    """(text, where it came from) of the longest embedded article, or ("", "")."""
    best, source = "", ""
    for attrs, body in SCRIPT.findall(html):
        if "ld+json" in attrs.lower():
            text, where = _article_body(body), "json_ld"
        elif ESCAPED_P.search(body):
            text, where = _script_html(body), "script_html"
        else:
            continue
        if len(text) > len(best):
            best, source = text, where
    return best, source


def _article_body(script: str) -> str:
    try:
        data = json.loads(script)
    except ValueError:
        return ""
    bodies = [o.get("articleBody") for o in _objects(data)]
    return max((b for b in bodies if isinstance(b, str)), key=len, default="").strip()


def _objects(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    if depth > 6:
        return []
    if isinstance(data, list):
        return [o for item in data for o in _objects(item, depth + 1)]
    if isinstance(data, dict):
        return [data] + _objects(data.get("@graph", []), depth + 1)
    return []


def _script_html(script: str) -> str:
    """Paragraphs of the longest JSON string in ``script`` that holds HTML paragraphs."""
    best = ""
    for literal in JSON_STRING.findall(script):
        if not ESCAPED_P.search(literal):
            continue
        try:
            fragment = json.loads(f'"{literal}"')
        except ValueError:
            continue
        text = _paragraph_text(fragment)
        if len(text) > len(best):
            best = text
    return best


def _paragraph_text(fragment: str) -> str:
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    paragraphs = (" ".join(p.text_content().split()) for p in root.iter("p"))
    return "\n".join(p for p in paragraphs if p)
