"""Shared fixtures: the seeds, a schema validator, and a helper to run a whole batch."""
from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from pytest_httpserver import HTTPServer

from cleaners.config import Config
from cleaners.run import run
from cleaners.schema import article_schema

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
