"""Site templates: lines many articles of one site share are removed, content is not."""
from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_records

STORIES = [
    "The council approved the harbour budget on Monday after a two-year dispute over who would pay for the works.",
    "A new ferry route to the islands will open in May, the operator said, with four crossings a day in summer.",
    "Teachers in the district will strike on Friday over pay, closing most primary schools for the day.",
    "The museum reopened its east wing after a renovation that took three years and cost 12 million euros.",
]
TEMPLATE = "Harbour Daily | Independent local news since 1921"
SHARED_BY_TWO = "The storm is expected to reach the coast by Thursday night."


def write(path: Path, site: str, extra: dict[int, list[str]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i, story in enumerate(STORIES):
            body = "\n\n".join([story, *extra.get(i, []), TEMPLATE])
            fh.write(json.dumps({"id": f"{site}-{i}", "site": site, "text": body}) + "\n")


def test_a_sites_template_line_goes_and_shared_content_stays(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", "Harbour Daily", {0: [SHARED_BY_TWO], 1: [SHARED_BY_TWO]})
    records = run_records([tmp_path / "a.jsonl"], tmp_path / "out")
    for rec, story in zip(records, STORIES):
        assert TEMPLATE not in rec["body"] and story in rec["body"]
        assert {"step": "site_template", "action": "drop_template", "text": TEMPLATE, "count": 1} in rec["changes"]
    assert SHARED_BY_TWO in records[0]["body"] and SHARED_BY_TWO in records[1]["body"]


def test_one_line_shared_by_different_sites_is_not_a_template(tmp_path: Path) -> None:
    lines = []
    for i, story in enumerate(STORIES):
        lines.append(json.dumps({"id": str(i), "site": f"site-{i}", "text": f"{story}\n\n{TEMPLATE}"}))
    (tmp_path / "b.jsonl").write_text("\n".join(lines) + "\n")
    records = run_records([tmp_path / "b.jsonl"], tmp_path / "out")
    assert all(rec["body"].endswith(TEMPLATE) for rec in records)
