"""A real throwaway PostgreSQL server for the store's tests and bench/store.py: a new cluster
(``initdb``) in a temporary directory, on 127.0.0.1 at a free port with its unix socket in
that directory, started and stopped with ``pg_ctl``. ``initdb`` refuses to run as root, so
as root the cluster belongs to the ``postgres`` system user (``runuser``)."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path

USER = "newsclean"  # the cluster's superuser; trust authentication, local only
_databases = count(1)


def bin_dir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are: on the PATH, else Debian's newest
    /usr/lib/postgresql/N/bin; None when no server is installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                  key=lambda p: int(Path(p).parent.parent.name))
    return Path(dirs[-1]).parent if dirs else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.getuid() == 0 else args


@contextmanager
def postgres_server(fsync: bool = True) -> Iterator[str]:
    """A running server; yields the URL of its ``postgres`` database. ``fsync=False`` for
    tests, whose data need not survive a power cut."""
    bins = bin_dir()
    if bins is None:
        raise FileNotFoundError("no PostgreSQL server binary (initdb) found")
    tmp = Path(tempfile.mkdtemp(prefix="newsclean-pg-"))
    if os.getuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    data, port = tmp / "data", free_port()
    run = {"check": True, "capture_output": True, "text": True}
    try:
        subprocess.run(as_owner([str(bins / "initdb"), "-D", str(data), "-U", USER,
                                 "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]),
                       **run)
        options = (f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1"
                   + ("" if fsync else " -c fsync=off -c synchronous_commit=off"))
        subprocess.run(as_owner([str(bins / "pg_ctl"), "-D", str(data), "-o", options,
                                 "-l", str(tmp / "server.log"), "-w", "start"]), **run)
        try:
            yield f"postgresql://{USER}@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(as_owner([str(bins / "pg_ctl"), "-D", str(data), "-m", "fast",
                                     "-w", "stop"]), **run)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def new_database(server_url: str) -> str:
    """A fresh, empty database on the server of ``server_url``; its URL."""
    import psycopg

    name = f"store_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name
