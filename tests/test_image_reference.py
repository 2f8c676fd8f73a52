"""The one image-reference reader: what Docker makes of a name, and where the lab uses it."""

from __future__ import annotations

import pytest

from quizdock.challenges.model import repository_name
from quizdock.lab.conditions.images import _split_image
from quizdock.lab.docker_ops import split_reference
from quizdock.support import image_reference
from quizdock.support.image_reference import ImageReference, parse, problem

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("busybox", ImageReference(None, "busybox", None, None)),
        (f"busybox@{DIGEST}", ImageReference(None, "busybox", None, DIGEST)),
        (f"busybox:1.36@{DIGEST}", ImageReference(None, "busybox", "1.36", DIGEST)),
        ("localhost:5000/a/b:tag", ImageReference("localhost:5000", "a/b", "tag", None)),
        ("registry:2", ImageReference(None, "registry", "2", None)),
        ("docker.io/library/busybox", ImageReference("docker.io", "library/busybox", None, None)),
        ("gbelbe/nodejs:1.0", ImageReference(None, "gbelbe/nodejs", "1.0", None)),
        ("localhost/app", ImageReference("localhost", "app", None, None)),
        ("Registry/app", ImageReference("Registry", "app", None, None)),  # capitals: a host
        ("<registry>/<user>/app", ImageReference("<registry>", "<user>/app", None, None)),
    ],
)
def test_parts_as_docker_reads_them(text: str, expected: ImageReference) -> None:
    assert parse(text) == expected


def test_docker_hub_however_it_is_written() -> None:
    for text in ("busybox", "docker.io/library/busybox", "index.docker.io/library/busybox:latest"):
        ref = parse(text)
        assert (ref.registry, ref.familiar_path, ref.effective_tag) == ("docker.io", "busybox", "latest"), text
    assert parse("localhost:5000/library/busybox").familiar_path == "library/busybox"  # library/ is Hub's only


def test_registry_host_repository_and_version() -> None:
    ref = parse("localhost:5000/a/b:tag")
    assert (ref.registry, ref.host, ref.repository, ref.version) == (
        "localhost:5000",
        "localhost",
        "localhost:5000/a/b",
        "tag",
    )
    pinned = parse(f"busybox@{DIGEST}")
    assert (pinned.repository, pinned.version, pinned.effective_tag) == ("busybox", DIGEST, None)
    assert parse("registry:2").version == "2" and parse("busybox").version == "latest"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("busybox", None),
        (f"busybox@{DIGEST}", None),
        ("localhost:5000/a/b:tag", None),
        ("", ("empty", "")),
        ("myApp", ("uppercase", "myApp")),
        ("my_app__x", None),
        ("my..app", ("name", "my..app")),
        ("busybox:-1", ("tag", "-1")),
        ("busybox@sha256:12", ("digest", "sha256:12")),
    ],
)
def test_problems(text: str, found: tuple[str, str] | None) -> None:
    assert problem(text) == found


def test_the_lab_splits_a_digest_reference_right() -> None:
    # Split at its last colon, `busybox@sha256:...` used to give the image `busybox@sha256`.
    assert split_reference(f"busybox@{DIGEST}") == ("busybox", DIGEST)
    assert split_reference("127.0.0.1:5000/qd-app:1.0") == ("127.0.0.1:5000/qd-app", "1.0")
    assert split_reference("127.0.0.1:5000/qd-app") == ("127.0.0.1:5000/qd-app", "latest")
    assert split_reference("registry:2") == ("registry", "2")
    assert _split_image("127.0.0.1:5000/qd-app:1.0") == ("127.0.0.1:5000", "qd-app", "1.0")
    assert _split_image(f"127.0.0.1:5000/qd-app@{DIGEST}") == ("127.0.0.1:5000", "qd-app", DIGEST)
    assert repository_name(f"qd-app@{DIGEST}") == "qd-app"
    assert repository_name("localhost:5000/qd-app:1.0") == "qd-app"


def test_the_module_is_pure() -> None:
    import ast
    from pathlib import Path

    source = Path(image_reference.__file__).read_text(encoding="utf-8")
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {"__future__", "re", "dataclasses"}
