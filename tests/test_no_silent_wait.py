"""No silent wait: while the private lab starts and its images load, and while `deck test`
proves, a status line says what runs (rich's spinner), in the learner's language. Read in a
real terminal, through the real entry point."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.lab import engine
from tests.conftest import REPO

pytestmark = pytest.mark.docker


def spawn(*args: str) -> pexpect.spawn:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", "QUIZDOCK_LAB": "on"}
    return pexpect.spawn(
        sys.executable, ["-m", "quizdock", *args], env=env, encoding="utf-8", timeout=240, dimensions=(40, 100)
    )


@pytest.mark.usefixtures("docker_client", "practical_deck_only")
def test_a_challenge_says_what_runs_while_its_lab_starts(isolated_home: Path) -> None:
    home = engine.default_home()
    assert home.name.startswith("quizdock-lab-")  # a lab of this test's own
    child = spawn("challenge", "run", "run-once", "--lang", "fr")
    try:
        # The first words come at once, then each step of a lab made from nothing.
        child.expect("Connexion à Docker…")
        child.expect("Création du labo")
        child.expect("images des défis")
        child.expect("Défi")  # the task, once the lab runs
        child.sendline("quit")
        child.expect(pexpect.EOF)
        child.close()
        assert "Traceback" not in (child.before or "")
    finally:
        child.close(force=True)  # it holds the lab until it ends
        down = CliRunner().invoke(app, ["lab", "down"])
        assert down.exit_code == 0, down.output


@pytest.mark.usefixtures("docker_client", "practical_deck_only")
def test_deck_test_says_which_challenge_it_proves(isolated_home: Path) -> None:
    child = spawn("deck", "test", "rm", "--lang", "en")
    child.expect("Connecting to Docker…")
    child.expect("Proving practical/rm…")
    child.expect("1 challenge proven")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
