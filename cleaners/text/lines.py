"""Structural signals on one line of text that has lost its markup.

Each function measures one property; the decisions that combine them are in chrome.py.
"""
from __future__ import annotations

import re

from cleaners.text.lexicon import strip_bullet

MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
          "june|july|august|september|october|november|december")
DATE_WORDS = re.compile(
    rf"^(?:{MONTHS}|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|am|pm|a\.m\.|p\.m\.|ist|gmt|utc|est|edt|pst|pdt|cet|cest|bst|updated|published|posted|"
    r"last|on|at|first|\d{1,4}(?:st|nd|rd|th)?|\d{1,2}:\d{2}(?::\d{2})?|\d{4}-\d{2}-\d{2}|"
    r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4})$")
HAS_DATE = re.compile(rf"\b(?:{MONTHS})\b|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}",
                      re.IGNORECASE)
NAME = r"(?:(?:Dr|Mr|Ms|Mrs|Prof)\.?\s+)?[A-Z][\w'\u2019-]*\.?(?:\s+[A-Z][\w'\u2019-]*\.?){0,3}"
TRAILING_DATE = re.compile(rf"\s*[|,\u2013\u2014-]?\s*(?:{MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}.*$",
                           re.IGNORECASE)
BY = r"(?:[Bb][Yy]|BY)"
BYLINE_PREFIX = re.compile(rf"^(?:{BY}\s*)+({NAME}(?:\s*(?:,|and|&)\s*{NAME})*)$")
BYLINE_SUFFIX = re.compile(rf"^({NAME}(?:\s*(?:,|and|&)\s*{NAME})*)\s+{BY}$")
EMBED_FOOTER = re.compile(r"^[\u2014\u2013-]\s*[^()]{1,80}\(@\w{1,30}\)\s*[^()]{0,40}\d{4}$")
FIELD_SEPARATOR = re.compile(r"\s+[|\u2022\u00b7\u2013\u2014]\s+|\s*\|\s*")
WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
TERMINAL = ('.', '!', '?', '"', '\u201d', "'", '\u2019', ':', ')')
# a bracketed source or credit of up to 5 words closing a paragraph, after its sentence
TRAILING_CREDIT = re.compile(r"\s*[\[(]\s*+(?:via\s+)?[^\s\[\]()]++(?:\s++[^\s\[\]()]++){0,4}+"
                             r"\s*+[\])]\s*$")


def words(line: str) -> list[str]:
    return WORD.findall(line)


def stopword_density(line: str, stops: frozenset[str]) -> float:
    tokens = words(line)
    return sum(t.lower() in stops for t in tokens) / len(tokens) if tokens else 0.0


def is_timestamp(line: str) -> bool:
    """Only dates, times and their labels: 'Dec 28, 2023 - 14:42', 'Updated: 5 Jan 2024'."""
    text = strip_bullet(line)
    if len(text) > 80:
        return False
    if not HAS_DATE.search(text) and not re.search(r"\d{1,2}:\d{2}", text):
        return False
    tokens = [t for t in re.split(r"[\s,|\u2013\u2014\-]+", text.lower()) if t]
    return 0 < len(tokens) <= 10 and all(DATE_WORDS.match(t.rstrip(":.")) for t in tokens)


def byline_names(line: str) -> list[str] | None:
    """The names of a byline-only line ('By A and B', 'A By', 'ByByA KumarMay 22, 2025')."""
    if len(line) > 160 or "by" not in line.lower():
        return None  # cheap exits: the regexes below are the text path's costliest
    text = strip_bullet(line).replace("\u00a0", " ")
    text = re.sub(r"^(?:By)+(?=[A-Z])", "By ", text)           # 'ByBySantosh' -> 'By Santosh'
    text = re.sub(rf"(?<=[a-z])(?=(?:{MONTHS})\b)", " ", text, flags=re.IGNORECASE)
    text = TRAILING_DATE.sub("", text).strip(" ,|")
    match = BYLINE_PREFIX.match(text) or BYLINE_SUFFIX.match(text)
    if not match or len(words(text)) > 10:
        return None
    parts = re.split(r"\s*(?:,|\band\b|&)\s*", match.group(1))
    return [p.strip() for p in parts if p.strip()]


def is_embed_footer(line: str) -> bool:
    """A social embed's attribution line: '— Name (@handle) December 27, 2023'."""
    return bool(EMBED_FOOTER.match(line.strip()))


def is_headline_like(line: str) -> bool:
    """Short, no sentence-final period, most words capitalised or a clause without a verb end."""
    text = strip_bullet(line)
    tokens = words(text)
    return 3 <= len(tokens) <= 30 and not text.endswith(".") and not text.endswith(":")


def is_teaser_blurb(line: str) -> bool:
    """A teaser's blurb, cut off with an ellipsis."""
    return line.rstrip().endswith(("\u2026", "...", "[\u2026]"))


def ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(TERMINAL)


def ends_prose(line: str) -> bool:
    """The line ends a sentence, or a sentence and then a short bracketed credit: a blog's
    source link after its one paragraph ('... budding critic. [LA Weekly]'), '(AP)'."""
    return ends_sentence(line) or ends_sentence(TRAILING_CREDIT.sub("", line))


def is_body_paragraph(line: str, stops: frozenset[str]) -> bool:
    """A line that reads as running prose: long enough, sentence-final, stop-word rich."""
    return prose_words(line, stops)[0]


def prose_words(line: str, stops: frozenset[str], tokens: list[str] | None = None
                ) -> tuple[bool, int]:
    """(is_body_paragraph, its word count), the line's words (``tokens``) found once."""
    tokens = words(line) if tokens is None else tokens
    n = len(tokens)
    prose = (n >= 12 and ends_prose(line) and not is_teaser_blurb(line)
             and sum(map(stops.__contains__, map(str.lower, tokens))) / n >= 0.2)
    return prose, n

AGENCIES = (r"PTI|IANS|ANI|UNI|AP|AFP|Reuters|Associated Press|Agence France-Presse|Bloomberg|dpa|"
            r"Xinhua|TASS|EFE|ANSA|Kyodo|Yonhap|Press Trust of India|Agencies")
CREDIT = re.compile(
    rf"^(?:\(?\s*(?i:with inputs from|inputs from|source:?)\s*)?((?:{AGENCIES})(?:\s*(?:,|and|&|/)\s*(?:{AGENCIES}))*"
    r"|(?:[A-Z][\w&.'-]*\s+){0,3}(?:News Service|News Network|News Desk|News Bureau|Bureau|Desk|"
    r"Staff Reporter|Staff Writer|Correspondent|Web Team|Digital Team))\s*\)?\.?$")


def credit_line(line: str) -> str | None:
    """The agency or desk a credit-only line names: 'Express News Service', '(With inputs from PTI)'."""
    match = CREDIT.match(strip_bullet(line))
    return match.group(1).strip() if match else None

MONTH_NUMBERS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], 1) for m in names}
DATE_FORMS = (
    re.compile(rf"\b(?P<m>{MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{MONTHS})\.?,?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
)


def line_date(line: str) -> str | None:
    """The ISO date written in a line ('Dec 28, 2023 - 14:42' -> '2023-12-28'), if valid."""
    for form in DATE_FORMS:
        match = form.search(line)
        if not match:
            continue
        month = match["m"]
        number = int(month) if month.isdigit() else MONTH_NUMBERS.get(month.lower().rstrip("."), 0)
        day, year = int(match["d"]), int(match["y"])
        if 1 <= number <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100:
            return f"{year:04d}-{number:02d}-{day:02d}"
    return None
