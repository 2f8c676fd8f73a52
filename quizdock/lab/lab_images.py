"""The images in the lab: the challenges' images copied in from the learner's Docker, kept as
archives in the lab's folder, and put back by every reset (which empties the lab of the rest).
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from quizdock.challenges.model import CHALLENGE_IMAGES
from quizdock.i18n import _
from quizdock.lab.docker_ops import pull_image
from quizdock.lab.lab_access import LabHome, LabUnavailable

if TYPE_CHECKING:
    import docker

# What the lab engine keeps when it is reset.
DEFAULT_NETWORKS = frozenset({"bridge", "host", "none"})


def load_images(host: docker.DockerClient, lab: docker.DockerClient, references: tuple[str, ...]) -> None:
    """Put images into the lab: copied from the learner's Docker, else pulled by the lab.

    Raises:
        LabUnavailable: An image is on neither side and cannot be pulled.
    """
    import docker.errors

    for reference in references:
        try:
            lab.images.get(reference)
            continue
        except docker.errors.ImageNotFound:
            pass
        try:
            host.images.get(reference)
        except docker.errors.ImageNotFound:
            pull_image(lab, reference, refused=_lab_cannot_pull)
            continue
        # Saved by the reference itself: the SDK's save(named=True) takes the image's first tag,
        # which may be another of the learner's (`docker tag busybox:latest app:1.0`).
        lab.images.load(host.api.get_image(reference))


def _lab_cannot_pull(image: str, reason: str) -> LabUnavailable:
    return LabUnavailable(
        _("The lab needs the image {image}: it is not on your Docker and the lab cannot pull it ({reason}).").format(
            image=image, reason=reason
        ),
        _("Connect to the internet, or run `docker pull {image}` on your Docker, then try again.").format(image=image),
    )


def reset(lab: docker.DockerClient, home: LabHome) -> None:
    """Empty the lab: every container, volume, network and image goes, except the cached images.

    Extra tags on a cached image (``docker tag busybox mybox``) are removed; the lab's client
    config (logins) and the shared folder are emptied too.
    """
    import docker.errors

    for container in lab.containers.list(all=True, sparse=True):
        with contextlib.suppress(docker.errors.NotFound):
            lab.api.remove_container(container.id, force=True, v=True)
    for volume in lab.volumes.list():
        with contextlib.suppress(docker.errors.NotFound):
            volume.remove(force=True)
    for network in lab.networks.list():
        if network.name not in DEFAULT_NETWORKS:
            with contextlib.suppress(docker.errors.NotFound):
                network.remove()
    keep: dict[str, set[str]] = {}
    for reference in CHALLENGE_IMAGES:
        try:
            image = lab.images.get(reference)
        except docker.errors.ImageNotFound:
            archive = _archive(home, reference)
            if not archive.is_file():
                continue
            with archive.open("rb") as data:
                lab.images.load(data)
            image = lab.images.get(reference)
        keep.setdefault(image.id, set()).add(reference)
    for image in lab.images.list(all=True):
        if image.id in keep:
            for tag in image.tags:
                if tag not in keep[image.id]:
                    with contextlib.suppress(docker.errors.NotFound):
                        lab.images.remove(tag)
            continue
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            lab.images.remove(image.id, force=True)
    _empty(home.client_config)
    _empty(home.share)


def _empty(folder: Path) -> None:
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def contents(lab: docker.DockerClient) -> list[str]:
    """What is in the lab besides the cached images (empty right after a reset)."""
    import docker.errors

    cached: set[str] = set()
    for reference in CHALLENGE_IMAGES:
        with contextlib.suppress(docker.errors.ImageNotFound):
            cached.add(lab.images.get(reference).id)
    found = [_("container {name}").format(name=c.name) for c in lab.containers.list(all=True, ignore_removed=True)]
    found += [
        _("image {name}").format(name=f"{i.short_id} {' '.join(i.tags)}".rstrip())
        for i in lab.images.list()
        if i.id not in cached
    ]
    found += [_("volume {name}").format(name=v.name) for v in lab.volumes.list()]
    found += [_("network {name}").format(name=n.name) for n in lab.networks.list() if n.name not in DEFAULT_NETWORKS]
    return found


def _archive(home: LabHome, reference: str) -> Path:
    return home.image_cache / (reference.replace("/", "_").replace(":", "_") + ".tar")


def keep_archives(lab: docker.DockerClient, home: LabHome) -> None:
    """Save each cached image of the lab into its folder once, for :func:`reset` to put back."""
    home.image_cache.mkdir(parents=True, exist_ok=True)
    for reference in CHALLENGE_IMAGES:
        path = _archive(home, reference)
        if path.is_file():
            continue
        partial = path.with_suffix(".part")
        with partial.open("wb") as out:
            for chunk in lab.api.get_image(reference):  # that reference's tag only
                out.write(chunk)
        partial.replace(path)
