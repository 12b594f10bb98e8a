"""What the CLI says (issue 36): user text printed as it is, paths named, counts in words,
plain-worded --explain, complete help, and no install warning from our own metadata."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from cleaners.report.words import plural

from tests.conftest import ROOT, SEEDS
from tests.test_cli import cli, on_a_tty

SEED = SEEDS / "000_52dd1108271556ea.txt"


def test_a_misspelt_config_section_is_named_with_its_brackets(tmp_path: Path) -> None:
    config = tmp_path / "[odd] config.toml"
    config.write_text("[raed]\nmax_bytes = 10\n")
    result = cli("clean", str(SEED), "--config", str(config), "--out", str(tmp_path / "out"))
    said = " ".join(result.stderr.split())  # rich wraps long lines
    assert result.returncode == 2
    assert "unknown config section [raed]" in said and "[odd] config.toml" in said, said


def test_an_output_path_with_brackets_is_printed_whole(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file, not a directory")
    out = tmp_path / "blocker" / "[sub]dir"
    result = cli("clean", str(SEED), "--out", str(out))
    assert result.returncode == 2
    assert "blocker/[sub]dir" in "".join(result.stderr.split()), result.stderr


def test_the_summary_prints_paths_with_brackets(tmp_path: Path) -> None:
    out = tmp_path / "[run]" / "out"
    result = cli("clean", str(SEED), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout and f"{out}/report.html" in result.stdout


def test_a_mistyped_input_path_is_named_in_its_record(tmp_path: Path) -> None:
    missing = tmp_path / "sedes" / "000.txt"
    result = cli("clean", str(missing), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    [rec] = [json.loads(l) for l in (tmp_path / "out" / "articles.jsonl").read_text().splitlines()]
    assert rec["error"]["kind"] == "not_found"
    assert str(missing) in rec["error"]["message"], rec["error"]


def test_an_unreadable_file_is_named_in_its_record(tmp_path: Path) -> None:
    big = tmp_path / "in" / "huge.txt"
    big.parent.mkdir()
    big.write_text("word " * 400)
    config = tmp_path / "c.toml"
    config.write_text("[read]\nmax_bytes = 1000\n")
    result = cli("clean", str(big), "--config", str(config), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    [rec] = [json.loads(l) for l in (tmp_path / "out" / "articles.jsonl").read_text().splitlines()]
    assert rec["error"]["kind"] == "too_large" and str(big) in rec["error"]["message"]


def test_counts_are_in_words() -> None:
    assert [plural(n, "input") for n in (0, 1, 2, 1200)] == [
        "0 inputs", "1 input", "2 inputs", "1,200 inputs"]
    assert plural(1, "story", "stories") == "1 story" and plural(3, "story", "stories") == "3 stories"


def test_one_input_is_one_input_and_the_bar_labels_its_times(tmp_path: Path) -> None:
    output = on_a_tty("clean", str(SEED), "--out", str(tmp_path / "out"))
    assert "1 input in" in output and "1 inputs" not in output, output
    bars = re.findall(r"cleaning\s.*?1/1 input\s+\S+/s\s+elapsed (\S+)\s+left (\S+)", output)
    assert bars and all(re.fullmatch(r"\d+:\d\d:\d\d", elapsed) for elapsed, _ in bars), output


def test_explain_speaks_plain_words_and_prints_titles_as_they_are(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    body = SEED.read_text(encoding="utf-8")
    feed.write_text(json.dumps({"id": "[a]1", "title": "Budget [update] vote", "text": body}) + "\n"
                    + json.dumps({"id": "b2", "text": body.replace("2023-12-28", "2023-12-29")}) + "\n")
    result = cli("clean", str(feed), "--out", str(tmp_path / "out"), "--explain")
    assert result.returncode == 0, result.stderr
    assert "[a]1" in result.stdout and "title: Budget [update] vote" in result.stdout, result.stdout
    assert "authors: none" in result.stdout and "date: 2023-12-28" in result.stdout
    for literal in ("None", "False", "True", "[]", "''"):
        assert not re.search(rf"\w+: {re.escape(literal)}(\s|$)", result.stdout), literal


def test_clean_help_lists_every_form_and_sniffing() -> None:
    text = " ".join(cli("clean", "--help").stdout.split())
    for form in (".txt", ".html", ".htm", ".jsonl", ".json", ".warc", ".gz", "sniffed"):
        assert form in text, form


def test_command_list_ends_each_summary_with_its_sentence() -> None:
    lines = cli("--help").stdout.splitlines()
    for name in ("clean", "report", "serve"):
        [i] = [n for n, line in enumerate(lines) if re.match(rf"│ {name}\s", line)]
        summary = lines[i].strip("│ ")
        assert summary.endswith("."), summary
        assert not re.match(r"│\s{4,}\w", lines[i + 1]), lines[i + 1]  # no cut-off continuation


def test_our_metadata_builds_without_deprecation_warnings() -> None:
    """The pyproject as setuptools reads it for `pip install`, every warning an error (a
    license table warned three times per install)."""
    code = ("from setuptools.config.pyprojecttoml import apply_configuration\n"
            "from setuptools.dist import Distribution\n"
            "d = apply_configuration(Distribution(), 'pyproject.toml')\n"
            "print(d.metadata.license_expression)\n")
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "MIT"


def test_the_report_counts_one_removed_line_as_one_line(tmp_path: Path) -> None:
    assert cli("clean", str(SEED), "--out", str(tmp_path), "-q").returncode == 0
    path = tmp_path / "articles.jsonl"
    [rec] = [json.loads(l) for l in path.read_text().splitlines()]
    rec["changes"] = [{"step": "chrome", "action": "drop_widget", "text": "Share", "count": 1}]
    path.write_text(json.dumps(rec) + "\n")
    assert cli("report", str(tmp_path)).returncode == 0
    assert "**chrome removed**: 1 line, 1 word (" in (tmp_path / "summary.md").read_text()
    html = (tmp_path / "report.html").read_text()
    assert re.search(r'id="n-chrome">1 line<small>1 word,', html), html[:2000]
