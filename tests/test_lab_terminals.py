"""The second terminal, and nothing of the learner's: `quizdock lab env` in another terminal
(a real bash in a pseudo-terminal) while a challenge runs in the first; a lab session killed
with -9, then every challenge on the learner's own Docker, which keeps all of its own things."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pexpect
import pytest
from rich.console import Console
from typer.testing import CliRunner

from quizdock.cli.challenge_terminal import run_session
from quizdock.cli.typer_app import app
from quizdock.decks.catalog import practical_cards
from quizdock.errors import QuizdockError
from quizdock.lab import engine, runner
from quizdock.lab.state import load_state, state_dir
from tests.conftest import REPO
from tests.docker_fixtures import LEARNER_PREFIX, remove_made

if TYPE_CHECKING:
    import docker

    from quizdock.lab.target import Target

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("practical_deck_only")]

PY = f"{sys.executable} -m quizdock"


def spawn_quizdock(*args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "quizdock", *args],
        env={**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", **(env or {})},
        encoding="utf-8",
        timeout=90,
        dimensions=(40, 200),
    )


def second_terminal(tmp_path: Path) -> pexpect.spawn:
    """An interactive bash, as a learner's second terminal (REQUESTS_CA_BUNDLE set, as on many machines)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "TERM": "dumb",
        "PS1": "term2$ ",
        "REQUESTS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt",
    }
    shell = pexpect.spawn(
        "bash",
        ["--norc", "--noprofile", "-i"],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=90,
        dimensions=(50, 250),
    )
    shell.expect_exact("term2$ ")
    shell.sendline(f'qd() {{ {PY} "$@"; }}')
    shell.expect_exact("term2$ ")
    return shell


def run_in(shell: pexpect.spawn, command: str) -> tuple[int, str]:
    """Type a command; its exit status and output (no traceback allowed)."""
    shell.sendline(f"{command}; echo rc=$?")
    shell.expect(r"rc=(\d+)\r?\n")
    output = shell.before or ""
    assert "Traceback" not in output, output
    status = int(shell.match.group(1))
    shell.expect_exact("term2$ ")
    return status, output


def certificates(home: engine.LabHome) -> str:
    return hashlib.sha256(b"".join((home.certs / n).read_bytes() for n in sorted(os.listdir(home.certs)))).hexdigest()


def test_the_second_terminal_reaches_the_lab_and_quizdock_still_works_there(
    learner_lab: Target, tmp_path: Path
) -> None:
    assert learner_lab.lab is not None
    home = learner_lab.lab.home
    keys = certificates(home)
    first = spawn_quizdock("challenge", "run", "stop", "--lang", "en")
    shell = second_terminal(tmp_path)
    try:
        first.expect("Keywords: check")
        status, shown = run_in(shell, 'eval "$(qd lab env)"')
        assert status == 0 and "Back to your own Docker" in shown and "unset DOCKER_HOST" in shown, shown
        status, shown = run_in(shell, "docker container ls --format '{{.Names}}'")
        assert status == 0 and "server" in shown.split(), shown  # the lab's container, as in the note
        status, shown = run_in(shell, "qd challenge check stop --lang en")
        assert status == 1 and "1/3 checks pass" in shown, shown
        status, shown = run_in(shell, "docker container stop server")
        assert status == 0, shown
        status, shown = run_in(shell, "qd challenge check stop --lang en")
        assert status == 0 and "3/3 checks pass" in shown, shown
        status, shown = run_in(shell, "qd challenge list --lang en")
        assert status == 0 and "stop (set up)" in shown, shown
        status, shown = run_in(shell, "qd lab status --lang en")
        assert status == 0 and "running" in shown and "docker goes to the lab" in shown, shown
        status, shown = run_in(shell, "qd doctor")
        assert status == 0 and "running at tcp://127.0.0.1:" in shown and "docker goes to the lab" in shown, shown
        # A second challenge there is refused (the lab is held), and never re-keys the lab.
        status, shown = run_in(shell, "qd challenge run rm --lang en")
        assert status == 9 and "The lab is in use" in shown, shown
        assert certificates(home) == keys
        # The way back, as printed.
        status, shown = run_in(shell, 'eval "$(qd lab env 2>&1 >/dev/null | tail -n 1)"')
        assert status == 0, shown
        status, shown = run_in(shell, 'echo "host=${DOCKER_HOST:-none} config=${QUIZDOCK_LAB_ENV:-none}"')
        assert "host=none config=none" in shown, shown
        first.sendline("check")
        first.expect("Solved!")
        first.sendline("")
        first.expect(pexpect.EOF)
    finally:
        first.close(force=True)
        shell.close(force=True)
    assert first.exitstatus == 0
    assert certificates(home) == keys


def test_watch_ends_when_the_challenge_ends_in_the_other_terminal(learner_lab: Target, tmp_path: Path) -> None:
    first = spawn_quizdock("challenge", "run", "rm", "--lang", "en")
    shell = second_terminal(tmp_path)
    try:
        first.expect("Keywords: check")
        run_in(shell, 'eval "$(qd lab env)"')
        shell.sendline("qd challenge check rm --watch --lang en; echo rc=$?")
        shell.expect("Watching Docker events")
        shell.expect("checks pass")
        first.sendline("quit")
        first.expect(pexpect.EOF)
        shell.expect(r"rc=(\d+)")
        output = shell.before or ""
        assert shell.match.group(1) == "1", output
        assert "ended in the other terminal" in output and "Traceback" not in output, output
    finally:
        first.close(force=True)
        shell.close(force=True)


# --------------------------------------------------------------------------- nothing of the learner's


@contextmanager
def learners_engine(
    docker_client: docker.DockerClient, monkeypatch: pytest.MonkeyPatch
) -> Iterator[docker.DockerClient]:
    """A Docker engine of the test's own as the learner's Docker (quizdock pointed at it), so the
    learner's things can have the exact plain names the challenges use (``couchdb1``) without
    meeting any other test's on the shared engine."""
    home = engine.LabHome(
        Path(tempfile.mkdtemp(prefix="quizdock-test-learner-")), name=f"quizdock-lab-test-{uuid.uuid4().hex[:8]}"
    )
    try:
        lab = engine.up(docker_client, home)
        with monkeypatch.context() as patch:
            for key, value in lab.cli_environment().items():
                if key != "DOCKER_CONFIG":
                    patch.setenv(key, value)
            client = lab.connect()
            try:
                yield client
            finally:
                client.close()
    finally:
        engine.down(docker_client, home)


def test_a_killed_lab_session_then_every_challenge_on_the_learners_docker_touches_nothing_of_theirs(
    docker_client: docker.DockerClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # 1. A lab session killed with -9: its state (plain names: couchdb1) stays behind.
    session = spawn_quizdock("challenge", "run", "rm-anonymous", "--lang", "en", env={"QUIZDOCK_LAB": "on"})
    session.expect("Keywords: check")
    os.kill(session.pid, signal.SIGKILL)
    session.close(force=True)
    stale = load_state("practical/rm-anonymous")
    assert stale is not None and stale.lab and stale.values["couchdb1"] == "couchdb1"
    # Every other challenge set up in the lab and left so: a stale lab state each.
    home = engine.default_home()
    lab = engine.find(docker_client, home)
    assert lab is not None
    client = lab.connect()
    try:
        for card in practical_cards():
            assert card.challenge is not None
            if card.id != "practical/rm-anonymous":
                runner.setup(client, card.challenge, lab=lab)
    finally:
        client.close()
    stale_names = {v for f in state_dir().glob("*.json") if (s := load_state_file(f)) for v in s}
    assert {"couchdb1", "app", "server", "old"} <= stale_names

    # 2. The learner's own Docker, with things named as the challenges name theirs.
    with learners_engine(docker_client, monkeypatch) as learner:
        made = _learners_things(learner, stale_names)
        try:
            monkeypatch.setenv("QUIZDOCK_LAB", "off")
            monkeypatch.setattr(runner, "WAIT_SECONDS", 3)  # its registries are not reachable from here
            played, refused = [], []
            for card in practical_cards():
                try:
                    run_session(card, "en", ask=lambda: "quit", console=Console(file=io.StringIO()))
                    played.append(card.id)
                except QuizdockError as error:
                    refused.append(f"{card.id}: {error}")
            # Those with a registry or a bind mount cannot be set up on an engine in a container
            # (its ports and folders are not this machine's): they end in a message, cleaned up.
            assert len(played) >= 20, refused
            assert made.missing(learner) == []
        finally:
            remove_made(learner, made.created)


def load_state_file(path: Path) -> list[str]:
    from quizdock.lab.state import LabState

    state = LabState.from_json(path.read_text(encoding="utf-8"))
    return list(state.values.values()) if state is not None and state.lab else []


class _Things:
    def __init__(self) -> None:
        self.created: list[tuple[str, str]] = []
        self.containers: dict[str, str] = {}
        self.tags: dict[str, str] = {}
        self.volumes: list[str] = []

    def missing(self, client: docker.DockerClient) -> list[str]:
        import docker.errors

        problems = []
        for name, ident in self.containers.items():
            try:
                found = client.containers.get(ident)
                if found.status != "running" or found.name != name:
                    problems.append(f"container {name}: {found.status} {found.name}")
            except docker.errors.NotFound:
                problems.append(f"container {name} removed")
        for tag, ident in self.tags.items():
            try:
                if client.images.get(tag).id != ident:
                    problems.append(f"tag {tag} moved")
            except docker.errors.ImageNotFound:
                problems.append(f"tag {tag} removed")
        for volume in self.volumes:
            try:
                client.volumes.get(volume)
            except docker.errors.NotFound:
                problems.append(f"volume {volume} removed")
        return problems


def _learners_things(client: docker.DockerClient, stale_names: set[str]) -> _Things:
    """Running containers and volumes under every plain and reserved name of the challenges,
    `127.0.0.1:5999/qd-app:1.0`, and extra tags on busybox."""
    things = _Things()
    names = {n for n in stale_names if n and n.replace("-", "").replace("_", "").isalnum() and not n.isdigit()}
    names |= {name for card in practical_cards() if card.challenge for name in card.challenge.reserved_names()}
    names.add(f"{LEARNER_PREFIX}{uuid.uuid4().hex[:6]}")
    busybox = client.images.get("busybox:latest")
    for name in sorted(names):
        container = client.containers.run(
            "busybox:latest", ["sleep", "3600"], name=name, detach=True, volumes={name: {"bind": "/data"}}
        )
        things.created += [("volume", name), ("container", container.id)]
        things.containers[name] = container.id
        things.volumes.append(name)
        busybox.tag(name, "1.0")
        things.tags[f"{name}:1.0"] = busybox.id
    app = client.containers.get(things.containers["app"]).commit(repository="127.0.0.1:5999/qd-app", tag="1.0")
    things.created.append(("image", "127.0.0.1:5999/qd-app:1.0"))
    things.tags["127.0.0.1:5999/qd-app:1.0"] = app.id
    things.tags["busybox:latest"] = busybox.id
    return things


def test_deck_test_keeps_its_states_in_a_folder_of_its_own(learner_lab: Target) -> None:
    first = spawn_quizdock("challenge", "run", "stop", "--lang", "en")
    try:
        first.expect("Keywords: check")
        before = load_state("practical/stop")
        assert before is not None
        proven = CliRunner().invoke(app, ["deck", "test", "stop"])
        assert proven.exit_code == 0, proven.output
        assert load_state("practical/stop") == before  # the learner's challenge is still set up
        first.sendline("check")
        first.expect("1/3 checks pass")
        first.sendline("quit")
        first.expect(pexpect.EOF)
    finally:
        first.close(force=True)


def test_images_enter_the_lab_under_the_reference_asked_for(docker_client: docker.DockerClient) -> None:
    other = f"aaa-{LEARNER_PREFIX}{uuid.uuid4().hex[:6]}"  # sorts first among busybox's tags
    docker_client.images.get("busybox:latest").tag(other, "1.0")
    home = engine.LabHome(
        Path(tempfile.mkdtemp(prefix="quizdock-test-lab-")), name=f"quizdock-lab-test-{uuid.uuid4().hex[:8]}"
    )
    try:
        lab = engine.up(docker_client, home)
        client = lab.connect()
        try:
            tags = sorted(tag for image in client.images.list() for tag in image.tags)
        finally:
            client.close()
        assert tags == ["busybox:latest", "registry:2"]
    finally:
        engine.down(docker_client, home)
        docker_client.images.remove(f"{other}:1.0")


def test_deck_test_on_the_learners_docker_does_not_judge_what_removes_itself(
    docker_client: docker.DockerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Containers of `docker run --rm` come and go beside it (as on a CI runner): they are not
    things deck test must leave as they were, and quizdock's own labs are not the learner's.

    The shared engine also carries other test runs, whose containers may be removed meanwhile
    as a learner's own could be: the test looks at what it made itself.
    """
    import threading
    import time

    monkeypatch.setenv("QUIZDOCK_LAB", "off")
    stop = threading.Event()
    churned: list[str] = []

    def churn() -> None:
        deadline = time.monotonic() + 300
        while not stop.is_set() and time.monotonic() < deadline:
            container = docker_client.containers.create(
                "busybox:latest", ["sleep", "0.3"], auto_remove=True, labels={"churn": "1"}
            )
            churned.append(container.id)
            container.start()
            time.sleep(0.2)

    worker = threading.Thread(target=churn, daemon=True)
    worker.start()
    try:
        result = CliRunner().invoke(app, ["deck", "test", "stop", "rm", "tmpfs", "run-once", "volume-rm"])
    finally:
        stop.set()
        worker.join(timeout=60)
    assert len(churned) > 5
    printed = "".join(result.output.split())  # identifiers may be cut across lines
    assert not [c for c in churned if c in printed], result.output
    assert "quizdock-lab" not in printed, result.output
    assert "challengesproven" in printed, result.output


def test_cleanup_on_the_learners_docker_removes_only_its_own_runs(
    docker_client: docker.DockerClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Two quizdocks (two data folders) run the same challenge on one Docker: each cleanup
    removes its own run's things (recorded, labelled with its run), never the other's."""
    import docker.errors

    found = next(c for c in practical_cards() if c.id == "practical/stop").challenge
    assert found is not None
    runs = {}
    for folder in ("first", "second"):
        monkeypatch.setenv("QUIZDOCK_LAB_DIR", str(tmp_path / folder))
        runs[folder] = runner.setup(docker_client, found)
    try:
        monkeypatch.setenv("QUIZDOCK_LAB_DIR", str(tmp_path / "first"))
        assert runner.cleanup(docker_client, found, load_state(found.id)) == []
        first, second = (runs[f].containers[runs[f].values["server"]] for f in ("first", "second"))
        with pytest.raises(docker.errors.NotFound):
            docker_client.containers.get(first)
        assert docker_client.containers.get(second).status == "running"
    finally:
        monkeypatch.setenv("QUIZDOCK_LAB_DIR", str(tmp_path / "second"))
        assert runner.cleanup(docker_client, found, load_state(found.id)) == []
    with pytest.raises(docker.errors.NotFound):
        docker_client.containers.get(second)
