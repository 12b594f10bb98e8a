"""One count everywhere (issue 36): a folder of a seed, an empty file, random bytes, a PNG and
an ELF binary is counted the same by the terminal, ``summary.md``, ``report.html`` and the
Prefect summary artifact: per status, each status's kinds under it (a skipped PNG is never
listed under ``error``), all from :func:`cleaners.report.stats.status_counts`."""
from __future__ import annotations

import json
import random
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import html as lxml_html

from cleaners.config import Config
from cleaners.report import run_stats
from cleaners.report.stats import StatusCount, status_counts
from tests.conftest import SEEDS
from tests.test_bad_input import png_bytes
from tests.test_cli import cli

Counts = dict[str, tuple[int, dict[str, int]]]  # status -> (records, {kind: records})
EXPECTED: Counts = {"ok": (1, {}), "skipped": (3, {"unsupported_format": 3}),
                    "error": (1, {"empty": 1})}


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``newsclean clean mixed --out out`` on real bytes: (the run folder, the terminal)."""
    root = tmp_path_factory.mktemp("mixed")
    mixed = root / "mixed"
    mixed.mkdir()
    seed = sorted(SEEDS.glob("000_*.txt"))[0]
    shutil.copy(seed, mixed / seed.name)
    (mixed / "empty.txt").write_bytes(b"")
    (mixed / "random.bin").write_bytes(random.Random(36).randbytes(2000))
    (mixed / "pixel.png").write_bytes(png_bytes())
    (mixed / "true").write_bytes(Path("/bin/true").read_bytes()[:1024])
    result = cli("clean", str(mixed), "--out", str(root / "out"))
    assert result.returncode == 0, result.stderr
    return root / "out", result.stdout


def from_records(run_dir: Path) -> Counts:
    """The counts as the records themselves say (status, error kind)."""
    records = [json.loads(line) for line in (run_dir / "articles.jsonl").open(encoding="utf-8")]
    by_status = Counter(r["status"] for r in records)
    kinds = Counter((r["status"], r["error"]["kind"]) for r in records if r["status"] != "ok")
    return as_counts(status_counts(by_status, kinds))


def as_counts(rows: list[StatusCount]) -> Counts:
    return {row.status: (row.count, dict(row.kinds)) for row in rows}


def from_terminal(stdout: str) -> Counts:
    """The summary table: a status row, then its kinds indented under it."""
    found: Counts = {}
    for name, n in re.findall(r"│ (\s*\S+)\s*│\s*([\d,]+) │", stdout):
        if name.startswith(" "):
            found[status][1][name.strip()] = int(n)
        else:
            status = name
            found[status] = (int(n), {})
    return found


def from_markdown(text: str) -> Counts:
    """``- **skipped**: 3 (unsupported_format 3)`` and ``- **errors**: 1 (empty 1)``."""
    found: Counts = {}
    for label, n, kinds in re.findall(r"^- \*\*(skipped|errors)\*\*: (\d+)(?: \((.*)\))?$",
                                      text, re.M):
        pairs = (k.rsplit(" ", 1) for k in kinds.split(", ") if k)
        found["error" if label == "errors" else label] = (int(n), {k: int(v) for k, v in pairs})
    return found


def from_html(run_dir: Path) -> Counts:
    """The summary cards, the kinds line under the cards and the listed records per kind."""
    doc = lxml_html.fromstring((run_dir / "report.html").read_text(encoding="utf-8"))
    found: Counts = {}
    for status in ("skipped", "error"):
        line = doc.get_element_by_id(f"k-{status}").text_content()
        kinds = dict(re.findall(r"(\w+) (\d+)", line.split(":", 1)[1]))
        found[status] = (int(doc.get_element_by_id(f"n-{status}").text),
                         {k: int(v) for k, v in kinds.items()})
        for kind, n in found[status][1].items():  # each kind's section lists its own records
            section = doc.get_element_by_id(f"e-{status}-{kind}")
            assert section.xpath("string(summary)") == f"{kind} · {n}"
            assert len(section.xpath(".//tbody/tr")) == n
    return found


def test_the_records_are_counted_as_the_issue_found_them(mixed_run) -> None:
    run_dir, _ = mixed_run
    assert from_records(run_dir) == EXPECTED


def test_the_terminal_lists_each_kind_under_its_own_status(mixed_run) -> None:
    run_dir, stdout = mixed_run
    assert from_terminal(stdout) == from_records(run_dir) == EXPECTED
    rows = [line.split("│")[1].strip() for line in stdout.splitlines() if line.startswith("│")]
    assert rows == ["ok", "skipped", "unsupported_format", "error", "empty"]


def test_summary_md_and_report_html_count_as_the_terminal(mixed_run) -> None:
    run_dir, stdout = mixed_run
    terminal = {s: c for s, c in from_terminal(stdout).items() if s != "ok"}
    assert from_markdown((run_dir / "summary.md").read_text(encoding="utf-8")) == terminal
    assert from_html(run_dir) == terminal
    assert "errors: 4" not in (run_dir / "summary.md").read_text(encoding="utf-8")


def test_the_prefect_artifacts_count_as_the_terminal(mixed_run) -> None:
    """The summary artifact's Markdown, its per-record table, the headline every artifact's
    description starts with and the events' counts (flows/outcomes.py)."""
    from flows.artifacts import RunLog, headline, source_table, summary_markdown
    from flows.outcomes import counts

    run_dir, stdout = mixed_run
    terminal = {s: c for s, c in from_terminal(stdout).items() if s != "ok"}
    stats = run_stats(run_dir)
    assert as_counts(stats.statuses) == from_terminal(stdout)
    text = summary_markdown(run_dir, stats, RunLog(), Config(), [])
    assert from_markdown(text) == terminal
    listed = Counter(tuple(re.match(r"\| (\w+) \| (\w+) \|", line).groups())
                     for line in text.splitlines()
                     if re.match(r"\| (skipped|error) \| ", line))
    assert listed == {("skipped", "unsupported_format"): 3, ("error", "empty"): 1}
    assert headline(stats).startswith("5 articles: 1 kept, 1 error, 3 skipped,")
    assert (counts(stats)["errors"], counts(stats)["skipped"]) == (1, 3)
    site = [r for r in source_table(RunLog(), stats) if r["kind"] == "site"]
    assert [(r["skipped"], r["errors"]) for r in site] == [(3, 1)]


def test_status_counts_keep_every_status_and_order_kinds() -> None:
    rows = status_counts(Counter({"error": 3, "partial": 1}),
                         Counter({("error", "empty"): 1, ("error", "binary"): 2,
                                  ("partial", "cut"): 1}))
    assert [(r.status, r.count, r.kinds) for r in rows] == [
        ("ok", 0, ()), ("skipped", 0, ()), ("error", 3, (("binary", 2), ("empty", 1))),
        ("partial", 1, (("cut", 1),))]
    assert rows[2].label == "errors" and rows[2].kinds_text == "binary 2, empty 1"
