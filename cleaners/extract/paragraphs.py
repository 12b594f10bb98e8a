"""Paragraph-level cleanup of the extractor's output: headline, link lists, teasers.

The extractor's text has lost its links, yet "this paragraph is all links" is the surest
sign of a related-stories list or a "Read more: <link>" teaser. So links are marked in
the tree before extraction with two rare printable brackets (the extractor drops
non-printable characters), and each output line's share of linked text is read back
from them before the marks are removed.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cleaners.record import Change
from cleaners.text.lexicon import match_line

LINK_OPEN, LINK_CLOSE = "\u27e6", "\u27e7"  # mathematical white square brackets
_LINK_SPAN = re.compile(f"{LINK_OPEN}([^{LINK_OPEN}{LINK_CLOSE}]*){LINK_CLOSE}")
_MARKS = str.maketrans("", "", LINK_OPEN + LINK_CLOSE)
_SPACES = re.compile(r"\s+")
# an unlinked label before the link of an inline teaser: "Related: ", "READ MORE: " (a title
# with a colon inside the link, "Chapter 1: SEO 101", is no label)
_TEASER_LABEL = re.compile(r"^\W*(?:\w+[\s'\u2019-]+){0,3}\w+\s*:\s*" + LINK_OPEN)
_SHOUTED = 0.8  # share of upper-case letters: a headline link in capitals ("SEAN SPICER ...")


@dataclass(frozen=True)
class Rules:
    headline_lines: int  # how many leading lines may be the headline
    min_headline_chars: int
    trailing_link_share: float  # trailing lines at least this linked are dropped
    link_line_share: float  # a line at least this linked is dropped, unless in the article
    prose_chars: int  # a line of prose: this long, under half linked


def mark_links(tree: Any, html: str) -> bool:
    """Bracket the text of every non-empty link to another page; False (no marks) if the
    page uses the brackets. A link to a fragment of this page (``href="#benefits"``) is no
    way out of it: a heading's own anchor, a table of contents."""
    if LINK_OPEN in html or LINK_CLOSE in html:
        return False
    for link in tree.iter("a"):
        if (link.get("href") or "").startswith("#") or not "".join(link.itertext()).strip():
            continue
        link.text = LINK_OPEN + (link.text or "")
        if len(link):
            link[-1].tail = (link[-1].tail or "") + LINK_CLOSE
        else:
            link.text += LINK_CLOSE
    return True


def unmark(text: str) -> str:
    return text.translate(_MARKS)


def link_share(line: str) -> float:
    """The share of a marked line's characters that are link text."""
    linked = sum(len(m.group(1).strip()) for m in _LINK_SPAN.finditer(line))
    return linked / (len(unmark(line).strip()) or 1)


def headline_candidates(tree: Any) -> set[str]:
    """Normalised texts the page gives as its headline: <title>, og:title, <h1>."""
    texts = tree.xpath("//title/text()|//meta[@property='og:title']/@content")
    texts += [h1.text_content() for h1 in tree.iter("h1")]
    return {norm for norm in (_normalise(str(t)) for t in texts) if norm}


def clean_lines(lines: list[str], headlines: set[str], rules: Rules) -> tuple[list[str], list[Change]]:
    """Drop the headline, link-list lines and trailing teasers; return kept lines unmarked.

    A link line before the first line of prose is the page's header (menus, breadcrumbs,
    tags); after it, one is the article's own (a list of resources, chapters, products)
    unless it reads as an inline teaser (:func:`_teaser`).
    """
    drop: dict[int, str] = {}
    for i, line in enumerate(lines[:rules.headline_lines]):
        if _is_headline(unmark(line), headlines, rules.min_headline_chars):
            drop[i] = "drop_headline"
    for i in range(len(lines) - 1, -1, -1):  # a teaser block closing the page
        if i in drop:
            continue
        if link_share(lines[i]) < rules.trailing_link_share:
            break
        drop[i] = "drop_trailing_links"
    prose = False
    for i, line in enumerate(lines):
        share = link_share(line)
        if i not in drop and share >= rules.link_line_share:
            if not prose:
                drop[i] = "drop_link_line"
            elif _teaser(line):
                drop[i] = "drop_teaser_link"
        prose = prose or (share < 0.5 and len(unmark(line)) >= rules.prose_chars)
    kept = [unmark(line) for i, line in enumerate(lines) if i not in drop]
    return kept, list(_changes(lines, drop))


def _teaser(line: str) -> bool:
    """A (marked) link line inside the article that points away from it: a label before
    the link ("Related: ...", "Read more: ..."), a headline in capitals, a chrome phrase."""
    text = unmark(line).strip()
    letters = [ch for ch in text if ch.isalpha()]
    shouted = len(letters) >= 12 and sum(ch.isupper() for ch in letters) >= _SHOUTED * len(letters)
    return shouted or bool(_TEASER_LABEL.match(line.strip())) or match_line(text) is not None


def _changes(lines: list[str], drop: dict[int, str]) -> Iterable[Change]:
    for i in sorted(drop):
        yield Change("extract", drop[i], unmark(lines[i]).strip())


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def _is_headline(line: str, headlines: set[str], min_chars: int) -> bool:
    """The line is a headline, or the headline part of a '<headline> - <site>' or
    '<site> | <headline>' title."""
    text = _normalise(line)
    if len(text) < min_chars:
        return False
    return any(text == h or (h.startswith(text) and len(text) > len(h) / 2)
               or (text in h and len(text) > 2 * min_chars) for h in headlines)
