"""Which single-byte code page wrote these bytes: the reading a language model finds likeliest.

Short Western text decodes without error in a dozen code pages, and charset-normalizer's
ranking of them is unreliable on a sentence or two ('Glück' comes out as cp775's 'Gl³ck',
'contaminación' as iso8859-4's 'contaminaciķn'). Every single-byte reading maps byte i to
character i, so the readings differ only in their non-ASCII characters and can be compared
directly: each reading is scored by the log-likelihood of its character 1-3-grams under
the language (of langdetect's 55 profiles) that explains it best, plus a log prior of the
code page (windows-1252, the web's default for undeclared legacy text, first; code pages
of DOS, Mac and HP systems last). The likeliest reading wins: Czech keeps its ř in cp1250
(as cp1252 'ø' it is no Czech word), German its ü in cp1252.

Measured with ``bench/encoding.py`` on real fundus article text.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from cleaners.config import ReadConfig
from cleaners.language import langdetect_profiles  # loaded once, shared with the language step

# The code pages the web uses for legacy text (the WHATWG Encoding Standard's windows-*,
# ISO-8859-* and KOI8 families); DOS (cp437, cp850, cp775...), Mac and HP pages are
# seen almost only in files written on those systems.
WEB_CODEPAGES = re.compile(r"^(cp125\d|iso8859[-_]\d+|latin[-_]1|koi8[-_][ru]|cp874|tis[-_]620)$")
SMOOTHING = 0.5 / 10_000  # langdetect's own: alpha / BASE_FREQ
# Where langdetect breaks words (its NGram.normalize): ASCII non-letters, General
# Punctuation, no-break space, « ° ». Inside a word such a character (but an apostrophe
# or hyphen) is read as part of the word: 'Espa–a' is no word, not two.
LATIN1_BREAKS = frozenset("\u00a0\u00ab\u00b0\u00bb")
WORD_JOINERS = frozenset("\u2019\u2018\u02bc\u2010\u2011-'")
WINDOW = 30  # characters of context either side of a non-ASCII byte
# Non-ASCII stretches sampled (the readings differ only there). On long pages the best
# reading leads by thousands of nats; 64 keep ranking a 500 kB page under ~50 ms.
MAX_SPOTS = 64


@dataclass(frozen=True)
class Reading:
    encoding: str
    score: float  # log-likelihood under the best language, plus the code page's log prior
    language: str


def is_single_byte(encoding: str) -> bool:
    """True for a codec that maps every byte to one character (cp1252, koi8_r...)."""
    try:
        return len(bytes(range(256)).decode(encoding, "replace")) == 256
    except (LookupError, ValueError):
        return False


def prior(encoding: str, config: ReadConfig) -> float:
    if encoding == "cp1252":
        return config.cp1252_prior
    return 0.0 if WEB_CODEPAGES.match(encoding) else -config.rare_codepage_penalty


def sample_spans(data: bytes) -> list[tuple[int, int]]:
    """Index ranges around the first non-ASCII bytes: all that tells the readings apart."""
    spans: list[tuple[int, int]] = []
    for match in re.finditer(rb"[\x80-\xff]", data):
        start, end = max(match.start() - WINDOW, 0), match.end() + WINDOW
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            if len(spans) >= MAX_SPOTS:
                break
            spans.append((start, end))
    return spans


def rank_readings(data: bytes, encodings: list[str], config: ReadConfig) -> list[Reading]:
    """The single-byte ``encodings`` that decode ``data``, likeliest first (one per reading)."""
    factory = langdetect_profiles()
    spans = sample_spans(data)
    best: dict[str, Reading] = {}  # sample text -> its likeliest code page
    likelihoods: dict[str, tuple[float, str]] = {}
    vectors: dict[str, Any] = {}
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        sample = "\n".join(text[a:b] for a, b in spans)
        if sample not in likelihoods:
            loglik = _loglik(sample, factory, vectors)
            top = int(np.argmax(loglik))
            likelihoods[sample] = float(loglik[top]), factory.langlist[top]
        loglik, language = likelihoods[sample]
        reading = Reading(encoding, loglik + prior(encoding, config), language)
        if sample not in best or reading.score > best[sample].score:
            best[sample] = reading
    return sorted(best.values(), key=lambda r: r.score, reverse=True)


def _loglik(sample: str, factory: Any, vectors: dict[str, Any]) -> Any:
    """Per language, the log-likelihood of ``sample``'s character 1-3-grams (langdetect's)."""
    table = factory.word_lang_prob_map
    floor = np.full(len(factory.langlist), math.log(SMOOTHING))
    counts: Counter[str] = Counter()
    for word in _words(sample):
        padded = f" {word} "
        counts.update(padded[i:i + n] for n in (1, 2, 3) for i in range(len(padded) - n + 1))
    counts.pop(" ", None)
    if not counts:
        return np.zeros(len(factory.langlist))
    rows = []
    for gram in counts:
        vector = vectors.get(gram)
        if vector is None:
            probs = table.get(gram)
            vector = floor if probs is None else np.log(np.asarray(probs) + SMOOTHING)
            vectors[gram] = vector
        rows.append(vector)
    return np.asarray(list(counts.values()), dtype=float) @ np.vstack(rows)


def _breaks(ch: str) -> bool:
    if ch < "\x80":
        return not ch.isalpha()
    return ch in LATIN1_BREAKS or "\u2000" <= ch <= "\u206f"


def _words(text: str) -> list[str]:
    """Lower-cased words as langdetect cuts them, but a break inside a word stays in it."""
    text = text.replace("\u0130", "i").lower()  # 'İ'.lower() is 'i' + a combining dot
    words, current = [], []
    for i, ch in enumerate(text):
        if _breaks(ch):
            inside = (ch >= "\x80" and ch not in WORD_JOINERS and current
                      and current[-1].isalpha() and i + 1 < len(text) and text[i + 1].isalpha())
            if not inside:
                if current:
                    words.append("".join(current))
                    current = []
                continue
        current.append(ch)
    if current:
        words.append("".join(current))
    return words
