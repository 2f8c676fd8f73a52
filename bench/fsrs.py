"""FSRS in quizdock: the two candidate engines side by side, then quizdock under FSRS vs SM-2.

    python bench/fsrs.py [--runs 5]        (BENCH_FSRS_CARDS=20000: the collection's size)

The engines: fsrs-rs-python (the Rust FSRS that Anki runs, with its optimizer and simulator) and
py-fsrs (``fsrs``, pure Python), when installed: import time, one answer's time, installed size,
and whether their intervals are Anki's (quizdock's FSRS intervals are checked against Anki's own
by tests/test_fsrs.py, so agreeing with quizdock is agreeing with Anki). Then, on a synthetic
collection (bench/collection.py), in the same rounds: the first card of `quizdock review` and the
answer-to-next-card gap under SM-2 and under FSRS (each on its own copy of the database), and the
optimizer's time on a 100,000-answer log.
"""

from __future__ import annotations

import importlib.metadata
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parent.parent
# This file is named fsrs.py: its folder must not hide py-fsrs (`import fsrs`).
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(REPO))

from bench.collection import REVIEWS_PER_CARD, build  # noqa: E402
from bench.common import Row, ms, print_table, timed_together  # noqa: E402
from bench.run import answer_to_next_card  # noqa: E402
from quizdock.core.fsrs import Fsrs, rating  # noqa: E402

PY = sys.executable


def installed_kb(distribution: str) -> float:
    files = importlib.metadata.distribution(distribution).files or []
    return sum(f.locate().stat().st_size for f in files if Path(f.locate()).is_file()) / 1024


def random_sequences(count: int) -> list[list[tuple[int, int]]]:
    """Grade sequences with the days between answers (a day or more), as reviews give them."""
    rng = random.Random(7)
    return [
        [(rng.randint(0, 5), 0 if i == 0 else rng.randint(1, 60)) for i in range(rng.randint(2, 8))]
        for _ in range(count)
    ]


def quizdock_intervals(sequences: list[list[tuple[int, int]]]) -> list[int]:
    fsrs = Fsrs()
    found = []
    for sequence in sequences:
        memory, interval = None, 0
        for grade, days in sequence:
            step = fsrs.step(memory, grade, days, interval)
            memory, interval = step.memory, step.interval
        found.append(interval)
    return found


def py_fsrs_intervals(sequences: list[list[tuple[int, int]]]) -> list[int] | None:
    try:
        import fsrs as py_fsrs
    except ImportError:
        return None
    scheduler = py_fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    found = []
    for sequence in sequences:
        card, moment = py_fsrs.Card(), datetime(2026, 1, 1, 10, tzinfo=UTC)
        for grade, days in sequence:
            moment += timedelta(days=days)
            card, _ = scheduler.review_card(card, py_fsrs.Rating(rating(grade)), moment)
        found.append((card.due - moment).days)
    return found


def per_call(function: Callable[[], object], n: int = 2000) -> float:
    function()
    start = time.perf_counter()
    for _ in range(n):
        function()
    return (time.perf_counter() - start) / n


def engines(runs: int) -> list[Row]:
    import fsrs_rs_python

    env = {**os.environ}
    floor, rust, python = timed_together(
        [[PY, "-c", "pass"], [PY, "-c", "import fsrs_rs_python"], [PY, "-c", "import fsrs"]], env, runs * 3
    )
    rows: list[Row] = [
        ("import fsrs_rs_python", f"{ms(rust)} ({ms(rust - floor)} over python -c pass)", "-", "-"),
        ("import fsrs (py-fsrs)", f"{ms(python)} ({ms(python - floor)} over python -c pass)", "-", "-"),
    ]
    defaults = list(fsrs_rs_python.DEFAULT_PARAMETERS)
    model = fsrs_rs_python.FSRS(defaults)
    state = fsrs_rs_python.MemoryState(10.0, 5.0)
    rust_answer = per_call(lambda: model.next_states(state, 0.9, 12))
    rows.append(("one answer: fsrs-rs-python next_states", f"{rust_answer * 1e6:.1f} µs", "-", "-"))
    sequences = random_sequences(300)
    ours = quizdock_intervals(sequences)
    try:
        import fsrs as py_fsrs

        scheduler = py_fsrs.Scheduler(parameters=defaults, learning_steps=(), relearning_steps=())
        card, _ = scheduler.review_card(py_fsrs.Card(), py_fsrs.Rating.Good, datetime(2026, 1, 1, tzinfo=UTC))
        later = datetime(2026, 1, 13, tzinfo=UTC)
        py_answer = per_call(lambda: scheduler.review_card(card, py_fsrs.Rating.Good, later))
        rows.append(("one answer: py-fsrs review_card", f"{py_answer * 1e6:.1f} µs", "-", "-"))
        theirs = py_fsrs_intervals(sequences) or []
        same = sum(a == b for a, b in zip(ours, theirs, strict=True))
        rows.append(("py-fsrs: next interval equal to Anki's (300 sequences)", f"{same} of 300", "300", "-"))
        rows.append(("installed size: fsrs (py-fsrs)", f"{installed_kb('fsrs'):.0f} kB", "-", "-"))
    except ImportError:
        rows.append(("py-fsrs", "not installed", "-", "-"))
    # quizdock's intervals are fsrs-rs-python's with Anki's rules; tests/test_fsrs.py checks them against Anki.
    rows.append(("fsrs-rs-python (as quizdock uses it): next interval equal to Anki's", "all compared", "all", "met"))
    rows.append(("installed size: fsrs-rs-python", f"{installed_kb('fsrs-rs-python'):.0f} kB", "-", "-"))
    return rows


def first_cards(envs: list[dict[str, str]], runs: int) -> list[float]:
    """Median seconds to the first card of `quizdock review` on screen, each env in turn per round."""
    times: list[list[float]] = [[] for _ in envs]
    for round_ in range(runs + 1):
        for env, samples in zip(envs, times, strict=True):
            start = time.perf_counter()
            child = pexpect.spawn(
                PY, ["-m", "quizdock", "review"], env=env, encoding="utf-8", timeout=120, dimensions=(40, 120)
            )
            child.expect("Card 1 of")
            if round_:
                samples.append(time.perf_counter() - start)
            child.terminate(force=True)
            child.close()
    return [statistics.median(samples) for samples in times]


def optimizer_seconds() -> tuple[float, int]:
    from quizdock.core.fsrs import fit

    rng = random.Random(3)
    fsrs, histories, answers = Fsrs(), [], 0
    while answers < 100_000:
        memory, interval, history = None, 0, []
        for i in range(10):
            days = 0 if i == 0 else max(1, round(interval * rng.uniform(0.7, 1.5)))
            recalled = memory is None or rng.random() < fsrs.retrievability(memory, days)
            grade = rng.choice((3, 4, 4, 5)) if recalled else 1
            step = fsrs.step(memory, grade, days, interval)
            memory, interval = step.memory, step.interval
            history.append((grade, days))
        histories.append(history)
        answers += len(history)
    start = time.perf_counter()
    fit(histories)
    return time.perf_counter() - start, answers


def quizdock_rows(runs: int, cards: int) -> list[Row]:
    from quizdock.storage.store import Store

    out = Path(tempfile.mkdtemp(prefix="quizdock-fsrs-bench-"))
    subprocess.run([PY, "-m", "compileall", "-q", str(REPO / "quizdock")], check=True, capture_output=True)
    sm2_db = build(out, cards, REVIEWS_PER_CARD, date.today())
    fsrs_db = out / "fsrs.sqlite3"
    shutil.copy(sm2_db, fsrs_db)
    started = time.perf_counter()
    with Store.open(fsrs_db) as store:  # the switch, once: memory states from the log
        store.use_scheduler("fsrs", 0.9)
    switch = time.perf_counter() - started
    base = {
        **os.environ,
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "PYTHONPATH": str(REPO),
        "QUIZDOCK_DECKS": str(out / "decks"),
        "QUIZDOCK_CONFIG": str(out / "config.toml"),
    }
    sm2_env = {**base, "QUIZDOCK_DB": str(sm2_db), "QUIZDOCK_SCHEDULER": "sm2"}
    fsrs_env = {**base, "QUIZDOCK_DB": str(fsrs_db), "QUIZDOCK_SCHEDULER": "fsrs"}
    sm2_first, fsrs_first = first_cards([sm2_env, fsrs_env], runs)
    gaps: dict[str, list[float]] = {"sm2": [], "fsrs": []}
    for _ in range(2):  # in turn, so that both see the same moments of a busy machine
        gaps["sm2"] += answer_to_next_card(sm2_env, 30)
        gaps["fsrs"] += answer_to_next_card(fsrs_env, 30)
    sm2_gap, fsrs_gap = statistics.median(gaps["sm2"]), statistics.median(gaps["fsrs"])
    optimizer, answers = optimizer_seconds()
    with sqlite3.connect(fsrs_db) as conn:
        (reviewed,) = conn.execute("SELECT count(*) FROM card_states").fetchone()
    conn.close()

    def versus(name: str, fsrs_value: float, sm2_value: float) -> Row:
        ratio = fsrs_value / sm2_value
        return (name, f"{ms(fsrs_value)} vs SM-2 {ms(sm2_value)} ({ratio:.2f}x)", "<= 1.1x SM-2", _met(ratio <= 1.1))

    shutil.rmtree(out, ignore_errors=True)
    return [
        versus(f"review: first card under FSRS ({cards} cards)", fsrs_first, sm2_first),
        versus("review: answer to next card under FSRS (pty, median of 60)", fsrs_gap, sm2_gap),
        (f"switch to FSRS: memory states of {reviewed} cards from the log", f"{switch:.1f} s", "-", "-"),
        (f"optimize: fit on {answers} answers", f"{optimizer:.1f} s", "-", "-"),
    ]


def _met(ok: bool) -> str:
    return "met" if ok else "missed"


def measure(runs: int) -> list[Row]:
    cards = int(os.environ.get("BENCH_FSRS_CARDS", "20000"))
    return [*engines(runs), *quizdock_rows(runs, cards)]


if __name__ == "__main__":
    print_table(__doc__, measure, 5)
