"""Connect to the learner's Docker engine, the way the ``docker`` CLI would.

The endpoint is chosen like the CLI chooses it: ``DOCKER_HOST`` if set, else the current
docker context (``DOCKER_CONTEXT``, else ``currentContext`` in ``$DOCKER_CONFIG/config.json``),
else the default socket. Every failure becomes a :class:`~quizdock.errors.DockerUnavailable`
whose message says what is wrong and how to fix it.

The docker SDK is imported inside functions only: ``quizdock --help`` must stay fast and must
work without it.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import json
import os
import socket
import ssl
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from quizdock.errors import DockerUnavailable
from quizdock.i18n import _, os_reason, quoted
from quizdock.lab.terminal_env import learner_environ

if TYPE_CHECKING:
    import docker

# The CLI's default when neither DOCKER_HOST nor a context says otherwise.
DEFAULT_HOST = "npipe:////./pipe/docker_engine" if os.name == "nt" else "unix:///var/run/docker.sock"
# Schemes the docker SDK can talk to (http/https/http+unix are its own aliases).
SUPPORTED_SCHEMES = ("unix", "tcp", "ssh", "npipe", "http", "https", "http+unix")

# The oldest API version quizdock speaks (Docker Engine 1.12); the engine's own is negotiated.
OLDEST_API = "1.24"

Source = Literal["DOCKER_HOST", "context", "default"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where quizdock will look for the Docker engine, and why there.

    Attributes:
        host: The address as the learner would write it, e.g. ``unix:///var/run/docker.sock``.
        source: ``"DOCKER_HOST"``, ``"context"`` or ``"default"``.
        context: The docker context name when ``source`` is ``"context"``.
        context_origin: What selected that context: ``"DOCKER_CONTEXT"`` or the config file path.
        tls_dir: The context's TLS material directory, if it has one.
        skip_tls_verify: The context's ``SkipTLSVerify`` flag.
    """

    host: str
    source: Source
    context: str | None = None
    context_origin: str | None = None
    tls_dir: Path | None = None
    skip_tls_verify: bool = False

    def describe(self) -> str:
        """One line for humans: the address and where it came from."""
        if self.source == "DOCKER_HOST":
            return _("{host} (from DOCKER_HOST)").format(host=self.host)
        if self.source == "context":
            return _("{host} (docker context {name}, chosen by {origin})").format(
                host=self.host, name=quoted(self.context), origin=self.context_origin
            )
        return _("{host} (default socket)").format(host=self.host)


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """What the engine says about itself.

    Attributes:
        endpoint: :meth:`Endpoint.describe` of the address connected to.
        server_version: The engine's version, e.g. ``20.10.24``.
        api_version: The API version quizdock negotiated and uses.
        engine_api_version: The newest API version the engine speaks.
        operating_system: The engine host's ``OperatingSystem`` (e.g. ``Debian GNU/Linux 12``).
        platform: ``os/arch`` of the engine, e.g. ``linux/amd64``.
        rootless: The engine runs rootless (``SecurityOptions`` has ``name=rootless``).
        docker_desktop: The engine is Docker Desktop's.
        podman: The engine is Podman's Docker-compatible API.
    """

    endpoint: str
    server_version: str
    api_version: str
    engine_api_version: str
    operating_system: str
    platform: str
    rootless: bool
    docker_desktop: bool
    podman: bool

    @property
    def flavour(self) -> str:
        """``Podman``, ``Docker Desktop`` or ``Docker Engine``, plus ``(rootless)`` if so."""
        name = "Podman" if self.podman else "Docker Desktop" if self.docker_desktop else "Docker Engine"
        return f"{name} (rootless)" if self.rootless else name


# The endpoint each client was connected to, so engine_info() reports it without re-reading
# the environment (which may have changed since).
_ENDPOINTS: weakref.WeakKeyDictionary[Any, Endpoint] = weakref.WeakKeyDictionary()


def docker_config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The docker CLI's configuration directory: ``$DOCKER_CONFIG``, else ``~/.docker`` (the
    learner's own, also in a terminal pointed at the lab)."""
    env = learner_environ() if environ is None else environ
    value = env.get("DOCKER_CONFIG")
    return Path(value).expanduser() if value else Path.home() / ".docker"


def resolve_endpoint(environ: Mapping[str, str] | None = None) -> Endpoint:
    """Choose the endpoint as the docker CLI does, without connecting.

    Args:
        environ: The environment to read; ``os.environ`` by default.

    Returns:
        The endpoint and the reason it was chosen.

    Raises:
        DockerUnavailable: The current context does not exist or the config file is unreadable.
    """
    env = learner_environ(environ)
    host = env.get("DOCKER_HOST", "").strip()
    if host:
        return Endpoint(host=host, source="DOCKER_HOST")

    config_dir = docker_config_dir(env)
    name = env.get("DOCKER_CONTEXT", "").strip()
    origin = "DOCKER_CONTEXT"
    if not name:
        config_file = config_dir / "config.json"
        name = _current_context(config_file)
        origin = str(config_file)
    if not name or name == "default":
        return Endpoint(host=DEFAULT_HOST, source="default")
    return _context_endpoint(config_dir, name, origin)


def _current_context(config_file: Path) -> str:
    try:
        text = config_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise DockerUnavailable(
            _("Cannot read the docker configuration {path}: {reason}.").format(path=config_file, reason=os_reason(exc)),
            _("Fix its permissions, or point DOCKER_CONFIG at another directory."),
        ) from None
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise DockerUnavailable(
            _("The docker configuration {path} is not valid JSON (line {line}: {reason}).").format(
                path=config_file, line=exc.lineno, reason=exc.msg
            ),
            _("Fix the file (the docker CLI cannot read it either)."),
        ) from None
    value = data.get("currentContext", "") if isinstance(data, dict) else ""
    return value if isinstance(value, str) else ""


def _context_endpoint(config_dir: Path, name: str, origin: str) -> Endpoint:
    context_id = hashlib.sha256(name.encode("utf-8")).hexdigest()
    meta_file = config_dir / "contexts" / "meta" / context_id / "meta.json"
    if origin == "DOCKER_CONTEXT":
        chosen_by = _("the DOCKER_CONTEXT variable")
    else:
        chosen_by = _("currentContext in {path}").format(path=origin)
    undo = "unset DOCKER_CONTEXT" if origin == "DOCKER_CONTEXT" else "docker context use default"
    recreate = _("Run `{undo}`, or recreate the context with `docker context create`.").format(undo=undo)
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DockerUnavailable(
            _("The docker context {name} (chosen by {chosen_by}) does not exist: {path} is missing.").format(
                name=quoted(name), chosen_by=chosen_by, path=meta_file
            ),
            _("Run `{undo}`, or `docker context ls` to pick one that exists.").format(undo=undo),
        ) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise DockerUnavailable(
            _("The docker context {name} (chosen by {chosen_by}) cannot be read from {path}: {reason}.").format(
                name=quoted(name), chosen_by=chosen_by, path=meta_file, reason=exc
            ),
            recreate,
        ) from None
    docker_endpoint = meta.get("Endpoints", {}).get("docker", {}) if isinstance(meta, dict) else {}
    host = docker_endpoint.get("Host", "") if isinstance(docker_endpoint, dict) else ""
    if not isinstance(host, str) or not host:
        raise DockerUnavailable(
            _("The docker context {name} (chosen by {chosen_by}) has no Docker endpoint in {path}.").format(
                name=quoted(name), chosen_by=chosen_by, path=meta_file
            ),
            recreate,
        )
    tls_dir = config_dir / "contexts" / "tls" / context_id / "docker"
    return Endpoint(
        host=host,
        source="context",
        context=name,
        context_origin=origin,
        tls_dir=tls_dir if tls_dir.is_dir() else None,
        skip_tls_verify=bool(docker_endpoint.get("SkipTLSVerify", False)),
    )


def describe_endpoint() -> str:
    """The endpoint quizdock would use, and why, in one line (no connection is made).

    Returns:
        For example ``unix:///var/run/docker.sock (default socket)``; if the endpoint cannot be
        resolved, the reason.
    """
    try:
        return resolve_endpoint().describe()
    except DockerUnavailable as exc:
        return _("unknown: {reason}").format(reason=exc)


def connect(timeout: float = 10) -> docker.DockerClient:
    """Connect to the learner's Docker engine and check that it answers.

    The API version is negotiated with the engine, so any engine from API 1.24 on works. In a
    terminal pointed at the lab, the learner's own Docker is the one from before (see
    :func:`learner_environ`).

    Args:
        timeout: Seconds to wait for each request to the engine.

    Returns:
        A connected client.

    Raises:
        DockerUnavailable: The engine cannot be reached; the message names the cause and the fix.
    """
    endpoint = resolve_endpoint()
    try:
        import docker
        import docker.errors
    except ImportError as exc:
        raise DockerUnavailable(
            _("The Python package 'docker' (the Docker SDK quizdock uses) cannot be imported: {reason}.").format(
                reason=exc
            ),
            _(
                "Reinstall quizdock with its dependencies, e.g. `pipx reinstall quizdock` "
                "or `pip install --force-reinstall quizdock`."
            ),
        ) from None

    scheme = endpoint.host.split("://", 1)[0].lower() if "://" in endpoint.host else "tcp"
    if scheme not in SUPPORTED_SCHEMES:
        raise _bad_address(
            endpoint, _("the scheme {scheme}:// is not one Docker understands").format(scheme=quoted(scheme))
        )

    client: docker.DockerClient | None = None
    error: DockerUnavailable
    # On a failed connection the docker SDK leaves its unix socket open (UnixHTTPConnection.connect
    # does not close it on error): collect it here, where its ResourceWarning is expected noise.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            tls = _tls_config(endpoint, learner_environ())
            client = docker.DockerClient(
                base_url=endpoint.host,
                # With TLS the version is asked below, once REQUESTS_CA_BUNDLE is out of the way.
                version=OLDEST_API if tls else "auto",
                timeout=timeout,
                tls=tls,
                # ssh:// works through the ssh client, as with the docker CLI (no paramiko needed).
                use_ssh_client=scheme == "ssh",
            )
            if tls:
                # requests would let REQUESTS_CA_BUNDLE replace the engine's own authority
                # (DOCKER_CERT_PATH/ca.pem): the docker CLI reads no such variable either.
                client.api.trust_env = False
                client.api._version = str(client.api.version(api_version=False)["ApiVersion"])
            client.ping()
            _ENDPOINTS[client] = endpoint
            return client
        except docker.errors.TLSParameterError as exc:
            error = DockerUnavailable(
                _("TLS settings for {where} are wrong: {reason}.").format(where=endpoint.describe(), reason=exc),
                _("Correct DOCKER_CERT_PATH / DOCKER_TLS_VERIFY, or the context's certificates."),
            )
        except Exception as exc:  # every failure is diagnosed, none is hidden
            error = diagnose(endpoint, exc, timeout=timeout)
        if client is not None:
            client.close()
        gc.collect()
    raise error


def _tls_config(endpoint: Endpoint, environ: Mapping[str, str]) -> Any:
    from docker.tls import TLSConfig
    from docker.utils import kwargs_from_env

    if endpoint.source == "DOCKER_HOST":
        # DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, exactly as the SDK reads them.
        return kwargs_from_env(environment=dict(environ)).get("tls")
    if endpoint.tls_dir is None:
        return None
    ca, cert, key = (endpoint.tls_dir / f"{n}.pem" for n in ("ca", "cert", "key"))
    return TLSConfig(
        client_cert=(str(cert), str(key)) if cert.is_file() and key.is_file() else None,
        ca_cert=str(ca) if ca.is_file() else None,
        verify=not endpoint.skip_tls_verify,
    )


def causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (causes, contexts, urllib3 reasons, args)."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nested: list[object] = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        nested.extend(current.args)
        stack.extend(item for item in nested if isinstance(item, BaseException))


def _where(endpoint: Endpoint) -> str:
    if endpoint.source == "DOCKER_HOST":
        return f"DOCKER_HOST={endpoint.host}"
    if endpoint.source == "context":
        return _("{host} (docker context {name})").format(host=endpoint.host, name=quoted(endpoint.context))
    return _("the default socket {host}").format(host=endpoint.host)


def _change_endpoint(endpoint: Endpoint) -> str:
    """How to stop using a wrong endpoint, or '' for the default socket."""
    if endpoint.source == "DOCKER_HOST":
        return _(
            "If DOCKER_HOST={host} is wrong, unset it (`unset DOCKER_HOST`, and remove it "
            "from your shell profile) to use the default socket, or set it to a working address."
        ).format(host=endpoint.host)
    if endpoint.source == "context":
        undo = (
            "`unset DOCKER_CONTEXT`" if endpoint.context_origin == "DOCKER_CONTEXT" else "`docker context use default`"
        )
        return _("If the context {name} is not the one you want, run {undo}.").format(
            name=quoted(endpoint.context), undo=undo
        )
    return ""


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _bad_address(endpoint: Endpoint, problem: str) -> DockerUnavailable:
    if endpoint.source == "DOCKER_HOST":
        fix = _(
            "Unset it (`unset DOCKER_HOST`) to use the default socket, or set it to an address "
            "such as unix:///var/run/docker.sock, tcp://HOST:2376 or ssh://USER@HOST."
        )
    else:
        fix = _change_endpoint(endpoint)
    return DockerUnavailable(
        _("The Docker address {where} is invalid: {problem}.").format(where=_where(endpoint), problem=problem), fix
    )


def diagnose(endpoint: Endpoint, exc: BaseException, *, timeout: float = 10) -> DockerUnavailable:
    """Turn a failure to reach the engine into a message with the cause and the fix.

    Args:
        endpoint: Where quizdock tried to connect.
        exc: What the docker SDK raised.
        timeout: The timeout that was used, for the message.

    Returns:
        The error to raise: the first of :data:`_DIAGNOSES` that recognises the failure, else a
        general one.
    """
    failure = _Failure(endpoint, exc, list(causes(exc)), timeout)
    for recognise in _DIAGNOSES:
        if (error := recognise(failure)) is not None:
            return error
    return DockerUnavailable(
        _("Cannot reach the Docker daemon at {where}: {reason}.").format(
            where=failure.where, reason=_innermost(failure.chain)
        ),
        _join(_("Check that Docker runs (`docker version` should show a Server section)."), failure.change),
    )


@dataclass(frozen=True, slots=True)
class _Failure:
    """A failure to reach the engine, as :func:`diagnose`'s rules read it."""

    endpoint: Endpoint
    exc: BaseException
    chain: list[BaseException]  # the exception and its causes, outermost first
    timeout: float

    @property
    def codes(self) -> set[int]:
        return {e.errno for e in self.chain if isinstance(e, OSError) and e.errno is not None}

    @property
    def socket_path(self) -> str | None:
        """The socket's path when the endpoint is a local socket, else None."""
        scheme, _sep, path = self.endpoint.host.partition("://")
        return path if _sep and scheme.lower() in ("unix", "http+unix") else None

    @property
    def where(self) -> str:
        return _where(self.endpoint)

    @property
    def change(self) -> str:
        return _change_endpoint(self.endpoint)


def _sdk_refused_address(failure: _Failure) -> DockerUnavailable | None:
    """The SDK could not use the address at all (its own words are English: said again)."""
    import docker.errors

    text = str(failure.exc)
    if not isinstance(failure.exc, docker.errors.DockerException):
        return None
    if "Invalid bind address" in text or "protocol is not implemented" in text:
        if "port is required" in text:
            return _bad_address(failure.endpoint, _("the port is missing (tcp://HOST:PORT)"))
        return _bad_address(failure.endpoint, _("it is not an address Docker can read"))
    if "paramiko" in text:
        return DockerUnavailable(
            _("quizdock cannot reach {where}: the Docker SDK needs the Python package paramiko for ssh://.").format(
                where=failure.where
            ),
            _join(_("Install it where quizdock is installed (`pip install paramiko`)."), failure.change),
        )
    return None


def _tls_failed(failure: _Failure) -> DockerUnavailable | None:
    import docker.errors

    if not (
        any(isinstance(e, ssl.SSLError) for e in failure.chain)
        or isinstance(failure.exc, docker.errors.TLSParameterError)
    ):
        return None
    return DockerUnavailable(
        _("The TLS handshake with {where} failed: {reason}.").format(
            where=failure.where, reason=_innermost(failure.chain)
        ),
        _join(
            _("Check DOCKER_TLS_VERIFY and the certificates in DOCKER_CERT_PATH (or the context's)."), failure.change
        ),
    )


def _permission_denied(failure: _Failure) -> DockerUnavailable | None:
    if not failure.codes & {errno.EACCES, errno.EPERM}:
        return None
    return DockerUnavailable(
        _("Permission denied on the Docker socket {socket} ({where}): your user may not use it.").format(
            socket=failure.socket_path or failure.endpoint.host, where=failure.where
        ),
        _join(
            _(
                "Add yourself to the docker group (`sudo usermod -aG docker $USER`), then log out and back in "
                "(or run `newgrp docker`); or use rootless Docker: "
                "`export DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock`."
            ),
            failure.change,
        ),
    )


def _unresolved_host(failure: _Failure) -> DockerUnavailable | None:
    if not any(isinstance(e, socket.gaierror) for e in failure.chain):
        return None
    return DockerUnavailable(
        _("The host name in {where} cannot be resolved.").format(where=failure.where),
        _join(_("Check the host name and your network."), failure.change),
    )


def _daemon_not_running(failure: _Failure) -> DockerUnavailable | None:
    codes = failure.codes
    if failure.socket_path is None or not codes & {errno.ENOENT, errno.ECONNREFUSED}:
        return None
    if errno.ENOENT in codes:
        problem = _("The Docker daemon is not running: the socket {socket} does not exist ({where}).")
    else:
        problem = _("The Docker daemon is not running: the socket {socket} exists but nothing listens on it ({where}).")
    return DockerUnavailable(
        problem.format(socket=failure.socket_path, where=failure.where), _join(_start_hint(), failure.change)
    )


def _nothing_answers(failure: _Failure) -> DockerUnavailable | None:
    if not failure.codes & {errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ECONNRESET}:
        return None
    return DockerUnavailable(
        _("Nothing answers at {where}: {reason}.").format(where=failure.where, reason=_innermost(failure.chain)),
        _join(
            _("Start the Docker daemon on that host and check the address and port (2375 plain, 2376 with TLS)."),
            failure.change,
        ),
    )


def _timed_out(failure: _Failure) -> DockerUnavailable | None:
    import requests.exceptions

    if not (
        any(isinstance(e, TimeoutError | requests.exceptions.Timeout) for e in failure.chain)
        or "timed out" in str(failure.exc).lower()
    ):
        return None
    return DockerUnavailable(
        _("The Docker daemon at {where} did not answer within {seconds} s.").format(
            where=failure.where, seconds=f"{failure.timeout:g}"
        ),
        _join(
            _("Check that it is not stuck (`docker version`; restart Docker) and that the host is reachable."),
            failure.change,
        ),
    )


def _not_an_engine(failure: _Failure) -> DockerUnavailable | None:
    import requests.exceptions

    # docker.errors.APIError is an HTTPError too.
    http_errors = [e for e in failure.chain if isinstance(e, requests.exceptions.HTTPError)]
    if not http_errors:
        return None
    return DockerUnavailable(
        _("{where} answered, but not as a Docker engine should: {reason}.").format(
            where=failure.where, reason=http_errors[0]
        ),
        _join(
            _("Check that the address is a Docker (or Podman) API endpoint and that `docker version` works."),
            failure.change,
        ),
    )


# :func:`diagnose`'s rules, most specific first: the first that recognises the failure says it.
_DIAGNOSES: tuple[Callable[[_Failure], DockerUnavailable | None], ...] = (
    _sdk_refused_address,
    _tls_failed,
    _permission_denied,
    _unresolved_host,
    _daemon_not_running,
    _nothing_answers,
    _timed_out,
    _not_an_engine,
)


def _innermost(chain: list[BaseException]) -> str:
    """The most specific message in the chain (the deepest OSError, else the outermost)."""
    for exc in reversed(chain):
        if isinstance(exc, ssl.SSLError):  # its errno is OpenSSL's, not the system's
            return str(getattr(exc, "verify_message", None) or exc.reason or exc)
        if isinstance(exc, OSError) and exc.strerror:
            return os_reason(exc)
    return str(chain[0]) if chain else _("unknown error")


def _start_hint() -> str:
    hints = [
        _(
            "Start Docker: `sudo systemctl start docker` (Linux, Docker Engine), "
            "or open Docker Desktop and wait until it says it is running."
        )
    ]
    # A learner with rootless Docker or Docker Desktop often has a socket elsewhere.
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR") or (f"/run/user/{os.getuid()}" if hasattr(os, "getuid") else "")
    rootless = Path(runtime_dir) / "docker.sock"
    if runtime_dir and _is_socket(rootless):
        hints.append(
            _("A rootless Docker socket exists: `export DOCKER_HOST=unix://{socket}`.").format(socket=rootless)
        )
    if _is_socket(Path.home() / ".docker" / "desktop" / "docker.sock"):
        hints.append(_("Docker Desktop's socket exists: `docker context use desktop-linux`."))
    return " ".join(hints)


def _is_socket(path: Path) -> bool:
    try:
        return path.is_socket()
    except OSError:
        return False


def image_present(client: docker.DockerClient, reference: str) -> bool:
    """Whether the engine has the image ``reference`` locally (no pull is tried).

    Raises:
        DockerUnavailable: The engine stopped answering.
    """
    import docker.errors

    try:
        client.images.get(reference)
    except docker.errors.ImageNotFound:
        return False
    except Exception as exc:  # same diagnosis as connect()
        raise diagnose(_ENDPOINTS.get(client) or resolve_endpoint(), exc) from None
    return True


def engine_info(client: docker.DockerClient) -> EngineInfo:
    """Ask the engine what it is.

    Args:
        client: A client from :func:`connect`.

    Returns:
        The engine's versions, platform and flavour.

    Raises:
        DockerUnavailable: The engine stopped answering.
    """
    endpoint = _ENDPOINTS.get(client) or resolve_endpoint()
    try:
        version: dict[str, Any] = client.version()
        info: dict[str, Any] = client.info()
    except Exception as exc:  # same diagnosis as connect()
        raise diagnose(endpoint, exc) from None
    return read_engine_info(endpoint.describe(), str(client.api.api_version), version, info)


def read_engine_info(
    endpoint: str, api_version: str, version: Mapping[str, Any], info: Mapping[str, Any]
) -> EngineInfo:
    """Build :class:`EngineInfo` from the engine's ``/version`` and ``/info`` answers.

    Args:
        endpoint: How the endpoint is described to the learner.
        api_version: The API version the client negotiated.
        version: The body of ``GET /version``.
        info: The body of ``GET /info``.

    Returns:
        The engine's versions, platform and flavour.
    """
    security = info.get("SecurityOptions") or []
    # Entries look like "name=seccomp,profile=builtin"; rootless engines add "name=rootless".
    rootless = any("name=rootless" in option.split(",") for option in security if isinstance(option, str))
    operating_system = str(info.get("OperatingSystem") or "unknown")
    platform_name = str((version.get("Platform") or {}).get("Name") or "")
    components = [str(c.get("Name", "")) for c in version.get("Components") or [] if isinstance(c, dict)]
    os_name = version.get("Os") or info.get("OSType") or "?"
    arch = version.get("Arch") or info.get("Architecture") or "?"
    podman = "podman" in platform_name.lower() or any("podman" in name.lower() for name in components)
    return EngineInfo(
        endpoint=endpoint,
        server_version=str(version.get("Version") or "unknown"),
        api_version=api_version,
        engine_api_version=str(version.get("ApiVersion") or "unknown"),
        operating_system=operating_system,
        platform=f"{os_name}/{arch}",
        rootless=rootless,
        docker_desktop="docker desktop" in operating_system.lower(),
        podman=podman,
    )
