"""`quizdock deck test` on a shared deck whose steps pass the command-line check but try the
host at run time (links and devices in the challenge's folder, read by the docker client; an
unnamed `--restart always` container; volumes and networks made on the way), in the private
lab and on the learner's Docker, with a canary file and a canary volume that must not change.
Also: a deck that did not come with quizdock runs only once the learner approved it."""

from __future__ import annotations

import json
import os
import re
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pexpect
import pytest
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.errors import ExitCode
from tests.conftest import card_toml, deck_toml
from tests.docker_fixtures import DECK_TEST_STATES, RunTokens, made_by_runs

if TYPE_CHECKING:
    import docker


def card(slug: str, solution: list[str]) -> str:
    challenge = (
        "\n[cards.challenge]\n"
        'params = { site = "name", d = "dir" }\n'
        'hints.fr = ["un indice"]\n'
        'hints.en = ["a hint"]\n'
        f"solution = {json.dumps(solution)}\n"
        """
[[cards.challenge.setup]]
action = "image"
image = "busybox:latest"

[[cards.challenge.setup]]
action = "file"
path = "{d}/Dockerfile"
content = "FROM busybox:latest\\n"

[[cards.challenge.checks]]
condition = "container_status"
container = "{site}"
status = "running"
"""
    )
    return card_toml(f"corpus/{slug}", "practical", ["containers"], fields=challenge)


RUN = "docker container run -d --name {site} busybox sleep 600"


def corpus(canary: Path) -> dict[str, tuple[bool, list[str], str]]:
    """slug: (proven, steps, words of the reason when refused)."""
    link = "docker container run --rm -v {d}:/d busybox ln -s " + str(canary) + " /d/"
    in_d = "docker container run --rm -v {d}:/d busybox "
    build = "docker image build -t {site} "
    return {
        "link-file": (False, [link + "link", "docker image build -t {site} -f {d}/link {d}", RUN], "link"),
        "link-dockerfile": (
            False,
            [in_d + "rm /d/Dockerfile", link + "Dockerfile", build + "{d}", RUN],
            "link",
        ),
        "link-context": (
            False,
            [
                "docker container run --rm -v {d}:/d busybox ln -s " + str(canary.parent) + " /d/ctx",
                "docker image build -t {site} {d}/ctx",
                RUN,
            ],
            "link",
        ),
        "device-context": (
            False,
            [
                "docker container run --rm -v {d}:/d busybox mknod /d/disk b 7 0",
                "docker image build -t {site} {d}",
                RUN,
            ],
            "special file",
        ),
        "fifo-file": (
            False,
            [in_d + "mkfifo /d/pipe", build + "-f {d}/pipe {d}", RUN],
            "special file",
        ),
        "restart-always": (True, ["docker container run -d --restart always busybox sleep 600", RUN], ""),
        "made-on-the-way": (
            True,
            ["docker container run --rm -v {site}:/data busybox touch /data/x", "docker network create {site}", RUN],
            "",
        ),
        "plain-build": (
            True,
            ["docker image build -t {site} {d}", "docker container run -d --name {site} {site} sleep 600"],
            "",
        ),
    }


@dataclass
class Shared:
    decks: Path
    canary: Path
    content: bytes
    volume: str
    slugs: dict[str, tuple[bool, list[str], str]]


@pytest.fixture
def shared_deck(tmp_path: Path, docker_client: docker.DockerClient) -> Iterator[Shared]:
    token = uuid.uuid4().hex[:8]
    canary = tmp_path / "canary" / "secret.txt"
    canary.parent.mkdir()
    canary.write_bytes(f"canary-{token}\n".encode())
    slugs = corpus(canary)
    decks = tmp_path / "decks"
    decks.mkdir()
    cards = [card(slug, steps) for slug, (_ok, steps, _why) in slugs.items()]
    (decks / "corpus.toml").write_text(deck_toml("corpus", *cards), encoding="utf-8")
    volume = f"learner-canary-{token}"
    docker_client.volumes.create(name=volume, labels={"learner": token})
    try:
        content = canary.read_bytes()
        yield Shared(decks, canary, content, volume, slugs)
        assert canary.read_bytes() == content
    finally:
        docker_client.volumes.get(volume).remove(force=True)


def problems_of(output: str, slug: str) -> list[str]:
    """The problems `deck test` printed for one challenge (each indented, and continued by any
    line up to the next)."""
    section = output.split(f"corpus/{slug} (", 1)[1].split("\n", 1)[1]
    problems: list[str] = []
    for line in section.splitlines():
        if line.startswith(("ok ", "FAIL ")) or re.match(r"\d+ (of \d+ )?challenges? ", line):
            break
        if re.match(r" {6}\S", line) or not problems:
            problems.append(line.strip())
        else:
            problems[-1] += " " + line.strip()
    return [p for p in problems if p]


@pytest.mark.docker
@pytest.mark.parametrize("lab", ["off", "on"])
def test_deck_test_runs_a_hostile_corpus_and_the_host_is_as_it_was(
    shared_deck: Shared, docker_client: docker.DockerClient, lab: str, own_temp_dir: Path
) -> None:
    env = {"QUIZDOCK_DECKS": str(shared_deck.decks), "QUIZDOCK_LAB": lab, "COLUMNS": "400"}
    # This test's runs, by the tokens their states record: another run of this test on the same
    # Docker proves the same corpus/ challenges.
    with RunTokens(own_temp_dir, DECK_TEST_STATES) as runs:
        result = CliRunner().invoke(app, ["deck", "test", "--trust"], env=env)
    assert result.exit_code == ExitCode.FAILED, result.output
    output = result.output
    assert "Traceback" not in output
    for slug, (proven, _steps, why) in shared_deck.slugs.items():
        problems = problems_of(output, slug)
        if proven:
            assert problems == [], (slug, problems)
        else:
            assert f"FAIL corpus/{slug}" in output and any(why in p for p in problems), (slug, problems)
    # The canary file was neither read into the output nor changed; the canary volume is there.
    assert shared_deck.content.decode().strip() not in output
    assert shared_deck.canary.read_bytes() == shared_deck.content
    assert docker_client.volumes.get(shared_deck.volume).attrs["Labels"] == {"learner": shared_deck.volume[-8:]}
    # The unnamed --restart always container, the volume and the network made on the way are gone.
    assert runs.tokens
    assert made_by_runs(docker_client, runs.tokens) == []


def test_a_shared_deck_runs_only_once_approved_and_again_when_it_changes(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    path = decks / "corpus.toml"
    path.write_text(deck_toml("corpus", card("plain", [RUN])), encoding="utf-8")
    env = {"QUIZDOCK_DECKS": str(decks), "COLUMNS": "400", "DOCKER_HOST": "unix:///nonexistent"}
    refused = CliRunner().invoke(app, ["deck", "test"], env=env)
    assert refused.exit_code == ExitCode.NOT_A_TERMINAL, refused.output
    assert "did not come with quizdock" in refused.output and "--trust" in refused.output
    # Approved: Docker is asked next (and is not there here: exit 5, not the question).
    approved = CliRunner().invoke(app, ["deck", "test", "--trust"], env=env)
    assert approved.exit_code == ExitCode.DOCKER, approved.output
    remembered = CliRunner().invoke(app, ["deck", "test"], env=env)
    assert remembered.exit_code == ExitCode.DOCKER, remembered.output
    # The same file changed is another file: asked again.
    path.write_text(deck_toml("corpus", card("plain", [RUN, "docker container ls"])), encoding="utf-8")
    changed = CliRunner().invoke(app, ["deck", "test"], env=env)
    assert changed.exit_code == ExitCode.NOT_A_TERMINAL, changed.output


def test_a_learner_who_says_no_runs_nothing(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "corpus.toml").write_text(deck_toml("corpus", card("plain", [RUN])), encoding="utf-8")
    env = {**os.environ, "QUIZDOCK_DECKS": str(decks), "DOCKER_HOST": "unix:///nonexistent", "COLUMNS": "200"}
    child = pexpect.spawn(sys.executable, ["-m", "quizdock", "deck", "test"], env=env, encoding="utf-8", timeout=30)
    child.expect("docker container run -d --name")
    child.expect(r"\[y/N\]")
    child.sendline("n")
    child.expect("were not approved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitCode.FAILED
    # Yes: remembered, and Docker is asked next (not there here: exit 5).
    child = pexpect.spawn(sys.executable, ["-m", "quizdock", "deck", "test"], env=env, encoding="utf-8", timeout=30)
    child.expect(r"\[y/N\]")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitCode.DOCKER
    again = CliRunner().invoke(app, ["deck", "test"], env={k: env[k] for k in ("QUIZDOCK_DECKS", "DOCKER_HOST")})
    assert again.exit_code == ExitCode.DOCKER, again.output
