"""The guard judges what a deck step's docker client sends, as the daemon reads it.

Here the command-line check of ``steps.py`` is bypassed on purpose: each variant is run by the
real docker client straight through the guard, on the learner's Docker (the host engine) and
in a private lab, with a canary file and a canary volume that must stay exactly as they were.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from quizdock.lab.guard import Guard, Policy, Refused, go_json, read_request
from quizdock.lab.spec import LABEL_CHALLENGE, LABEL_MANAGED

if TYPE_CHECKING:
    import docker

    from quizdock.lab.target import Target

REFUSED = "quizdock refused this deck step"


@dataclass
class Canaries:
    file: Path
    content: bytes
    volume: str
    marker: Path  # what an escape would create beside the canary file
    container: str  # a learner's container


def volume_listing(client: docker.DockerClient, volume: str) -> str:
    return client.containers.run(
        "busybox:latest", ["sh", "-c", "ls -ln --full-time /d; cat /d/*"], volumes={volume: {"bind": "/d"}}, remove=True
    ).decode()


@pytest.fixture
def canaries(tmp_path: Path, docker_client: docker.DockerClient) -> Iterator[Canaries]:
    token = uuid.uuid4().hex[:8]
    folder = tmp_path / "canary"
    folder.mkdir()
    file = folder / "secret.txt"
    file.write_bytes(f"canary {token}\n".encode())
    volume = f"learner-canary-{token}"
    docker_client.volumes.create(name=volume)
    docker_client.containers.run(
        "busybox:latest", ["sh", "-c", "echo precious > /d/data"], volumes={volume: {"bind": "/d"}}, remove=True
    )
    container = docker_client.containers.create("busybox:latest", ["sleep", "600"], name=f"learner-box-{token}")
    found = Canaries(file, file.read_bytes(), volume, folder / "owned", container.name or "")
    listing = volume_listing(docker_client, volume)
    try:
        yield found
        assert file.read_bytes() == found.content
        assert not found.marker.exists()
        assert volume_listing(docker_client, volume) == listing
        assert docker_client.containers.get(container.id).status == "created"
    finally:
        container.remove(force=True)
        docker_client.volumes.get(volume).remove(force=True)


def variants(folder: str, canaries: Canaries, *, lab: bool) -> list[str]:
    """Dangerous requests, generated: the same intent in every spelling the docker CLI takes."""
    touch = f"busybox touch /h{canaries.marker}"
    found = []
    for first, second in (("source", "src"), ("src", "source"), ("SOURCE", "Src"), ("Source", "src")):
        found.append(f"docker run --rm --mount type=bind,{first}={folder},{second}=/,target=/h {touch}")
    found += [
        f"docker run --rm --mount 'type=bind,\"src={folder}\",source=/,target=/h' {touch}",
        f"docker run --rm -v /:/h {touch}",
        f"docker run --rm --volume=/:/h:rw {touch}",
        f"docker run --rm -v {folder}/root:/h {touch}",  # a link to / written by an earlier step
        f"docker run --rm -v {folder}/root/:/h {touch}",
        f"docker run --rm --mount type=bind,source={folder}/root,target=/h {touch}",
        f"docker run --rm -v {folder}/../../../..:/h {touch}",
        "docker run --rm -v /var/run/docker.sock:/s busybox true",
        "docker run --rm -v /proc/sys/kernel:/k busybox true",
        "docker run --rm -v /sys/fs/cgroup:/c busybox true",
    ]
    for option in ("network", "net", "pid", "ipc", "uts", "userns", "cgroupns"):
        found += [f"docker run --rm --{option} host busybox true", f"docker run --rm --{option}=host busybox true"]
    found += [
        "docker run --rm --network name=host busybox true",
        "docker run --rm --network 'name=host' busybox true",
        f"docker run --rm --network name=container:{canaries.container} busybox true",
        f"docker run --rm --pid container:{canaries.container} busybox true",
        "docker run --rm --privileged busybox true",
        "docker run --rm --privileged=true busybox true",
        "docker run --rm --cap-add SYS_ADMIN busybox true",
        "docker run --rm --cap-add=ALL busybox true",
        "docker run --rm --device /dev/null:/dev/x busybox true",
        "docker run --rm --device-cgroup-rule 'a *:* rwm' busybox true",
        "docker run --rm --security-opt seccomp=unconfined busybox true",
        "docker run --rm --security-opt apparmor=unconfined busybox true",
        "docker run --rm --security-opt systempaths=unconfined busybox true",
        "docker run --rm --sysctl kernel.shm_rmid_forced=1 busybox true",
        "docker run --rm --cgroup-parent / busybox true",
        "docker run --rm --runtime runc busybox true",
        "docker run --rm --volume-driver local busybox true",
        "docker run --rm --log-driver syslog busybox true",
        "docker run --rm --mount type=volume,src=qd-v,dst=/d,volume-opt=type=none,volume-opt=o=bind,"
        "volume-opt=device=/ busybox true",
        "docker volume create --opt type=none --opt o=bind --opt device=/ qd-bound",
        "docker volume create --driver other qd-driven",
        "docker network create --driver macvlan qd-net",
        "docker container update --restart always qd-x",
        f"docker cp qd-x:/etc/passwd {canaries.marker}",
        "docker plugin ls",
        "docker image load -i /dev/null",
        "docker image import /dev/null qd-imported",
    ]
    if not lab:  # the learner's own resources: in the lab, these names are the lab's own
        found += [
            f"docker run --rm -v {canaries.volume}:/d busybox rm -f /d/data",
            f"docker run --rm --mount source={canaries.volume},target=/d busybox rm -f /d/data",
            f"docker run --rm --mount type=volume,source=qd-v,src={canaries.volume},target=/d busybox rm -f /d/data",
            f"docker volume rm {canaries.volume}",
            f"docker container rm -f {canaries.container}",
            f"docker container start {canaries.container}",
            f"docker container exec {canaries.container} true",
            f"docker container commit {canaries.container} qd-copy",
            f"docker run --rm --volumes-from {canaries.container} busybox true",
            f"docker container prune -f --filter label=learner-{canaries.volume}",
            f"docker volume prune -f --filter label=learner-{canaries.volume}",
            "docker image tag busybox:latest learner/app:1",
            "docker login -u x -p y 127.0.0.1:1",
        ]
    return found


def run_through(guard: Guard, command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        shlex.split(command), env=guard.environ(env), capture_output=True, text=True, timeout=60, check=False
    )


def policy(challenge_id: str, folder: str, *, lab: bool) -> Policy:
    return Policy(
        challenge_id=challenge_id,
        dirs=(folder,),
        lab=lab,
        names=frozenset({"qd-x"}),
        labels={LABEL_MANAGED: "1", LABEL_CHALLENGE: challenge_id},
    )


def prove_refusals(guard: Guard, folder: str, canaries: Canaries, *, lab: bool, env: dict[str, str] | None) -> None:
    # An earlier step (allowed: it mounts the folder itself) leaves a link to / in the folder.
    made = run_through(guard, f"docker run --rm -v {folder}:/d busybox ln -s / /d/root", env)
    assert made.returncode == 0, made.stderr
    passed = []
    tried = variants(folder, canaries, lab=lab)
    for command in tried:
        done = run_through(guard, command, env)
        if done.returncode == 0 or REFUSED not in done.stderr:
            passed.append((command, done.returncode, done.stderr[-300:]))
    assert not passed, "\n".join(map(str, passed))
    assert len(guard.refusals) >= len(tried) > 50


@pytest.mark.docker
def test_every_dangerous_variant_is_refused_on_the_learners_docker(
    tmp_path: Path, docker_client: docker.DockerClient, canaries: Canaries
) -> None:
    folder = tmp_path / "qd-d"
    folder.mkdir()
    with Guard(policy(f"test/guard-{uuid.uuid4().hex[:6]}", str(folder), lab=False), os.environ, docker_client) as g:
        prove_refusals(g, str(folder), canaries, lab=False, env=None)
    assert not Path("/owned").exists()


@pytest.mark.docker
def test_every_dangerous_variant_is_refused_in_the_lab(
    lab_engine: Target, docker_client: docker.DockerClient, canaries: Canaries
) -> None:
    lab = lab_engine.lab
    assert lab is not None
    lab.home.share.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="qd-d-", dir=lab.home.share)  # as setup makes a challenge's folder
    os.chmod(folder, 0o755)
    # The canary container and volume are the learner's (on the host engine): the lab's engine
    # does not know them, so the variants naming them are refused or fail there.
    with Guard(policy("test/guard-lab", folder, lab=True), lab.environ(), lab_engine.client) as g:
        prove_refusals(g, folder, canaries, lab=True, env=lab.environ())
    # The lab container's own root holds no marker: nothing mounted it.
    lab_container = docker_client.containers.get(lab.container_id)
    assert lab_container.exec_run(["ls", f"/{canaries.marker}"]).exit_code != 0


@pytest.mark.docker
def test_what_a_step_creates_on_the_learners_docker_carries_the_challenges_label(
    tmp_path: Path, docker_client: docker.DockerClient
) -> None:
    challenge_id = f"test/label-{uuid.uuid4().hex[:6]}"
    folder = tmp_path / "qd-d"
    folder.mkdir()
    token = uuid.uuid4().hex[:6]
    made: list[tuple[str, str]] = []
    try:
        with Guard(policy(challenge_id, str(folder), lab=False), os.environ, docker_client) as guard:
            for command, kind, name in (
                ("docker run -d --restart always busybox sleep 600", "container", ""),
                (f"docker volume create qd-v-{token}", "volume", f"qd-v-{token}"),
                (f"docker run --rm -v qd-auto-{token}:/d busybox true", "volume", f"qd-auto-{token}"),
                (f"docker network create qd-n-{token}", "network", f"qd-n-{token}"),
            ):
                done = run_through(guard, command)
                assert done.returncode == 0, done.stderr
                made.append((kind, name or done.stdout.strip()))
        for kind, name in made:
            found = getattr(docker_client, kind + "s").get(name)
            labels = found.attrs["Config"]["Labels"] if kind == "container" else found.attrs["Labels"]
            assert labels[LABEL_CHALLENGE] == challenge_id, (kind, name, labels)
    finally:
        for kind, name in made:
            item = getattr(docker_client, kind + "s").get(name)
            item.remove(**({"force": True} if kind != "network" else {}))


@pytest.mark.docker
def test_a_hijacked_stream_and_stdin_pass_once_judged(tmp_path: Path, docker_client: docker.DockerClient) -> None:
    folder = tmp_path / "qd-d"
    folder.mkdir()
    with Guard(policy("test/stream", str(folder), lab=True), os.environ, docker_client) as guard:
        done = subprocess.run(
            ["docker", "run", "--rm", "-i", "busybox", "sh", "-c", "cat; echo done"],
            input="from stdin\n",
            env=guard.environ(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "from stdin\ndone\n"


def request_of(raw: bytes) -> object:
    left, right = __import__("socket").socketpair()
    try:
        left.sendall(raw)
        left.shutdown(__import__("socket").SHUT_WR)
        return read_request(right)
    finally:
        left.close()
        right.close()


@pytest.mark.parametrize(
    "raw",
    [
        b"POST /v1.23/containers/x/start HTTP/1.1\r\nHost: d\r\n\r\n",  # start could carry a HostConfig
        b"GET /containers/../json HTTP/1.1\r\n\r\n",
        b"GET /containers%2fx/json HTTP/1.1\r\n\r\n",
        b"GET /containers/json?a=1;b=2 HTTP/1.1\r\n\r\n",
        b"GET /containers/json?a=%zz HTTP/1.1\r\n\r\n",
        b"POST /build HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
        b"GET http://x/containers/json HTTP/1.1\r\n\r\n",
        b"GET /_ping HTTP/1.0\r\n\r\n",
        # Go's ParseForm reads a form body's fields over the query's.
        b"POST /containers/prune HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 10\r\n\r\nfilters={}",
    ],
)
def test_a_request_read_two_ways_is_refused(raw: bytes) -> None:
    with pytest.raises(Refused):
        request_of(raw)


def test_a_body_naming_a_field_twice_in_any_case_is_refused() -> None:
    # Go matches "source" to Source and keeps the last: such a body is refused, not guessed at.
    with pytest.raises(Refused, match="twice"):
        go_json(b'{"HostConfig": {"Mounts": [{"Type": "bind", "Source": "/ok", "source": "/"}]}}')
    assert go_json(b'{"Labels": {"a": "1"}}') == {"Labels": {"a": "1"}}


@pytest.mark.docker
def test_a_second_request_on_a_kept_alive_connection_never_reaches_docker(
    tmp_path: Path, docker_client: docker.DockerClient
) -> None:
    import socket

    name = f"qd-pipelined-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"Name": name, "DriverOpts": {"type": "none", "o": "bind", "device": "/"}}).encode()
    second = (
        f"POST /volumes/create HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with Guard(policy("test/pipelined", str(tmp_path), lab=True), os.environ, docker_client) as guard:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(guard.path)
        conn.sendall(b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: keep-alive\r\n\r\n" + second)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        conn.close()
    assert answer.count(b"HTTP/1.1 ") == 1 and b"Connection: close" in answer, answer
    assert name not in [v.name for v in docker_client.volumes.list()]
