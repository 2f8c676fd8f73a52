"""Every challenge against the real engine: proven by `quizdock deck test`, other valid commands
pass, near misses fail with a message that names the difference."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from quizdock.cli import app
from quizdock.commands.challenge import find_card, practical_cards
from quizdock.lab.deck_test import prove
from quizdock.lab.runner import free_port
from quizdock.lab.spec import LABEL_MANAGED, Challenge, SolutionStep, substitute
from tests.docker_fixtures import LEARNER_PREFIX, LearnerResources

if TYPE_CHECKING:
    import docker

    from quizdock.lab.target import Target

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("practical_deck_only")]


@pytest.fixture
def learner_stopped(docker_client: docker.DockerClient) -> Iterator[str]:
    """A stopped container of the learner's: `docker container prune` unfiltered would take it."""
    name = f"{LEARNER_PREFIX}{uuid.uuid4().hex[:10]}"
    container = docker_client.containers.run("busybox:latest", ["true"], name=name, detach=True)
    try:
        container.wait()
        yield container.id
    finally:
        container.remove(force=True)


def challenge(slug: str) -> Challenge:
    found = find_card(slug).challenge
    assert found is not None
    return found


def quizdock_leftovers(client: docker.DockerClient) -> list[str]:
    label = {"label": LABEL_MANAGED}
    return (
        [f"container {c.name}" for c in client.containers.list(all=True, filters=label)]
        + [f"image {i.id}" for i in client.images.list(all=True, filters=label)]
        + [f"volume {v.name}" for v in client.volumes.list(filters=label)]
    )


def test_deck_test_proves_every_challenge(
    docker_client: docker.DockerClient, learner_resources: LearnerResources, learner_stopped: str
) -> None:
    result = CliRunner().invoke(app, ["deck", "test"])
    assert result.exit_code == 0, result.output
    count = len(practical_cards())
    assert f"{count} challenges proven" in result.output
    assert learner_resources.missing(docker_client) == []
    assert docker_client.containers.get(learner_stopped).status == "exited"
    assert quizdock_leftovers(docker_client) == []


def test_deck_test_of_one_challenge_and_an_unknown_one() -> None:
    result = CliRunner().invoke(app, ["deck", "test", "tmpfs"])
    assert result.exit_code == 0, result.output
    assert "1 challenges proven" in result.output
    result = CliRunner().invoke(app, ["deck", "test", "no-such-challenge"])
    assert result.exit_code == 7, result.output
    assert "publish-port" in result.output


def steps(*commands: str) -> list[SolutionStep]:
    return [SolutionStep(command=c) for c in commands]


ALTERNATES = [
    ("publish-port", steps("docker run --detach --name {web} --publish {port}:80 busybox httpd -f -p 80")),
    ("publish-port", steps("docker run -d --name {web} -p 0.0.0.0:{port}:80 busybox httpd -f -p 80")),
    ("publish-port", steps("docker run -d --name {web} -p [::]:{port}:80/tcp busybox httpd -f -p 80")),
    ("publish-local", steps("docker run -d --name {web} --publish 127.0.0.1:{port}:80 busybox httpd -f -p 80")),
    ("named-volume", steps("docker run -d --name {app} --mount source={data},target=/data busybox sleep 600")),
    (
        "named-volume",
        steps(
            "docker volume create {data}",
            "docker run -d --name {app} --mount type=volume,src={data},dst=/data busybox sleep 600",
        ),
    ),
    ("tmpfs", steps("docker run -d --name {mem} --mount type=tmpfs,destination=/test busybox sleep 600")),
    ("tmpfs", steps("docker create --name {mem} --tmpfs /test busybox")),
    (
        "bind-mount",
        steps("docker run -d --name {site} --mount type=bind,source={src},target=/www busybox httpd -f -p 80 -h /www"),
    ),
    ("rm-anonymous", steps("docker rm --volumes {couchdb1}")),
    ("container-prune", steps("docker rm {done_1} {done_2}")),
    ("stop", steps("docker kill {server}")),
    ("image-rm", steps("docker rmi {old_image}:1.0")),
    ("tag", steps("docker tag busybox {mybox}:1.0")),
    ("commit", steps("docker exec {box} touch /hello.txt", "docker commit {box} {snap}:1.0")),
    (
        "detached-logs",
        steps("docker run --detach --name {ticker} busybox sh -c 'while :; do echo tick; sleep 1; done'"),
    ),
    (
        "run-it",
        [
            SolutionStep(
                "docker run --interactive --tty --name {shell} busybox", input="echo hi-from-tty\nexit\n", tty=True
            )
        ],
    ),
    ("volume-persist", steps("docker run --rm -v {keep}:/data busybox sh -c 'echo persisted > /data/note.txt'")),
]


@pytest.mark.parametrize(("slug", "solution"), ALTERNATES, ids=[f"{s}-{i}" for i, (s, _) in enumerate(ALTERNATES)])
def test_another_valid_command_passes(lab_engine: Target, slug: str, solution: list[SolutionStep]) -> None:
    proof, results = prove(lab_engine.client, challenge(slug), solution=solution, lab=lab_engine.lab)
    assert proof.ok, "\n".join(proof.problems)
    assert all(r.passed for r in results)


NEAR_MISSES = [
    # (challenge, commands, failing condition, words its English message must contain)
    (
        "publish-port",
        "docker run -d --name {web} -p {other_port}:80 busybox httpd -f -p 80",
        "published_port",
        ["host port {other_port} instead of {port}"],
    ),
    (
        "publish-port",
        "docker run -d --name {web} -p {port}:8080 busybox httpd -f -p 80",
        "published_port",
        ["container port 8080/tcp instead of 80/tcp"],
    ),
    (
        "publish-local",
        "docker run -d --name {web} -p {port}:80 busybox httpd -f -p 80",
        "published_port",
        ["address all interfaces instead of 127.0.0.1"],
    ),
    (
        "publish-local",
        "docker run -d --name {web} -p 127.0.0.1:{port}:80/udp busybox httpd -f -p 80",
        "published_port",
        ["container port 80/udp instead of 80/tcp"],
    ),
    (
        "couchdb-style",
        # Without -f, httpd goes to the background and the container's main process ends.
        "docker run --name {couchdb1} -p {port}:5984 busybox httpd -p 5984",
        "detached",
        ["expected: started detached (-d)", "actual: started attached to your terminal (no -d)"],
    ),
    (
        "named-volume",
        "docker run -d --name {app} -v /data busybox sleep 600",
        "mount",
        ["expected: named volume {data} at /data", "actual: an anonymous volume at /data"],
    ),
    (
        "tmpfs",
        "docker run -d --name {mem} -v /test busybox sleep 600",
        "mount",
        ["expected: a tmpfs (in memory) at /test", "actual: an anonymous volume at /test"],
    ),
    ("rm-anonymous", "docker rm {couchdb1}", "anonymous_volumes_gone", ["docker rm without -v leaves them"]),
    (
        "image-prune",
        "docker image prune -a --force",
        "seed_present",
        ["Without -a, prune leaves tagged images alone", "expected: present; actual: gone"],
    ),
    ("run-it", "docker run --name {shell} busybox sh -c 'echo hi-from-tty'", "tty_stdin", ["-i and -t missing"]),
]


@pytest.mark.parametrize(
    ("slug", "command", "condition", "words"),
    NEAR_MISSES,
    ids=[f"{m[0]}-{m[2]}-{i}" for i, m in enumerate(NEAR_MISSES)],
)
def test_a_near_miss_fails_and_names_the_difference(
    lab_engine: Target, slug: str, command: str, condition: str, words: list[str]
) -> None:
    other_port = str(free_port())  # never one of the lab's ports: those are taken on this machine
    proof, results = prove(
        lab_engine.client,
        challenge(slug),
        solution=steps(command),
        expect_pass=False,
        extra_values={"other_port": other_port},
        lab=lab_engine.lab,
    )
    assert proof.ok, "\n".join(proof.problems)  # set up, failed, cleaned up, learner intact
    failed = [r for r in results if not r.passed and r.name == condition]
    assert failed, [(r.name, r.message.en) for r in results]
    for word in words:
        assert substitute(word, proof.values) in failed[0].message.en
