"""How often legacy-encoded real news text decodes back exactly (issue #15, point 4).

Real article text (fundus gold bodies, ``../shared/bench/metadata/fundus/gold.jsonl``) is
encoded in a legacy code page and decoded by :func:`cleaners.read.decode.decode_bytes`,
without and with a declared charset, as a short snippet (one or two sentences, where
detection is hardest) and as a long passage. A snippet counts when the decoded text equals
the original exactly.

    .venv/bin/python bench/encoding.py [--n 40]

Exits non-zero when a Western or cp1250 / Shift-JIS set misses its target.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaners.config import ReadConfig  # noqa: E402
from cleaners.read.decode import decode_bytes  # noqa: E402

GOLD = ROOT.parent / "shared" / "bench" / "metadata" / "fundus" / "gold.jsonl"
WESTERN = ("de", "fr", "es", "it", "sv", "da", "no", "is", "nl")
# encoding -> languages whose text it carries; the last three are controls (genuine
# non-Western single-byte text must keep being read in its own code page).
SETS = {
    "latin-1": WESTERN, "cp1252": WESTERN, "cp1250": ("cs", "pl"), "shift_jis": ("ja",),
    "cp1257": ("lt",), "cp1254": ("tr",), "cp1251": ("ru",),
}
TARGETS = {"latin-1": 0.95, "cp1252": 0.95, "cp1250": 0.9, "shift_jis": 0.95}
# A latin-1 file has no typographic quotes or dashes: the text is what a latin-1 writer sends.
LATIN1_TYPO = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"',
                             "\u201d": '"', "\u201e": '"', "\u2013": "-", "\u2014": "-",
                             "\u2026": "...", "\u20ac": "EUR", "\u00a0": " "})
SENTENCE = re.compile(r"(?<=[.!?\u3002])\s*")


def _encodable(text: str, encoding: str) -> str | None:
    if encoding == "latin-1":
        text = text.translate(LATIN1_TYPO)
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return None
    return text if any(ord(ch) > 127 for ch in text) else None


def snippets(encoding: str, n: int) -> dict[str, list[str]]:
    """Up to ``n`` short snippets and ``n`` long passages of real text in ``encoding``."""
    short: list[str] = []
    long: list[str] = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["language"] not in SETS[encoding]:
            continue
        paragraphs = [p for p in record["body_paragraphs"] if p.strip()]
        for paragraph in paragraphs:
            sentences = [s for s in SENTENCE.split(paragraph) if s.strip()]
            piece = " ".join(sentences[:2]) if sentences else paragraph
            if 30 <= len(piece) <= 300 and (text := _encodable(piece, encoding)):
                short.append(text)
        body = "\n\n".join(paragraphs)
        for start in range(0, max(len(body) - 500, 1), 2500):  # windows of ~2,000 characters
            if text := _encodable(body[start:start + 2000], encoding):
                long.append(text)
    return {"short": _spread(short, n), "long": _spread(long, n)}


def _spread(items: list[str], n: int) -> list[str]:
    """``n`` items spread evenly over the list (every publisher, not the first one's)."""
    if len(items) <= n:
        return items
    return [items[i * len(items) // n] for i in range(n)]


def measure(n: int) -> tuple[dict, bool]:
    config, table, ok = ReadConfig(), {}, True
    for encoding in SETS:
        for length, texts in snippets(encoding, n).items():
            for declared in (None, encoding):
                right, flagged, wrong = 0, 0, []
                for text in texts:
                    try:
                        result = decode_bytes(text.encode(encoding), config, declared)
                        decoded, ambiguous = result.text, result.ambiguous
                    except Exception as exc:  # noqa: BLE001 - an error record is a miss
                        decoded, ambiguous = f"<{type(exc).__name__}>", False
                    flagged += ambiguous
                    if decoded == text:
                        right += 1
                    else:
                        wrong.append(decoded[:80])
                key = f"{encoding} {length} {'declared' if declared else 'undeclared'}"
                table[key] = (right, len(texts), wrong[:3], flagged)
                target = TARGETS.get(encoding)
                if target and texts and right / len(texts) < target:
                    ok = False
    return table, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="snippets per encoding and length")
    parser.add_argument("--show", action="store_true", help="print a few wrong decodings")
    args = parser.parse_args()
    table, ok = measure(args.n)
    for key, (right, total, wrong, flagged) in table.items():
        print(f"{key:32} {right:3}/{total:<3} exact, {flagged:3} flagged ambiguous")
        if args.show:
            for text in wrong:
                print(f"      {text!r}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
