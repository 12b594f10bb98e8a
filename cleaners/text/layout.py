"""A dump's lines with what its layout says: paragraph, indentation, links, headings.

Renderers keep different traces of the markup they dropped: inscriptis indents nested
blocks, html2text and other Markdown writers keep links (``[text](url)``), images and
``#`` headings, text-mode browsers hard-wrap each paragraph at 72-100 columns. Each line
keeps its readable text (link text, no URL, no image, no heading or emphasis marks) and the traces as
signals, so the line model sees them and the body never does.

Blocks before lines: in a hard-wrapped dump, a line that the wrap broke (the next line's
first word would not have fitted on it) is joined with the next into one block, so a
paragraph is judged as a whole; a list or a menu keeps its lines, since its items end
short of the width.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

BULLET_START = re.compile(r"^\s*(?:[*\u2022\u00b7+-]|\d{1,3}[.)])\s")
WRAP_MIN_LINES = 8  # fewer long lines than this: too little text to call a wrap width
WRAP_BAND = 0.8  # a wrapped line fills at least this share of the width...
WRAP_BROKEN = 6  # ...and a wrap broke at least this many of them (the next word did not fit)
WRAP_BROKEN_SHARE = 0.5  # and at least this share of the full lines that have a next line

MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
MD_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
MD_HEADING = re.compile(r"^#{1,6}\s+")
# Markdown marks, read only in a dump that is Markdown (it has a link or a heading): in
# plain text or an extractor's output an asterisk is the author's ("f****** grifters",
# "*Sharks begin circling*"). Emphasis as CommonMark delimits it, but never inside a word:
# ``**strong**``, ``*em*``, ``__strong__``, ``_em_`` (``2 * 3 * 4``, a bullet's ``* ``, an
# escaped ``\*``, snake_case and ``f*ck`` are none)
MD_EMPHASIS = re.compile(r"(?<![\w\\*])(\*\*|\*)(?=[^\s*])(.+?)(?<=[^\s*\\])\1(?![\w*])"
                         r"|(?<![\w_\\])(__|_)(?=[^\s_])(.+?)(?<=[^\s_\\])\3(?![\w_])")
# html2text's strong whose closing marks follow a space (``**Wei Zheng, **Chief Officer``)
MD_LOOSE_STRONG = re.compile(r"(?<![\w*])\*\*(?=[^\s*])([^*]+?\s)\*\*(?=\w)")
# a Markdown writer's backslash escapes (``1\. Item``, ``\- note``, ``\(IaaS\)``)
MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
MD_TRACE = re.compile(r"\]\([^)\s]*\)|^#{1,6}\s", re.MULTILINE)


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
    wrapped: int = 1  # lines of the dump this block was rebuilt from
    prose: bool = False  # a prose paragraph (lines.is_body_paragraph), set by the chrome step
    words: int = 0  # its word count, set with ``prose``
    tokens: list[str] | None = None  # its words (lines.words), found once by the chrome step


def read_line(raw: str, para: int, markdown: bool = False) -> tuple[Line, int]:
    """The line of ``raw`` (one line of the dump) and how many Markdown marks it lost;
    ``markdown``: the dump is Markdown, so its emphasis and escapes are read too."""
    text = raw.strip()
    images = links = heading = linked = 0
    if "](" in text:  # every Markdown link and image has it: most lines skip both scans
        text, images = MD_IMAGE.subn("", text)
        linked = sum(len(m.group(1).strip()) for m in MD_LINK.finditer(text))
        text, links = MD_LINK.subn(lambda m: m.group(1), text)
        text = text.strip()
    if text.startswith("#"):
        text, heading = MD_HEADING.subn("", text)
        text = text.strip()
    emphasis = escapes = 0
    if markdown and ("*" in text or "_" in text):
        text, emphasis = MD_EMPHASIS.subn(lambda m: m.group(2) or m.group(4), text)
        if "**" in text:
            text, loose = MD_LOOSE_STRONG.subn(r"\1", text)
            emphasis += loose
    if markdown and "\\" in text:
        text, escapes = MD_ESCAPE.subn(r"\1", text)
    line = Line(text, para, indent=len(raw) - len(raw.lstrip()),
                link=min(linked / max(len(text), 1), 1.0), heading=bool(heading))
    return line, images + links + emphasis + escapes


def split_lines(text: str) -> tuple[list[Line], int]:
    """The non-empty lines of ``text`` (blank lines part paragraphs), hard-wrapped lines
    joined into their blocks, and the Markdown marks removed from them."""
    out, marks = [], 0
    width = wrap_width(text)
    markdown = ("](" in text or "#" in text) and MD_TRACE.search(text) is not None
    for para, block in enumerate(text.split("\n\n")):
        raws = unwrap(block.split("\n"), width) if width else block.split("\n")
        for raw, count in raws if width else ((r, 1) for r in raws):
            line, removed = read_line(raw, para, markdown)
            line.wrapped = count
            marks += removed
            if line.text:
                out.append(line)
    return out, marks


def wrap_width(text: str) -> int | None:
    """The column a text-mode renderer wrapped ``text`` at, or None when it is not wrapped:
    hardly any line goes past it, and the lines that end within its last fifth are lines
    the wrap broke: the next line's first word would not have fitted (:func:`_continues`),
    for ``WRAP_BROKEN`` of them and ``WRAP_BROKEN_SHARE`` of those followed by a line.

    The share of full lines among all lines, the test before, missed the wrap of a page
    whose menus and teasers outnumber its paragraphs: 810 of the 6,490 wrapped dumps of
    bench/textdump.py's pages (Dragnet wrap100: 390 of 1,381), whose paragraphs were then
    judged line by line; this misses 280 (Dragnet wrap100: 125), and reads a wrap into 22
    of the 10,342 unwrapped dumps (69 before). Without the list-item rule: 291 and 21;
    8 and 0.5: 428 missed, 17; 6 and 0.7: 398, 15."""
    raws = text.split("\n")
    lengths = sorted(len(raw.rstrip()) for raw in raws if len(raw.strip()) >= 20)
    if len(lengths) < WRAP_MIN_LINES:
        return None
    width = max(n for n in lengths if n <= 1.05 * lengths[int(0.95 * (len(lengths) - 1))])
    if not 40 <= width <= 160:
        return None
    full = broken = 0
    for last, raw in zip(raws, raws[1:]):  # a list item never continues a line
        if WRAP_BAND * width <= len(last.rstrip()) <= width and raw.strip() \
                and not BULLET_START.match(raw):
            full += 1
            broken += _continues(last, raw, width)
    return width if broken >= max(WRAP_BROKEN, WRAP_BROKEN_SHARE * full) else None


def unwrap(raws: list[str], width: int) -> list[tuple[str, int]]:
    """The lines of one paragraph with each line the wrap broke joined to the next: (text,
    how many lines it was)."""
    out: list[tuple[str, int]] = []
    last = ""  # the physical line before ``raw``
    for raw in raws:
        if out and last and _continues(last, raw, width):
            text, count = out[-1]
            text = text.rstrip()  # a wrap after a compound's hyphen ('India-|Russia') joins tight
            glue = "" if re.search(r"\w-$", text) and raw.strip()[:1].isalnum() else " "
            out[-1] = (f"{text}{glue}{raw.strip()}", count + 1)
        else:
            out.append((raw, 1))
        last = raw
    return out


def _continues(last: str, raw: str, width: int) -> bool:
    """``raw`` continues the line ``last``: its first word would not have fitted at the
    end of it (the wrap broke there), and it is not a new list item."""
    words = raw.split(None, 1)
    if not words or BULLET_START.match(raw):
        return False
    return len(last.rstrip()) + 1 + len(words[0]) > width


def join_lines(lines: list[Line]) -> str:
    paragraphs: dict[int, list[str]] = {}
    for line in lines:
        if line.drop is None:
            paragraphs.setdefault(line.para, []).append(line.text)
    return "\n\n".join("\n".join(p) for p in paragraphs.values())
