"""The interactive challenge loop, review integration, `challenge check` and its watch mode,
driven through the real prompt and the real engine."""

from __future__ import annotations

import functools
import gc
import io
import os
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console
from typer.testing import CliRunner

from quizdock.cli.challenge_terminal import review_practical, run_session
from quizdock.cli.typer_app import app
from quizdock.decks.catalog import find_card
from quizdock.decks.loading import Card
from quizdock.errors import DockerUnavailable
from quizdock.lab import runner
from quizdock.lab.conditions import CheckResult
from quizdock.lab.session import broad_warning
from quizdock.lab.state import LabState, load_state
from quizdock.lab.watch import watch
from tests.conftest import REPO
from tests.docker_fixtures import LEARNER_PREFIX, LearnerResources
from tests.scripted import CTRL_C, ENTER, ScriptedPrompter

if TYPE_CHECKING:
    import docker

    from quizdock.lab.target import Target

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("practical_deck_only")]

Key = str | Callable[[], str]
T = TypeVar("T")


class LazyPrompter(ScriptedPrompter):
    """Scripted keystrokes; a callable is called when its question comes (it may read the
    challenge's state, e.g. the port chosen at setup)."""

    def __init__(self, keys: list[Key]) -> None:
        super().__init__("en", [])
        self.lazy = list(keys)

    def io(self) -> dict[str, Any]:
        if not self.lazy:
            raise AssertionError("the session asked one more question than the script answers")
        key = self.lazy.pop(0)
        pipe = self._stack.enter_context(create_pipe_input())
        pipe.send_text(key() if callable(key) else key)
        return {"input": pipe, "output": DummyOutput()}


def card(slug: str) -> Card:
    return find_card(slug)


def state_value(slug: str, key: str) -> str:
    state = load_state(card(slug).id)
    assert state is not None, "the challenge is not set up"
    return state.values[key]


def in_session(
    session: Callable[..., T], slug: str, keys: list[Key], where: Target, *, lang: str = "en", **options: Any
) -> tuple[T, str]:
    """What `session` (review_practical or run_session) returns for the challenge `slug` played with
    `keys` in `where`, and what it printed; every key must be used."""
    prompter = LazyPrompter(keys)
    out = io.StringIO()
    try:
        outcome = session(
            card(slug),
            lang,
            ask=prompter.command,
            client=where.client,
            lab=where.lab,
            console=Console(file=out, width=200),
            **options,
        )
    finally:
        prompter.close()
    assert not prompter.lazy, "the session stopped before the script ended"
    return outcome, out.getvalue()


def play(slug: str, keys: list[Key], where: Target, **options: Any) -> tuple[tuple[int, str], str]:
    return in_session(review_practical, slug, keys, where, **options)


def leftovers(where: Target, slug: str) -> list[str]:
    challenge = card(slug).challenge
    assert challenge is not None
    return runner.leftovers(where.client, challenge, None, lab=where.lab)


reached: list[bool] = []


def reach(url: str) -> str:
    """Ask ``url`` as a learner's curl would; record whether a server answered (any status)."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(url, timeout=3).close()
            reached.append(True)
            return ""
        except urllib.error.HTTPError:  # httpd answered (404 for its empty folder)
            reached.append(True)
            return ""
        except OSError:
            if time.monotonic() > deadline:
                reached.append(False)
                return ""
            time.sleep(0.2)


def test_a_session_solved_after_one_hint(
    docker_client: docker.DockerClient, learner_lab: Target, learner_resources: LearnerResources
) -> None:
    port: Callable[[], str] = lambda: state_value("publish-port", "port")  # noqa: E731
    keys: list[Key] = [
        "help" + ENTER,
        "hint" + ENTER,
        # A near miss first: the wrong port, and the check says so.
        lambda: f"docker run -d --name web -p {int(port()) + 1}:80 busybox httpd -f -p 80{ENTER}",
        "docker rm -f web" + ENTER,
        lambda: f"docker container run --detach --name web --publish {port()}:80 busybox httpd -f -p 80{ENTER}",
        # Solved: the server is still there to try, from this machine, until Enter.
        lambda: reach(f"http://127.0.0.1:{port()}/") + ENTER,
    ]
    (quality, summary), output = play("publish-port", keys, learner_lab)
    assert reached == [True], output
    assert "Try it before it is cleaned up: http://127.0.0.1:" in output
    assert quality == 4, output
    assert summary.startswith("solved (5/5 checks); 1 hint(s); commands: docker run -d --name web")
    assert "Hint 1/3:" in output
    assert "instead of" in output and "Solved!" in output
    assert leftovers(learner_lab, "publish-port") == []
    assert load_state(card("publish-port").id) is None
    assert learner_resources.missing(docker_client) == []


def test_skip_gives_up_and_cleans_up(learner_lab: Target) -> None:
    keys: list[Key] = ["solution" + ENTER, "docker ps -a | grep qd" + ENTER, "skip" + ENTER]
    (quality, summary), output = play("stop", keys, learner_lab)
    assert quality == 1
    assert summary == "gave up (1/3 checks); solution shown"
    assert "docker container stop server" in output  # the solution, with the name filled in
    assert "without a shell" in output
    assert leftovers(learner_lab, "stop") == []


def test_ctrl_c_at_the_prompt_cleans_up_then_interrupts(learner_lab: Target) -> None:
    with pytest.raises(KeyboardInterrupt):
        play("find-exited", [CTRL_C], learner_lab)
    assert leftovers(learner_lab, "find-exited") == []
    assert load_state(card("find-exited").id) is None


def test_reset_sets_the_challenge_up_again(learner_lab: Target) -> None:
    keys: list[Key] = [
        "docker rm -f svc_a" + ENTER,  # breaks a guard
        "reset" + ENTER,
        "check" + ENTER,
        "docker container rm svc_b" + ENTER,
    ]
    (quality, _), output = play("find-exited", keys, learner_lab)
    assert quality == 5, output
    assert "expected: running; actual: no container named svc_a" in output
    assert leftovers(learner_lab, "find-exited") == []


def test_the_prune_warning_counts_the_learners_own_stopped_containers(docker_client: docker.DockerClient) -> None:
    challenge = card("container-prune").challenge
    assert challenge is not None
    before = runner.learner_count(docker_client, "container-prune")
    name = f"{LEARNER_PREFIX}{uuid.uuid4().hex[:10]}"
    container = docker_client.containers.run("busybox:latest", ["true"], name=name, detach=True)
    try:
        container.wait()
        assert runner.learner_count(docker_client, "container-prune") >= before + 1
        warning = broad_warning(docker_client, challenge, "en")
        assert warning is not None
        assert "of your own stopped containers" in warning
        assert "`--filter label=quizdock.challenge=practical/container-prune`" in warning
    finally:
        container.remove(force=True)


@contextmanager
def set_up(where: Target, slug: str) -> Iterator[LabState]:
    """The challenge `slug` set up in `where`, then cleaned up as its saved state says."""
    challenge = card(slug).challenge
    assert challenge is not None
    state = runner.setup(where.client, challenge, lab=where.lab)
    try:
        yield state
    finally:
        runner.cleanup(where.client, challenge, load_state(challenge.id), lab=where.lab)


def test_check_grades_a_challenge_set_up_elsewhere(learner_lab: Target) -> None:
    cli = CliRunner()
    result = cli.invoke(app, ["challenge", "check", "volume-rm", "--lang", "en"])
    assert result.exit_code == 1
    assert "not set up" in result.output and "quizdock challenge run practical/volume-rm" in result.output

    with set_up(learner_lab, "volume-rm"):
        result = cli.invoke(app, ["challenge", "check", "volume-rm", "--lang", "en"])
        assert result.exit_code == 1, result.output
        assert "expected: no volume trash; actual: it exists" in result.output
        docker_cli(learner_lab, "volume", "rm", "trash")
        result = cli.invoke(app, ["challenge", "check", "practical/volume-rm", "--lang", "en"])
        assert result.exit_code == 0, result.output
        assert "1/1 checks pass" in result.output


def test_check_of_an_unknown_challenge_exits_7() -> None:
    result = CliRunner().invoke(app, ["challenge", "check", "no-such-thing"])
    assert result.exit_code == 7
    assert "quizdock challenge list" in result.output


def test_watch_turns_green_on_docker_events(learner_lab: Target) -> None:
    challenge = card("named-volume").challenge
    assert challenge is not None
    seen: list[list[CheckResult]] = []
    outcome: dict[str, bool] = {}
    with set_up(learner_lab, "named-volume") as state:
        # A tick longer than the test: only Docker events can trigger the re-checks.
        thread = threading.Thread(
            target=lambda: outcome.update(
                passed=watch(learner_lab.client, challenge, state, seen.append, timeout=60, tick=60)
            )
        )
        try:
            thread.start()
            while not seen:
                thread.join(0.05)
            assert not any(r.passed for r in seen[0])
            # The learner, in another terminal:
            docker_cli(learner_lab, "volume", "create", "data")
            docker_cli(
                learner_lab,
                "run",
                "-d",
                "--name",
                "app",
                "--mount",
                "source=data,target=/data",
                "busybox",
                "sleep",
                "600",
            )
            thread.join(30)
            assert outcome == {"passed": True}
            assert len(seen) >= 2 and all(r.passed for r in seen[-1])
        finally:
            thread.join(60)


def test_watch_gives_up_at_its_timeout(learner_lab: Target) -> None:
    with set_up(learner_lab, "tmpfs"):
        result = CliRunner().invoke(app, ["challenge", "check", "tmpfs", "--watch", "--timeout", "1", "--lang", "en"])
        assert result.exit_code == 1, result.output
        assert "expected: a tmpfs (in memory) at /test; actual: no container named mem" in result.output


def test_challenge_run_needs_a_terminal() -> None:
    result = CliRunner().invoke(app, ["challenge", "run", "tmpfs"])
    assert result.exit_code == 6


def test_challenge_list_shows_every_challenge() -> None:
    result = CliRunner().invoke(app, ["challenge", "list", "--lang", "en"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for slug in ("pull", "publish-local", "rm-anonymous", "container-prune", "image-prune-all"):
        assert f" {slug} " in result.output


def test_run_session_shows_the_explanation_and_the_note(learner_lab: Target) -> None:
    result, text = in_session(
        run_session, "tag", ["docker image tag busybox mybox:1.0" + ENTER], learner_lab, lang="fr"
    )
    assert result.solved and result.hints_used == 0
    assert "Réussi" in text and "Pourquoi" in text and "Correction" in text
    assert leftovers(learner_lab, "tag") == []


def test_a_daemon_error_becomes_a_message(docker_client: docker.DockerClient) -> None:
    with pytest.raises(DockerUnavailable) as caught, runner.docker_errors("checking the challenge"):
        docker_client.images.get("NOT::a valid reference")
    message = str(caught.value)
    assert "refused a request while checking the challenge" in message and "docker info" in message


def test_an_unreachable_daemon_becomes_a_message(tmp_path: Path) -> None:
    import docker as sdk

    client = sdk.DockerClient(base_url=f"unix://{tmp_path}/docker.sock", version="1.41")
    # The SDK leaves the socket of a failed connection open (see docker_client.connect); the
    # traceback holds it until the error is dropped and collected here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            with pytest.raises(DockerUnavailable) as caught, runner.docker_errors("checking the challenge"):
                client.containers.list()
            message, fix = str(caught.value), caught.value.fix
            del caught
        finally:
            client.close()
            gc.collect()
    assert "The Docker daemon is not running" in message and "systemctl start docker" in fix


class Watcher:
    """`quizdock challenge check ID --watch` in a subprocess, its output read as it comes."""

    def __init__(self, slug: str, *, timeout: int) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "250", "NO_COLOR": "1"}
        command = ["challenge", "check", slug, "--watch", "--timeout", str(timeout), "--lang", "en"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "quizdock", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, *, after: int = 0, seconds: float = 15) -> int:
        """Wait until ``text`` shows after the first ``after`` characters; where it ends."""
        deadline = time.monotonic() + seconds
        while True:
            position = self.output.find(text, after)
            if position >= 0:
                return position + len(text)
            if self.process.poll() is not None and not self.reader.is_alive():
                raise AssertionError(f"the watch ended ({self.process.returncode}) before {text!r}:\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} within {seconds} s:\n{self.output}")
            time.sleep(0.05)

    def end(self, seconds: float = 30) -> int:
        try:
            return self.process.wait(timeout=seconds)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.reader.join(5)
            if self.process.stdout is not None:
                self.process.stdout.close()


def docker_cli(where: Target, *args: str) -> None:
    """The learner's docker CLI, pointed where the challenge runs."""
    subprocess.run(["docker", *args], check=True, capture_output=True, timeout=60, env=where.environ)


def test_watch_keeps_reporting_whatever_the_learner_does(learner_lab: Target) -> None:
    aside = f"{LEARNER_PREFIX}{uuid.uuid4().hex[:10]}"
    loop = "while :; do echo {word}; sleep 1; done"
    with set_up(learner_lab, "detached-logs"):
        watcher = Watcher("detached-logs", timeout=120)
        try:
            at = watcher.wait_for("no container named ticker")
            docker_cli(learner_lab, "create", "--name", "ticker", "busybox", "sh", "-c", loop.format(word="tock"))
            at = watcher.wait_for("created, never started", after=at)
            docker_cli(learner_lab, "start", "ticker")
            at = watcher.wait_for("last lines: tock", after=at)
            docker_cli(learner_lab, "rename", "ticker", aside)
            at = watcher.wait_for("no container named ticker", after=at)
            docker_cli(learner_lab, "rename", aside, "ticker")
            docker_cli(learner_lab, "kill", "ticker")
            at = watcher.wait_for("exited (code 137)", after=at)
            docker_cli(learner_lab, "restart", "--time", "0", "ticker")
            at = watcher.wait_for("2/3 checks pass", after=at)
            docker_cli(learner_lab, "rm", "--force", "ticker")
            at = watcher.wait_for("no container named ticker", after=at)
            docker_cli(
                learner_lab, "run", "--detach", "--name", "ticker", "busybox", "sh", "-c", loop.format(word="tick")
            )
            watcher.wait_for("3/3 checks pass", after=at)
            assert watcher.end() == 0, watcher.output
            assert "Traceback" not in watcher.output
        finally:
            watcher.end(1)
            subprocess.run(
                ["docker", "rm", "--force", aside], capture_output=True, check=False, env=learner_lab.environ
            )


def test_watch_reports_a_stopped_registry(learner_lab: Target) -> None:
    with set_up(learner_lab, "pull"):
        watcher = Watcher("pull", timeout=12)
        try:
            at = watcher.wait_for("no image 127.0.0.1:")
            docker_cli(learner_lab, "stop", "--time", "1", "qd-registry")
            watcher.wait_for("the registry does not answer", after=at)
            assert watcher.end() == 1, watcher.output  # not solved in time: 1, never 5
            assert "Traceback" not in watcher.output
        finally:
            watcher.end(1)


def image_id(client: docker.DockerClient, reference: str) -> str:
    return str(client.images.get(reference).id)


def test_a_typed_answer_is_graded_against_the_daemon(learner_lab: Target) -> None:
    keys: list[Key] = [
        "docker image ls app" + ENTER,
        "answer app:2.0" + ENTER,  # the name, not the ID
        lambda: f"answer {image_id(learner_lab.client, 'app:1.0')[7:19]}{ENTER}",  # another tag's ID
        "answer" + ENTER,  # alone: the question is asked
        lambda: image_id(learner_lab.client, "app:2.0")[7:14] + ENTER,  # a prefix is an ID too
    ]
    (quality, _), output = play("image-ls", keys, learner_lab)
    assert quality == 5, output
    assert "'app:2.0' is a name; the question asks for the ID" in output
    assert "is the ID of app:1.0" in output
    assert "Your answer — What is the ID of the image app:2.0?" in output
    assert "Solved!" in output
    assert leftovers(learner_lab, "image-ls") == []


def test_an_answer_keyword_in_french_and_a_challenge_with_no_question(learner_lab: Target) -> None:
    _, output = in_session(run_session, "tag", ["réponse 42" + ENTER, "passer" + ENTER], learner_lab, lang="fr")
    assert "Ce défi ne demande pas de réponse tapée" in output


def test_the_commands_typed_are_graded_where_the_daemon_cannot_tell(learner_lab: Target) -> None:
    keys: list[Key] = [
        "docker container rm done_1 done_2" + ENTER,  # the end state is right, the way is not
        "skip" + ENTER,
    ]
    (_, summary), output = play("container-prune", keys, learner_lab)
    assert summary.startswith("gave up (2/3 checks)"), summary
    assert "One command, without naming the containers" in output
    # The lab's request log shows them removed by name, not by the prune the task asks for.
    assert "removed one by one (docker rm / rmi), not by the prune" in " ".join(output.split())
    assert leftovers(learner_lab, "container-prune") == []


def test_the_follow_option_is_required_when_the_task_asks_to_follow(learner_lab: Target) -> None:
    code: Callable[[], str] = lambda: next(  # noqa: E731
        line.split(":", 1)[1].strip()
        for line in learner_lab.client.containers.get("talker").logs().decode().splitlines()
        if line.startswith("code:")
    )
    keys: list[Key] = [
        "docker container logs --follow talker" + ENTER,  # returns when the container ends
        "answer oops" + ENTER,
        lambda: f"answer {code()}{ENTER}",
    ]
    (quality, _), output = play(
        "logs-follow", keys, learner_lab, run=functools.partial(quiet_run, env=learner_lab.environ)
    )
    assert "you typed 'oops'" in output
    assert quality == 5, output
    assert leftovers(learner_lab, "logs-follow") == []


def quiet_run(argv: list[str], env: dict[str, str] | None = None) -> int:
    """The learner's command without this terminal (pytest holds it)."""
    return subprocess.run(argv, capture_output=True, check=False, timeout=60, env=env).returncode


@pytest.mark.parametrize(
    ("lang", "words", "foreign"),
    [("fr", ("REGISTRE", "DOSSIER"), ("REGISTRY", "DIR ")), ("en", ("REGISTRY", "DIR"), ("REGISTRE", "DOSSIER"))],
)
def test_challenge_list_names_the_values_chosen_at_setup_in_the_learner_s_language(
    lang: str, words: tuple[str, ...], foreign: tuple[str, ...]
) -> None:
    result = CliRunner().invoke(app, ["challenge", "list", "--lang", lang], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert all(word in result.output for word in words), result.output
    assert not any(word in result.output for word in foreign), result.output


def test_try_it_offers_only_a_port_that_answers_from_here() -> None:
    """A port published on the lab's own loopback is reset from here: it is not offered to try."""
    import http.server
    import socket
    import threading

    from quizdock.lab.session import answers_here

    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    worker = threading.Thread(target=server.serve_forever, daemon=True)
    worker.start()
    try:
        assert answers_here(str(server.server_address[1]))
    finally:
        server.shutdown()
        server.server_close()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    assert not answers_here(str(port))
