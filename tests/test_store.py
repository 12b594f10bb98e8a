"""The store, on each backend (SQLite, PostgreSQL: the ``store_path`` fixture): a run split over
two invocations sharing one index gives the records one run over everything gives, and a
store refuses settings it was not built with."""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from cleaners.config import Config
from cleaners.corpus.stage import CorpusStage
from cleaners.store import Store, StoreError

from tests.conftest import SEEDS, SHARED, run_records

FUNDUS = SHARED / "bench/metadata/fundus/gold.jsonl"
COMPARED = ("duplicate_of", "first_report", "story", "scores", "reused")


def seed_records() -> list[dict]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        date = re.match(r"\s*date (\d{4}-\d\d-\d\d)", text)
        out.append({"id": path.stem[:3], "text": re.sub(r"^\s*date \S+\s*", "", text),
                    "date": date.group(1) if date else None})
    return out


def fundus_records(n: int) -> list[dict]:
    rows = [json.loads(line) for line in FUNDUS.read_text(encoding="utf-8").splitlines()]
    english = [r for r in rows if r["language"] == "en"][:n]
    return [{"id": r["id"], "title": r["title"], "date": r["date"][:10],
             "text": "\n\n".join(r["body_paragraphs"])} for r in english]


def variants(base: list[dict]) -> list[dict]:
    """Copies a later run must recognise: a wire re-post, a truncated copy, a re-titled
    copy with other chrome, each dated after its source."""
    out = []
    for i, rec in enumerate(base):
        paras = rec["text"].split("\n\n")
        kind = i % 3
        if kind == 0:
            text = rec["text"]
        elif kind == 1:
            text = "\n\n".join(paras[: max(1, len(paras) // 2)])
        else:
            text = "Breaking: " + rec["text"] + "\n\nFollow us for more news."
        date = rec["date"] if i else "2000-01-01"  # the first copy is dated before its source
        out.append({"id": f"copy-{rec['id']}", "text": text, "title": rec.get("title"),
                    "date": date})
    return out


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def halves_of() -> tuple[list[dict], list[dict]]:
    """Two halves of one corpus: the first seeds and real articles, then the other seeds,
    more articles, and copies of first-half articles."""
    seeds, fundus = seed_records(), fundus_records(18)
    first = seeds[:3] + fundus[:12]
    second = seeds[3:] + fundus[12:] + variants(fundus[:6] + seeds[:1])
    assert len(first) == len(second)
    return first, second


@pytest.fixture(scope="module")
def halves(tmp_path_factory) -> tuple[Path, Path, int]:
    """:func:`halves_of` as two JSONL files, and the size of each."""
    tmp = tmp_path_factory.mktemp("halves")
    first, second = halves_of()
    return write_jsonl(tmp / "a.jsonl", first), write_jsonl(tmp / "b.jsonl", second), len(first)


def by_id(records: list[dict]) -> dict[str, dict]:
    return {r["id"]: {k: r[k] for k in COMPARED} for r in records}


def corrected(records: list[dict], out: Path) -> list[dict]:
    """Earlier records with a later run's corrections.jsonl applied."""
    path = out / "corrections.jsonl"
    fixes = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    index = {r["id"]: r for r in records}
    for fix in fixes:
        index[fix.pop("id")].update(fix)
    return records


def test_two_runs_on_one_store_match_one_run(halves, tmp_path: Path, validator,
                                             store_path: str) -> None:
    a, b, size = halves
    config = Config().with_overrides({"run": {"batch_size": size}})
    whole = run_records([a, b], tmp_path / "whole", config)
    shared = config.with_overrides({"store": {"path": store_path}})
    one = run_records([a], tmp_path / "one", shared)
    two = run_records([b], tmp_path / "two", shared)
    split = corrected(one, tmp_path / "two") + two
    for record in split:
        validator.validate(record)
    assert by_id(split) == by_id(whole)
    fixes = (tmp_path / "two/corrections.jsonl").read_text()
    assert '"duplicate_of": "copy-' in fixes  # the earlier-dated copy became canonical
    # the second run found duplicates and stories among the first run's articles
    later = {r["id"]: r for r in split[size:]}
    firsts = {r["id"] for r in split[:size]}
    assert sum(r["duplicate_of"] in firsts for r in later.values()) >= 6
    assert len({r["story"] for r in split if r["id"][:3].isdigit()}) == 1
    assert later["copy-000"]["scores"]["originality"] < 0.1


def test_default_batches_agree_on_duplicates(halves, tmp_path: Path, store_path: str) -> None:
    """With the default batch size (the whole run in one batch) duplicates still agree, and
    so do the second run's scores. Story refinement within a batch, and the scores of a
    record written before an earlier-dated report arrived, depend on the batching."""
    a, b, _ = halves
    whole = {r["id"]: r for r in run_records([a, b], tmp_path / "whole")}
    shared = Config().with_overrides({"store": {"path": store_path}})
    one = run_records([a], tmp_path / "one", shared)
    two = run_records([b], tmp_path / "two", shared)
    for record in corrected(one, tmp_path / "two") + two:
        assert record["duplicate_of"] == whole[record["id"]]["duplicate_of"]
    for record in two:
        assert record["scores"] == whole[record["id"]]["scores"], record["id"]


def test_store_is_consistent_and_keeps_settings(halves, tmp_path: Path,
                                                store_path: str) -> None:
    a, _, _ = halves
    path = store_path
    config = Config().with_overrides({"store": {"path": path}})
    run_records([a], tmp_path / "out", config)
    with Store(path) as store:
        assert store.integrity() == "ok"
        if not path.startswith("postgresql:"):
            assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        counts = {t: store.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("records", "bands", "exact", "stories", "members", "grams")}
    assert counts["records"] == 15 and all(counts.values()), counts
    with Store(path) as store, pytest.raises(StoreError, match="other dedupe settings"):
        CorpusStage(Config().with_overrides({"dedupe": {"num_perm": 128, "bands": 64}}), store)


def test_a_repeated_id_gets_a_suffix_not_a_clash(halves, tmp_path: Path,
                                                 store_path: str) -> None:
    a, _, _ = halves
    config = Config().with_overrides({"store": {"path": store_path}})
    first = run_records([a], tmp_path / "one", config)
    again = run_records([a], tmp_path / "two", config)
    assert [r["id"] for r in again] == [r["id"] + "~2" for r in first]
    assert all(r["duplicate_of"] == r["id"][:-2] for r in again if r["status"] == "ok")


def test_default_store_is_fresh_per_run(tmp_path: Path) -> None:
    """A CLI run's own index starts empty each time: running twice gives the same output."""
    one = run_records([SEEDS], tmp_path / "out")
    two = run_records([SEEDS], tmp_path / "out")
    assert one == two
    db = sqlite3.connect(tmp_path / "out/.newsclean/index.sqlite")
    assert db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 5


def test_compacted_document_frequencies_change_nothing(halves, tmp_path: Path, monkeypatch,
                                                       store_path: str) -> None:
    """Document frequencies are saved as one delta per batch and compacted into one when
    they pile up: stories and scores are the same either way, and across two runs."""
    from cleaners.corpus.tables import stories
    a, b, size = halves
    assert size % 3 == 0  # the runs on the halves cut the same batches as the whole run
    config = Config().with_overrides({"run": {"batch_size": size // 3}})
    plain = run_records([a, b], tmp_path / "plain", config)
    monkeypatch.setattr(stories, "DF_RUNS", 2)
    shared = config.with_overrides({"store": {"path": store_path}})
    one = run_records([a], tmp_path / "one", shared)
    two = run_records([b], tmp_path / "two", shared)
    assert by_id(corrected(one, tmp_path / "two") + two) == by_id(plain)
    with Store(store_path) as store:
        assert store.db.execute("SELECT count(*) FROM df_runs").fetchone()[0] <= 2
