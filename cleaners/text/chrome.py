"""Chrome on text that lost its markup: classify each line, read the header, cut the tail.

Signals come from lines.py (structure) and lexicon.py (phrases); this module decides:
- the header zone (lines before the first prose paragraph) holds navigation, the title,
  bylines and credit lines: they leave the body and become metadata;
- anywhere, lexicon lines, timestamp-only lines, embed footers and repeats of the title go;
- the tail: from a tail marker ('Related Posts', 'Leave a Reply', a paywall prompt) after
  the story, the rest goes when most of it is chrome-like too (teasers come in clusters).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from cleaners.record import Change
from cleaners.text import lines as L
from cleaners.text.comments import cut_comments
from cleaners.text.layout import Line, join_lines, split_lines
from cleaners.text.linefeatures import FEATURES, line_table
from cleaners.text.linemodel import LineModel
from cleaners.text.lexicon import Entry, match_line, strip_bullet

TAIL_CHROME_SHARE = 0.75  # share of chrome-like lines after a tail marker for a cut
# the whole cut may not keep under this share of the dump's densest prose run (the HTML
# path's article guard, on text): the rules' cut, then the run itself, come back instead
MIN_RUN_KEPT = 0.5
BLOCK_GAP = 12  # lines without a prose paragraph that part two runs of prose
METADATA_DROPS = {"title", "byline", "timestamp", "credit", "embed_footer"}


@dataclass
class TextMeta:
    title: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    credit: str | None = None
    truncated: bool | None = None
    model_note: str | None = None  # the article guard's note, when it undid the cut


def strip_chrome(text: str, stops: frozenset[str], title: str | None = None,
                 model: LineModel | None = None, threshold: float = 0.5,
                 min_run_kept: float = MIN_RUN_KEPT, comments: bool = True
                 ) -> tuple[str, TextMeta, list[Change]]:
    """Remove chrome lines from ``text``; ``stops`` are its language's stop words and
    ``title`` the headline when the input already states it. With a ``model``, a line the
    rules keep goes when the model's P(article text) is under ``threshold``. Whatever the
    cut, it keeps ``min_run_kept`` of the densest prose run (guard_article). ``comments``:
    a reader comment thread after the article goes (comments.py)."""
    lines, marks = split_lines(text)
    for line in lines:
        line.tokens = L.words(line.text)
        line.prose, line.words = L.prose_words(line.text, stops, line.tokens)
    first_body = next((i for i, ln in enumerate(lines) if ln.prose), len(lines))
    entries = [match_line(line.text) for line in lines]  # the lexicon is the costliest signal
    meta = TextMeta()
    read_header(lines[:first_body], entries, meta)
    meta.title = title or find_title(lines, first_body)
    for i, (line, entry) in enumerate(zip(lines, entries)):
        if line.drop is None:
            line.drop = classify(line, entry, meta.title, after_body=i > first_body)
        line.tail_marker = i > first_body and entry is not None and entry.tail
    cuts = [cut_tail(lines, stops), cut_comments(lines, first_body) if comments else None,
            next((i for i, ln in enumerate(lines) if ln.tail_marker and ln.drop == "comments"),
                 None)]  # the article ends where the rules cut, or at a comment form
    article_end = min((c for c in cuts if c is not None), default=len(lines))
    if model is not None:
        judge_lines(lines, line_table(lines, entries, stops), model, threshold)
    guard = guard_article(lines, min_run_kept, article_end)
    meta.model_note = guard.text if guard else None
    if all(ln.drop for ln in lines):  # a headline-only record: its title is its text
        for ln in lines:
            ln.drop = None if ln.drop == "title" else ln.drop
    meta.date = head_date(lines, first_body) or meta.date
    meta.truncated = judge_truncation(lines)
    changes = [Change("chrome", f"drop_{ln.drop}", ln.text, why=ln.why) for ln in lines if ln.drop]
    if guard:
        changes.append(guard)
    if marks:
        changes.append(Change("chrome", "drop_markdown", "link targets, images, heading marks",
                              marks))
    return join_lines(lines), meta, changes


def judge_lines(lines: list[Line], table: np.ndarray, model: LineModel,
                threshold: float) -> None:
    """Lines the rules kept go when the model scores them under ``threshold``; each says
    which signals pulled it down (guard_article undoes them if they take the article)."""
    rows = [i for i, ln in enumerate(lines) if ln.drop is None]
    for i, (p, why) in model.judge(table, rows, threshold).items():
        lines[i].drop, lines[i].why = "line_model", f"p={p:.2f}: {why}"


def prose_run(lines: list[Line], end: int) -> tuple[int, int, int]:
    """(first line, last line, words) of the densest run of prose paragraphs before ``end``
    (where the rules cut the tail or the comment thread): where the article is, whatever
    else the dump holds. A run ends at a gap of BLOCK_GAP lines without prose and at a
    tail marker ('Related Posts', a promotion), so teaser blurbs or reviews after the
    story form runs of their own, and a story after a promotion is one too."""
    best, run = (0, -1, 0), []
    for i in range(end + 1):
        if run and (i == end or lines[i].tail_marker or i - run[-1] > BLOCK_GAP):
            best = max(best, (run[0], run[-1], sum(lines[j].words for j in run)),
                       key=lambda r: r[2])
            run = []
        if i < end and lines[i].prose:
            run.append(i)
    return best


def guard_article(lines: list[Line], min_kept: float = MIN_RUN_KEPT,
                  end: int | None = None) -> Change | None:
    """Never keep under ``min_kept`` of the words of the dump's densest prose run before
    ``end`` (the tail's cut): when the cut does, back off to a safer one (the rules' cut,
    then the whole run but its metadata lines) and say so."""
    lo, hi, size = prose_run(lines, len(lines) if end is None else end)
    if not size:
        return None
    kept = _kept_words(lines)
    if kept >= min_kept * size:
        return None
    steps = []
    for step, span, undo in (
            ("the line model's drops undone", lines, lambda drop: drop == "line_model"),
            ("the run restored", lines[lo:hi + 1], lambda drop: drop not in METADATA_DROPS)):
        for ln in span:
            if ln.drop and undo(ln.drop):
                ln.drop, ln.why = None, None
        steps.append(step)
        if _kept_words(lines) >= min_kept * size:
            break
    return Change("chrome", "article_guard", f"the cut kept {kept} words, under {min_kept:.0%} "
                  f"of the {size} words of the densest prose run: {'; '.join(steps)}")


def _kept_words(lines: list[Line]) -> int:
    return sum(ln.words for ln in lines if ln.drop is None)


def read_header(header: list[Line], entries: list[Entry | None], meta: TextMeta) -> None:
    """Navigation, bylines and credit lines before the first prose paragraph.

    A line of fields parted by separators ('By A | PTI | Updated: Jan 5, 2024 10:20 IST')
    is read field by field. Navigation is the leading run of short bulleted lines: a
    bulleted list further down belongs to the article; a row of short fields parted by
    separators ('Home | India | World') is navigation wherever it stands in the header. A
    navigation phrase ('Skip to content', 'Menu') does not end the leading run."""
    leading = True
    for line, entry in zip(header, entries):
        bulleted = line.text != strip_bullet(line.text)
        navigation = entry is not None and entry.cls == "navigation"  # 'Skip to content'
        leading = leading and (bulleted or navigation)
        fields = header_fields(line.text)
        if fields is not None:
            names, credit, date = fields
            _add_authors(meta, names)
            meta.credit = meta.credit or credit
            meta.date = meta.date or date
            line.drop = "byline" if names else "credit" if credit else "timestamp"
        elif (leading and len(L.words(line.text)) <= 12) or is_menu(line.text):
            line.drop = "navigation"


def header_fields(text: str) -> tuple[list[str], str | None, str | None] | None:
    """(names, credit, date) of a byline, credit or dateline made of such fields only."""
    names, credit, date = [], None, None
    parts = [p for p in L.FIELD_SEPARATOR.split(strip_bullet(text)) if p.strip()]
    for part in parts:
        found = L.byline_names(part)
        if found:
            names += found
        elif L.credit_line(part):
            credit = credit or L.credit_line(part)
        elif len(parts) > 1 and L.is_timestamp(part):
            date = date or L.line_date(part)
        else:
            return None
    return (names, credit, date) if names or credit else None


def _add_authors(meta: TextMeta, names: list[str]) -> None:
    meta.authors += [n for n in names if n not in meta.authors and not L.credit_line(n)]
    meta.credit = meta.credit or next(filter(None, map(L.credit_line, names)), None)


def find_title(lines: list[Line], first_body: int) -> str | None:
    """The headline: a headline-like header line the page repeats, else its Markdown
    heading, else the first such line standing alone (blank lines around it)."""
    candidates = [ln for ln in lines[:first_body]
                  if L.is_headline_like(ln.text) and match_line(ln.text) is None
                  and not L.is_timestamp(ln.text) and ln.link < 0.5 and ln.drop is None
                  and not is_menu(ln.text)]
    texts = [strip_bullet(ln.text) for ln in lines]
    repeated = [t for t in (strip_bullet(c.text) for c in candidates) if texts.count(t) >= 2]
    if repeated:
        return max(repeated, key=len)
    if first_body == len(lines):
        return None
    sizes = Counter(ln.para for ln in lines)
    for pool in ([c for c in candidates if c.heading],
                 [c for c in candidates if (c is lines[0] or sizes[c.para] == 1)
                  and len(L.words(c.text)) >= (3 if c is lines[0] and sizes[c.para] == 1
                                               else 5)]):
        if pool:
            return strip_bullet(pool[0].text)
    return None


def is_menu(text: str) -> bool:
    """A row of short fields parted by separators: 'Home | India | World | Sports'."""
    parts = [p for p in L.FIELD_SEPARATOR.split(strip_bullet(text)) if p.strip()]
    return len(parts) >= 3 and all(len(L.words(p)) <= 3 for p in parts)


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


def cut_tail(lines: list[Line], stops: frozenset[str]) -> int | None:
    """From the first tail marker whose following lines are mostly chrome-like, drop all;
    where the cut starts."""
    for i, line in enumerate(lines):
        if not line.tail_marker:
            continue
        rest = lines[i + 1:]
        share = sum(chrome_like(ln, stops) for ln in rest) / len(rest) if rest else 1.0
        if share >= TAIL_CHROME_SHARE:
            for ln in lines[i:]:
                ln.drop = ln.drop or "tail"
            return i
    return None


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
