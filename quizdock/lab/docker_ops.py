"""Generic Docker operations shared by the private lab and the challenges' runner.

Neither knows the other through here: errors turned into the learner's messages, images made
present (pulled where missing), free host ports, small tar archives to copy files in.
"""

from __future__ import annotations

import contextlib
import io
import random
import socket
import tarfile
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from quizdock.errors import DockerUnavailable, QuizdockError
from quizdock.i18n import _
from quizdock.support import image_reference

if TYPE_CHECKING:
    import docker

PORT_RANGE = (20000, 32000)  # below Linux's ephemeral range, so outgoing connections do not take it

# What Docker's error becomes: the problem and its fix, from what quizdock was doing and Docker's words.
Refusal = Callable[[str, str], QuizdockError]


@contextlib.contextmanager
def docker_errors(doing: str, *, refused: type[QuizdockError] = DockerUnavailable) -> Iterator[None]:
    """Turn a Docker SDK error into a message for the learner (never a traceback).

    Args:
        doing: What quizdock was doing, for the message ("setting the challenge up").
        refused: The error a refused request becomes (the lab's own, for its start).
    """
    try:
        yield
    except QuizdockError:
        raise
    except Exception as exc:
        import docker.errors
        import requests.exceptions

        if isinstance(exc, docker.errors.APIError):
            raise _refused(exc, doing, refused) from None
        if isinstance(exc, docker.errors.DockerException | requests.exceptions.RequestException | OSError):
            from quizdock.lab.docker_client import diagnose, resolve_endpoint

            raise diagnose(resolve_endpoint(), exc) from None
        raise


def _refused(exc: docker.errors.APIError, doing: str, refused: type[QuizdockError]) -> QuizdockError:
    detail = exc.explanation or str(exc)
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    if "no space left on device" in str(detail).lower():
        return refused(
            _("Docker has no space left while {doing}: {detail}.").format(doing=doing, detail=detail),
            _(
                "Free some space: `docker system df` shows what takes it on your Docker; "
                "`quizdock lab down` empties the lab's storage (its images come back at the next challenge)."
            ),
        )
    return refused(
        _("The Docker daemon refused a request while {doing}: {detail}.").format(doing=doing, detail=detail),
        _("Check that Docker works (`docker info`), then try again; quizdock cleans up what it created."),
    )


# --------------------------------------------------------------------------- images


def ensure_image(client: docker.DockerClient, reference: str, *, refused: Refusal) -> None:
    """Make sure an image is present, pulling it if needed (``refused``: as for :func:`pull_image`)."""
    import docker.errors

    try:
        client.images.get(reference)
        return
    except docker.errors.ImageNotFound:
        pass
    pull_image(client, reference, refused=refused)


def pull_image(client: docker.DockerClient, reference: str, *, refused: Refusal) -> None:
    """Pull an image by its full reference (tag or digest).

    Args:
        refused: Makes the learner's error from the reference and Docker's reason, when the
            pull is refused (offline, unknown image, no access).
    """
    import docker.errors

    repository, tag = split_reference(reference)
    try:
        client.images.pull(repository, tag=tag)
    except docker.errors.APIError as exc:
        raise refused(reference, str(exc.explanation or exc)) from None


def split_reference(reference: str) -> tuple[str, str]:
    """``("127.0.0.1:5000/qd-app", "1.0")`` for ``127.0.0.1:5000/qd-app:1.0``; the tag defaults to latest
    (a digest, ``busybox@sha256:...``, stands where the tag would)."""
    ref = image_reference.parse(reference)
    return ref.repository, ref.version


# --------------------------------------------------------------------------- ports and files


def free_port(*, exclude: set[int] | None = None) -> int:
    """A host port nothing listens on (IPv4 and IPv6), for a challenge to publish on."""
    exclude = exclude or set()
    for _attempt in range(200):
        port = random.randint(*PORT_RANGE)
        if port not in exclude and _port_free(port):
            return port
    with socket.socket() as sock:  # the range is crowded: let the system choose
        sock.bind(("", 0))
        return int(sock.getsockname()[1])


def _port_free(port: int) -> bool:
    families = [(socket.AF_INET, "0.0.0.0")]
    if socket.has_ipv6:
        families.append((socket.AF_INET6, "::"))
    for family, address in families:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                sock.bind((address, port))
        except OSError as exc:
            if family == socket.AF_INET6 and exc.errno in (97, 99):  # no IPv6 on this host
                continue
            return False
    return True


def tar_files(files: Mapping[str, bytes], *, mode: int) -> bytes:
    """A tar archive of these files (path in the archive: content), each with ``mode``, for
    ``put_archive``: copied in rather than bind-mounted, it works with a remote Docker too."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, int(time.time())
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
