"""Command recall graded by meaning: a hand-written table, every command card of the decks, the model."""

from __future__ import annotations

import ast
import re
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
        "after the image is read as the command to run, not as Docker options",
    ),
    Case("docker container exec -it <container> <command>", "docker exec -it web sh -c 'ls /'", "equivalent"),
    # Options the answer itself passes to the image's entrypoint are not misplaced ones.
    Case("docker container run -d redis --appendonly yes", "docker run -d redis --appendonly yes", "equivalent"),
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
    Case(
        "docker volume ls -q", "docker volume ls --format '{{.ID}}'", "partial", "`--format '{{.ID}}'` instead of `-q`"
    ),
    Case("docker image ls -q", "docker image ls --format 'table {{.ID}}'", "partial", "instead of `-q`"),
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


def test_a_pipeline_is_read_as_its_docker_command_only_when_asked() -> None:
    piped = parse_command('echo "$PW" | docker login --password-stdin r:5000 | cat', pipeline=True)
    assert (piped.command.path, piped.args) == (("login",), ("r:5000",))
    assert (piped.piped_from, piped.piped_to) == ("echo '$PW' |", "| cat")
    assert parse_command("docker ps -q|wc -l", pipeline=True).piped_to == "| wc -l"
    assert parse_command("docker run busybox echo 'a | b'", pipeline=True).args == ("busybox", "echo", "a | b")
    # A lab step or a check reads `|` as a word, as before: nothing is dropped silently.
    plain = parse_command("docker container prune | cat")
    assert plain.args == ("|", "cat") and plain.piped_to == ""


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


# --- What Docker reads the same, and what each verdict says (exact, in both languages) ----------


@dataclass(frozen=True)
class V:
    """A verdict with its exact message in English and in French."""

    expected: str
    given: str
    verdict: str
    en: str
    fr: str
    same_form: bool = False


# Cases of an expert review graded against Docker's own behaviour (issue 22) and the alias case of
# issue 23: each was graded otherwise before the grader read Docker's definitions.
DOCKER_READS_THE_SAME: tuple[V, ...] = (
    # Signals: Docker's Linux table, a name with or without SIG in any case, or a number.
    V(
        "docker container kill <container>",
        "docker kill -s KILL web",
        "equivalent",
        "Equivalent to `docker container kill <container>`.",
        "Équivalent à `docker container kill <container>`.",
    ),
    V(
        "docker container kill --signal SIGKILL <container>",
        "docker kill -s KILL web",
        "equivalent",
        "Equivalent to `docker container kill --signal SIGKILL <container>`.",
        "Équivalent à `docker container kill --signal SIGKILL <container>`.",
    ),
    V(
        "docker container kill -s KILL <container>",
        "docker kill --signal SIGKILL web",
        "equivalent",
        "Equivalent to `docker container kill --signal KILL <container>`.",
        "Équivalent à `docker container kill --signal KILL <container>`.",
    ),
    V(
        "docker container kill -s SIGKILL <container>",
        "docker kill -s 9 web",
        "equivalent",
        "Equivalent to `docker container kill --signal SIGKILL <container>`.",
        "Équivalent à `docker container kill --signal SIGKILL <container>`.",
    ),
    V(
        "docker container kill -s HUP <container>",
        "docker kill -s sighup web",
        "equivalent",
        "Equivalent to `docker container kill --signal HUP <container>`.",
        "Équivalent à `docker container kill --signal HUP <container>`.",
    ),
    V(
        "docker container stop -s SIGINT <container>",
        "docker stop --signal int web",
        "equivalent",
        "Equivalent to `docker container stop --signal SIGINT <container>`.",
        "Équivalent à `docker container stop --signal SIGINT <container>`.",
    ),
    V(
        "docker container inspect <container>",
        "docker inspect web",
        "equivalent",
        "Equivalent to `docker container inspect <container>`.",
        "Équivalent à `docker container inspect <container>`.",
    ),
    V(
        "docker container inspect -f '{{.State.Status}}' <container>",
        "docker inspect --format '{{ .State.Status }}' web",
        "equivalent",
        "Equivalent to `docker container inspect --format '{{.State.Status}}' <container>`.",
        "Équivalent à `docker container inspect --format '{{.State.Status}}' <container>`.",
    ),
    V(
        "docker volume inspect <volume>",
        "docker inspect --type volume data",
        "equivalent",
        "Equivalent to `docker volume inspect <volume>`.",
        "Équivalent à `docker volume inspect <volume>`.",
    ),
    V(
        "docker volume inspect <volume>",
        "docker inspect data",
        "accepted",
        "`docker inspect` looks for a container of that name first, then an "
        "image, a network, a volume: `--type volume` (or `docker volume "
        "inspect`) says which.",
        "`docker inspect` cherche d'abord un conteneur de ce nom, puis une "
        "image, un réseau, un volume : `--type volume` (ou `docker volume "
        "inspect`) précise lequel.",
    ),
    V(
        "docker container inspect <container>",
        "docker inspect --type image web",
        "wrong",
        "`docker inspect` is a different command: it shows the details of "
        "Docker objects of any type as JSON (a container first).",
        "`docker inspect` est une autre commande : elle affiche le détail "
        "d'objets Docker de tout type en JSON (un conteneur d'abord).",
    ),
    V(
        "docker container ls -l",
        "docker ps -n 1",
        "equivalent",
        "Equivalent to `docker container ls --latest`.",
        "Équivalent à `docker container ls --latest`.",
    ),
    V("docker container ls -l", "docker ps -n 2", "partial", "`-n 2` instead of `-l`.", "`-n 2` au lieu de `-l`."),
    V(
        "docker container ls -a --filter status=exited",
        "docker ps --filter status=exited",
        "equivalent",
        "Equivalent to `docker container ls --all --filter status=exited`.",
        "Équivalent à `docker container ls --all --filter status=exited`.",
    ),
    V(
        "docker container ls -a -n 3",
        "docker ps -n 3",
        "equivalent",
        "Equivalent to `docker container ls --all --last 3`.",
        "Équivalent à `docker container ls --all --last 3`.",
    ),
    V(
        "docker container ls -a",
        "docker ps --filter status=exited",
        "partial",
        "Unexpected --filter status=exited: the result would be limited by this filter.",
        "--filter status=exited est en trop\u202f: le résultat serait limité par ce filtre.",
    ),
    V(
        "docker container ls --format '{{.Names}}'",
        "docker ps --format '{{ .Names }}'",
        "equivalent",
        "Equivalent to `docker container ls --format '{{.Names}}'`.",
        "Équivalent à `docker container ls --format '{{.Names}}'`.",
    ),
    V(
        "docker container ls --format '{{.Names}}'",
        "docker ps --format '{{.ID}}'",
        "partial",
        "Wrong value for --format: `{{.ID}}` instead of `{{.Names}}`.",
        "Mauvaise valeur pour --format\u202f: `{{.ID}}` au lieu de `{{.Names}}`.",
    ),
    V(
        "docker container ls --format '{{.Names}}'",
        "docker ps -q",
        "partial",
        "`-q` instead of `--format '{{.Names}}'`.",
        "`-q` au lieu de `--format '{{.Names}}'`.",
    ),
    V(
        "docker container stop <container>",
        "docker stop -t 10 web",
        "equivalent",
        "Equivalent to `docker container stop <container>`.",
        "Équivalent à `docker container stop <container>`.",
    ),
    V(
        "docker container run -d -m 512m busybox",
        "docker run -d -m 512M busybox",
        "equivalent",
        "Equivalent to `docker container run --detach --memory 512m busybox`.",
        "Équivalent à `docker container run --detach --memory 512m busybox`.",
    ),
    V(
        "docker container run -d -m 1g busybox",
        "docker run -d --memory 1024MiB busybox",
        "equivalent",
        "Equivalent to `docker container run --detach --memory 1g busybox`.",
        "Équivalent à `docker container run --detach --memory 1g busybox`.",
    ),
    V(
        "docker volume prune -a",
        "docker volume prune --filter all=true",
        "equivalent",
        "Equivalent to `docker volume prune --all`.",
        "Équivalent à `docker volume prune --all`.",
    ),
    V(
        "docker volume prune -a",
        "docker volume prune --filter all=1",
        "equivalent",
        "Equivalent to `docker volume prune --all`.",
        "Équivalent à `docker volume prune --all`.",
    ),
    V(
        "docker volume prune",
        "docker volume prune --filter all=false",
        "equivalent",
        "Equivalent to `docker volume prune`.",
        "Équivalent à `docker volume prune`.",
    ),
    V(
        "docker login <registry>",
        'echo "$PW" | docker login -u bob --password-stdin localhost:5000',
        "accepted",
        "-u bob is not needed here, but harmless: this user name would be used. "
        "--password-stdin is not needed here, but harmless: the password would "
        "be read from standard input.",
        "-u bob n'est pas demandé, mais sans conséquence : ce nom d'utilisateur "
        "serait utilisé. --password-stdin n'est pas demandé, mais sans "
        "conséquence : le mot de passe serait lu sur l'entrée standard.",
    ),
    V(
        "docker container commit -m msg <container> <image>",
        "docker commit web img -m msg",
        "partial",
        "`-m msg` after the arguments is not read as an option: this command "
        "takes its options before its arguments, and Docker would refuse the "
        "extra arguments.",
        "`-m msg` après les arguments n'est pas lu comme une option : cette "
        "commande prend ses options avant ses arguments, et Docker refuserait "
        "les arguments en trop.",
    ),
    V(
        "docker container ls",
        "docker stats --no-stream",
        "wrong",
        "`docker stats` is a different command: it shows the containers' resource usage.",
        "`docker stats` est une autre commande\u202f: elle affiche l'usage des ressources des conteneurs.",
    ),
    V(
        "docker volume ls",
        "docker volume update data",
        "wrong",
        "`docker volume update` is another Docker command, not the one asked.",
        "`docker volume update` est une autre commande Docker, pas celle demandée.",
    ),
    V(
        "docker container ls -q",
        "docker ps -q | wc -l",
        "accepted",
        "`| wc -l` reworks the output: only the Docker command is graded.",
        "`| wc -l` retravaille la sortie\u202f: seule la commande Docker est notée.",
    ),
    V(
        "docker container ls -q",
        "docker ps -aq | head -1",
        "partial",
        "Unexpected -a: stopped containers would be listed too. `| head -1` "
        "reworks the output: only the Docker command is graded.",
        "-a est en trop : les conteneurs arrêtés seraient aussi listés. `| head "
        "-1` retravaille la sortie : seule la commande Docker est notée.",
    ),
    V(
        "docker container rm <container> <container>",
        "docker rm web",
        "partial",
        "Missing the container `<container>`: the command would act on the others only.",
        "Il manque le conteneur `<container>`\u202f: la commande ne s'appliquerait qu'aux autres.",
    ),
    V(
        "docker container rm web db",
        "docker rm web",
        "partial",
        "Missing the container `db`: the command would act on the others only.",
        "Il manque le conteneur `db`\u202f: la commande ne s'appliquerait qu'aux autres.",
    ),
    V(
        "docker container run -d -v data:/data busybox",
        "docker run -d --mount data:/data busybox",
        "partial",
        "`--mount data:/data` instead of `-v data:/data`: `--mount` takes "
        "key=value fields, such as `type=volume,source=data,target=/data`.",
        "`--mount data:/data` au lieu de `-v data:/data` : `--mount` prend des "
        "champs clé=valeur, comme `type=volume,source=data,target=/data`.",
    ),
    V(
        "docker container run -d --name web busybox",
        "docker run busybox -d --name web",
        "partial",
        "`-d --name web` after the image is read as the command to run, not as "
        "Docker options: put them before the image.",
        "`-d --name web` après l'image est lu comme la commande à exécuter, pas "
        "comme des options de Docker : placez-les avant l'image.",
    ),
    V(
        "docker container run -d --name web busybox",
        "docker run --name web busybox -d",
        "partial",
        "`-d` after the image is read as the command to run, not as Docker options: put them before the image.",
        "`-d` après l'image est lu comme la commande à exécuter, pas comme des "
        "options de Docker : placez-les avant l'image.",
    ),
    V(
        "docker container exec -it <container> sh",
        "docker exec web -it sh",
        "partial",
        "`-it` after the container is read as the command to run, not as Docker "
        "options: put them before the container.",
        "`-it` après le conteneur est lu comme la commande à exécuter, pas "
        "comme des options de Docker : placez-les avant le conteneur.",
    ),
    V(
        "docker image rm <image>",
        "docker image remove <image>",
        "equivalent",
        "Equivalent to `docker image rm <image>`.",
        "Équivalent à `docker image rm <image>`.",
        same_form=True,
    ),
    V(
        "docker container rm <container>",
        "docker container remove <container>",
        "equivalent",
        "Equivalent to `docker container rm <container>`.",
        "Équivalent à `docker container rm <container>`.",
        same_form=True,
    ),
    V(
        "docker container rm <container>",
        "docker rm <container>",
        "partial",
        "`docker rm` runs the same command, but the question asks for the object-command form: `docker container rm`.",
        "`docker rm` exécute la même commande, mais la question demande la "
        "forme objet-commande : `docker container rm`.",
        same_form=True,
    ),
    # The password fed on standard input, as --password-stdin is meant to be used.
    V(
        "docker login -u <user> --password-stdin <registry>",
        "cat ~/pw.txt | docker login -u bob --password-stdin localhost:5000",
        "equivalent",
        "Equivalent to `docker login --password-stdin --username <user> <registry>`.",
        "Équivalent à `docker login --password-stdin --username <user> <registry>`.",
    ),
)

# Their limits: what Docker does not read the same stays a difference (graded so before, too).
DOCKER_READS_THE_SAME_LIMITS: tuple[V, ...] = (
    # Without -s, stop sends the image's STOPSIGNAL (nginx: SIGQUIT), not always SIGTERM.
    V(
        "docker container stop <container>",
        "docker stop -s TERM web",
        "partial",
        "Unexpected -s TERM: this signal would be sent instead of the image's stop signal "
        "(SIGTERM unless it sets STOPSIGNAL).",
        "-s TERM est en trop\u202f: ce signal serait envoyé au lieu du signal d'arrêt de l'image (SIGTERM, sauf "
        "STOPSIGNAL).",
    ),
    V(
        "docker container kill -s HUP <container>",
        "docker kill -s 9 web",
        "partial",
        "Wrong value for -s: `9` instead of `HUP`.",
        "Mauvaise valeur pour -s\u202f: `9` au lieu de `HUP`.",
    ),
    V(
        "docker container ls -a --filter exited=0",
        "docker ps --filter exited=0",
        "partial",
        "Missing -a: only running containers would be listed.",
        "Il manque -a\u202f: seuls les conteneurs qui tournent seraient listés.",
    ),
    V(
        "docker container stop -t 30 <container>",
        "docker stop -t 10 web",
        "partial",
        "Wrong value for -t: `10` instead of `30`.",
        "Mauvaise valeur pour -t\u202f: `10` au lieu de `30`.",
    ),
    V(
        "docker container run -d -m 512m busybox",
        "docker run -d -m 256m busybox",
        "partial",
        "Wrong value for -m: `256m` instead of `512m`.",
        "Mauvaise valeur pour -m\u202f: `256m` au lieu de `512m`.",
    ),
    V(
        "docker login --password-stdin <registry>",
        "docker login localhost:5000",
        "partial",
        "Missing --password-stdin: the password would not be read from standard input.",
        "Il manque --password-stdin\u202f: le mot de passe ne serait pas lu sur l'entrée standard.",
    ),
    V(
        "docker container rm web",
        "docker rm",
        "partial",
        "Missing the container `web`: the command would fail.",
        "Il manque le conteneur `web`\u202f: la commande échouerait.",
    ),
    V("docker image rm <image>", "docker image rm <image>", "equivalent", "", "", same_form=True),
)

# One case per sentence the grader can say.
VERDICT_TEXTS: tuple[V, ...] = (
    # -l is compared as the `-n 1` it sends, and explained with its own sentences.
    V(
        "docker container ls -a",
        "docker ps -l",
        "partial",
        "Unexpected -l: only the latest created container would be listed.",
        "-l est en trop\u202f: seul le dernier conteneur créé serait listé.",
    ),
    V(
        "docker container ls -l",
        "docker ps",
        "partial",
        "Missing -l: the list would not stop at the latest created container.",
        "Il manque -l\u202f: la liste ne s'arrêterait pas au dernier conteneur créé.",
    ),
    V(
        "docker container ls",
        "echo hi | docker ps",
        "accepted",
        "`echo hi |` feeds the command's input: only the Docker command is graded.",
        "`echo hi |` alimente l'entrée de la commande\u202f: seule la commande Docker est notée.",
    ),
    V(
        "docker container run -d busybox",
        "docker run busybox",
        "partial",
        "Missing -d: the container would run in the foreground.",
        "Il manque -d\u202f: le conteneur tournerait au premier plan.",
    ),
    V(
        "docker container stop -t 30 <container>",
        "docker stop -t 10 web",
        "partial",
        "Wrong value for -t: `10` instead of `30`.",
        "Mauvaise valeur pour -t\u202f: `10` au lieu de `30`.",
    ),
    V("docker container ls -l", "docker ps -n 2", "partial", "`-n 2` instead of `-l`.", "`-n 2` au lieu de `-l`."),
    V(
        "docker container ls",
        "docker ps -a",
        "partial",
        "Unexpected -a: stopped containers would be listed too.",
        "-a est en trop\u202f: les conteneurs arrêtés seraient aussi listés.",
    ),
    V(
        "docker container run -d --name web busybox",
        "docker run busybox -d --name web",
        "partial",
        "`-d --name web` after the image is read as the command to run, not as "
        "Docker options: put them before the image.",
        "`-d --name web` après l'image est lu comme la commande à exécuter, pas "
        "comme des options de Docker : placez-les avant l'image.",
    ),
    V(
        "docker container exec -it <container> sh",
        "docker exec web -it sh",
        "partial",
        "`-it` after the container is read as the command to run, not as Docker "
        "options: put them before the container.",
        "`-it` après le conteneur est lu comme la commande à exécuter, pas "
        "comme des options de Docker : placez-les avant le conteneur.",
    ),
    V(
        "docker ps",
        "docker container ls",
        "partial",
        "`docker container ls` runs the same command, but the question asks for the short form: `docker ps`.",
        "`docker container ls` exécute la même commande, mais la question demande la forme courte\u202f: `docker ps`.",
        same_form=True,
    ),
    V(
        "docker volume ls",
        "docker volume update data",
        "wrong",
        "`docker volume update` is another Docker command, not the one asked.",
        "`docker volume update` est une autre commande Docker, pas celle demandée.",
    ),
    V(
        "docker container prune",
        "docker image prune",
        "wrong",
        "`docker image prune` is a different command: it removes dangling images (every unused image with -a).",
        "`docker image prune` est une autre commande : elle supprime les images "
        "pendantes (toutes les images inutilisées avec -a).",
    ),
    V(
        "docker container ls",
        "docker ps",
        "equivalent",
        "Equivalent to `docker container ls`.",
        "Équivalent à `docker container ls`.",
    ),
    V(
        "docker container ls",
        "docker ps " + "a" * 2001,
        "wrong",
        "An answer past 2,000 characters is not compared with the expected command: it counts as wrong.",
        "Une réponse de plus de 2\u202f000 caractères n'est pas comparée à la commande attendue\u202f: elle compte "
        "comme fausse.",
    ),
    V(
        "docker image pull alpine:3.5",
        "docker pull alpine:3.6",
        "partial",
        "Wrong value for the image `alpine:3.6`: same repository, another tag (`3.6` instead of `3.5`).",
        "Mauvaise valeur pour l'image `alpine:3.6`\u202f: même dépôt, autre tag (`3.6` au lieu de `3.5`).",
    ),
    V(
        "docker container run -d -v data:/data busybox",
        "docker run -d --mount data:/data busybox",
        "partial",
        "`--mount data:/data` instead of `-v data:/data`: `--mount` takes "
        "key=value fields, such as `type=volume,source=data,target=/data`.",
        "`--mount data:/data` au lieu de `-v data:/data` : `--mount` prend des "
        "champs clé=valeur, comme `type=volume,source=data,target=/data`.",
    ),
    V(
        "docker container prune",
        "docker container prune -f",
        "accepted",
        "-f is not needed here, but harmless: no confirmation would be asked.",
        "-f n'est pas demandé, mais sans conséquence\u202f: aucune confirmation ne serait demandée.",
    ),
    V(
        "docker container commit -m msg <container> <image>",
        "docker commit web img -m msg",
        "partial",
        "`-m msg` after the arguments is not read as an option: this command "
        "takes its options before its arguments, and Docker would refuse the "
        "extra arguments.",
        "`-m msg` après les arguments n'est pas lu comme une option : cette "
        "commande prend ses options avant ses arguments, et Docker refuserait "
        "les arguments en trop.",
    ),
    V(
        "docker container rm web",
        "docker rm",
        "partial",
        "Missing the container `web`: the command would fail.",
        "Il manque le conteneur `web`\u202f: la commande échouerait.",
    ),
    V(
        "docker container rm <container>",
        "docker rm <container>",
        "partial",
        "`docker rm` runs the same command, but the question asks for the object-command form: `docker container rm`.",
        "`docker rm` exécute la même commande, mais la question demande la "
        "forme objet-commande : `docker container rm`.",
        same_form=True,
    ),
    V(
        "docker container run -ti nginx /bin/sh",
        "docker run -ti nginx sh",
        "accepted",
        "`sh` and `/bin/sh` are the same program when it is on the image's PATH.",
        "`sh` et `/bin/sh` sont le même programme s'il est dans le PATH de l'image.",
    ),
    V(
        "docker container run -ti nginx",
        "docker run -ti nginx sh",
        "partial",
        "Unexpected command `sh`: it would replace the image's default command.",
        "Commande en trop `sh`\u202f: elle remplacerait la commande par défaut de l'image.",
    ),
    V(
        "docker container exec -it <container> sh",
        "docker exec -it web",
        "partial",
        "Missing the command to run `sh`: the command would fail.",
        "Il manque la commande à exécuter `sh`\u202f: la commande échouerait.",
    ),
    V(
        "docker container rm web db",
        "docker rm web",
        "partial",
        "Missing the container `db`: the command would act on the others only.",
        "Il manque le conteneur `db`\u202f: la commande ne s'appliquerait qu'aux autres.",
    ),
    V(
        "docker container prune",
        "docker container prune web",
        "partial",
        "Unexpected argument `web`: `docker container prune` would not take it.",
        "Argument en trop\u202f: `web`\u202f; `docker container prune` ne le prendrait pas.",
    ),
    V(
        "docker container run -d -i -t busybox",
        "docker run busybox",
        "partial",
        "Missing -d: the container would run in the foreground. Missing -i: the "
        "container could not read what you type. And 1 more difference.",
        "Il manque -d : le conteneur tournerait au premier plan. Il manque -i : "
        "le conteneur ne pourrait pas lire ce que vous tapez. Et 1 autre "
        "différence.",
    ),
    V(
        "docker container run -d -i -t --rm --name x busybox",
        "docker run busybox",
        "partial",
        "Missing -d: the container would run in the foreground. Missing -i: the "
        "container could not read what you type. And 3 more differences.",
        "Il manque -d : le conteneur tournerait au premier plan. Il manque -i : "
        "le conteneur ne pourrait pas lire ce que vous tapez. Et 3 autres "
        "différences.",
    ),
    V(
        "docker container ls -q",
        "docker ps -q | wc -l",
        "accepted",
        "`| wc -l` reworks the output: only the Docker command is graded.",
        "`| wc -l` retravaille la sortie\u202f: seule la commande Docker est notée.",
    ),
    V(
        "docker container rm web",
        "docker rm web db",
        "partial",
        "Unexpected argument `db` (the container).",
        "Argument en trop\u202f: `db` (le conteneur).",
    ),
    V(
        "docker container ls -a",
        "docker ps --all=maybe",
        "partial",
        "`--all=maybe`: a flag only takes true or false.",
        "`--all=maybe`\u202f: une option sans valeur n'accepte que true ou false.",
    ),
    V(
        "docker container ls",
        "docker contianer ls",
        "wrong",
        "Unknown command `contianer`: did you mean `docker container ls`?",
        "Commande inconnue `contianer`\u202f: vouliez-vous dire `docker container ls`\u202f?",
    ),
    V(
        "docker container run -d busybox",
        "docker run -x busybox",
        "partial",
        "`-x` is not an option of `docker container run`.",
        "`-x` n'est pas une option de `docker container run`.",
    ),
    V(
        "docker container run -d busybox",
        "docker run -d --name",
        "partial",
        "`--name` needs a value.",
        "`--name` attend une valeur.",
    ),
    V("docker container ls", "", "wrong", "No command was typed.", "Aucune commande n'a été tapée."),
    V(
        "docker container ls",
        "podman ps",
        "wrong",
        "`podman` is not Docker: a Docker command starts with `docker`.",
        "`podman` n'est pas Docker\u202f: une commande Docker commence par `docker`.",
    ),
    V(
        "docker container ls",
        "docker frobnicate",
        "wrong",
        "`frobnicate` is not a Docker command.",
        "`frobnicate` n'est pas une commande Docker.",
    ),
    V(
        "docker container ls",
        "docker",
        "wrong",
        "`docker` alone is not a command: it needs an action, such as `docker container ls`.",
        "`docker` seul n'est pas une commande\u202f: il faut une action, comme `docker container ls`.",
    ),
    V(
        "docker container ls",
        "docker --debug ps",
        "wrong",
        "`--debug` before the command is a global Docker option; the answer expects the command right after `docker`.",
        "`--debug` avant la commande est une option globale de Docker ; la "
        "réponse attend la commande juste après `docker`.",
    ),
    V(
        "docker container run -d busybox",
        "docker run --detatch busybox",
        "partial",
        "`--detatch` is not an option of `docker container run`: did you mean `--detach`?",
        "`--detatch` n'est pas une option de `docker container run`\u202f: vouliez-vous dire `--detach`\u202f?",
    ),
    V(
        "docker container ls",
        "docker ps 'oops",
        "wrong",
        "Unclosed quote or escape: the shell could not read this command.",
        "Guillemets ou échappement non fermés\u202f: le shell ne pourrait pas lire cette commande.",
    ),
    V(
        "docker container ls",
        "ps",
        "wrong",
        "A Docker command starts with `docker`: did you mean `docker ps`?",
        "Une commande Docker commence par `docker`\u202f: vouliez-vous dire `docker ps`\u202f?",
    ),
    V(
        "docker container ls",
        "docker container",
        "wrong",
        "`docker container` alone does nothing: it needs an action, such as `docker container ls`.",
        "`docker container` seul n'exécute rien\u202f: il faut une action, comme `docker container ls`.",
    ),
    V(
        "docker container ls",
        "docker compose ps",
        "wrong",
        "`docker compose` is a different command, outside what is asked.",
        "`docker compose` est une autre commande, hors de ce qui est demandé.",
    ),
    V(
        "docker volume create data",
        "docker volume create --name data other",
        "partial",
        "`--name` and a name given as an argument cannot go together.",
        "`--name` et un nom en argument ne peuvent pas aller ensemble.",
    ),
    V(
        "docker image pull alpine",
        "docker pull ''",
        "partial",
        "Wrong value for the image ``: the image name is empty.",
        "Mauvaise valeur pour l'image ``\u202f: le nom de l'image est vide.",
    ),
    V(
        "docker container commit web mynodejs",
        "docker commit web mynodeJS",
        "partial",
        "Wrong value for the new image's name `mynodeJS`: repository names must be lowercase.",
        "Mauvaise valeur pour le nom de la nouvelle image `mynodeJS`\u202f: un nom de dépôt doit être en minuscules.",
    ),
    V(
        "docker image pull alpine",
        "docker pull bad!name",
        "partial",
        "Wrong value for the image `bad!name`: `bad!name` is not a valid image name.",
        "Mauvaise valeur pour l'image `bad!name`\u202f: `bad!name` n'est pas un nom d'image valide.",
    ),
    V(
        "docker image pull alpine",
        "docker pull alpine:!x",
        "partial",
        "Wrong value for the image `alpine:!x`: `!x` is not a valid tag.",
        "Mauvaise valeur pour l'image `alpine:!x`\u202f: `!x` n'est pas un tag valide.",
    ),
    V(
        "docker image pull alpine",
        "docker pull alpine@sha256:zz",
        "partial",
        "Wrong value for the image `alpine@sha256:zz`: `sha256:zz` is not a valid digest.",
        "Mauvaise valeur pour l'image `alpine@sha256:zz`\u202f: `sha256:zz` n'est pas un digest valide.",
    ),
    V(
        "docker container run -d -p 127.0.0.1:8080:80 <image>",
        "docker run -d -p 10.0.0.1:8080:80 nginx",
        "partial",
        "Wrong value for -p `10.0.0.1:8080:80`: published on address `10.0.0.1` instead of `127.0.0.1`.",
        "Mauvaise valeur pour -p `10.0.0.1:8080:80`\u202f: publié sur l'adresse `10.0.0.1` au lieu de `127.0.0.1`.",
    ),
    V(
        "docker container run -d -p 127.0.0.1:8080:80 <image>",
        "docker run -d -p 8080:80 nginx",
        "partial",
        "Wrong value for -p `8080:80`: published on address `all` instead of `127.0.0.1`.",
        "Mauvaise valeur pour -p `8080:80`\u202f: publié sur l'adresse `toutes` au lieu de `127.0.0.1`.",
    ),
    V(
        "docker container run -d -p 8080:80 <image>",
        "docker run -d -p 127.0.0.1:8080:80 nginx",
        "partial",
        "Wrong value for -p `127.0.0.1:8080:80`: published on address `127.0.0.1` instead of `all`.",
        "Mauvaise valeur pour -p `127.0.0.1:8080:80`\u202f: publié sur l'adresse `127.0.0.1` au lieu de `toutes`.",
    ),
    V(
        "docker container run -d -p 80:8080 <image>",
        "docker run -d -p 0.0.0.0:80:8080 nginx",
        "accepted",
        "`0.0.0.0` publishes on IPv4 only; without an address Docker publishes on every interface, IPv4 and IPv6.",
        "`0.0.0.0` ne publie qu'en IPv4\u202f; sans adresse, Docker publie sur toutes les interfaces, IPv4 et IPv6.",
    ),
    V(
        "docker container run -d -p 80:8080 <image>",
        "docker run -d -p 8080:80 nginx",
        "partial",
        "Wrong value for -p `8080:80`: the host and container ports are swapped (`-p HOST:CONTAINER`).",
        "Mauvaise valeur pour -p `8080:80`\u202f: ports de l'hôte et du conteneur inversés (`-p HÔTE:CONTENEUR`).",
    ),
    V(
        "docker container run -d -p 8080:80/udp <image>",
        "docker run -d -p 8080:80 nginx",
        "partial",
        "Wrong value for -p `8080:80`: protocol tcp instead of udp.",
        "Mauvaise valeur pour -p `8080:80`\u202f: protocole tcp au lieu de udp.",
    ),
    V(
        "docker container run -d -p 80:8080 <image>",
        "docker run -d -p 8080 nginx",
        "partial",
        "Wrong value for -p `8080`: without a host port, Docker would pick a random one.",
        "Mauvaise valeur pour -p `8080`\u202f: sans port de l'hôte, Docker en choisirait un au hasard.",
    ),
    V(
        "docker container run -d -v data:/data busybox",
        "docker run -d -v /srv/data:/data busybox",
        "partial",
        "Wrong value for -v `/srv/data:/data`: `/srv/data` is a host path, so "
        "this would be a bind mount, not a named volume.",
        "Mauvaise valeur pour -v `/srv/data:/data` : `/srv/data` est un chemin "
        "de l'hôte, donc ce serait un montage bind, pas un volume nommé.",
    ),
    V(
        "docker container run -d -v data:/data busybox",
        "docker run -d -v data:/srv busybox",
        "partial",
        "Wrong value for -v `data:/srv`: mounted at `/srv` instead of `/data`.",
        "Mauvaise valeur pour -v `data:/srv`\u202f: monté sur `/srv` au lieu de `/data`.",
    ),
    V(
        "docker container run -it -v /srv/data:/data busybox",
        "docker run -it --mount type=bind,src=/srv/data,dst=/data busybox",
        "accepted",
        "`--mount type=bind` refuses a missing host directory, where `-v` creates it.",
        "`--mount type=bind` refuse un dossier absent de l'hôte, là où `-v` le crée.",
    ),
    V(
        "docker container run -d -v /srv/data:/data busybox",
        "docker run -d -v data:/data busybox",
        "partial",
        "Wrong value for -v `data:/data`: `data` is a named volume, not a host directory (bind mount).",
        "Mauvaise valeur pour -v `data:/data` : `data` est un volume nommé, pas un dossier de l'hôte (montage bind).",
    ),
    V(
        "docker container run -d --tmpfs /data busybox",
        "docker run -d -v data:/data busybox",
        "partial",
        "`-v data:/data` instead of `--tmpfs /data`: a volume mount instead of a tmpfs mount.",
        "`-v data:/data` au lieu de `--tmpfs /data`\u202f: un montage volume au lieu d'un montage tmpfs.",
    ),
    V(
        "docker container run -d -v data:/data busybox",
        "docker run -d -v /data busybox",
        "partial",
        "Wrong value for -v `/data`: an anonymous volume instead of the named volume `data`.",
        "Mauvaise valeur pour -v `/data`\u202f: un volume anonyme au lieu du volume nommé `data`.",
    ),
    V(
        "docker container run -d -v /data busybox",
        "docker run -d -v data:/data busybox",
        "partial",
        "Wrong value for -v `data:/data`: the named volume `data` instead of an anonymous one.",
        "Mauvaise valeur pour -v `data:/data`\u202f: le volume nommé `data` au lieu d'un volume anonyme.",
    ),
    V(
        "docker container run -d -v /srv/data:/data:ro busybox",
        "docker run -d -v /srv/data:/data busybox",
        "partial",
        "Wrong value for -v `/srv/data:/data`: the mount would be writable, where read-only is expected.",
        "Mauvaise valeur pour -v `/srv/data:/data` : le montage serait "
        "modifiable, alors qu'il doit être en lecture seule.",
    ),
    V(
        "docker container run -d -v /srv/data:/data busybox",
        "docker run -d -v /srv/data:/data:ro busybox",
        "partial",
        "Wrong value for -v `/srv/data:/data:ro`: the mount would be read-only.",
        "Mauvaise valeur pour -v `/srv/data:/data:ro`\u202f: le montage serait en lecture seule.",
    ),
    V(
        "docker volume inspect <volume>",
        "docker inspect data",
        "accepted",
        "`docker inspect` looks for a container of that name first, then an "
        "image, a network, a volume: `--type volume` (or `docker volume "
        "inspect`) says which.",
        "`docker inspect` cherche d'abord un conteneur de ce nom, puis une "
        "image, un réseau, un volume : `--type volume` (ou `docker volume "
        "inspect`) précise lequel.",
    ),
    V(
        "docker container inspect <container>",
        "docker inspect web",
        "equivalent",
        "Equivalent to `docker container inspect <container>`.",
        "Équivalent à `docker container inspect <container>`.",
    ),
    V("docker container ls", "docker container ls", "equivalent", "", ""),
)


def _check(case: V) -> None:
    result = grade_command(case.expected, case.given, same_form=case.same_form)
    assert (result.verdict, result.quality) == (case.verdict, QUALITY[case.verdict]), result
    assert result.message.en == case.en
    assert result.message.fr == case.fr


@pytest.mark.parametrize(
    "case", DOCKER_READS_THE_SAME, ids=[f"{i:03d}:{c.given}" for i, c in enumerate(DOCKER_READS_THE_SAME)]
)
def test_docker_reads_the_same(case: V) -> None:
    _check(case)


@pytest.mark.parametrize(
    "case", DOCKER_READS_THE_SAME_LIMITS, ids=[f"{i:03d}:{c.given}" for i, c in enumerate(DOCKER_READS_THE_SAME_LIMITS)]
)
def test_what_docker_reads_differently_stays_a_difference(case: V) -> None:
    _check(case)


@pytest.mark.parametrize("case", VERDICT_TEXTS, ids=[f"{i:03d}:{c.given[:60]}" for i, c in enumerate(VERDICT_TEXTS)])
def test_every_verdict_text_in_both_languages(case: V) -> None:
    _check(case)


ANSWER_PROBLEMS: tuple[tuple[str, list[str], list[str]], ...] = (
    (
        "docker container ls " + "x" * 2001,
        ["An answer of 2021 characters: longer than the 2000 a learner may type."],
        ["Réponse de 2021 caractères\u202f: plus longue que les 2000 qu'un apprenant peut taper."],
    ),
    (
        "docker container top web",
        ["quizdock knows `docker container top` by name only and cannot grade it.", "Unexpected argument `web`."],
        ["`docker container top` n'est connue de quizdock que par son nom.", "Argument en trop `web`."],
    ),
    (
        "docker image tag <image> <image><tag>",
        [
            "Placeholders side by side `<image><tag>`: where one ends and the other "
            "begins would be a guess; separate them (`<image>:<tag>`)."
        ],
        [
            "Marqueurs côte à côte `<image><tag>` : où l'un finit et l'autre "
            "commence serait une devinette ; séparez-les (`<image>:<tag>`)."
        ],
    ),
    ("docker container logs", ["Missing the container."], ["Il manque le conteneur."]),
    ("docker container prune now", ["Unexpected argument `now`."], ["Argument en trop `now`."]),
    ("docker container logs <contaner>", ["Unknown placeholder `<contaner>`."], ["Marqueur inconnu `<contaner>`."]),
    (
        "docker image pull MyImage",
        ["Image `MyImage`: repository names must be lowercase."],
        ["Image `MyImage`\u202f: un nom de dépôt doit être en minuscules."],
    ),
)


@pytest.mark.parametrize(("answer", "en", "fr"), ANSWER_PROBLEMS, ids=[a[:40] for a, _, _ in ANSWER_PROBLEMS])
def test_every_answer_problem_text_in_both_languages(answer: str, en: list[str], fr: list[str]) -> None:
    problems = answer_problems(answer)
    assert [p.en for p in problems] == en
    assert [p.fr for p in problems] == fr


def _grader_messages() -> list[str]:
    """Every sentence the grader's modules mark for translation (N_, ngettext_in)."""
    found: list[str] = []
    for path in sorted((Path(__file__).resolve().parent.parent / "quizdock" / "grading").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("N_", "ngettext_in"):
                found += [a.value for a in node.args if isinstance(a, ast.Constant) and a.value not in ("fr", "en")]
    return found


def test_every_sentence_of_the_grader_is_tested_exactly() -> None:
    said = [c.en for c in (*VERDICT_TEXTS, *DOCKER_READS_THE_SAME, *DOCKER_READS_THE_SAME_LIMITS)] + [
        p for _, en, _ in ANSWER_PROBLEMS for p in en
    ]
    messages = _grader_messages()
    assert len(messages) > 60
    untested = []
    for message in set(messages):
        pattern = re.escape(message)
        pattern = re.sub(r"\\\{\w+\\\}", ".*", pattern)
        if not any(re.search(pattern, text, re.DOTALL) for text in said):
            untested.append(message)
    assert not untested


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
    "signal": "HUP",
    "bytes": "64m",
    "template": "{{.Names}}",
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
