"""HTML-to-text renderers of our own: what scrapers that lost the markup hand over.

Dev code for the line corpus (scripts/linecorpus.py): never imported by ``cleaners/``.
One walk of the lxml tree turns a page into *blocks* (a paragraph, a heading, a list item,
a table row, a run of inline text between blocks), as a browser lays them out; each
renderer then writes the blocks its own way:

- :func:`browser`: ``document.body.innerText`` as the HTML standard defines it: a line per
  block, a blank line around each ``<p>`` (its required line break count of 2), table
  cells parted by tabs, no bullets, hidden elements skipped (the seeds' kind of dump).
- :func:`wrapped`: a text-mode browser's dump (lynx, w3m, links): each block hard-wrapped
  at ``width`` columns with a left ``margin``, list items with a ``bullet`` and a hanging
  indent, a blank line between paragraphs and headings, none between list items.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from lxml import html as lxml_html

SKIP = {"script", "style", "noscript", "template", "head", "iframe", "svg", "object",
        "embed", "select", "option", "button", "canvas", "map", "audio", "video", "input"}
BLOCK = {"p", "div", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
         "article", "header", "footer", "nav", "aside", "ul", "ol", "dl", "table", "tbody",
         "thead", "blockquote", "pre", "form", "fieldset", "figure", "figcaption", "main",
         "address", "center", "hr", "caption", "details", "summary", "menu", "body"}
SPACE = re.compile(r"\s+")
HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass
class Block:
    kind: str  # "p", "h", "li", "tr", "pre" or "text" (inline text between blocks)
    text: str
    depth: int = 0  # list nesting


def _parse(page: str):
    tree = lxml_html.document_fromstring(page.encode("utf-8", "replace"))
    return tree.find("body") if tree.find("body") is not None else tree


def blocks(page: str) -> list[Block]:
    """The page's visible text as blocks, in document order."""
    out: list[Block] = []
    parts: list[str] = []
    state = {"kind": "text", "depth": 0}

    def flush() -> None:
        text = SPACE.sub(" ", "".join(parts)).strip()
        if text:
            out.append(Block(state["kind"], text, state["depth"]))
        parts.clear()

    def walk(el, depth: int) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in SKIP or el.get("hidden") is not None \
                or HIDDEN.search(el.get("style") or ""):
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in BLOCK
        if block:
            flush()
            state["kind"] = _kind(tag)
            state["depth"] = depth
        if tag == "br":
            flush()
        elif tag in ("td", "th"):
            parts.append("\t")
        if el.text:
            parts.append(el.text)
        inner = depth + (tag in ("ul", "ol", "dl"))
        for child in el:
            walk(child, inner)
            if isinstance(child.tag, str) and child.tag in BLOCK:
                state["kind"], state["depth"] = "text", depth
        if block:
            flush()
        if el.tail:
            parts.append(el.tail)

    walk(_parse(page), 0)
    flush()
    return out


def _kind(tag: str) -> str:
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return "h"
    if tag in ("li", "dt", "dd"):
        return "li"
    return {"p": "p", "tr": "tr", "pre": "pre", "blockquote": "p"}.get(tag, "text")


def browser(page: str) -> str:
    """``innerText``: a line per block, a blank line around paragraphs, tabs between cells."""
    lines: list[str] = []
    for block in blocks(page):
        text = block.text.replace("\t", " ").strip() if block.kind != "tr" else \
            "\t".join(c.strip() for c in block.text.split("\t") if c.strip())
        if block.kind == "p":
            lines += ["", text, ""]
        else:
            lines.append(text)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def wrapped(page: str, width: int = 80, margin: int = 0, bullet: str = "*") -> str:
    """A text-mode browser's dump, hard-wrapped at ``width`` columns."""
    out: list[str] = []
    last = ""
    for block in blocks(page):
        text = SPACE.sub(" ", block.text.replace("\t", " ")).strip()
        lead = " " * margin
        if block.kind == "li":
            indent = lead + "  " * block.depth
            first, rest = f"{indent}{bullet} ", indent + " " * (len(bullet) + 1)
        else:
            first = rest = lead
        if block.kind in ("p", "h", "pre") or (block.kind != last and out):
            out.append("")
        out += textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                             break_long_words=False, break_on_hyphens=False) or [first]
        if block.kind == "h":
            out.append("")
        last = block.kind
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n") + "\n"
