"""The article minimum: a cleaned body shorter than one paragraph of prose is no article.

What is left of a page or dump once its chrome has gone can be a lone prompt ("Read more
from The Daily Outlet") or a caption: the record is a ``not_article`` skip, not an article
of 31 characters. A headline-only record (its body is its title, as in the UCI headline
set) is what it says it is and stays an article. Length is counted as text is displayed: a
wide (East Asian) character counts two columns, so a sentence of Japanese or Chinese, which
says in 40 characters what English says in 80, is not judged by a Latin yardstick.
"""
from __future__ import annotations

import unicodedata

from cleaners.record import Article

ALL_CHROME = "every line is site chrome (navigation, prompts, teasers): no article text"


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def width(text: str) -> int:
    """Display columns: two for a wide or full-width character, one for any other."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def short_body(body: str, title: str | None, min_chars: int) -> str | None:
    """Why ``body`` is under the article minimum of ``min_chars`` columns (characters; wide
    ones count two), or None when it is an article (long enough, or the record's
    ``title``)."""
    if len(body) >= min_chars or (title and _flat(body) == _flat(title)):
        return None
    columns = width(body)
    if columns >= min_chars:
        return None
    shown = body if len(body) <= 60 else body[:57] + "..."
    return (f"the cleaned body is {columns} characters wide, under the article minimum of "
            f"{min_chars} (one paragraph of prose): {shown!r}")


def not_article(art: Article, min_chars: int) -> str | None:
    """Why ``art`` is no article (no body left, or a body under the minimum), or None."""
    return short_body(art.body, art.title, min_chars) if art.body else ALL_CHROME


def require_article(art: Article, min_chars: int) -> bool:
    """True when ``art`` is still an article after a later step cut its body; else it is
    skipped as ``not_article`` with the reason."""
    why = not_article(art, min_chars)
    if why:
        art.fail("not_article", why, "skipped")
    return why is None
