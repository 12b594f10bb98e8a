"""Faults: a run killed mid-batch resumes without losing or repeating an article and without
redoing finished batches; a full disk or unwritable output is a clear error."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaners.report.words import plural
from cleaners.store import Store

from scripts.postgres_server import new_database
from tests.conftest import ROOT, SEEDS

NEWSCLEAN = [sys.executable, "-m", "newsclean"]


def corpus(folder: Path, n: int) -> list[str]:
    """``n`` real-looking inputs: the seeds with a numbered paragraph (distinct bodies)."""
    folder.mkdir()
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(n):
        paras = seeds[i % len(seeds)].split("\n\n")
        paras.insert(2, f"Report {i} adds that the meeting was item {i * 7919 % 10007} on the agenda.")
        (folder / f"{i:04d}.txt").write_text("\n\n".join(paras), encoding="utf-8")
    return [f"{i:04d}" for i in range(n)]


def clean(args: list[str], **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(NEWSCLEAN + ["clean", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killed_run_resumes_with_each_article_once(tmp_path: Path, backend: str,
                                                   request: pytest.FixtureRequest) -> None:
    """On the CLI run's own SQLite store, and on a PostgreSQL store named by the config."""
    ids = corpus(tmp_path / "in", 120)
    config = tmp_path / "small.toml"
    config.write_text("[run]\nbatch_size = 20\n")
    out = tmp_path / "out"
    store = out / ".newsclean/index.sqlite"
    if backend == "postgresql":
        store = new_database(request.getfixturevalue("postgres"))
        config.write_text(f"[run]\nbatch_size = 20\n[store]\npath = {json.dumps(store)}\n")
    args = [str(tmp_path / "in"), "--out", str(out), "--config", str(config), "-q"]
    proc = clean(args)
    batches = out / ".newsclean/batches"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(batches.glob("*/*.jsonl"))) < 2:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "articles.jsonl").exists()
    with Store(store) as index:
        assert index.integrity() == "ok"
        done = index.db.execute("SELECT COUNT(*), SUM(records) FROM batches").fetchone()
        indexed = index.db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    assert 1 <= done[0] < 6 and indexed == done[1]  # no half-written batch in the index

    again = clean(args[:-1])
    stdout, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    kept = plural(done[0], "finished batch", "finished batches")  # one batch on a busy machine
    assert f"{kept} kept" in stdout.replace("\n", " ")
    got = records(out)
    assert sorted(r["id"] for r in got) == ids  # each article exactly once
    with Store(store) as index:
        assert index.integrity() == "ok"
        assert index.db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == len(ids)

    whole, plain = tmp_path / "whole", tmp_path / "plain.toml"
    plain.write_text("[run]\nbatch_size = 20\n")
    fresh = clean([str(tmp_path / "in"), "--out", str(whole), "--config", str(plain), "-q"])
    assert fresh.wait(timeout=300) == 0
    assert got == records(whole)  # the records of a run that was never killed, on SQLite


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE semantics")
def test_full_disk_is_a_clear_error(tmp_path: Path) -> None:
    """A file-size limit stands in for a full disk: writes fail with EFBIG."""
    corpus(tmp_path / "in", 40)
    code = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            "resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000)); "
            "from newsclean.cli import app; sys.argv = ['newsclean'] + sys.argv[1:]; app()")
    proc = subprocess.run([sys.executable, "-c", code, "clean", str(tmp_path / "in"), "--out",
                           str(tmp_path / "out"), "-q"], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "error:" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out/articles.jsonl").exists()


def test_ids_from_input_never_name_files(tmp_path: Path) -> None:
    """JSONL ids and URLs are data: nothing is written outside the output directory."""
    hostile = ["../../escaped", "/tmp/absolute", "..", "a/../../b", "C:\\x", "\x00nul"]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": h, "url": f"file:///{h}", "text": "Short text. " * 40})
                           + "\n" for h in hostile))
    work = tmp_path / "work"
    work.mkdir()
    proc = clean([str(src), "--out", str(work / "out"), "-q"])
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "work"]
    assert sorted(p.name for p in work.iterdir()) == ["out"]
    got = records(work / "out")
    assert len(got) == len(hostile)
