"""Issue 35: ``newsclean serve`` ends runs stuck after a Prefect server outage and frees the
deployment's one slot (newsclean/heal.py), against the session's real Prefect server. The
stuck Cancelling state is made through the API, as a cancel that no runner hears leaves it;
scripts/scheduled_runs.py checks the same with a server outage under ``newsclean serve``."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from uuid import UUID

import pytest

from newsclean.heal import judge


def test_judge_ends_only_runs_stuck_longer_than_the_threshold() -> None:
    assert judge("CANCELLING", 10, alive=True, stuck_after=60) is None
    assert judge("CANCELLING", 61, alive=True, stuck_after=60)[0] == "Cancelled"
    assert judge("RUNNING", 61, alive=True, stuck_after=60) is None  # long, not stuck
    assert judge("RUNNING", 61, alive=False, stuck_after=60)[0] == "Crashed"
    assert judge("PENDING", 30, alive=False, stuck_after=60) is None  # still starting


@pytest.fixture
def deployment(prefect_server) -> str:
    """The ingestion flow's deployment, one run at a time, as ``serve`` makes it."""
    from flows.ingest import ingest

    ingest.to_deployment(name="heal-test", concurrency_limit=1).apply()
    return f"{ingest.name}/heal-test"


@pytest.fixture
def client(prefect_server) -> Iterator:
    from prefect import get_client

    with get_client(sync_client=True) as found:
        yield found


def new_run(client, deployment: str) -> UUID:
    return client.create_flow_run_from_deployment(client.read_deployment_by_name(deployment).id).id


def propose(client, run_id: UUID, kind: str) -> str:
    """Propose a state as a runner would (the server's rules apply); its answer."""
    from prefect.states import State, StateType

    return client.set_flow_run_state(run_id, State(type=StateType[kind])).status.value


def fake_run_process(run_id: UUID) -> subprocess.Popen:
    """A process carrying the run's id in its environment, as the runner starts one."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                            env={**os.environ, "PREFECT__FLOW_RUN_ID": str(run_id)})


def state_of(client, run_id: UUID) -> str:
    return client.read_flow_run(run_id).state.type.value


def test_a_run_stuck_in_cancelling_is_ended_and_frees_the_slot(deployment: str, client) -> None:
    from newsclean.heal import heal_once

    stuck = new_run(client, deployment)
    assert [propose(client, stuck, k) for k in ("PENDING", "RUNNING")] == ["ACCEPT", "ACCEPT"]
    process = fake_run_process(stuck)
    try:
        assert propose(client, stuck, "CANCELLING") == "ACCEPT"  # a cancel nobody acts on
        waiting = new_run(client, deployment)
        assert propose(client, waiting, "PENDING") != "ACCEPT"  # the slot is held
        [healed] = heal_once(client, deployment, stuck_after=0)
        assert (healed.run_id, healed.state, healed.end_as) == (str(stuck), "CANCELLING",
                                                                 "Cancelled")
        assert process.wait(timeout=15) is not None  # its process was stopped
        assert state_of(client, stuck) == "CANCELLED"
        assert "Cancelling" in client.read_flow_run(stuck).state.message
        assert propose(client, waiting, "PENDING") == "ACCEPT"  # the next run starts
        # Pending or Running without a process: crashed, the slot freed again; with one: kept
        assert [v.end_as for v in heal_once(client, deployment, stuck_after=0)] == ["Crashed"]
        assert state_of(client, waiting) == "CRASHED"
        alive = new_run(client, deployment)
        assert [propose(client, alive, k) for k in ("PENDING", "RUNNING")] == ["ACCEPT"] * 2
        second = fake_run_process(alive)
        try:
            assert heal_once(client, deployment, stuck_after=0) == []
            assert state_of(client, alive) == "RUNNING"
        finally:
            second.kill()
            second.wait()
        [gone] = heal_once(client, deployment, stuck_after=0)
        assert (gone.state, gone.end_as, state_of(client, alive)) == ("RUNNING", "Crashed",
                                                                      "CRASHED")
        assert propose(client, new_run(client, deployment), "PENDING") == "ACCEPT"
    finally:
        process.kill()
        process.wait()
