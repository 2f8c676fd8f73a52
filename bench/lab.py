"""The private lab's speed: start-up, reset + setup, one check, and deck test against the host.

    python bench/lab.py [--runs 5]

Each figure is a median over several runs. ``deck test`` in the lab (the pinned engine,
``engine.LAB_IMAGE``) is set against ``deck test`` on the learner's own Docker (the lab off),
measured in the same run, one after the other; challenges that fail there are named.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.challenge import bundled_challenge, solve_and_time_check  # noqa: E402
from bench.common import Row, print_table  # noqa: E402
from quizdock.errors import ExitCode  # noqa: E402
from quizdock.lab import engine, runner  # noqa: E402
from quizdock.lab.docker_client import connect  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def measure(runs: int) -> list[Row]:
    challenge = bundled_challenge()
    host = connect()
    home = engine.LabHome(
        Path(tempfile.mkdtemp(prefix="quizdock-bench-lab-")), name=f"quizdock-lab-bench-{uuid.uuid4().hex[:6]}"
    )
    rows: list[Row] = []
    try:
        start = time.perf_counter()
        lab = engine.up(host, home)
        first = time.perf_counter() - start
        rows.append(("lab up, first time (images copied from your Docker)", ms(first), "-", "-"))

        restarts = []
        for _ in range(runs):
            host.containers.get(home.name).stop(timeout=5)
            start = time.perf_counter()
            lab = engine.up(host, home)
            restarts.append(time.perf_counter() - start)
        up = statistics.median(restarts)
        rows.append(("lab up, images cached (stopped lab started)", ms(up), "<= 3 s", "met" if up <= 3 else "missed"))

        client = lab.connect()
        try:
            setups = []
            for _ in range(runs):
                start = time.perf_counter()
                state = runner.setup(client, challenge, lab=lab)  # reset included
                setups.append(time.perf_counter() - start)
            setup = statistics.median(setups)
            rows.append(("lab reset + challenge setup", ms(setup), "<= 1 s", "met" if setup <= 1 else "missed"))
            check, checks = solve_and_time_check(client, challenge, state, runs, env=lab.environ())
            rows.append(
                (
                    f"one full check in the lab ({checks} conditions)",
                    ms(check),
                    "< 100 ms",
                    "met" if check < 0.1 else "missed",
                )
            )
            runner.cleanup(client, challenge, state, lab=lab)
        finally:
            client.close()
    finally:
        engine.down(host, home)
        host.close()

    in_lab: list[float] = []
    on_host: list[float] = []
    host_failures = 0
    lab_failed: set[str] = set()
    for _ in range(max(1, runs // 3)):
        # "on": the lab or an error, never a silent fallback timed as the lab.
        for setting, into in (("off", on_host), ("on", in_lab)):
            env = {
                **os.environ,
                "QUIZDOCK_LAB": setting,
                "QUIZDOCK_LAB_DIR": tempfile.mkdtemp(prefix="quizdock-bench-"),
            }
            env.pop("QUIZDOCK_LAB_IMAGE", None)  # the pinned engine
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "quizdock", "deck", "test"], env=env, capture_output=True, text=True
            )
            into.append(time.perf_counter() - start)
            if done.returncode == 0:
                continue
            assert done.returncode == ExitCode.FAILED, done.stdout + done.stderr  # proofs ran; some failed
            if setting == "off":
                host_failures += 1  # on a Docker others use, as the lab exists to avoid
            else:
                lab_failed |= set(re.findall(r"^FAIL\s+(\S+)", done.stdout, re.MULTILINE))
    lab_time, host_time = statistics.median(in_lab), statistics.median(on_host)
    factor = lab_time / host_time
    notes = [f"{factor:.2f}x {ms(host_time)} on your own Docker"]
    if host_failures:
        notes.append(f"{host_failures} of {len(on_host)} runs there failed on a busy Docker")
    if lab_failed:
        notes.append(f"failing in the lab: {', '.join(sorted(lab_failed))}")
    rows.append(
        (
            f"deck test, every challenge, in a lab of its own (Docker Engine {engine.LAB_ENGINE_VERSION})",
            f"{ms(lab_time)} ({'; '.join(notes)})",
            "<= 2x on your own Docker",
            "met" if factor <= 2 else "missed",
        )
    )
    return rows


if __name__ == "__main__":
    print_table(__doc__, measure, default_runs=5)
