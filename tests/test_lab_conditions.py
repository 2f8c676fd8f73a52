"""Pieces of the conditions that need no engine: where the docker CLI keeps a login, and
Docker's timestamps for the events API."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from quizdock.lab.conditions import _timestamp, stored_credential

REGISTRY = "127.0.0.1:5123"


def write_config(directory: Path, data: object) -> None:
    (directory / "config.json").write_text(json.dumps(data), encoding="utf-8")


def test_a_login_in_auths_is_read_back(docker_config_dir: Path) -> None:
    assert stored_credential(REGISTRY) == "none"  # no config.json yet: never logged in
    token = base64.b64encode(b"qd-learner:secret:with:colons").decode()
    write_config(docker_config_dir, {"auths": {f"http://{REGISTRY}/": {"auth": token}}})
    assert stored_credential(REGISTRY) == ("qd-learner", "secret:with:colons")
    assert stored_credential("localhost:5123") == "none"


def test_a_login_kept_by_a_credentials_helper_is_read_through_it(
    docker_config_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helpers = tmp_path / "bin"
    helpers.mkdir()
    helper = helpers / "docker-credential-qdtest"
    # The helper protocol: `get` reads the server on stdin, answers JSON on stdout.
    helper.write_text(
        '#!/bin/sh\nread server\nprintf \'{"ServerURL":"%s","Username":"qd-learner","Secret":"s3"}\' "$server"\n',
        encoding="utf-8",
    )
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{helpers}{os.pathsep}{os.environ['PATH']}")
    write_config(docker_config_dir, {"auths": {REGISTRY: {}}, "credsStore": "qdtest"})
    assert stored_credential(REGISTRY) == ("qd-learner", "s3")
    write_config(docker_config_dir, {"credHelpers": {REGISTRY: "../../bin/sh"}})
    assert "invalid name" in str(stored_credential(REGISTRY))
    write_config(docker_config_dir, {"credHelpers": {REGISTRY: "missing-helper"}})
    assert "has no secret" in str(stored_credential(REGISTRY))


def test_a_broken_config_is_named(docker_config_dir: Path) -> None:
    (docker_config_dir / "config.json").write_text("{not json", encoding="utf-8")
    assert "no readable" in str(stored_credential(REGISTRY))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01T10:32:32.933470513Z", "1796121152.933470513"),
        ("2026-12-01T11:32:32.5+01:00", "1796121152.5"),
        ("2026-12-01T10:32:32Z", "1796121152.0"),
        ("not a time", "0"),
    ],
)
def test_docker_times_become_event_timestamps(text: str, expected: str) -> None:
    assert _timestamp(text) == expected
