"""The runner's map step as Prefect tasks (:class:`cleaners.runner.runner.Runner` is the rest
of the run): each batch is spooled with its bytes to ``raw-NNNNNN.pkl`` beside the run's part
files, cleaned by :func:`flows.tasks.clean_task` into ``clean-NNNNNN.pkl`` and read back here,
in input order. Without a task runner the tasks run one after the other in the flow's
process (threads would only contend for the GIL); on one (prefect-dask's included) every
batch is submitted as it is read and runs on the runner's workers."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prefect.task_runners import TaskRunner

from cleaners.config import Config
from cleaners.read.files import load
from cleaners.runner import OnInputs
from cleaners.runner.executors import Cleaned, Numbered
from flows.artifacts import RunLog
from flows.tasks import clean_task, spool, unspool


class PrefectTasks:
    def __init__(self, config: Config, config_file: str | None, work: Path, log: RunLog,
                 task_runner: TaskRunner | None = None) -> None:
        self.config, self.config_file, self.work, self.log = config, config_file, work, log
        self.task_runner = task_runner

    def map(self, batches: Numbered, on_inputs: OnInputs) -> Iterator[Cleaned]:
        if self.task_runner is None:
            for n, raws in batches:
                yield self._taken(clean_task(**self._spooled(n, raws)), on_inputs)
            return
        on_worker = clean_task.with_options(timeout_seconds=None)  # a worker thread's timeout
        with self.task_runner as runner:                            # cannot interrupt the task
            futures = [runner.submit(on_worker, self._spooled(n, raws)) for n, raws in batches]
            for future in futures:
                yield self._taken(future.result(), on_inputs)

    def _spooled(self, n: int, raws: list) -> dict[str, Any]:
        """The clean task's parameters for batch ``n``, its inputs spooled unless an earlier
        attempt already cleaned it."""
        raw, out = self.work / f"raw-{n:06d}.pkl", self.work / f"clean-{n:06d}.pkl"
        if not out.exists():
            spool([load(r, self.config.read) for r in raws], raw)  # the spool holds the bytes
        return {"n": n, "raw_path": str(raw), "out_path": str(out),
                "config_file": self.config_file}

    def _taken(self, result: dict[str, Any], on_inputs: OnInputs) -> Cleaned:
        self.log.add("clean", result.get("records", 0), result["seconds"])
        arts, features = unspool(result["path"])
        on_inputs(len(arts))
        return arts, features
