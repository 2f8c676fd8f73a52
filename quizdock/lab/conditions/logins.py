"""Conditions on a registry login: recorded in the docker CLI's config, and stored so that the
registry accepts it."""

from __future__ import annotations

import base64
import http.client
import json
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from quizdock.i18n import Text, bilingual, quoted_text
from quizdock.lab.conditions.base import Args, CheckResult, Context, condition, diff, ok, result
from quizdock.lab.conditions.image_registry import basic_auth

if TYPE_CHECKING:
    from quizdock.lab.state import LabState


def client_config_dir(state: LabState | None) -> Path:
    """The docker CLI config folder of a challenge's commands: the lab's own, or the learner's."""
    from quizdock.lab.docker_client import docker_config_dir

    return Path(state.docker_config) if state is not None and state.docker_config else docker_config_dir()


def recorded_login(registry: str, config_dir: Path | None = None) -> bool:
    """The docker CLI's config records a login for ``registry`` (``docker login`` wrote it).

    Args:
        registry: ``host:port``.
        config_dir: The CLI config folder (default: the learner's, ``$DOCKER_CONFIG`` or ~/.docker).
    """
    from quizdock.lab.docker_client import docker_config_dir

    try:
        data = json.loads(((config_dir or docker_config_dir()) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    auths, helpers = data.get("auths"), data.get("credHelpers")
    # With a credentials store the secret is elsewhere, but `auths` still lists the registry.
    in_auths = isinstance(auths, dict) and any(
        key.removeprefix("http://").removeprefix("https://").rstrip("/") == registry for key in auths
    )
    return in_auths or (isinstance(helpers, dict) and registry in helpers)


@condition
def login_recorded(ctx: Context, a: Args) -> CheckResult:
    registry = str(a["registry"])
    folder = client_config_dir(ctx.state)
    config = folder / "config.json"
    label = bilingual("a login to {registry} is recorded", registry=registry)
    expected = bilingual("{registry} in {config}", registry=registry, config=config)
    if recorded_login(registry, folder):
        return result("login_recorded", label, True, ok(expected))
    actual = bilingual("no login to {registry} (docker login)", registry=registry)
    return result("login_recorded", label, False, diff(expected, actual))


def _server(key: str) -> str:
    return key.removeprefix("http://").removeprefix("https://").split("/", 1)[0]


_HELPER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def stored_credential(registry: str, config_dir: Path | None = None) -> tuple[str, str] | Text | Literal["none"]:
    """The user and password the docker CLI's config holds for ``registry``.

    Reads ``config.json`` in the client's config directory: the ``auths`` entry, or the
    credentials helper (``credHelpers``, ``credsStore``) that keeps the secret.

    Args:
        registry: ``host:port``.
        config_dir: The CLI config folder (default: the learner's, ``$DOCKER_CONFIG`` or ~/.docker).

    Returns:
        ``(user, password)``; ``"none"`` when no login was stored for it; else why the one stored
        cannot be used, in both languages.
    """
    from quizdock.lab.docker_client import docker_config_dir

    path = (config_dir or docker_config_dir()) / "config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "none"  # no login was ever stored with this configuration
    except (OSError, ValueError):
        return bilingual("no readable {path}", path=path)
    if not isinstance(data, dict):
        return bilingual("{path} is not a docker config", path=path)
    auths = _table(data.get("auths"))
    helpers = _table(data.get("credHelpers"))
    entry = next((v for k, v in auths.items() if _server(k) == registry), None)
    if isinstance(entry, dict) and isinstance(entry.get("auth"), str) and entry["auth"]:
        try:
            user, sep, password = base64.b64decode(entry["auth"]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return bilingual("an unreadable auth entry")
        return (user, password) if sep else bilingual("an unreadable auth entry")
    helper = helpers.get(registry) or data.get("credsStore")
    if entry is None and registry not in helpers:
        return "none"
    if not isinstance(helper, str) or not helper:
        return bilingual("an entry with no secret and no credentials helper")
    if not _HELPER_NAME.match(helper):  # the config is untrusted: a name, never a path
        return bilingual("a credentials helper with an invalid name ({helper})", helper=quoted_text(helper[:40]))
    try:
        done = subprocess.run(
            [f"docker-credential-{helper}", "get"], input=registry, capture_output=True, text=True, timeout=10
        )
        answer = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        return bilingual("the credentials helper docker-credential-{helper} has no secret for it", helper=helper)
    return str(answer.get("Username", "")), str(answer.get("Secret", ""))


def _accepted_by_registry(registry: str, user: str, password: str) -> int:
    """The registry's HTTP status for ``GET /v2/`` with this login (200: it accepts it)."""
    request = urllib.request.Request(f"http://{registry}/v2/")
    request.add_header("Authorization", basic_auth(user, password))
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except http.client.HTTPException as error:
        raise OSError(str(error)) from None


@condition
def login_stored(ctx: Context, a: Args) -> CheckResult:
    registry = str(a["registry"])
    folder = client_config_dir(ctx.state)
    config = folder / "config.json"
    label = bilingual("your credentials for {registry} are stored", registry=registry)
    expected = bilingual(
        "a login for {registry}, accepted by the registry, in {config}", registry=registry, config=config
    )
    found = stored_credential(registry, folder)
    if not isinstance(found, tuple):
        _, port = registry.rsplit(":", 1) if ":" in registry else (registry, "")
        others = _logins_for_port(port, folder) if port else []
        if found == "none" and others:
            actual = bilingual(
                "a login for {others}, not for {registry}:"
                " Docker finds a login by the registry's name as written in the image name",
                others=", ".join(others),
                registry=registry,
            )
        elif found == "none":
            actual = bilingual("no login for {registry} (docker login {registry})", registry=registry)
        else:
            actual = bilingual("no usable login: {found}", found=found)
        return result("login_stored", label, False, diff(expected, actual))
    user, password = found
    try:
        status = _accepted_by_registry(registry, user, password)
    except OSError as error:
        actual = bilingual("the registry does not answer ({error})", error=error)
        return result("login_stored", label, False, diff(expected, actual))
    if status == 200:
        return result("login_stored", label, True, ok(bilingual("logged in as {user}", user=user)))
    actual = bilingual("the stored login ({user}) is refused (HTTP {status})", user=user, status=status)
    return result("login_stored", label, False, diff(expected, actual))


def _logins_for_port(port: str, config_dir: Path) -> list[str]:
    try:
        data = json.loads((config_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    auths = _table(data.get("auths")) if isinstance(data, dict) else {}
    return sorted(_server(k) for k in auths if _server(k).endswith(f":{port}"))
