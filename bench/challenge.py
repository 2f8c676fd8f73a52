"""One full check of a practical challenge against the engine (every condition evaluated)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping

import docker

from quizdock.challenges.model import Challenge
from quizdock.decks.loading import load_decks
from quizdock.lab import runner
from quizdock.lab.deck_test import run_step
from quizdock.lab.docker_client import connect
from quizdock.lab.state import LabState
from quizdock.support.paths import bundled_decks_dir

CHALLENGE = "practical/couchdb-style"  # name, -d, -p and image: a check of each kind of container state


def bundled_challenge() -> Challenge:
    """The challenge of the bundled card `CHALLENGE`."""
    card = next(c for d in load_decks([bundled_decks_dir()]) for c in d.cards if c.id == CHALLENGE)
    challenge = card.challenge
    assert challenge is not None
    return challenge


def solve_and_time_check(
    client: docker.DockerClient,
    challenge: Challenge,
    state: LabState,
    runs: int,
    *,
    env: Mapping[str, str] | None = None,
) -> tuple[float, int]:
    """Run the solution, then return the median seconds of ``runner.evaluate`` (all checks
    passing) and its number of checks."""
    for step in challenge.solution:
        run_step(step, state.values, env=env, challenge=challenge)
    runner.evaluate(client, challenge, state)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        results = runner.evaluate(client, challenge, state)
        times.append(time.perf_counter() - start)
    assert all(r.passed for r in results), [r.name for r in results if not r.passed]
    return statistics.median(times), len(results)


def measure_check(runs: int) -> tuple[float, int]:
    """Median seconds of ``runner.evaluate`` on a solved challenge, and its number of checks."""
    challenge = bundled_challenge()
    client = connect()
    state = runner.setup(client, challenge)
    try:
        return solve_and_time_check(client, challenge, state, runs)
    finally:
        runner.cleanup(client, challenge, state)
