"""A real throwaway S3-compatible server for the output tests and bench/store.py: moto's
server mode (``moto_server``, from the dev extra) in a subprocess on 127.0.0.1 at a free port.

It checks signatures: the first few requests are unauthenticated (``INITIAL_NO_AUTH_ACTION_
COUNT``), just enough to create an IAM user allowed everything and its access key; every
later request must be signed with that key, so wrong credentials are refused as by a real
store. :func:`s3_server` yields the standard environment variables a client reads
(``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path

from scripts.postgres_server import free_port

SETUP_ACTIONS = 3  # create_user, put_user_policy, create_access_key
START_TIMEOUT = 60.0  # seconds
_buckets = count(1)


def moto_server() -> str:
    found = Path(sys.executable).parent / "moto_server"
    return str(found) if found.exists() else "moto_server"


def wait_up(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=2).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto_server did not start on {url}") from None
            time.sleep(0.1)


def user_keys(url: str) -> dict[str, str]:
    """An IAM user allowed everything, and its access key (the unauthenticated requests)."""
    import boto3

    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                       aws_access_key_id="setup", aws_secret_access_key="setup")
    iam.create_user(UserName="newsclean")
    iam.put_user_policy(UserName="newsclean", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="newsclean")["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


@contextmanager
def s3_server() -> Iterator[dict[str, str]]:
    """A running server; yields the environment a client needs to reach it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(SETUP_ACTIONS))
    proc = subprocess.Popen([moto_server(), "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(url, proc)
        yield {"AWS_ENDPOINT_URL": url, "AWS_DEFAULT_REGION": "us-east-1", **user_keys(url)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def new_bucket(env: dict[str, str]) -> str:
    """A fresh, empty bucket on the server ``env`` names; its name."""
    import s3fs

    name = f"newsclean-{os.getpid()}-{next(_buckets)}"
    fs = s3fs.S3FileSystem(skip_instance_cache=True, endpoint_url=env["AWS_ENDPOINT_URL"],
                           key=env["AWS_ACCESS_KEY_ID"], secret=env["AWS_SECRET_ACCESS_KEY"])
    fs.mkdir(name)
    return name
