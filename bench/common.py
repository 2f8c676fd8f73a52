"""What the benchmark scripts share: the timing of commands in rounds and the table they print."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence

Row = tuple[str, str, str, str]  # measure, value, target, verdict


def timed_together(commands: Sequence[Sequence[str]], env: dict[str, str], runs: int) -> list[float]:
    """Median wall times of commands run in turn, round after round, so that a floor and what is
    set against it see the same moments of a busy machine."""
    times: list[list[float]] = [[] for _ in commands]
    for round_ in range(runs + 1):
        for command, samples in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, env=env, capture_output=True, check=True)
            if round_:  # round 0 warms the caches
                samples.append(time.perf_counter() - start)
    return [statistics.median(samples) for samples in times]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def print_table(doc: str | None, measure: Callable[[int], list[Row]], default_runs: int) -> None:
    """A benchmark script's command line: `--runs N`, then its rows as a Markdown table."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=default_runs)
    args = parser.parse_args()
    print("| measure | value | target | |\n|---|---|---|---|")
    for row in measure(args.runs):
        print("| " + " | ".join(row) + " |")
