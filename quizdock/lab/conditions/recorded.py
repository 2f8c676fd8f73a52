"""Conditions on *how* the task was done, read from what the lab's engine received.

Each one pairs the learner's request (from :mod:`quizdock.lab.requests_log`) with its effect on
the daemon's state: a request that failed or changed nothing is not the action. On the
learner's own Docker nothing records the requests: these checks are not evaluated there (see
:data:`quizdock.decks.challenge_spec.RECORDED_CONDITIONS`), and the session says so.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from quizdock.i18n import N_, Text, bilingual, quoted_text
from quizdock.lab import requests_log
from quizdock.lab.conditions.base import (
    Args,
    CheckResult,
    Context,
    condition,
    diff,
    find_container,
    find_image,
    find_volume,
    ok,
    result,
    seeded_container,
    short_id,
)
from quizdock.support import image_reference

if TYPE_CHECKING:
    from docker.models.images import Image

    from quizdock.lab.requests_log import Request


def _same_reference(a: str, b: str) -> bool:
    """Two image references name the same repository and tag (``snap`` is ``docker.io/library/snap:latest``)."""
    try:
        left, right = image_reference.parse(a), image_reference.parse(b)
    except ValueError:
        return a == b
    return (left.registry, left.familiar_path, left.version) == (right.registry, right.familiar_path, right.version)


def _joined(repository: str, tag: str) -> str:
    if not tag:
        return repository
    return f"{repository}@{tag}" if ":" in tag and tag.startswith("sha256") else f"{repository}:{tag}"


def _container_ref(ctx: Context, name: str) -> tuple[str, str]:
    """The container's ID (setup's, else the one under the name) and its name."""
    identifier, seeded = seeded_container(ctx, name)
    if seeded is not None:
        return seeded.id, name
    found = find_container(ctx, name)
    return (found.id if found is not None else identifier), name


# --------------------------------------------------------------------------- used by images.py


def commit_verdict(ctx: Context, image: Image, reference: str, name: str, wanted: str) -> tuple[bool, Text]:
    """Whether the image was made by a ``docker commit`` of that container, since setup."""
    record = ctx.record
    if isinstance(record, Text):
        return False, record
    commits = [r for r in requests_log.of_path(record, "POST", "/commit") if r.query.get("container")]
    of_it = [r for r in commits if requests_log.names(r.query["container"], wanted, name)]
    if not of_it:
        if commits:
            others = ", ".join(sorted({r.query["container"] for r in commits}))
            return False, bilingual("a commit of another container ({which})", which=others)
        return False, bilingual("no docker commit reached the daemon: it was not made by docker commit")
    tags = [r for r in record if r.method == "POST" and r.path.startswith("/images/") and r.path.endswith("/tag")]
    for commit in of_it:
        named = _joined(commit.query.get("repo", ""), commit.query.get("tag", ""))
        retagged = [
            t
            for t in tags
            if t.time >= commit.time
            and _same_reference(_joined(t.query.get("repo", ""), t.query.get("tag", "")), reference)
        ]
        if (commit.query.get("repo") and _same_reference(named, reference)) or retagged:
            return True, bilingual("docker commit of {name} ({id})", name=name, id=short_id(image.id))
    return False, bilingual(
        "{name} was committed, but not as {reference}: docker commit {name} {reference}", name=name, reference=reference
    )


def pull_verdict(ctx: Context, reference: str, digest: str | None) -> tuple[bool, Text]:
    """Whether a pull of ``reference`` reached the daemon since setup (its effect is checked apart)."""
    record = ctx.record
    if isinstance(record, Text):
        return False, record
    pulls = requests_log.of_path(record, "POST", "/images/create")
    for pull in pulls:
        source = pull.query.get("fromImage", "")
        if not source:
            continue  # an import (fromSrc), not a pull
        tag = pull.query.get("tag", "")
        asked = _joined(source, tag) if tag else source
        if _same_reference(asked, reference) or (digest and asked.endswith(f"@{digest}")):
            return True, bilingual("docker pull of {reference} (digest {digest})", reference=reference, digest=digest)
        try:
            whole = image_reference.parse(asked)
            wanted = image_reference.parse(reference)
        except ValueError:
            continue
        same_repository = (whole.registry, whole.familiar_path) == (wanted.registry, wanted.familiar_path)
        if same_repository and (pull.flag("all") or not tag):
            return True, bilingual("docker pull of {reference} (digest {digest})", reference=reference, digest=digest)
    return False, bilingual(
        "{reference} is there, but no docker pull of it reached the daemon: docker tag names an image,"
        " docker pull downloads it",
        reference=reference,
    )


# --------------------------------------------------------------------------- conditions


@condition
def logs_followed(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("the logs of {name} were followed (-f)", name=name)
    expected = bilingual("docker logs --follow {name}", name=name)
    record = ctx.record
    if isinstance(record, Text):
        return result("logs_followed", label, False, diff(expected, record))
    identifier, _ = _container_ref(ctx, name)
    reads = [r for r in requests_log.on_container(record, identifier, name, "logs") if r.method == "GET"]
    if any(r.flag("follow") for r in reads):
        return result("logs_followed", label, True, ok(expected))
    if reads:
        actual = bilingual("the logs were read without --follow: they stop at what was printed so far")
    else:
        actual = bilingual("no request for the logs of {name}", name=name)
    return result("logs_followed", label, False, diff(expected, actual))


def _event_times(ctx: Context, kind: str, action: str, identifiers: list[str]) -> dict[str, float]:
    """When each of these containers or images last had this event since setup (Docker's events:
    ``destroy``, ``die`` for containers, ``delete`` for images)."""
    since = ctx.state.since or 0
    stream = ctx.client.events(
        since=f"{since:.9f}",
        until=f"{time.time():.9f}",
        decode=True,
        filters={"type": kind, "event": action},
    )
    found: dict[str, float] = {}
    try:
        for event in stream:
            actor = str((event.get("Actor") or {}).get("ID") or "").removeprefix("sha256:")
            when = int(event.get("timeNano") or 0) / 1e9
            for identifier in identifiers:
                if actor and actor == identifier.removeprefix("sha256:"):
                    found[identifier] = when
    finally:
        stream.close()
    return found


def _removal_times(ctx: Context, kind: str, identifiers: list[str]) -> dict[str, float]:
    if kind == "containers":
        return _event_times(ctx, "container", "destroy", identifiers)
    return _event_times(ctx, "image", "delete", identifiers)


def _goals(ctx: Context, kind: str) -> dict[str, str]:
    """The challenge's items a prune of this kind is for: ID to a name the learner knows."""
    if kind == "containers":
        names = {identifier: name for name, identifier in ctx.state.containers.items()}
        return {identifier: names.get(identifier, short_id(identifier)) for identifier in ctx.state.stopped}
    return {identifier: key for key, identifier in ctx.state.seeds.items()}


def _may_name(record: list[Request], kind: str, delete: Request, goals: dict[str, str]) -> bool:
    """Whether a removal request may be of one of the goals. quizdock's own checks remove only
    their helper containers, never a goal: a container removal must name a goal (by a name it
    had, renamed or not, or by ID); an image removal may name a tag that is gone, so any counts."""
    if kind != "containers":
        return True
    reference = delete.parts()[1] if len(delete.parts()) > 1 else ""
    for identifier, name in goals.items():
        names = {name} | {
            r.query.get("name", "")
            for r in requests_log.on_container(record, identifier, name, "rename")
            if r.method == "POST"
        }
        if any(requests_log.names(reference, identifier, n) for n in names if n):
            return True
    return False


def _gone(ctx: Context, kind: str, identifier: str) -> bool:
    import docker.errors

    if kind == "images":
        return find_image(ctx, identifier) is None
    try:
        ctx.client.containers.get(identifier)
    except docker.errors.NotFound:
        return True
    return False


_PRUNED = {
    "containers": N_("the challenge's stopped containers went with a prune"),
    "images": N_("the challenge's images went with a prune"),
}


@condition
def pruned(ctx: Context, a: Args) -> CheckResult:
    kind = str(a["kind"])
    label = bilingual(_PRUNED[kind])
    expected = bilingual("docker {what} prune removed them", what=kind.removesuffix("s"))
    record = ctx.record
    if isinstance(record, Text):
        return result("pruned", label, False, diff(expected, record))
    goals = _goals(ctx, kind)
    gone = [identifier for identifier in goals if _gone(ctx, kind, identifier)]
    if not gone:
        return result("pruned", label, False, diff(expected, bilingual("none of them is gone")))
    removers = [
        r
        for r in record
        if (r.method == "POST" and r.path == f"/{kind}/prune")
        or (r.method == "DELETE" and r.path.startswith(f"/{kind}/") and _may_name(record, kind, r, goals))
    ]
    times = _removal_times(ctx, kind, gone)
    by_other: list[str] = []
    for identifier in gone:
        when = times.get(identifier)
        if when is None:
            actual = bilingual(
                "cannot tell how {name} went: Docker's event log no longer holds it", name=goals[identifier]
            )
            return result("pruned", label, False, diff(expected, actual))
        last = [r for r in removers if r.time <= when]
        if not last or last[-1].path != f"/{kind}/prune":
            by_other.append(goals[identifier])
    if by_other:
        actual = bilingual(
            "{names} removed one by one (docker rm / rmi), not by the prune", names=", ".join(sorted(by_other))
        )
        return result("pruned", label, False, diff(expected, actual))
    return result("pruned", label, True, ok(expected))


@condition
def volume_created(ctx: Context, a: Args) -> CheckResult:
    name = str(a["volume"])
    label = bilingual("volume {name} was made with docker volume create", name=name)
    expected = bilingual("docker volume create {name}", name=name)
    record = ctx.record
    if isinstance(record, Text):
        return result("volume_created", label, False, diff(expected, record))
    volume = find_volume(ctx, name)
    if volume is None:
        return result("volume_created", label, False, diff(expected, bilingual("no volume {name}", name=name)))
    creates = [
        r
        for r in requests_log.of_path(record, "POST", "/volumes/create")
        if r.body is None or str(r.body.get("Name") or "") == name
    ]
    made = requests_log.parse_time(str(volume.attrs.get("CreatedAt") or ""))
    # CreatedAt has whole seconds: the volume is no older than the request that made it.
    if any(made is None or made >= int(r.time) - 1 for r in creates):
        return result("volume_created", label, True, ok(expected))
    actual = bilingual(
        "{name} was made by a container that mounted it (docker run -v), not by docker volume create", name=name
    )
    return result("volume_created", label, False, diff(expected, actual))


@condition
def removed_with_volumes(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("{name} was removed with its anonymous volumes in one command", name=name)
    expected = bilingual("docker rm --volumes {name}", name=name)
    record = ctx.record
    if isinstance(record, Text):
        return result("removed_with_volumes", label, False, diff(expected, record))
    identifier, _ = _container_ref(ctx, name)
    if not _gone(ctx, "containers", identifier):
        return result("removed_with_volumes", label, False, diff(expected, bilingual("it is still there")))
    # The removal that took it: the last one asked before it went (an earlier one that failed,
    # a container still running without --force, does not count).
    went = _removal_times(ctx, "containers", [identifier]).get(identifier)
    deletes = [
        r
        for r in requests_log.on_container(record, identifier, name, "")
        if r.method == "DELETE" and (went is None or r.time <= went)
    ]
    if deletes and deletes[-1].flag("v"):
        return result("removed_with_volumes", label, True, ok(expected))
    if deletes:
        actual = bilingual("removed without --volumes: its anonymous volumes were left to remove one by one")
    else:
        actual = bilingual("not removed by docker rm (a prune does not take anonymous volumes along)")
    return result("removed_with_volumes", label, False, diff(expected, actual))


_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})


def _shell_script(config: Mapping[str, Any]) -> str | None:
    """The script of a shell started with ``-c`` (``sh -c 'echo hi'``), or None. The bytes typed
    into a container are not in any log: a shell given its work on the command line is how a
    terminal that nobody typed into shows."""
    words = [str(w) for w in (config.get("Entrypoint") or []) + (config.get("Cmd") or [])]
    for i, word in enumerate(words[:-1]):
        if word.rsplit("/", 1)[-1] in _SHELLS and words[i + 1] == "-c":
            return words[i + 2] if i + 2 < len(words) else ""
    return None


@condition
def interactive(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("{name} ran with your keyboard and a terminal attached (-i -t)", name=name)
    expected = bilingual("-i and -t, attached")
    container = find_container(ctx, name)
    if container is None:
        return result("interactive", label, False, diff(expected, bilingual("no container named {name}", name=name)))
    config = container.attrs.get("Config", {})
    missing = [flag for flag, key in (("-i", "OpenStdin"), ("-t", "Tty")) if not config.get(key)]
    if missing:
        flags = bilingual("-i and -t") if len(missing) == 2 else Text(fr=missing[0], en=missing[0])
        return result("interactive", label, False, diff(expected, bilingual("{flags} missing", flags=flags)))
    record = ctx.record
    if isinstance(record, Text):
        return result("interactive", label, False, diff(expected, record))
    attaches = requests_log.on_container(record, container.id, name, "attach")
    if not any(r.flag("stdin") and r.flag("stream") for r in attaches):
        actual = bilingual(
            "created with -i -t but never attached to your keyboard (docker start without -a -i, or run -d)"
        )
        return result("interactive", label, False, diff(expected, actual))
    script = _shell_script(config)
    if script is not None:
        actual = bilingual(
            "its shell ran a script given on the command line (-c {script}): nothing was typed into it",
            script=quoted_text(script[:60]),
        )
        return result("interactive", label, False, diff(expected, actual))
    return result("interactive", label, True, ok(expected))


@condition
def stop_asked(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("{name} was asked to stop (docker stop)", name=name)
    expected = bilingual("docker stop {name}", name=name)
    record = ctx.record
    if isinstance(record, Text):
        return result("stop_asked", label, False, diff(expected, record))
    identifier, _ = _container_ref(ctx, name)
    ended = _event_times(ctx, "container", "die", [identifier]).get(identifier) if identifier else None
    if ended is None:
        return result("stop_asked", label, False, diff(expected, bilingual("it has not stopped since setup")))
    # What ended its last run: the last stop or kill of it asked before it died (a stop of a
    # container already stopped changes nothing).
    asked = [
        r
        for action in ("stop", "kill")
        for r in requests_log.on_container(record, identifier, name, action)
        if r.method == "POST" and r.time <= ended
    ]
    last = max(asked, key=lambda r: r.time, default=None)
    if last is not None and last.parts()[-1] == "stop":
        return result("stop_asked", label, True, ok(expected))
    if last is not None:
        signal = last.query.get("signal") or "KILL"
        actual = bilingual(
            "killed with docker kill (SIG{signal}, at once): docker stop lets the process end cleanly first",
            signal=signal.removeprefix("SIG"),
        )
    else:
        actual = bilingual("no docker stop of {name} reached the daemon", name=name)
    return result("stop_asked", label, False, diff(expected, actual))
