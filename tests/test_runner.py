"""The one batch runner: its executors give the same records, its hooks hear every input and
batch, and a run that died after a committed batch resumes from the next one."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaners.config import Config
from cleaners.runner import Hooks, parts_dir, store_path
from cleaners.runner.executors import Cleaned, ForkPool, InProcess, Numbered
from cleaners.runner.runner import Runner
from cleaners.store import Store

from tests.conftest import SEEDS
from tests.test_faults import corpus

CONFIG = Config().with_overrides({"run": {"batch_size": 4, "worker_task": 2}})


class Crash(Exception):
    pass


class Recording(InProcess):
    """The in-process executor, noting the batch numbers it is given; dies after ``stop``
    batches when told to."""

    def __init__(self, config: Config, stop: int | None = None) -> None:
        super().__init__(config)
        self.stop, self.seen = stop, []

    def map(self, batches: Numbered, on_inputs) -> Iterator[Cleaned]:
        for n, raws in batches:
            if len(self.seen) == self.stop:
                raise Crash
            self.seen.append(n)
            yield from super().map([(n, raws)], on_inputs)


def text(out: Path) -> str:
    return (out / "articles.jsonl").read_text(encoding="utf-8")


def test_the_fork_pool_writes_the_in_process_records(tmp_path: Path) -> None:
    corpus(tmp_path / "in", 10)
    for name, executor in (("one", InProcess(CONFIG)), ("pool", ForkPool(CONFIG, 2))):
        with Store() as store:
            Runner(CONFIG, store, executor).run([tmp_path / "in"], tmp_path / name, "k")
    assert text(tmp_path / "pool") == text(tmp_path / "one")
    assert len(text(tmp_path / "one").splitlines()) == 10


def test_hooks_hear_every_input_batch_and_the_write(tmp_path: Path) -> None:
    inputs, batches, written = [], [], []
    hooks = Hooks(inputs=inputs.append, batch=lambda n, arts, s: batches.append((n, len(arts))),
                  written=lambda summary, s: written.append(summary.total))
    with Store() as store:
        Runner(CONFIG, store, InProcess(CONFIG), hooks).run([SEEDS], tmp_path, "k")
    assert sum(inputs) == 5 and batches == [(0, 4), (1, 1)] and written == [5]


def test_a_run_that_died_resumes_after_its_committed_batches(tmp_path: Path) -> None:
    ids = corpus(tmp_path / "in", 10)
    path = tmp_path / "index.sqlite"
    with Store(path) as store, pytest.raises(Crash):
        Runner(CONFIG, store, Recording(CONFIG, stop=1)).run([tmp_path / "in"], tmp_path / "out",
                                                             "k", seen=["a"])
    assert sorted(p.name for p in parts_dir(tmp_path / "out", "k").glob("*.jsonl")) == [
        "000000.jsonl"]
    again = Recording(CONFIG)
    with Store(path) as store:
        summary = Runner(CONFIG, store, again).run([tmp_path / "in"], tmp_path / "out", "k",
                                                   seen=["a"])
        assert store.finished_batches("k") == {} and store.seen.unseen(["a", "b"]) == {"b"}
    assert again.seen == [1, 2] and summary.resumed_batches == 1  # batch 0 not redone
    assert not parts_dir(tmp_path / "out", "k").exists()
    with Store() as store:
        Runner(CONFIG, store, InProcess(CONFIG)).run([tmp_path / "in"], tmp_path / "whole", "k")
    assert text(tmp_path / "out") == text(tmp_path / "whole")
    assert len(ids) == summary.total == 10


def test_one_default_store_path() -> None:
    assert store_path(Config(), "/r") == "/r/.newsclean/index.sqlite"
    shared = Config().with_overrides({"store": {"path": "/s/index.sqlite"}})
    assert store_path(shared, "/r") == "/s/index.sqlite"
