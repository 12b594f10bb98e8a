"""The fork server the run's worker processes start from (``multiprocessing`` forkserver).

Nothing imports it but the fork server (:func:`cleaners.runner.executors.worker_context`). Importing it
is what the fork server does before it forks any worker: it imports the per-article path
(the HTML stack included) and loads the language models once and compiles htmldate's date-parser
locales (1.3 s), so every worker it forks shares those pages,
and the main process, which never detects a language, does not hold them. Forking the main
process instead would copy a process that holds the indexes and runs the pool's threads.
"""
from __future__ import annotations

import cleaners.extract.html  # noqa: F401 - the HTML stack, which the pipeline imports lazily
from cleaners.language import preload
from cleaners.metadata.search import warm
from cleaners.pipeline import process_batch

preload()
warm()

__all__ = ["process_batch"]  # imported so that the workers share it
