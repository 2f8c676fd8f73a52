"""The private lab: a Docker engine of quizdock's own, in a container on the learner's Docker.

Challenges run there, so they can use the note's commands as written (a plain
``docker container prune``) and can never touch the learner's containers, images, volumes,
networks or credentials. The lab is Docker-in-Docker:

- one container (``quizdock-lab-<digest of the learner's lab folder>``: one per user and data
  folder) of the official Docker-in-Docker image of the engine version quizdock is tested with
  (:data:`LAB_IMAGE`), privileged, its engine's storage in a volume of its own (the same name
  with ``-data``), so cached images survive a restart;
- its engine listens on TLS only, published on the loopback address; the client certificate
  is in the learner's data folder (mode 0600), so only the learner can drive it;
- a few ports are published from the loopback address to the same port numbers in the lab,
  so ``curl http://127.0.0.1:PORT/`` reaches what a challenge publishes there on all addresses;
- a folder of the learner's data is mounted at the same path in the lab, for bind mounts;
- commands run for the lab use a lab-only Docker client config folder (``docker login``).

Everything about a running lab is read back from its container (labels, ports, mounts): the
container is the one source of truth.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import N_, _

if TYPE_CHECKING:
    import docker

# The Docker Engine the lab runs: the version quizdock's challenges are proven on (CI builds a
# stand-in of this very tag from Debian's packages of the same version: .ci/engine.sh reads it
# here). Pinned, not the floating ``docker:dind``, so a new engine never reaches learners untested.
LAB_ENGINE_VERSION = "28.5.2"
LAB_IMAGE = f"docker:{LAB_ENGINE_VERSION}-dind"
LAB_NAME = "quizdock-lab"
LABEL_LAB = "quizdock.lab"
TLS_PORT = 2376
PORT_POOL_SIZE = 6
START_SECONDS = 30
# The client's API version until the lab engine says its own (that first request is unversioned,
# which every engine answers, Engine 29 included, whose oldest API is 1.44); then the engine's.
MIN_API = "1.41"
CERTS_IN_LAB = "/quizdock/certs"
DEBUG_FLAG = "--debug"
# The images the challenges use, copied into the lab once and kept by every reset.
CACHED_IMAGES: tuple[str, ...] = ("busybox:latest", "registry:2")
# What the lab engine keeps when it is reset.
DEFAULT_NETWORKS = frozenset({"bridge", "host", "none"})

Mode = Literal["privileged", "capabilities"]

# What the learner reads while the lab starts (:func:`up` reports each step as it begins).
STEPS = {
    "create": N_("Creating the lab (first time: a Docker engine in a privileged container)…"),
    "start": N_("Starting the lab…"),
    "images": N_("Putting the challenges' images in the lab…"),
}


class LabUnavailable(QuizdockError):
    """The private lab cannot start (or was asked for and is not there)."""

    exit_code = ExitCode.LAB


class LabKeysDiffer(LabUnavailable):
    """The lab's engine refuses quizdock's client certificate (they are not the lab's)."""


class LabBusy(QuizdockError):
    """Another quizdock has a challenge in progress in the lab."""

    exit_code = ExitCode.LAB_BUSY


# --------------------------------------------------------------------------- places


@dataclass(frozen=True, slots=True)
class LabHome:
    """The lab's folder on the learner's machine.

    Attributes:
        root: The folder (``<lab dir>/engine`` for the learner's lab, a temporary one for
            ``quizdock deck test``'s own lab).
        name: The lab container's name; its volume is ``<name>-data``.
    """

    root: Path
    name: str = LAB_NAME

    @property
    def certs(self) -> Path:
        return self.root / "certs"

    @property
    def client_config(self) -> Path:
        """``DOCKER_CONFIG`` for commands run in the lab: logins there stay there."""
        return self.root / "docker-config"

    @property
    def share(self) -> Path:
        """Mounted at the same path in the lab: challenge folders for bind mounts live here."""
        return self.root / "share"

    @property
    def lock(self) -> Path:
        return self.root / "lock"

    @property
    def image_cache(self) -> Path:
        """The cached images as ``docker save`` archives: a reset puts back any that a
        learner's ``docker image prune -a`` or ``rmi`` removed, without a registry."""
        return self.root / "images"

    @property
    def volume(self) -> str:
        return f"{self.name}-data"


def default_home() -> LabHome:
    """The learner's lab: its folder beside the challenges' state files.

    The container's name carries a digest of that folder, so two users (or two data folders,
    ``QUIZDOCK_LAB_DIR``) on one Docker never share, or replace, one lab: a lab whose
    certificates are not this folder's is another's, never this one's to remake.

    Raises:
        QuizdockError: The folder is a file or cannot be written to (exit 2).
    """
    import hashlib

    from quizdock.lab.state import usable_state_dir

    root = usable_state_dir() / "engine"
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:10]
    return LabHome(root, name=f"{LAB_NAME}-{digest}")


def lab_image() -> str:
    """``QUIZDOCK_LAB_IMAGE``, else the official image of the tested engine (:data:`LAB_IMAGE`)."""
    return os.environ.get("QUIZDOCK_LAB_IMAGE") or LAB_IMAGE


# --------------------------------------------------------------------------- a running lab


@dataclass(frozen=True, slots=True)
class Lab:
    """A lab that runs and answers.

    Attributes:
        home: Its folder.
        container_id: The lab container.
        address: ``127.0.0.1:PORT`` of its engine (TLS).
        ports: Host ports published to the same port in the lab, for challenges to use.
        mode: How the container got its privileges (``privileged``, or explicit capabilities
            where a privileged container cannot start).
    """

    home: LabHome
    container_id: str
    address: str
    ports: tuple[int, ...]
    mode: Mode

    @property
    def host(self) -> str:
        return f"tcp://{self.address}"

    def cli_environment(self) -> dict[str, str]:
        """What the ``docker`` CLI needs to talk to the lab (and keep its logins there)."""
        return {
            "DOCKER_HOST": self.host,
            "DOCKER_TLS_VERIFY": "1",
            "DOCKER_CERT_PATH": str(self.home.certs),
            "DOCKER_CONFIG": str(self.home.client_config),
        }

    def environ(self) -> dict[str, str]:
        """This process's environment pointed at the lab (for commands run in it)."""
        env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_CONTEXT",)}
        env.update(self.cli_environment())
        return env

    def connect(self, timeout: float = 10) -> docker.DockerClient:
        """A client of the lab's engine (TLS with the client certificate).

        Raises:
            LabUnavailable: The engine does not answer, or its certificates do not match the
                ones in the lab's folder; the message says which and what to do.
        """
        import docker
        from docker.tls import TLSConfig

        certs = self.home.certs
        try:
            tls = TLSConfig(
                client_cert=(str(certs / "cert.pem"), str(certs / "key.pem")),
                ca_cert=str(certs / "ca.pem"),
                verify=True,
            )
            client = docker.DockerClient(base_url=f"https://{self.address}", version=MIN_API, timeout=timeout, tls=tls)
        except docker.errors.TLSParameterError:
            raise certificates_gone(self.home) from None
        # REQUESTS_CA_BUNDLE and proxies from the environment must not apply to the lab's own
        # certificate authority on the loopback address.
        client.api.trust_env = False
        try:
            client.api._version = str(client.api.version(api_version=False)["ApiVersion"])
        except Exception as error:
            client.close()
            raise self.unreachable(error) from None
        except BaseException:
            client.close()
            raise
        return client

    def unreachable(self, error: BaseException) -> LabUnavailable:
        """The lab's engine did not answer: a TLS mismatch, or nothing listening."""
        from quizdock.lab.docker_client import causes

        if any(_refused_certificate(e) for e in causes(error)):
            return LabKeysDiffer(
                _(
                    "The lab's engine at {address} refuses quizdock's certificate: the certificates in {path} "
                    "are not the ones the lab was started with."
                ).format(address=self.address, path=self.home.certs),
                _("Run `quizdock lab down`, then `quizdock lab up` (new certificates, a new lab)."),
            )
        if any(isinstance(e, FileNotFoundError) for e in causes(error)):
            return certificates_gone(self.home)
        return LabUnavailable(
            _("The lab's engine does not answer at {address}: {reason}.").format(
                address=self.address, reason=_innermost(error)
            ),
            _("Run `quizdock lab status`; if the lab has stopped, the next challenge starts it again."),
        )


def _refused_certificate(error: BaseException) -> bool:
    """A certificate refused by either side (not a connection closed mid-handshake, as the port's
    proxy does while the lab's engine starts)."""
    import ssl

    if isinstance(error, ssl.SSLCertVerificationError):
        return True
    reason = str(getattr(error, "reason", "") or "") if isinstance(error, ssl.SSLError) else ""
    return "CERTIFICATE" in reason or "UNKNOWN_CA" in reason


def certificates_gone(home: LabHome) -> LabUnavailable:
    """The lab runs, but the certificates that let quizdock and the learner drive it are gone."""
    return LabUnavailable(
        _("The lab's container {name} runs, but its certificates in {path} are missing: nobody can drive it.").format(
            name=home.name, path=home.certs
        ),
        _("Run `quizdock lab down`, then `quizdock lab up` (or start a challenge: it makes a new lab)."),
    )


def _innermost(error: BaseException) -> str:
    from quizdock.i18n import os_reason
    from quizdock.lab.docker_client import causes

    for cause in reversed(list(causes(error))):
        if isinstance(cause, OSError) and cause.strerror:
            return os_reason(cause)
    return str(error)


def shell_exports(lab: Lab, shell: str = "sh") -> str:
    """The ``eval "$(quizdock lab env)"`` lines: the docker-machine convention.

    They also record, in ``QUIZDOCK_LAB_ENV``, the terminal's own Docker settings from before,
    so quizdock run there still reaches the learner's Docker and can print the way back.
    """
    import json

    from quizdock.lab.docker_client import LAB_TERMINAL, LAB_VARIABLES, lab_terminal

    outer = lab_terminal()
    if outer is None:
        outer = {key: os.environ.get(key) for key in LAB_VARIABLES}
    variables = lab.cli_environment()
    variables[LAB_TERMINAL] = json.dumps({"host": lab.host, "outer": outer}, sort_keys=True)
    lines = []
    for key, value in variables.items():
        if shell == "fish":
            lines.append(f"set -gx {key} {_quote(value)};")
        else:
            lines.append(f"export {key}={_quote(value)}")
    return "\n".join(lines)


def _quote(value: str) -> str:
    import shlex

    return shlex.quote(value)


# --------------------------------------------------------------------------- find, start, stop


def find(host: docker.DockerClient, home: LabHome) -> Lab | None:
    """The lab if its container runs; None when it does not.

    Raises:
        LabUnavailable: It runs, but its certificates are gone (or its TLS port is not
            published): nobody can drive it, and the message says what to do.
    """
    from quizdock.lab import certs

    with _lab_errors(home):
        container = _container(host, home)
    if container is None or container.status != "running":
        return None
    if not certs.complete(home.certs):
        raise certificates_gone(home)
    lab = _describe(container, home)
    if lab is None:
        raise _no_tls_port(home)
    return lab


def _no_tls_port(home: LabHome) -> LabUnavailable:
    return LabUnavailable(
        _("The lab container {name} runs without its TLS port.").format(name=home.name),
        _("Run `quizdock lab down`, then try again."),
    )


def _container(host: docker.DockerClient, home: LabHome) -> Any:
    import docker.errors

    try:
        container = host.containers.get(home.name)
    except docker.errors.NotFound:
        return None
    if LABEL_LAB not in (container.labels or {}):
        raise LabUnavailable(
            _("A container named {name} exists on your Docker but is not quizdock's lab.").format(name=home.name),
            _("Rename or remove it (`docker rename {name} other-name`), then try again.").format(name=home.name),
        )
    return container


def _describe(container: Any, home: LabHome) -> Lab | None:
    from quizdock.lab import certs

    if not certs.complete(home.certs):
        return None
    bindings = (container.attrs.get("NetworkSettings") or {}).get("Ports") or {}
    tls = bindings.get(f"{TLS_PORT}/tcp") or []
    if not tls:
        return None
    ports = tuple(
        sorted(
            int(key.split("/")[0])
            for key, value in bindings.items()
            if value and key != f"{TLS_PORT}/tcp" and key.endswith("/tcp")
        )
    )
    labels = container.labels or {}
    mode: Mode = "capabilities" if labels.get(LABEL_LAB) == "capabilities" else "privileged"
    return Lab(home=home, container_id=container.id, address=f"127.0.0.1:{tls[0]['HostPort']}", ports=ports, mode=mode)


def fault(home: LabHome, error: QuizdockError) -> QuizdockError:
    """What became of the lab when a request to it failed during a challenge.

    Returns:
        Docker's own error when the learner's Docker is unreachable (the lab stops with it); the
        lab's fate when it was stopped, removed or lost its certificates; else ``error``.
    """
    from quizdock.errors import DockerUnavailable
    from quizdock.lab import certs
    from quizdock.lab.docker_client import connect

    try:
        host = connect(timeout=5)
    except DockerUnavailable as unreachable:
        return unreachable
    try:
        with _lab_errors(home):
            container = _container(host, home)
    except QuizdockError:
        return error
    finally:
        host.close()
    again = _("Start the challenge again: the lab starts again by itself.")
    if container is None:
        return LabUnavailable(
            _("The lab was removed during the challenge (its container {name} is gone).").format(name=home.name), again
        )
    if container.status != "running":
        return LabUnavailable(
            _("The lab stopped during the challenge (its container {name} is {status}).").format(
                name=home.name, status=container.status
            ),
            again,
        )
    if not certs.complete(home.certs):
        return certificates_gone(home)
    return error


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def why_not_here() -> str | None:
    """Why the lab cannot work with the learner's Docker endpoint, or None when it can.

    The lab's TLS port is published on the loopback address of the machine that runs Docker:
    quizdock reaches it only when that machine is this one (a local socket or a local TCP
    address), not through ``ssh://`` or a remote ``tcp://`` address.
    """
    from urllib.parse import urlsplit

    from quizdock.lab.docker_client import resolve_endpoint

    endpoint = resolve_endpoint()
    scheme = endpoint.host.split("://", 1)[0].lower() if "://" in endpoint.host else "tcp"
    if scheme in ("unix", "npipe", "http+unix"):
        return None
    if scheme in ("tcp", "http", "https") and (urlsplit(endpoint.host).hostname or "") in LOCAL_HOSTS:
        return None
    return _(
        "your Docker is on another machine ({where}): the lab's port would open there, where quizdock cannot reach it"
    ).format(where=endpoint.describe())


def up(host: docker.DockerClient, home: LabHome, *, image: str | None = None, progress: Any = None) -> Lab:
    """Start the lab (or find it running), wait until it answers, and load the cached images.

    Args:
        host: A client of the learner's Docker.
        home: The lab's folder.
        image: The lab image (default :func:`lab_image`).
        progress: Called with the name of each step as the lab starts (a key of :data:`STEPS`,
            whose message says it to the learner).

    Returns:
        The running lab.

    Raises:
        LabUnavailable: The lab cannot start here; the message says why and what to do.
    """
    from quizdock.lab import certs

    image = image or lab_image()
    report = progress or (lambda step: None)
    if reason := why_not_here():
        raise LabUnavailable(
            _("The lab cannot run with this Docker: {reason}.").format(reason=reason),
            _("Use a local Docker, or turn the lab off (QUIZDOCK_LAB=off) to run challenges on your own Docker."),
        )
    with _lab_errors(home):
        container = _container(host, home)
        again = container is not None
        if container is not None and (container.status != "running" or not certs.complete(home.certs)):
            # Stopped (a killed lab keeps a stale /var/run/docker.pid and would never start again)
            # or undrivable (its certificates are lost): a new container on the same storage.
            container.remove(force=True)
            container = None
        if container is not None and DEBUG_FLAG not in (container.attrs.get("Args") or []):
            # Started by an older quizdock: its engine keeps no request log, which grading reads.
            # Made again with the same certificates and storage.
            report("create")
            container.remove(force=True)
            container = _create(host, home, str(container.attrs.get("Config", {}).get("Image") or image))
        if container is None:
            report("start" if again else "create")
            if not certs.complete(home.certs):
                certs.make_certificates(home.certs)  # never new ones for a lab that has its own
            container = _create(host, home, image)
        container.reload()
        lab = _describe(container, home)
        if lab is None:
            raise _no_tls_port(home)
        client = _wait(lab, container)
        try:
            report("images")
            load_images(host, client, CACHED_IMAGES)
            _keep_archives(client, home)
        finally:
            client.close()
    return lab


def _archive(home: LabHome, reference: str) -> Path:
    return home.image_cache / (reference.replace("/", "_").replace(":", "_") + ".tar")


def _keep_archives(lab: docker.DockerClient, home: LabHome) -> None:
    home.image_cache.mkdir(parents=True, exist_ok=True)
    for reference in CACHED_IMAGES:
        path = _archive(home, reference)
        if path.is_file():
            continue
        partial = path.with_suffix(".part")
        with partial.open("wb") as out:
            for chunk in lab.api.get_image(reference):  # that reference's tag only
                out.write(chunk)
        partial.replace(path)


def _create(host: docker.DockerClient, home: LabHome, image: str) -> Any:
    """Create and start the lab container: privileged, or, where that is refused, with the
    explicit capabilities that work without ``CAP_SYS_RESOURCE``."""
    import docker.errors

    _ensure_lab_image(host, image)
    for path in (home.client_config, home.share):
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)
    with contextlib.suppress(docker.errors.NotFound):
        host.volumes.get(home.volume)
    if not any(v.name == home.volume for v in host.volumes.list(filters={"name": home.volume})):
        host.volumes.create(name=home.volume, labels={LABEL_LAB: "1"})
    ports = _free_ports(PORT_POOL_SIZE)
    last_error: Exception | None = None
    for mode in ("privileged", "capabilities"):
        container_id = _create_container(host, home, image, ports, mode)  # type: ignore[arg-type]
        container = host.containers.get(container_id)
        try:
            container.start()
            return container
        except docker.errors.APIError as exc:
            last_error = exc
            container.remove(force=True)
    detail = getattr(last_error, "explanation", None) or str(last_error)
    raise LabUnavailable(
        _("The lab (a Docker engine in a privileged container) cannot start on your Docker: {detail}.").format(
            detail=detail
        ),
        _(
            "Run quizdock where privileged containers are allowed, or turn the lab off "
            '(`lab = "off"` in config.toml, or QUIZDOCK_LAB=off) to run challenges on your own Docker.'
        ),
    )


def _create_container(host: docker.DockerClient, home: LabHome, image: str, ports: list[int], mode: Mode) -> str:
    api = host.api
    port_bindings: dict[Any, Any] = {TLS_PORT: ("127.0.0.1", None)}
    port_bindings.update({port: ("127.0.0.1", port) for port in ports})
    share = str(home.share)
    binds = {home.volume: {"bind": "/var/lib/docker", "mode": "rw"}, share: {"bind": share, "mode": "rw"}}
    options: dict[str, Any] = {}
    if mode == "privileged":
        options["privileged"] = True
    else:
        # What --privileged gives, less CAP_SYS_RESOURCE (some virtual machines lack it) and with
        # the host's cgroup tree writable, which --privileged would otherwise provide.
        binds["/sys/fs/cgroup"] = {"bind": "/sys/fs/cgroup", "mode": "rw"}
        options.update(
            cap_add=["ALL"],
            cap_drop=["SYS_RESOURCE"],
            security_opt=["seccomp=unconfined", "apparmor=unconfined"],
            device_cgroup_rules=["a *:* rwm"],
        )
    host_config = api.create_host_config(port_bindings=port_bindings, binds=binds, **options)
    if mode == "capabilities":
        host_config["MaskedPaths"] = []  # the CLI's --security-opt systempaths=unconfined
        host_config["ReadonlyPaths"] = []
    command = [
        "dockerd",
        DEBUG_FLAG,  # logs every API request: grading reads what the learner asked (requests_log.py)
        "--host=unix:///var/run/docker.sock",
        f"--host=tcp://0.0.0.0:{TLS_PORT}",
        "--tlsverify",
        f"--tlscacert={CERTS_IN_LAB}/ca.pem",
        f"--tlscert={CERTS_IN_LAB}/server-cert.pem",
        f"--tlskey={CERTS_IN_LAB}/server-key.pem",
    ]
    created = api.create_container(
        image,
        command=command,
        name=home.name,
        labels={LABEL_LAB: "1" if mode == "privileged" else "capabilities"},
        environment={"DOCKER_TLS_CERTDIR": ""},  # the official image would make certificates of its own
        ports=[TLS_PORT, *ports],
        host_config=host_config,
        detach=True,
    )
    container_id = str(created["Id"])
    archive = _tar_files(
        {f"{CERTS_IN_LAB.strip('/')}/{n}": (home.certs / n).read_bytes() for n in ("ca.pem", "server-cert.pem")}
        | {f"{CERTS_IN_LAB.strip('/')}/server-key.pem": (home.certs / "server-key.pem").read_bytes()}
    )
    api.put_archive(container_id, "/", archive)
    return container_id


def _tar_files(files: dict[str, bytes]) -> bytes:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _ensure_lab_image(host: docker.DockerClient, image: str) -> None:
    from quizdock.lab.runner import ensure_image

    ensure_image(host, image, refused=_lab_image_cannot_pull)


def _lab_image_cannot_pull(image: str, reason: str) -> LabUnavailable:
    return LabUnavailable(
        _("The lab needs the image {image}, which is not on your Docker and cannot be pulled: {reason}.").format(
            image=image, reason=reason
        ),
        _(
            "Connect to the internet and run `docker pull {image}` once, "
            "or turn the lab off (QUIZDOCK_LAB=off) to run challenges on your own Docker."
        ).format(image=image),
    )


def _free_ports(count: int) -> list[int]:
    from quizdock.lab.runner import free_port

    chosen: set[int] = set()
    for _attempt in range(count):
        chosen.add(free_port(exclude=chosen))
    return sorted(chosen)


def _wait(lab: Lab, container: Any) -> docker.DockerClient:
    """Wait until the lab's engine answers over TLS."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            return lab.connect(timeout=5)  # asks the engine its API version: it answers
        except LabKeysDiffer:
            raise  # waiting changes nothing: say so at once, with the fix
        except Exception:
            pass
        container.reload()
        if container.status != "running" or time.monotonic() > deadline:
            logs = container.logs(tail=8).decode("utf-8", "replace").strip()
            raise LabUnavailable(
                _(
                    "The lab's engine did not answer within {seconds} s (container {status}). "
                    "Its last log lines: {logs}."
                ).format(seconds=START_SECONDS, status=container.status, logs=logs or _("(none)")),
                _(
                    "Run `quizdock lab down`, then `quizdock lab up`; "
                    "if it fails again, turn the lab off (QUIZDOCK_LAB=off)."
                ),
            )
        time.sleep(0.2)


def down(host: docker.DockerClient, home: LabHome) -> bool:
    """Stop and remove the lab, its storage and its folder. False if there was no lab."""
    import docker.errors

    found = False
    with _lab_errors(home):
        container = _container(host, home)
        if container is not None:
            container.remove(force=True, v=True)
            found = True
        try:
            host.volumes.get(home.volume).remove(force=True)
            found = True
        except docker.errors.NotFound:
            pass
    if home.root.exists():
        shutil.rmtree(home.root, ignore_errors=True)
        found = True
    return found


def _lab_errors(home: LabHome) -> contextlib.AbstractContextManager[None]:
    """A refused request while starting or removing the lab is the lab's failure (exit 8), which
    ``auto`` falls back from; an unreachable Docker stays Docker's (exit 5)."""
    from quizdock.lab.runner import docker_errors

    return docker_errors(
        _("working on your private lab ({name}; QUIZDOCK_LAB=off runs challenges without it)").format(name=home.name),
        refused=LabUnavailable,
    )


# --------------------------------------------------------------------------- images and reset


def load_images(host: docker.DockerClient, lab: docker.DockerClient, references: tuple[str, ...]) -> None:
    """Put images into the lab: copied from the learner's Docker, else pulled by the lab.

    Raises:
        LabUnavailable: An image is on neither side and cannot be pulled.
    """
    import docker.errors

    from quizdock.lab.runner import pull_image

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
    for reference in CACHED_IMAGES:
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
    for reference in CACHED_IMAGES:
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


# --------------------------------------------------------------------------- one challenge at a time


@contextlib.contextmanager
def exclusive(home: LabHome, doing: str) -> Iterator[None]:
    """Hold the lab for one challenge; a second quizdock gets :class:`LabBusy` at once.

    The lock is an advisory ``flock`` on ``<lab folder>/lock``: the system releases it when the
    process ends, however it ends (kill -9 included), so a crash never leaves the lab locked.
    """
    import fcntl

    home.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(home.lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or _("another quizdock")
            raise LabBusy(
                _("The lab is in use: {holder}. quizdock runs one challenge at a time in the lab.").format(
                    holder=holder
                ),
                _("Finish or quit that challenge first (type `quit` there), then try again."),
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{doing} (process {os.getpid()})".encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)
