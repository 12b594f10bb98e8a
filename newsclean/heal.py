"""``newsclean serve``'s own check for runs that nobody will end (issue 35).

The deployment runs one at a time (``global_limit=1``): a run that stays Cancelling, Running
or Pending holds the only slot, and every scheduled run after it is skipped. That happens
after a Prefect server outage: the runner's cancellation watcher dies with the connection
("Cancellation polling task failed"), the server forgets its in-memory concurrency leases
when it restarts, and the next cancel leaves the run in Cancelling for good, across
restarts of ``serve``. Prefect's heartbeats and its zombie-run automation would need the
server's automation services and an automation per deployment; ``serve``'s runs are its
own subprocesses on this machine, so this module looks at them directly.

At start and every ``[schedule] heal_every`` seconds, a daemon thread lists this
deployment's runs in Cancelling, Running or Pending for over ``[schedule] stuck_after``
seconds and finds each one's process (the runner starts it with ``PREFECT__FLOW_RUN_ID`` in
its environment; only this user's processes are looked at):

- Cancelling: its process, if any, is stopped (SIGTERM, then SIGKILL), as the runner would
  have; the run is set Cancelled;
- Running or Pending without a process: the run is set Crashed;
- Running with its process alive: left alone (a long run is not a stuck one).

States are set with ``force=True``: the server's rules would refuse leaving Cancelling
other than through the runner, and the forced transition is what releases the slot. Each
healed run gets one log line and a state message saying why.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import psutil

STUCK = ("CANCELLING", "RUNNING", "PENDING")
RUN_ID_VARIABLE = "PREFECT__FLOW_RUN_ID"
TERMINATE_WAIT = 10.0  # seconds between SIGTERM and SIGKILL (the runner's grace is 30 s)
NAME = "newsclean serve"


@dataclass(frozen=True)
class Verdict:
    """How a stuck run ends: its new state (``Cancelled`` or ``Crashed``) and why."""

    run_id: str
    run_name: str
    state: str
    end_as: str
    message: str


def judge(state: str, seconds: float, alive: bool, stuck_after: float) -> tuple[str, str] | None:
    """(the state to end the run in, why) for a run ``seconds`` in ``state``; None: leave it."""
    if seconds < stuck_after:
        return None
    if state == "CANCELLING":
        return "Cancelled", (f"{NAME}: ended after {seconds:.0f} s in Cancelling (the runner "
                             "lost track of the run, e.g. after a Prefect server outage)")
    if not alive:
        return "Crashed", (f"{NAME}: no process for this run after {seconds:.0f} s in "
                           f"{state.title()} (it died, or the serve that started it did)")
    return None


def run_processes() -> dict[str, psutil.Process]:
    """This user's processes that are flow runs, by flow run id."""
    found: dict[str, psutil.Process] = {}
    me = os.getuid()
    for proc in psutil.process_iter(["uids"]):
        try:
            if proc.info["uids"] is None or proc.info["uids"].real != me:
                continue
            run_id = proc.environ().get(RUN_ID_VARIABLE)
        except (psutil.Error, OSError):  # gone, a zombie, or not ours to read
            continue
        if run_id and proc.pid != os.getpid():
            found.setdefault(run_id, proc)
    return found


def stop_process(proc: psutil.Process) -> None:
    """SIGTERM, then SIGKILL if it is still there after :data:`TERMINATE_WAIT` seconds."""
    try:
        proc.terminate()
        proc.wait(TERMINATE_WAIT)
    except psutil.TimeoutExpired:
        proc.kill()
    except psutil.NoSuchProcess:
        pass


def stuck_runs(client: Any, deployment_id: Any) -> list[Any]:
    from prefect.client.schemas.filters import (DeploymentFilter, DeploymentFilterId,
                                                FlowRunFilter, FlowRunFilterState,
                                                FlowRunFilterStateType)

    return client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
        flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
            type=FlowRunFilterStateType(any_=list(STUCK)))))


def heal_once(client: Any, deployment_name: str, stuck_after: float,
              processes: Callable[[], dict[str, psutil.Process]] = run_processes
              ) -> list[Verdict]:
    """End this deployment's stuck runs (see the module docstring); what was done."""
    from prefect.exceptions import ObjectNotFound
    from prefect.states import State, StateType

    try:
        deployment = client.read_deployment_by_name(deployment_name)
    except ObjectNotFound:  # not served yet
        return []
    runs = stuck_runs(client, deployment.id)
    found = processes() if runs else {}
    now = datetime.now(timezone.utc)
    done = []
    for run in runs:
        state = run.state.type.value
        proc = found.get(str(run.id))
        seconds = (now - run.state.timestamp).total_seconds()
        verdict = judge(state, seconds, proc is not None and proc.is_running(), stuck_after)
        if verdict is None:
            continue
        if proc is not None and state == "CANCELLING":
            stop_process(proc)
        end_as, message = verdict
        client.set_flow_run_state(run.id, State(type=StateType[end_as.upper()], name=end_as,
                                                message=message), force=True)
        done.append(Verdict(str(run.id), run.name, state, end_as, message))
    return done


class Healer:
    """:func:`heal_once` at start and every ``every`` seconds, in a daemon thread."""

    def __init__(self, deployment_name: str, every: float, stuck_after: float) -> None:
        self.deployment_name, self.every, self.stuck_after = deployment_name, every, stuck_after
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.loop, name="newsclean-heal", daemon=True)
        self.failing = False

    def start(self) -> Healer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()

    def loop(self) -> None:
        from prefect.logging import get_logger

        logger = get_logger("newsclean.heal")
        while not self.stopped.is_set():
            self.tick(logger)
            self.stopped.wait(self.every)

    def tick(self, logger: Any) -> None:
        """One check; a server that is down is logged once, not every tick."""
        from prefect import get_client

        try:
            with get_client(sync_client=True) as client:
                healed = heal_once(client, self.deployment_name, self.stuck_after)
        except Exception as exc:  # noqa: BLE001 - the server down must not end the thread
            if not self.failing:
                logger.warning("cannot check for stuck runs (will retry every %.0f s): %s: %s",
                               self.every, type(exc).__name__, exc)
            self.failing = True
            return
        self.failing = False
        for verdict in healed:
            logger.warning("flow run %s (%s) was stuck in %s: set %s, freeing the deployment's "
                           "slot", verdict.run_name, verdict.run_id, verdict.state.title(),
                           verdict.end_as)
