"""`quizdock review` in a real pseudo-terminal: the whole entry point, and a killed process."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

from tests.conftest import REPO

MINI = REPO / "tests" / "data" / "decks"


def spawn(db_path: Path, *args: str) -> pexpect.spawn:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "QUIZDOCK_DB": str(db_path),
        "QUIZDOCK_DECKS": str(MINI),
        "TERM": "xterm",
        "QUIZDOCK_NOW": "2026-03-02T09:00:00+01:00",
    }
    child = pexpect.spawn(
        sys.executable, ["-m", "quizdock", "review", *args], env=env, encoding="utf-8", timeout=30, dimensions=(40, 120)
    )
    return child


def recall(child: pexpect.spawn, grade: str) -> None:
    """Show the concept card's answer, then grade it (one key)."""
    child.expect("Press Enter to show the answer")
    child.send("\r")
    child.expect("How well did you recall it")
    child.send(grade)


def exit_status(child: pexpect.spawn) -> int | None:
    """Wait for the review to end; its exit status."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def answers(db_path: Path) -> list[tuple[str, int, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT card_id, quality, answer FROM reviews ORDER BY id").fetchall()


def test_a_session_in_a_terminal(db_path: Path) -> None:
    child = spawn(db_path)
    child.expect("Card 1 of 3")
    child.expect("Press Enter to show the answer")
    child.send("\r")
    child.expect("An instance of an image")
    child.expect("How well did you recall it")
    child.send("4")  # one key, no Enter
    child.expect("Card 2 of 3")
    child.expect("Your command")
    child.send("docker container prune\r")
    child.expect("Card 3 of 3")
    child.expect("Your answer")
    child.expect(r"(\d)\) all interfaces")  # the options come in a new order at every showing
    child.send(child.match.group(1))
    child.expect("Session over: 3 cards, 3 right on first answer, 0 repeats")
    assert exit_status(child) == 0
    assert answers(db_path) == [
        ("mini/concept", 4, ""),
        ("mini/command", 5, "docker container prune"),
        ("mini/choice", 5, "all interfaces"),
    ]


@pytest.mark.parametrize("how", ["kill", "ctrl-c", "ctrl-d"])
def test_a_killed_review_keeps_the_earlier_answers(db_path: Path, how: str) -> None:
    child = spawn(db_path)
    recall(child, "5")
    child.expect("Your command")
    if how == "kill":
        child.send("docker cont")  # half-typed when the process dies
        child.kill(signal.SIGKILL)
        exit_status(child)
    else:
        if how == "ctrl-c":
            child.send("docker cont")
            child.sendintr()
        else:
            child.sendeof()  # Ctrl-D on an empty line: the end of input
        child.expect("Every answer given so far is saved")
        child.expect(pexpect.EOF)
        tail = child.before
        child.close()
        assert child.exitstatus == 130
        assert "Interrupted" not in tail and "Aborted" not in tail  # one message, not two
    assert answers(db_path) == [("mini/concept", 5, "")]
    # the next session goes on where the last one stopped
    child = spawn(db_path)
    child.expect("Card 1 of 2")
    child.expect("Your command")
    child.kill(signal.SIGKILL)
    exit_status(child)


def test_a_repeat_owed_comes_back_in_the_next_session_the_same_day(db_path: Path) -> None:
    child = spawn(db_path)
    recall(child, "2")  # below 4: owed again today
    child.expect("Your command")
    child.sendintr()
    child.expect("Every answer given so far is saved")
    assert exit_status(child) == 130
    # A new process, the same day: the repeat is asked after the cards still due or new.
    child = spawn(db_path)
    child.expect("Card 1 of 3")
    child.expect("Your command")
    child.send("docker container prune\r")
    child.expect("Card 2 of 3")
    child.expect(r"(\d)\) all interfaces")
    child.send(child.match.group(1))
    child.expect(r"Card 3 of 3 · mini/concept · concept · again today")
    recall(child, "4")
    child.expect("Session over: 2 cards, 2 right on first answer, 1 repeat\\.")
    assert exit_status(child) == 0
    assert answers(db_path)[-1] == ("mini/concept", 4, "")
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT is_repeat FROM reviews ORDER BY id").fetchall() == [(0,), (0,), (0,), (1,)]
        assert conn.execute("SELECT repeat_on FROM card_states WHERE repeat_on IS NOT NULL").fetchall() == []
    conn.close()
    # Nothing owed any more: the next session has nothing to ask.
    child = spawn(db_path)
    child.expect("Nothing to review now")
    assert exit_status(child) == 0


def test_the_choice_list_takes_one_key_for_its_actions(db_path: Path) -> None:
    child = spawn(db_path, "--limit", "3")
    recall(child, "b")  # bury the concept: one key
    child.expect("Buried mini/concept")
    child.expect("Your command")
    child.send("docker container prune\r")
    child.expect("Your answer")
    child.expect(r"s\) suspend this card")
    child.send("s")
    child.expect("Suspended mini/choice")
    child.expect("Session over: 1 card,")
    assert exit_status(child) == 0


def test_a_first_review_says_what_it_does_while_it_makes_the_database(db_path: Path) -> None:
    """No silent wait: a new database is made and the decks loaded under a status line."""
    assert not db_path.exists()
    child = spawn(db_path)
    child.expect("Opening your collection…")
    child.expect("Card 1 of 3")
    child.kill(signal.SIGKILL)
    exit_status(child)
