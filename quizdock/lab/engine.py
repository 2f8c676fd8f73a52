"""The private lab: a Docker engine of quizdock's own, in a container on the learner's Docker.

Challenges run there, so they can use the note's commands as written (a plain
``docker container prune``) and can never touch the learner's containers, images, volumes,
networks or credentials. The lab is Docker-in-Docker:

- one container (``quizdock-lab-<digest of the learner's lab folder>``: one per user and data
  folder) of the official Docker-in-Docker image of the engine version quizdock is tested with
  (:data:`LAB_IMAGE`), privileged, its engine's storage in a volume of its own (the same name
  with ``-data``), so cached images survive a restart;
- its engine listens on TLS only, published on the loopback address; the client certificate
  is in the learner's data folder (mode 0600), so only the learner can drive it;
- a few ports are published from the loopback address to the same port numbers in the lab,
  so ``curl http://127.0.0.1:PORT/`` reaches what a challenge publishes there on all addresses;
- a folder of the learner's data is mounted at the same path in the lab, for bind mounts;
- commands run for the lab use a lab-only Docker client config folder (``docker login``).

Everything about a running lab is read back from its container (labels, ports, mounts): the
container is the one source of truth.

This module is the lab's entry point (find, start, stop, hold it for one challenge); its parts
are :mod:`~quizdock.lab.lab_access` (its folder, errors and TLS client),
:mod:`~quizdock.lab.lab_container` (the container itself) and :mod:`~quizdock.lab.lab_images`
(the challenges' images in it, and its reset).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from quizdock.challenges.model import CHALLENGE_IMAGES
from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import N_, _
from quizdock.lab import lab_container
from quizdock.lab.lab_access import (
    LABEL_LAB,
    Lab,
    LabHome,
    LabUnavailable,
    certificates_gone,
    default_home,
)
from quizdock.lab.lab_container import DEBUG_FLAG
from quizdock.lab.lab_images import keep_archives, load_images

if TYPE_CHECKING:
    import docker

# The lab's entry points, declared here, and the names of its parts that callers reach through
# this module (declared in lab_access).
__all__ = [
    "LABEL_LAB",
    "LAB_ENGINE_VERSION",
    "LAB_IMAGE",
    "STEPS",
    "Lab",
    "LabBusy",
    "LabHome",
    "LabUnavailable",
    "default_home",
    "down",
    "exclusive",
    "fault",
    "find",
    "lab_image",
    "shell_exports",
    "up",
    "why_not_here",
]


# The Docker Engine the lab runs: the version quizdock's challenges are proven on (CI builds a
# stand-in of this very tag from Debian's packages of the same version: .ci/engine.sh reads it
# here). Pinned, not the floating ``docker:dind``, so a new engine never reaches learners untested.
LAB_ENGINE_VERSION = "28.5.2"
LAB_IMAGE = f"docker:{LAB_ENGINE_VERSION}-dind"

# What the learner reads while the lab starts (:func:`up` reports each step as it begins).
STEPS = {
    "create": N_("Creating the lab (first time: a Docker engine in a privileged container)…"),
    "start": N_("Starting the lab…"),
    "images": N_("Putting the challenges' images in the lab…"),
}


class LabBusy(QuizdockError):
    """Another quizdock has a challenge in progress in the lab."""

    exit_code = ExitCode.LAB_BUSY


def lab_image() -> str:
    """``QUIZDOCK_LAB_IMAGE``, else the official image of the tested engine (:data:`LAB_IMAGE`)."""
    return os.environ.get("QUIZDOCK_LAB_IMAGE") or LAB_IMAGE


def shell_exports(lab: Lab, shell: str = "sh") -> str:
    """The ``eval "$(quizdock lab env)"`` lines: the docker-machine convention.

    They also record, in ``QUIZDOCK_LAB_ENV``, the terminal's own Docker settings from before,
    so quizdock run there still reaches the learner's Docker and can print the way back.
    """
    import json

    from quizdock.lab.terminal_env import LAB_TERMINAL, LAB_VARIABLES, lab_terminal

    outer = lab_terminal()
    if outer is None:
        outer = {key: os.environ.get(key) for key in LAB_VARIABLES}
    variables = lab.cli_environment()
    variables[LAB_TERMINAL] = json.dumps({"host": lab.host, "outer": outer}, sort_keys=True)
    lines = []
    for key, value in variables.items():
        if shell == "fish":
            lines.append(f"set -gx {key} {_quote(value)};")
        else:
            lines.append(f"export {key}={_quote(value)}")
    return "\n".join(lines)


def _quote(value: str) -> str:
    import shlex

    return shlex.quote(value)


# --------------------------------------------------------------------------- find, start, stop


def find(host: docker.DockerClient, home: LabHome) -> Lab | None:
    """The lab if its container runs; None when it does not.

    Raises:
        LabUnavailable: It runs, but its certificates are gone (or its TLS port is not
            published): nobody can drive it, and the message says what to do.
    """
    from quizdock.lab import certs

    with lab_container.lab_errors(home):
        container = lab_container.existing(host, home)
    if container is None or container.status != "running":
        return None
    if not certs.complete(home.certs):
        raise certificates_gone(home)
    lab = lab_container.describe(container, home)
    if lab is None:
        raise lab_container.no_tls_port(home)
    return lab


def fault(home: LabHome, error: QuizdockError) -> QuizdockError:
    """What became of the lab when a request to it failed during a challenge.

    Returns:
        Docker's own error when the learner's Docker is unreachable (the lab stops with it); the
        lab's fate when it was stopped, removed or lost its certificates; else ``error``.
    """
    from quizdock.errors import DockerUnavailable
    from quizdock.lab import certs
    from quizdock.lab.docker_client import connect

    try:
        host = connect(timeout=5)
    except DockerUnavailable as unreachable:
        return unreachable
    try:
        with lab_container.lab_errors(home):
            container = lab_container.existing(host, home)
    except QuizdockError:
        return error
    finally:
        host.close()
    again = _("Start the challenge again: the lab starts again by itself.")
    if container is None:
        return LabUnavailable(
            _("The lab was removed during the challenge (its container {name} is gone).").format(name=home.name), again
        )
    if container.status != "running":
        return LabUnavailable(
            _("The lab stopped during the challenge (its container {name} is {status}).").format(
                name=home.name, status=container.status
            ),
            again,
        )
    if not certs.complete(home.certs):
        return certificates_gone(home)
    return error


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def why_not_here() -> str | None:
    """Why the lab cannot work with the learner's Docker endpoint, or None when it can.

    The lab's TLS port is published on the loopback address of the machine that runs Docker:
    quizdock reaches it only when that machine is this one (a local socket or a local TCP
    address), not through ``ssh://`` or a remote ``tcp://`` address.
    """
    from urllib.parse import urlsplit

    from quizdock.lab.docker_client import resolve_endpoint

    endpoint = resolve_endpoint()
    scheme = endpoint.host.split("://", 1)[0].lower() if "://" in endpoint.host else "tcp"
    if scheme in ("unix", "npipe", "http+unix"):
        return None
    if scheme in ("tcp", "http", "https") and (urlsplit(endpoint.host).hostname or "") in LOCAL_HOSTS:
        return None
    return _(
        "your Docker is on another machine ({where}): the lab's port would open there, where quizdock cannot reach it"
    ).format(where=endpoint.describe())


def up(
    host: docker.DockerClient, home: LabHome, *, image: str | None = None, progress: Callable[[str], None] | None = None
) -> Lab:
    """Start the lab (or find it running), wait until it answers, and load the cached images.

    Args:
        host: A client of the learner's Docker.
        home: The lab's folder.
        image: The lab image (default :func:`lab_image`).
        progress: Called with the name of each step as the lab starts (a key of :data:`STEPS`,
            whose message says it to the learner).

    Returns:
        The running lab.

    Raises:
        LabUnavailable: The lab cannot start here; the message says why and what to do.
    """
    from quizdock.lab import certs

    image = image or lab_image()
    report = progress or (lambda step: None)
    if reason := why_not_here():
        raise LabUnavailable(
            _("The lab cannot run with this Docker: {reason}.").format(reason=reason),
            _("Use a local Docker, or turn the lab off (QUIZDOCK_LAB=off) to run challenges on your own Docker."),
        )
    with lab_container.lab_errors(home):
        container = lab_container.existing(host, home)
        again = container is not None
        if container is not None and (container.status != "running" or not certs.complete(home.certs)):
            # Stopped (a killed lab keeps a stale /var/run/docker.pid and would never start again)
            # or undrivable (its certificates are lost): a new container on the same storage.
            container.remove(force=True)
            container = None
        if container is not None and DEBUG_FLAG not in (container.attrs.get("Args") or []):
            # Started by an older quizdock: its engine keeps no request log, which grading reads.
            # Made again with the same certificates and storage.
            report("create")
            container.remove(force=True)
            container = lab_container.create(host, home, str(container.attrs.get("Config", {}).get("Image") or image))
        if container is None:
            report("start" if again else "create")
            if not certs.complete(home.certs):
                certs.make_certificates(home.certs)  # never new ones for a lab that has its own
            container = lab_container.create(host, home, image)
        container.reload()
        lab = lab_container.describe(container, home)
        if lab is None:
            raise lab_container.no_tls_port(home)
        client = lab_container.wait(lab, container)
        try:
            report("images")
            load_images(host, client, CHALLENGE_IMAGES)
            keep_archives(client, home)
        finally:
            client.close()
    return lab


def down(host: docker.DockerClient, home: LabHome) -> bool:
    """Stop and remove the lab, its storage and its folder. False if there was no lab."""
    import docker.errors

    found = False
    with lab_container.lab_errors(home):
        container = lab_container.existing(host, home)
        if container is not None:
            container.remove(force=True, v=True)
            found = True
        try:
            host.volumes.get(home.volume).remove(force=True)
            found = True
        except docker.errors.NotFound:
            pass
    if home.root.exists():
        shutil.rmtree(home.root, ignore_errors=True)
        found = True
    return found


# --------------------------------------------------------------------------- one challenge at a time


@contextlib.contextmanager
def exclusive(home: LabHome, doing: str) -> Iterator[None]:
    """Hold the lab for one challenge; a second quizdock gets :class:`LabBusy` at once.

    The lock is an advisory ``flock`` on ``<lab folder>/lock``: the system releases it when the
    process ends, however it ends (kill -9 included), so a crash never leaves the lab locked.
    """
    import fcntl

    home.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(home.lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or _("another quizdock")
            raise LabBusy(
                _("The lab is in use: {holder}. quizdock runs one challenge at a time in the lab.").format(
                    holder=holder
                ),
                _("Finish or quit that challenge first (type `quit` there), then try again."),
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{doing} (process {os.getpid()})".encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)
