"""Terms for story grouping: content words, word pairs, names and numbers of one article.

Two reports of one event rarely share a sentence but do share its *who, where and how much*:
the people and places (capitalised names), the figures, and the content words of the lead.
So an article becomes a bag of

- content words (lower-cased, stop words dropped, plurals and possessives folded),
- adjacent content-word pairs (``"jaishankar putin"``), as in the 1-2-gram TF-IDF baseline,
- names: the words of runs of capitalised words inside a sentence (``"n:putin"``), an extra
  term so a shared name weighs more than a shared common word,
- numbers (``"250"``, ``"3.5"``), which are kept as words.

Headlines in Title Case capitalise every word, so a line where most words are capitalised gives
no names (its words still count as words).
"""
from __future__ import annotations

import math
import re
from collections import Counter

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

_SENTENCE = re.compile(r"(?<=[.!?:;\n\"“”])\s+|\n+")
_TOKEN = re.compile(r"[^\W_](?:[\w’'&.-]*[^\W_])?")
_NUMBER = re.compile(r"\d[\d.,]*")
_POSSESSIVE = re.compile(r"['’]s?$")


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


def _title_case(tokens: list[str]) -> bool:
    """Whether a line capitalises words regardless of names: its function words are capitalised
    ('Putin Invites Modi To Visit'), or, with none, nearly every word is."""
    inner = tokens[1:]
    function = [t for t in inner if t.lower() in STOP_WORDS]
    if function:
        return sum(t[0].isupper() for t in function) * 2 > len(function)
    return len(inner) >= 3 and sum(_is_cap(t) for t in inner) > 0.8 * len(inner)


def _names(tokens: list[str]) -> list[str]:
    """Runs of capitalised words after the first word of a sentence (which is capitalised anyway)."""
    if _title_case(tokens):
        return []
    names: list[str] = []
    run: list[str] = []
    for i, tok in enumerate(tokens + ["x"]):
        word = fold(tok)
        if i > 0 and tok[0].isupper() and word not in STOP_WORDS:
            run.append(word)
            continue
        names.extend("n:" + w for w in run)
        run = []
    return names


def _sentence_terms(sentence: str, counts: Counter) -> None:
    tokens = _TOKEN.findall(sentence)
    words = [w for t, w in ((t, fold(t)) for t in tokens)
             if len(w) > 1 and w not in STOP_WORDS and t.lower() not in STOP_WORDS]
    counts.update(words)
    counts.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    counts.update(_names(tokens))


def term_counts(title: str | None, body: str | None, max_words: int) -> Counter:
    """Raw counts of the terms of an article: the title (unless the body repeats it) and the
    first ``max_words`` words of the body, where news writing puts the event."""
    text = body or ""
    if title and not text.lstrip().startswith(title.strip()):
        text = title + "\n" + text
    words = text.split()
    if len(words) > max_words:
        text = " ".join(words[:max_words])
    counts: Counter = Counter()
    for sentence in _SENTENCE.split(text):
        _sentence_terms(sentence, counts)
    return counts


def unit_tf(counts: Counter) -> dict[str, float]:
    """Sublinear term frequencies (1 + log tf) scaled to unit length, so long and short reports
    weigh the same in a story's centroid."""
    tf = {t: 1.0 + math.log(c) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in tf.values())) or 1.0
    return {t: v / norm for t, v in tf.items()}
