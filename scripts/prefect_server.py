"""A real local Prefect server (``prefect server start``) in a temporary home, and
``newsclean serve`` against it: what scripts/scheduled_runs.py and scripts/ui_screenshot.py use.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
QUIET = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
         "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(home: Path, port: int) -> dict[str, str]:
    """Environment for the server and its clients: a private home and database, the API URL,
    fast scheduling and polling so that short intervals show within a minute."""
    return {**os.environ, **QUIET, "PREFECT_HOME": str(home),
            "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
            "PREFECT_RUNNER_POLL_FREQUENCY": "2"}


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise TimeoutError(f"no Prefect server at {url} after {timeout:.0f} s")


def stop(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Interrupt a process we started (by its id) and wait; kill it if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Server:
    """``prefect server start`` on a fixed port and home: stopped and started again on the
    same port and database, an outage as its clients see it."""

    def __init__(self, home: Path, log: Path) -> None:
        self.port = free_port()
        self.env = server_env(home, self.port)
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a") as out:
            self.proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host",
                                          "127.0.0.1", "--port", str(self.port)], env=self.env,
                                         stdout=out, stderr=out)
        wait_healthy(self.env["PREFECT_API_URL"], self.proc)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)


@contextmanager
def restartable_server(home: Path, log: Path) -> Iterator[Server]:
    """A :class:`Server`, started; stopped at the end."""
    server = Server(home, log)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextmanager
def local_server(home: Path, log: Path) -> Iterator[dict[str, str]]:
    """``prefect server start`` on a free port; yields the environment pointing at it."""
    with restartable_server(home, log) as server:
        yield server.env


@contextmanager
def serving(config: Path, env: dict[str, str], log: Path,
            dask_address: str | None = None) -> Iterator[subprocess.Popen]:
    """``newsclean serve --config CONFIG`` against the server; stopped before the server."""
    args = [str(BIN / "newsclean"), "serve", "--config", str(config)]
    if dask_address:
        args += ["--dask-address", dask_address]
    with open(log, "w") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=out)
        try:
            yield proc
        finally:
            stop(proc)
