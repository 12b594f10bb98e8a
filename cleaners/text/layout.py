"""A dump's lines with what its layout says: paragraph, indentation, links, headings.

Renderers keep different traces of the markup they dropped: inscriptis indents nested
blocks, html2text and other Markdown writers keep links (``[text](url)``), images and
``#`` headings. Each line keeps its readable text (link text, no URL, no image, no heading
marks) and the traces as signals, so the line model sees them and the body never does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
MD_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
MD_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass
class Line:
    text: str
    para: int
    indent: int = 0
    link: float = 0.0  # share of the line's characters that were link text
    heading: bool = False
    drop: str | None = None  # why the line goes, None to keep
    why: str | None = None  # the signals behind a model decision
    tail_marker: bool = False


def read_line(raw: str, para: int) -> tuple[Line, int]:
    """The line of ``raw`` (one line of the dump) and how many Markdown marks it lost."""
    text = raw.strip()
    text, images = MD_IMAGE.subn("", text)
    linked = sum(len(m.group(1).strip()) for m in MD_LINK.finditer(text))
    text, links = MD_LINK.subn(lambda m: m.group(1), text)
    text, heading = MD_HEADING.subn("", text.strip())
    text = text.strip()
    line = Line(text, para, indent=len(raw) - len(raw.lstrip()),
                link=min(linked / max(len(text), 1), 1.0), heading=bool(heading))
    return line, images + links


def split_lines(text: str) -> tuple[list[Line], int]:
    """The non-empty lines of ``text`` (blank lines part paragraphs) and the Markdown marks
    removed from them."""
    out, marks = [], 0
    for para, block in enumerate(text.split("\n\n")):
        for raw in block.split("\n"):
            line, removed = read_line(raw, para)
            marks += removed
            if line.text:
                out.append(line)
    return out, marks


def join_lines(lines: list[Line]) -> str:
    paragraphs: dict[int, list[str]] = {}
    for line in lines:
        if line.drop is None:
            paragraphs.setdefault(line.para, []).append(line.text)
    return "\n\n".join("\n".join(p) for p in paragraphs.values())
