"""Artifact repair that never rewrites the author's words: encoding, entities, spacing."""
from __future__ import annotations

import re
from functools import lru_cache

import ftfy
from ftfy.chardata import CONTROL_CHARS, LIGATURES

from cleaners.record import Change

NBSP = re.compile(r"[\u00a0\u2007\u202f]")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SPACES = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")  # a lone space is left as it is


FTFY_OPTIONS = {"unescape_html": "auto", "fix_character_width": False, "uncurl_quotes": False,
                "normalization": "NFC"}


@lru_cache(maxsize=1)
def _rare_characters() -> re.Pattern[str]:
    """The characters two of ftfy's fixers look for (Latin ligatures, control characters)."""
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted({*LIGATURES, *CONTROL_CHARS}))
                      + "]")


def fix_encoding(text: str) -> tuple[str, list[Change]]:
    """ftfy's mojibake and entity fixes, each explained; no-break spaces become spaces.

    ftfy's ligature and control-character fixers translate the whole text character by
    character on every pass (a tenth of the text path's time on article text) and find
    nothing in almost every text: they run only when the text holds one of their
    characters before or after the fix (the fix is then redone whole, as ftfy does it)."""
    rare = _rare_characters()
    fixed, explanation = ftfy.fix_and_explain(text, fix_latin_ligatures=False,
                                              remove_control_chars=False, **FTFY_OPTIONS)
    if rare.search(text) or rare.search(fixed):
        fixed, explanation = ftfy.fix_and_explain(text, **FTFY_OPTIONS)
    changes = [Change("fix_encoding", step[1], step[0]) for step in explanation or []]
    spaces = len(NBSP.findall(fixed))
    if spaces:
        fixed = NBSP.sub(" ", fixed)
        changes.append(Change("fix_encoding", "nbsp_to_space", "\u00a0", spaces))
    return fixed, changes


def normalize_whitespace(text: str) -> str:
    """Paragraphs separated by one blank line, spaces collapsed inside lines."""
    cleaned = (SPACES.sub(" ", p).strip() for p in PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in cleaned if p)


# (name, pattern, replacement, text one of which each match holds): spacing and punctuation
# only, never a word. The texts skip a pattern's scan of a page that cannot match it.
SPACED_COMMA = (" ,", "\t,")
PUNCTUATION_FIXES: tuple[tuple[str, re.Pattern[str], str, tuple[str, ...]], ...] = (
    # 'Singh. , in' -> 'Singh, in': a stray period before a comma after a word
    ("stray_period_comma", re.compile(r"(?<=[a-z]{2})\.[ \t]+,(?=[ \t]+[a-z])"), ",",
     SPACED_COMMA),
    # 'will remain. ,' at a paragraph's end -> 'will remain.'
    ("trailing_comma", re.compile(r"(?<=[.!?])([\"\u201d\u2019]?)[ \t]+,[ \t]*$", re.MULTILINE),
     r"\1", SPACED_COMMA),
    # 'word , word' -> 'word, word'
    ("space_before_comma", re.compile(r"(?<=\w) +,(?=\s)"), ",", (" ,",)),
    # 'Sovereign.\u201dEquality' -> 'Sovereign.\u201d Equality' (curly: always a closing quote)
    ("space_after_quote", re.compile(r"(?<=[.!?,]\u201d)(?=[A-Z0-9])"), " ", ("\u201d",)),
    # 'Sovereign."Equality' -> 'Sovereign." Equality' (straight quote right after a full stop)
    ("space_after_quote", re.compile(r'(?<=[.!?]")(?=[A-Z][a-z])'), " ", ('"',)),
    # 'ByBySantosh' -> 'By Santosh'
    ("doubled_byline", re.compile(r"\bBy(?:By)+(?=[A-Z])"), "By ", ("ByBy",)),
)


def fix_punctuation(text: str) -> tuple[str, list[Change]]:
    changes = []
    for name, pattern, replacement, needs in PUNCTUATION_FIXES:
        if not any(need in text for need in needs):
            continue
        found = [m.group(0) or m.string[max(0, m.start() - 12):m.end() + 12]
                 for m in pattern.finditer(text)]
        if found:
            text = pattern.sub(replacement, text)
            changes.append(Change("fix_punctuation", name, found[0], len(found)))
    return text, changes


def drop_repeated_paragraphs(text: str, min_words: int = 12, max_repeats: int = 2
                             ) -> tuple[str, list[Change]]:
    """Keep the first of prose paragraphs that repeat word for word (a dek repeated as a
    lede). A page with more repeats than ``max_repeats`` repeats by design (a meal plan, a
    table turned into lines), so nothing is dropped there."""
    seen: set[str] = set()
    kept, repeats = [], []
    for paragraph in text.split("\n\n"):
        key = " ".join(re.findall(r"\w+", paragraph.lower()))
        if len(key.split()) >= min_words and key in seen:
            repeats.append(paragraph)
            continue
        seen.add(key)
        kept.append(paragraph)
    if not repeats or len(repeats) > max_repeats:
        return text, []
    return "\n\n".join(kept), [Change("dedupe_paragraphs", "drop_repeat", p) for p in repeats]
