"""Artifact repair that never rewrites the author's words: encoding, entities, spacing."""
from __future__ import annotations

import re

import ftfy

from cleaners.record import Change

NBSP = re.compile(r"[\u00a0\u2007\u202f]")


def fix_encoding(text: str) -> tuple[str, list[Change]]:
    """ftfy's mojibake and entity fixes, each explained; no-break spaces become spaces."""
    fixed, explanation = ftfy.fix_and_explain(text, unescape_html="auto", fix_character_width=False,
                                              uncurl_quotes=False, normalization="NFC")
    changes = [Change("fix_encoding", step[1], step[0]) for step in explanation or []]
    spaces = len(NBSP.findall(fixed))
    if spaces:
        fixed = NBSP.sub(" ", fixed)
        changes.append(Change("fix_encoding", "nbsp_to_space", "\u00a0", spaces))
    return fixed, changes


def normalize_whitespace(text: str) -> str:
    """Paragraphs separated by one blank line, spaces collapsed inside lines."""
    paragraphs = re.split(r"\n\s*\n", text)
    cleaned = (re.sub(r"[ \t\r\f\v]+", " ", p).strip() for p in paragraphs)
    return "\n\n".join(p for p in cleaned if p)
