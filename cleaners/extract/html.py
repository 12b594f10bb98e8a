"""HTML to article text.

1. prune the tree: comments, tags that never hold prose, elements named as chrome, each
   unless it holds most of the page's prose;
2. mark links, then trafilatura (fast mode: one extractor per page, for throughput); when
   that leaves out the page's list items of prose, its recall mode (the lists its fallback
   skips) if that brings them back;
3. when that keeps too little of the page's prose, trafilatura's full mode (readability
   and jusText compared) on the same pruned tree, the longer result winning; when even
   that is too short to be an article, the extraction is redone on the unpruned page;
4. jusText, with the page language's stoplist, where trafilatura returns too little, and
   the JSON-LD or script-held article where the DOM has none;
5. drop the headline, trailing teaser links, link lines before the article's first prose
   and inline teaser links ("Related: ...") from the result.
Every removal of text is a :class:`Change`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import justext
import trafilatura

from cleaners.config import ExtractConfig
from cleaners.extract.paragraphs import (Rules, clean_lines, headline_candidates, mark_links,
                                         unmark)
from cleaners.extract.parse import parse_html
from cleaners.extract.prune import (prose_chars, prose_runs, prune_chrome,
                                    strip_chrome_tags, strip_code)
from cleaners.stoplists import stoplist
from cleaners.extract.embedded import embedded_article
from cleaners.record import Change, InputError


@dataclass
class Extraction:
    body: str
    changes: list[Change] = field(default_factory=list)
    signals: dict[str, Any] = field(default_factory=dict)


def extract_html(html: str, tree: Any, url: str | None, config: ExtractConfig) -> Extraction:
    """The article text of a page. ``tree`` is ``html`` parsed; it is modified."""
    headlines = headline_candidates(tree)
    language = (tree.get("lang") or "").strip()
    prose = prose_chars(tree, config.prose_run_chars)
    pruned, marked = _prune(html, tree, prose, config)
    text, extractor = _trafilatura(tree, url, config.fast, config), "trafilatura"
    if config.fast:
        text, extractor = _with_lists(tree, url, text, config)
    lines, dropped = _cleaned(text, headlines, marked, config)
    merged = _merged(lines, config)
    if config.fast and (merged or _collapsed(lines, prose, config)):
        full, full_dropped = _cleaned(_trafilatura(tree, url, False, config), headlines,
                                      marked, config)  # full mode, unless that ran
        if _chars(full) > _chars(lines) or merged and _regrouped(full, lines, config):
            lines, dropped, extractor = full, full_dropped, "trafilatura_full"
    if _chars(lines) < config.min_text_chars:
        whole, whole_dropped = _unpruned(html, url, headlines, config)
        if _chars(whole) > _chars(lines):
            pruned = [_redo_change(pruned, whole, prose)]
            lines, dropped, extractor = whole, whole_dropped, "trafilatura_unpruned"
    body = "\n\n".join(lines)
    if _too_little(body, dropped, config):
        fallback = _cleaned(_justext(html, language), headlines, False, config)[0]
        if _chars(fallback) > len(body):
            body, extractor = "\n\n".join(fallback), "justext"
    if len(body) < config.min_text_chars:
        embedded, where = embedded_article(html)
        if len(embedded) > len(body):
            body, extractor = "\n\n".join(_cleaned(embedded, headlines, False, config)[0]), where
    if len(body) < config.min_text_chars:
        raise InputError("not_article", f"no extractor (trafilatura pruned and unpruned, "
                         f"jusText, embedded JSON) finds article text: {len(body)} "
                         f"characters, under {config.min_text_chars}")
    changes = pruned + dropped
    return Extraction(body=body, changes=changes,
                      signals={"extractor": extractor, "extract_dropped": len(changes)})


def _prune(html: str, tree: Any, prose: int, config: ExtractConfig) -> tuple[list[Change], bool]:
    """The tree without its chrome tags and chrome-named elements, links marked: the
    elements pruned, and whether the links could be marked."""
    limit, run = int(config.chrome_max_share * prose), config.prose_run_chars
    changes = strip_chrome_tags(tree, config.drop_tags.split(), limit, run)
    changes += prune_chrome(tree, frozenset(config.chrome_tokens.split()), limit, run)
    return changes, mark_links(tree, html)


def _unpruned(html: str, url: str | None, headlines: set[str],
              config: ExtractConfig) -> tuple[list[str], list[Change]]:
    """Full trafilatura (its readability and jusText comparison) on the unpruned page."""
    tree = parse_html(html, config)
    strip_code(tree)
    marked = mark_links(tree, html)
    return _cleaned(_trafilatura(tree, url, False, config), headlines, marked, config)


def _with_lists(tree: Any, url: str | None, text: str,
                config: ExtractConfig) -> tuple[str, str]:
    """The fast text, or trafilatura's recall mode where that keeps more of the prose that
    the page's list items hold.

    trafilatura's fallback for a page whose article container it cannot name reads the
    paragraphs of the whole page but no lists; its recall mode reads lists (and divs) too.
    That fallback's mark: the fast text holds ``list_other_share`` or more of the prose
    outside lists, yet leaves out over ``list_miss_share`` of the prose in list items.
    """
    items, others = prose_runs(tree, config.prose_run_chars)
    if not items:
        return text, "trafilatura"
    flat = _flat(text)
    kept = _covered(items, flat)
    if kept >= (1 - config.list_miss_share) * len(items):
        return text, "trafilatura"
    if _covered(others, flat) < config.list_other_share * len(others):
        return text, "trafilatura"  # the page is missed as a whole, not its lists
    recall = _trafilatura(tree, url, True, config, recall=True)
    if _covered(items, _flat(recall)) > kept and len(recall) > len(text):
        return recall, "trafilatura_recall"
    return text, "trafilatura"


def _flat(text: str) -> str:
    """An extraction as one line: links unmarked, whitespace collapsed as in the runs."""
    return " ".join(unmark(text).split())


def _covered(runs: list[str], flat: str) -> int:
    """How many of ``runs`` the flattened text holds (by their first 40 characters)."""
    return sum(run[:40] in flat for run in runs)


def _collapsed(lines: list[str], prose: int, config: ExtractConfig) -> bool:
    """The extraction kept too little of the page's prose, or too little to be an article."""
    kept = _chars(lines)
    return kept < config.min_text_chars or kept < config.collapse_share * prose


def _merged(lines: list[str], config: ExtractConfig) -> bool:
    """trafilatura's fallback glued the page into one paragraph: one line of
    ``merged_line_chars`` or more holds most of the text."""
    longest = max(map(len, lines), default=0)
    return longest >= config.merged_line_chars and 2 * longest >= _chars(lines)


def _regrouped(full: list[str], glued: list[str], config: ExtractConfig) -> bool:
    """Full mode gives a glued extraction back in paragraphs, with half its text or more."""
    return not _merged(full, config) and 2 * _chars(full) >= _chars(glued)


def _redo_change(changes: list[Change], lines: list[str], prose: int) -> Change:
    """The discarded pruning as one Change: what it removed, by reason, stays in the page."""
    reasons = Counter(c.why for c in changes if c.action == "drop_chrome")
    return Change("extract", "undo_pruning",
                  "; ".join(f"{why} x{n}" for why, n in reasons.most_common()),
                  count=sum(reasons.values()),
                  why=f"the pruned extraction kept too little of the page's {prose} "
                      f"characters of prose; re-extracted without pruning "
                      f"({_chars(lines)} characters)")


def _chars(lines: list[str]) -> int:
    return sum(map(len, lines))


def _cleaned(text: str, headlines: set[str], marked: bool,
             config: ExtractConfig) -> tuple[list[str], list[Change]]:
    """The extractor's lines after the line rules, unless those would leave no article:
    a page that is all link lines (a listing, an index) keeps them."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not marked:
        return lines, []
    kept, dropped = clean_lines(lines, headlines, _rules(config))
    if _chars(kept) < config.min_text_chars:
        return [unmark(line) for line in lines], []
    return kept, dropped


def _too_little(body: str, dropped: list[Change], config: ExtractConfig) -> bool:
    """Too short, or mostly link lines: trafilatura took a navigation block for the article."""
    removed = sum(len(change.text) for change in dropped)
    return len(body) < config.min_text_chars or removed > len(body)


def _trafilatura(tree: Any, url: str | None, fast: bool, config: ExtractConfig,
                 recall: bool = False) -> str:
    """trafilatura's text; ``deduplicate`` stays off (its cache is process-global)."""
    return trafilatura.extract(
        tree, url=url, fast=fast, favor_precision=config.favor_precision and not recall,
        favor_recall=recall,
        include_comments=config.include_comments, include_tables=True,
        deduplicate=False) or ""


def _justext(html: str, language: str) -> str:
    """jusText's good paragraphs, judged with the stopwords of the page's language."""
    stops = stoplist(language) or frozenset()
    low_high = {} if stops else {"stopwords_low": 0.0, "stopwords_high": 0.0}
    # encoding: the bytes are UTF-8 whatever the page's <meta charset> says (jusText obeys it)
    paragraphs = justext.justext(html.encode("utf-8", "replace"), stops, encoding="utf-8",
                                 **low_high)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _rules(config: ExtractConfig) -> Rules:
    return Rules(headline_lines=config.headline_lines,
                 min_headline_chars=config.min_headline_chars,
                 trailing_link_share=config.trailing_link_share,
                 link_line_share=config.link_line_share,
                 prose_chars=config.prose_run_chars)
