"""Shared fixtures: the seeds, a schema validator, and a helper to run a whole batch."""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from pytest_httpserver import HTTPServer

from cleaners.config import Config
from cleaners.run import run
from cleaners.schema import article_schema
from scripts.postgres_server import bin_dir, new_database, postgres_server
from scripts.s3_server import s3_server

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(article_schema())


def run_records(paths, out: Path, config: Config | None = None, jobs: int = 1) -> list[dict]:
    """Run the library on ``paths`` and return the written records."""
    run([str(p) for p in paths], out, config or Config(), jobs=jobs)
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    """A threaded server on 127.0.0.1, so a handler left sleeping by a timed-out client
    blocks no test."""
    httpserver = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpserver.start()
    yield httpserver
    httpserver.stop()


@pytest.fixture
def http(server: HTTPServer) -> Iterator[HTTPServer]:
    yield server
    server.clear()


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One real Prefect server (a subprocess) for the session's flow tests."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """One throwaway PostgreSQL server for the session (scripts/postgres_server.py): the URL
    of its ``postgres`` database. Without a server binary the tests that need it skip, or
    fail when ``NEWSCLEAN_REQUIRE_POSTGRES=1`` (CI: .ci/run installs it)."""
    if bin_dir() is None:
        message = ("no PostgreSQL server binary (initdb, pg_ctl): install Debian's postgresql "
                   "package to run the PostgreSQL store tests")
        if os.environ.get("NEWSCLEAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with postgres_server(fsync=False) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_path(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new store's path, once per backend: an SQLite file, a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "index.sqlite")
    return new_database(request.getfixturevalue("postgres"))


@pytest.fixture(scope="session")
def s3_server_env() -> Iterator[dict[str, str]]:
    """One S3-compatible server (moto's server mode, scripts/s3_server.py) for the session:
    the environment variables that reach it with a valid key."""
    with s3_server() as env:
        yield env


@pytest.fixture
def s3(s3_server_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The S3 server's endpoint and key in this test's environment (and its subprocesses')."""
    for name, value in s3_server_env.items():
        monkeypatch.setenv(name, value)
    return s3_server_env
