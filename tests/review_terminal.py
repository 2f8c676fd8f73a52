"""A review in a real pseudo-terminal on the bundled decks, and other commands run beside it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pexpect

from quizdock.errors import ExitCode
from tests.conftest import REPO

NOW = "2026-03-02T09:00:00+01:00"  # the bundled decks' cards are new, none due

# Runs quizdock's entry point in a new process for each command line it reads (JSON, one a
# line) and prints its exit status: each run is a process of its own, as a command typed in
# another terminal, without paying the imports again (the round's time is the command's work).
FORK_SERVER = """
import json, os, sys
import quizdock.cli.typer_app, quizdock.cli.commands.export, quizdock.cli.commands.review, quizdock.cli.commands.stats
import quizdock.export.anki, quizdock.export.csv_export, quizdock.storage.stats, quizdock.storage.store
from quizdock.entry import main

log = sys.argv[1]
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        null, out = os.open(os.devnull, os.O_RDONLY), os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(null, 0), os.dup2(out, 1), os.dup2(out, 2)
        sys.argv = ["quizdock", *json.loads(line)]
        code = 0
        try:
            main()
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else int(done.code is not None)
        sys.stdout.flush(), sys.stderr.flush()
        os._exit(code)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


def environment(db: Path, decks: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "QUIZDOCK_DB": str(db),
        "QUIZDOCK_DECKS": str(decks),
        "QUIZDOCK_NOW": NOW,
        "TERM": "xterm",
        # pexpect's terminal does not answer prompt_toolkit's cursor position request
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }


def bundled_decks(folder: Path) -> Path:
    """The bundled decks but the practical one (its cards need Docker), as links."""
    folder.mkdir()
    for deck in sorted((REPO / "decks").glob("*.toml")):
        if deck.stem != "practical":
            (folder / deck.name).symlink_to(deck)
    return folder


def created_database(env: dict[str, str]) -> None:
    """The database made and the decks loaded, as a first command does: a review then starts fast."""
    done = subprocess.run(
        [sys.executable, "-m", "quizdock", "decks"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def answers_in(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])


class Reviewer:
    """`quizdock review` in a pseudo-terminal, answering whatever card comes, counting the
    answers the screen confirmed: an answer is saved before the next card is drawn."""

    PROMPTS = ("Press Enter to show the answer", "Your command", "Your answer")

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "quizdock", "review", "--new", "200", *args],
            env=env,
            encoding="utf-8",
            timeout=60,
            dimensions=(40, 120),
        )
        self.child.delaybeforesend = None
        self.child.expect("Card 1 of")
        self.confirmed = 0

    def answer(self) -> None:
        kind = self.child.expect(list(self.PROMPTS))
        if kind == 0:  # a concept card: show the answer, grade it with one key
            self.child.send("\r")
            self.child.expect("How well did you recall it")
            self.child.send("5")
        elif kind == 1:
            self.child.send("docker container ls\r")
        else:
            self.child.send("1")
        self.child.expect(["Card \\d+ of", "Session over"])
        self.confirmed += 1

    def stop(self) -> None:
        """Ctrl-C, as a learner leaves: the review says every answer is saved."""
        self.child.sendintr()
        self.child.expect("Every answer given so far is saved")
        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.exitstatus == ExitCode.INTERRUPTED


class Commands:
    """Runs quizdock command lines, each in a process of its own (see FORK_SERVER)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.server = subprocess.Popen(
            [sys.executable, "-c", FORK_SERVER, str(log)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, args: list[str]) -> int:
        assert self.server.stdin is not None and self.server.stdout is not None
        self.server.stdin.write(json.dumps(args) + "\n")
        self.server.stdin.flush()
        return int(self.server.stdout.readline())

    def close(self) -> None:
        assert self.server.stdin is not None and self.server.stdout is not None
        self.server.stdin.close()
        self.server.stdout.close()
        self.server.wait(timeout=30)


@contextmanager
def command_server(env: dict[str, str], log: Path) -> Iterator[Commands]:
    commands = Commands(env, log)
    try:
        yield commands
    finally:
        commands.close()
