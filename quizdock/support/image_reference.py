"""Image references read as Docker reads them: ``[domain/]path[:tag][@digest]``.

The one reader of image names in quizdock: the command grader compares them, the lab pulls,
tags and recognises them with it. It follows distribution/reference, the library Docker
uses: the first component is a registry only when it looks like a host (it has a ``.`` or a
``:``, is ``localhost``, or has capitals), so ``registry:2`` is the image ``registry`` with the
tag ``2``, and ``localhost:5000/a/b:tag`` is ``a/b`` on ``localhost:5000``. An implicit
registry is Docker Hub, whose official images live under ``library/``.

Pure and small: the standard library only, nothing about Docker's daemon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOCKER_HUB = "docker.io"

DOCKER_HUB_NAMES: frozenset[str] = frozenset(
    {DOCKER_HUB, "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
)
"""Registry host names that all mean Docker Hub."""

# A card's answer may write `<registry>/...`: the placeholder stands for a host.
_REGISTRY_PLACEHOLDER = "<registry>"

PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
"""One component of a repository path (``library``, ``my-app``)."""
TAG = re.compile(r"[\w][\w.-]{0,127}")
DIGEST = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}")


@dataclass(frozen=True, slots=True)
class ImageReference:
    """An image reference split into its parts, as written.

    Attributes:
        domain: The registry written before the path (``localhost:5000``), None when implicit.
        path: The repository path as written (``library/busybox``, ``a/b``).
        tag: The tag, if written.
        digest: The digest (``sha256:...``), if written.
    """

    domain: str | None
    path: str
    tag: str | None
    digest: str | None

    @property
    def registry(self) -> str:
        """The registry the image comes from: ``docker.io`` for Docker Hub, however it is written."""
        if self.domain is None or self.domain in DOCKER_HUB_NAMES:
            return DOCKER_HUB
        return self.domain

    @property
    def host(self) -> str:
        """The registry without its port (``localhost`` for ``localhost:5000``)."""
        return self.registry.split(":", 1)[0]

    @property
    def familiar_path(self) -> str:
        """The path as Docker shows it: ``busybox`` for Docker Hub's ``library/busybox``."""
        if self.registry == DOCKER_HUB and self.path.startswith("library/"):
            return self.path[len("library/") :]
        return self.path

    @property
    def repository(self) -> str:
        """The name without tag or digest, as written (``localhost:5000/a/b``)."""
        return f"{self.domain}/{self.path}" if self.domain is not None else self.path

    @property
    def effective_tag(self) -> str | None:
        """The tag Docker uses: ``latest`` when neither a tag nor a digest is written."""
        return self.tag if self.tag is not None or self.digest is not None else "latest"

    @property
    def version(self) -> str:
        """What to ask a registry for: the digest when there is one, else the effective tag."""
        return self.digest or self.tag or "latest"


def _is_domain(component: str) -> bool:
    return (
        any(c in component for c in ".:")
        or component in ("localhost", _REGISTRY_PLACEHOLDER)
        or component != component.lower()
    )


def parse(text: str) -> ImageReference:
    """Split ``text`` into its parts; it is not validated (see :func:`problem`)."""
    rest, _, digest = text.partition("@")
    tag: str | None = None
    colon = rest.rfind(":")
    if colon > rest.rfind("/"):
        rest, tag = rest[:colon], rest[colon + 1 :]
    domain: str | None = None
    first, slash, remainder = rest.partition("/")
    if slash and _is_domain(first):
        domain, rest = first, remainder
    return ImageReference(domain, rest, tag, digest or None)


def problem(text: str) -> tuple[str, str] | None:
    """What makes ``text`` an invalid reference, or None when it is valid.

    Returns:
        ``(kind, part)``: ``("empty", "")``, ``("uppercase", path)``, ``("name", text)``,
        ``("tag", tag)`` or ``("digest", digest)``; the caller words the message.
    """
    ref = parse(text)
    if not ref.path:
        return ("empty", "")
    components = ref.path.split("/")
    if any(c != c.lower() for c in components):
        return ("uppercase", ref.path)
    if not all(PATH_COMPONENT.fullmatch(c) for c in components):
        return ("name", text)
    if ref.tag is not None and not TAG.fullmatch(ref.tag):
        return ("tag", ref.tag)
    if ref.digest is not None and not DIGEST.fullmatch(ref.digest):
        return ("digest", ref.digest)
    return None
