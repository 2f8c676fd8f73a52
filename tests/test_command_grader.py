"""Command recall graded by meaning: a hand-written table, every command card of the decks, the model."""

from __future__ import annotations

import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from quizdock.grading.commands import (
    QUALITY,
    CommandSyntaxError,
    CommandVerdict,
    ParsedCommand,
    ParsedOption,
    answer_problems,
    canonical_form,
    grade_command,
    parse_command,
)
from quizdock.grading.docker_cli import BY_PATH, COMMANDS, HELP, PLACEHOLDERS, Command, Option

DECKS = Path(__file__).resolve().parent.parent / "decks"
Card = dict[str, Any]  # a card table as tomllib reads it


# --- The hand-written table ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    expected: str | tuple[str, ...]
    given: str
    verdict: str
    fragment: str = ""  # a part of the English message ("" : only the verdict is checked)


TABLE: tuple[Case, ...] = (
    # The issue's own examples.
    Case("docker container prune", "docker container prune -f", "accepted", "no confirmation would be asked"),
    Case("docker container prune", "docker container prune --force", "accepted", "--force is not needed here"),
    Case("docker container ls", "docker ps", "equivalent", "Equivalent to `docker container ls`"),
    Case("docker container ls", "docker container ls", "equivalent"),
    Case("docker container ls", "docker container list", "equivalent"),
    Case("docker container ls", "docker container ps", "equivalent"),
    Case(
        "docker container run -d busybox",
        "docker run busybox",
        "partial",
        "Missing -d: the container would run in the foreground",
    ),
    Case("docker container ls", "docker contianer ls", "wrong", "did you mean `docker container ls`?"),
    # Legacy and management forms.
    Case("docker image ls", "docker images", "equivalent"),
    Case("docker image ls", "docker image list", "equivalent"),
    Case("docker image rm <image>", "docker rmi nginx", "equivalent"),
    Case("docker image rm <image>", "docker image remove nginx:1.25", "equivalent"),
    Case("docker container rm <container>", "docker rm web", "equivalent"),
    Case("docker container logs -f <container>", "docker logs --follow web", "equivalent"),
    Case("docker container stop <container>", "docker stop web", "equivalent"),
    Case("docker container commit nodeJScontainer mynodejs", "docker commit nodeJScontainer mynodejs", "equivalent"),
    Case("docker image tag mynodejs gbelbe/nodejs:1.0", "docker tag mynodejs gbelbe/nodejs:1.0", "equivalent"),
    Case("docker image push gbelbe/nodejs:1.0", "docker push gbelbe/nodejs:1.0", "equivalent"),
    Case("docker volume rm <volume>", "docker volume remove data", "equivalent"),
    Case("docker container port <container>", "docker port web", "equivalent"),
    # Short and long options, clusters, = and order.
    Case("docker container run -i -t busybox", "docker run -it busybox", "equivalent"),
    Case("docker container run -i -t busybox", "docker run -ti busybox", "equivalent"),
    Case("docker container run -i -t busybox", "docker run --tty --interactive busybox", "equivalent"),
    Case(
        "docker container run -i -t busybox",
        "docker run -i busybox",
        "partial",
        "Missing -t: no terminal would be allocated",
    ),
    Case(
        "docker container run --name couchdb1 -d -p 80:5984 couchdb:2.1",
        "docker run -dp 80:5984 --name=couchdb1 couchdb:2.1",
        "equivalent",
    ),
    Case(
        "docker container run --name couchdb1 -d -p 80:5984 couchdb:2.1",
        "docker run -p80:5984 --detach --name couchdb1 couchdb:2.1",
        "equivalent",
    ),
    Case("docker container ls -a", "docker ps --all", "equivalent"),
    Case("docker container ls -a", "docker ps -a=true", "equivalent"),
    Case("docker container ls -a", "docker ps --all=false", "partial", "Missing -a: only running containers"),
    Case("docker container ls -a", "docker ps", "partial", "Missing -a"),
    Case("docker container ls", "docker ps -a", "partial", "Unexpected -a: stopped containers would be listed too"),
    Case("docker container rm -v <container>", "docker rm web --volumes", "equivalent"),
    Case("docker container stop -t 30 <container>", "docker stop --time=30 web", "equivalent"),
    Case("docker container stop -t 30 <container>", "docker stop --timeout 030 web", "equivalent"),
    Case("docker container stop -t 30 <container>", "docker stop -t 10 web", "partial", "`10` instead of `30`"),
    Case("docker container logs <container>", "docker logs --tail all web", "equivalent"),
    # -f means --follow for logs, --force for prune and rm.
    Case("docker container logs <container>", "docker logs -f web", "accepted", "keep printing new lines"),
    Case("docker container rm <container>", "docker rm -f web", "partial", "a running container would be killed"),
    Case("docker image prune", "docker image prune -f", "accepted", "no confirmation would be asked"),
    Case("docker image prune -a", "docker image prune", "partial", "only dangling (untagged) images would be removed"),
    # Image references.
    Case("docker image pull busybox", "docker pull busybox:latest", "equivalent"),
    Case("docker image pull busybox", "docker pull docker.io/library/busybox:latest", "equivalent"),
    Case("docker image pull busybox", "docker pull library/busybox", "equivalent"),
    Case("docker image pull busybox", "docker pull index.docker.io/busybox", "equivalent"),
    Case("docker image pull alpine:3.5", "docker pull alpine", "partial", "another tag (`latest` instead of `3.5`)"),
    Case("docker image pull alpine:3.5", "docker pull alpine:3.6", "partial", "`3.6` instead of `3.5`"),
    Case(
        "docker image pull busybox", "docker pull quay.io/busybox", "partial", "`quay.io/busybox` instead of `busybox`"
    ),
    Case(
        "docker container commit nodeJScontainer mynodejs",
        "docker commit nodeJScontainer mynodeJS",
        "partial",
        "repository names must be lowercase",
    ),
    Case(
        "docker container run -it --name nodeJScontainer alpine:3.5",
        "docker run -it --name nodeJScontainer alpine3:5",
        "partial",
        "`alpine3:5` instead of `alpine:3.5`",
    ),
    Case("docker image tag <image> <user>/<name>:<tag>", "docker tag mynodejs gbelbe/nodejs:1.0", "equivalent"),
    Case("docker image tag <image> <user>/<name>:<tag>", "docker tag mynodejs nodejs:1.0", "partial"),
    Case("docker image push <registry>/<image>", "docker push localhost:5000/team/app", "equivalent"),
    Case("docker image push <registry>/<image>", "docker push team/app", "partial"),
    # Quoting and the container's command.
    Case("docker container run busybox sh -c 'echo hi'", 'docker run busybox sh -c "echo hi"', "equivalent"),
    Case("docker container run busybox sh -c 'echo hi'", "docker run busybox sh -c echo\\ hi", "equivalent"),
    Case("docker container run busybox sh -c 'echo hi'", "docker run busybox sh -c 'echo ho'", "partial", "instead of"),
    Case('docker container run busybox echo "hello world"', "docker run busybox echo hello world", "equivalent"),
    # An image whose default command quizdock does not know: `sh` may not be what it runs.
    Case("docker container run -ti nginx /bin/sh", "docker run -ti nginx sh", "accepted", "same program"),
    Case(
        "docker container run -ti nginx",
        "docker run -ti nginx sh",
        "partial",
        "replace the image's default command",
    ),
    Case("docker container run -ti nginx sh", "docker run -ti nginx", "partial", "default command would run"),
    Case(
        "docker container run -d busybox",
        "docker run busybox -d",
        "partial",
        "after the image goes to the container, not to Docker",
    ),
    Case("docker container exec -it <container> <command>", "docker exec -it web sh -c 'ls /'", "equivalent"),
    Case(
        "docker container exec -it <container> <command>",
        "docker exec -it web",
        "partial",
        "Missing the command to run",
    ),
    # Placeholders.
    Case("docker container logs -f <container>", "docker logs -f 3f57d9401f8d", "equivalent"),
    Case("docker container logs -f <container>", "docker logs -f", "partial", "Missing the container"),
    Case("docker login <registry>", "docker login localhost:5000", "equivalent"),
    Case("docker login <registry>", "docker login", "partial", "Docker would use Docker Hub"),
    Case("docker login", "docker login docker.io", "equivalent"),
    Case("docker login", "docker login https://index.docker.io/v1/", "equivalent"),
    Case("docker login -u <user> <registry>", "docker login --username bob localhost:5000", "equivalent"),
    Case("docker login -u <user> <registry>", "docker login -u Bob! localhost:5000", "partial", "Wrong value for -u"),
    Case("docker container run -d -p <port>:<port> <image>", "docker run -d -p 8081:80 nginx", "equivalent"),
    Case("docker container run -d -p <port>:80 <image>", "docker run -d -p 8081:81 nginx", "partial", "`8081:81`"),
    Case(
        "docker container run -d -e MODE=prod -e LEVEL=2 busybox",
        "docker run -d -e LEVEL=2 -e MODE=dev busybox",
        "partial",
        "Wrong value for -e: `MODE=dev` instead of `MODE=prod`",
    ),
    Case(
        "docker container run -d -e MODE=prod -e LEVEL=2 busybox",
        "docker run -de LEVEL=2 --env=MODE=prod busybox",
        "equivalent",
    ),
    # Ports.
    Case("docker container run -d -p 80:8080 <image>", "docker run -d --publish=80:8080 nginx", "equivalent"),
    Case("docker container run -d -p 80:8080 <image>", "docker run -d -p 80:8080/tcp nginx", "equivalent"),
    Case(
        "docker container run -d -p 80:8080 <image>", "docker run -d -p 0.0.0.0:80:8080 nginx", "accepted", "IPv4 only"
    ),
    Case("docker container run -d -p 80:8080 <image>", "docker run -d -p 8080:80 nginx", "partial", "swapped"),
    Case("docker container run -d -p 80:8080 <image>", "docker run -d -p 8080 nginx", "partial", "random one"),
    Case(
        "docker container run -d -p 80:8080 <image>", "docker run -d nginx", "partial", "not be reachable from the host"
    ),
    Case("docker container run -d -p 8080:80/udp <image>", "docker run -d -p 8080:80 nginx", "partial", "protocol tcp"),
    Case(
        "docker container run -d -p 127.0.0.1:8080:80 <image>", "docker run -d -p 8080:80 nginx", "partial", "address"
    ),
    Case("docker container run -d -P <image>", "docker run -dP nginx", "equivalent"),
    Case("docker container run -d -P <image>", "docker run -d -p 80:80 nginx", "partial"),
    # Mounts: -v, --mount and --tmpfs say the same things.
    Case(
        "docker container run -d -v couchdb_vol:/opt/couchdb/data couchdb:2.1",
        "docker run -d --mount source=couchdb_vol,target=/opt/couchdb/data couchdb:2.1",
        "equivalent",
    ),
    Case(
        "docker container run -d -v couchdb_vol:/opt/couchdb/data couchdb:2.1",
        "docker run -d -v /srv/couch:/opt/couchdb/data couchdb:2.1",
        "partial",
        "bind mount, not a named volume",
    ),
    Case(
        "docker container run -d -v couchdb_vol:/opt/couchdb/data couchdb:2.1",
        "docker run -d -v couchdb_vol:/data couchdb:2.1",
        "partial",
        "mounted at `/data` instead of `/opt/couchdb/data`",
    ),
    Case(
        "docker container run -it -v /srv/data:/data busybox",
        "docker run -it --mount type=bind,src=/srv/data/,dst=/data busybox",
        "accepted",
        "refuses a missing host directory",
    ),
    Case(
        "docker container run -it -v /srv/data:/data:ro busybox",
        "docker run -it -v /srv/data:/data busybox",
        "partial",
        "read-only",
    ),
    Case(
        "docker container run -it -v /srv/data:/data busybox",
        "docker run -it -v /srv/data:/data:rw busybox",
        "equivalent",
    ),
    Case(
        "docker container run -ti --tmpfs /test busybox",
        "docker run -ti --mount type=tmpfs,destination=/test busybox",
        "equivalent",
    ),
    Case("docker container run -it -v <volume>:<path> busybox", "docker run -it -v data:/data busybox", "equivalent"),
    Case(
        "docker container run -it -v <volume>:<path> busybox",
        "docker run -it -v /srv:/data busybox",
        "partial",
        "host path",
    ),
    # Harmless and harmful extras.
    Case(
        "docker container run -d busybox sleep 60",
        "docker run -d --rm busybox sleep 60",
        "accepted",
        "removed when it exits",
    ),
    Case(
        "docker container run -d busybox sleep 60",
        "docker run -d --name t busybox sleep 60",
        "accepted",
        "get this name",
    ),
    Case(
        "docker container run -d busybox sleep 60",
        "docker run -d --privileged busybox sleep 60",
        "partial",
        "extended privileges",
    ),
    Case("docker container ls", "docker ps --no-trunc", "accepted"),
    Case("docker container ls", "docker ps -q", "accepted", "harmless: only the container IDs"),
    Case("docker volume create couchdb_vol", "docker volume create --name couchdb_vol", "equivalent"),
    Case("docker volume create couchdb_vol", "docker volume create", "partial", "anonymous volume"),
    # Wrong commands, typos and things that are not commands.
    Case("docker container prune", "docker image prune", "wrong", "a different command: it removes dangling images"),
    Case("docker container ls", "docker images", "wrong", "`docker images` is a different command"),
    Case("docker container ls", "docker container kill web", "wrong", "different command"),
    Case("docker container ls", "docker container lst", "wrong", "did you mean `docker container list`?"),
    Case("docker image ls", "docker imgaes", "wrong", "did you mean `docker images`?"),
    Case("docker container ls", "docker conatiner lsit", "wrong", "did you mean `docker container list`?"),
    Case("docker container run -d busybox", "docker run --detatch busybox", "partial", "did you mean `--detach`?"),
    Case("docker container run -d busybox", "docker run -x busybox", "partial", "`-x` is not an option"),
    Case("docker container run -d busybox", "docker run -d --name", "partial", "`--name` needs a value"),
    Case("docker container ls", "ps", "wrong", "did you mean `docker ps`?"),
    Case("docker container ls", "dokcer ps", "wrong", "did you mean `docker ps`?"),
    Case("docker container ls", "podman ps", "wrong", "a Docker command starts with `docker`"),
    Case("docker container ls", "", "wrong", "No command was typed"),
    Case("docker container ls", "   ", "wrong", "No command was typed"),
    Case("docker container ls", "docker ps 'oops", "wrong", "Unclosed quote"),
    Case("docker container ls", "docker", "wrong", "needs an action"),
    Case("docker container ls", "docker container", "wrong", "needs an action"),
    Case("docker container ls", "docker compose ps", "wrong", "different command"),
    Case("docker container prune", "docker container prune web", "partial", "Unexpected argument `web`"),
    Case("docker container ls", "$ docker ps", "equivalent"),
    Case("docker container ls", "sudo docker ps", "equivalent"),
    # --help prints the usage, whatever else is on the line.
    Case("docker container run --help", "docker run --help", "equivalent"),
    Case("docker container run --help", "docker run busybox", "partial", "Missing --help"),
    # Alternatives: the best verdict wins.
    Case(
        ("docker container run -ti busybox", "docker container run -ti busybox sh"),
        "docker run -it busybox sh",
        "equivalent",
    ),
)


# Answers that do the same thing as the card's, once graded wrong or partial; and their limits.
SAME_RESULT: tuple[Case, ...] = (
    # A filter equal to the positional argument: the CLI turns `alpine` into `reference=alpine`.
    Case("docker image ls alpine", "docker image ls --filter reference=alpine", "equivalent", "docker image ls alpine"),
    Case("docker image ls alpine", "docker images -f reference=alpine", "equivalent"),
    Case("docker image ls alpine", "docker image ls --filter=reference=alpine", "equivalent"),
    Case("docker image ls --filter reference=alpine", "docker image ls alpine", "equivalent"),
    Case(
        "docker image ls alpine", "docker image ls --filter reference=nginx", "partial", "`nginx` instead of `alpine`"
    ),
    Case("docker image ls alpine", "docker image ls --filter dangling=true", "partial"),
    # An output template that prints what a flag prints.
    Case("docker image ls -q", "docker image ls --format '{{.ID}}'", "equivalent"),
    Case("docker image ls -q", "docker image ls --format '{{ .ID }}'", "equivalent"),
    Case("docker container ls -q", "docker ps --format {{.ID}}", "equivalent"),
    Case("docker volume ls -q", "docker volume ls --format '{{.Name}}'", "equivalent"),
    Case("docker volume ls -q", "docker volume ls --format '{{.ID}}'", "partial", "Missing -q"),
    Case("docker image ls -q", "docker image ls --format 'table {{.ID}}'", "partial", "Missing -q"),
    # `sh -c "X"` for X when X is one plain command.
    Case(
        ('docker container run busybox echo "hello world"', "docker container run busybox echo hello world"),
        'docker run busybox sh -c "echo hello world"',
        "equivalent",
    ),
    Case("docker container run busybox echo hi", "docker run busybox /bin/sh -c 'echo hi'", "equivalent"),
    Case("docker container run busybox sh -c 'echo hi'", "docker run busybox echo hi", "equivalent"),
    Case("docker container run busybox echo hi", "docker run busybox sh -c 'echo hi > /tmp/x'", "partial"),
    Case("docker container run busybox echo hi", "docker run busybox sh -c 'echo $HOME'", "partial"),
    Case("docker container run busybox echo hi", "docker run busybox sh -c 'echo ho'", "partial"),
    # The image's default command written out: the same on every card (mount-volume, bind-v,
    # bind-mount, commit-run).
    Case(
        "docker container run -it --mount type=volume,source=mydata,target=/data busybox",
        "docker run -it --mount type=volume,source=mydata,target=/data busybox sh",
        "equivalent",
    ),
    Case(
        "docker container run -it -v /srv/data:/data busybox",
        "docker run -it -v /srv/data:/data busybox sh",
        "equivalent",
    ),
    Case(
        "docker container run -it --mount type=bind,source=/srv/data,target=/data busybox",
        "docker run -it --mount type=bind,source=/srv/data,target=/data busybox /bin/sh",
        "equivalent",
    ),
    Case(
        "docker container run -it --name nodeJScontainer alpine:3.5",
        "docker run -it --name nodeJScontainer alpine:3.5 /bin/sh",
        "equivalent",
    ),
    Case(
        "docker container run -it --name nodeJScontainer alpine:3.5",
        "docker run -it --name nodeJScontainer alpine:3.5 sh",
        "equivalent",
    ),
    Case("docker container run -it busybox sh", "docker run -it busybox", "equivalent"),
    Case("docker container run -it busybox", "docker run -it busybox bash", "partial", "replace the image's default"),
    Case("docker container run -it alpine", "docker run -it alpine ls", "partial", "replace the image's default"),
    # Options that do not change what was asked.
    Case("docker login", "docker login -u bob", "accepted", "harmless: this user name would be used"),
    Case("docker login <registry>", "docker login -u bob registry.example.com", "accepted", "harmless"),
    Case("docker login <registry>", "docker login -u bob", "partial", "Missing"),
    Case("docker container ls -a --filter ancestor=nginx", "docker ps -a --filter ancestor=nginx:latest", "equivalent"),
    Case(
        "docker container ls -a --filter ancestor=nginx",
        "docker ps -a --filter ancestor=docker.io/library/nginx:latest",
        "equivalent",
    ),
    Case(
        "docker container ls -a --filter ancestor=nginx",
        "docker ps -a -f ancestor=nginx:1.25",
        "partial",
        "another tag",
    ),
    Case("docker image ls", "docker image ls -q", "accepted", "harmless: only the image IDs would be printed"),
    Case("docker volume ls", "docker volume ls -q", "accepted", "harmless"),
    Case("docker container ls -a", "docker ps -aq", "accepted", "harmless"),
    Case("docker image ls --filter dangling=true", "docker images -q -f dangling=true", "accepted", "harmless"),
    Case("docker container ls", "docker ps --format '{{.Names}}'", "accepted", "harmless"),
)


@pytest.mark.parametrize("case", SAME_RESULT, ids=[f"{i:03d}:{c.given}" for i, c in enumerate(SAME_RESULT)])
def test_what_does_the_same_thing_is_accepted(case: Case) -> None:
    test_table(case)
    verdict = grade_command(case.expected, case.given)
    assert verdict.quality == QUALITY[verdict.verdict]
    if case.verdict in ("equivalent", "accepted"):
        assert verdict.quality >= 4  # a right recall is never a lapse


@pytest.mark.parametrize("case", TABLE, ids=[f"{i:03d}:{c.given}" for i, c in enumerate(TABLE)])
def test_table(case: Case) -> None:
    result = grade_command(case.expected, case.given)
    assert result.verdict == case.verdict, result
    assert result.quality == QUALITY[case.verdict]
    assert case.fragment in result.message.en, result.message.en
    if case.verdict != "equivalent" or case.fragment:
        assert result.message.fr and result.message.en  # every explanation exists in both languages


def test_table_is_large_and_varied() -> None:
    assert len(TABLE) >= 40
    assert {c.verdict for c in TABLE} == {"equivalent", "accepted", "partial", "wrong"}


def test_qualities_feed_sm2() -> None:
    assert dict(QUALITY) == {"equivalent": 5, "accepted": 4, "partial": 2, "wrong": 1}


def test_identical_text_is_equivalent_with_an_empty_message() -> None:
    result = grade_command("docker container ls -a", "  docker   container ls  -a ")
    assert result == CommandVerdict("equivalent", 5, result.message, "docker container ls --all")
    assert result.message.fr == result.message.en == ""


def test_equivalent_but_different_shows_the_canonical_form() -> None:
    result = grade_command(
        "docker container run -d -p 80:5984 --name couchdb1 couchdb:2.1",
        "docker run -dp80:5984 --name couchdb1 couchdb:2.1",
    )
    assert result.verdict == "equivalent"
    assert result.canonical == "docker container run --detach --name couchdb1 --publish 80:5984 couchdb:2.1"
    assert result.canonical in result.message.en and result.canonical in result.message.fr


def test_typed_canonical_form_needs_no_message() -> None:
    result = grade_command("docker ps -a", "docker container ls --all")
    assert result.verdict == "equivalent" and result.message.en == ""


def test_french_messages() -> None:
    assert grade_command("docker container run -d busybox", "docker run busybox").message.fr == (
        "Il manque -d\u202f: le conteneur tournerait au premier plan."
    )
    assert "vouliez-vous dire `docker container ls`" in grade_command("docker ps", "docker contianer ls").message.fr


def test_message_is_one_or_two_sentences_and_counts_the_rest() -> None:
    result = grade_command("docker container run -d -i -t --rm --name x busybox", "docker run busybox")
    assert result.verdict == "partial"
    assert result.message.en.startswith("Missing -d: the container would run in the foreground. Missing -i:")
    assert result.message.en.endswith("And 3 more differences.")


def test_best_alternative_wins_and_names_its_canonical_form() -> None:
    result = grade_command(["docker container ls", "docker container ls -a"], "docker ps --all")
    assert result.verdict == "equivalent"
    assert result.canonical == "docker container ls --all"
    first = grade_command(["docker container ls", "docker container ls -a"], "docker ps -q")
    assert first.verdict == "accepted" and first.canonical == "docker container ls"
    tie = grade_command(["docker container ls -a", "docker container ls -a --no-trunc"], "docker ps")
    assert tie.verdict == "partial" and tie.canonical == "docker container ls --all"


def test_same_form_asks_for_the_form_as_well_as_the_command() -> None:
    # "Write the object-command form of `docker rmi <image>`": the legacy form misses the point.
    legacy = grade_command("docker image rm <image>", "docker rmi nginx", same_form=True)
    assert (legacy.verdict, legacy.quality) == ("partial", 2)
    assert "asks for the object-command form: `docker image rm`" in legacy.message.en
    assert "forme objet-commande" in legacy.message.fr
    assert grade_command("docker image rm <image>", "docker image remove nginx", same_form=True).verdict == "equivalent"
    assert grade_command("docker container ls", "docker container list -a", same_form=True).verdict == "partial"
    short = grade_command("docker ps", "docker container ls", same_form=True)
    assert short.verdict == "partial" and "asks for the short form: `docker ps`" in short.message.en
    # Without it, the forms are the same command.
    assert grade_command("docker image rm <image>", "docker rmi nginx").verdict == "equivalent"


def test_broken_expected_answers_are_a_bug_not_a_verdict() -> None:
    with pytest.raises(ValueError, match="at least one"):
        grade_command([], "docker ps")
    with pytest.raises(ValueError, match="not a command quizdock can read"):
        grade_command("docker contianer ls", "docker ps")


def test_syntax_error_carries_the_command_it_recognised() -> None:
    with pytest.raises(CommandSyntaxError) as caught:
        parse_command("docker ps --bogus")
    assert caught.value.command is BY_PATH[("container", "ls")]
    with pytest.raises(CommandSyntaxError) as caught:
        parse_command("docker bogus")
    assert caught.value.command is None


def test_parser_follows_pflag() -> None:
    parsed = parse_command("docker run -dit -p8080:80 -e=A=1 --env B=2 -- busybox sh -c 'echo -d'")
    assert [(o.option.long, o.value) for o in parsed.options] == [
        ("--detach", "true"),
        ("--interactive", "true"),
        ("--tty", "true"),
        ("--publish", "8080:80"),
        ("--env", "A=1"),
        ("--env", "B=2"),
    ]
    assert parsed.args == ("busybox", "sh", "-c", "echo -d")
    # Options after the image belong to the container's command.
    assert parse_command("docker run busybox ls -la").args == ("busybox", "ls", "-la")
    # Other commands take options after their arguments.
    assert [o.option.long for o in parse_command("docker rm web -f").options] == ["--force"]


def test_canonical_form_sorts_long_options_stably() -> None:
    parsed = parse_command("docker run -e B=2 -d -e A=1 -it busybox echo 'a b'")
    assert canonical_form(parsed) == (
        "docker container run --detach --env B=2 --env A=1 --interactive --tty busybox echo 'a b'"
    )


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("docker container ls --bogus", "not an option"),
        ("docker container logs <contaner>", "Unknown placeholder `<contaner>`"),
        ("docker image pull MyImage", "lowercase"),
        ("docker container logs", "Missing the container"),
        ("docker container prune now", "Unexpected argument `now`"),
        ("docker container top web", "by name only"),
    ],
)
def test_answer_problems_catch_broken_cards(answer: str, problem: str) -> None:
    problems = answer_problems(answer)
    assert any(problem in p.en for p in problems), problems


# --- The model -------------------------------------------------------------------------------


def test_model_covers_the_note_and_the_issue() -> None:
    wanted: dict[tuple[str, ...], list[tuple[str, ...]]] = {
        ("image", "ls"): [("images",)],
        ("image", "pull"): [("pull",)],
        ("image", "push"): [("push",)],
        ("image", "rm"): [("rmi",)],
        ("image", "prune"): [],
        ("image", "tag"): [("tag",)],
        ("container", "run"): [("run",)],
        ("container", "ls"): [("ps",), ("container", "list"), ("container", "ps")],
        ("container", "logs"): [("logs",)],
        ("container", "stop"): [("stop",)],
        ("container", "rm"): [("rm",)],
        ("container", "prune"): [],
        ("container", "commit"): [("commit",)],
        ("container", "port"): [("port",)],
        ("volume", "ls"): [],
        ("volume", "create"): [],
        ("volume", "rm"): [],
        ("volume", "prune"): [],
        ("login",): [],
        ("logout",): [],
    }
    for path, aliases in wanted.items():
        command = BY_PATH[path]
        assert command.path == path and command.modelled
        for alias in aliases:
            assert BY_PATH[alias] is command


@pytest.mark.parametrize(
    ("command", "spellings", "long"),
    [
        ("container run", ["-d", "--detach"], "--detach"),
        ("container run", ["-i", "--interactive"], "--interactive"),
        ("container run", ["-t", "--tty"], "--tty"),
        ("container run", ["-p", "--publish"], "--publish"),
        ("container run", ["-v", "--volume"], "--volume"),
        ("container run", ["-e", "--env"], "--env"),
        ("container run", ["-w", "--workdir"], "--workdir"),
        ("container run", ["-P", "--publish-all"], "--publish-all"),
        ("container logs", ["-f", "--follow"], "--follow"),
        ("container logs", ["-n", "--tail"], "--tail"),
        ("container logs", ["-t", "--timestamps"], "--timestamps"),
        ("container prune", ["-f", "--force"], "--force"),
        ("container rm", ["-f", "--force"], "--force"),
        ("container rm", ["-v", "--volumes"], "--volumes"),
        ("container ls", ["-f", "--filter"], "--filter"),
        ("container ls", ["-q", "--quiet"], "--quiet"),
        ("container ls", ["-a", "--all"], "--all"),
        ("container stop", ["-t", "--time", "--timeout"], "--timeout"),
        ("image prune", ["-a", "--all"], "--all"),
        ("image ls", ["-a", "--all"], "--all"),
        ("volume prune", ["-a", "--all"], "--all"),
        ("volume prune", ["-f", "--force"], "--force"),
        ("login", ["-u", "--username"], "--username"),
        ("login", ["-p", "--password"], "--password"),
        ("login", ["--password-stdin"], "--password-stdin"),
        ("container commit", ["-m", "--message"], "--message"),
        ("container commit", ["-a", "--author"], "--author"),
        ("container commit", ["-c", "--change"], "--change"),
    ],
)
def test_options_by_context(command: str, spellings: list[str], long: str) -> None:
    spec = BY_PATH[tuple(command.split())]
    for spelling in spellings:
        option = spec.option(spelling)
        assert option is not None and option.long == long, (command, spelling)


def test_every_option_explains_itself_in_both_languages() -> None:
    for command in COMMANDS:
        options: tuple[Option, ...] = (*command.options, HELP)
        for option in options:
            for text in (option.with_, option.without):
                assert text.fr.strip() and text.en.strip(), (command.name, option.long)
        assert command.meaning.fr and command.meaning.en


def test_only_prune_force_and_output_details_are_harmless_among_destructive_commands() -> None:
    # --force on rm kills a running container: never harmless. On prune it only skips a prompt.
    assert not BY_PATH[("container", "rm")].option("-f").harmless  # type: ignore[union-attr]
    assert not BY_PATH[("image", "rm")].option("-f").harmless  # type: ignore[union-attr]
    for path in [("container", "prune"), ("image", "prune"), ("volume", "prune")]:
        assert BY_PATH[path].option("-f").harmless  # type: ignore[union-attr]


# --- Every command card of the decks ---------------------------------------------------------


def _command_cards() -> list[Card]:
    cards: list[Card] = []
    for path in sorted(DECKS.glob("*.toml")):
        with path.open("rb") as handle:
            deck = tomllib.load(handle)
        cards += [card for card in deck.get("cards", []) if card.get("kind") == "command"]
    return cards


CARDS = _command_cards()
CARD_IDS = [str(card["id"]) for card in CARDS]

# A concrete value for each placeholder, as a learner would type it.
CONCRETE = {
    "container": "web",
    "volume": "appdata",
    "network": "backend",
    "name": "thing",
    "image": "nginx:1.25",
    "path": "/srv/app",
    "port": "8081",
    "command": "sh",
    "registry": "localhost:5000",
    "user": "gbelbe",
    "tag": "2.0",
}


def _concrete(text: str) -> str:
    for kind, value in CONCRETE.items():
        text = text.replace(f"<{kind}>", value)
    return text


def _render(
    parsed: ParsedCommand,
    *,
    path: tuple[str, ...] | None = None,
    short: bool = False,
    reverse: bool = False,
    equals: bool = False,
    full_images: bool = False,
    extra_options: tuple[str, ...] = (),
    extra_args: tuple[str, ...] = (),
) -> str:
    """The parsed answer written another way, with placeholders filled in."""
    words = ["docker", *(path or parsed.command.path), *extra_options]
    options = list(reversed(parsed.options)) if reverse else list(parsed.options)
    for po in options:
        option = po.option
        name = option.short if short and option.short else option.long
        if option.value == "bool":
            words.append(name if po.value == "true" else f"{option.long}={po.value}")
        elif equals and name.startswith("--"):
            words.append(f"{name}={_concrete(po.value)}")
        else:
            words += [name, _concrete(po.value)]
    image_slots = {i for i, arg in enumerate(parsed.command.args) if arg.kind == "image"}
    for index, value in enumerate(parsed.args):
        value = _concrete(value)
        if full_images and index in image_slots and "/" not in value and "<" not in parsed.args[index]:
            value = f"docker.io/library/{value}" + ("" if ":" in value else ":latest")
        words.append(value)
    return shlex.join([*words, *extra_args])


def _equivalent_forms(answer: str) -> list[str]:
    parsed = parse_command(answer)
    command = parsed.command
    forms = [_render(parsed, path=alias) for alias in command.aliases]
    forms += [
        _render(parsed),
        _render(parsed, short=True),
        _render(parsed, reverse=True, equals=True),
        _render(parsed, short=True, reverse=True, full_images=True),
        _render(parsed, full_images=True),
    ]
    # Docker's defaults written out: a flag set to false, an optional argument's default value.
    present = {po.option.long for po in parsed.options}
    off = next(
        (o.long for o in (*command.options, HELP) if o.value == "bool" and o.default is None and o.long not in present),
        None,
    )
    defaults = tuple(a.default for a in command.args[len(parsed.args) :] if a.default is not None)
    forms.append(_render(parsed, extra_options=(f"{off}=false",) if off else (), extra_args=defaults))
    moved = next((o for o in command.options if o.moves_to_arg), None)
    if moved is not None and len(parsed.args) == 1:
        bare = ParsedCommand(command, parsed.written, parsed.options, ())
        forms.append(_render(bare, extra_options=(moved.long, _concrete(parsed.args[0]))))
    return forms


SAMPLE = {
    "string": "x1",
    "int": "5",
    "tail": "5",
    "image": "alpine:9.9",
    "publish": "1234:4321",
    "volume": "v1:/v1",
    "mount": "type=volume,source=v1,target=/v1",
    "tmpfs": "/v1",
    "server": "localhost:5000",
    "port": "8080/tcp",
    "container": "c1",
    "volume-arg": "v1",
    "command": "hostname",
}


def _changed(value: str, kind: str) -> str | None:
    """A different value of the same kind, or None when a placeholder accepts anything."""
    if value.startswith("<") and value.endswith(">") and value.count("<") == 1:
        return None
    value = _concrete(value)
    if kind == "image":
        return "alpine:9.9" if value != "alpine:9.9" else "busybox:1.0"
    if kind in ("int", "tail"):
        return str(int(value) + 1) if value.isdigit() else "7"
    if kind in ("publish", "volume", "mount", "tmpfs"):
        return SAMPLE[kind]
    return value + "x"


def _near_misses(answer: str) -> list[str]:
    """Drop a part, change a value, add a harmful option, or use a sibling command."""
    parsed = parse_command(answer)
    command = parsed.command

    def with_options(options: tuple[ParsedOption, ...]) -> str:
        return _render(ParsedCommand(command, parsed.written, options, parsed.args))

    def with_args(args: list[str]) -> str:
        return _render(ParsedCommand(command, parsed.written, parsed.options, tuple(args)))

    misses: list[str] = []
    for i, po in enumerate(parsed.options):
        if po.value != po.option.normalized_default:
            misses.append(with_options(parsed.options[:i] + parsed.options[i + 1 :]))
        new = None if po.option.value == "bool" else _changed(po.value, po.option.value)
        if new is not None:
            misses.append(
                with_options((*parsed.options[:i], ParsedOption(po.option, po.written, new), *parsed.options[i + 1 :]))
            )
    asks_help = any(po.option is HELP for po in parsed.options)
    if not asks_help:
        for index, (spec_index, value) in enumerate(_slots(command, parsed.args)):
            spec = command.args[spec_index]
            new = _changed(value, spec.kind)
            if new is not None:
                misses.append(with_args([*parsed.args[:index], new, *parsed.args[index + 1 :]]))
            elif spec.required and not spec.variadic:
                misses.append(with_args([*parsed.args[:index], *parsed.args[index + 1 :]]))
        for spec in command.args[len(_assigned(command, parsed.args)) :]:
            if not spec.required:
                misses.append(with_args([*parsed.args, SAMPLE.get(spec.kind, "x1")]))
                break
        present = {po.option.long for po in parsed.options}
        extra = next(
            (o for o in command.options if not o.harmless and o.default is None and o.long not in present), None
        )
        if extra is not None:
            extra_value = () if extra.value == "bool" else (SAMPLE[extra.value],)
            misses.append(_render(parsed, extra_options=(extra.long, *extra_value)))
    sibling = _sibling(command)
    if sibling is not None:
        misses.append(_render(ParsedCommand(sibling, sibling.path, (), parsed.args)))
    return misses


def _slots(command: Command, args: tuple[str, ...]) -> list[tuple[int, str]]:
    """Each typed argument with the index of the argument of the command it fills."""
    slots: list[tuple[int, str]] = []
    for i, value in enumerate(args):
        slots.append((min(i, len(command.args) - 1), value))
    return slots


def _assigned(command: Command, args: tuple[str, ...]) -> set[int]:
    return {index for index, _ in _slots(command, args)}


def _sibling(command: Command) -> Command | None:
    """Another modelled command on the same object (or another one-word command)."""
    return next(
        (
            other
            for other in COMMANDS
            if other is not command and len(other.path) == len(command.path) and other.path[:-1] == command.path[:-1]
        ),
        None,
    )


def test_the_decks_have_command_cards() -> None:
    assert len(CARDS) >= 10, "the decks should hold command-recall cards"


@pytest.mark.parametrize("card", CARDS, ids=CARD_IDS)
def test_card_answer_is_in_the_model(card: Card) -> None:
    for answer in [card["answer"], *card.get("alternatives", [])]:
        assert isinstance(answer, str)
        assert answer_problems(answer) == (), (card["id"], answer, answer_problems(answer))


@pytest.mark.parametrize("card", CARDS, ids=CARD_IDS)
def test_card_answer_grades_itself(card: Card) -> None:
    answer = card["answer"]
    assert isinstance(answer, str)
    expected = [answer, *card.get("alternatives", [])]
    result = grade_command(expected, answer)
    assert (result.verdict, result.quality, result.message.en) == ("equivalent", 5, "")
    for alternative in expected[1:]:
        assert grade_command(expected, alternative).quality == 5


@pytest.mark.parametrize("card", CARDS, ids=CARD_IDS)
def test_card_equivalent_forms(card: Card) -> None:
    answer = card["answer"]
    assert isinstance(answer, str)
    forms = _equivalent_forms(answer)
    assert any(" ".join(f.split()) != " ".join(answer.split()) for f in forms), forms
    for form in forms:
        result = grade_command(answer, form)
        assert result.verdict == "equivalent", (card["id"], form, result.message.en)


@pytest.mark.parametrize("card", CARDS, ids=CARD_IDS)
def test_card_near_misses(card: Card) -> None:
    answer = card["answer"]
    assert isinstance(answer, str)
    expected = [answer, *card.get("alternatives", [])]
    misses = _near_misses(answer)
    assert misses, answer
    for miss in misses:
        result = grade_command(expected, miss)
        assert result.verdict != "equivalent" and result.quality < 5, (card["id"], miss)
        assert result.message.en, (card["id"], miss)


def test_every_placeholder_has_a_concrete_value() -> None:
    assert set(CONCRETE) == set(PLACEHOLDERS)
