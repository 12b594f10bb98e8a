"""The default output: the run's directory itself, written atomically file by file as it
always was (:mod:`cleaners.write`); nothing more to do at either moment."""
from __future__ import annotations

from pathlib import Path

from cleaners.output import Commit


class LocalOutput:
    def __init__(self, path: str | Path = "") -> None:
        self.shown = str(path)

    def batch(self, run: str, records: list[dict], commit: Commit) -> None:
        commit()

    def finish(self, run: str, out_dir: Path, amended: list[dict], corrections: list[dict],
               commit: Commit) -> None:
        commit()

    def close(self) -> None:
        pass
