"""Chrome on text that lost its markup: classify each line, read the header, cut the tail.

Signals come from lines.py (structure) and lexicon.py (phrases); this module decides:
- the header zone (lines before the first prose paragraph) holds navigation, the title,
  bylines and credit lines: they leave the body and become metadata;
- anywhere, lexicon lines, timestamp-only lines, embed footers and repeats of the title go;
- the tail: from a tail marker ('Related Posts', 'Leave a Reply', a paywall prompt) after
  the story, the rest goes when most of it is chrome-like too (teasers come in clusters).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from cleaners.record import Change
from cleaners.text import lines as L
from cleaners.text.lexicon import Entry, match_line, strip_bullet

TAIL_CHROME_SHARE = 0.75  # share of chrome-like lines after a tail marker for a cut


@dataclass
class TextMeta:
    title: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    credit: str | None = None
    truncated: bool | None = None


@dataclass
class Line:
    text: str
    para: int
    drop: str | None = None  # why the line goes, None to keep
    tail_marker: bool = False


def split_lines(text: str) -> list[Line]:
    out = []
    for para, block in enumerate(text.split("\n\n")):
        out += [Line(t.strip(), para) for t in block.split("\n") if t.strip()]
    return out


def join_lines(lines: list[Line]) -> str:
    paragraphs: dict[int, list[str]] = {}
    for line in lines:
        if line.drop is None:
            paragraphs.setdefault(line.para, []).append(line.text)
    return "\n\n".join("\n".join(p) for p in paragraphs.values())


def strip_chrome(text: str, stops: frozenset[str], title: str | None = None
                 ) -> tuple[str, TextMeta, list[Change]]:
    """Remove chrome lines from ``text``; ``stops`` are its language's stop words and
    ``title`` the headline when the input already states it."""
    lines = split_lines(text)
    first_body = next((i for i, ln in enumerate(lines) if L.is_body_paragraph(ln.text, stops)),
                      len(lines))
    meta = TextMeta()
    read_header(lines[:first_body], meta)
    meta.title = title or find_title(lines, first_body)
    for i, line in enumerate(lines):
        entry = match_line(line.text)  # once per line: the lexicon is the costliest signal
        if line.drop is None:
            line.drop = classify(line, entry, meta.title, after_body=i > first_body)
        line.tail_marker = i > first_body and entry is not None and entry.tail
    cut_tail(lines, stops)
    if all(ln.drop for ln in lines):  # a headline-only record: its title is its text
        for ln in lines:
            ln.drop = None if ln.drop == "title" else ln.drop
    meta.date = head_date(lines, first_body)
    meta.truncated = judge_truncation(lines)
    changes = [Change("chrome", f"drop_{ln.drop}", ln.text) for ln in lines if ln.drop]
    return join_lines(lines), meta, changes


def read_header(header: list[Line], meta: TextMeta) -> None:
    """Navigation, bylines and credit lines before the first prose paragraph.

    Navigation is the leading run of short bulleted lines: a bulleted list further down
    belongs to the article."""
    leading = True
    for line in header:
        bulleted = line.text != strip_bullet(line.text)
        leading = leading and bulleted
        names = L.byline_names(line.text)
        credit = L.credit_line(line.text)
        if names:
            meta.authors += [n for n in names if n not in meta.authors and not L.credit_line(n)]
            meta.credit = meta.credit or next(filter(None, map(L.credit_line, names)), None)
            line.drop = "byline"
        elif credit:
            meta.credit, line.drop = meta.credit or credit, "credit"
        elif leading and len(L.words(line.text)) <= 12:
            line.drop = "navigation"


def find_title(lines: list[Line], first_body: int) -> str | None:
    """The headline: a headline-like header line the page repeats, else a lone first line."""
    candidates = [strip_bullet(ln.text) for ln in lines[:first_body]
                  if L.is_headline_like(ln.text) and match_line(ln.text) is None
                  and not L.is_timestamp(ln.text)]
    texts = [strip_bullet(ln.text) for ln in lines]
    repeated = [c for c in candidates if texts.count(c) >= 2]
    if repeated:
        return max(repeated, key=len)
    kept = [ln for ln in lines[:first_body] if ln.drop is None]
    if kept and kept[0] is lines[0] and strip_bullet(kept[0].text) in candidates \
            and len(L.words(kept[0].text)) >= 5 and first_body < len(lines):
        return strip_bullet(kept[0].text)
    return None


def head_date(lines: list[Line], first_body: int, reach: int = 3) -> str | None:
    """The date of the first timestamp line near the head; a teaser's date never counts."""
    for line in lines[:first_body + reach]:
        if line.drop == "timestamp":
            return L.line_date(line.text)
    return None


def classify(line: Line, entry: Entry | None, title: str | None,
             after_body: bool) -> str | None:
    """Why a line is chrome (``entry``: its lexicon match, if any), or None to keep it."""
    text = strip_bullet(line.text)
    if title and (text == title or (not after_body and title.startswith(text)
                                    and len(L.words(text)) >= 4)):
        return "title"
    if entry is not None:
        return entry.cls
    if L.is_timestamp(line.text):
        return "timestamp"
    if L.is_embed_footer(line.text):
        return "embed_footer"
    if L.byline_names(line.text):
        return "byline"
    return None


def chrome_like(line: Line, stops: frozenset[str]) -> bool:
    """Lines that teaser lists and page footers are made of."""
    return bool(line.drop) or L.is_teaser_blurb(line.text) or (
        L.is_headline_like(line.text) and not L.is_body_paragraph(line.text, stops))


def cut_tail(lines: list[Line], stops: frozenset[str]) -> None:
    """From the first tail marker whose following lines are mostly chrome-like, drop all."""
    for i, line in enumerate(lines):
        if not line.tail_marker:
            continue
        rest = lines[i + 1:]
        share = sum(chrome_like(ln, stops) for ln in rest) / len(rest) if rest else 1.0
        if share >= TAIL_CHROME_SHARE:
            for ln in lines[i:]:
                ln.drop = ln.drop or "tail"
            return


def judge_truncation(lines: list[Line]) -> bool:
    """Cut by a wall: a paywall prompt right after the last kept line, or a story that
    stops mid-sentence where a paywall prompt stands."""
    kept = [i for i, ln in enumerate(lines) if ln.drop is None]
    walls = [i for i, ln in enumerate(lines) if ln.drop == "paywall"]
    if not walls or not kept:
        return bool(walls)
    last = kept[-1]
    right_after = any(w > last and all(lines[j].drop == "paywall" for j in range(last + 1, w))
                      for w in walls)
    return right_after or not L.ends_sentence(lines[last].text)
