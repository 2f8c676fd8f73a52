"""The challenge's image registry, read through its HTTP API (v2): what it serves, and the
condition that it holds a pushed image."""

from __future__ import annotations

import base64
import http.client
import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

from quizdock.i18n import Text, bilingual
from quizdock.lab.conditions.base import (
    Args,
    CheckResult,
    Context,
    condition,
    diff,
    find_image,
    ok,
    result,
)

if TYPE_CHECKING:
    from quizdock.lab.state import LabState

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
        request.add_header(
            "Authorization", basic_auth(state.values["registry_user"], state.values["registry_password"])
        )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.headers.get("Docker-Content-Digest")
    except urllib.error.HTTPError:
        return None
    except http.client.HTTPException as error:
        raise OSError(str(error)) from None


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def registry_get(state: LabState, path: str, *, timeout: float = 5) -> tuple[int, Any]:
    """GET ``http://<registry><path>`` (Registry HTTP API v2) with the challenge's login.

    Returns:
        The HTTP status and the decoded JSON body (None when it is not JSON).
    """
    request = urllib.request.Request(f"http://{state.registry}{path}")
    if state.registry_auth:
        request.add_header(
            "Authorization", basic_auth(state.values["registry_user"], state.values["registry_password"])
        )
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


@condition
def registry_has(ctx: Context, a: Args) -> CheckResult:
    repository, tag = str(a["repository"]), str(a["tag"])
    where = ctx.state.registry or "?"
    image = f"{repository}:{tag}"
    label = bilingual("registry {where} holds {image}", where=where, image=image)
    expected = bilingual("{image} in {where}", image=image, where=where)
    if ctx.state.registry is None:
        return result("registry_has", label, False, diff(expected, bilingual("no registry")))
    try:
        status, body = registry_get(ctx.state, f"/v2/{repository}/tags/list")
    except OSError as error:
        actual = bilingual("the registry does not answer ({error})", error=error)
        return result("registry_has", label, False, diff(expected, actual))
    tags = list(body.get("tags") or []) if status == 200 and isinstance(body, dict) else []
    if tag in tags and "image" in a:
        return _registry_same_image(ctx, label, expected, repository, tag, str(a["image"]))
    if tag in tags:
        return result("registry_has", label, True, ok(expected))
    if tags:
        actual = bilingual("{repository} has only: {tags}", repository=repository, tags=", ".join(sorted(tags)))
    else:
        actual = bilingual("no repository {repository} in the registry", repository=repository)
    return result("registry_has", label, False, diff(expected, actual))


def _registry_same_image(
    ctx: Context, label: Text, expected: Text, repository: str, tag: str, reference: str
) -> CheckResult:
    """The tag in the registry holds the layers of ``reference`` (compared by their content digests,
    which both the classic and the containerd image store keep: IDs differ between them)."""
    local = find_image(ctx, reference)
    if local is None:
        return result(
            "registry_has", label, False, diff(expected, bilingual("no image {reference}", reference=reference))
        )
    try:
        pushed = registry_layers(ctx.state, repository, tag)
    except OSError as error:
        actual = bilingual("the registry does not answer ({error})", error=error)
        return result("registry_has", label, False, diff(expected, actual))
    wanted = list(local.attrs.get("RootFS", {}).get("Layers") or [])
    if pushed == wanted:
        return result(
            "registry_has",
            label,
            True,
            ok(bilingual("{expected}, the layers of {reference}", expected=expected, reference=reference)),
        )
    actual = bilingual(
        "{repository}:{tag} holds another image, not {reference}", repository=repository, tag=tag, reference=reference
    )
    return result("registry_has", label, False, diff(expected, actual))


def _registry_json(state: LabState, path: str) -> Any:
    request = urllib.request.Request(f"http://{state.registry}{path}")
    request.add_header("Accept", _MANIFESTS)
    if state.registry_auth:
        request.add_header(
            "Authorization", basic_auth(state.values["registry_user"], state.values["registry_password"])
        )
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
