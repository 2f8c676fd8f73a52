"""Reading a file out of an image or a volume, through a helper container that never runs."""

from __future__ import annotations

import io
import tarfile

from quizdock.lab.conditions.base import Context


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
