"""Measure quizdock on a large synthetic collection and print the figures.

    python bench/run.py [--cards 100000] [--runs 7] [--keep DIR] [--only anki|schema|integrity] [--write-results]

Each figure is a median over several runs and, where the target is a ratio, is set against a
floor or a peer measured in the same rounds. The Anki rows set quizdock against Anki's own
engine on a mirror of the same collection (bench/anki_engine.py); ``--only anki`` measures only
those (no Docker needed); ``--only schema``, what the deck schema library costs at start-up
(bench/schema.py); ``--only integrity``, the whole-file check before a first write
(bench/integrity.py) with the review's rows. ``--write-results`` rewrites the table of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import re
import signal
import sqlite3
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

from bench import anki_engine  # noqa: E402
from bench.collection import REVIEWS_PER_CARD, build  # noqa: E402
from bench.common import ms, timed_together  # noqa: E402

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


def spawn_review(env: dict[str, str], *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        PY, ["-m", "quizdock", "review", *args], env=env, encoding="utf-8", timeout=120, dimensions=(40, 120)
    )


def time_to_screen(
    targets: Sequence[tuple[list[str], str]], env: dict[str, str], runs: int, *, ends: Sequence[bool] = ()
) -> list[float]:
    """Median seconds from starting each process in a terminal to its pattern on screen (in turn).

    Args:
        ends: per target, whether the process ends by itself after its pattern (it is then left
            to end, outside the measured time, so that it closes its files); others are killed.
    """
    times: list[list[float]] = [[] for _ in targets]
    ending = list(ends) or [False] * len(targets)
    for round_ in range(runs + 1):
        for (argv, pattern), samples, end in zip(targets, times, ending, strict=True):
            start = time.perf_counter()
            child = pexpect.spawn(PY, argv, env=env, encoding="utf-8", timeout=120, dimensions=(40, 120))
            child.expect(pattern)
            if round_:  # round 0 warms the caches
                samples.append(time.perf_counter() - start)
            if end:
                child.expect(pexpect.EOF)
            else:
                child.terminate(force=True)
            child.close()
            if end and child.exitstatus != 0:
                raise RuntimeError(f"{argv[:2]} ended with {child.exitstatus}: {child.before}")
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
        child.send("5")  # one key, no Enter
        child.expect(f"Card {n} of")
        gaps.append(time.perf_counter() - start)
    child.terminate(force=True)
    child.close()
    return gaps


def peak_memory_mb(env: dict[str, str], anki: Path | None = None) -> float:
    """Peak RSS of a sitting of 20 cards, via a wrapper that reads its rusage: quizdock's review
    in a terminal (ended after the 20th answer: same-day repeats owed may follow), or with
    ``anki`` Anki's engine answering 20 cards on that collection."""
    argv = ["-c", anki_engine.SITTING, str(anki)] if anki else ["-m", "quizdock", "review", "--limit", "20"]
    wrapper = (
        "import resource, subprocess, sys; "
        f"process = subprocess.Popen([sys.executable, *{argv!r}]); "
        "print('PID', process.pid, flush=True); process.wait(); "
        "print('MAXRSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    child = pexpect.spawn(PY, ["-c", wrapper], env=env, encoding="utf-8", timeout=120, dimensions=(40, 120))
    child.expect(r"PID (\d+)")
    pid = int(child.match.group(1))
    if not anki:
        for _ in range(20):
            child.expect("Press Enter")
            child.send("\r")
            child.expect("How well")
            child.send("5")
        child.expect("Card 21 of|Session over")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    child.expect(r"MAXRSS (\d+)")
    kib = int(child.match.group(1))
    child.close()
    return kib / 1024


def anki_answering(anki: Path, env: dict[str, str], cards: int) -> list[float]:
    """Seconds of Anki's ``answer_card`` + the next card handed out, in process, per answer."""
    done = subprocess.run(
        [PY, "-c", anki_engine.ANSWERING, str(anki), str(cards)], env=env, capture_output=True, text=True, check=True
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("GAPS "))
    return [float(gap) for gap in json.loads(line.removeprefix("GAPS "))]


def quizdock_answering(db: Path, cards: int) -> list[float]:
    """Seconds of quizdock's ``record_answer`` + reading the next card, in process, per answer."""
    from quizdock.storage.store import Store
    from quizdock.support import clock

    gaps = []
    with Store.open(db) as store:
        today = clock.today()
        ids = store.due_card_ids(today, limit=cards + 1)
        store.scheduled_cards(ids[:1])
        for card_id, next_id in itertools.pairwise(ids):
            start = time.perf_counter()
            store.record_answer(card_id, quality=5, answer="", duration_ms=1000, now=clock.now(), today=today)
            store.scheduled_cards([next_id])
            gaps.append(time.perf_counter() - start)
    return gaps


def first_answer_at_once(env: dict[str, str], runs: int) -> tuple[float, float]:
    """Medians over ``runs`` reviews of the first answer, given as soon as the first card is there
    (its save waits for the store to open and for the whole-file check), and of a later answer."""
    first, later = [], []
    for _ in range(runs):
        gaps = answer_to_next_card(env, 5)
        first.append(gaps[0])
        later.append(statistics.median(gaps[1:]))
    return statistics.median(first), statistics.median(later)


def integrity_figures(db: Path, env: dict[str, str], runs: int) -> list[Figure]:
    """The whole-file check before a first write (bench/integrity.py), and what a learner who
    answers the first card at once waits for it."""
    from bench.integrity import measure as measure_integrity

    figures = [Figure(*row) for row in measure_integrity(db, runs)]
    first, later = first_answer_at_once(env, runs)
    figures.append(
        Figure(
            "review: first answer given at once, to the next card (pty, large)",
            f"{ms(first)} ({first / later:.0f}x {ms(later)}, a later answer)",
            "vs a later answer",
            "-",
        )
    )
    return figures


def in_process(function: Callable[[], object], runs: int) -> float:
    function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the collection in this directory")
    parser.add_argument(
        "--only",
        choices=["anki", "schema", "integrity"],
        help=(
            "measure only these rows (anki: the comparison with Anki; schema: the deck schema library; "
            "integrity: the whole-file check before a first write, with the review's rows)"
        ),
    )
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    if args.write_results and args.only:
        parser.error("--write-results rewrites the whole table: run without --only")

    # Byte-compile the package, as installing a wheel does (PYTHONDONTWRITEBYTECODE may be set).
    subprocess.run([PY, "-m", "compileall", "-q", str(REPO / "quizdock")], check=True, capture_output=True)
    if args.only == "schema":
        from bench.schema import measure as measure_schema

        print(render([Figure(*row) for row in measure_schema(args.runs * 3)]))
        return

    out = args.keep or Path(tempfile.mkdtemp(prefix="quizdock-bench-"))
    db = out / "bench.sqlite3"
    if not db.exists():
        build(out, args.cards, REVIEWS_PER_CARD, date.today())
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
    if args.only == "integrity":
        print(render(integrity_figures(db, env, runs)))
        return
    anki = anki_engine.build(out)
    figures: list[Figure] = []
    everything = args.only is None

    def ratio(name: str, seconds: float, floor: float, floor_name: str, limit: float | None) -> None:
        print(f"measured: {name}", file=sys.stderr)
        r = seconds / floor
        verdict = "-" if limit is None else ("met" if r <= limit else "missed")
        target = f"<= {limit}x {floor_name}" if limit else f"vs {floor_name}"
        figures.append(Figure(name, f"{ms(seconds)} ({r:.2f}x {ms(floor)})", target, verdict))

    def versus(name: str, ours: float, theirs: float, unit: str, limit: float | None) -> None:
        print(f"measured: {name}", file=sys.stderr)
        r = ours / theirs
        show = ms if unit == "ms" else (lambda mb: f"{mb:.0f} MB")
        verdict = "-" if limit is None else ("met" if r <= limit else "missed")
        target = f"<= {limit}x Anki" if limit else "vs Anki"
        figures.append(Figure(name, f"{show(ours)} vs Anki {show(theirs)} ({r:.2f}x)", target, verdict))

    if everything:
        typer_floor, help_time, version_time = timed_together(
            [[PY, "-c", "import typer"], [PY, "-m", "quizdock", "--help"], [PY, "-m", "quizdock", "--version"]],
            env,
            runs * 2,
        )
        pass_floor, sqlalchemy_floor, due = timed_together(
            [[PY, "-c", "pass"], [PY, "-c", "import sqlalchemy"], [PY, "-m", "quizdock", "due"]], env, runs * 2
        )
        ratio("quizdock --help", help_time, typer_floor, "import typer", 1.2)
        ratio("quizdock --version", version_time, typer_floor, "import typer", 1.2)
        ratio("quizdock due (large)", due, pass_floor, "python -c pass", None)
        ratio("quizdock due (large)", due, sqlalchemy_floor, "import sqlalchemy", None)

    # First card: quizdock's floors, quizdock (--limit 5 and the whole backlog) and Anki's engine
    # (its import, and its first card) in the same rounds. The first floor is every library the
    # review command uses; the second, what its first card cannot do without: drawing (rich) and
    # asking (questionary), as Typer and SQLAlchemy are loaded after it.
    review_imports = "import typer, rich.console, rich.panel, sqlalchemy.orm, sqlalchemy.dialects.sqlite, questionary"
    first_imports = "import rich.console, rich.panel, questionary"
    review_floor, first_floor, first_card, first_card_all, anki_import, anki_first = time_to_screen(
        [
            (["-c", f"{review_imports}; print('READY')"], "READY"),
            (["-c", f"{first_imports}; print('READY')"], "READY"),
            (["-m", "quizdock", "review", "--limit", "5"], "Press Enter"),
            (["-m", "quizdock", "review"], "Press Enter"),
            (["-c", "import anki.collection; print('READY')"], "READY"),
            (["-c", anki_engine.FIRST_CARD, str(anki)], "FIRST"),
        ],
        env,
        runs * 2,
        ends=(False, False, False, False, True, True),
    )
    ratio("review: first card ready (large)", first_card, review_floor, "review's imports", 1.3)
    ratio("review: first card ready (large)", first_card, first_floor, "import rich, questionary", None)
    versus("first card: `quizdock review` drawn (pty) vs Anki's handed out", first_card_all, anki_first, "ms", 1.0)
    ratio("first card: `quizdock review`, whole backlog", first_card_all, first_floor, "import rich, questionary", None)
    ratio("Anki: first card handed out", anki_first, anki_import, "import anki.collection", None)

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

    if everything:
        from quizdock.storage.store import Store
        from quizdock.support.paths import bundled_decks_dir

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
            Figure(
                "deck load, unchanged (bundled decks)", ms(bundled), "< 20 ms", "met" if bundled < 0.02 else "missed"
            )
        )

        export_file = out / "bench00.apkg"
        export = timed(
            [PY, "-m", "quizdock", "export", "anki", "--deck", "bench00", "-o", str(export_file)],
            env,
            max(3, runs // 2),
        )
        figures.append(
            Figure(
                f"export {args.cards // 10} cards to .apkg", ms(export), "< 1.5 s", "met" if export < 1.5 else "missed"
            )
        )

    peaks: tuple[list[float], list[float]] = ([], [])
    for _ in range(3):
        peaks[0].append(peak_memory_mb(env))
        peaks[1].append(peak_memory_mb(env, anki))
    peak, anki_peak = (statistics.median(p) for p in peaks)
    figures.append(
        Figure("peak memory of review (large)", f"{peak:.0f} MB", "< 120 MB", "met" if peak < 120 else "missed")
    )
    versus("peak memory, a sitting of 20 cards", peak, anki_peak, "MB", 1.0)

    count, anki_count = time_to_screen(
        [(["-m", "quizdock", "due"], r"\d+"), (["-c", anki_engine.COUNTS, str(anki)], "COUNTS")],
        env,
        runs * 2,
        ends=(True, True),
    )
    versus("daily count: `quizdock due` vs Anki's `sched.counts()` (process)", count, anki_count, "ms", None)
    anki_answer = statistics.median(anki_answering(anki, env, 40))
    versus(
        "answering: answer to next card drawn (pty, median) vs Anki's `answer_card` + next card",
        statistics.median(gaps),
        anki_answer,
        "ms",
        None,
    )
    versus(
        "answering, in process: `record_answer` + next card read vs Anki's `answer_card` + next card",
        statistics.median(quizdock_answering(db, 40)),
        anki_answer,
        "ms",
        None,
    )

    if everything:
        figures += integrity_figures(db, env, runs)

        from bench.challenge import measure_check
        from bench.lab import measure as measure_lab

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

        from bench.schema import measure as measure_schema

        figures += [Figure(*row) for row in measure_schema(runs * 3)]

    table = render(figures)
    print(table)
    if args.write_results:
        write_results(table, args.cards, db)


def render(figures: list[Figure]) -> str:
    rows = ["| measure | value | target | |", "|---|---|---|---|"]
    rows += [f"| {f.name} | {f.value} | {f.target} | {f.verdict} |" for f in figures]
    return "\n".join(rows)


def write_results(table: str, cards: int, db: Path) -> None:
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
    with contextlib.closing(sqlite3.connect(db)) as conn:
        reviews = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    text = (REPO / "bench" / "RESULTS.md").read_text() if (REPO / "bench" / "RESULTS.md").exists() else ""
    # Every section after the table (the lab's, Anki's, the notes) is kept as it is.
    sections = text[text.index("\n## ") + 1 :] if "\n## " in text else "## Notes\n"
    (REPO / "bench" / "RESULTS.md").write_text(
        f"# Benchmark results\n\nMeasured {datetime.now().strftime('%Y-%m-%d')} with `python bench/run.py "
        f"--write-results` on {machine}.\nCollection: {cards} cards, {reviews} review-log rows.\n\n"
        f"{table}\n\n{sections}"
    )


if __name__ == "__main__":
    main()
