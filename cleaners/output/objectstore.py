"""An object store through fsspec: ``s3://bucket/prefix`` (s3fs; endpoint and credentials
from the standard ``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``),
or any other filesystem fsspec knows.

The run writes its files locally first (the work directory it resumes from); at the end each
file is uploaded whole (the report's story pages first), ``articles.jsonl`` last, so a
reader finding it finds the rest. An object store shows an object whole or not at all (a
multipart upload appears when it completes), so a killed upload leaves no partial object,
and the run stays unfinished in the store until every upload succeeded: a rerun resumes it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from cleaners.output import Commit
from cleaners.report.layout import PAGES_DIR
from cleaners.write import OutputError

# uploaded in this order when present; articles.jsonl last: it names a complete run
FILES = ("corrections.jsonl", "summary.md", "report.html", "articles.jsonl")
MAY_GO = ("corrections.jsonl",)  # a rerun without corrections removes an older run's
PAGES = "stories-*.html"  # the report's story pages, in PAGES_DIR


class ObjectOutput:
    def __init__(self, url: str) -> None:
        self.shown = url
        self.fs, self.root = self._connected(url)
        self._checked()

    def _connected(self, url: str) -> tuple[Any, str]:
        try:
            from fsspec.core import url_to_fs

            return url_to_fs(url, skip_instance_cache=True)
        except ImportError as exc:
            raise OutputError(f"cannot write to {url}: {exc} (pip install s3fs)") from None
        except (ValueError, TypeError) as exc:  # an unknown scheme, a malformed URL
            raise OutputError(f"cannot write to {url}: {exc}") from None

    def _checked(self) -> None:
        """Fail before any work when the bucket is missing, the credentials are refused or
        the server is down (nothing is written). A filesystem of paths, not buckets
        (``file://``, ``memory://``), gets the directory instead."""
        try:
            if self.root.startswith("/"):
                self.fs.makedirs(self.root, exist_ok=True)
            else:
                self.fs.info(self.root.split("/", 1)[0])
        except Exception as exc:  # s3fs raises OSError kinds and botocore's own errors
            raise self._error(exc) from None

    def _error(self, exc: Exception) -> OutputError:
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, FileNotFoundError):
            reason = f"no such bucket or path ({reason})"
        return OutputError(f"cannot write to {self.shown}: {reason}")

    def batch(self, run: str, records: list[dict], commit: Commit) -> None:
        commit()

    def finish(self, run: str, out_dir: Path, amended: list[dict], corrections: list[dict],
               commit: Commit) -> None:
        try:
            self._put_pages(Path(out_dir))
            for name in FILES:
                local, remote = Path(out_dir) / name, f"{self.root.rstrip('/')}/{name}"
                if local.exists():
                    self.fs.put_file(str(local), remote)
                elif name in MAY_GO and self.fs.exists(remote):
                    self.fs.rm_file(remote)
        except Exception as exc:
            raise self._error(exc) from None
        commit()

    def _put_pages(self, out_dir: Path) -> None:
        """The report's story pages (``report/stories-NNNN.html``), before report.html links
        to them; pages an earlier, longer report left under the prefix go."""
        remote = f"{self.root.rstrip('/')}/{PAGES_DIR}"
        local = sorted((out_dir / PAGES_DIR).glob(PAGES))
        for path in local:
            self.fs.put_file(str(path), f"{remote}/{path.name}")
        names = {path.name for path in local}
        for old in self.fs.glob(f"{remote}/{PAGES}"):
            if old.rsplit("/", 1)[-1] not in names:
                self.fs.rm_file(old)

    def close(self) -> None:
        pass
