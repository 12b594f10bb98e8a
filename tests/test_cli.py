"""The one-off CLI: writes the records, exits 0 on bad articles, never imports Prefect."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SEEDS

PY = sys.executable


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    code = "import sys; from newsclean.cli import app; sys.argv = ['newsclean', *sys.argv[1:]]; app()"
    return subprocess.run([PY, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "COLUMNS": "120"})


def test_clean_writes_one_record_per_seed(tmp_path: Path, validator) -> None:
    result = cli("clean", str(SEEDS), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    records = [json.loads(l) for l in (tmp_path / "articles.jsonl").read_text().splitlines()]
    assert sorted(Path(r["source"]).name for r in records) == sorted(p.name for p in SEEDS.iterdir())
    for rec in records:
        validator.validate(rec)
    assert "5 inputs" in result.stdout and "ok" in result.stdout
    assert not list(tmp_path.glob(".articles.jsonl.*")), "temporary file left behind"


def test_bad_articles_do_not_fail_the_run(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.pdf").write_bytes(b"%PDF-1.4 binary")
    (tmp_path / "in" / "e.txt").write_bytes(b"")
    result = cli("clean", str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert result.returncode == 0
    assert "binary" in result.stdout and "empty" in result.stdout


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = cli("clean", str(SEEDS), "--out", str(blocker / "out"))
    assert result.returncode == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_usage_error_is_nonzero() -> None:
    assert cli("clean").returncode != 0
    assert cli("clean", str(SEEDS), "--jobs", "0").returncode != 0


def test_one_off_commands_never_import_prefect(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from newsclean.cli import app\n"
        f"r = CliRunner().invoke(app, ['clean', {str(SEEDS)!r}, '--out', {str(tmp_path)!r}, '-q'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('prefect', 'dask', 'distributed', 'fastapi'))\n"
        "print(heavy)\n"
    )
    result = subprocess.run([PY, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_help_imports_no_pipeline() -> None:
    """--help stays fast by importing neither the pipeline's libraries nor Prefect."""
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom newsclean.cli import app\n"
            "r = CliRunner().invoke(app, ['--help'])\nassert r.exit_code == 0 and 'clean' in r.output\n"
            "print(sorted(m for m in ('trafilatura', 'lxml', 'prefect', 'ftfy', 'cleaners.pipeline') if m in sys.modules))")
    result = subprocess.run([PY, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_explain_prints_each_removal_with_its_step(tmp_path: Path) -> None:
    result = cli("clean", str(SEEDS / "004_20da175ad7725155.txt"), "--out", str(tmp_path), "--explain")
    assert result.returncode == 0, result.stderr
    for expected in ("chrome", "drop_related", "Releated Posts", "drop_comments", "Leave a Reply",
                     "fix_punctuation", "stray_period_comma", "dedupe_paragraphs"):
        assert expected in result.stdout, expected
