"""Exact and near-duplicate detection on real article text (the seeds and a Fundus article)."""
from __future__ import annotations

import json
import re

import pytest
from datasketch import MinHash

from cleaners.config import DedupeConfig
from cleaners.corpus.dedupe import DedupeIndex
from cleaners.corpus.minhash import Signer, shingle_hashes, tokens
from cleaners.record import Article

from tests.conftest import ROOT, SHARED

FUNDUS = SHARED / "bench/metadata/fundus/gold.jsonl"


def seed_texts() -> list[str]:
    return [re.sub(r"^\s*date \d{4}-\d\d-\d\d\s*", "", p.read_text(encoding="utf-8"))
            for p in sorted((ROOT / "seeds").glob("*.txt"))]


@pytest.fixture(scope="module")
def text() -> str:
    """A long real report (the longest seed)."""
    return max(seed_texts(), key=len)


def art(aid: str, body: str, date: str | None = "2024-01-10", **kw) -> Article:
    return Article(id=aid, source="test", format="text", body=body, date=date, **kw)


def mojibake(s: str) -> str:
    """UTF-8 read as cp1252; the five bytes cp1252 leaves undefined read as Latin-1."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b)
                   for b in s.encode("utf-8"))


def test_exact_copy_points_at_first(text: str) -> None:
    a, b = art("a", text), art("b", "  " + text.upper().replace(" ", "   "))
    DedupeIndex().add_batch([a, b])
    assert a.duplicate_of is None and b.duplicate_of == "a"
    assert b.signals["dedupe"]["kind"] == "exact"
    assert "dedupe" not in a.signals


def test_truncated_copy_is_a_duplicate(text: str) -> None:
    words = text.split(" ")
    short = " ".join(words[:len(words) * 55 // 100])
    index = DedupeIndex()
    index.add_batch([art("full", text)])
    index.add_batch([copy := art("cut", short)])
    assert copy.duplicate_of == "full"
    evidence = copy.signals["dedupe"]
    assert evidence["kind"] == "near" and evidence["containment"] >= 0.8
    assert evidence["jaccard"] < 0.7  # found through containment, not Jaccard


def test_chrome_and_mojibake_copy_is_a_duplicate() -> None:
    row = json.loads(FUNDUS.read_text(encoding="utf-8").splitlines()[0])  # German, umlauts
    body = "\n\n".join(row["body_paragraphs"])
    chrome = "Advertisement\nShare on Facebook\n" + mojibake(body) + "\nMost read\n© Wire"
    assert "Ã" in chrome
    a, b = art("orig", body), art("repost", chrome)
    DedupeIndex().add_batch([a, b])
    assert b.duplicate_of == "orig"
    assert b.signals["dedupe"]["containment"] >= 0.9


def test_retitled_copy_is_a_duplicate(text: str) -> None:
    a = art("a", text, title="Putin invites Modi to Russia")
    b = art("b", "Kremlin talks: what Putin told Jaishankar\n\n" + text,
            title="Kremlin talks: what Putin told Jaishankar")
    DedupeIndex().add_batch([a, b])
    assert b.duplicate_of == "a"


def test_earlier_dated_copy_arriving_later_becomes_canonical(text: str) -> None:
    index = DedupeIndex()
    first = [art("late-1", text, "2024-01-12"), art("late-2", text + "\nAdvertisement",
                                                    "2024-01-13")]
    index.add_batch(first)
    assert first[1].duplicate_of == "late-1"
    early, after = art("early", text, "2024-01-05"), art("after", text, "2024-01-20")
    same_batch = art("same-batch", text + "\nShare", "2024-01-15")
    index.add_batch([same_batch, early, after])
    assert early.duplicate_of is None
    assert early.signals["dedupe"]["supersedes"] == "late-1"
    assert same_batch.duplicate_of == "early"  # re-pointed in place within its batch
    assert after.duplicate_of == "early"
    assert index.repointed == {"late-1": "early"}  # emitted records for a store to fix


def test_five_seeds_are_not_duplicates() -> None:
    arts = [art(f"seed{i}", t) for i, t in enumerate(seed_texts())]
    assert len(arts) == 5
    DedupeIndex().add_batch(arts)
    assert [a.duplicate_of for a in arts] == [None] * 5
    assert not any("dedupe" in a.signals for a in arts)


def test_records_not_ok_or_empty_are_ignored(text: str) -> None:
    bad = art("bad", text, status="error")
    empty = art("empty", "  \n ")
    ok, copy = art("ok", text), art("copy", text)
    index = DedupeIndex()
    index.add_batch([bad, empty])
    index.add_batch([ok, copy])
    assert bad.duplicate_of is None and "dedupe" not in bad.signals
    assert ok.duplicate_of is None and copy.duplicate_of == "ok"
    assert len(index) == 2


def test_signatures_are_datasketch_minhashes(text: str) -> None:
    config = DedupeConfig()
    grams = shingle_hashes(tokens(text), config.shingle_words)
    reference = MinHash(num_perm=config.num_perm, seed=config.seed, hashfunc=int)
    reference.update_batch(grams.tolist())
    ours = Signer(config.num_perm, config.seed).sign([grams, grams[:10]])
    assert (ours[0] == reference.hashvalues).all()


def test_mojibake_is_repaired_in_normalisation() -> None:
    assert tokens(mojibake("Außenminister Лавров’s “Gespräch”")) == \
        ["aussenminister", "лавров", "s", "gespräch"]  # casefold: ß -> ss
