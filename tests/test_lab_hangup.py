"""A closed terminal never leaves a challenge behind: `quizdock challenge run` in a real
pseudo-terminal, under an interactive bash (which, like a terminal emulator's shell, sends its
jobs a second SIGHUP when the terminal goes), closed again and again at any moment."""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pexpect
import pytest

from quizdock.decks.catalog import find_card
from quizdock.lab.state import load_state, state_dir
from tests.conftest import REPO
from tests.docker_fixtures import RunTokens, made_by_runs

if TYPE_CHECKING:
    import docker

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("practical_deck_only")]

ROUNDS = 30


def process_ended(pid: int) -> bool:
    """The process is gone (or a zombie no one has reaped yet: it has finished its work)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status


def spawn_shell(tmp_path: Path) -> pexpect.spawn:
    # On the learner's own Docker, where a leftover would be theirs to find (the lab is emptied
    # at every challenge's start anyway).
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", "PS1": "shell$ ", "QUIZDOCK_LAB": "off"}
    child = pexpect.spawn(
        "bash",
        ["--norc", "--noprofile", "-i"],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 160),
    )
    child.expect_exact("shell$ ")
    return child


MOMENTS = ("during start-up or setup", "at the prompt", "while a command runs", "killed (SIGTERM) at the prompt")


def test_closing_the_terminal_always_cleans_up(docker_client: docker.DockerClient, tmp_path: Path) -> None:
    """30 rounds: the terminal closed during start-up or setup, at the prompt, or while a
    learner's command runs, or quizdock killed with SIGTERM (about 45 s on a 2-core machine)."""
    slug = "stop"
    challenge = find_card(slug).challenge
    assert challenge is not None
    rng = random.Random(12)
    for round_ in range(ROUNDS):
        pid_file = tmp_path / f"pid-{round_}"
        # This round's run, told apart from other runs of the same challenge on a shared Docker
        # by the token its state records (the test's own data folder) and its labels carry.
        run = RunTokens(state_dir()).start()
        shell = spawn_shell(tmp_path)
        # `exec` keeps the pid the shell's job has: the test waits for that process to end.
        shell.sendline(
            f"sh -c 'echo $$ > {pid_file}; exec {sys.executable} -m quizdock challenge run {slug} --lang en'"
        )
        moment = MOMENTS[round_ % len(MOMENTS)]
        if moment == "during start-up or setup":
            time.sleep(rng.uniform(0.2, 1.2))
        else:
            shell.expect_exact("Keywords:")
            if moment == "while a command runs":
                state = load_state(challenge.id)
                assert state is not None
                shell.sendline(f"docker container logs --follow {state.values['server']}")
                time.sleep(0.3)
        while not pid_file.exists() or not pid_file.read_text().strip():
            time.sleep(0.02)
        pid = int(pid_file.read_text())
        if moment.startswith("killed"):
            os.kill(pid, signal.SIGTERM)
        else:
            shell.close(force=False)  # closes the terminal: SIGHUP from the kernel, then from bash
        deadline = time.monotonic() + 20
        while not process_ended(pid):
            assert time.monotonic() < deadline, f"round {round_} ({moment}): quizdock still runs"
            time.sleep(0.05)
        if moment.startswith("killed"):
            shell.expect_exact("shell$ ")  # the shell has its terminal back: quizdock has ended
            shell.close(force=False)
        tokens = run.stop()
        assert tokens or moment == "during start-up or setup", f"round {round_} ({moment}): no run seen"
        left = made_by_runs(docker_client, tokens)
        assert left == [], f"round {round_} ({moment}): left behind {left}"
        assert load_state(challenge.id) is None, f"round {round_} ({moment}): lab state left behind"
