"""Checking a challenge set up by a session in another terminal: once, or in watch mode, again
on every Docker event about it until it passes.

The results go to a callback (:func:`quizdock.cli.challenge_terminal.check_and_show` draws them);
nothing here prints.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from quizdock.challenges.model import LABEL_CHALLENGE, LABEL_HELPER
from quizdock.errors import DockerUnavailable
from quizdock.i18n import _
from quizdock.lab import runner
from quizdock.lab.state import LabState, load_state

if TYPE_CHECKING:
    import docker

    from quizdock.challenges.model import Challenge
    from quizdock.lab.conditions import CheckResult


def relevant(event: dict[str, Any], challenge: Challenge, state: LabState) -> bool:
    """An event about this challenge's resources (image events always count: tags carry no labels)."""
    kind = event.get("Type")
    actor = event.get("Actor") or {}
    attributes = actor.get("Attributes") or {}
    if attributes.get(LABEL_HELPER):
        return False  # quizdock's own helper containers, made while checking
    if state.lab:
        return True  # nothing but the challenge lives in the lab
    if kind == "image" or attributes.get(LABEL_CHALLENGE) == challenge.id:
        return True
    names = runner.challenge_names(challenge, state) | {v for vs in state.anonymous_volumes.values() for v in vs}
    ids = set(state.stopped) | set(state.containers.values())
    old_name = str(attributes.get("oldName") or "").lstrip("/")  # a rename
    return attributes.get("name") in names or old_name in names or actor.get("ID") in names or actor.get("ID") in ids


def ended(challenge_id: str) -> bool:
    """The challenge was cleaned up, or is being cleaned up, by the session that set it up."""
    current = load_state(challenge_id)
    return current is None or current.ended


def watch(
    client: docker.DockerClient,
    challenge: Challenge,
    state: LabState,
    on_results: Callable[[list[CheckResult]], None],
    *,
    timeout: float | None = None,
    tick: float = 3.0,
) -> bool:
    """Re-check on every Docker event about the challenge until every check passes.

    The SDK's event stream is read in a thread; the checks also run every ``tick`` seconds,
    for what has no event (a ``docker login``, an answer typed in the other terminal). Whatever
    the learner does to the challenge's resources (remove, kill, rename, restart them, stop the
    registry), the checks say so and watching goes on.

    Args:
        client: A connected client.
        challenge: The challenge.
        state: Its state.
        on_results: Called with the results whenever they change.
        timeout: Give up after this many seconds (None: wait until solved or Ctrl-C).
        tick: Seconds between checks when no event comes.

    Returns:
        True when every check passes; False on timeout or when the challenge was cleaned up
        elsewhere.

    Raises:
        DockerUnavailable: The daemon failed, refused a request, or its event stream ended.
    """
    events: queue.Queue[dict[str, Any] | None] = queue.Queue()
    with runner.docker_errors(_("watching Docker events")):
        stream = client.events(decode=True, filters={"type": ["container", "image", "volume"]})

    def pump() -> None:
        try:
            for event in stream:
                events.put(event)
        except Exception:  # the stream was closed, or the daemon went away
            pass
        events.put(None)

    threading.Thread(target=pump, daemon=True, name="quizdock-events").start()
    deadline = None if timeout is None else time.monotonic() + timeout
    shown: tuple[tuple[bool, str], ...] = ()
    try:
        while True:
            # Read the state again: the other terminal records typed commands and answers, and a
            # reset there chooses new ports.
            current = load_state(challenge.id)
            if current is None or current.ended:
                return False  # ended in the other terminal
            state = current
            results = runner.evaluate(client, challenge, state)
            key = tuple((r.passed, r.message.en) for r in results)
            if key != shown:
                shown = key
                on_results(results)
            if all(r.passed for r in results):
                # Passing because the other terminal's cleanup is emptying things is no pass.
                return not ended(challenge.id)
            if not _wait(events, challenge, state, deadline, tick):
                return False
    finally:
        with contextlib.suppress(Exception):
            stream.close()


def _wait(
    events: queue.Queue[dict[str, Any] | None],
    challenge: Challenge,
    state: LabState,
    deadline: float | None,
    tick: float,
) -> bool:
    """Wait for a relevant event or the tick; False at the deadline or when the challenge ended
    elsewhere."""
    while True:
        remaining = tick if deadline is None else min(tick, deadline - time.monotonic())
        if remaining <= 0:
            return False
        try:
            event = events.get(timeout=remaining)
        except queue.Empty:
            return not ended(challenge.id)
        if event is None:
            raise DockerUnavailable(
                _("The Docker event stream ended: the daemon stopped or restarted."),
                _("Check that Docker runs (`docker info`), then check again."),
            )
        if relevant(event, challenge, state):
            return True


@dataclass(frozen=True, slots=True)
class Checked:
    """What checking a set-up challenge found.

    Attributes:
        results: The last results (one per check that applies where the challenge runs).
        ended_elsewhere: Watching stopped because the challenge ended in the terminal that set
            it up (the results are then no verdict).
    """

    results: list[CheckResult]
    ended_elsewhere: bool = False

    @property
    def passed(self) -> bool:
        return not self.ended_elsewhere and all(r.passed for r in self.results)


def check_set_up(
    challenge: Challenge,
    state: LabState,
    *,
    watching: bool,
    timeout: float | None,
    on_results: Callable[[list[CheckResult]], None],
) -> Checked:
    """Grade a challenge set up by a session (in another terminal), where its state says it runs:
    once, or (``watching``) at every change until it passes, ``timeout`` runs out or it ends there.

    Args:
        challenge: The challenge.
        state: Its saved state.
        watching: Watch Docker's events (see :func:`watch`) rather than check once.
        timeout: With ``watching``: give up after this many seconds (None: never).
        on_results: Told the results: once, or at every change.

    Raises:
        DockerUnavailable: The daemon failed or refused a request.
        LabUnavailable: The challenge runs in the lab, which is no longer running (or failed).
    """
    from quizdock.lab.engine import default_home
    from quizdock.lab.target import connect_for_state, lab_faults

    seen: list[list[CheckResult]] = []

    def keep(results: list[CheckResult]) -> None:
        seen.append(results)
        on_results(results)

    with lab_faults(default_home() if state.lab else None):
        client = connect_for_state(state.lab)
        try:
            if not watching:
                keep(runner.evaluate(client, challenge, state))
                return Checked(seen[-1])
            passed = watch(client, challenge, state, keep, timeout=timeout)
        finally:
            client.close()
    return Checked(seen[-1] if seen else [], ended_elsewhere=not passed and ended(challenge.id))
