"""Conditions on a container: it exists or is gone, its state, its image, how it was started
(detached, with a terminal), what it logged."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from quizdock.i18n import Text, bilingual, quoted_text
from quizdock.lab.conditions.base import (
    Args,
    CheckResult,
    Context,
    as_is,
    condition,
    diff,
    find_container,
    find_image,
    no_container,
    ok,
    result,
    seeded_container,
    short_id,
    status_text,
    status_words,
)

if TYPE_CHECKING:
    import docker
    from docker.models.containers import Container

_NEVER = "0001-01-01T00:00:00Z"  # State.StartedAt of a container never started


@condition
def container_exists(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("container {name} exists", name=name)
    container = find_container(ctx, name)
    if container is None:
        return result(
            "container_exists",
            label,
            False,
            diff(bilingual("a container named {name}", name=name), no_container(name)),
        )
    if (other := _replaced(ctx, name, container)) is not None:
        return result("container_exists", label, False, diff(bilingual("the challenge's {name}", name=name), other))
    return result("container_exists", label, True, ok(status_text(container)))


def _replaced(ctx: Context, name: str, container: Container) -> Text | None:
    """Why the container under this name is not the one setup created there, or None if it is."""
    identifier = ctx.state.containers.get(name, "")
    if not identifier or container.id == identifier:
        return None
    return bilingual(
        "{name} is another container ({id}): the challenge's one was removed", name=name, id=short_id(container.id)
    )


@condition
def container_absent(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("container {name} is gone", name=name)
    container = find_container(ctx, name)
    if container is not None:
        return result(
            "container_absent",
            label,
            False,
            diff(no_container(name), bilingual("it exists, {status}", status=status_text(container))),
        )
    return result("container_absent", label, True, ok(no_container(name)))


@condition
def container_removed(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("container {name} was removed", name=name)
    identifier, seeded = seeded_container(ctx, name)
    expected = (
        bilingual("no container {id} ({name}) any more", id=short_id(identifier), name=name)
        if identifier
        else bilingual("no container {name}", name=name)
    )
    if not identifier:  # not made by setup: its name is all there is
        found = find_container(ctx, name)
        if found is None:
            return result("container_removed", label, True, ok(expected))
        return result("container_removed", label, False, diff(expected, bilingual("it exists")))
    if seeded is None:
        return result("container_removed", label, True, ok(expected))
    if seeded.name != name:
        actual = bilingual("it still exists, renamed {name}: renaming does not remove", name=seeded.name)
    else:
        actual = bilingual("it exists, {status}", status=status_text(seeded))
    return result("container_removed", label, False, diff(expected, actual))


@condition
def container_stopped(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("container {name} was stopped", name=name)
    identifier, seeded = seeded_container(ctx, name)
    expected = bilingual("{name} ({id}) stopped", name=name, id=short_id(identifier))
    if seeded is None:
        other = find_container(ctx, name)
        if other is not None:
            actual = bilingual(
                "the challenge's container was removed; {name} is another container ({id})",
                name=name,
                id=short_id(other.id),
            )
        else:
            actual = bilingual("it was removed, not just stopped")
        return result("container_stopped", label, False, diff(expected, actual))
    status = str(seeded.attrs.get("State", {}).get("Status", ""))
    if status == "exited":
        return result("container_stopped", label, True, ok(status_text(seeded)))
    actual = status_text(seeded)
    if status == "paused":
        actual = bilingual("paused (docker pause freezes, it does not stop)")
    return result("container_stopped", label, False, diff(expected, actual))


@condition
def container_started(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("{name} was started", name=name)
    expected = bilingual("started at least once (run, or create then start)")
    container = find_container(ctx, name)
    if container is None:
        return result("container_started", label, False, diff(expected, no_container(name)))
    state = container.attrs.get("State", {})
    if state.get("Running") or str(state.get("StartedAt") or _NEVER) != _NEVER:
        return result("container_started", label, True, ok(status_text(container)))
    actual = bilingual("created, never started (docker create, no start)")
    return result("container_started", label, False, diff(expected, actual))


@condition
def container_status(ctx: Context, a: Args) -> CheckResult:
    name, status = str(a["container"]), str(a["status"])
    code = a.get("exit_code")
    expected = status_words(status, code)
    label = bilingual("{name} is {status}", name=name, status=expected)
    container = find_container(ctx, name)
    if container is None:
        return result("container_status", label, False, diff(expected, no_container(name)))
    if (other := _replaced(ctx, name, container)) is not None:
        return result("container_status", label, False, diff(expected, other))
    state = container.attrs.get("State", {})
    passed = state.get("Status") == status and (code is None or state.get("ExitCode") == code)
    actual = status_text(container)
    if not passed and status == "running" and state.get("Status") == "exited" and _attached(container):
        actual = bilingual("{actual}: started without -d, it stopped with your terminal", actual=actual)
    return result("container_status", label, passed, ok(actual) if passed else diff(expected, actual))


def _attached(container: Container) -> bool:
    config = container.attrs.get("Config", {})
    return bool(config.get("AttachStdout") or config.get("AttachStderr"))


@condition
def container_image(ctx: Context, a: Args) -> CheckResult:
    name, reference = str(a["container"]), str(a["image"])
    label = bilingual("{name} runs image {reference}", name=name, reference=reference)
    container = find_container(ctx, name)
    image = find_image(ctx, reference)
    expected = bilingual("image {reference}", reference=reference)
    if container is None:
        return result("container_image", label, False, diff(expected, no_container(name)))
    if image is None:
        return result(
            "container_image",
            label,
            False,
            diff(expected, bilingual("image {reference} is not on this Docker", reference=reference)),
        )
    used = str(container.attrs.get("Image", ""))
    written = str(container.attrs.get("Config", {}).get("Image", ""))
    if used == image.id:
        return result(
            "container_image",
            label,
            True,
            ok(bilingual("{written} (ID {used_id})", written=written, used_id=short_id(used))),
        )
    expected = bilingual("image {reference} (ID {id})", reference=reference, id=short_id(image.id))
    actual = bilingual("{written} (ID {used_id})", written=written, used_id=short_id(used))
    return result("container_image", label, False, diff(expected, actual))


_RFC3339 = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")


def _timestamp(text: str) -> str:
    """A Docker RFC 3339 time (nanoseconds) as ``seconds.nanoseconds`` for the events API."""
    match = _RFC3339.match(text.strip())
    if match is None:
        return "0"
    zone = "+00:00" if match.group(3) == "Z" else match.group(3)
    seconds = int(datetime.fromisoformat(match.group(1) + zone).timestamp())
    return f"{seconds}.{(match.group(2) or '0')[:9]}"


def started_attached(client: docker.DockerClient, container: Container) -> bool | None:
    """Whether the container's current run began with a terminal attached, from Docker's events.

    ``docker run`` without ``-d`` and ``docker start -a`` attach before they start the
    container (an ``attach`` event, then ``start``); ``docker create`` + ``docker start`` and
    ``run -d`` do not; detaching with Ctrl-P Ctrl-Q logs a ``detach`` event. The configuration
    cannot tell them apart: ``create`` records AttachStdout as an attached ``run`` does.

    Returns:
        True or False, or None when Docker's event log (a bounded buffer) no longer holds the
        container's last start.
    """
    since = _timestamp(str(container.attrs.get("Created", "")))
    until = _timestamp(str(client.info().get("SystemTime", "")))
    stream = client.events(
        since=since, until=until, decode=True, filters={"container": container.id, "type": "container"}
    )
    current: bool | None = None
    pending = False
    try:
        for event in stream:
            action = str(event.get("Action") or event.get("status") or "")
            if action == "attach":
                pending = True
            elif action == "start":
                current, pending = pending, False
            elif action == "die":
                pending = False  # an attach ends with the process it was attached to
            elif action == "detach":
                current = False
    finally:
        stream.close()
    return current


@condition
def detached(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("{name} was started in the background (-d)", name=name)
    expected = bilingual("started detached (-d)")
    container = find_container(ctx, name)
    if container is None:
        return result("detached", label, False, diff(expected, no_container(name)))
    state = container.attrs.get("State", {})
    if not state.get("Running") and str(state.get("StartedAt") or _NEVER) == _NEVER:
        actual = bilingual("created, never started (docker create, no start)")
        return result("detached", label, False, diff(expected, actual))
    if not _attached(container):  # run -d
        return result("detached", label, True, ok(expected))
    attached = started_attached(ctx.client, container)
    if attached is False:  # create + start, or detached with Ctrl-P Ctrl-Q
        return result("detached", label, True, ok(bilingual("started with no terminal")))
    if attached is None:
        actual = bilingual(
            "cannot tell: this start is too old for Docker's event log"
            " (start it again: docker container restart {name})",
            name=name,
        )
    else:
        actual = bilingual("started attached to your terminal (no -d)")
    return result("detached", label, False, diff(expected, actual))


@condition
def tty_stdin(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("{name} has a terminal (-t) and open stdin (-i)", name=name)
    expected = bilingual("-i and -t")
    container = find_container(ctx, name)
    if container is None:
        return result("tty_stdin", label, False, diff(expected, no_container(name)))
    config = container.attrs.get("Config", {})
    missing = [flag for flag, key in (("-i", "OpenStdin"), ("-t", "Tty")) if not config.get(key)]
    if missing:
        flags = bilingual("-i and -t") if len(missing) == 2 else as_is(missing[0])
        actual = bilingual("{flags} missing", flags=flags)
        return result("tty_stdin", label, False, diff(expected, actual))
    return result("tty_stdin", label, True, ok(expected))


@condition
def logs_contain(ctx: Context, a: Args) -> CheckResult:
    name, text = str(a["container"]), str(a["text"])
    label = bilingual("the logs of {name} contain {text}", name=name, text=quoted_text(text))
    expected = bilingual("{text} in the logs", text=quoted_text(text))
    container = find_container(ctx, name)
    if container is None:
        return result("logs_contain", label, False, diff(expected, no_container(name)))
    logs = container.logs(stdout=True, stderr=True, tail=200).decode("utf-8", "replace")
    if text in logs:
        return result("logs_contain", label, True, ok(expected))
    lines = [line.strip() for line in logs.splitlines() if line.strip()]
    shown = " | ".join(lines[-3:])[:160]
    actual = bilingual("last lines: {shown}", shown=shown) if lines else bilingual("empty logs")
    return result("logs_contain", label, False, diff(expected, actual))
