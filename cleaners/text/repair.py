"""Artifact repair that never rewrites the author's words: encoding, entities, spacing."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from re import _constants as sre
from re import _parser
from typing import Any

import ftfy
import ftfy.fixes
from ftfy.badness import BADNESS_RE
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


@lru_cache(maxsize=1)
def _badness_blocks() -> list[list[frozenset[str]]]:
    """Per alternative of ftfy's mojibake regex (``is_bad``), the character sets of its
    positions that only non-ASCII characters fill: a text whose non-ASCII characters miss
    one of them in every alternative cannot match. Read from the compiled pattern, so a
    new ftfy's regex is read the same way; a position it cannot read blocks nothing."""
    (op, (_, branches)), = _badness_tree().data
    assert op is sre.BRANCH
    alternatives = []
    for branch in branches:
        blocks = []
        for kind, value in branch.data:
            chars: set[int] = set()
            if kind is sre.LITERAL:
                chars = {value}
            elif kind is sre.IN and all(k in (sre.LITERAL, sre.RANGE) for k, _ in value):
                for k, v in value:
                    chars.update([v] if k is sre.LITERAL else range(v[0], v[1] + 1))
            if chars and min(chars) >= 128:
                blocks.append(frozenset(map(chr, chars)))
        alternatives.append(blocks)
    return alternatives


@lru_cache(maxsize=4096)
def _may_be_mojibake(foreign: frozenset[str]) -> bool:
    """Whether a text whose non-ASCII characters are ``foreign`` may match ftfy's regex."""
    return any(all(block & foreign for block in blocks) for blocks in _badness_blocks())


def _encoding_is_sound(text: str) -> bool:
    """True when ftfy's encoding fix would find nothing in ``text`` in any of its passes: no
    entity to unescape (its unescaping leaves the text as it is), already NFC, no C1
    control or surrogate, and no match of its mojibake regex: no alternative fillable with
    the text's characters, or none near them (:func:`_windows_are_bad`). Its scan of the
    whole text, run once a pass, is a tenth of the text path's time."""
    if "&" in text and ftfy.fixes.unescape_html(text) != text:
        return False  # an entity ('AT&T' and 'Q&A' are none: 10% of bench/load.py's texts)
    if not unicodedata.is_normalized("NFC", text):
        return False
    foreign = frozenset(c for c in set(text) if c >= "\x80")
    if not foreign:
        return True
    if any(c <= "\x9f" or "\ud800" <= c <= "\udfff" for c in foreign):
        return False
    return not _may_be_mojibake(foreign) or not _windows_are_bad(text)


# What ftfy's other fixers would turn into a line break (fix_line_breaks) or drop
# (remove_terminal_escapes): characters whose removal can bring two others together.
REJOINED = frozenset("\r\x1b\u2028\u2029")
NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _windows_are_bad(text: str) -> bool:
    """ftfy's mojibake regex (``is_bad``) run on the text near its non-ASCII characters only,
    which is all it can match: every alternative holds a non-ASCII character
    (:func:`_badness_blocks`) and spans at most :func:`_badness_width` characters, so a
    match lies within that many characters of one. The windows are joined by NUL (no
    alternative needs one; one can only add a match, never lose one). True when it finds
    one, or when the shortcut does not apply: the text is then scanned whole, as before.
    On bench/load.py's texts whose characters may form mojibake: 0.32 ms a text against
    0.92 ms for the whole scan, the same verdict on 1,532 of 1,532."""
    width = _badness_width()
    if width is None or not REJOINED.isdisjoint(text):
        return True
    windows: list[str] = []
    start = end = -1
    for run in NON_ASCII.finditer(text):
        a, b = max(run.start() - width, 0), run.end() + width
        if a > end >= 0:
            windows.append(text[start:end])
            start = a
        elif start < 0:
            start = a
        end = b
    windows.append(text[start:end])
    return BADNESS_RE.search("\x00".join(windows)) is not None


@lru_cache(maxsize=1)
def _badness_width() -> int | None:
    """The longest match of ftfy's mojibake regex, when every alternative holds a position
    only non-ASCII characters fill and nothing looks past the match (lookarounds, word
    boundaries); None otherwise (a new ftfy's regex the windows cannot stand for)."""
    parsed = _badness_tree()
    if not all(_badness_blocks()) or _looks_around(parsed):
        return None
    return parsed.getwidth()[1]


@lru_cache(maxsize=1)
def _badness_tree() -> Any:
    """ftfy's mojibake regex as re's (private) parser reads it."""
    return _parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)


def _looks_around(parsed: Any) -> bool:
    """Whether a parsed pattern (re's private parse tree) reads outside its match: a
    lookaround, or an anchor other than ``^`` (which can only add a match at a window's
    start)."""
    for op, value in parsed.data:
        if op in (sre.ASSERT, sre.ASSERT_NOT) or (op is sre.AT and value is not sre.AT_BEGINNING):
            return True
        inner = value if isinstance(value, (list, tuple)) else ()
        for item in inner:
            parts = item if isinstance(item, list) else [item]
            if any(hasattr(x, "data") and _looks_around(x) for x in parts):
                return True
    return False


def fix_encoding(text: str) -> tuple[str, list[Change]]:
    """ftfy's mojibake and entity fixes, each explained; no-break spaces become spaces.

    ftfy's ligature and control-character fixers translate the whole text character by
    character on every pass (a tenth of the text path's time on article text) and find
    nothing in almost every text: they run only when the text holds one of their
    characters before or after the fix (the fix is then redone whole, as ftfy does it).
    Its encoding fix is skipped where it provably finds nothing (:func:`_encoding_is_sound`)."""
    rare = _rare_characters()
    fixed, explanation = ftfy.fix_and_explain(text, fix_latin_ligatures=False,
                                              remove_control_chars=False,
                                              fix_encoding=not _encoding_is_sound(text),
                                              **FTFY_OPTIONS)
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
