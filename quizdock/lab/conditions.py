"""The fixed set of conditions a challenge's checks are made of.

Each condition reads the Docker daemon's state and returns a :class:`CheckResult` whose
message states what was expected and what was found, so that a near miss names the
difference. A check asserts the concept the task teaches, not a look-alike end state: a
removed container is the ID setup recorded, gone (a rename does not remove it); a pulled image
carries the registry's digest (a ``docker tag`` does not); a detached container was started
with no terminal attached (Docker's events tell an attached ``run`` from ``create`` + ``start``).
What the daemon cannot tell (one command or several, a name or a filter) is read from the
commands typed at quizdock's prompt (``typed_command``), when a session records them.

A resource that vanishes while it is being read (the learner removes a container during a
check) is read again; Docker SDK errors other than that propagate, and the runner turns them
into a clear :class:`~quizdock.errors.DockerUnavailable`.
"""

from __future__ import annotations

import base64
import functools
import http.client
import io
import json
import os
import re
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from quizdock import image_reference
from quizdock.i18n import N_, Text, bilingual, bilingual_n
from quizdock.lab.spec import DEFAULT_IMAGE as HELPER_IMAGE  # helper containers read files with it
from quizdock.lab.spec import ArgValue, Challenge

if TYPE_CHECKING:
    import docker
    from docker.models.containers import Container
    from docker.models.images import Image
    from docker.models.volumes import Volume

    from quizdock.lab.requests_log import Request
    from quizdock.lab.state import LabState

_ANONYMOUS = re.compile(r"^[0-9a-f]{64}$")
_ALL_INTERFACES = ("", "0.0.0.0", "::")
_NEVER = "0001-01-01T00:00:00Z"  # State.StartedAt of a container never started


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict of one check.

    Attributes:
        name: The condition's name (``published_port``).
        label: What is checked, in words (``qd-web publishes port 8123 → 80/tcp``).
        passed: The condition holds.
        message: On failure, expected vs actual; on success, what was found.
    """

    name: str
    label: Text
    passed: bool
    message: Text


@dataclass(frozen=True)
class Context:
    """What a condition may look at: the daemon and the challenge's setup state."""

    client: docker.DockerClient
    challenge: Challenge
    state: LabState

    @functools.cached_property
    def record(self) -> list[Request] | Text:
        """What the lab's engine received since setup (read once per evaluation), or why it cannot
        be read: on the learner's own Docker nothing records the requests."""
        from quizdock.lab.requests_log import NoRecord, read

        if not self.state.lab or not self.state.lab_container or self.state.since is None:
            return not_recorded()
        from quizdock.docker_client import connect
        from quizdock.errors import QuizdockError

        try:
            host = connect()
        except QuizdockError as error:
            return bilingual("the lab's request log cannot be read ({error})", error=str(error))
        try:
            return read(host, self.state.lab_container, self.state.since)
        except NoRecord as error:
            return bilingual(
                "the lab's request log cannot be read ({error}): run `quizdock lab down`, then try again",
                error=str(error),
            )
        finally:
            host.close()


def not_recorded() -> Text:
    return bilingual("not graded on your own Docker: only quizdock's lab records what Docker received")


Args = Mapping[str, ArgValue]
Condition = Callable[[Context, Args], CheckResult]
CONDITIONS: dict[str, Condition] = {}


VANISH_RETRIES = 3


def _condition(func: Condition) -> Condition:
    name = func.__name__.removeprefix("_")

    @functools.wraps(func)
    def robust(ctx: Context, a: Args) -> CheckResult:
        """The condition, read again when what it reads vanishes under it (404, or 409 "dead")."""
        import docker.errors

        detail = ""
        for attempt in range(VANISH_RETRIES):
            try:
                return func(ctx, a)
            except docker.errors.APIError as error:
                if error.status_code not in (404, 409):
                    raise
                explanation = error.explanation or str(error)
                detail = explanation.decode("utf-8", "replace") if isinstance(explanation, bytes) else explanation
                time.sleep(0.2 * (attempt + 1))
        what = " ".join(str(v) for v in a.values() if isinstance(v, str))
        label = _as_is(f"{name} {what}".strip())
        actual = bilingual("it keeps changing while being read ({detail})", detail=detail)
        return _result(name, label, False, _diff(bilingual("a settled state"), actual))

    CONDITIONS[name] = robust
    return robust


def _as_is(text: str) -> Text:
    """A text the same in every language (a name, an address)."""
    return Text(fr=text, en=text)


def _joined(texts: list[Text], fr: str, en: str) -> Text:
    return Text(fr=fr.join(x.fr for x in texts), en=en.join(x.en for x in texts))


def _result(name: str, label: Text, passed: bool, message: Text) -> CheckResult:
    return CheckResult(name=name, label=label, passed=passed, message=message)


def _diff(expected: Text, actual: Text) -> Text:
    return bilingual("expected: {expected}; actual: {actual}", expected=expected, actual=actual)


def _ok(found: Text) -> Text:
    return bilingual("found: {found}", found=found)


# --------------------------------------------------------------------------- lookups


def named_container(client: docker.DockerClient, name: str) -> Container | None:
    """The container with exactly this name, or None (``get`` alone also matches an ID prefix)."""
    import docker.errors

    try:
        container = client.containers.get(name)
    except docker.errors.NotFound:
        return None
    return container if container.name == name else None


def _container(ctx: Context, name: str) -> Container | None:
    return named_container(ctx.client, name)


def _image(ctx: Context, reference: str) -> Image | None:
    import docker.errors

    try:
        return ctx.client.images.get(reference)
    except (docker.errors.ImageNotFound, docker.errors.NotFound):
        return None


def _volume(ctx: Context, name: str) -> Volume | None:
    import docker.errors

    try:
        return ctx.client.volumes.get(name)
    except docker.errors.NotFound:
        return None


def short_id(identifier: str) -> str:
    return identifier.removeprefix("sha256:")[:12]


def _status(container: Container) -> Text:
    state = container.attrs.get("State", {})
    status = str(state.get("Status", "unknown"))
    return _status_words(status, state.get("ExitCode") if status == "exited" else None)


# Every state Docker gives a container (docker ps --filter status=...).
_STATUS_WORDS = {
    "running": N_("running"),
    "exited": N_("exited"),
    "created": N_("created"),
    "paused": N_("paused"),
    "restarting": N_("restarting"),
    "removing": N_("removing"),
    "dead": N_("dead"),
}


def _status_words(status: str, code: object = None) -> Text:
    """Docker's word for a container's state (French: the word, then Docker's own in brackets)."""
    if code is not None:
        if status == "exited":
            return bilingual("exited (code {code})", code=code)
        return bilingual("{status} (code {code})", status=_status_words(status), code=code)
    return bilingual(_STATUS_WORDS[status]) if status in _STATUS_WORDS else _as_is(status)


def _no_container(name: str) -> Text:
    return bilingual("no container named {name}", name=name)


# --------------------------------------------------------------------------- containers


@_condition
def _container_exists(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("container {name} exists", name=name)
    container = _container(ctx, name)
    if container is None:
        return _result(
            "container_exists",
            label,
            False,
            _diff(bilingual("a container named {name}", name=name), _no_container(name)),
        )
    if (other := _replaced(ctx, name, container)) is not None:
        return _result("container_exists", label, False, _diff(bilingual("the challenge's {name}", name=name), other))
    return _result("container_exists", label, True, _ok(_status(container)))


def _replaced(ctx: Context, name: str, container: Container) -> Text | None:
    """Why the container under this name is not the one setup created there, or None if it is."""
    identifier = ctx.state.containers.get(name, "")
    if not identifier or container.id == identifier:
        return None
    return bilingual(
        "{name} is another container ({id}): the challenge's one was removed", name=name, id=short_id(container.id)
    )


@_condition
def _container_absent(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("container {name} is gone", name=name)
    container = _container(ctx, name)
    if container is not None:
        return _result(
            "container_absent",
            label,
            False,
            _diff(_no_container(name), bilingual("it exists, {status}", status=_status(container))),
        )
    return _result("container_absent", label, True, _ok(_no_container(name)))


def _by_id(ctx: Context, identifier: str) -> Container | None:
    import docker.errors

    try:
        return ctx.client.containers.get(identifier)
    except docker.errors.NotFound:
        return None


def _seeded(ctx: Context, name: str) -> tuple[str, Container | None]:
    """The ID of the container setup created under this name, and that container if it still exists."""
    identifier = ctx.state.containers.get(name, "")
    return identifier, (_by_id(ctx, identifier) if identifier else None)


@_condition
def _container_removed(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("container {name} was removed", name=name)
    identifier, seeded = _seeded(ctx, name)
    expected = (
        bilingual("no container {id} ({name}) any more", id=short_id(identifier), name=name)
        if identifier
        else bilingual("no container {name}", name=name)
    )
    if not identifier:  # not made by setup: its name is all there is
        found = _container(ctx, name)
        if found is None:
            return _result("container_removed", label, True, _ok(expected))
        return _result("container_removed", label, False, _diff(expected, bilingual("it exists")))
    if seeded is None:
        return _result("container_removed", label, True, _ok(expected))
    if seeded.name != name:
        actual = bilingual("it still exists, renamed {name}: renaming does not remove", name=seeded.name)
    else:
        actual = bilingual("it exists, {status}", status=_status(seeded))
    return _result("container_removed", label, False, _diff(expected, actual))


@_condition
def _container_stopped(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("container {name} was stopped", name=name)
    identifier, seeded = _seeded(ctx, name)
    expected = bilingual("{name} ({id}) stopped", name=name, id=short_id(identifier))
    if seeded is None:
        other = _container(ctx, name)
        if other is not None:
            actual = bilingual(
                "the challenge's container was removed; {name} is another container ({id})",
                name=name,
                id=short_id(other.id),
            )
        else:
            actual = bilingual("it was removed, not just stopped")
        return _result("container_stopped", label, False, _diff(expected, actual))
    status = str(seeded.attrs.get("State", {}).get("Status", ""))
    if status == "exited":
        return _result("container_stopped", label, True, _ok(_status(seeded)))
    actual = _status(seeded)
    if status == "paused":
        actual = bilingual("paused (docker pause freezes, it does not stop)")
    return _result("container_stopped", label, False, _diff(expected, actual))


@_condition
def _container_started(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("{name} was started", name=name)
    expected = bilingual("started at least once (run, or create then start)")
    container = _container(ctx, name)
    if container is None:
        return _result("container_started", label, False, _diff(expected, _no_container(name)))
    state = container.attrs.get("State", {})
    if state.get("Running") or str(state.get("StartedAt") or _NEVER) != _NEVER:
        return _result("container_started", label, True, _ok(_status(container)))
    actual = bilingual("created, never started (docker create, no start)")
    return _result("container_started", label, False, _diff(expected, actual))


@_condition
def _container_status(ctx: Context, a: Args) -> CheckResult:
    name, status = str(a["container"]), str(a["status"])
    code = a.get("exit_code")
    expected = _status_words(status, code)
    label = bilingual("{name} is {status}", name=name, status=expected)
    container = _container(ctx, name)
    if container is None:
        return _result("container_status", label, False, _diff(expected, _no_container(name)))
    if (other := _replaced(ctx, name, container)) is not None:
        return _result("container_status", label, False, _diff(expected, other))
    state = container.attrs.get("State", {})
    passed = state.get("Status") == status and (code is None or state.get("ExitCode") == code)
    actual = _status(container)
    if not passed and status == "running" and state.get("Status") == "exited" and _attached(container):
        actual = bilingual("{actual}: started without -d, it stopped with your terminal", actual=actual)
    return _result("container_status", label, passed, _ok(actual) if passed else _diff(expected, actual))


def _attached(container: Container) -> bool:
    config = container.attrs.get("Config", {})
    return bool(config.get("AttachStdout") or config.get("AttachStderr"))


@_condition
def _container_image(ctx: Context, a: Args) -> CheckResult:
    name, reference = str(a["container"]), str(a["image"])
    label = bilingual("{name} runs image {reference}", name=name, reference=reference)
    container = _container(ctx, name)
    image = _image(ctx, reference)
    expected = bilingual("image {reference}", reference=reference)
    if container is None:
        return _result("container_image", label, False, _diff(expected, _no_container(name)))
    if image is None:
        return _result(
            "container_image",
            label,
            False,
            _diff(expected, bilingual("image {reference} is not on this Docker", reference=reference)),
        )
    used = str(container.attrs.get("Image", ""))
    written = str(container.attrs.get("Config", {}).get("Image", ""))
    if used == image.id:
        return _result(
            "container_image",
            label,
            True,
            _ok(bilingual("{written} (ID {used_id})", written=written, used_id=short_id(used))),
        )
    expected = bilingual("image {reference} (ID {id})", reference=reference, id=short_id(image.id))
    actual = bilingual("{written} (ID {used_id})", written=written, used_id=short_id(used))
    return _result("container_image", label, False, _diff(expected, actual))


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


@_condition
def _detached(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("{name} was started in the background (-d)", name=name)
    expected = bilingual("started detached (-d)")
    container = _container(ctx, name)
    if container is None:
        return _result("detached", label, False, _diff(expected, _no_container(name)))
    state = container.attrs.get("State", {})
    if not state.get("Running") and str(state.get("StartedAt") or _NEVER) == _NEVER:
        actual = bilingual("created, never started (docker create, no start)")
        return _result("detached", label, False, _diff(expected, actual))
    if not _attached(container):  # run -d
        return _result("detached", label, True, _ok(expected))
    attached = started_attached(ctx.client, container)
    if attached is False:  # create + start, or detached with Ctrl-P Ctrl-Q
        return _result("detached", label, True, _ok(bilingual("started with no terminal")))
    if attached is None:
        actual = bilingual(
            "cannot tell: this start is too old for Docker's event log"
            " (start it again: docker container restart {name})",
            name=name,
        )
    else:
        actual = bilingual("started attached to your terminal (no -d)")
    return _result("detached", label, False, _diff(expected, actual))


@_condition
def _tty_stdin(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("{name} has a terminal (-t) and open stdin (-i)", name=name)
    expected = bilingual("-i and -t")
    container = _container(ctx, name)
    if container is None:
        return _result("tty_stdin", label, False, _diff(expected, _no_container(name)))
    config = container.attrs.get("Config", {})
    missing = [flag for flag, key in (("-i", "OpenStdin"), ("-t", "Tty")) if not config.get(key)]
    if missing:
        flags = bilingual("-i and -t") if len(missing) == 2 else _as_is(missing[0])
        actual = bilingual("{flags} missing", flags=flags)
        return _result("tty_stdin", label, False, _diff(expected, actual))
    return _result("tty_stdin", label, True, _ok(expected))


def _address(ip: str) -> Text:
    if ip in _ALL_INTERFACES:
        return bilingual("all interfaces")
    return _as_is(ip)


def _binding(ip: str, host_port: str, key: str) -> Text:
    where = _address(ip)
    if not host_port:  # `-p :80` or `-p 80`: Docker picks the host port
        return bilingual("a random host port on {where} → {key}", where=where, key=key)
    return bilingual("port {host_port} on {where} → {key}", host_port=host_port, where=where, key=key)


@_condition
def _published_port(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    host_port, container_port = str(a["host_port"]), str(a["container_port"])
    protocol, host_ip = str(a.get("protocol", "tcp")), str(a.get("host_ip", "all"))
    key = f"{container_port}/{protocol}"
    want_all = host_ip == "all"
    expected = _binding("" if want_all else host_ip, host_port, key)
    label = bilingual("{name} publishes {expected}", name=name, expected=expected)
    container = _container(ctx, name)
    if container is None:
        return _result("published_port", label, False, _diff(expected, _no_container(name)))

    # HostConfig holds what -p/--publish asked for, running or not.
    bindings: dict[str, list[dict[str, str]]] = container.attrs.get("HostConfig", {}).get("PortBindings") or {}
    found = [
        (str(b.get("HostIp") or ""), str(b.get("HostPort") or ""), k)
        for k, items in bindings.items()
        for b in items or []
    ]

    def ip_ok(ip: str) -> bool:
        return ip in _ALL_INTERFACES if want_all else ip.strip("[]") == host_ip.strip("[]")

    if any(k == key and port == host_port and ip_ok(ip) for ip, port, k in found):
        return _result("published_port", label, True, _ok(expected))
    if not found:
        actual = bilingual("no port published (-p is needed at run time)")
        return _result("published_port", label, False, _diff(expected, actual))
    # Name the difference with the closest binding.
    ip, port, k = max(found, key=lambda f: (f[2] == key) * 4 + (f[1] == host_port) * 2 + ip_ok(f[0]))
    differences: list[Text] = []
    if k != key:
        differences.append(bilingual("container port {found} instead of {wanted}", found=k, wanted=key))
    if port != host_port:
        random = bilingual("(random)")
        differences.append(bilingual("host port {found} instead of {wanted}", found=port or random, wanted=host_port))
    if not ip_ok(ip):
        wanted = _address("" if want_all else host_ip)
        differences.append(bilingual("address {found} instead of {wanted}", found=_address(ip), wanted=wanted))
    actual = bilingual(
        "{bindings} — {differences}",
        bindings=_joined([_binding(*f) for f in found], "\u202f; ", "; "),
        differences=_joined(differences, ", ", ", "),
    )
    return _result("published_port", label, False, _diff(expected, actual))


ANSWER_TRIES = 5


def http_answer(port: int, *, timeout: float = 2) -> int | str:
    """The HTTP status ``GET http://127.0.0.1:PORT/`` gets (any status: a server answered), or why
    none came (a published port with no server behind it is accepted, then closed, by Docker)."""
    reason = ""
    for attempt in range(ANSWER_TRIES):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except (OSError, http.client.HTTPException) as error:
            reason = str(getattr(error, "reason", None) or error) or type(error).__name__
        time.sleep(0.3 * (attempt + 1))  # a server that is still starting
    return reason


@_condition
def _port_answers(ctx: Context, a: Args) -> CheckResult:
    port = int(str(a["port"]))
    label = bilingual("a web server answers on http://127.0.0.1:{port}/", port=port)
    expected = bilingual("an HTTP answer")
    answer = http_answer(port)
    if isinstance(answer, int):
        return _result("port_answers", label, True, _ok(bilingual("HTTP {status}", status=answer)))
    # `-p [::]:PORT:80` publishes on IPv6 only on Engine 28 and later: 127.0.0.1 does not reach it.
    actual = bilingual(
        "nothing answers ({reason}): no server listens behind port {port} of 127.0.0.1", reason=answer, port=port
    )
    return _result("port_answers", label, False, _diff(expected, actual))


def _mounts(container: Container) -> list[tuple[str, str, str]]:
    """``(kind, source, destination)`` for every mount; kind is volume/anonymous/bind/tmpfs."""
    found: list[tuple[str, str, str]] = []
    for m in container.attrs.get("Mounts") or []:
        kind = str(m.get("Type", ""))
        source = str(m.get("Name") or "") if kind == "volume" else str(m.get("Source") or "")
        if kind == "volume" and _ANONYMOUS.match(source):
            kind = "anonymous"
        found.append((kind, source, str(m.get("Destination", "")).rstrip("/") or "/"))
    # --tmpfs is in HostConfig.Tmpfs only; --mount type=tmpfs is in Mounts (and HostConfig.Mounts).
    tmpfs = container.attrs.get("HostConfig", {}).get("Tmpfs") or {}
    for destination in tmpfs:
        path = destination.rstrip("/") or "/"
        if ("tmpfs", "", path) not in found:
            found.append(("tmpfs", "", path))
    for m in container.attrs.get("HostConfig", {}).get("Mounts") or []:
        path = str(m.get("Target", "")).rstrip("/") or "/"
        if m.get("Type") == "tmpfs" and ("tmpfs", "", path) not in found:
            found.append(("tmpfs", "", path))
    return found


_MOUNT_WORDS = {
    "volume": N_("named volume {source} at {destination}"),
    "anonymous": N_("an anonymous volume at {destination}"),
    "bind": N_("host directory {source} (bind mount) at {destination}"),
    "tmpfs": N_("a tmpfs (in memory) at {destination}"),
}


def _mount_text(kind: str, source: str, destination: str) -> Text:
    message = _MOUNT_WORDS.get(kind, N_("{kind} {source} at {destination}"))
    return bilingual(message, kind=kind, source=source, destination=destination)


def _same_path(a: str, b: str) -> bool:
    return os.path.normpath(a) == os.path.normpath(b) or os.path.realpath(a) == os.path.realpath(b)


@_condition
def _mount(ctx: Context, a: Args) -> CheckResult:
    name, kind = str(a["container"]), str(a["type"])
    destination = str(a["destination"]).rstrip("/") or "/"
    source = str(a["source"]) if "source" in a else ""
    expected = _mount_text(kind, source or "?", destination)
    if kind in ("bind", "volume") and not source:
        expected = _mount_text(kind, "", destination)
    label = bilingual("{name} mounts {expected}", name=name, expected=expected)
    container = _container(ctx, name)
    if container is None:
        return _result("mount", label, False, _diff(expected, _no_container(name)))
    mounts = _mounts(container)
    at_destination = [m for m in mounts if m[2] == destination]
    for k, s, _ in at_destination:
        if k == kind and (
            not source or kind in ("anonymous", "tmpfs") or (s == source if kind == "volume" else _same_path(s, source))
        ):
            return _result("mount", label, True, _ok(expected))
    if at_destination:
        actual = _mount_text(*at_destination[0])
    elif mounts:
        texts = [_mount_text(*m) for m in mounts]
        actual = bilingual(
            "nothing at {destination}; mounts: {mounts}", destination=destination, mounts=_joined(texts, ", ", ", ")
        )
    else:
        actual = bilingual("no mounts")
    return _result("mount", label, False, _diff(expected, actual))


@_condition
def _logs_contain(ctx: Context, a: Args) -> CheckResult:
    name, text = str(a["container"]), str(a["text"])
    label = bilingual("the logs of {name} contain {text!r}", name=name, text=text)
    expected = bilingual("{text!r} in the logs", text=text)
    container = _container(ctx, name)
    if container is None:
        return _result("logs_contain", label, False, _diff(expected, _no_container(name)))
    logs = container.logs(stdout=True, stderr=True, tail=200).decode("utf-8", "replace")
    if text in logs:
        return _result("logs_contain", label, True, _ok(expected))
    lines = [line.strip() for line in logs.splitlines() if line.strip()]
    shown = " | ".join(lines[-3:])[:160]
    actual = bilingual("last lines: {shown}", shown=shown) if lines else bilingual("empty logs")
    return _result("logs_contain", label, False, _diff(expected, actual))


# --------------------------------------------------------------------------- images


def _similar_tags(ctx: Context, reference: str) -> list[str]:
    repository = image_reference.parse(reference).repository
    return sorted(tag for image in ctx.client.images.list(name=repository) for tag in image.tags)


@_condition
def _image_present(ctx: Context, a: Args) -> CheckResult:
    reference = str(a["image"])
    label = bilingual("image {reference} is present", reference=reference)
    expected = bilingual("image {reference}", reference=reference)
    image = _image(ctx, reference)
    if image is not None:
        return _result("image_present", label, True, _ok(bilingual("ID {id}", id=short_id(image.id))))
    others = _similar_tags(ctx, reference)
    if others:
        actual = bilingual("not that tag; this repository has: {others}", others=", ".join(others))
    else:
        actual = bilingual("no image by that name (docker image ls)")
    return _result("image_present", label, False, _diff(expected, actual))


@_condition
def _image_absent(ctx: Context, a: Args) -> CheckResult:
    reference = str(a["image"])
    label = bilingual("image {reference} is gone", reference=reference)
    expected = bilingual("no image {reference}", reference=reference)
    image = _image(ctx, reference)
    if image is None:
        return _result("image_absent", label, True, _ok(expected))
    actual = bilingual("it is there (ID {id})", id=short_id(image.id))
    return _result("image_absent", label, False, _diff(expected, actual))


@_condition
def _image_same(ctx: Context, a: Args) -> CheckResult:
    reference, other = str(a["image"]), str(a["as"])
    label = bilingual("{reference} is the same image as {other}", reference=reference, other=other)
    image, original = _image(ctx, reference), _image(ctx, other)
    if original is None:
        expected = bilingual("image {other}", other=other)
        return _result("image_same", label, False, _diff(expected, bilingual("missing")))
    expected = bilingual("{reference} with ID {id}", reference=reference, id=short_id(original.id))
    if image is None:
        return _result(
            "image_same", label, False, _diff(expected, bilingual("no image {reference}", reference=reference))
        )
    if image.id != original.id:
        actual = bilingual("another image (ID {id})", id=short_id(image.id))
        return _result("image_same", label, False, _diff(expected, actual))
    return _result("image_same", label, True, _ok(expected))


@_condition
def _image_derived(ctx: Context, a: Args) -> CheckResult:
    reference, base_ref = str(a["image"]), str(a["base"])
    path = str(a["file"]) if "file" in a else None
    text = str(a["text"]) if "text" in a else None
    if path and text:
        extra = bilingual("with file {path} containing {text!r}", path=path, text=text)
    elif path:
        extra = bilingual("with file {path}", path=path)
    if path:
        label = bilingual(
            "{reference} builds on {base_ref} {extra}", reference=reference, base_ref=base_ref, extra=extra
        )
        expected = bilingual("the layers of {base_ref}, then at least one more {extra}", base_ref=base_ref, extra=extra)
    else:
        label = bilingual("{reference} builds on {base_ref}", reference=reference, base_ref=base_ref)
        expected = bilingual("the layers of {base_ref}, then at least one more", base_ref=base_ref)
    image, base = _image(ctx, reference), _image(ctx, base_ref)
    if image is None or base is None:
        missing = reference if image is None else base_ref
        return _result("image_derived", label, False, _diff(expected, bilingual("no image {missing}", missing=missing)))
    layers = list(image.attrs.get("RootFS", {}).get("Layers") or [])
    base_layers = list(base.attrs.get("RootFS", {}).get("Layers") or [])
    if layers[: len(base_layers)] != base_layers:
        actual = bilingual("its layers do not start with those of {base_ref}", base_ref=base_ref)
        return _result("image_derived", label, False, _diff(expected, actual))
    if len(layers) == len(base_layers):
        actual = bilingual("the same layers as {base_ref}: nothing added", base_ref=base_ref)
        return _result("image_derived", label, False, _diff(expected, actual))
    content = read_file(ctx, image=image.id, path=path) if path is not None else ""
    if content is None:
        actual = bilingual("{path} does not exist in {reference}", path=path, reference=reference)
        return _result("image_derived", label, False, _diff(expected, actual))
    if text is not None and text not in content:
        shown = content.strip()[:80]
        actual = bilingual("{path} holds {shown!r}", path=path, shown=shown)
        return _result("image_derived", label, False, _diff(expected, actual))
    added = len(layers) - len(base_layers)
    found = bilingual_n("{count} layer added", "{count} layers added", added, count=added)
    return _result("image_derived", label, True, _ok(found))


@_condition
def _committed_from(ctx: Context, a: Args) -> CheckResult:
    reference, name = str(a["image"]), str(a["container"])
    label = bilingual("{reference} is a commit of container {name}", reference=reference, name=name)
    identifier, seeded = _seeded(ctx, name)
    container = seeded or _container(ctx, name)
    expected = bilingual("docker commit of {name}", name=name)
    image = _image(ctx, reference)
    if image is None:
        return _result(
            "committed_from", label, False, _diff(expected, bilingual("no image {reference}", reference=reference))
        )
    wanted = container.id if container is not None else identifier
    if ctx.state.lab:
        from quizdock.lab.recorded import commit_verdict

        passed, found = commit_verdict(ctx, image, reference, name, wanted)
        return _result("committed_from", label, passed, _ok(found) if passed else _diff(expected, found))
    if "Container" not in image.attrs:  # API 1.45 and later no longer say which container
        found = bilingual("{reference} exists; {not_graded}", reference=reference, not_graded=not_recorded())
        return _result("committed_from", label, True, _ok(found))
    source = str(image.attrs.get("Container") or "")
    if source and source == wanted:
        return _result("committed_from", label, True, _ok(expected))
    if not source:
        actual = bilingual("it was not made by docker commit")
    elif container is None and not identifier:
        actual = bilingual("no container {name} to compare with", name=name)
    else:
        other = _by_id(ctx, source)
        which = other.name if other is not None else short_id(source)
        actual = bilingual("a commit of another container ({which})", which=which)
    return _result("committed_from", label, False, _diff(expected, actual))


def _split_image(reference: str) -> tuple[str, str, str]:
    """``(registry, repository, tag)`` for ``127.0.0.1:5000/qd-app:1.0``; tag defaults to latest."""
    ref = image_reference.parse(reference)
    return ref.registry, ref.path, ref.version


_MANIFESTS = ", ".join(
    (
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    )
)


def registry_digest(state: LabState, repository: str, tag: str) -> str | None:
    """The digest the challenge's registry serves for ``repository:tag``, or None if it has none.

    Raises:
        OSError: The registry does not answer.
    """
    request = urllib.request.Request(f"http://{state.registry}/v2/{repository}/manifests/{tag}", method="HEAD")
    request.add_header("Accept", _MANIFESTS)
    if state.registry_auth:
        request.add_header("Authorization", _basic(state.values["registry_user"], state.values["registry_password"]))
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.headers.get("Docker-Content-Digest")
    except urllib.error.HTTPError:
        return None
    except http.client.HTTPException as error:
        raise OSError(str(error)) from None


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@_condition
def _image_pulled(ctx: Context, a: Args) -> CheckResult:
    reference = str(a["image"])
    registry, repository, tag = _split_image(reference)
    label = bilingual("{reference} was pulled from the registry", reference=reference)
    expected = bilingual("an image that came from {registry} (its digest)", registry=registry)
    try:
        digest = registry_digest(ctx.state, repository, tag) if ctx.state.registry == registry else None
    except OSError as error:
        digest = None
        if _image(ctx, reference) is None:
            actual = bilingual("the registry does not answer ({error})", error=error)
            return _result("image_pulled", label, False, _diff(expected, actual))
    pulled = _image(ctx, f"{registry}/{repository}@{digest}") if digest else None
    tagged = _image(ctx, reference)
    recorded = (tagged.attrs.get("RepoDigests") or []) if tagged is not None else []
    if pulled is None and digest is None and any(d.startswith(f"{registry}/{repository}@") for d in recorded):
        pulled = tagged  # the registry is away: trust the image's own record
    if tagged is not None and ctx.state.lab:
        # With the containerd image store a `docker tag` of the image the registry serves carries
        # its digest too: only the request tells the pull apart.
        from quizdock.lab.recorded import pull_verdict

        passed, found = pull_verdict(ctx, reference, digest)
        if not passed:
            return _result("image_pulled", label, False, _diff(expected, found))
        if pulled is not None:
            return _result("image_pulled", label, True, _ok(found))
    if pulled is not None:
        return _result("image_pulled", label, True, _ok(bilingual("digest {digest}", digest=digest or "?")))
    if tagged is None:
        actual = bilingual("no image {reference} (docker image pull)", reference=reference)
    else:
        digests = ", ".join(tagged.attrs.get("RepoDigests") or []) or "-"
        actual = bilingual(
            "{reference} exists but did not come from the registry (digests: {digests}):"
            " docker tag names an image, docker pull downloads it",
            reference=reference,
            digests=digests,
        )
    return _result("image_pulled", label, False, _diff(expected, actual))


def read_file(ctx: Context, *, image: str, path: str, volume: str | None = None) -> str | None:
    """The text of a file in an image (or in a volume mounted at ``/qd-volume``), or None.

    Reads through a created, never started, labelled helper container: nothing runs.
    """
    import docker.errors

    volumes = {volume: {"bind": "/qd-volume", "mode": "ro"}} if volume else None
    helper = ctx.client.containers.create(
        image, command=["true"], labels=ctx.challenge.labels(helper=True), volumes=volumes
    )
    try:
        target = f"/qd-volume/{path.lstrip('/')}" if volume else path
        try:
            chunks, _ = helper.get_archive(target)
        except docker.errors.NotFound:
            return None
        with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as archive:
            member = next((m for m in archive.getmembers() if m.isfile()), None)
            handle = archive.extractfile(member) if member else None
            return handle.read().decode("utf-8", "replace") if handle else ""
    finally:
        helper.remove(force=True)


# --------------------------------------------------------------------------- volumes


@_condition
def _volume_present(ctx: Context, a: Args) -> CheckResult:
    name = str(a["volume"])
    label = bilingual("volume {name} exists", name=name)
    if _volume(ctx, name) is None:
        expected = bilingual("a volume named {name}", name=name)
        return _result("volume_present", label, False, _diff(expected, bilingual("none (docker volume ls)")))
    return _result("volume_present", label, True, _ok(bilingual("volume {name}", name=name)))


@_condition
def _volume_absent(ctx: Context, a: Args) -> CheckResult:
    name = str(a["volume"])
    label = bilingual("volume {name} is gone", name=name)
    expected = bilingual("no volume {name}", name=name)
    if _volume(ctx, name) is not None:
        users = _volume_users(ctx, name)
        actual = bilingual("it exists, used by {users}", users=", ".join(users)) if users else bilingual("it exists")
        return _result("volume_absent", label, False, _diff(expected, actual))
    return _result("volume_absent", label, True, _ok(expected))


def _volume_users(ctx: Context, name: str) -> list[str]:
    return sorted(c.name for c in ctx.client.containers.list(all=True, filters={"volume": name}, ignore_removed=True))


@_condition
def _volume_file(ctx: Context, a: Args) -> CheckResult:
    name, path = str(a["volume"]), str(a["path"])
    text = str(a["text"]) if "text" in a else None
    if text:
        label = bilingual("volume {name} holds {path} containing {text!r}", name=name, path=path, text=text)
        expected = bilingual("{path} containing {text!r}", path=path, text=text)
    else:
        label = bilingual("volume {name} holds {path}", name=name, path=path)
        expected = _as_is(path)
    if _volume(ctx, name) is None:
        return _result("volume_file", label, False, _diff(expected, bilingual("no volume {name}", name=name)))
    content = read_file(ctx, image=HELPER_IMAGE, path=path, volume=name)
    if content is None:
        return _result(
            "volume_file", label, False, _diff(expected, bilingual("no {path} in {name}", path=path, name=name))
        )
    if text is not None and text not in content:
        shown = content.strip()[:80]
        return _result("volume_file", label, False, _diff(expected, bilingual("it holds {shown!r}", shown=shown)))
    return _result("volume_file", label, True, _ok(expected))


@_condition
def _volume_unused(ctx: Context, a: Args) -> CheckResult:
    name = str(a["volume"])
    label = bilingual("no container uses {name} any more", name=name)
    expected = bilingual("no container on {name}", name=name)
    users = _volume_users(ctx, name)
    if users:
        return _result(
            "volume_unused",
            label,
            False,
            _diff(expected, bilingual("used by {users}", users=", ".join(users))),
        )
    return _result("volume_unused", label, True, _ok(expected))


@_condition
def _anonymous_volumes_gone(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("the anonymous volumes of {name} are gone", name=name)
    names = ctx.state.anonymous_volumes.get(name, ())
    expected = bilingual("no anonymous volume of {name} left", name=name)
    left = [v for v in names if _volume(ctx, v) is not None]
    if left:
        shown = ", ".join(short_id(v) for v in left)
        actual = bilingual("still there: {shown} (docker rm without -v leaves them)", shown=shown)
        return _result("anonymous_volumes_gone", label, False, _diff(expected, actual))
    return _result("anonymous_volumes_gone", label, True, _ok(expected))


# --------------------------------------------------------------------------- registry


def registry_get(state: LabState, path: str, *, timeout: float = 5) -> tuple[int, Any]:
    """GET ``http://<registry><path>`` (Registry HTTP API v2) with the challenge's login.

    Returns:
        The HTTP status and the decoded JSON body (None when it is not JSON).
    """
    request = urllib.request.Request(f"http://{state.registry}{path}")
    if state.registry_auth:
        request.add_header("Authorization", _basic(state.values["registry_user"], state.values["registry_password"]))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except http.client.HTTPException as error:  # a registry stopping mid-answer
        raise OSError(str(error)) from None
    try:
        return status, json.loads(body)
    except ValueError:
        return status, None


@_condition
def _registry_has(ctx: Context, a: Args) -> CheckResult:
    repository, tag = str(a["repository"]), str(a["tag"])
    where = ctx.state.registry or "?"
    image = f"{repository}:{tag}"
    label = bilingual("registry {where} holds {image}", where=where, image=image)
    expected = bilingual("{image} in {where}", image=image, where=where)
    if ctx.state.registry is None:
        return _result("registry_has", label, False, _diff(expected, bilingual("no registry")))
    try:
        status, body = registry_get(ctx.state, f"/v2/{repository}/tags/list")
    except OSError as error:
        actual = bilingual("the registry does not answer ({error})", error=error)
        return _result("registry_has", label, False, _diff(expected, actual))
    tags = list(body.get("tags") or []) if status == 200 and isinstance(body, dict) else []
    if tag in tags and "image" in a:
        return _registry_same_image(ctx, label, expected, repository, tag, str(a["image"]))
    if tag in tags:
        return _result("registry_has", label, True, _ok(expected))
    if tags:
        actual = bilingual("{repository} has only: {tags}", repository=repository, tags=", ".join(sorted(tags)))
    else:
        actual = bilingual("no repository {repository} in the registry", repository=repository)
    return _result("registry_has", label, False, _diff(expected, actual))


def _registry_same_image(
    ctx: Context, label: Text, expected: Text, repository: str, tag: str, reference: str
) -> CheckResult:
    """The tag in the registry holds the layers of ``reference`` (compared by their content digests,
    which both the classic and the containerd image store keep: IDs differ between them)."""
    local = _image(ctx, reference)
    if local is None:
        return _result(
            "registry_has", label, False, _diff(expected, bilingual("no image {reference}", reference=reference))
        )
    try:
        pushed = registry_layers(ctx.state, repository, tag)
    except OSError as error:
        actual = bilingual("the registry does not answer ({error})", error=error)
        return _result("registry_has", label, False, _diff(expected, actual))
    wanted = list(local.attrs.get("RootFS", {}).get("Layers") or [])
    if pushed == wanted:
        return _result(
            "registry_has",
            label,
            True,
            _ok(bilingual("{expected}, the layers of {reference}", expected=expected, reference=reference)),
        )
    actual = bilingual(
        "{repository}:{tag} holds another image, not {reference}", repository=repository, tag=tag, reference=reference
    )
    return _result("registry_has", label, False, _diff(expected, actual))


def _registry_json(state: LabState, path: str) -> Any:
    request = urllib.request.Request(f"http://{state.registry}{path}")
    request.add_header("Accept", _MANIFESTS)
    if state.registry_auth:
        request.add_header("Authorization", _basic(state.values["registry_user"], state.values["registry_password"]))
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError:
        return None
    except (http.client.HTTPException, ValueError) as error:
        raise OSError(str(error)) from None


def registry_layers(state: LabState, repository: str, tag: str) -> list[str] | None:
    """The uncompressed layer digests (``rootfs.diff_ids``) of ``repository:tag`` in the challenge's
    registry (the Linux image of a multi-platform index), or None when it has no such image.

    Raises:
        OSError: The registry does not answer.
    """
    manifest = _registry_json(state, f"/v2/{repository}/manifests/{tag}")
    if isinstance(manifest, dict) and isinstance(manifest.get("manifests"), list):  # an index
        entries = [m for m in manifest["manifests"] if isinstance(m, dict)]
        linux = [m for m in entries if (m.get("platform") or {}).get("os") == "linux"] or entries
        manifest = _registry_json(state, f"/v2/{repository}/manifests/{linux[0].get('digest')}") if linux else None
    config = manifest.get("config") if isinstance(manifest, dict) else None
    if not isinstance(config, dict) or not config.get("digest"):
        return None
    blob = _registry_json(state, f"/v2/{repository}/blobs/{config['digest']}")
    rootfs = blob.get("rootfs") if isinstance(blob, dict) else None
    return [str(d) for d in rootfs.get("diff_ids") or []] if isinstance(rootfs, dict) else None


def client_config_dir(state: LabState | None) -> Path:
    """The docker CLI config folder of a challenge's commands: the lab's own, or the learner's."""
    from quizdock.docker_client import docker_config_dir

    return Path(state.docker_config) if state is not None and state.docker_config else docker_config_dir()


def recorded_login(registry: str, config_dir: Path | None = None) -> bool:
    """The docker CLI's config records a login for ``registry`` (``docker login`` wrote it).

    Args:
        registry: ``host:port``.
        config_dir: The CLI config folder (default: the learner's, ``$DOCKER_CONFIG`` or ~/.docker).
    """
    from quizdock.docker_client import docker_config_dir

    try:
        data = json.loads(((config_dir or docker_config_dir()) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    auths, helpers = data.get("auths"), data.get("credHelpers")
    # With a credentials store the secret is elsewhere, but `auths` still lists the registry.
    in_auths = isinstance(auths, dict) and any(
        key.removeprefix("http://").removeprefix("https://").rstrip("/") == registry for key in auths
    )
    return in_auths or (isinstance(helpers, dict) and registry in helpers)


@_condition
def _login_recorded(ctx: Context, a: Args) -> CheckResult:
    registry = str(a["registry"])
    folder = client_config_dir(ctx.state)
    config = folder / "config.json"
    label = bilingual("a login to {registry} is recorded", registry=registry)
    expected = bilingual("{registry} in {config}", registry=registry, config=config)
    if recorded_login(registry, folder):
        return _result("login_recorded", label, True, _ok(expected))
    actual = bilingual("no login to {registry} (docker login)", registry=registry)
    return _result("login_recorded", label, False, _diff(expected, actual))


def _server(key: str) -> str:
    return key.removeprefix("http://").removeprefix("https://").split("/", 1)[0]


_HELPER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def stored_credential(registry: str, config_dir: Path | None = None) -> tuple[str, str] | Text | Literal["none"]:
    """The user and password the docker CLI's config holds for ``registry``.

    Reads ``config.json`` in the client's config directory: the ``auths`` entry, or the
    credentials helper (``credHelpers``, ``credsStore``) that keeps the secret.

    Args:
        registry: ``host:port``.
        config_dir: The CLI config folder (default: the learner's, ``$DOCKER_CONFIG`` or ~/.docker).

    Returns:
        ``(user, password)``; ``"none"`` when no login was stored for it; else why the one stored
        cannot be used, in both languages.
    """
    from quizdock.docker_client import docker_config_dir

    path = (config_dir or docker_config_dir()) / "config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "none"  # no login was ever stored with this configuration
    except (OSError, ValueError):
        return bilingual("no readable {path}", path=path)
    if not isinstance(data, dict):
        return bilingual("{path} is not a docker config", path=path)
    auths = _table(data.get("auths"))
    helpers = _table(data.get("credHelpers"))
    entry = next((v for k, v in auths.items() if _server(k) == registry), None)
    if isinstance(entry, dict) and isinstance(entry.get("auth"), str) and entry["auth"]:
        try:
            user, sep, password = base64.b64decode(entry["auth"]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return bilingual("an unreadable auth entry")
        return (user, password) if sep else bilingual("an unreadable auth entry")
    helper = helpers.get(registry) or data.get("credsStore")
    if entry is None and registry not in helpers:
        return "none"
    if not isinstance(helper, str) or not helper:
        return bilingual("an entry with no secret and no credentials helper")
    if not _HELPER_NAME.match(helper):  # the config is untrusted: a name, never a path
        return bilingual("a credentials helper with an invalid name ({helper!r})", helper=helper[:40])
    try:
        done = subprocess.run(
            [f"docker-credential-{helper}", "get"], input=registry, capture_output=True, text=True, timeout=10
        )
        answer = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        return bilingual("the credentials helper docker-credential-{helper} has no secret for it", helper=helper)
    return str(answer.get("Username", "")), str(answer.get("Secret", ""))


def _accepted_by_registry(registry: str, user: str, password: str) -> int:
    """The registry's HTTP status for ``GET /v2/`` with this login (200: it accepts it)."""
    request = urllib.request.Request(f"http://{registry}/v2/")
    request.add_header("Authorization", _basic(user, password))
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except http.client.HTTPException as error:
        raise OSError(str(error)) from None


@_condition
def _login_stored(ctx: Context, a: Args) -> CheckResult:
    registry = str(a["registry"])
    folder = client_config_dir(ctx.state)
    config = folder / "config.json"
    label = bilingual("your credentials for {registry} are stored", registry=registry)
    expected = bilingual(
        "a login for {registry}, accepted by the registry, in {config}", registry=registry, config=config
    )
    found = stored_credential(registry, folder)
    if not isinstance(found, tuple):
        _, port = registry.rsplit(":", 1) if ":" in registry else (registry, "")
        others = _logins_for_port(port, folder) if port else []
        if found == "none" and others:
            actual = bilingual(
                "a login for {others}, not for {registry}:"
                " Docker finds a login by the registry's name as written in the image name",
                others=", ".join(others),
                registry=registry,
            )
        elif found == "none":
            actual = bilingual("no login for {registry} (docker login {registry})", registry=registry)
        else:
            actual = bilingual("no usable login: {found}", found=found)
        return _result("login_stored", label, False, _diff(expected, actual))
    user, password = found
    try:
        status = _accepted_by_registry(registry, user, password)
    except OSError as error:
        actual = bilingual("the registry does not answer ({error})", error=error)
        return _result("login_stored", label, False, _diff(expected, actual))
    if status == 200:
        return _result("login_stored", label, True, _ok(bilingual("logged in as {user}", user=user)))
    actual = bilingual("the stored login ({user}) is refused (HTTP {status})", user=user, status=status)
    return _result("login_stored", label, False, _diff(expected, actual))


def _logins_for_port(port: str, config_dir: Path) -> list[str]:
    try:
        data = json.loads((config_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    auths = _table(data.get("auths")) if isinstance(data, dict) else {}
    return sorted(_server(k) for k in auths if _server(k).endswith(f":{port}"))


# --------------------------------------------------------------------------- what setup seeded


@_condition
def _seeded_stopped_gone(ctx: Context, a: Args) -> CheckResult:
    label = bilingual("the challenge's stopped containers are gone")
    expected = bilingual("none of them")
    import docker.errors

    left: list[str] = []
    for identifier in ctx.state.stopped:
        try:
            left.append(ctx.client.containers.get(identifier).name)
        except docker.errors.NotFound:
            continue
    if left:
        return _result(
            "seeded_stopped_gone",
            label,
            False,
            _diff(expected, bilingual("still there: {left}", left=", ".join(left))),
        )
    return _result("seeded_stopped_gone", label, True, _ok(expected))


def _seed(ctx: Context, a: Args, *, present: bool) -> CheckResult:
    key = str(a["seed"])
    name = "seed_present" if present else "seed_absent"
    identifier = ctx.state.seeds.get(key, "")
    what = bilingual("image {key} ({id})", key=key, id=short_id(identifier))
    label = bilingual(N_("{what} is still there") if present else N_("{what} is gone"), what=what)
    exists = bool(identifier) and _image(ctx, identifier) is not None
    there, gone = bilingual("present"), bilingual("gone")
    if exists == present:
        return _result(name, label, True, _ok(there if present else gone))
    return _result(name, label, False, _diff(there if present else gone, there if exists else gone))


@_condition
def _seed_absent(ctx: Context, a: Args) -> CheckResult:
    return _seed(ctx, a, present=False)


@_condition
def _seed_present(ctx: Context, a: Args) -> CheckResult:
    return _seed(ctx, a, present=True)


# --------------------------------------------------------------------------- what the learner typed

_HEX = re.compile(r"^[0-9a-f]{4,64}$")
_NO_ANSWER = bilingual("no answer yet (type `answer` then your answer at quizdock's prompt)")


def _typed_answer(ctx: Context) -> str | None:
    answer = (ctx.state.answer or "").strip()
    return answer or None


def _hex_of(answer: str) -> str | None:
    """The hexadecimal ID (or ID prefix) an answer gives, or None if it is not one."""
    text = answer.strip().lower().removeprefix("sha256:")
    return text if _HEX.match(text) else None


@_condition
def _answer_image(ctx: Context, a: Args) -> CheckResult:
    reference = str(a["image"])
    label = bilingual("your answer is the ID of image {reference}", reference=reference)
    expected = bilingual("the ID of {reference} (IMAGE ID column)", reference=reference)
    answer = _typed_answer(ctx)
    if answer is None:
        return _result("answer_image", label, False, _diff(expected, _NO_ANSWER))
    image = _image(ctx, reference)
    if image is None:
        return _result(
            "answer_image", label, False, _diff(expected, bilingual("no image {reference}", reference=reference))
        )
    wanted = image.id.removeprefix("sha256:")
    given = _hex_of(answer)
    if given is not None and wanted.startswith(given):
        return _result("answer_image", label, True, _ok(bilingual("{answer}: that is it", answer=answer)))
    if _image(ctx, answer) is not None and given is None:
        actual = bilingual("{answer!r} is a name; the question asks for the ID", answer=answer)
        return _result("answer_image", label, False, _diff(expected, actual))
    owners = [i for i in ctx.client.api.images(all=True) if given and i["Id"].removeprefix("sha256:").startswith(given)]
    if owners:
        names = ", ".join(tag for tag in owners[0].get("RepoTags") or [] if tag != "<none>:<none>") or "<none>:<none>"
        actual = bilingual("{answer!r} is the ID of {names}", answer=answer, names=names)
    else:
        actual = bilingual("no image has the ID {answer!r}", answer=answer)
    return _result("answer_image", label, False, _diff(expected, actual))


@_condition
def _answer_container(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("your answer names the right container")
    identifier, container = _seeded(ctx, name)
    container = container or _container(ctx, name)
    status = _status(container) if container is not None else bilingual("removed")
    expected = bilingual("the container that is {status} (its name or ID)", status=status)
    answer = _typed_answer(ctx)
    if answer is None:
        return _result("answer_container", label, False, _diff(expected, _NO_ANSWER))
    wanted_id = container.id if container is not None else identifier
    given = answer.strip().lstrip("/")
    hex_id = _hex_of(given)
    if given == name or (hex_id is not None and wanted_id.startswith(hex_id)):
        return _result("answer_container", label, True, _ok(bilingual("{given}: that is it", given=given)))
    other = named_container(ctx.client, given)
    if other is None and hex_id is not None:
        other = next(
            (c for c in ctx.client.containers.list(all=True, ignore_removed=True) if c.id.startswith(hex_id)), None
        )
    if other is not None:
        actual = bilingual("{name}, which is {status}", name=other.name, status=_status(other))
    else:
        actual = bilingual("no container {given!r}", given=given)
    return _result("answer_container", label, False, _diff(expected, actual))


@_condition
def _answer_logged(ctx: Context, a: Args) -> CheckResult:
    name, prefix = str(a["container"]), str(a["prefix"])
    label = bilingual("your answer is the value {name} prints after {prefix!r}", name=name, prefix=prefix.strip())
    expected = bilingual("the value after {prefix!r} in the logs", prefix=prefix.strip())
    container = _seeded(ctx, name)[1] or _container(ctx, name)
    if container is None:
        return _result("answer_logged", label, False, _diff(expected, _no_container(name)))
    lines = [line.strip() for line in container.logs(stdout=True, stderr=True).decode("utf-8", "replace").splitlines()]
    value = next((line.removeprefix(prefix.strip()).strip() for line in lines if line.startswith(prefix.strip())), None)
    answer = _typed_answer(ctx)
    if answer is None:
        return _result("answer_logged", label, False, _diff(expected, _NO_ANSWER))
    given = answer.strip()
    if value is not None and given in (value, f"{prefix.strip()} {value}", f"{prefix.strip()}{value}"):
        return _result("answer_logged", label, True, _ok(bilingual("{value}: that is it", value=value)))
    if given in lines:
        actual = bilingual(
            "{given!r} is a line printed earlier: the value comes later (follow the logs: -f)", given=given
        )
    elif value is None:
        actual = bilingual("you typed {given!r}, but {name} has not printed the value yet", given=given, name=name)
    else:
        actual = bilingual("you typed {given!r}", given=given)
    return _result("answer_logged", label, False, _diff(expected, actual))


def _missing_parts(expected: Any, typed: Any) -> list[str]:
    """The options and arguments of ``expected`` that ``typed`` (the same command) lacks."""
    present = {po.option.long for po in typed.options if po.value != "false"}
    missing = [po.written for po in expected.options if po.option.long not in present]
    missing += [arg for arg in expected.args if "<" not in arg and arg not in typed.args]
    return missing


@_condition
def _typed_command(ctx: Context, a: Args) -> CheckResult:
    from quizdock.grading.commands import CommandSyntaxError, canonical_form, parse_command

    command = str(a["command"])
    instead_raw = a.get("instead", ())
    instead = instead_raw if isinstance(instead_raw, tuple) else ()
    label = bilingual("the command typed is {command}", command=command)
    expected_text = _as_is(f"`{command}`")
    wanted = parse_command(command)
    if not ctx.state.typed:
        seen = bilingual("no command typed at quizdock's prompt: not graded")
        return _result("typed_command", label, True, _ok(seen))
    other_paths = {parse_command(c).command.path for c in instead}
    same, other = [], []
    for line in ctx.state.typed:
        try:
            typed = parse_command(line)
        except CommandSyntaxError:
            continue
        if typed.command.path == wanted.command.path:
            same.append((line, _missing_parts(wanted, typed)))
        elif typed.command.path in other_paths:
            other.append(line)
    if any(not missing for _, missing in same):
        return _result("typed_command", label, True, _ok(expected_text))
    if same:
        line, missing = same[-1]
        actual = bilingual("`{line}`: {missing} missing", line=line, missing=", ".join(missing))
        return _result("typed_command", label, False, _diff(expected_text, actual))
    if other:
        shown = " ; ".join(f"`{line}`" for line in other)
        actual = bilingual("{shown}: the task asks for {expected}", shown=shown, expected=canonical_form(wanted))
        return _result("typed_command", label, False, _diff(expected_text, actual))
    return _result(
        "typed_command",
        label,
        True,
        _ok(bilingual("done outside quizdock's prompt: not graded")),
    )


# The conditions that read what the lab's engine received register themselves on import.
from quizdock.lab import recorded as _recorded  # noqa: E402, F401
