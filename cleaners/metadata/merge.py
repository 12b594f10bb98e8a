"""The page's metadata completed from the text, and the record of where each value came from.

The text step reads a title, a byline and a timestamp from the lines before the first prose
paragraph (:class:`cleaners.text.chrome.TextMeta`); a dump's header states its date. These are
more candidates: the page's stated title and authors win over the text's, and the text's dates
join the ranked date choice (:func:`cleaners.metadata.dates.choose_date`).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from cleaners.config import MetadataConfig
from cleaners.metadata.authors import same_names
from cleaners.metadata.choice import Candidate, Choice, override
from cleaners.metadata.dates import same_day
from cleaners.metadata.html import PageMeta, set_date
from cleaners.metadata.title import same_title
from cleaners.text.chrome import TextMeta

SAME = {"title": same_title, "date": same_day, "authors": same_names,
        "credit": lambda a, b: a == b}


def merge_text(meta: PageMeta, text_meta: TextMeta, trust_byline: bool,
               config: MetadataConfig, crawled: date) -> None:
    """Fill the gaps of ``meta`` from the text; ``trust_byline``: the text's byline counts."""
    if not meta.title and text_meta.title:
        meta.title = text_meta.title
        meta.choices["title"] = override(meta.choices.get("title", Choice(None)), "text",
                                         text_meta.title)
    if text_meta.date:
        meta.date_candidates.append(Candidate("text", text_meta.date))
        set_date(meta, config, crawled)
    if trust_byline and not meta.authors and text_meta.authors:
        meta.authors = list(text_meta.authors)
        meta.choices["authors"] = override(meta.choices.get("authors", Choice(None)), "text",
                                           tuple(text_meta.authors))
    if trust_byline and not meta.credit and text_meta.credit:
        meta.credit = text_meta.credit
        meta.choices["credit"] = Choice(Candidate("text", text_meta.credit))


def dump_date(meta: PageMeta, value: str, config: MetadataConfig, crawled: date) -> None:
    """A text dump's header date is one more candidate."""
    meta.date_candidates.append(Candidate("dump_header", value))
    set_date(meta, config, crawled)


def provenance(meta: PageMeta, hints: dict[str, Any], language: dict[str, Any]) -> dict[str, Any]:
    """``signals.metadata``: per field, the source that won and the candidates that lost.

    An input hint (a JSONL record's own title, date, authors) wins over the page: ``input``.
    """
    out: dict[str, Any] = {}
    for name, same in SAME.items():
        choice = meta.choices.get(name, Choice(None))
        hint = hints.get(name)
        if hint:
            choice = override(choice, "input", tuple(hint) if isinstance(hint, list) else hint)
        out[name] = choice.explain(same)
    out["language"] = language
    return out


def language_source(chosen: str, hint: str | None, declared: str | None,
                    letters: int, min_letters: int) -> dict[str, Any]:
    """Where the language came from: the input, the text (py3langid), the page's declaration."""
    if hint:
        source = "input"
    elif chosen == "und":
        source = None
    elif letters < min_letters and chosen == declared:
        source = "declared"
    else:
        source = "text"
    out: dict[str, Any] = {"source": source}
    if declared and source != "declared":
        out["agree" if declared == chosen else "lost"] = (["declared"] if declared == chosen
                                                         else [["declared", declared]])
    return out
