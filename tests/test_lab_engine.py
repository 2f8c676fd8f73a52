"""The private lab on the real engine: lifecycle, access, isolation, one challenge at a time,
ports and folders that keep their meaning, and deck test on a busy Docker."""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pexpect
import pytest
from typer.testing import CliRunner

from quizdock.challenges.model import CHALLENGE_IMAGES, DEFAULT_IMAGE, Challenge, SolutionStep
from quizdock.cli.typer_app import app
from quizdock.decks.catalog import find_card
from quizdock.lab import engine, runner
from quizdock.lab.deck_test import prove, run_step, snapshot_docker
from quizdock.lab.docker_ops import free_port
from tests.docker_fixtures import CHALLENGE_ENGINES, LEARNER_PREFIX, ChallengeEngine, remove_made, require_image

if TYPE_CHECKING:
    import docker

    from quizdock.lab.target import Target

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("practical_deck_only")]

REPO = Path(__file__).resolve().parent.parent


def challenge(slug: str) -> Challenge:
    found = find_card(slug).challenge
    assert found is not None
    return found


def steps(*commands: str) -> list[SolutionStep]:
    return [SolutionStep(command=c) for c in commands]


# --------------------------------------------------------------------------- lifecycle and access


def test_lab_up_status_env_down_through_the_cli(docker_client: docker.DockerClient) -> None:
    cli = CliRunner()
    home = engine.default_home()
    assert home.name.startswith("quizdock-lab-")  # a test's data folder never names the learner's lab
    result = cli.invoke(app, ["lab", "up", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "The lab runs: 127.0.0.1:" in result.output
    again = cli.invoke(app, ["lab", "up", "--lang", "fr"])
    assert again.exit_code == 0 and "Le labo tourne" in again.output, again.output

    status = cli.invoke(app, ["lab", "status", "--lang", "en"])
    assert status.exit_code == 0, status.output
    for expected in ("running", "Docker Engine", *CHALLENGE_IMAGES, "tcp://127.0.0.1:"):
        assert expected in status.output

    env = cli.invoke(app, ["lab", "env"])
    assert env.exit_code == 0, env.output
    exports = dict(line.removeprefix("export ").split("=", 1) for line in env.stdout.strip().splitlines())
    assert set(exports) == {"DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONFIG", "QUIZDOCK_LAB_ENV"}
    exports.pop("QUIZDOCK_LAB_ENV")  # quoted for the shell; read by quizdock in that terminal
    # The way back, on stderr (shown, not evaluated): what was not set is unset, the rest restored.
    assert "unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH QUIZDOCK_LAB_ENV" in env.stderr, env.stderr
    assert f"export DOCKER_CONFIG={os.environ['DOCKER_CONFIG']}" in env.stderr, env.stderr
    # The learner's docker CLI, pointed at the lab, sees the lab's engine and its images only.
    shown = subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}"],
        env={**os.environ, **exports},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(shown) == sorted(CHALLENGE_IMAGES)
    doctor = cli.invoke(app, ["doctor"])
    assert "running at tcp://127.0.0.1:" in doctor.output, doctor.output

    down = cli.invoke(app, ["lab", "down", "--lang", "en"])
    assert down.exit_code == 0 and "removed" in down.output, down.output
    # Other programs' containers may go while they are listed (the Docker is shared): not ours to judge.
    listed = docker_client.containers.list(all=True, filters={"name": home.name}, ignore_removed=True)
    assert not [c for c in listed if c.name == home.name]
    assert not docker_client.volumes.list(filters={"name": home.volume})
    gone = cli.invoke(app, ["lab", "env", "--lang", "en"])
    assert gone.exit_code == 8 and "quizdock lab up" in gone.output, gone.output


def test_the_lab_answers_only_with_the_client_certificate(lab_engine: Target) -> None:
    lab = lab_engine.lab
    assert lab is not None
    host = lab.address.split(":")[0]
    # No plain HTTP: the port speaks TLS only.
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        urllib.request.urlopen(f"http://{lab.address}/_ping", timeout=5).read()
    # TLS without the client certificate: refused.
    bare = ssl.create_default_context(cafile=str(lab.home.certs / "ca.pem"))
    with pytest.raises((ssl.SSLError, urllib.error.URLError, ConnectionError)):
        urllib.request.urlopen(f"https://{lab.address}/_ping", timeout=5, context=bare).read()
    # With it: the engine answers.
    bare.load_cert_chain(str(lab.home.certs / "cert.pem"), str(lab.home.certs / "key.pem"))
    assert urllib.request.urlopen(f"https://{lab.address}/_ping", timeout=5, context=bare).read() == b"OK"
    # Published on the loopback address only, and the client key is the learner's alone.
    assert host == "127.0.0.1"
    assert (lab.home.certs / "key.pem").stat().st_mode & 0o077 == 0
    container = lab_engine.client  # the lab's engine itself: nothing of the learner's in it
    assert not [c for c in container.containers.list(all=True) if c.name.startswith(LEARNER_PREFIX)]


# --------------------------------------------------------------------------- the engine it runs

LAB_ENGINES = [e for e in CHALLENGE_ENGINES if e.lab_image]


def test_the_lab_image_is_the_pinned_engines_official_tag() -> None:
    assert f"docker:{engine.LAB_ENGINE_VERSION}-dind" == engine.LAB_IMAGE  # as Docker Hub names it
    assert engine.lab_image() == engine.LAB_IMAGE
    # Every other mention reads the pin (.ci/engine.sh, the tests) or names it as it is.
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert set(re.findall(r"docker:([\w.]+)-dind", readme)) == {engine.LAB_ENGINE_VERSION}
    assert "docker:dind" not in readme
    assert set(re.findall(r"Engine (\d+\.\d+\.\d+)", readme)) == {engine.LAB_ENGINE_VERSION}
    script = (REPO / ".ci" / "engine.sh").read_text(encoding="utf-8")
    assert f"SID_DOCKER_IO_VERSION={engine.LAB_ENGINE_VERSION}+" in script  # Debian's package of it
    containerd = re.search(r"^SID_CONTAINERD_VERSION=([\d.]+)\+", script, re.MULTILINE)
    assert containerd is not None
    assert set(re.findall(r"containerd (\d+\.\d+\.\d+)", readme)) == {containerd.group(1)}


@pytest.mark.parametrize("chosen", LAB_ENGINES, ids=[e.id for e in LAB_ENGINES])
def test_the_lab_runs_the_pinned_engine(
    docker_client: docker.DockerClient, tmp_path: Path, chosen: ChallengeEngine
) -> None:
    """`docker version` in the lab names the pinned engine; the containerd image store variant
    stores images in containerd's snapshotter, as Engine 29 does by default."""
    assert chosen.lab_image is not None
    require_image(docker_client, chosen.lab_image)
    home = engine.LabHome(tmp_path / "lab", name=f"quizdock-lab-test-{uuid.uuid4().hex[:8]}")
    try:
        lab = engine.up(docker_client, home, image=chosen.lab_image)
        shown = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}"],
            env=lab.environ(),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert shown.returncode == 0, shown.stderr
        version, api = shown.stdout.split()
        assert version.split("+")[0] == engine.LAB_ENGINE_VERSION  # Debian's stand-in says 28.5.2+dfsg4
        assert (1, 41) <= tuple(int(n) for n in api.split(".")) <= (1, 52)  # what the checks are read for
        info = subprocess.run(
            ["docker", "info", "--format", "{{.Driver}} {{json .DriverStatus}}"],
            env=lab.environ(),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert info.returncode == 0, info.stderr
        driver, status = info.stdout.split(" ", 1)
        assert driver == chosen.storage_driver
        snapshotter = ["driver-type", "io.containerd.snapshotter.v1"] in json.loads(status)
        assert snapshotter == (chosen.storage_driver == "overlayfs")
    finally:
        engine.down(docker_client, home)


# --------------------------------------------------------------------------- the note's commands


@pytest.mark.parametrize(
    ("slug", "command"),
    [
        ("container-prune", "docker container prune --force"),
        ("image-prune", "docker image prune --force"),
        ("image-prune-all", "docker image prune -a --force"),
        ("rm-anonymous", "docker rm -v {couchdb1}"),  # couchdb1 in the lab, as in the note
    ],
)
def test_the_notes_plain_commands_solve_the_challenges_in_the_lab(lab_engine: Target, slug: str, command: str) -> None:
    proof, results = prove(lab_engine.client, challenge(slug), solution=steps(command), lab=lab_engine.lab)
    assert proof.ok, "\n".join(proof.problems)
    assert all(r.passed for r in results)
    assert "--filter" not in " ".join(s.command for s in proof.steps)


def test_a_reset_brings_back_the_cached_images_a_prune_removed(lab_engine: Target) -> None:
    assert lab_engine.lab is not None
    proof, _ = prove(
        lab_engine.client,
        challenge("image-prune-all"),
        solution=steps("docker image prune -a --force"),
        lab=lab_engine.lab,
    )
    assert proof.ok, proof.problems
    tags = sorted(tag for image in lab_engine.client.images.list() for tag in image.tags)
    assert tags == sorted(CHALLENGE_IMAGES)


def test_docker_login_in_a_challenge_stays_in_the_lab(lab_engine: Target, docker_config_dir: Path) -> None:
    assert lab_engine.lab is not None
    proof, results = prove(lab_engine.client, challenge("push"), lab=lab_engine.lab)
    assert proof.ok, "\n".join(proof.problems)
    login = [r for r in results if r.name == "login_stored"]
    assert login and login[0].passed  # stored in the lab's client config, and accepted...
    assert not (docker_config_dir / "config.json").exists()  # ...and never in the learner's


# --------------------------------------------------------------------------- ports and folders


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def test_ports_keep_their_meaning_in_the_lab(lab_engine: Target) -> None:
    """Published on all addresses: reachable from this machine. On 127.0.0.1 only: the lab's own."""
    client, lab = lab_engine.client, lab_engine.lab
    assert lab is not None
    for slug, reachable in (("publish-port", True), ("publish-local", False)):
        found = challenge(slug)
        state = runner.setup(client, found, lab=lab)
        try:
            outcome = run_step(found.solution[0], state.values, env=lab.environ(), challenge=found)
            assert outcome.returncode == 0, outcome.output
            assert int(state.values["port"]) in lab.ports
            url = f"http://127.0.0.1:{state.values['port']}/"
            if reachable:
                deadline = time.monotonic() + 10
                while True:
                    try:
                        _get(url)
                        break
                    except urllib.error.HTTPError:
                        break  # httpd answered (404 for an empty folder): reached
                    except OSError:
                        assert time.monotonic() < deadline, f"{url} never answered"
                        time.sleep(0.2)
            else:
                time.sleep(0.5)
                with pytest.raises(OSError):
                    _get(url)
        finally:
            assert runner.cleanup(client, found, state, lab=lab) == []


def test_a_bind_mount_serves_the_folder_from_this_machine(lab_engine: Target) -> None:
    client, lab = lab_engine.client, lab_engine.lab
    assert lab is not None
    found = challenge("bind-mount")
    state = runner.setup(client, found, lab=lab)
    try:
        folder = Path(state.values["src"])
        assert folder.is_dir() and lab.home.share in folder.parents  # a folder of this machine
        (folder / "extra.txt").write_text("typed on the host\n", encoding="utf-8")
        outcome = run_step(found.solution[0], state.values, env=lab.environ(), challenge=found)
        assert outcome.returncode == 0, outcome.output
        shown = client.containers.get(state.values["site"]).exec_run(["cat", "/www/extra.txt", "/www/index.html"])
        assert b"typed on the host" in shown.output and b"Hello from the host" in shown.output
        assert all(r.passed for r in runner.evaluate(client, found, state))
    finally:
        assert runner.cleanup(client, found, state, lab=lab) == []
    assert not folder.exists()


# --------------------------------------------------------------------------- one challenge at a time


def _spawn(*args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "quizdock", *args],
        env=dict(os.environ),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 160),
    )


def test_a_second_challenge_run_is_refused_and_the_first_is_undisturbed(docker_client: docker.DockerClient) -> None:
    first = _spawn("challenge", "run", "stop", "--lang", "en")
    try:
        first.expect("Keywords: check")
        # The second terminal, as a learner would type it.
        second = subprocess.run(
            [sys.executable, "-m", "quizdock", "challenge", "run", "rm", "--lang", "en"],
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert second.returncode in (6, 9), second.stdout + second.stderr  # no terminal is refused first
        with_terminal = _spawn("challenge", "run", "rm", "--lang", "en")
        with_terminal.expect(pexpect.EOF)
        with_terminal.close()
        assert with_terminal.exitstatus == 9, with_terminal.before
        assert "The lab is in use" in (with_terminal.before or "")
        down = CliRunner().invoke(app, ["lab", "down", "--lang", "en"])
        assert down.exit_code == 9, down.output
        # The first terminal still has its challenge, untouched.
        first.sendline("docker container stop server")
        first.expect("Solved!")
        first.expect(pexpect.EOF)
    finally:
        first.close(force=True)
    assert first.exitstatus == 0


# --------------------------------------------------------------------------- a busy Docker


@pytest.fixture
def everything_of_the_learner(docker_client: docker.DockerClient) -> Iterator[dict[str, set[str]]]:
    """Running and stopped containers, tagged and dangling images (one named like a challenge's
    image on a local registry), named and anonymous volumes, a network: all the learner's."""
    name = f"{LEARNER_PREFIX}{uuid.uuid4().hex[:8]}"
    made: list[tuple[str, str]] = []
    try:
        volume = docker_client.volumes.create(name)
        made.append(("volume", volume.name))
        network = docker_client.networks.create(name)
        made.append(("network", network.id))
        running = docker_client.containers.run(
            DEFAULT_IMAGE, ["sleep", "3600"], name=name, detach=True, volumes={name: {"bind": "/data"}}
        )
        made.append(("container", running.id))
        stopped = docker_client.containers.run(DEFAULT_IMAGE, ["true"], name=f"{name}-stopped", detach=True)
        stopped.wait()
        made.append(("container", stopped.id))
        anonymous = docker_client.containers.create(DEFAULT_IMAGE, ["true"], name=f"{name}-anon", volumes=["/data"])
        made.append(("container", anonymous.id))
        port = free_port()
        tagged = running.commit(repository=f"127.0.0.1:{port}/qd-x", tag="1.0")
        made.append(("image", tagged.id))
        dangling = running.commit()
        made.append(("image", dangling.id))
        # Only what this fixture made: other things on the daemon come and go as they please.
        mine = (name, tagged.short_id.removeprefix("sha256:"), dangling.short_id.removeprefix("sha256:"))
        yield {
            kind: {entry for entry in entries if any(m in entry for m in mine)}
            for kind, entries in snapshot_docker(docker_client).items()
        }
    finally:
        remove_made(docker_client, made)


def test_deck_test_passes_on_a_busy_docker_and_leaves_it_as_it_was(
    docker_client: docker.DockerClient, everything_of_the_learner: dict[str, set[str]]
) -> None:
    stop = threading.Event()
    churned = 0

    def churn() -> None:  # short-lived containers coming and going, as on a CI runner
        nonlocal churned
        deadline = time.monotonic() + 600
        while not stop.is_set() and time.monotonic() < deadline:
            docker_client.containers.run(DEFAULT_IMAGE, ["true"], remove=True, labels={"churn": "1"})
            churned += 1

    def labs() -> set[str]:  # deck test's labs of this process (other runs may share the Docker)
        mine = f"quizdock-lab-test-{os.getpid()}-"
        return {c.name for c in docker_client.containers.list(all=True, ignore_removed=True) if c.name.startswith(mine)}

    labs_before = labs()
    worker = threading.Thread(target=churn, daemon=True)
    worker.start()
    try:
        result = CliRunner().invoke(app, ["deck", "test"])
    finally:
        stop.set()
        worker.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert "challenges proven" in result.output
    assert churned > 5  # the daemon was busy all along
    after = snapshot_docker(docker_client)
    for kind, before in everything_of_the_learner.items():
        missing = before - after[kind]
        assert not missing, f"{kind}: {missing}"
    assert labs() == labs_before  # deck test's own lab is gone


def test_without_the_lab_challenges_fall_back_to_the_learners_docker_or_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZDOCK_LAB_IMAGE", f"quizdock-test-missing-{uuid.uuid4().hex[:6]}:none")
    monkeypatch.setenv("QUIZDOCK_LAB", "auto")
    fallback = CliRunner().invoke(app, ["deck", "test", "tmpfs"])
    assert fallback.exit_code == 0, fallback.output
    assert "lab cannot start" in fallback.output and "1 challenge proven" in fallback.output
    monkeypatch.setenv("QUIZDOCK_LAB", "on")
    required = CliRunner().invoke(app, ["deck", "test", "tmpfs"])
    assert required.exit_code == 8, required.output
    assert "cannot be pulled" in required.output and "QUIZDOCK_LAB=off" in required.output
    monkeypatch.setenv("QUIZDOCK_LAB", "sometimes")
    bad = CliRunner().invoke(app, ["deck", "test", "tmpfs"])
    assert bad.exit_code == 2 and "auto, on or off" in bad.output, bad.output


def test_state_of_a_lab_challenge_names_its_own_client_config(lab_engine: Target) -> None:
    assert lab_engine.lab is not None
    state = runner.setup(lab_engine.client, challenge("tmpfs"), lab=lab_engine.lab)
    try:
        saved = json.loads(Path(os.environ["QUIZDOCK_LAB_DIR"], "practical__tmpfs.json").read_text())
        assert saved["lab"] is True and saved["docker_config"] == str(lab_engine.lab.home.client_config)
        assert state.values["mem"] == "mem"  # the plain name: nothing else lives in the lab
    finally:
        runner.cleanup(lab_engine.client, challenge("tmpfs"), state, lab=lab_engine.lab)


def test_a_docker_on_another_machine_cannot_hold_the_lab(monkeypatch: pytest.MonkeyPatch) -> None:
    assert engine.why_not_here() is None  # the test engine is local
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:2375")
    assert engine.why_not_here() is None
    monkeypatch.setenv("DOCKER_HOST", "ssh://learner@build-box")
    assert "another machine" in (engine.why_not_here() or "")
    monkeypatch.setenv("QUIZDOCK_LAB", "on")
    result = CliRunner().invoke(app, ["lab", "up"])
    assert result.exit_code in (5, 8), result.output  # ssh is not reachable here either: 5 first


def test_two_users_of_one_docker_each_have_a_lab_of_their_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without QUIZDOCK_LAB_DIR, the lab's name still carries the user's data folder: a second
    user's `lab up` never finds, replaces or re-keys the first one's."""
    monkeypatch.delenv("QUIZDOCK_LAB_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    names = set()
    for user in ("ana", "ben"):
        monkeypatch.setenv("HOME", str(tmp_path / user))
        home = engine.default_home()
        assert home.root.is_relative_to(tmp_path / user)
        names.add((home.name, home.volume))
    assert len(names) == 2 and all(name.startswith("quizdock-lab-") for name, _volume in names)
