"""A dump header is a dump header wherever the text comes from (issue 36): the five seeds
wrapped in JSON Lines records or WARC text/plain responses read as their ``.txt`` run does."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import SEEDS, run_records
from tests.pages import warc_record

FIELDS = ("status", "title", "date", "authors", "credit", "body", "language")


def txt_run(tmp_path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in run_records([SEEDS], tmp_path / "txt")}


def seeds() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def assert_same(records: dict[str, dict], expected: dict[str, dict]) -> None:
    assert sorted(records) == sorted(expected) and len(expected) == 5
    for rid, want in expected.items():
        got = records[rid]
        for name in FIELDS:
            assert got[name] == want[name], (rid, name)
        assert got["changes"] == want["changes"], rid
        assert not got["body"].lstrip().startswith("date "), rid
    headed = [r for r in expected.values() if r["format"] == "text-dump"]
    assert len(headed) == 3 and all(r["date"] for r in headed)  # 003 and 004 have no header


def test_seeds_in_jsonl_read_as_the_txt_run(tmp_path: Path) -> None:
    expected = txt_run(tmp_path)
    path = tmp_path / "seeds.jsonl"
    path.write_text("".join(json.dumps({"id": p.name.split(".")[0],
                                        "text": p.read_text(encoding="utf-8")}) + "\n"
                            for p in seeds()), encoding="utf-8")
    records = {r["id"]: r for r in run_records([path], tmp_path / "jsonl")}
    assert_same(records, expected)
    assert {r["format"] for r in records.values()} == {"jsonl"}


def test_seeds_in_warc_text_records_read_as_the_txt_run(tmp_path: Path) -> None:
    expected = txt_run(tmp_path)
    names = [p.name.split(".")[0] for p in seeds()]
    data = b"".join(warc_record(f"https://example.org/{name}", "text/plain; charset=utf-8",
                                p.read_bytes()) for name, p in zip(names, seeds()))
    (tmp_path / "crawl.warc.gz").write_bytes(gzip.compress(data))
    written = run_records([tmp_path / "crawl.warc.gz"], tmp_path / "warc")
    assert [r["id"] for r in written] == [f"crawl:{n}" for n in range(1, 6)]
    records = {name: rec for name, rec in zip(names, written)}
    assert_same(records, expected)
    assert {r["format"] for r in records.values()} == {"warc"}
