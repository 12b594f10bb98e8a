"""A syndicated news stream built from labelled reports: each report republished 0-8 times by
other outlets, as wire copy is. A copy carries the outlet's own navigation and share lines,
sometimes another headline, sometimes only the first paragraphs, and is dated 0-2 days after
its original; the stream is in date order, shuffled within a day (a copy may come first).
Seeded: the same seed gives the same stream. Used by bench/stories.py.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

Row = dict[str, Any]
NAV = ["Home", "World", "Politics", "Business", "Tech", "Sports", "Opinion", "Culture",
       "Science", "Health", "Video", "Local"]
SHARE = ["Share this article", "Share on Facebook", "Share on Twitter", "Email this story",
         "Copy link", "Print"]
TAILS = ["Sign up for our daily newsletter and get the top stories in your inbox.",
         "Follow us on Twitter and Facebook for the latest updates.",
         "Read more from {site}", "Comments are closed for this article.",
         "© 2018 {site}. All rights reserved.", "Related: more stories from {site}"]


def stream(rows: list[Row], seed: int = 5, most: int = 8) -> tuple[list[Row], dict[str, str]]:
    """``rows`` with 0-``most`` copies of each non-empty report, in date order (undated
    last); and copy id -> original id."""
    rng = random.Random(seed)
    sites = sorted({r.get("site") or "" for r in rows} - {""}) or ["outlet.example"]
    out, copy_of = [], {}
    for row in rows:
        out.append(row)
        if not row["text"].strip():
            continue
        for k in range(rng.randint(0, most)):
            copy = _copy(row, k, rng.choice([s for s in sites if s != row.get("site")] or sites),
                         rng)
            out.append(copy)
            copy_of[copy["id"]] = str(row["id"])
    keyed = [((r.get("date") or "~")[:10], rng.random(), r) for r in out]
    return [r for _, _, r in sorted(keyed, key=lambda t: t[:2])], copy_of


def _copy(row: Row, k: int, site: str, rng: random.Random) -> Row:
    paragraphs = [p for p in row["text"].split("\n") if p.strip()]
    if len(paragraphs) > 3 and rng.random() < 0.3:  # only the first paragraphs
        paragraphs = paragraphs[:max(2, round(len(paragraphs) * rng.uniform(0.5, 0.9)))]
    nav = " | ".join(rng.sample(NAV, rng.randint(4, 8)))
    share = " ".join(rng.sample(SHARE, rng.randint(2, 4)))
    tails = [t.format(site=site) for t in rng.sample(TAILS, rng.randint(1, 3))]
    title = row.get("title")
    if rng.random() < 0.3 and paragraphs:  # another headline: the lead's first words
        title = " ".join(paragraphs[0].split()[:rng.randint(6, 11)]).rstrip(",.;:")
    return {**row, "id": f"{row['id']}~copy{k}", "site": site, "title": title,
            "url": f"https://{site}/news/{row['id'][:12]}-{k}",
            "date": _later(row.get("date"), rng.randint(0, 2)),
            "text": "\n".join([nav, share, *paragraphs, share, *tails])}


def _later(date: str | None, days: int) -> str | None:
    if not date:
        return date
    try:
        when = datetime.fromisoformat(date.replace("Z", "+00:00"))
    except ValueError:
        return date
    return (when + timedelta(days=days)).isoformat()
