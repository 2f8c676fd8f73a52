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
from typing import TYPE_CHECKING, Any

from quizdock import image_reference
from quizdock.i18n import Text
from quizdock.lab.spec import ArgValue, Challenge

if TYPE_CHECKING:
    import docker
    from docker.models.containers import Container
    from docker.models.images import Image
    from docker.models.volumes import Volume

    from quizdock.lab.state import LabState

HELPER_IMAGE = "busybox:latest"
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


@dataclass(frozen=True, slots=True)
class Context:
    """What a condition may look at: the daemon and the challenge's setup state."""

    client: docker.DockerClient
    challenge: Challenge
    state: LabState


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
        label = t(f"{name} {what}".strip(), f"{name} {what}".strip())
        actual = t(f"il change sous nos yeux ({detail})", f"it keeps changing while being read ({detail})")
        return _result(name, label, False, _diff(t("un état stable", "a settled state"), actual))

    CONDITIONS[name] = robust
    return robust


def t(fr: str, en: str) -> Text:
    return Text(fr=fr, en=en)


def _result(name: str, label: Text, passed: bool, message: Text) -> CheckResult:
    return CheckResult(name=name, label=label, passed=passed, message=message)


def _diff(expected: Text, actual: Text) -> Text:
    return t(f"attendu : {expected.fr} ; constaté : {actual.fr}", f"expected: {expected.en}; actual: {actual.en}")


def _ok(found: Text) -> Text:
    return t(f"constaté : {found.fr}", f"found: {found.en}")


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
    if status == "exited":
        code = state.get("ExitCode")
        return t(f"arrêté (exited, code {code})", f"exited (code {code})")
    words = {"running": ("en marche (running)", "running"), "created": ("créé, jamais lancé (created)", "created")}
    fr, en = words.get(status, (status, status))
    return t(fr, en)


def _no_container(name: str) -> Text:
    return t(f"aucun conteneur nommé {name}", f"no container named {name}")


# --------------------------------------------------------------------------- containers


@_condition
def _container_exists(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = t(f"le conteneur {name} existe", f"container {name} exists")
    container = _container(ctx, name)
    if container is None:
        return _result(
            "container_exists",
            label,
            False,
            _diff(t(f"un conteneur nommé {name}", f"a container named {name}"), _no_container(name)),
        )
    return _result("container_exists", label, True, _ok(_status(container)))


@_condition
def _container_absent(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = t(f"le conteneur {name} n'existe plus", f"container {name} is gone")
    container = _container(ctx, name)
    if container is not None:
        return _result(
            "container_absent",
            label,
            False,
            _diff(_no_container(name), t(f"il existe, {_status(container).fr}", f"it exists, {_status(container).en}")),
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
    label = t(f"le conteneur {name} a été supprimé", f"container {name} was removed")
    identifier, seeded = _seeded(ctx, name)
    expected = t(
        f"plus de conteneur {short_id(identifier)} ({name})" if identifier else f"plus de conteneur {name}",
        f"no container {short_id(identifier)} ({name}) any more" if identifier else f"no container {name}",
    )
    if not identifier:  # not made by setup: its name is all there is
        found = _container(ctx, name)
        if found is None:
            return _result("container_removed", label, True, _ok(expected))
        return _result("container_removed", label, False, _diff(expected, t("il existe", "it exists")))
    if seeded is None:
        return _result("container_removed", label, True, _ok(expected))
    if seeded.name != name:
        actual = t(
            f"il existe toujours, renommé {seeded.name} : renommer ne supprime pas",
            f"it still exists, renamed {seeded.name}: renaming does not remove",
        )
    else:
        actual = t(f"il existe, {_status(seeded).fr}", f"it exists, {_status(seeded).en}")
    return _result("container_removed", label, False, _diff(expected, actual))


@_condition
def _container_stopped(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = t(f"le conteneur {name} a été arrêté", f"container {name} was stopped")
    identifier, seeded = _seeded(ctx, name)
    expected = t(f"{name} ({short_id(identifier)}) arrêté, pas supprimé", f"{name} ({short_id(identifier)}) stopped")
    if seeded is None:
        other = _container(ctx, name)
        if other is not None:
            actual = t(
                f"le conteneur du défi a été supprimé ; {name} est un autre conteneur ({short_id(other.id)})",
                f"the challenge's container was removed; {name} is another container ({short_id(other.id)})",
            )
        else:
            actual = t("il a été supprimé, pas seulement arrêté", "it was removed, not just stopped")
        return _result("container_stopped", label, False, _diff(expected, actual))
    status = str(seeded.attrs.get("State", {}).get("Status", ""))
    if status == "exited":
        return _result("container_stopped", label, True, _ok(_status(seeded)))
    actual = _status(seeded)
    if status == "paused":
        actual = t("en pause (docker pause gèle, n'arrête pas)", "paused (docker pause freezes, it does not stop)")
    return _result("container_stopped", label, False, _diff(expected, actual))


@_condition
def _container_started(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = t(f"{name} a été lancé", f"{name} was started")
    expected = t(
        "lancé au moins une fois (run, ou create puis start)", "started at least once (run, or create then start)"
    )
    container = _container(ctx, name)
    if container is None:
        return _result("container_started", label, False, _diff(expected, _no_container(name)))
    state = container.attrs.get("State", {})
    if state.get("Running") or str(state.get("StartedAt") or _NEVER) != _NEVER:
        return _result("container_started", label, True, _ok(_status(container)))
    actual = t("créé mais jamais lancé (docker create sans start)", "created, never started (docker create, no start)")
    return _result("container_started", label, False, _diff(expected, actual))


@_condition
def _container_status(ctx: Context, a: Args) -> CheckResult:
    name, status = str(a["container"]), str(a["status"])
    code = a.get("exit_code")
    want_en = status + (f" (code {code})" if code is not None else "")
    want_fr = {"running": "en marche (running)", "exited": "arrêté (exited)", "created": "créé (created)"}.get(
        status, status
    ) + (f", code {code}" if code is not None else "")
    label = t(f"{name} est {want_fr}", f"{name} is {want_en}")
    expected = t(want_fr, want_en)
    container = _container(ctx, name)
    if container is None:
        return _result("container_status", label, False, _diff(expected, _no_container(name)))
    state = container.attrs.get("State", {})
    passed = state.get("Status") == status and (code is None or state.get("ExitCode") == code)
    actual = _status(container)
    if not passed and status == "running" and state.get("Status") == "exited" and _attached(container):
        actual = t(
            f"{actual.fr} : lancé sans -d, il s'est arrêté avec votre terminal",
            f"{actual.en}: started without -d, it stopped with your terminal",
        )
    return _result("container_status", label, passed, _ok(actual) if passed else _diff(expected, actual))


def _attached(container: Container) -> bool:
    config = container.attrs.get("Config", {})
    return bool(config.get("AttachStdout") or config.get("AttachStderr"))


@_condition
def _container_image(ctx: Context, a: Args) -> CheckResult:
    name, reference = str(a["container"]), str(a["image"])
    label = t(f"{name} tourne à partir de l'image {reference}", f"{name} runs image {reference}")
    container = _container(ctx, name)
    image = _image(ctx, reference)
    expected = t(f"l'image {reference}", f"image {reference}")
    if container is None:
        return _result("container_image", label, False, _diff(expected, _no_container(name)))
    if image is None:
        return _result(
            "container_image",
            label,
            False,
            _diff(expected, t(f"l'image {reference} n'existe pas ici", f"image {reference} is not on this Docker")),
        )
    used = str(container.attrs.get("Image", ""))
    written = str(container.attrs.get("Config", {}).get("Image", ""))
    if used == image.id:
        return _result(
            "container_image",
            label,
            True,
            _ok(t(f"{written} (ID {short_id(used)})", f"{written} (ID {short_id(used)})")),
        )
    expected = t(f"l'image {reference} (ID {short_id(image.id)})", f"image {reference} (ID {short_id(image.id)})")
    actual = t(f"{written} (ID {short_id(used)})", f"{written} (ID {short_id(used)})")
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
    label = t(f"{name} a été lancé en arrière-plan (-d)", f"{name} was started in the background (-d)")
    expected = t("lancé détaché du terminal (-d)", "started detached (-d)")
    container = _container(ctx, name)
    if container is None:
        return _result("detached", label, False, _diff(expected, _no_container(name)))
    state = container.attrs.get("State", {})
    if not state.get("Running") and str(state.get("StartedAt") or _NEVER) == _NEVER:
        actual = t("créé, jamais lancé (docker create sans start)", "created, never started (docker create, no start)")
        return _result("detached", label, False, _diff(expected, actual))
    if not _attached(container):  # run -d
        return _result("detached", label, True, _ok(expected))
    attached = started_attached(ctx.client, container)
    if attached is False:  # create + start, or detached with Ctrl-P Ctrl-Q
        return _result("detached", label, True, _ok(t("démarré sans terminal attaché", "started with no terminal")))
    if attached is None:
        actual = t(
            "impossible à dire : ce démarrage est trop ancien pour le journal des événements de Docker"
            f" (relancez-le : docker container restart {name})",
            f"cannot tell: this start is too old for Docker's event log (start it again: docker container restart"
            f" {name})",
        )
    else:
        actual = t("lancé attaché à votre terminal (sans -d)", "started attached to your terminal (no -d)")
    return _result("detached", label, False, _diff(expected, actual))


@_condition
def _tty_stdin(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = t(
        f"{name} a un terminal (-t) et une entrée ouverte (-i)", f"{name} has a terminal (-t) and open stdin (-i)"
    )
    expected = t("-i et -t", "-i and -t")
    container = _container(ctx, name)
    if container is None:
        return _result("tty_stdin", label, False, _diff(expected, _no_container(name)))
    config = container.attrs.get("Config", {})
    missing = [flag for flag, key in (("-i", "OpenStdin"), ("-t", "Tty")) if not config.get(key)]
    if missing:
        actual = t(f"il manque {' et '.join(missing)}", f"{' and '.join(missing)} missing")
        return _result("tty_stdin", label, False, _diff(expected, actual))
    return _result("tty_stdin", label, True, _ok(expected))


def _address(ip: str) -> Text:
    if ip in _ALL_INTERFACES:
        return t("toutes les interfaces", "all interfaces")
    return t(ip, ip)


def _binding(ip: str, host_port: str, key: str) -> Text:
    where = _address(ip)
    return t(f"port {host_port} sur {where.fr} → {key}", f"port {host_port} on {where.en} → {key}")


@_condition
def _published_port(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    host_port, container_port = str(a["host_port"]), str(a["container_port"])
    protocol, host_ip = str(a.get("protocol", "tcp")), str(a.get("host_ip", "all"))
    key = f"{container_port}/{protocol}"
    want_all = host_ip == "all"
    expected = _binding("" if want_all else host_ip, host_port, key)
    label = t(f"{name} publie {expected.fr}", f"{name} publishes {expected.en}")
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
        actual = t("aucun port publié (il faut -p au lancement)", "no port published (-p is needed at run time)")
        return _result("published_port", label, False, _diff(expected, actual))
    # Name the difference with the closest binding.
    ip, port, k = max(found, key=lambda f: (f[2] == key) * 4 + (f[1] == host_port) * 2 + ip_ok(f[0]))
    differences_fr, differences_en = [], []
    if k != key:
        differences_fr.append(f"port du conteneur {k} au lieu de {key}")
        differences_en.append(f"container port {k} instead of {key}")
    if port != host_port:
        differences_fr.append(f"port de l'hôte {port or '(aléatoire)'} au lieu de {host_port}")
        differences_en.append(f"host port {port or '(random)'} instead of {host_port}")
    if not ip_ok(ip):
        differences_fr.append(f"adresse {_address(ip).fr} au lieu de {_address('' if want_all else host_ip).fr}")
        differences_en.append(f"address {_address(ip).en} instead of {_address('' if want_all else host_ip).en}")
    listed = [_binding(*f) for f in found]
    actual = t(
        "; ".join(x.fr for x in listed) + " — " + ", ".join(differences_fr),
        "; ".join(x.en for x in listed) + " — " + ", ".join(differences_en),
    )
    return _result("published_port", label, False, _diff(expected, actual))


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
    "volume": ("le volume nommé {s}", "named volume {s}"),
    "anonymous": ("un volume anonyme", "an anonymous volume"),
    "bind": ("le dossier de l'hôte {s} (bind mount)", "host directory {s} (bind mount)"),
    "tmpfs": ("un tmpfs (en mémoire)", "a tmpfs (in memory)"),
}


def _mount_text(kind: str, source: str, destination: str) -> Text:
    fr, en = _MOUNT_WORDS.get(kind, (kind + " {s}", kind + " {s}"))
    return t(fr.format(s=source) + f" sur {destination}", en.format(s=source) + f" at {destination}")


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
    label = t(f"{name} monte {expected.fr}", f"{name} mounts {expected.en}")
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
        actual = t(
            f"rien sur {destination} ; montages : " + ", ".join(x.fr for x in texts),
            f"nothing at {destination}; mounts: " + ", ".join(x.en for x in texts),
        )
    else:
        actual = t("aucun montage", "no mounts")
    return _result("mount", label, False, _diff(expected, actual))


@_condition
def _logs_contain(ctx: Context, a: Args) -> CheckResult:
    name, text = str(a["container"]), str(a["text"])
    label = t(f"les logs de {name} contiennent « {text} »", f"the logs of {name} contain {text!r}")
    expected = t(f"« {text} » dans les logs", f"{text!r} in the logs")
    container = _container(ctx, name)
    if container is None:
        return _result("logs_contain", label, False, _diff(expected, _no_container(name)))
    logs = container.logs(stdout=True, stderr=True, tail=200).decode("utf-8", "replace")
    if text in logs:
        return _result("logs_contain", label, True, _ok(expected))
    lines = [line.strip() for line in logs.splitlines() if line.strip()]
    shown = " | ".join(lines[-3:])[:160]
    actual = t(f"dernières lignes : {shown}", f"last lines: {shown}") if lines else t("des logs vides", "empty logs")
    return _result("logs_contain", label, False, _diff(expected, actual))


# --------------------------------------------------------------------------- images


def _similar_tags(ctx: Context, reference: str) -> list[str]:
    repository = image_reference.parse(reference).repository
    return sorted(tag for image in ctx.client.images.list(name=repository) for tag in image.tags)


@_condition
def _image_present(ctx: Context, a: Args) -> CheckResult:
    reference = str(a["image"])
    label = t(f"l'image {reference} est présente", f"image {reference} is present")
    expected = t(f"l'image {reference}", f"image {reference}")
    image = _image(ctx, reference)
    if image is not None:
        return _result("image_present", label, True, _ok(t(f"ID {short_id(image.id)}", f"ID {short_id(image.id)}")))
    others = _similar_tags(ctx, reference)
    if others:
        actual = t(
            f"pas ce tag ; ce dépôt a : {', '.join(others)}", f"not that tag; this repository has: {', '.join(others)}"
        )
    else:
        actual = t("aucune image de ce nom (docker image ls)", "no image by that name (docker image ls)")
    return _result("image_present", label, False, _diff(expected, actual))


@_condition
def _image_absent(ctx: Context, a: Args) -> CheckResult:
    reference = str(a["image"])
    label = t(f"l'image {reference} a été supprimée", f"image {reference} is gone")
    expected = t(f"plus d'image {reference}", f"no image {reference}")
    image = _image(ctx, reference)
    if image is None:
        return _result("image_absent", label, True, _ok(expected))
    actual = t(f"elle est là (ID {short_id(image.id)})", f"it is there (ID {short_id(image.id)})")
    return _result("image_absent", label, False, _diff(expected, actual))


@_condition
def _image_same(ctx: Context, a: Args) -> CheckResult:
    reference, other = str(a["image"]), str(a["as"])
    label = t(f"{reference} est la même image que {other}", f"{reference} is the same image as {other}")
    image, original = _image(ctx, reference), _image(ctx, other)
    if original is None:
        expected = t(f"l'image {other}", f"image {other}")
        return _result("image_same", label, False, _diff(expected, t("absente", "missing")))
    expected = t(f"{reference} avec l'ID {short_id(original.id)}", f"{reference} with ID {short_id(original.id)}")
    if image is None:
        return _result(
            "image_same", label, False, _diff(expected, t(f"pas d'image {reference}", f"no image {reference}"))
        )
    if image.id != original.id:
        actual = t(f"une autre image (ID {short_id(image.id)})", f"another image (ID {short_id(image.id)})")
        return _result("image_same", label, False, _diff(expected, actual))
    return _result("image_same", label, True, _ok(expected))


@_condition
def _image_derived(ctx: Context, a: Args) -> CheckResult:
    reference, base_ref = str(a["image"]), str(a["base"])
    path = str(a["file"]) if "file" in a else None
    text = str(a["text"]) if "text" in a else None
    extra_fr = f" avec le fichier {path}" if path else ""
    extra_en = f" with file {path}" if path else ""
    if path and text:
        extra_fr, extra_en = extra_fr + f" contenant « {text} »", extra_en + f" containing {text!r}"
    label = t(f"{reference} est bâtie sur {base_ref}{extra_fr}", f"{reference} builds on {base_ref}{extra_en}")
    expected = t(
        f"les couches de {base_ref} puis au moins une de plus{extra_fr}",
        f"the layers of {base_ref}, then at least one more{extra_en}",
    )
    image, base = _image(ctx, reference), _image(ctx, base_ref)
    if image is None or base is None:
        missing = reference if image is None else base_ref
        return _result(
            "image_derived", label, False, _diff(expected, t(f"pas d'image {missing}", f"no image {missing}"))
        )
    layers = list(image.attrs.get("RootFS", {}).get("Layers") or [])
    base_layers = list(base.attrs.get("RootFS", {}).get("Layers") or [])
    if layers[: len(base_layers)] != base_layers:
        actual = t(
            f"ses couches ne commencent pas par celles de {base_ref}",
            f"its layers do not start with those of {base_ref}",
        )
        return _result("image_derived", label, False, _diff(expected, actual))
    if len(layers) == len(base_layers):
        actual = t(f"les mêmes couches que {base_ref} : rien d'ajouté", f"the same layers as {base_ref}: nothing added")
        return _result("image_derived", label, False, _diff(expected, actual))
    content = read_file(ctx, image=image.id, path=path) if path is not None else ""
    if content is None:
        actual = t(f"{path} n'existe pas dans {reference}", f"{path} does not exist in {reference}")
        return _result("image_derived", label, False, _diff(expected, actual))
    if text is not None and text not in content:
        shown = content.strip()[:80]
        actual = t(f"{path} contient « {shown} »", f"{path} holds {shown!r}")
        return _result("image_derived", label, False, _diff(expected, actual))
    found = t(
        f"{len(layers) - len(base_layers)} couche(s) ajoutée(s)", f"{len(layers) - len(base_layers)} layer(s) added"
    )
    return _result("image_derived", label, True, _ok(found))


@_condition
def _committed_from(ctx: Context, a: Args) -> CheckResult:
    reference, name = str(a["image"]), str(a["container"])
    label = t(f"{reference} est un commit du conteneur {name}", f"{reference} is a commit of container {name}")
    identifier, seeded = _seeded(ctx, name)
    container = seeded or _container(ctx, name)
    expected = t(f"docker commit de {name}", f"docker commit of {name}")
    image = _image(ctx, reference)
    if image is None:
        return _result(
            "committed_from", label, False, _diff(expected, t(f"pas d'image {reference}", f"no image {reference}"))
        )
    source = str(image.attrs.get("Container") or "")
    wanted = container.id if container is not None else identifier
    if source and source == wanted:
        return _result("committed_from", label, True, _ok(expected))
    if not source:
        actual = t("elle n'a pas été faite par docker commit", "it was not made by docker commit")
    elif container is None and not identifier:
        actual = t(f"pas de conteneur {name} à comparer", f"no container {name} to compare with")
    else:
        other = _by_id(ctx, source)
        which = other.name if other is not None else short_id(source)
        actual = t(f"commit d'un autre conteneur ({which})", f"a commit of another container ({which})")
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
    label = t(f"{reference} a été téléchargée du registre", f"{reference} was pulled from the registry")
    expected = t(f"une image venue de {registry} (son digest)", f"an image that came from {registry} (its digest)")
    try:
        digest = registry_digest(ctx.state, repository, tag) if ctx.state.registry == registry else None
    except OSError as error:
        digest = None
        if _image(ctx, reference) is None:
            actual = t(f"le registre ne répond pas ({error})", f"the registry does not answer ({error})")
            return _result("image_pulled", label, False, _diff(expected, actual))
    pulled = _image(ctx, f"{registry}/{repository}@{digest}") if digest else None
    tagged = _image(ctx, reference)
    recorded = (tagged.attrs.get("RepoDigests") or []) if tagged is not None else []
    if pulled is None and digest is None and any(d.startswith(f"{registry}/{repository}@") for d in recorded):
        pulled = tagged  # the registry is away: trust the image's own record
    if pulled is not None:
        return _result("image_pulled", label, True, _ok(t(f"digest {digest or '?'}", f"digest {digest or '?'}")))
    if tagged is None:
        actual = t(f"pas d'image {reference} (docker image pull)", f"no image {reference} (docker image pull)")
    else:
        digests = ", ".join(tagged.attrs.get("RepoDigests") or []) or "-"
        actual = t(
            f"{reference} existe mais ne vient pas du registre (digests : {digests}) : docker tag nomme une image,"
            " docker pull la télécharge",
            f"{reference} exists but did not come from the registry (digests: {digests}): docker tag names an"
            " image, docker pull downloads it",
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
    label = t(f"le volume {name} existe", f"volume {name} exists")
    if _volume(ctx, name) is None:
        expected = t(f"un volume nommé {name}", f"a volume named {name}")
        return _result(
            "volume_present", label, False, _diff(expected, t("aucun (docker volume ls)", "none (docker volume ls)"))
        )
    return _result("volume_present", label, True, _ok(t(f"le volume {name}", f"volume {name}")))


@_condition
def _volume_absent(ctx: Context, a: Args) -> CheckResult:
    name = str(a["volume"])
    label = t(f"le volume {name} a été supprimé", f"volume {name} is gone")
    expected = t(f"plus de volume {name}", f"no volume {name}")
    if _volume(ctx, name) is not None:
        users = _volume_users(ctx, name)
        actual = (
            t(f"il existe, utilisé par {', '.join(users)}", f"it exists, used by {', '.join(users)}")
            if users
            else t("il existe", "it exists")
        )
        return _result("volume_absent", label, False, _diff(expected, actual))
    return _result("volume_absent", label, True, _ok(expected))


def _volume_users(ctx: Context, name: str) -> list[str]:
    return sorted(c.name for c in ctx.client.containers.list(all=True, filters={"volume": name}, ignore_removed=True))


@_condition
def _volume_file(ctx: Context, a: Args) -> CheckResult:
    name, path = str(a["volume"]), str(a["path"])
    text = str(a["text"]) if "text" in a else None
    with_fr = f" contenant « {text} »" if text else ""
    with_en = f" containing {text!r}" if text else ""
    label = t(f"le volume {name} contient {path}{with_fr}", f"volume {name} holds {path}{with_en}")
    expected = t(f"{path}{with_fr}", f"{path}{with_en}")
    if _volume(ctx, name) is None:
        return _result("volume_file", label, False, _diff(expected, t(f"pas de volume {name}", f"no volume {name}")))
    content = read_file(ctx, image=HELPER_IMAGE, path=path, volume=name)
    if content is None:
        return _result(
            "volume_file", label, False, _diff(expected, t(f"pas de {path} dans {name}", f"no {path} in {name}"))
        )
    if text is not None and text not in content:
        shown = content.strip()[:80]
        return _result(
            "volume_file", label, False, _diff(expected, t(f"il contient « {shown} »", f"it holds {shown!r}"))
        )
    return _result("volume_file", label, True, _ok(expected))


@_condition
def _volume_unused(ctx: Context, a: Args) -> CheckResult:
    name = str(a["volume"])
    label = t(f"plus aucun conteneur n'utilise {name}", f"no container uses {name} any more")
    expected = t(f"aucun conteneur sur {name}", f"no container on {name}")
    users = _volume_users(ctx, name)
    if users:
        return _result(
            "volume_unused",
            label,
            False,
            _diff(expected, t(f"utilisé par {', '.join(users)}", f"used by {', '.join(users)}")),
        )
    return _result("volume_unused", label, True, _ok(expected))


@_condition
def _anonymous_volumes_gone(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = t(f"les volumes anonymes de {name} ont été supprimés", f"the anonymous volumes of {name} are gone")
    names = ctx.state.anonymous_volumes.get(name, ())
    expected = t(f"plus de volume anonyme de {name}", f"no anonymous volume of {name} left")
    left = [v for v in names if _volume(ctx, v) is not None]
    if left:
        shown = ", ".join(short_id(v) for v in left)
        actual = t(
            f"toujours là : {shown} (docker rm sans -v les laisse)",
            f"still there: {shown} (docker rm without -v leaves them)",
        )
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
    label = t(f"le registre {where} contient {repository}:{tag}", f"registry {where} holds {repository}:{tag}")
    expected = t(f"{repository}:{tag} dans {where}", f"{repository}:{tag} in {where}")
    if ctx.state.registry is None:
        return _result("registry_has", label, False, _diff(expected, t("aucun registre", "no registry")))
    try:
        status, body = registry_get(ctx.state, f"/v2/{repository}/tags/list")
    except OSError as error:
        actual = t(f"le registre ne répond pas ({error})", f"the registry does not answer ({error})")
        return _result("registry_has", label, False, _diff(expected, actual))
    tags = list(body.get("tags") or []) if status == 200 and isinstance(body, dict) else []
    if tag in tags:
        return _result("registry_has", label, True, _ok(expected))
    if tags:
        actual = t(
            f"{repository} n'a que : {', '.join(sorted(tags))}", f"{repository} has only: {', '.join(sorted(tags))}"
        )
    else:
        actual = t(f"pas de dépôt {repository} dans le registre", f"no repository {repository} in the registry")
    return _result("registry_has", label, False, _diff(expected, actual))


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
    label = t(f"une connexion à {registry} est enregistrée", f"a login to {registry} is recorded")
    expected = t(f"{registry} dans {config}", f"{registry} in {config}")
    if recorded_login(registry, folder):
        return _result("login_recorded", label, True, _ok(expected))
    actual = t(f"aucune connexion à {registry} (docker login)", f"no login to {registry} (docker login)")
    return _result("login_recorded", label, False, _diff(expected, actual))


def _server(key: str) -> str:
    return key.removeprefix("http://").removeprefix("https://").split("/", 1)[0]


_HELPER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def stored_credential(registry: str, config_dir: Path | None = None) -> tuple[str, str] | str:
    """The user and password the docker CLI's config holds for ``registry``.

    Reads ``config.json`` in the client's config directory: the ``auths`` entry, or the
    credentials helper (``credHelpers``, ``credsStore``) that keeps the secret.

    Args:
        registry: ``host:port``.
        config_dir: The CLI config folder (default: the learner's, ``$DOCKER_CONFIG`` or ~/.docker).

    Returns:
        ``(user, password)``, or a sentence (English) saying why there is none.
    """
    from quizdock.docker_client import docker_config_dir

    path = (config_dir or docker_config_dir()) / "config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "none"  # no login was ever stored with this configuration
    except (OSError, ValueError):
        return f"no readable {path}"
    if not isinstance(data, dict):
        return f"{path} is not a docker config"
    auths = _table(data.get("auths"))
    helpers = _table(data.get("credHelpers"))
    entry = next((v for k, v in auths.items() if _server(k) == registry), None)
    if isinstance(entry, dict) and isinstance(entry.get("auth"), str) and entry["auth"]:
        try:
            user, sep, password = base64.b64decode(entry["auth"]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return "an unreadable auth entry"
        return (user, password) if sep else "an unreadable auth entry"
    helper = helpers.get(registry) or data.get("credsStore")
    if entry is None and registry not in helpers:
        return "none"
    if not isinstance(helper, str) or not helper:
        return "an entry with no secret and no credentials helper"
    if not _HELPER_NAME.match(helper):  # the config is untrusted: a name, never a path
        return f"a credentials helper with an invalid name ({helper[:40]!r})"
    try:
        done = subprocess.run(
            [f"docker-credential-{helper}", "get"], input=registry, capture_output=True, text=True, timeout=10
        )
        answer = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        return f"the credentials helper docker-credential-{helper} has no secret for it"
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
    label = t(f"vos identifiants pour {registry} sont enregistrés", f"your credentials for {registry} are stored")
    expected = t(
        f"un identifiant pour {registry}, accepté par le registre, dans {config}",
        f"a login for {registry}, accepted by the registry, in {config}",
    )
    found = stored_credential(registry, folder)
    if isinstance(found, str):
        _, port = registry.rsplit(":", 1) if ":" in registry else (registry, "")
        others = _logins_for_port(port, folder) if port else []
        if found == "none" and others:
            actual = t(
                f"un identifiant pour {', '.join(others)}, pas pour {registry} : Docker retrouve un identifiant par"
                " le nom du registre tel qu'il est écrit dans le nom de l'image",
                f"a login for {', '.join(others)}, not for {registry}: Docker finds a login by the registry's"
                " name as written in the image name",
            )
        elif found == "none":
            actual = t(
                f"aucun identifiant pour {registry} (docker login {registry})",
                f"no login for {registry} (docker login {registry})",
            )
        else:
            actual = t(f"pas d'identifiant utilisable : {found}", f"no usable login: {found}")
        return _result("login_stored", label, False, _diff(expected, actual))
    user, password = found
    try:
        status = _accepted_by_registry(registry, user, password)
    except OSError as error:
        actual = t(f"le registre ne répond pas ({error})", f"the registry does not answer ({error})")
        return _result("login_stored", label, False, _diff(expected, actual))
    if status == 200:
        return _result("login_stored", label, True, _ok(t(f"connecté en tant que {user}", f"logged in as {user}")))
    actual = t(
        f"l'identifiant enregistré ({user}) est refusé (HTTP {status})",
        f"the stored login ({user}) is refused (HTTP {status})",
    )
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
    label = t("les conteneurs arrêtés du défi ont été supprimés", "the challenge's stopped containers are gone")
    expected = t("aucun d'eux", "none of them")
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
            _diff(expected, t(f"encore là : {', '.join(left)}", f"still there: {', '.join(left)}")),
        )
    return _result("seeded_stopped_gone", label, True, _ok(expected))


def _seed(ctx: Context, a: Args, *, present: bool) -> CheckResult:
    key = str(a["seed"])
    name = "seed_present" if present else "seed_absent"
    identifier = ctx.state.seeds.get(key, "")
    what = t(f"l'image {key} ({short_id(identifier)})", f"image {key} ({short_id(identifier)})")
    if present:
        label = t(f"{what.fr} est toujours là", f"{what.en} is still there")
    else:
        label = t(f"{what.fr} a été supprimée", f"{what.en} is gone")
    exists = bool(identifier) and _image(ctx, identifier) is not None
    there, gone = t("présente", "present"), t("supprimée", "gone")
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
_NO_ANSWER = t(
    "aucune réponse (tapez `answer` puis votre réponse à l'invite de quizdock)",
    "no answer yet (type `answer` then your answer at quizdock's prompt)",
)


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
    label = t(f"votre réponse est l'ID de l'image {reference}", f"your answer is the ID of image {reference}")
    expected = t(f"l'ID de {reference} (colonne IMAGE ID)", f"the ID of {reference} (IMAGE ID column)")
    answer = _typed_answer(ctx)
    if answer is None:
        return _result("answer_image", label, False, _diff(expected, _NO_ANSWER))
    image = _image(ctx, reference)
    if image is None:
        return _result(
            "answer_image", label, False, _diff(expected, t(f"pas d'image {reference}", f"no image {reference}"))
        )
    wanted = image.id.removeprefix("sha256:")
    given = _hex_of(answer)
    if given is not None and wanted.startswith(given):
        return _result("answer_image", label, True, _ok(t(f"{answer} : c'est bien lui", f"{answer}: that is it")))
    if _image(ctx, answer) is not None and given is None:
        actual = t(
            f"« {answer} » est un nom ; la question demande l'ID", f"{answer!r} is a name; the question asks for the ID"
        )
        return _result("answer_image", label, False, _diff(expected, actual))
    owners = [i for i in ctx.client.api.images(all=True) if given and i["Id"].removeprefix("sha256:").startswith(given)]
    if owners:
        names = ", ".join(tag for tag in owners[0].get("RepoTags") or [] if tag != "<none>:<none>") or "<none>:<none>"
        actual = t(f"« {answer} » est l'ID de {names}", f"{answer!r} is the ID of {names}")
    else:
        actual = t(f"aucune image n'a l'ID « {answer} »", f"no image has the ID {answer!r}")
    return _result("answer_image", label, False, _diff(expected, actual))


@_condition
def _answer_container(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = t("votre réponse désigne le bon conteneur", "your answer names the right container")
    identifier, container = _seeded(ctx, name)
    container = container or _container(ctx, name)
    status = _status(container) if container is not None else t("supprimé", "removed")
    expected = t(f"le conteneur {status.fr} (son nom ou son ID)", f"the container that is {status.en} (its name or ID)")
    answer = _typed_answer(ctx)
    if answer is None:
        return _result("answer_container", label, False, _diff(expected, _NO_ANSWER))
    wanted_id = container.id if container is not None else identifier
    given = answer.strip().lstrip("/")
    hex_id = _hex_of(given)
    if given == name or (hex_id is not None and wanted_id.startswith(hex_id)):
        return _result("answer_container", label, True, _ok(t(f"{given} : c'est bien lui", f"{given}: that is it")))
    other = named_container(ctx.client, given)
    if other is None and hex_id is not None:
        other = next(
            (c for c in ctx.client.containers.list(all=True, ignore_removed=True) if c.id.startswith(hex_id)), None
        )
    if other is not None:
        actual = t(f"{other.name}, qui est {_status(other).fr}", f"{other.name}, which is {_status(other).en}")
    else:
        actual = t(f"aucun conteneur « {given} »", f"no container {given!r}")
    return _result("answer_container", label, False, _diff(expected, actual))


@_condition
def _answer_logged(ctx: Context, a: Args) -> CheckResult:
    name, prefix = str(a["container"]), str(a["prefix"])
    label = t(
        f"votre réponse est la valeur que {name} affiche après « {prefix.strip()} »",
        f"your answer is the value {name} prints after {prefix.strip()!r}",
    )
    expected = t(
        f"la valeur après « {prefix.strip()} » dans les logs", f"the value after {prefix.strip()!r} in the logs"
    )
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
        return _result("answer_logged", label, True, _ok(t(f"{value} : c'est bien elle", f"{value}: that is it")))
    if given in lines:
        actual = t(
            f"« {given} » est une ligne écrite plus tôt : la valeur vient après (suivez les logs : -f)",
            f"{given!r} is a line printed earlier: the value comes later (follow the logs: -f)",
        )
    elif value is None:
        actual = t(
            f"vous avez tapé « {given} », mais {name} n'a pas encore affiché la valeur",
            f"you typed {given!r}, but {name} has not printed the value yet",
        )
    else:
        actual = t(f"vous avez tapé « {given} »", f"you typed {given!r}")
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
    label = t(f"la commande tapée est {command}", f"the command typed is {command}")
    expected_text = t(f"`{command}`", f"`{command}`")
    wanted = parse_command(command)
    if not ctx.state.typed:
        seen = t(
            "aucune commande tapée à l'invite de quizdock : rien à noter",
            "no command typed at quizdock's prompt: not graded",
        )
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
        actual = t(f"`{line}` : il manque {', '.join(missing)}", f"`{line}`: {', '.join(missing)} missing")
        return _result("typed_command", label, False, _diff(expected_text, actual))
    if other:
        shown = " ; ".join(f"`{line}`" for line in other)
        actual = t(
            f"{shown} : la tâche demande {canonical_form(wanted)}",
            f"{shown}: the task asks for {canonical_form(wanted)}",
        )
        return _result("typed_command", label, False, _diff(expected_text, actual))
    return _result(
        "typed_command",
        label,
        True,
        _ok(t("fait hors de l'invite de quizdock : non noté", "done outside quizdock's prompt: not graded")),
    )
