"""One full check of a practical challenge against the engine (every condition evaluated)."""

from __future__ import annotations

import statistics
import time

from quizdock.decks import load_decks
from quizdock.docker_client import connect
from quizdock.lab import runner
from quizdock.lab.deck_test import run_step
from quizdock.paths import bundled_decks_dir

CHALLENGE = "practical/couchdb-style"  # name, -d, -p and image: a check of each kind of container state


def measure_check(runs: int) -> tuple[float, int]:
    """Median seconds of ``runner.evaluate`` on a solved challenge, and its number of checks."""
    card = next(c for d in load_decks([bundled_decks_dir()]) for c in d.cards if c.id == CHALLENGE)
    challenge = card.challenge
    assert challenge is not None
    client = connect()
    state = runner.setup(client, challenge)
    try:
        for step in challenge.solution:
            run_step(step, state.values, challenge=challenge)
        runner.evaluate(client, challenge, state)  # warm-up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            results = runner.evaluate(client, challenge, state)
            times.append(time.perf_counter() - start)
        assert all(r.passed for r in results), [r.name for r in results if not r.passed]
        return statistics.median(times), len(results)
    finally:
        runner.cleanup(client, challenge, state)
