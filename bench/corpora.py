"""Real article texts from ../shared (beside the clone) for benchmarks that build variants
of real articles: fundus' gold bodies, the ScrapingHub gold bodies, and the seeds."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FUNDUS = SHARED / "bench/metadata/fundus/gold.jsonl"
SCRAPINGHUB = SHARED / "bench/extraction/scrapinghub/ground-truth.json"
SEEDS = ROOT / "seeds"
SENTENCE = re.compile(r"(?<=[.!?。！？])\s+")


def _joined(paragraphs: list[str]) -> str:
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def real_articles(seeds: bool = False) -> list[dict]:
    """Every real article as {id, text, lang, publisher, origin}; paragraphs blank-line apart."""
    rows = []
    for line in FUNDUS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows.append({"id": row["id"], "text": _joined(row["body_paragraphs"]),
                     "lang": row.get("language") or "?", "publisher": row.get("publisher") or "?",
                     "origin": "fundus"})
    for key, row in json.loads(SCRAPINGHUB.read_text(encoding="utf-8")).items():
        host = re.sub(r"^https?://(www\.)?([^/]+).*", r"\2", row.get("url", ""))
        rows.append({"id": f"sh-{key[:10]}", "text": _joined(row["articleBody"].split("\n")),
                     "lang": "en", "publisher": host, "origin": "scrapinghub"})
    for path in sorted(SEEDS.glob("*.txt")) if seeds else []:
        text = re.sub(r"^\s*date \d{4}-\d\d-\d\d\s*", "", path.read_text(encoding="utf-8"))
        rows.append({"id": path.stem, "text": text, "lang": "en", "publisher": "seed",
                     "origin": "seed"})
    return rows


def drop_near_copies(rows: list[dict], grams_of: Callable[[str], set[int]],
                     share: float = 0.2) -> list[dict]:
    """Keep a row only when it shares < ``share`` of its n-grams with every row kept before:
    fundus holds two versions of some articles, which must not count as distinct."""
    kept: list[tuple[dict, set[int]]] = []
    for row in rows:
        grams = grams_of(row["text"])
        if grams and all(len(grams & g) < share * min(len(grams), len(g)) for _, g in kept):
            kept.append((row, grams))
    return [row for row, _ in kept]


def truncate(text: str, keep: float) -> str:
    """The first ``keep`` share of the words, cut back to a sentence end when one is near."""
    words = text.split(" ")
    cut = " ".join(words[:max(1, int(len(words) * keep))])
    end = max(cut.rfind(". "), cut.rfind(".\n"))
    return cut[:end + 1] if end > len(cut) * 0.8 else cut
