"""Outputs to durable stores (issue 35) against real servers: the session's PostgreSQL
(tests/conftest.py) and an S3-compatible server on 127.0.0.1 (moto's server mode,
scripts/s3_server.py, which checks signatures). The CLI to either gives the local run's
records; a store that refuses is exit 2 and nothing written; a store that goes away mid-run
leaves whole batches (rows) or no object, and a rerun resumes; corrections update rows; two
flow runs on empty disks write the records of one run."""
from __future__ import annotations

import json
import os
from pathlib import Path

import psycopg
import pytest

from cleaners.config import Config
from cleaners.output import work_dir
from cleaners.run import run
from cleaners.store import StoreError
from cleaners.write import OutputError
from scripts.postgres_server import free_port, new_database
from scripts.s3_server import new_bucket
from tests.conftest import SEEDS, run_records
from tests.test_cli import cli

SMALL = Config().with_overrides({"run": {"batch_size": 2}})  # five seeds, three batches
FIELDS = ("duplicate_of", "story", "first_report")


def s3fs_now():
    import s3fs

    return s3fs.S3FileSystem(skip_instance_cache=True)  # this test's AWS_* environment


def objects(url: str) -> dict[str, bytes]:
    """Every object under ``url``, by its path below it."""
    fs, root = s3fs_now(), url.removeprefix("s3://").rstrip("/")
    return {path[len(root) + 1:]: fs.cat_file(path) for path in fs.find(root)}


def parsed(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def rows(db: str) -> list[dict]:
    """The articles table, by id; each row's columns and its record."""
    with psycopg.connect(db) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        return cur.execute("SELECT * FROM articles ORDER BY id").fetchall()


def by_id(records: list[dict]) -> list[dict]:
    return sorted(records, key=lambda r: r["id"])


def local_records(tmp_path: Path, config: Config = SMALL) -> list[dict]:
    return by_id(run_records([SEEDS], tmp_path / "local", config))


def test_the_outputs_import_nothing_of_the_corpus() -> None:
    """Like the store, the outputs are generic: the runner hands them records."""
    from tests.test_store_backend import CLEANERS, imported

    files = sorted((CLEANERS / "output").rglob("*.py"))
    assert len(files) == 4
    assert {p.name: [m for m in imported(p) if m.startswith("cleaners.corpus")]
            for p in files} == {p.name: [] for p in files}
    assert "cleaners.output" in imported(CLEANERS / "runner/runner.py")


def test_cli_to_s3_writes_the_local_records_as_whole_objects(tmp_path: Path, s3) -> None:
    local = cli("clean", str(SEEDS), "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr
    url = f"s3://{new_bucket(s3)}/runs/seeds"
    result = cli("clean", str(SEEDS), "--out", url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"wrote {url}/articles.jsonl" in result.stdout and f"{url}/report.html" in result.stdout
    found = objects(url)
    assert set(found) == {"articles.jsonl", "report.html", "summary.md"}
    local_file = (tmp_path / "local/articles.jsonl").read_bytes()
    assert parsed(found["articles.jsonl"]) == parsed(local_file)
    assert b"newsclean report" in found["report.html"]
    assert not (tmp_path / "s3:").exists()  # the old bug: a local folder named after the URL


def test_cli_to_postgres_by_config_writes_a_row_per_record(tmp_path: Path, postgres: str) -> None:
    local = cli("clean", str(SEEDS), "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr
    db = new_database(postgres)
    config = tmp_path / "output.toml"  # [output] url, the flows' setting, serves the CLI too
    config.write_text(f"[output]\nurl = {json.dumps(db)}\n", encoding="utf-8")
    result = cli("clean", str(SEEDS), "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "(table articles)" in result.stdout
    records = by_id(parsed((tmp_path / "local/articles.jsonl").read_bytes()))
    table = rows(db)
    assert [r["record"] for r in table] == records
    for row, record in zip(table, records):
        for column in ("id", "source", "status", "url", "site", "title", "date", "language",
                       *FIELDS):
            assert row[column] == record[column], column
        assert row["completeness"] == record["scores"]["completeness"]
        assert row["originality"] == record["scores"]["originality"]
    assert len({r["run"] for r in table}) == 1


@pytest.mark.parametrize("case", ["wrong key", "missing bucket", "server down"])
def test_a_refusing_object_store_is_exit_2_and_nothing_written(tmp_path: Path, s3, monkeypatch,
                                                                case: str) -> None:
    bucket = new_bucket(s3)
    url = f"s3://{bucket}/run"
    if case == "wrong key":
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-key")
    elif case == "missing bucket":
        url = "s3://no-such-bucket-here/run"
    else:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    result = cli("clean", str(SEEDS), "--out", url, cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert "error: cannot write to s3://" in result.stderr and "Traceback" not in result.stderr
    for name, value in s3.items():
        monkeypatch.setenv(name, value)
    assert objects(f"s3://{bucket}") == {}


@pytest.mark.parametrize("case", ["missing database", "unknown user", "server down"])
def test_a_refusing_database_is_exit_2_and_nothing_written(tmp_path: Path, postgres: str,
                                                           case: str) -> None:
    server = postgres.rsplit("/", 1)[0]
    url = {"missing database": f"{server}/no_such_database",
           "unknown user": server.replace("newsclean@", "nobody@") + "/postgres",
           "server down": f"postgresql://newsclean@127.0.0.1:{free_port()}/postgres"}[case]
    result = cli("clean", str(SEEDS), "--out", url, cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert "error: cannot write to postgresql://" in result.stderr
    assert "Traceback" not in result.stderr
    with psycopg.connect(postgres) as conn:
        assert conn.execute("SELECT to_regclass('articles')").fetchone()[0] is None


def test_a_bucket_gone_mid_run_fails_it_and_a_rerun_resumes(tmp_path: Path, s3,
                                                            monkeypatch) -> None:
    """The store refuses at the end (its bucket deleted while the batches ran): no object,
    the run unfinished; once the bucket is back the same run resumes and uploads."""
    monkeypatch.chdir(tmp_path)
    bucket = new_bucket(s3)
    url = f"s3://{bucket}/run"
    with pytest.raises(OutputError, match="cannot write to s3://"):
        run([SEEDS], url, SMALL, on_batch=lambda _: s3fs_now().rmdir(bucket)
            if s3fs_now().exists(bucket) else None)
    fs = s3fs_now()
    fs.mkdir(bucket)
    assert objects(f"s3://{bucket}") == {}
    summary = run([SEEDS], url, SMALL)
    assert summary.resumed_batches == 3  # nothing cleaned again
    assert by_id(parsed(objects(url)["articles.jsonl"])) == local_records(tmp_path)
    assert (work_dir(url) / "articles.jsonl").exists()


@pytest.mark.parametrize("store", ["own", "shared"])
def test_postgres_going_away_mid_run_leaves_whole_batches_and_a_rerun_resumes(
        tmp_path: Path, postgres: str, monkeypatch, store: str) -> None:
    """The output's connection (its own, or the store's when the store is that database)
    is ended by the server after the first batch: the run fails with the reason, the table
    holds that whole batch (and, shared, exactly the batches the index committed); the
    rerun resumes after it."""
    monkeypatch.chdir(tmp_path)
    db = new_database(postgres)
    config = SMALL.with_overrides({"store": {"path": db}}) if store == "shared" else SMALL
    victim = "newsclean pid%" if store == "shared" else "newsclean output%"

    def end_connection(_arts: list) -> None:
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE application_name LIKE %s", (victim,))

    with pytest.raises((OutputError, StoreError), match=r"postgresql://127\.0\.0\.1"):
        run([SEEDS], db, config, on_batch=end_connection)
    assert len(rows(db)) == 2
    if store == "shared":
        with psycopg.connect(db) as conn:
            assert conn.execute("SELECT sum(records) FROM batches").fetchone()[0] == 2
    summary = run([SEEDS], db, config)
    assert summary.resumed_batches == 1
    assert [r["record"] for r in rows(db)] == local_records(tmp_path)


def test_corrections_update_the_rows_of_earlier_runs(tmp_path: Path, postgres: str,
                                                     monkeypatch) -> None:
    """Two runs sharing a PostgreSQL store and table, on two halves of a corpus: the second
    makes first-half records duplicates or displaced first reports (corrections.jsonl), and
    the rows say so: the table holds what one run over both halves writes."""
    from tests.test_store import halves_of, write_jsonl

    monkeypatch.chdir(tmp_path)
    halves, db = halves_of(), new_database(postgres)
    size = len(halves[0])
    config = Config().with_overrides({"run": {"batch_size": size}, "store": {"path": db}})
    inputs = [write_jsonl(tmp_path / f"{n}.jsonl", h) for n, h in zip("ab", halves)]
    run([inputs[0]], db, config)
    one = {r["id"]: r["record"] for r in rows(db)}
    run([inputs[1]], db, config)
    fixes = parsed((work_dir(db) / "corrections.jsonl").read_bytes())
    assert fixes
    table = {r["id"]: r for r in rows(db)}
    changes = 0
    for fix in fixes:
        row = table[fix["id"]]
        for key, value in fix.items():
            assert row[key] == value and row["record"][key] == value
            changes += one[fix["id"]][key] != value  # a change the second run made
    assert changes
    whole = run_records(inputs, tmp_path / "whole", config.with_overrides({"store": {"path": ""}}))
    assert ({i: [r["record"][k] for k in FIELDS] for i, r in table.items()}
            == {r["id"]: [r[k] for k in FIELDS] for r in whole})


def flow_config(work: Path, inbox: Path, store: str, output: str, size: int) -> Path:
    config = work / "newsclean.toml"
    config.write_text(f"[run]\nbatch_size = {size}\n[schedule]\nreports = "
                      f"{json.dumps(str(work / 'reports'))}\n[sources]\ninbox = "
                      f"{json.dumps(str(inbox))}\n[store]\npath = {json.dumps(store)}\n"
                      f"[output]\nurl = {json.dumps(output)}\n", encoding="utf-8")
    return config


@pytest.mark.parametrize("kind", ["s3", "postgresql"])
def test_two_flow_runs_on_empty_disks_write_the_records_of_one_run(
        prefect_server, postgres: str, s3, tmp_path: Path, kind: str) -> None:
    """Two flow runs in two working directories with nothing in common but a PostgreSQL
    store, each ingesting half a corpus into one output (an S3 prefix, or the store's own
    database): the output holds the records of one run over both halves."""
    from tests.test_flows import run_flow
    from tests.test_store import corrected, halves_of, write_jsonl

    halves, store = halves_of(), new_database(postgres)
    size = len(halves[0])
    output = f"s3://{new_bucket(s3)}/newsclean" if kind == "s3" else store
    names = []
    for name, half in zip(("one", "two"), halves):
        work = tmp_path / name
        (work / "inbox").mkdir(parents=True)
        write_jsonl(work / "inbox" / f"{name}.jsonl", half)
        run_dir = Path(run_flow(flow_config(work, work / "inbox", store, output, size))[0])
        names.append(run_dir.name)
    if kind == "s3":
        found = objects(output)
        assert {p.split("/")[0] for p in found} == set(names)
        assert {"articles.jsonl", "report.html", "summary.md"} <= {p.split("/")[1] for p in found}
        (tmp_path / "fixes").mkdir()
        fixes = found.get(f"{names[1]}/corrections.jsonl", b"")
        (tmp_path / "fixes/corrections.jsonl").write_bytes(fixes)
        one, two = (parsed(found[f"{n}/articles.jsonl"]) for n in names)
        written = corrected(one, tmp_path / "fixes") + two
    else:
        table = rows(output)
        assert {r["run"] for r in table} == set(names)
        written = [r["record"] for r in table]
    inputs = [write_jsonl(tmp_path / f"{n}.jsonl", h) for n, h in zip("ab", halves)]
    whole = run_records(inputs, tmp_path / "whole",
                        Config().with_overrides({"run": {"batch_size": size}}))
    assert ({r["id"]: [r[k] for k in FIELDS] for r in written}
            == {r["id"]: [r[k] for k in FIELDS] for r in whole})


def test_a_refusing_output_fails_the_flow_run_and_a_rerun_writes(prefect_server, s3,
                                                                 tmp_path: Path) -> None:
    from flows.ingest import ingest
    from tests.test_flows import run_flow

    bucket = f"newsclean-later-{os.getpid()}"  # created only after the first run failed
    output = f"s3://{bucket}/runs"
    config = flow_config(tmp_path, SEEDS, str(tmp_path / "index.sqlite"), output, 2)
    state = ingest.with_options(retries=0)(str(config), return_state=True)
    assert state.is_failed() and f"cannot write to {output}" in state.message
    s3fs_now().mkdir(bucket)
    assert objects(f"s3://{bucket}") == {}
    run_dir = Path(run_flow(config)[0])
    found = parsed(objects(output)[f"{run_dir.name}/articles.jsonl"])
    assert by_id(found) == local_records(tmp_path)


def test_the_reports_story_pages_go_to_the_object_store(tmp_path: Path, s3) -> None:
    """report/stories-NNNN.html are uploaded with the report; a later, shorter report under
    the same prefix leaves none of the earlier pages behind."""
    from cleaners.output.objectstore import ObjectOutput

    url = f"s3://{new_bucket(s3)}/runs/big"
    out = tmp_path / "run"
    (out / "report").mkdir(parents=True)
    for name in ("articles.jsonl", "report.html", "summary.md", "report/stories-0001.html",
                 "report/stories-0002.html", "report/notes.txt"):
        (out / name).write_text(f"{name}\n", encoding="utf-8")
    commits = []
    ObjectOutput(url).finish("run", out, [], [], lambda: commits.append(1))
    assert set(objects(url)) == {"articles.jsonl", "report.html", "summary.md",
                                 "report/stories-0001.html", "report/stories-0002.html"}
    assert objects(url)["report/stories-0002.html"] == b"report/stories-0002.html\n"
    (out / "report" / "stories-0002.html").unlink()
    ObjectOutput(url).finish("run", out, [], [], lambda: commits.append(2))
    assert set(objects(url)) == {"articles.jsonl", "report.html", "summary.md",
                                 "report/stories-0001.html"}
    assert commits == [1, 2]
