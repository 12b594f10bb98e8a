"""Terms for story grouping: an article's fields, each a bag of content words and word
pairs, and its names.

Two reports of one event rarely share a sentence but do share its *who, where and how much*:
the people and places (capitalised names), the figures, and the content words of the lead.
So an article becomes four sub-vectors, as in Miranda et al. (EMNLP 2018: TF-IDF sub-vectors
of title, body and entities), each of unit length before they are joined so that each field
weighs the same whatever its length:

- ``text``: content words (lower-cased, stop words dropped, plurals and possessives folded;
  numbers are words) and adjacent content-word pairs (``"jaishankar putin"``) of the title and the first
  ``max_words`` words of the body; no prefix, so a headline meets a body here;
- ``t:`` the content words of the title alone, ``l:`` of the lead (the body's first
  ``LEAD_WORDS``); their word pairs are in the text already;
- ``n:`` names: the words of runs of capitalised words inside a sentence. Numbers stay
  words of the text: as a field of their own they lowered UCI ARI 0.753 -> 0.737 and
  changed nothing on full text (bench/stories.py, tuning fold).

Stop words are the curated English list below plus, for another language, jusText's list of
that language. Headlines in Title Case capitalise every word, so a line where most words are
capitalised gives no names (its words still count as words).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import NamedTuple

from cleaners.stoplists import stoplist

STOP_WORDS = frozenset("""
a about above after again against all almost also although am among an and another any are
around as at be because been before being below between both but by can cannot could did do
does doing done down during each either else ever every few for from further get gets got had
has have having he her here hers herself him himself his how however i if in into is it its
itself just least less like made make many may me might more most much must my myself near
neither no nor not now of off on once one only or other others our ours ourselves out over own
per rather same says said say saying she should since so some still such than that the their
theirs them themselves then there these they this those though through thus to too toward
towards under until up upon us very via was we were what when where whether which while who
whom whose why will with within without would yet you your yours yourself yourselves
mr mrs ms dr st news new told tell tells amid amidst also according reportedly report reports
reported week day days today yesterday tomorrow monday tuesday wednesday thursday friday
saturday sunday year years time times
""".split())
LEAD_WORDS = 50  # the lead: what a news story's first paragraph or two hold

_SENTENCE = re.compile(r"(?<=[.!?:;\n\"“”])\s+|\n+")
_TOKEN = re.compile(r"[^\W_](?:[\w’'&.-]*[^\W_])?")
_NUMBER = re.compile(r"\d[\d.,]*")
_POSSESSIVE = re.compile(r"['’]s?$")


def stop_words(language: str | None) -> frozenset[str]:
    """The curated English list, with jusText's list of ``language`` when it is another."""
    if not language or language.split("-")[0].lower() == "en":
        return STOP_WORDS
    return STOP_WORDS | (stoplist(language) or frozenset())


def fold(word: str) -> str:
    """Lower-case ``word`` and fold possessives and regular plurals (``Putin's`` -> ``putin``)."""
    w = _POSSESSIVE.sub("", word.lower()).replace("’", "'")
    if _NUMBER.fullmatch(w):
        return w.rstrip(".,")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _is_cap(token: str) -> bool:
    return token[0].isupper() or token[0].isdigit()


def _title_case(tokens: list[str], stops: frozenset[str]) -> bool:
    """Whether a line capitalises words regardless of names: its function words are capitalised
    ('Putin Invites Modi To Visit'), or, with none, nearly every word is."""
    inner = tokens[1:]
    function = [t for t in inner if t.lower() in stops]
    if function:
        return sum(t[0].isupper() for t in function) * 2 > len(function)
    return len(inner) >= 3 and sum(_is_cap(t) for t in inner) > 0.8 * len(inner)


def _names(tokens: list[str], stops: frozenset[str]) -> list[str]:
    """The words of runs of capitalised words after the first word of a sentence (which is
    capitalised anyway)."""
    if _title_case(tokens, stops):
        return []
    return ["n:" + w for i, (t, w) in enumerate((t, fold(t)) for t in tokens)
            if i > 0 and t[0].isupper() and w not in stops]


def _words(text: str, prefix: str, stops: frozenset[str], counts: Counter,
           full: bool = False) -> None:
    """Content words of ``text`` under ``prefix``; ``full``: its word pairs and names too."""
    for sentence in _SENTENCE.split(text):
        tokens = _TOKEN.findall(sentence)
        words = [prefix + w for t, w in ((t, fold(t)) for t in tokens)
                 if len(w) > 1 and w not in stops and t.lower() not in stops]
        counts.update(words)
        if full:
            counts.update(f"{a} {b}" for a, b in zip(words, words[1:]))
            counts.update(_names(tokens, stops))


def term_counts(title: str | None, body: str | None, max_words: int,
                language: str | None = None) -> Counter:
    """Raw counts of the terms of an article's fields: the title (unless the body repeats
    it), the lead, and the first ``max_words`` words of the body, where news writing puts
    the event."""
    stops = stop_words(language)
    text = (body or "").lstrip()
    if title and text.startswith(title.strip()):
        text = text[len(title.strip()):]
    words = text.split()
    counts: Counter = Counter()
    _words("\n".join(filter(None, (title, " ".join(words[:max_words])))), "", stops, counts,
           full=True)
    if words:  # a headline alone is one text: no title and lead fields
        _words(title or "", "t:", stops, counts)
        _words(" ".join(words[:LEAD_WORDS]), "l:", stops, counts)
    return counts


def field_of(term: str) -> str:
    return term[:2] if term[1:2] == ":" else ""


def unit_tf(counts: Counter) -> dict[str, float]:
    """Sublinear term frequencies (1 + log tf) of unit length, so long and short reports
    weigh the same in a story's centroid. With a body, each field is scaled to unit length
    and the fields joined with equal weight, so a long body does not drown the title; a
    headline alone is one text, its names and numbers included."""
    tf = {t: 1.0 + math.log(c) for t, c in counts.items()}
    fielded = any(t.startswith(("t:", "l:")) for t in tf)
    group = field_of if fielded else (lambda t: "")
    sq: dict[str, float] = {}
    for t, v in tf.items():
        sq[group(t)] = sq.get(group(t), 0.0) + v * v
    scale = {f: 1.0 / math.sqrt(s * len(sq)) for f, s in sq.items()}
    return {t: v * scale[group(t)] for t, v in tf.items()}


def content_words(counts: Counter) -> int:
    """Content words of an article's text (not word pairs, names or the other fields)."""
    return sum(n for t, n in counts.items() if " " not in t and ":" not in t)


class Terms(NamedTuple):
    """What the story step needs of an article: its unit term frequencies and how many
    content words it has (a pure function of the article: workers compute it)."""

    tf: dict[str, float]
    words: int


def article_terms(title: str | None, body: str | None, max_words: int,
                  language: str | None = None) -> Terms:
    counts = term_counts(title, body, max_words, language)
    return Terms(unit_tf(counts), content_words(counts))
