"""The CLI's run: :class:`~cleaners.runner.runner.Runner` with the in-process executor, or the
fork-server pool for ``jobs > 1`` (when the inputs fill more than one worker task), keyed by
its inputs and settings so that running the same command again after a crash resumes it.
The output is a local directory, or a URL (:mod:`cleaners.output`: ``s3://...``,
``postgresql://...``) whose run writes a local work directory first
(:func:`~cleaners.output.work_dir`), that same command's resume point. No orchestration
framework here."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

from cleaners import memory
from cleaners.config import Config
from cleaners.output import is_remote, open_output, work_dir
from cleaners.read.files import kind_of, walk
from cleaners.record import Article
from cleaners.runner import Hooks, OnInputs, RunSummary, ignore, store_path
from cleaners.runner.executors import ForkPool, InProcess
from cleaners.runner.runner import Runner
from cleaners.store import Store, StoreError
from cleaners.write import output_dir


def run_key(paths: Iterable[str | Path], config: Config) -> str:
    """Names a run by its inputs (paths, sizes, modification times) and settings."""
    digest = hashlib.sha1(json.dumps(asdict(config), sort_keys=True, default=str).encode())
    for path in walk(paths):
        try:
            st = path.stat()
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{path}\0missing\n".encode())
    return digest.hexdigest()[:16]


def open_store(out_dir: Path, config: Config, key: str) -> Store:
    """The configured store, or the output's own (:func:`~cleaners.runner.store_path`), which
    starts fresh unless it holds an unfinished run of the same inputs (a resume)."""
    path = store_path(config, out_dir)
    if config.store.path:
        return Store(path)
    if Path(path).exists():
        try:
            with Store(path) as old:
                resumable = bool(old.finished_batches(key))
        except StoreError:  # another version's: not resumable, and ours to replace
            resumable = False
        if not resumable:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    return Store(path)


def pool_pays(paths: Iterable[str | Path], config: Config) -> bool:
    """Whether ``--jobs`` workers can share the inputs: only with more than one worker task
    of them (``[run] worker_task``). Fewer go to one worker while the others wait, after a
    fork server has loaded every model: ``newsclean clean ONE.html --jobs 2`` took 9.5 s,
    1.7 s in this process (a loaded 2-core machine). A JSON Lines or WARC file counts as many (counting its
    records means reading it)."""
    room = config.run.worker_task
    for path in walk(paths):
        room -= room + 1 if kind_of(path)[0] in ("json", "warc") else 1
        if room < 0:
            return True
    return False


def local_dir(out: str | Path) -> Path:
    """Where a run to ``out`` writes its files: ``out`` itself, or a remote output's work
    directory."""
    return work_dir(str(out)) if is_remote(out) else Path(out)


def run(paths: Iterable[str | Path], out: str | Path, config: Config, jobs: int = 1,
        on_batch: Callable[[list[Article]], None] | None = None,
        on_inputs: OnInputs | None = None,
        on_assembled: Callable[[Path], object] | None = None) -> RunSummary:
    """Clean every input under ``paths`` into ``out``: a directory (``out/articles.jsonl``)
    or an output URL (:mod:`cleaners.output`). ``on_batch`` gets each batch's records once
    stored; ``on_inputs(n)`` hears of inputs as they are done, for a progress display whose
    total :func:`cleaners.read.files.count_inputs` gives; ``on_assembled(dir)`` may add
    files (the report) beside ``articles.jsonl`` before the output is published."""
    memory.one_arena()
    paths, out_dir = list(paths), output_dir(local_dir(out))
    key = run_key(paths, config)
    hooks = Hooks(inputs=on_inputs or ignore,
                  batch=(lambda _n, arts, _s: on_batch(arts)) if on_batch else ignore,
                  assembled=on_assembled or ignore)
    pooled = jobs > 1 and pool_pays(paths, config)
    executor = ForkPool(config, jobs) if pooled else InProcess(config)
    with open_store(out_dir, config, key) as store:
        output = open_output(out if is_remote(out) else "", store)
        try:
            return Runner(config, store, executor, hooks, output).run(paths, out_dir, key)
        finally:
            output.close()
