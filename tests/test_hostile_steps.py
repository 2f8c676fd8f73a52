"""A shared deck cannot make `deck test` run anything unsafe: every solution step is read with
the Docker CLI model, refused by `deck check` unless every option is known and safe, and run
as the argv that same parse built."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizdock.challenges.model import SolutionStep, placeholders, sample_values
from quizdock.challenges.steps import UnsafeStep, parse_step, solution_argv
from quizdock.cli.typer_app import app
from quizdock.decks.cards import PracticalCard
from quizdock.decks.loading import parse_deck_file
from quizdock.errors import DeckError, ExitCode
from tests.conftest import card_toml, deck_toml


def task_card(
    card_id: str, solution: str, *, params: str, question: tuple[str, str] = ("Une tâche.", "A task.")
) -> str:
    """A practical card that runs its `solution` (a TOML list: where hostile steps go) with a
    busybox image set up and a running container {site} checked."""
    challenge = (
        "\n[cards.challenge]\n"
        f"params = {params}\n"
        'hints.fr = ["un indice"]\n'
        'hints.en = ["a hint"]\n'
        f"solution = {solution}\n"
        """
[[cards.challenge.setup]]
action = "image"
image = "busybox:latest"

[[cards.challenge.checks]]
condition = "container_status"
container = "{site}"
status = "running"
"""
    )
    return card_toml(
        card_id,
        "practical",
        ["volumes"],
        question=question,
        explanation=("Une explication.", "An explanation."),
        fields=challenge,
    )


CARD = deck_toml(
    "shared",
    task_card(
        "shared/task",
        '[\n    "docker container ls",\n    SOLUTION,\n]',
        params='{ site = "name", src = "dir" }',
    ),
    title=("Partagé", "Shared"),
)
SOLUTION_LINE = 21  # where SOLUTION sits in CARD


def deck_with(step: str, tmp_path: Path) -> Path:
    decks = tmp_path / "decks"
    decks.mkdir(exist_ok=True)
    path = decks / "shared.toml"
    path.write_text(CARD.replace("SOLUTION", json.dumps(step, ensure_ascii=False)), encoding="utf-8")
    return path


REFUSED = [
    # (step, words of the reason)
    ("docker container run -d --name {site} -v /etc:/host busybox", "host path"),
    ("docker container run -d --name {site} -v /:/host busybox", "host path"),
    ("docker container run -d --name {site} --volume=/root:/r busybox", "host path"),
    ("docker container run -d --name {site} -v {src}/../..:/r busybox", "host path"),
    ("docker container run -d --name {site} -v ./here:/r busybox", "host path"),
    ("docker container run -d --name {site} -v ~/.ssh:/r busybox", "host path"),
    ("docker container run -d --name {site} --mount type=bind,source=/etc,target=/e busybox", "host path"),
    ("docker container run -d --name {site} --mount type=bind,src=/,dst=/h busybox", "host path"),
    ("docker container run -d --name {site} --mount source=/etc,target=/e busybox", "host path"),
    (
        "docker container run -d --name {site} --mount type=volume,source=v,target=/e,"
        "volume-opt=type=none,volume-opt=device=/etc,volume-opt=o=bind busybox",
        "volume options",
    ),
    ("docker volume create --opt device=/etc --opt o=bind --opt type=none {site}", "host folder"),
    ("docker container run -v /var/run/docker.sock:/var/run/docker.sock busybox", "Docker socket"),
    ("docker container run -v /run/docker.sock:/s busybox", "Docker socket"),
    ("docker container run --mount type=bind,source=/var/run/docker.sock,target=/s busybox", "Docker socket"),
    ("docker container run --privileged busybox", "--privileged"),
    ("docker container run --privileged=true busybox", "--privileged"),
    ("docker container exec --privileged {site} sh", "--privileged"),
    ("docker container run --cap-add SYS_ADMIN busybox", "--cap-add"),
    ("docker container run --cap-add=ALL busybox", "--cap-add"),
    ("docker container run --device /dev/sda busybox", "--device"),
    ("docker container run --security-opt seccomp=unconfined busybox", "--security-opt"),
    ("docker container run --security-opt apparmor=unconfined busybox", "--security-opt"),
    ("docker container run --pid host busybox", "--pid host"),
    ("docker container run --pid=host busybox", "--pid host"),
    ("docker container run --network host busybox", "--network host"),
    ("docker container run --net=host busybox", "--network host"),
    ("docker container run --ipc host busybox", "--ipc host"),
    ("docker container run --uts host busybox", "--uts host"),
    ("docker container run --userns host busybox", "--userns host"),
    ("docker container run --cgroupns host busybox", "--cgroupns host"),
    ("docker container run --env-file /etc/shadow busybox", "--env-file"),
    ("docker container run --cidfile /tmp/x busybox", "--cidfile"),
    ("docker container run --use-api-socket busybox", "Docker socket"),
    ("docker image build -t qd-x /etc", "build context"),
    ("docker image build -t qd-x -f /etc/passwd {src}", "--file"),
    ("docker -H tcp://10.0.0.1:2375 container ls", "global Docker option"),
    ("docker --config /tmp container ls", "global Docker option"),
    ("docker container run --no-such-option busybox", "not an option"),
    ("docker plugin install evil/plugin", "by name only"),
    ("docker system prune -af --volumes", "{label_filter}"),
    ("docker image prune -a -f", "{label_filter}"),
    ("docker image prune -a -f --filter {label_filter}", "{label_filter}"),
    ("docker image prune -a -f x{label_filter}", "a word of its own"),
    ("docker container rm -f learners-database", "may only name what the challenge made"),
    ("docker volume rm precious-data", "may only name what the challenge made"),
    ("docker image rm postgres:16", "may only name what the challenge made"),
    ("docker container kill some-container", "may only name what the challenge made"),
    (
        "docker container exec learners-dev-box sh -c 'cat /host-home/.ssh/id_rsa'",
        "may only name what the challenge made",
    ),
    ("docker container start learners-db", "may only name what the challenge made"),
    ("docker container run --volumes-from learners-dev-box busybox", "--volumes-from"),
    ("docker container run -v pgdata:/d busybox rm -rf /d", "a volume the challenge did not make"),
    ("docker container run --mount source=pgdata,target=/d busybox", "a volume the challenge did not make"),
    ("docker image tag busybox postgres:16", "not the challenge's"),
    ("docker container commit {site} postgres:16", "not the challenge's"),
    ("docker image build -t postgres:16 {src}", "not the challenge's"),
    ("docker image push learner/private:1.0", "push only to the challenge's registry"),
    ("docker image push evil.example.com/{site}:1.0", "push only to the challenge's registry"),
    ("docker login -u x --password y", "only of the challenge's registry"),
    ("docker logout", "only of the challenge's registry"),
    ('docker container run --mount \'"type=bind","source=/etc",target=/x\' busybox', "host path"),
    ("docker container run --mount TYPE=BIND,SOURCE=/etc,TARGET=/x busybox", "host path"),
    ("docker container run --mount type=Bind,source=/etc,target=/x busybox", "host path"),
    ("sudo docker container ls", "starts with the word 'docker'"),
    ("/bin/sh -c 'docker container ls'", "starts with the word 'docker'"),
    ("./docker container ls", "starts with the word 'docker'"),
    ("docker\u00a0/x.sh", "starts with the word 'docker'"),
    ("docker\u2003container ls", "starts with the word 'docker'"),
    ("docker container run 'busybox", "unclosed quote"),
    # Docker reads source and src as one key and keeps the last: so does the check.
    ("docker container run --mount type=bind,source={src},src=/,target=/h busybox", "host path"),
    ("docker container run --mount type=bind,src={src},source=/etc,target=/h busybox", "host path"),
    ("docker container run --mount type=bind,SOURCE={src},Src=/,target=/h busybox", "host path"),
    ("docker container run --mount type=volume,source={site},src=pgdata,target=/d busybox", "did not make"),
    # A folder below the challenge's could be a link (to /) written by an earlier step.
    ("docker container run -v {src}/root:/h busybox", "host path"),
    ("docker container run --mount type=bind,source={src}/www,target=/www busybox", "host path"),
    # The long syntax of --network names the namespace too.
    ("docker container run --network name=host busybox", "shares a namespace"),
    ("docker container run --network name=container:learners-db busybox", "shares a namespace"),
    ("docker container run --network 'name=host,alias=web' busybox", "shares a namespace"),
    ("docker container run --network NAME=HOST busybox", "shares a namespace"),
    # The docker client writes this file on the host, wherever the daemon runs.
    ("docker image build --iidfile /etc/cron.d/x -t {site} {src}", "--iidfile writes a file on the host"),
    ("docker image build --iidfile {src}/id -t {site} {src}", "--iidfile writes a file on the host"),
]


@pytest.mark.parametrize(("step", "reason"), REFUSED, ids=[s for s, _ in REFUSED])
def test_deck_check_refuses_an_unsafe_solution_step_with_its_reason(tmp_path: Path, step: str, reason: str) -> None:
    path = deck_with(step, tmp_path)
    with pytest.raises(DeckError) as caught:
        parse_deck_file(path)
    error = caught.value
    assert (error.card_id, error.field, error.line) == ("shared/task", "challenge.solution[1]", SOLUTION_LINE)
    assert reason in error.problem

    result = CliRunner().invoke(app, ["deck", "check"], env={"QUIZDOCK_DECKS": str(path.parent), "COLUMNS": "500"})
    assert result.exit_code == ExitCode.DECK, result.output
    output = " ".join(result.output.split())
    assert f"{path}, line {SOLUTION_LINE}, card 'shared/task', field 'challenge.solution[1]'" in output
    assert reason in output
    assert "Traceback" not in result.output


ALLOWED = [
    # (step, argv once {site} is qd-site and {src} is /tmp/qd-dir)
    (
        "docker container run -d --name {site} -v {src}:/www busybox httpd -f -p 80 -h /www",
        "docker container run --detach --name=qd-site --volume=/tmp/qd-dir:/www busybox httpd -f -p 80 -h /www",
    ),
    (
        "docker run -d --name {site} --mount type=bind,source={src},target=/www,readonly busybox",
        "docker run --detach --name=qd-site --mount=type=bind,source=/tmp/qd-dir,target=/www,readonly busybox",
    ),
    (
        "docker run --rm -v {site}:/data -v /anon busybox sh -c 'echo hi > /data/x'",
        "docker run --rm --volume=qd-site:/data --volume=/anon busybox sh -c 'echo hi > /data/x'",
    ),
    ("docker run --network none --tmpfs /t busybox", "docker run --network=none --tmpfs=/t busybox"),
    ("docker container rm -fv {site}", "docker container rm --force --volumes qd-site"),
    (
        "docker container exec {site} sh -c 'rm -rf /data/*'",
        "docker container exec qd-site sh -c 'rm -rf /data/*'",
    ),
    ("docker run --volumes-from {site}:ro busybox", "docker run --volumes-from=qd-site:ro busybox"),
    (
        "docker image prune -af --filter label={label}",
        "docker image prune --all --force --filter=label=quizdock.challenge=shared/task",
    ),
    ("docker container logs --tail 5 {site}", "docker container logs --tail=5 qd-site"),
    (
        "docker container run --name {site} busybox -- echo '-n' \"a b\"",
        "docker container run --name=qd-site busybox -- echo -n 'a b'",
    ),
]


@pytest.mark.parametrize(("step", "expected"), ALLOWED, ids=[s for s, _ in ALLOWED])
def test_a_safe_step_runs_as_the_argv_its_parse_built(tmp_path: Path, step: str, expected: str) -> None:
    deck = parse_deck_file(deck_with(step, tmp_path))
    challenge = deck.cards[0].challenge
    assert challenge is not None
    values = sample_values(challenge)
    argv = solution_argv(challenge.solution[1], values, challenge)
    assert argv == shlex.split(expected)


def test_a_value_filled_in_never_splits_or_adds_a_word() -> None:
    step = parse_step("docker container run --name {site} busybox echo {site}", sample={"site": "qd-site"})
    argv = step.argv_with({"site": "qd-a b; rm -rf / --privileged"})
    assert argv == [
        "docker",
        "container",
        "run",
        "--name=qd-a b; rm -rf / --privileged",
        "busybox",
        "echo",
        "qd-a b; rm -rf / --privileged",
    ]


def test_no_break_space_is_one_word_whatever_the_step() -> None:
    # The check and the run share one tokenizer: `docker\u00a0/x.sh` is one word, not `docker`.
    for text in ("docker\u00a0/x.sh", "docker\u00a0container ls", "docker container\u00a0ls"):
        with pytest.raises(UnsafeStep):
            parse_step(text)


def test_a_step_made_outside_a_deck_may_mount_no_host_path() -> None:
    with pytest.raises(UnsafeStep, match="host path"):
        solution_argv(SolutionStep("docker run -v {src}:/x busybox"), {"src": "/tmp/x"})


def test_every_bundled_solution_is_allowed() -> None:
    from quizdock.decks.loading import load_decks
    from quizdock.support.paths import bundled_decks_dir

    challenges = [
        c.challenge for d in load_decks([bundled_decks_dir()]) for c in d.cards if isinstance(c, PracticalCard)
    ]
    assert len(challenges) >= 20
    for challenge in challenges:
        for step in challenge.solution:
            argv = solution_argv(step, sample_values(challenge), challenge)
            assert argv[0] == "docker"


def test_the_other_valid_commands_and_near_misses_of_the_engine_tests_are_allowed() -> None:
    """The alternative solutions `deck test` proves on the engine pass the same safety reading."""
    from quizdock.decks.loading import load_decks
    from quizdock.support.paths import bundled_decks_dir
    from tests.challenge_variants import load_variants

    challenges = {
        c.id.split("/", 1)[1]: c.challenge
        for d in load_decks([bundled_decks_dir()])
        for c in d.cards
        if isinstance(c, PracticalCard)
    }
    # Variants marked `typed` are a learner's commands (a rename, an interrupted run), run as typed.
    tried = [(v.challenge, step) for v in load_variants() if not v.typed for step in v.steps]
    assert len(tried) > 50
    for slug, step in tried:
        challenge = challenges[slug]
        # They run in the private lab, where {label_filter} is empty and a plain prune is safe.
        values = {**sample_values(challenge), "other_port": "20001", "label_filter": ""}
        argv = solution_argv(step, values, challenge)
        # No placeholder left ({{.Id}}, a Go template, is not one).
        assert argv[:1] == ["docker"] and not placeholders(" ".join(argv)), (slug, step.command, argv)


def test_a_plain_prune_runs_in_the_lab_only() -> None:
    step = SolutionStep("docker image prune -a --force")
    assert solution_argv(step, {"label_filter": ""}) == ["docker", "image", "prune", "--all", "--force"]
    with pytest.raises(UnsafeStep, match="label_filter"):
        solution_argv(step, {"label_filter": "--filter label=quizdock.challenge=x"})


def test_deck_test_refuses_a_hostile_deck_before_anything_runs(tmp_path: Path) -> None:
    path = deck_with("docker container run --privileged -v /:/host busybox touch /host/owned", tmp_path)
    result = CliRunner().invoke(
        app, ["deck", "test"], env={"QUIZDOCK_DECKS": str(path.parent), "COLUMNS": "500", "DOCKER_HOST": "unix:///no"}
    )
    assert result.exit_code == ExitCode.DECK, result.output  # not 5: the deck is read before Docker is asked
    assert "--privileged gives the container full access to the host" in result.output
    assert not Path("/owned").exists()


def test_label_filter_is_the_whole_filter_outside_the_lab_and_nothing_inside() -> None:
    step = parse_step("docker image prune --force {label_filter}", sample={"label": "quizdock.challenge=x"})
    outside = {"label": "quizdock.challenge=x", "label_filter": "--filter label=quizdock.challenge=x"}
    assert step.argv_with(outside) == ["docker", "image", "prune", "--force", "--filter=label=quizdock.challenge=x"]
    inside = {"label": "quizdock.challenge=x", "label_filter": ""}
    assert step.argv_with(inside) == ["docker", "image", "prune", "--force"]
