"""The one-off CLI: writes the records, exits 0 on bad articles, never imports Prefect."""
from __future__ import annotations

import gzip
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from cleaners.config import Config
from cleaners.read.files import count_inputs
from cleaners.run import run

from tests.conftest import ROOT, SEEDS
from tests.pages import ARTICLE_HTML, warc_record

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
    (tmp_path / "in" / "b.txt").write_bytes(b"\x00\x01\x02 not text" * 20)
    (tmp_path / "in" / "e.txt").write_bytes(b"")
    result = cli("clean", str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert result.returncode == 0
    for kind in ("unsupported_format", "binary", "empty"):
        assert kind in result.stdout, kind


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


def on_a_tty(*args: str) -> str:
    """The CLI's output under a pseudo-terminal, escape sequences removed."""
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    code = "import sys; from newsclean.cli import app; sys.argv = ['newsclean', *sys.argv[1:]]; app()"
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(ROOT)
        os.execve(PY, [PY, "-c", code, *args], env)
    out = bytearray()
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0, out.decode(errors="replace")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.decode(errors="replace")).replace("\r", "\n")


def mixed_inputs(folder: Path) -> int:
    """Five seed files, a JSONL file of three records, a WARC file of two: 10 inputs."""
    folder.mkdir()
    for seed in SEEDS.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "feed.jsonl").write_text("".join(json.dumps({"id": f"j{i}", "text": f"Item {i} on the "
                                                          "harbour works, filed Tuesday."}) + "\n"
                                               for i in range(3)))
    (folder / "crawl.warc.gz").write_bytes(gzip.compress(
        warc_record("https://example.org/a", "text/html", ARTICLE_HTML.encode())
        + warc_record("https://example.org/logo.png", "image/png", b"\x89PNG\r\n\x1a\n")))
    return 10


def test_progress_bar_counts_every_input_with_rate_and_time_left(tmp_path: Path) -> None:
    total = mixed_inputs(tmp_path / "in")
    output = on_a_tty("clean", str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    bars = re.findall(r"cleaning\s.*?(\d+)/(\d+) inputs\s+(\S+)/s\s+elapsed \S+\s+left \S+", output)
    assert bars, output
    assert {int(of) for _, of, _ in bars} == {total}
    assert bars[-1][0] == str(total) and f"{total} inputs in" in output


def test_progress_hook_hears_of_each_input(tmp_path: Path) -> None:
    """The library's hook behind the bar: one call per input cleaned (not per batch of
    500), adding up to the count the bar's total comes from."""
    total = mixed_inputs(tmp_path / "in")
    calls: list[int] = []
    summary = run([tmp_path / "in"], tmp_path / "out", Config(), on_inputs=calls.append)
    assert calls == [1] * total and count_inputs([tmp_path / "in"]) == summary.total == total


def test_off_a_tty_there_is_no_progress_display(tmp_path: Path) -> None:
    result = cli("clean", str(SEEDS), "--out", str(tmp_path))
    assert result.returncode == 0 and "inputs\n" not in result.stderr and "left" not in result.stderr


def test_help_is_clean() -> None:
    for args in (["--help"], ["clean", "--help"], ["report", "--help"]):
        result = cli(*args)
        assert result.returncode == 0 and "<bool>" not in result.stdout, result.stdout
        assert not re.search(r"\{\w+\}", result.stdout), result.stdout
    assert "clean [OPTIONS] PATHS..." in cli("clean", "--help").stdout


def test_output_files_are_readable_by_all_under_umask_022(tmp_path: Path) -> None:
    code = "import sys; from newsclean.cli import app; sys.argv = ['newsclean', *sys.argv[1:]]; app()"
    result = subprocess.run([PY, "-c", code, "clean", str(SEEDS), "--out", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, umask=0o022)
    assert result.returncode == 0, result.stderr
    for name in ("articles.jsonl", "report.html", "summary.md"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644, name


def test_atomic_writes_follow_the_umask(tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; from cleaners.write import atomic_open\n"
            "with atomic_open(Path(sys.argv[1])) as fh: fh.write('x')\n")
    subprocess.run([PY, "-c", code, str(tmp_path / "f")], cwd=ROOT, check=True, umask=0o027)
    assert (tmp_path / "f").stat().st_mode & 0o777 == 0o640
