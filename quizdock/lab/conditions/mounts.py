"""The condition on what a container mounts: a named or anonymous volume, a host directory, a tmpfs."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from quizdock.i18n import N_, Text, bilingual
from quizdock.lab.conditions.base import (
    Args,
    CheckResult,
    Context,
    condition,
    diff,
    find_container,
    joined,
    no_container,
    ok,
    result,
)

if TYPE_CHECKING:
    from docker.models.containers import Container

_ANONYMOUS = re.compile(r"^[0-9a-f]{64}$")


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


@condition
def mount(ctx: Context, a: Args) -> CheckResult:
    name, kind = str(a["container"]), str(a["type"])
    destination = str(a["destination"]).rstrip("/") or "/"
    source = str(a["source"]) if "source" in a else ""
    expected = _mount_text(kind, source or "?", destination)
    if kind in ("bind", "volume") and not source:
        expected = _mount_text(kind, "", destination)
    label = bilingual("{name} mounts {expected}", name=name, expected=expected)
    container = find_container(ctx, name)
    if container is None:
        return result("mount", label, False, diff(expected, no_container(name)))
    mounts = _mounts(container)
    at_destination = [m for m in mounts if m[2] == destination]
    for k, s, _ in at_destination:
        if k == kind and (
            not source or kind in ("anonymous", "tmpfs") or (s == source if kind == "volume" else _same_path(s, source))
        ):
            return result("mount", label, True, ok(expected))
    if at_destination:
        actual = _mount_text(*at_destination[0])
    elif mounts:
        texts = [_mount_text(*m) for m in mounts]
        actual = bilingual(
            "nothing at {destination}; mounts: {mounts}", destination=destination, mounts=joined(texts, ", ", ", ")
        )
    else:
        actual = bilingual("no mounts")
    return result("mount", label, False, diff(expected, actual))
