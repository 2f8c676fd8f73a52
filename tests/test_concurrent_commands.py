"""Every answer a review confirms on screen is in the database, whatever other programs do.

A review runs in a real pseudo-terminal (`python -m quizdock review`, its fast start included)
on the bundled decks while other processes open the same database: quizdock's commands and the
`sqlite3` command-line shell. A process that drops its own SQLite locks (a plain open and close
of the database file) lets the next program to close its connection delete the WAL the review
still writes into: every later answer is lost, though the screen confirmed it.
"""

from __future__ import annotations

import itertools
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pexpect
import pytest

from tests.review_terminal import (
    Reviewer,
    answers_in,
    bundled_decks,
    command_server,
    created_database,
    environment,
)

ROUNDS = 20  # the "20 times in a row", for every command
REVIEWED_DECK = "containers"  # 36 cards: one review answers a card per round, and one more
SET_ASIDE_DECK = "images"  # the cards `suspend` suspends, one per round, none of them in the review


SQLITE3 = shutil.which("sqlite3")


def other_command(name: str, db: Path, tmp_path: Path, set_aside: list[str], n: int) -> list[str]:
    """Round ``n``'s command line of ``name`` (without the program)."""
    return {
        "stats": ["stats"],
        "suspend": ["suspend", set_aside[n]],
        "decks": ["decks"],
        "leeches": ["leeches"],
        "export anki": ["export", "anki", "-o", str(tmp_path / f"export-{n}.apkg")],
        "export csv": ["export", "csv", "-o", str(tmp_path / f"export-{n}.txt")],
        "sqlite3": [str(SQLITE3), str(db), "SELECT count(*) FROM reviews"],
    }[name]


@pytest.mark.parametrize("name", ["stats", "suspend", "decks", "leeches", "export anki", "export csv", "sqlite3"])
def test_every_confirmed_answer_survives_another_command(tmp_path: Path, name: str) -> None:
    assert SQLITE3 is not None, "the sqlite3 shell is needed: apt-get install sqlite3 (.ci/engine.sh does)"
    db = tmp_path / "quizdock.sqlite3"
    env = environment(db, bundled_decks(tmp_path / "decks"))
    created_database(env)
    with closing(sqlite3.connect(db)) as conn:
        set_aside = [row[0] for row in conn.execute("SELECT id FROM cards WHERE deck_id = ?", (SET_ASIDE_DECK,))]
    log = tmp_path / "commands.log"
    started = time.monotonic()
    review = Reviewer(env, "--deck", REVIEWED_DECK)
    with command_server(env, log) as commands:
        for n in range(ROUNDS):
            review.answer()  # saved through the review's store (its fast start read without one)
            args = other_command(name, db, tmp_path, set_aside, n)
            if name == "sqlite3":
                shell = subprocess.run(args, env=env, capture_output=True, text=True, timeout=30)
                assert (shell.returncode, shell.stdout.strip()) == (0, str(review.confirmed)), shell
            elif n == 0:  # the first time from the console script itself, then from the fork server
                done = subprocess.run(
                    [sys.executable, "-m", "quizdock", *args], env=env, capture_output=True, text=True
                )
                assert done.returncode == 0, (args, done.stdout, done.stderr)
            else:
                assert commands.run(args) == 0, (args, log.read_text())
        review.answer()  # an answer after the last command
        assert answers_in(db) == review.confirmed == ROUNDS + 1  # seen by another program while the review runs
        review.stop()
    assert answers_in(db) == ROUNDS + 1
    if name == "suspend":
        with closing(sqlite3.connect(db)) as conn:
            suspended = conn.execute("SELECT count(*) FROM cards WHERE suspended_at IS NOT NULL").fetchone()[0]
        assert suspended == ROUNDS
    if name.startswith("export"):
        assert all((tmp_path / f"export-{n}.{'apkg' if 'anki' in name else 'txt'}").is_file() for n in range(ROUNDS))
    print(f"{name}: {ROUNDS} rounds in {time.monotonic() - started:.1f} s")


def test_a_killed_review_keeps_what_it_confirmed_after_another_command(tmp_path: Path) -> None:
    """No clean close to repair anything: the answers are in the file another program reads."""
    db = tmp_path / "quizdock.sqlite3"
    env = environment(db, bundled_decks(tmp_path / "decks"))
    created_database(env)
    review = Reviewer(env)
    for _ in range(2):  # while the first card waits (the store not open yet), then after an answer
        done = subprocess.run([sys.executable, "-m", "quizdock", "stats"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        review.answer()
    for _ in range(2):
        review.answer()
    review.child.kill(signal.SIGKILL)
    review.child.expect(pexpect.EOF)
    review.child.close()
    assert answers_in(db) == review.confirmed == 4


def test_several_reviewers_and_readers_at_once_lose_nothing(tmp_path: Path) -> None:
    """A soak: three reviews in three terminals, each on its own deck, while one process reads
    with the sqlite3 shell and another runs quizdock's reading commands, all the time."""
    assert SQLITE3 is not None, "the sqlite3 shell is needed: apt-get install sqlite3 (.ci/engine.sh does)"
    db = tmp_path / "quizdock.sqlite3"
    env = environment(db, bundled_decks(tmp_path / "decks"))
    created_database(env)
    decks, per_reviewer = ("basics", "containers", "images"), 20
    reviewers = [Reviewer(env, "--deck", deck) for deck in decks]
    done = threading.Event()
    reading = threading.Event()  # the readers are at work: the reviews start answering
    failures: list[BaseException] = []
    reads = {"sqlite3": 0, "quizdock": 0}

    def guarded(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except BaseException as error:  # reported below, with the test's failure
                failures.append(error)
                done.set()
                reading.set()  # no review waits for a reader that failed

        return run

    def review(reviewer: Reviewer) -> Callable[[], None]:
        def answer_all() -> None:
            assert reading.wait(timeout=120), "the readers never started"
            for _ in range(per_reviewer):
                if failures:
                    return
                reviewer.answer()

        return answer_all

    def shell_reader() -> None:
        while not done.is_set():
            # With the busy timeout a careful reader sets (quizdock's is 10 s): a program closing its
            # connection holds the file's lock for an instant, and the shell waits 0 s by default.
            count = [str(SQLITE3), "-cmd", ".timeout 10000", str(db), "SELECT count(*) FROM reviews"]
            shell = subprocess.run(count, capture_output=True, text=True)
            assert shell.returncode == 0, shell.stderr
            reads["sqlite3"] += 1
            time.sleep(0.02)  # a reader at a time, not a busy loop that starves the reviews of the CPU

    def command_reader() -> None:
        lines = itertools.cycle([["stats"], ["decks"], ["leeches"], ["export", "csv", "-o", str(tmp_path / "o.txt")]])
        with command_server(env, tmp_path / "commands.log") as commands:
            while not done.is_set():
                args = next(lines)
                assert commands.run(args) == 0, (args, (tmp_path / "commands.log").read_text())
                reads["quizdock"] += 1
                reading.set()

    started = time.monotonic()
    answering = [threading.Thread(target=guarded(review(reviewer))) for reviewer in reviewers]
    readers = [threading.Thread(target=guarded(work)) for work in (shell_reader, command_reader)]
    for thread in answering + readers:
        thread.start()
    for thread in answering:
        thread.join(timeout=240)
    done.set()
    for thread in readers:
        thread.join(timeout=60)
    assert not failures, failures
    assert [r.confirmed for r in reviewers] == [per_reviewer] * len(decks)
    assert reads["sqlite3"] > 0 and reads["quizdock"] > 0
    assert answers_in(db) == per_reviewer * len(decks)  # the reviews still running
    reviewers[0].child.kill(signal.SIGKILL)  # no clean close for this one
    reviewers[0].child.expect(pexpect.EOF)
    reviewers[0].child.close()
    for reviewer in reviewers[1:]:
        reviewer.stop()
    with closing(sqlite3.connect(db)) as conn:
        per_deck = dict(
            conn.execute(
                "SELECT c.deck_id, count(*) FROM reviews r JOIN cards c ON c.id = r.card_id GROUP BY c.deck_id"
            )
        )
    assert per_deck == dict.fromkeys(decks, per_reviewer)
    print(f"soak: {per_reviewer * len(decks)} answers, {reads} reads in {time.monotonic() - started:.1f} s")
