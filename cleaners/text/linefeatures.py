"""Measured signals of each line of a text dump and of its neighbours, for the line model.

One row per line, one column per name in :data:`FEATURES`. The line's own signals are
its shape (length, stop-word density in the text's language, sentence end, capitals,
digits, punctuation, separators, bullets, markdown links and headings, indentation), the
rule signals of lines.py and lexicon.py, and its place (position, repeats). The context
signals say where it stands among the prose: before the first or after the last body
paragraph, how far from one, and the share of body paragraphs, words and stop words in
windows of 1, 3 and 8 lines around it (chrome comes in runs: menus, teaser lists,
footers).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from cleaners.text import lines as L
from cleaners.text.layout import Line
from cleaners.text.lexicon import Entry, strip_bullet

DIGIT = re.compile(r"\d")
PUNCTUATION = re.compile(r"[^\w\s]")
URL = re.compile(r"https?://|www\.")
SEPARATORS = re.compile(r"[|\u2022\u00b7\u00bb\u203a/\u2013\u2014]")
COPYRIGHT = re.compile(r"\u00a9|\(c\)|copyright|all rights reserved")  # on lower-cased text
# a comment's or reply's header: 'Jill Winger says', '3. Rachel says:', 'Amy replied'
COMMENT_HEAD = re.compile(r"^[\w .,@'\u2019&-]{1,60}\s(?:says|said|wrote|replied|commented)\b.{0,40}$"
                          r"|^(?:reply|report|report abuse|flag|like|permalink|quote|"
                          r"(?:\d+\s+)?(?:likes?|replies|points?|votes?))\W{0,3}$", re.IGNORECASE)
BLOCK_GAP = 12  # lines without a body paragraph that split two prose blocks
WINDOWS = (1, 3, 8)
WINDOWED = ("body", "words", "stops", "md_link", "separators", "end_sentence", "comment_head",
            "timestamp")  # signals averaged over the lines around each line

OWN = ("words", "chars", "stops", "end_sentence", "end_colon", "capitalised", "all_caps",
       "digits", "punctuation", "separators", "bullet", "md_heading", "md_link", "url",
       "lexicon", "lexicon_tail", "timestamp", "byline", "teaser", "credit", "copyright",
       "indent", "comment_head", "body", "wrapped", "alone", "repeated", "position",
       "position_from_end")
CONTEXT = ("before_first_body", "after_last_body", "body_distance", "doc_body_share",
           "doc_lines", "after_tail_marker", "body_mass_before", "in_main_block",
           "main_block_distance", "words_vs_doc", "short_run") + tuple(
               f"{name}_w{w}" for w in WINDOWS
               for name in WINDOWED)
SHORT = math.log1p(5)  # a line of at most 5 words: menus, teaser lists and footers are runs of them
FEATURES: tuple[str, ...] = OWN + CONTEXT


def own_signals(line: Line, entry: Entry | None, stops: frozenset[str]) -> list[float]:
    """The line's own signals, in :data:`OWN` order but for the four of its place."""
    text = line.text
    plain = strip_bullet(text)
    tokens = line.tokens if line.tokens is not None and plain == text else L.words(plain)
    n, chars = len(tokens), max(len(plain), 1)
    stop_share = sum(map(stops.__contains__, map(str.lower, tokens))) / n if n else 0.0
    return [
        math.log1p(n), math.log1p(len(plain)), stop_share,
        float(L.ends_sentence(plain) and not plain.endswith(":")), float(plain.endswith(":")),
        sum(map(str.isupper, [t[0] for t in tokens])) / n if n else 0.0,
        float(plain.isupper()), len(DIGIT.findall(plain)) / chars,
        len(PUNCTUATION.findall(plain)) / chars,
        math.log1p(len(SEPARATORS.findall(plain))), float(plain != text),
        float(line.heading), line.link, float(bool(URL.search(plain))),
        float(entry is not None), float(entry is not None and entry.tail),
        float(L.is_timestamp(plain)), float(bool(L.byline_names(plain))),
        float(L.is_teaser_blurb(plain)), float(bool(L.credit_line(plain))),
        float(bool(COPYRIGHT.search(plain.lower()))), math.log1p(line.indent),
        float(len(plain) <= 100 and bool(COMMENT_HEAD.match(plain))),
        float(n >= 12 and L.ends_sentence(plain) and stop_share >= 0.2),
        math.log1p(line.wrapped - 1)]


def line_table(lines: Sequence[Line], entries: Sequence[Entry | None],
               stops: frozenset[str]) -> np.ndarray:
    """The feature matrix of a document's lines, one row per line."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    own = np.array([own_signals(line, e, stops) for line, e in zip(lines, entries)])
    counts, sizes = Counter(ln.text for ln in lines), Counter(ln.para for ln in lines)
    place = np.array([[float(sizes[ln.para] == 1), float(counts[ln.text] > 1), i / n,
                       (n - 1 - i) / n] for i, ln in enumerate(lines)])
    own = np.hstack([own, place])
    return np.hstack([own, _context(own, n)])


def _context(own: np.ndarray, n: int) -> np.ndarray:
    col = {name: own[:, i] for i, name in enumerate(OWN)}
    body = col["body"]
    where = np.flatnonzero(body)
    index = np.arange(n)
    if len(where):
        first, last = where[0], where[-1]
        nearest = np.abs(index[:, None] - where[None, :]).min(axis=1)
    else:
        first, last, nearest = n, -1, np.full(n, n)
    tail = np.cumsum(col["lexicon_tail"] * (index > first)) - col["lexicon_tail"] > 0
    mass = np.cumsum(body * col["words"])
    lo, hi = _main_block(where, body * col["words"])
    outside = np.maximum(lo - index, 0) + np.maximum(index - hi, 0)
    columns = [index < first, index > last, np.log1p(nearest),
               np.full(n, body.mean()), np.full(n, math.log1p(n)), tail,
               (mass - body * col["words"]) / max(mass[-1], 1e-9),
               outside == 0, np.log1p(outside), col["words"] - np.median(col["words"]),
               np.log1p(_run_lengths(col["words"] <= SHORT))]
    stack = np.column_stack([col[name] for name in WINDOWED])
    for w in WINDOWS:
        columns.extend(_window_mean(stack, w).T)
    return np.column_stack(columns).astype(float)


def _main_block(where: np.ndarray, weight: np.ndarray) -> tuple[int, int]:
    """First and last line of the run of body paragraphs (gaps under BLOCK_GAP lines) that
    holds the most body words: the article, where teaser blurbs and comments form others."""
    if not len(where):
        return len(weight), -1
    splits = np.flatnonzero(np.diff(where) > BLOCK_GAP) + 1
    runs = np.split(where, splits)
    best = max(runs, key=lambda run: weight[run].sum())
    return int(best[0]), int(best[-1])


def _run_lengths(flags: np.ndarray) -> np.ndarray:
    """For each line, the length of the run of consecutive flagged lines it is in (0 when
    it is not flagged)."""
    out = np.zeros(len(flags))
    start = 0
    for i in range(1, len(flags) + 1):
        if i == len(flags) or flags[i] != flags[start]:
            if flags[start]:
                out[start:i] = i - start
            start = i
    return out


def _window_mean(values: np.ndarray, w: int) -> np.ndarray:
    """Mean of each column of ``values`` over the ``w`` lines on each side, the line itself
    excluded."""
    n = len(values)
    padded = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(values, axis=0)])
    lo = np.maximum(np.arange(n) - w, 0)
    hi = np.minimum(np.arange(n) + w + 1, n)
    total = padded[hi] - padded[lo] - values
    return total / np.maximum(hi - lo - 1, 1)[:, None]
