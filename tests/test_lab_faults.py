"""Faults end in a message: the lab killed, Docker gone, the lab's certificates deleted, an
unusable challenges' folder, a path typed at the challenge's prompt. Driven through the real
entry point in a pseudo-terminal; a fault never costs an answer given before it.

"Docker stopped" is a real engine that goes away: a Docker engine of the test's own (a private
lab started for the test, reached with DOCKER_HOST and its TLS certificates, the lab setting
off) that the test kills with `docker kill` while quizdock uses it. The shared engine itself is
never stopped: other test runs use it.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pexpect
import pytest
from typer.testing import CliRunner

from quizdock.challenges.model import DEFAULT_IMAGE
from quizdock.cli.typer_app import app
from quizdock.lab import engine, lab_container
from tests.conftest import REPO, card_toml, deck_toml, write_protected

if TYPE_CHECKING:
    import docker

pytestmark = [pytest.mark.docker]

TIMEOUT = 120


def spawn(*args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "quizdock", *args],
        env={**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", **(env or {})},
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 200),
    )


def ended(child: pexpect.spawn) -> tuple[int | None, str]:
    """Wait for the end; the exit status and everything printed (no traceback allowed)."""
    child.expect(pexpect.EOF)
    child.close()
    output = child.before or ""
    assert "Traceback" not in output, output
    return child.exitstatus, output


def one_practical_deck(folder: Path, slug: str) -> None:
    """The bundled practical deck with one challenge only, between two concept cards of decks
    of their own (new cards come in deck order: a, practical, z)."""
    text = (REPO / "decks" / "practical.toml").read_text(encoding="utf-8")
    header, *cards = text.split("\n[[cards]]\n")
    kept = [c for c in cards if c.startswith(f'id = "practical/{slug}"\n')]
    assert len(kept) == 1, slug
    # Topics are declared only when a card uses them.
    used = [
        line
        for line in header.splitlines()
        if not line.startswith("topics.") or f'"{line.split(".")[1].split(" ")[0]}' in kept[0]
    ]
    (folder / "practical.toml").write_text("\n".join(used) + "\n\n[[cards]]\n" + kept[0], encoding="utf-8")
    answer = 'answer.fr = "r"\nanswer.en = "r"\n'
    for deck in ("a", "z"):
        (folder / f"{deck}.toml").write_text(
            deck_toml(deck, card_toml(f"{deck}/concept", "concept", ["basics"], fields=answer)), encoding="utf-8"
        )


@pytest.fixture
def review_decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docker_config_dir: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    one_practical_deck(folder, "stop")
    monkeypatch.setenv("QUIZDOCK_DECKS", str(folder))
    return folder


def kill(client: docker.DockerClient, name: str) -> None:
    client.containers.get(name).kill()


def recall(child: pexpect.spawn, grade: str) -> None:
    child.expect("Press Enter to show the answer")
    child.send("\r")
    child.expect("How well did you recall it")
    child.send(grade)


def answers(db_path: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT card_id, quality FROM reviews ORDER BY id").fetchall()


@pytest.fixture
def vanishing_docker(docker_client: docker.DockerClient) -> Iterator[tuple[dict[str, str], str]]:
    """A Docker engine of the test's own, as the learner's Docker (lab off): the environment
    that points quizdock at it, and its container's name, to kill it."""
    home = engine.LabHome(
        Path(tempfile.mkdtemp(prefix="quizdock-test-engine-")), name=f"quizdock-lab-test-{uuid.uuid4().hex[:8]}"
    )
    try:
        lab = engine.up(docker_client, home)
        env = {
            "DOCKER_HOST": lab.host,
            "DOCKER_TLS_VERIFY": "1",
            "DOCKER_CERT_PATH": str(home.certs),
            "QUIZDOCK_LAB": "off",
            # Set on many machines; it must not replace the engine's own authority (ca.pem).
            "REQUESTS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt",
        }
        yield env, home.name
    finally:
        engine.down(docker_client, home)


# --------------------------------------------------------------------------- the lab killed


@pytest.mark.usefixtures("practical_deck_only")
def test_a_lab_killed_during_a_challenge_ends_in_a_message_and_starts_again(
    docker_client: docker.DockerClient,
) -> None:
    home = engine.default_home()  # the test's own lab folder (isolated_home), its own lab
    child = spawn("challenge", "run", "stop", "--lang", "en", env={"QUIZDOCK_LAB": "on"})
    child.expect("Keywords: check")
    child.sendline("docker container ls")
    child.expect("server")
    kill(docker_client, home.name)
    child.sendline("check")
    status, output = ended(child)
    assert status == 8, output
    assert "The lab stopped during the challenge" in output and "starts again by itself" in output

    # A killed lab (its stale /var/run/docker.pid inside) starts again by itself, at once.
    again = spawn("challenge", "run", "stop", "--lang", "en", env={"QUIZDOCK_LAB": "auto"})
    again.expect("Keywords: check", timeout=60)
    assert "cannot start" not in (again.before or "")  # no fallback to the learner's Docker
    again.sendline("docker container stop server")
    again.expect("Solved!")
    again.sendline("")
    status, output = ended(again)
    assert status == 0, output


@pytest.mark.usefixtures("practical_deck_only")
def test_a_removed_lab_and_deleted_certificates_are_named(docker_client: docker.DockerClient) -> None:
    home = engine.default_home()
    child = spawn("challenge", "run", "stop", "--lang", "en", env={"QUIZDOCK_LAB": "on"})
    child.expect("Keywords: check")
    for name in ("cert.pem", "key.pem"):
        (home.certs / name).unlink()
    status = CliRunner().invoke(app, ["lab", "status", "--lang", "en"])
    assert status.exit_code == 8, status.output
    assert "certificates" in status.output and "missing" in status.output and "not running" not in status.output
    child.sendline("check")
    code, output = ended(child)
    assert code == 8, output
    assert "certificates" in output and "quizdock lab down" in output

    # The lab, its container and its volume removed by hand: the next challenge makes a new one.
    docker_client.containers.get(home.name).remove(force=True)
    docker_client.volumes.get(home.volume).remove(force=True)
    again = spawn("challenge", "run", "stop", "--lang", "en", env={"QUIZDOCK_LAB": "on"})
    again.expect("Keywords: check", timeout=90)
    again.sendline("quit")
    code, output = ended(again)
    assert code == 1, output


@pytest.mark.usefixtures("review_decks")
def test_a_lab_killed_during_a_review_leaves_the_practical_card_for_another_day(
    docker_client: docker.DockerClient, db_path: Path
) -> None:
    home = engine.default_home()
    child = spawn("review", "--lang", "en", env={"QUIZDOCK_LAB": "on"})
    recall(child, "4")
    child.expect("Your command")  # the practical card, set up in the lab
    kill(docker_client, home.name)
    child.sendline("check")
    child.expect("wait for another day")
    child.expect("The lab stopped during the challenge")
    recall(child, "5")  # the review goes on with the other cards
    child.expect("Session over: 2 cards")
    status, output = ended(child)
    assert status == 0, output
    assert answers(db_path) == [("a/concept", 4), ("z/concept", 5)]  # the practical card: no grade


# --------------------------------------------------------------------------- Docker gone


def test_docker_gone_during_a_challenge_ends_in_a_message(
    vanishing_docker: tuple[dict[str, str], str], docker_client: docker.DockerClient, practical_deck_only: None
) -> None:
    env, name = vanishing_docker
    child = spawn("challenge", "run", "stop", "--lang", "en", env=env)
    child.expect("Keywords: check")
    kill(docker_client, name)
    child.sendline("check")
    status, output = ended(child)
    assert status == 5, output
    assert "Nothing answers at DOCKER_HOST=" in output and "Fix:" in output


@pytest.mark.usefixtures("review_decks")
def test_docker_gone_during_a_review_leaves_the_practical_card_for_another_day(
    vanishing_docker: tuple[dict[str, str], str], docker_client: docker.DockerClient, db_path: Path
) -> None:
    env, name = vanishing_docker
    child = spawn("review", "--lang", "en", env=env)
    recall(child, "4")
    child.expect("Your command")
    kill(docker_client, name)
    child.sendline("check")
    child.expect("wait for another day")
    recall(child, "5")
    child.expect("Session over: 2 cards")
    status, output = ended(child)
    assert status == 0, output
    assert answers(db_path) == [("a/concept", 4), ("z/concept", 5)]


# --------------------------------------------------------------------------- bad places, bad words


@pytest.mark.usefixtures("practical_deck_only")
@pytest.mark.parametrize("place", ["a file", "inside a file", "read-only"])
def test_an_unusable_challenges_folder_is_said_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, place: str) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    folder = {"a file": blocker, "inside a file": blocker / "lab", "read-only": tmp_path / "read-only"}[place]
    if place == "read-only":
        folder.mkdir()
    monkeypatch.setenv("QUIZDOCK_LAB_DIR", str(folder))
    cli = CliRunner()
    with write_protected(folder) if place == "read-only" else _nothing():
        for command in (["lab", "status"], ["lab", "up"], ["lab", "env"], ["lab", "down"], ["deck", "test", "tmpfs"]):
            result = cli.invoke(app, [*command])
            assert result.exit_code == 2, (command, result.output, result.exception)
            assert "cannot be used" in result.output and "QUIZDOCK_LAB_DIR" in result.output, result.output
        listed = cli.invoke(app, ["challenge", "list"])
        assert listed.exit_code == 0, listed.output
        checked = cli.invoke(app, ["challenge", "check", "tmpfs"])
        assert checked.exit_code == 1 and "not set up" in checked.output, checked.output
        doctor = cli.invoke(app, ["doctor"])
        assert doctor.exit_code == 0 and "cannot be used" in doctor.output, doctor.output
        status, output = ended(spawn("challenge", "run", "tmpfs", "--lang", "en"))
        assert status == 2 and "cannot be used" in output, output


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.mark.usefixtures("practical_deck_only")
def test_paths_and_long_words_typed_at_the_prompt_are_said_so() -> None:
    child = spawn("challenge", "run", "tmpfs", "--lang", "en", env={"QUIZDOCK_LAB": "off"})
    child.expect("Keywords: check")
    for typed, reason in (
        ("/etc/passwd", "Permission denied"),
        ("/tmp", "Permission denied"),
        ("./", "Permission denied"),
        ("x" * 300, "File name too long"),
        ("/nonexistent/docker", "Command not found"),
    ):
        child.sendline(typed)
        child.expect(reason)
    child.sendline("quit")
    status, output = ended(child)
    assert status == 1, output


# --------------------------------------------------------------------------- certificates, space


@pytest.mark.usefixtures("practical_deck_only")
def test_a_lab_whose_certificates_changed_is_reported_with_its_fix() -> None:
    from quizdock.lab import certs

    cli = CliRunner()
    started = cli.invoke(app, ["lab", "up", "--lang", "en"])
    assert started.exit_code == 0, started.output
    certs.make_certificates(engine.default_home().certs)  # not the ones the running lab trusts
    for command in (["lab", "status", "--lang", "en"], ["lab", "up", "--lang", "en"]):
        result = cli.invoke(app, command)
        assert result.exit_code == 8, (command, result.output)
        assert "refuses quizdock's certificate" in result.output and "quizdock lab down" in result.output
    doctor = cli.invoke(app, ["doctor"])
    assert "refuses quizdock's certificate" in " ".join(doctor.output.split()), doctor.output
    started_at = time.monotonic()
    status, output = ended(spawn("challenge", "run", "stop", "--lang", "en", env={"QUIZDOCK_LAB": "on"}))
    assert status == 8 and "refuses quizdock's certificate" in " ".join(output.split()), output
    assert time.monotonic() - started_at < lab_container.START_SECONDS  # said at once, not after a wait
    assert cli.invoke(app, ["lab", "down"]).exit_code == 0


def test_a_full_docker_is_said_so(docker_client: docker.DockerClient) -> None:
    from quizdock.errors import DockerUnavailable
    from quizdock.lab.docker_ops import docker_errors
    from tests.docker_fixtures import LEARNER_PREFIX

    name = f"{LEARNER_PREFIX}{uuid.uuid4().hex[:8]}"
    # A volume of 64 KiB in memory: filling it is a real "no space left on device" from the daemon.
    volume = docker_client.volumes.create(name, driver_opts={"type": "tmpfs", "device": "tmpfs", "o": "size=64k"})
    container = docker_client.containers.run(
        DEFAULT_IMAGE, ["sleep", "60"], name=name, detach=True, volumes={name: {"bind": "/full"}}
    )
    try:
        with pytest.raises(DockerUnavailable) as caught, docker_errors("copying a file"):
            container.put_archive("/full", _tar_of(b"x" * 1_000_000))
    finally:
        container.remove(force=True)
        volume.remove(force=True)
    assert "no space left" in caught.value.problem
    assert "docker system df" in caught.value.fix and "Check that Docker works" not in caught.value.fix


def _tar_of(data: bytes) -> bytes:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("big")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.usefixtures("review_decks")
@pytest.mark.parametrize("chosen_by", ["config", "option"])
def test_a_french_review_says_docker_s_fault_in_french(
    vanishing_docker: tuple[dict[str, str], str], docker_client: docker.DockerClient, chosen_by: str
) -> None:
    """The language of config.toml (or --lang) reaches every message of the fast review path,
    the lab's and Docker's errors included, in a terminal whose locale is English."""
    env, name = vanishing_docker
    assert CliRunner().invoke(app, ["decks"]).exit_code == 0  # a database up to date: the fast path reviews
    args = ["review"]
    if chosen_by == "config":
        Path(os.environ["QUIZDOCK_CONFIG"]).write_text('lang = "fr"\n', encoding="utf-8")
    else:
        args += ["--lang", "fr"]
    child = spawn(*args, env={**env, "LANG": "en_US.UTF-8"})
    child.expect("Entrée pour voir la réponse")
    child.send("\r")
    child.expect("Votre rappel")
    child.send("4")
    child.expect("Votre commande")
    kill(docker_client, name)
    child.sendline("check")
    child.expect("Les cartes pratiques restantes attendent un autre jour.")
    child.expect("Entrée pour voir la réponse")
    said = child.before or ""
    english = [word for word in (" the ", " is ", "Docker is", "Nothing answers", " cannot ") if word in said]
    assert english == [], said
    child.terminate(force=True)
