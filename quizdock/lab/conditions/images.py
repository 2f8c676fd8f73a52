"""Conditions on images: present or gone, the same as another, built on a base, committed from a
container, pulled from the challenge's registry."""

from __future__ import annotations

from quizdock.i18n import bilingual, bilingual_n, quoted_text
from quizdock.lab.conditions.base import (
    Args,
    CheckResult,
    Context,
    condition,
    container_by_id,
    diff,
    find_container,
    find_image,
    not_recorded,
    ok,
    result,
    seeded_container,
    short_id,
)
from quizdock.lab.conditions.files import read_file
from quizdock.lab.conditions.image_registry import registry_digest
from quizdock.lab.conditions.recorded import commit_verdict, pull_verdict
from quizdock.support import image_reference


def _similar_tags(ctx: Context, reference: str) -> list[str]:
    repository = image_reference.parse(reference).repository
    return sorted(tag for image in ctx.client.images.list(name=repository) for tag in image.tags)


@condition
def image_present(ctx: Context, a: Args) -> CheckResult:
    reference = str(a["image"])
    label = bilingual("image {reference} is present", reference=reference)
    expected = bilingual("image {reference}", reference=reference)
    image = find_image(ctx, reference)
    if image is not None:
        return result("image_present", label, True, ok(bilingual("ID {id}", id=short_id(image.id))))
    others = _similar_tags(ctx, reference)
    if others:
        actual = bilingual("not that tag; this repository has: {others}", others=", ".join(others))
    else:
        actual = bilingual("no image by that name (docker image ls)")
    return result("image_present", label, False, diff(expected, actual))


@condition
def image_absent(ctx: Context, a: Args) -> CheckResult:
    reference = str(a["image"])
    label = bilingual("image {reference} is gone", reference=reference)
    expected = bilingual("no image {reference}", reference=reference)
    image = find_image(ctx, reference)
    if image is None:
        return result("image_absent", label, True, ok(expected))
    actual = bilingual("it is there (ID {id})", id=short_id(image.id))
    return result("image_absent", label, False, diff(expected, actual))


@condition
def image_same(ctx: Context, a: Args) -> CheckResult:
    reference, other = str(a["image"]), str(a["as"])
    label = bilingual("{reference} is the same image as {other}", reference=reference, other=other)
    image, original = find_image(ctx, reference), find_image(ctx, other)
    if original is None:
        expected = bilingual("image {other}", other=other)
        return result("image_same", label, False, diff(expected, bilingual("missing")))
    expected = bilingual("{reference} with ID {id}", reference=reference, id=short_id(original.id))
    if image is None:
        return result(
            "image_same", label, False, diff(expected, bilingual("no image {reference}", reference=reference))
        )
    if image.id != original.id:
        actual = bilingual("another image (ID {id})", id=short_id(image.id))
        return result("image_same", label, False, diff(expected, actual))
    return result("image_same", label, True, ok(expected))


@condition
def image_derived(ctx: Context, a: Args) -> CheckResult:
    reference, base_ref = str(a["image"]), str(a["base"])
    path = str(a["file"]) if "file" in a else None
    text = str(a["text"]) if "text" in a else None
    if path and text:
        extra = bilingual("with file {path} containing {text}", path=path, text=quoted_text(text))
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
    image, base = find_image(ctx, reference), find_image(ctx, base_ref)
    if image is None or base is None:
        missing = reference if image is None else base_ref
        return result("image_derived", label, False, diff(expected, bilingual("no image {missing}", missing=missing)))
    layers = list(image.attrs.get("RootFS", {}).get("Layers") or [])
    base_layers = list(base.attrs.get("RootFS", {}).get("Layers") or [])
    if layers[: len(base_layers)] != base_layers:
        actual = bilingual("its layers do not start with those of {base_ref}", base_ref=base_ref)
        return result("image_derived", label, False, diff(expected, actual))
    if len(layers) == len(base_layers):
        actual = bilingual("the same layers as {base_ref}: nothing added", base_ref=base_ref)
        return result("image_derived", label, False, diff(expected, actual))
    content = read_file(ctx, image=image.id, path=path) if path is not None else ""
    if content is None:
        actual = bilingual("{path} does not exist in {reference}", path=path, reference=reference)
        return result("image_derived", label, False, diff(expected, actual))
    if text is not None and text not in content:
        shown = content.strip()[:80]
        actual = bilingual("{path} holds {shown}", path=path, shown=quoted_text(shown))
        return result("image_derived", label, False, diff(expected, actual))
    added = len(layers) - len(base_layers)
    found = bilingual_n("{count} layer added", "{count} layers added", added, count=added)
    return result("image_derived", label, True, ok(found))


@condition
def committed_from(ctx: Context, a: Args) -> CheckResult:
    reference, name = str(a["image"]), str(a["container"])
    label = bilingual("{reference} is a commit of container {name}", reference=reference, name=name)
    identifier, seeded = seeded_container(ctx, name)
    container = seeded or find_container(ctx, name)
    expected = bilingual("docker commit of {name}", name=name)
    image = find_image(ctx, reference)
    if image is None:
        return result(
            "committed_from", label, False, diff(expected, bilingual("no image {reference}", reference=reference))
        )
    wanted = container.id if container is not None else identifier
    if ctx.state.lab:
        passed, found = commit_verdict(ctx, image, reference, name, wanted)
        return result("committed_from", label, passed, ok(found) if passed else diff(expected, found))
    if "Container" not in image.attrs:  # API 1.45 and later no longer say which container
        found = bilingual("{reference} exists; {not_graded}", reference=reference, not_graded=not_recorded())
        return result("committed_from", label, True, ok(found))
    source = str(image.attrs.get("Container") or "")
    if source and source == wanted:
        return result("committed_from", label, True, ok(expected))
    if not source:
        actual = bilingual("it was not made by docker commit")
    elif container is None and not identifier:
        actual = bilingual("no container {name} to compare with", name=name)
    else:
        other = container_by_id(ctx, source)
        which = other.name if other is not None else short_id(source)
        actual = bilingual("a commit of another container ({which})", which=which)
    return result("committed_from", label, False, diff(expected, actual))


def _split_image(reference: str) -> tuple[str, str, str]:
    """``(registry, repository, tag)`` for ``127.0.0.1:5000/qd-app:1.0``; tag defaults to latest."""
    ref = image_reference.parse(reference)
    return ref.registry, ref.path, ref.version


@condition
def image_pulled(ctx: Context, a: Args) -> CheckResult:
    reference = str(a["image"])
    registry, repository, tag = _split_image(reference)
    label = bilingual("{reference} was pulled from the registry", reference=reference)
    expected = bilingual("an image that came from {registry} (its digest)", registry=registry)
    try:
        digest = registry_digest(ctx.state, repository, tag) if ctx.state.registry == registry else None
    except OSError as error:
        digest = None
        if find_image(ctx, reference) is None:
            actual = bilingual("the registry does not answer ({error})", error=error)
            return result("image_pulled", label, False, diff(expected, actual))
    pulled = find_image(ctx, f"{registry}/{repository}@{digest}") if digest else None
    tagged = find_image(ctx, reference)
    recorded = (tagged.attrs.get("RepoDigests") or []) if tagged is not None else []
    if pulled is None and digest is None and any(d.startswith(f"{registry}/{repository}@") for d in recorded):
        pulled = tagged  # the registry is away: trust the image's own record
    if tagged is not None and ctx.state.lab:
        # With the containerd image store a `docker tag` of the image the registry serves carries
        # its digest too: only the request tells the pull apart.
        passed, found = pull_verdict(ctx, reference, digest)
        if not passed:
            return result("image_pulled", label, False, diff(expected, found))
        if pulled is not None:
            return result("image_pulled", label, True, ok(found))
    if pulled is not None:
        return result("image_pulled", label, True, ok(bilingual("digest {digest}", digest=digest or "?")))
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
    return result("image_pulled", label, False, diff(expected, actual))
