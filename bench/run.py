"""Measure quizdock on a large synthetic collection and print the figures.

    python bench/run.py [--cards 100000] [--runs 7] [--keep DIR] [--write-results]

Each figure is a median over several runs and, where the target is a ratio, is set against a
floor measured in the same run. ``--write-results`` rewrites bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.challenge import measure_check  # noqa: E402
from bench.collection import build  # noqa: E402
from bench.lab import measure as measure_lab  # noqa: E402

PY = sys.executable


@dataclass
class Figure:
    name: str
    value: str
    target: str
    verdict: str
    note: str = ""


def timed(command: Sequence[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of a command, in seconds (one warm-up run first)."""
    return timed_together([command], env, runs)[0]


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


def spawn_review(env: dict[str, str], *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        PY, ["-m", "quizdock", "review", *args], env=env, encoding="utf-8", timeout=120, dimensions=(40, 120)
    )


def time_to_screen(targets: Sequence[tuple[list[str], str]], env: dict[str, str], runs: int) -> list[float]:
    """Median seconds from starting each process in a terminal to its pattern on screen (in turn)."""
    times: list[list[float]] = [[] for _ in targets]
    for round_ in range(runs + 1):
        for (argv, pattern), samples in zip(targets, times, strict=True):
            start = time.perf_counter()
            child = pexpect.spawn(PY, argv, env=env, encoding="utf-8", timeout=120, dimensions=(40, 120))
            child.expect(pattern)
            if round_:  # round 0 warms the caches
                samples.append(time.perf_counter() - start)
            child.terminate(force=True)
            child.close()
    return [statistics.median(samples) for samples in times]


def answer_to_next_card(env: dict[str, str], cards: int) -> list[float]:
    """Seconds from sending a grade to the next card on screen, in a real terminal."""
    child = spawn_review(env, "--limit", str(cards + 1))
    child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
    gaps = []
    child.expect("Card 1 of")
    for n in range(2, cards + 2):
        child.expect("Press Enter")
        child.send("\r")
        child.expect("How well")
        time.sleep(0.05)  # let the prompt settle, outside the measured time
        start = time.perf_counter()
        child.send("5\r")
        child.expect(f"Card {n} of")
        gaps.append(time.perf_counter() - start)
    child.terminate(force=True)
    child.close()
    return gaps


def peak_memory_mb(env: dict[str, str]) -> float:
    """Peak RSS of a review process that shows 20 cards, via a wrapper that reads its rusage."""
    wrapper = (
        "import resource, subprocess, sys; "
        "subprocess.run([sys.executable, '-m', 'quizdock', 'review', '--limit', '20']); "
        "print('MAXRSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    child = pexpect.spawn(PY, ["-c", wrapper], env=env, encoding="utf-8", timeout=120, dimensions=(40, 120))
    for _ in range(20):
        child.expect("Press Enter")
        child.send("\r")
        child.expect("How well")
        child.send("5\r")
    child.expect(r"MAXRSS (\d+)")
    kib = int(child.match.group(1))
    child.close()
    return kib / 1024


def in_process(function: Callable[[], object], runs: int) -> float:
    function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the collection in this directory")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()

    # Byte-compile the package, as installing a wheel does (PYTHONDONTWRITEBYTECODE may be set).
    subprocess.run([PY, "-m", "compileall", "-q", str(REPO / "quizdock")], check=True, capture_output=True)
    out = args.keep or Path(tempfile.mkdtemp(prefix="quizdock-bench-"))
    db = out / "bench.sqlite3"
    if not db.exists():
        build(out, args.cards, 10, date.today())
    env = {
        **os.environ,
        # pexpect's terminal does not answer prompt_toolkit's cursor position request, which a real
        # terminal answers at once; without this each prompt would wait for it.
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "PYTHONPATH": str(REPO),
        "QUIZDOCK_DB": str(db),
        "QUIZDOCK_DECKS": str(out / "decks"),
        "QUIZDOCK_CONFIG": str(out / "config.toml"),
        "TERM": "xterm",
        "LANG": "C.UTF-8",
    }
    runs = args.runs
    figures: list[Figure] = []

    def ratio(name: str, seconds: float, floor: float, floor_name: str, limit: float | None) -> None:
        print(f"measured: {name}", file=sys.stderr)
        r = seconds / floor
        verdict = "-" if limit is None else ("met" if r <= limit else "missed")
        target = f"<= {limit}x {floor_name}" if limit else f"vs {floor_name}"
        figures.append(Figure(name, f"{ms(seconds)} ({r:.2f}x {ms(floor)})", target, verdict))

    typer_floor, help_time, version_time = timed_together(
        [[PY, "-c", "import typer"], [PY, "-m", "quizdock", "--help"], [PY, "-m", "quizdock", "--version"]],
        env,
        runs * 2,
    )
    pass_floor, sqlalchemy_floor, due = timed_together(
        [[PY, "-c", "pass"], [PY, "-c", "import sqlalchemy"], [PY, "-m", "quizdock", "due"]], env, runs * 2
    )
    review_imports = "import typer, rich.console, rich.panel, sqlalchemy.orm, sqlalchemy.dialects.sqlite, questionary"
    review_floor, first_card = time_to_screen(
        [
            (["-c", f"{review_imports}; print('READY')"], "READY"),
            (["-m", "quizdock", "review", "--limit", "5"], "Press Enter"),
        ],
        env,
        runs,
    )
    ratio("quizdock --help", help_time, typer_floor, "import typer", 1.2)
    ratio("quizdock --version", version_time, typer_floor, "import typer", 1.2)
    ratio("quizdock due (large)", due, pass_floor, "python -c pass", None)
    ratio("quizdock due (large)", due, sqlalchemy_floor, "import sqlalchemy", None)
    ratio("review: first card ready (large)", first_card, review_floor, "review's imports", 1.3)

    gaps = sorted(answer_to_next_card(env, 40))
    p95 = gaps[int(len(gaps) * 0.95) - 1]
    figures.append(
        Figure(
            "review: answer to next card, p95 of 40 (pty)",
            f"{ms(p95)} (median {ms(statistics.median(gaps))})",
            "< 20 ms",
            "met" if p95 < 0.020 else "missed",
        )
    )

    from quizdock.paths import bundled_decks_dir
    from quizdock.storage.store import Store

    with Store.open(db) as store:
        now = datetime.now(UTC)
        store.sync_decks([out / "decks"], now)
        large = in_process(lambda: store.sync_decks([out / "decks"], now), runs)
    figures.append(
        Figure(
            f"deck load, unchanged ({args.cards} cards, 10 files)",
            ms(large),
            "< 20 ms",
            "met" if large < 0.02 else "missed",
        )
    )
    bundled_db = out / "bundled.sqlite3"
    with Store.open(bundled_db) as store:
        store.sync_decks([bundled_decks_dir()], now)
        bundled = in_process(lambda: store.sync_decks([bundled_decks_dir()], now), runs)
    figures.append(
        Figure("deck load, unchanged (bundled decks)", ms(bundled), "< 20 ms", "met" if bundled < 0.02 else "missed")
    )

    export_file = out / "bench00.apkg"
    export = timed(
        [PY, "-m", "quizdock", "export", "anki", "--deck", "bench00", "-o", str(export_file)], env, max(3, runs // 2)
    )
    figures.append(
        Figure(f"export {args.cards // 10} cards to .apkg", ms(export), "< 1.5 s", "met" if export < 1.5 else "missed")
    )

    peak = peak_memory_mb(env)
    figures.append(
        Figure("peak memory of review (large)", f"{peak:.0f} MB", "< 120 MB", "met" if peak < 120 else "missed")
    )

    check, checks = measure_check(runs)  # last: it talks to the engine
    figures.append(
        Figure(
            f"one full check of a practical challenge ({checks} conditions)",
            ms(check),
            "< 100 ms",
            "met" if check < 0.1 else "missed",
        )
    )

    figures += [Figure(*row) for row in measure_lab(runs)]

    table = render(figures)
    print(table)
    if args.write_results:
        write_results(table, args.cards)


def render(figures: list[Figure]) -> str:
    rows = ["| measure | value | target | |", "|---|---|---|---|"]
    rows += [f"| {f.name} | {f.value} | {f.target} | {f.verdict} |" for f in figures]
    return "\n".join(rows)


def write_results(table: str, cards: int) -> None:
    cpu = "unknown"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            re.sub(r"\s+", " ", line.split(":", 1)[1]).strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    machine = (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2**30} GiB, Python {platform.python_version()}"
    )
    text = (REPO / "bench" / "RESULTS.md").read_text() if (REPO / "bench" / "RESULTS.md").exists() else ""
    notes = text.split("## Notes", 1)[1] if "## Notes" in text else "\n"
    (REPO / "bench" / "RESULTS.md").write_text(
        f"# Benchmark results\n\nMeasured {datetime.now().strftime('%Y-%m-%d')} with `python bench/run.py "
        f"--write-results` on {machine}.\nCollection: {cards} cards, {cards * 10} review-log rows.\n\n"
        f"{table}\n\n## Notes{notes}"
    )


if __name__ == "__main__":
    main()
